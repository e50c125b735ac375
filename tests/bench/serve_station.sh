#!/usr/bin/env bash
# Load-test packing at a station from the pool: POST /v1/pack?station=S1
# with wrk on loopback, every answer an issue made durable (one journal
# record and its sync each) while crates last. The pool: CRATES crate-pp
# at S1, registered before the run; each order (ten bricks) takes one.
#
#   tests/bench/serve_station.sh BUILD_DIR [SECONDS] [CONNECTIONS] [CRATES]
#   tests/bench/serve_station.sh build 5 8 100000
#
# Give more crates than the run can issue (the report says how many were
# issued): once they are gone, orders get cartons and nothing is synced.
# The journal lives in a temporary directory under TMPDIR: its file
# system's sync is what this measures.
set -euo pipefail
build=${1:?usage: serve_station.sh BUILD_DIR [SECONDS] [CONNECTIONS] [CRATES]}
seconds=${2:-5}
conns=${3:-8}
crates=${4:-100000}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
command -v wrk >/dev/null || { echo "serve_station.sh: wrk is not installed (Debian: apt-get install wrk)"; exit 1; }
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

boxcar="$build/cli/boxcar"
catalog="$src/samples/catalogs/cn-express-reusable.csv"
"$boxcar" containers station S1 -j "$work/pool.bxj" >/dev/null 2>&1
# registered in batches of 5,000 ids per command (one journal record each)
seq 1 "$crates" | sed 's/^/K/' | xargs -n 5000 \
  "$boxcar" containers register --type crate-pp --station S1 -j "$work/pool.bxj" >/dev/null 2>&1
printf '[{"order_id":"B1","item_id":"BRICK","qty":10,"l_mm":150,"w_mm":100,"h_mm":60,"weight_g":800}]\n' >"$work/order.json"
echo bench-token >"$work/token"

"$boxcar" serve --listen 127.0.0.1:0 --threads 2 --max-connections 1024 --pool "$work/pool.bxj" \
  --catalog "$catalog" --token-file "$work/token" >"$work/out" 2>"$work/log" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*:\([0-9]*\)/$|\1|p' "$work/out")
[ -n "$port" ] || { echo "server did not start"; cat "$work/log"; exit 1; }

echo "boxcar serve --pool ($crates crates at S1); wrk -t1 -c$conns -d${seconds}s POST /v1/pack?station=S1"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "journal on: $(df -T "$work" | awk 'NR==2 {print $2}')"
BOXCAR_BENCH_BODY="$work/order.json" BOXCAR_BENCH_TYPE=application/json BOXCAR_BENCH_TOKEN=bench-token \
  wrk -t1 -c"$conns" -d"${seconds}s" --latency -s "$here/serve_pack.lua" \
  "http://127.0.0.1:$port/v1/pack?station=S1"
echo "server's /metrics:"
curl -s "http://127.0.0.1:$port/metrics" 2>/dev/null |
  grep -E '^boxcar_http_requests_total\{endpoint="/v1/pack"|^boxcar_pool_containers_issued_total' || true
kill "$server"; wait "$server" 2>/dev/null || true; server=
echo "containers verify:"; "$boxcar" containers verify -j "$work/pool.bxj" 2>&1 | head -3
