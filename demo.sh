#!/usr/bin/env bash
# The demo: builds what it needs, then tells the story of two Connect services (see README.md).
# Runs on an embedded dev agent; set CONSUL_HTTP_ADDR (and CONSUL_HTTP_TOKEN) to use a real agent.
# Exits 0 when every step of the story behaved, non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")"

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

java -cp "examples/target/classes:$(cat "$log.cp")" dev.connectnative.examples.demo.Demo
