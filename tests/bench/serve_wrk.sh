#!/usr/bin/env bash
# Load-test `boxcar serve` with wrk on loopback: POST /v1/pack of a 5-line
# order (serve_order5.json) over keep-alive connections.
#
#   tests/bench/serve_wrk.sh BUILD_DIR [SECONDS] [CONNECTIONS] [SERVER_THREADS] [WRK_THREADS]
#   tests/bench/serve_wrk.sh build 10 16 2 1
#
# BOXCAR_BENCH_CBOR=1 sends and asks for CBOR instead of JSON. Prints wrk's
# report (requests/s and the latency distribution with p50/p75/p90/p99)
# and the server's own count of answers by status from /metrics.
set -euo pipefail
build=${1:?usage: serve_wrk.sh BUILD_DIR [SECONDS] [CONNECTIONS] [SERVER_THREADS] [WRK_THREADS]}
seconds=${2:-10}
conns=${3:-16}
server_threads=${4:-2}
wrk_threads=${5:-1}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "serve_wrk.sh: wrk is not installed (Debian: apt-get install wrk)"; exit 1; }
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

body="$here/serve_order5.json"
type=application/json
if [ "${BOXCAR_BENCH_CBOR:-0}" = 1 ]; then
  "$build/cli/boxcar" convert -o "$work/order5.cbor" "$body" 2>/dev/null
  body="$work/order5.cbor"
  type=application/cbor
fi

"$build/cli/boxcar" serve --listen 127.0.0.1:0 --threads "$server_threads" \
  --max-connections 1024 >"$work/out" 2>"$work/log" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*:\([0-9]*\)/$|\1|p' "$work/out")
[ -n "$port" ] || { echo "server did not start"; cat "$work/log"; exit 1; }

echo "boxcar serve --threads $server_threads on port $port; wrk -t$wrk_threads -c$conns -d${seconds}s ($type)"
nproc_=$(nproc); echo "machine: $nproc_ CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# a short warm-up, so every worker's engine is made and warm
BOXCAR_BENCH_BODY="$body" BOXCAR_BENCH_TYPE="$type" \
  wrk -t1 -c"$server_threads" -d1s -s "$here/serve_pack.lua" "http://127.0.0.1:$port/v1/pack" >/dev/null
BOXCAR_BENCH_BODY="$body" BOXCAR_BENCH_TYPE="$type" \
  wrk -t"$wrk_threads" -c"$conns" -d"${seconds}s" --latency -s "$here/serve_pack.lua" \
  "http://127.0.0.1:$port/v1/pack"
echo "answers by status (server's /metrics):"
curl -s "http://127.0.0.1:$port/metrics" 2>/dev/null | grep '^boxcar_http_requests_total{endpoint="/v1/pack"' || true
