#!/usr/bin/env bash
# The demo: builds what it needs, then tells the story of two Connect services (see README.md).
#   ./demo.sh            the demo (dial by name, deny intention, CA rotation)
#   ./demo.sh jetty      Jetty service answering with the caller's identity, JDK HTTP client
#   ./demo.sh okhttp     OkHttp client calling https://echo.service.consul/
#   ./demo.sh netty      Netty echo server and client
#   ./demo.sh grpc       gRPC (grpc-netty) service and client
# Runs on an embedded dev agent; set CONSUL_HTTP_ADDR (and CONSUL_HTTP_TOKEN) to use a real agent.
# Exits 0 when every step behaved, non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")"

case "${1:-demo}" in
  demo) main=dev.connectnative.examples.demo.Demo ;;
  jetty) main=dev.connectnative.examples.jetty.JettyExample ;;
  okhttp) main=dev.connectnative.examples.okhttp.OkHttpExample ;;
  netty) main=dev.connectnative.examples.netty.NettyEchoExample ;;
  grpc) main=dev.connectnative.examples.grpc.GrpcExample ;;
  *) echo "usage: $0 [demo|jetty|okhttp|netty|grpc]" >&2; exit 64 ;;
esac

log="$(mktemp -t connectnative-demo-build.XXXXXX)"
trap 'rm -f "$log" "$log.cp"' EXIT

echo "Building connectnative (a minute or two the first time)..."
if ! mvn -B -ntp -q -DskipTests -Dspotless.check.skip=true -pl examples -am install >"$log" 2>&1 \
  || ! mvn -B -ntp -q -pl examples dependency:build-classpath -Dmdep.outputFile="$log.cp" \
    >>"$log" 2>&1; then
  cat "$log" >&2
  echo "demo.sh: the build failed (output above)" >&2
  exit 3
fi

"${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "examples/target/classes:$(cat "$log.cp")" "$main"
