#!/usr/bin/env bash
# Hammer `boxcar serve` from a ThreadSanitizer build: concurrent
# POST /v1/pack (with a policy), /v1/pack?station=S1 (issuing from the
# pool), /v1/carbon, /v1/containers/events, /v1/pack/svg and the GET
# endpoints (metrics, catalog, policy, containers), while the
# server is sent SIGHUP (reload) over and over and POST /v1/admin/reload
# now and then; then SIGTERM (drain). Fails when ThreadSanitizer reports.
#
#   tests/tsan/hammer_serve.sh BUILD_DIR [SECONDS]
#   tests/tsan/hammer_serve.sh build-tsan 20
set -euo pipefail
build=${1:?usage: hammer_serve.sh BUILD_DIR [SECONDS]}
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
command -v wrk >/dev/null || { echo "hammer_serve.sh: wrk is not installed"; exit 1; }
work=$(mktemp -d)
server=
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$server" ] && kill "$server" 2>/dev/null
  wait 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT

boxcar="$build/cli/boxcar"
catalog="$src/samples/catalogs/cn-express-reusable.csv"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$work/tsan:${TSAN_OPTIONS:-}"
"$boxcar" containers station S1 -j "$work/pool.bxj" >/dev/null 2>&1
seq 1 20000 | sed 's/^/K/' | xargs -n 5000 \
  "$boxcar" containers register --type crate-pp --station S1 -j "$work/pool.bxj" >/dev/null 2>&1
printf '[{"order_id":"B1","item_id":"BRICK","qty":10,"l_mm":150,"w_mm":100,"h_mm":60,"weight_g":800}]\n' >"$work/order.json"
head -200 "$src/samples/shipments/demo.csv" >"$work/ship.csv"
echo hammer-token >"$work/token"

"$boxcar" serve --listen 127.0.0.1:0 --threads 4 --pool "$work/pool.bxj" \
  --catalog "$catalog" --token-file "$work/token" \
  --policy "$src/scripts/policy/reuse-first.lua" \
  --routes "$src/samples/routes/cn-routes.csv" \
  --containers "$src/samples/shipments/containers.csv" >"$work/out" 2>"$work/log" &
server=$!
for _ in $(seq 300); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*:\([0-9]*\)/$|\1|p' "$work/out")
[ -n "$port" ] || { echo "server did not start"; cat "$work/log"; exit 1; }
url="http://127.0.0.1:$port"
auth="Authorization: Bearer hammer-token"

run_wrk() { # PATH BODY TYPE NAME
  BOXCAR_BENCH_BODY="$2" BOXCAR_BENCH_TYPE="$3" BOXCAR_BENCH_TOKEN=hammer-token \
    wrk -t1 -c4 -d"${seconds}s" -s "$src/tests/bench/serve_pack.lua" "$url$1" >"$work/wrk.$4" 2>&1
}
run_wrk /v1/pack "$work/order.json" application/json pack & pids+=($!)
run_wrk "/v1/pack?station=S1" "$work/order.json" application/json station & pids+=($!)
run_wrk /v1/carbon "$work/ship.csv" text/csv carbon & pids+=($!)
( n=0; end=$((SECONDS + seconds))
  while [ $SECONDS -lt $end ]; do
    n=$((n + 1))
    curl -s -o /dev/null -H "$auth" -H 'Content-Type: application/json' \
      -d "{\"ev\":\"register\",\"id\":\"H$n\",\"type\":\"crate-pp\",\"station\":\"S1\"}" \
      "$url/v1/containers/events"
    curl -s -o /dev/null "$url/metrics"
    curl -s -o /dev/null -H 'Content-Type: application/json' \
      --data-binary @"$work/order.json" "$url/v1/pack/svg"
    curl -s -o /dev/null "$url/v1/containers/stats"
    curl -s -o /dev/null "$url/v1/containers?state=available&station=S1&limit=50"
    curl -s -o /dev/null "$url/v1/catalog" "$url/v1/policy" "$url/healthz"
    [ $((n % 20)) -eq 0 ] && curl -s -o /dev/null -X POST -H "$auth" "$url/v1/admin/reload"
  done ) & pids+=($!)
reloads=0
end=$((SECONDS + seconds))
while [ $SECONDS -lt $end ] && kill -0 "$server" 2>/dev/null; do
  kill -HUP "$server"; reloads=$((reloads + 1)); sleep 0.05
done
kill -TERM "$server" 2>/dev/null || true
rc=0; wait "$server" || rc=$?; server=
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()
echo "SIGHUP sent $reloads times; server exit status $rc"
for f in pack station carbon; do
  printf '%s: %s' "$f" "$(grep -h "requests in" "$work/wrk.$f")"
  grep -h "Non-2xx" "$work/wrk.$f" || echo
done
grep -c "catalog reloaded" "$work/log" | sed 's/^/reloads logged: /'
if ls "$work"/tsan.* >/dev/null 2>&1; then
  cat "$work"/tsan.*; echo "hammer_serve.sh: ThreadSanitizer reported"; exit 1
fi
[ "$rc" -eq 0 ] || { tail -5 "$work/log"; exit 1; }
echo "hammer_serve.sh: no ThreadSanitizer report"
