#!/usr/bin/env bash
# Runs every connectnative benchmark and writes the results table.
#
#   connect-benchmarks/run.sh            full run (~10 min on 2 cores), writes BENCHMARKS.md at the repo root
#   connect-benchmarks/run.sh --quick    short run (~2 min) for development, writes
#                                        connect-benchmarks/target/BENCHMARKS-quick.md
#
# Other arguments go to the loopback harness (--rounds N, --bulk-mb N, --conn-seconds S,
# --warmup-seconds S, --only REGEX). HAProxy and stunnel come from Debian packages (haproxy, stunnel4),
# installed with apt-get when missing and this runs as root; otherwise those paths are skipped with a
# message. Nothing here needs the network except Maven and apt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=false
for arg in "$@"; do
  if [[ "$arg" == "--quick" ]]; then quick=true; fi
done

echo "== building connect-benchmarks" >&2
mvn -B -ntp -q -pl connect-benchmarks -am package -Dmaven.test.skip=true >&2
jar="$root/connect-benchmarks/target/benchmarks.jar"

missing=()
command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
command -v stunnel4 >/dev/null 2>&1 || missing+=(stunnel4)
if (( ${#missing[@]} > 0 )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq "${missing[@]}" >&2; then
      apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2 \
        || echo "== could not install ${missing[*]}: those sidecar paths will be skipped" >&2
    fi
  else
    echo "== ${missing[*]} missing and not root (or no apt-get): those sidecar paths will be skipped" >&2
  fi
fi

java_opts=(-Xms1g -Xmx1g -XX:+UseParallelGC -Djdk.tls.namedGroups=x25519,secp256r1)
if $quick; then
  out="$root/connect-benchmarks/target/BENCHMARKS-quick.md"
  jmh_opts=(-f 1 -wi 3 -w 1s -i 3 -r 1s)
else
  out="$root/BENCHMARKS.md"
  jmh_opts=(-f 1 -wi 8 -w 2s -i 5 -r 2s)
fi
table=$(mktemp)
jmh=$(mktemp)
trap 'rm -f "$table" "$jmh"' EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%s)
echo "== loopback harness" >&2
java "${java_opts[@]}" -jar "$jar" "$@" --report "$table"
echo "== JMH" >&2
java "${java_opts[@]}" -cp "$jar" org.openjdk.jmh.Main "${jmh_opts[@]}" -rf text -rff "$jmh" >&2
cat "$jmh"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
minutes=$(( ($(date -u +%s) - started + 59) / 60 ))

{
  echo "# Benchmarks"
  echo
  echo "Produced by \`connect-benchmarks/run.sh${*:+ $*}\` on $(date -u '+%Y-%m-%d %H:%M UTC') (${minutes} min)."
  echo
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(free -g | awk '/^Mem:/ {print $2}') GiB,"
  echo "  $(uname -sr); load average before/after: ${load_before} / ${load_after} (other work on the machine skews absolute figures; ratios come from the same rounds)."
  echo "- JDK: $(java -version 2>&1 | sed -n 2p); JVM options: \`${java_opts[*]}\`."
  echo "- Sidecars: $( (haproxy -v 2>/dev/null || /usr/sbin/haproxy -v 2>/dev/null || echo 'HAProxy not installed') | head -1 | cut -d' ' -f1-3);" \
       "$( (stunnel4 -version 2>&1 || echo 'stunnel not installed') | grep -m1 -E '^.?.?.?stunnel [0-9]|not installed' | sed 's/^\[.\] //')."
  echo "- Method: loopback only; client, server and sidecars share the cores. Every round runs each path once"
  echo "  (starting at a different path each round); figures are medians over rounds ± half the min–max spread."
  echo "  Bulk: one connection streams the data one way, the server's byte count closes the measurement."
  echo "  New connections: 4 client threads loop connect + mTLS 1.3 handshake (a full one, or a resumed one on the"
  echo "  rows that say so; P-256 leaves, X25519) + one 32-byte echo + close. CPU is this JVM's process CPU plus the"
  echo "  sidecar processes' utime+stime."
  echo
  echo "## Loopback harness"
  echo
  cat "$table"
  echo
  echo "## JMH"
  echo
  echo '```'
  cat "$jmh"
  echo '```'
} > "$out"
echo "== wrote $out" >&2
