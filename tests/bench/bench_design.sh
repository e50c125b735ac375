#!/bin/sh
# bench_design.sh: the figures of carton-set design and made-to-measure
# boxes (README, "Carton-set design"), in one command:
#
#   tests/bench/bench_design.sh [BUILD_DIR] [DATA_DIR]
#
# On the e-commerce corpus (DATA_DIR/boxpacker, DATA_DIR by default
# ../shared/bench beside the checkout; 4,288 orders, 4 box sizes), in both rotation modes:
# today's 4 sizes, 4..20 designed sizes (the curve, by board area; 4..8
# by inner volume), 8 designed on 70 % of
# the orders and measured on the other 30 %, boxes cut to measure by a
# machine (700 x 600 x 600 mm at most, 5 mm step, outer = inner + 6/6/12 mm
# like the designed sizes), and BoxPacker's own results: boxes, inner m^3,
# board m^2 (FEFCO 0201 of each box's outer size). Then the 400 demo orders:
# the cn-express series against 12 designed sizes under the GB 45186 policy
# at its defaults, with 12 sizes designed compliance first and boxes cut to
# measure (the 'current' row of that run). Each timing is CPU (user, sys) and wall seconds, with
# the machine's load.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
shared=${2:-$here/../../../shared/bench}
data=$shared/boxpacker
boxcar=$build/cli/boxcar
if [ ! -f "$data/ecom_order_items.csv" ]; then
    echo "bench_design: no e-commerce corpus in $data; skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/tests/bench/bench_ecom" "$shared" --export "$tmp" >/dev/null
cat >"$tmp/machine.csv" <<'CSV'
box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g,outer_l_mm,outer_w_mm,outer_h_mm,custom,min_l_mm,min_w_mm,min_h_mm,step_mm,grammage_g_m2
M,700,600,600,30000,706,606,612,1,100,80,10,5,440
CSV
timed() {
    /usr/bin/time -f "  time: %U s user, %S s sys, %e s wall (load $(cut -d' ' -f1-3 /proc/loadavg))" "$@"
}
for mode in upright any; do
    case $mode in upright) bp=keepflat ;; *) bp=bestfit ;; esac
    echo "== e-commerce corpus, rotation $mode =="
    timed "$boxcar" catalog design --orders "$tmp/ecom-$mode.csv" \
        --catalog "$tmp/ecom-boxes.csv" --sizes 4..20 | grep -v '^  boxes per size'
    echo "-- the same by inner volume (--objective volume):"
    "$boxcar" catalog design --orders "$tmp/ecom-$mode.csv" --objective volume \
        --sizes 4..8 | grep '^designed'
    echo "-- 8 sizes designed on 70 % of the orders, figures on the other 30 %:"
    "$boxcar" catalog design --orders "$tmp/ecom-$mode.csv" \
        --catalog "$tmp/ecom-boxes.csv" --sizes 8 --holdout 30 | sed -n '3,5p'
    echo "-- cut to measure (bench_custom):"
    "$build/tests/bench/bench_custom" "$tmp/machine.csv" "$tmp/ecom-$mode.csv" | sed -n '2,4p'
    echo "-- BoxPacker ($bp, from peer_results_boxpacker.csv):"
    python3 - "$data" "$tmp/ecom-boxes.csv" "$bp" <<'PY'
import csv, sys
data, boxes, mode = sys.argv[1:4]
area = {}
for r in csv.DictReader(open(boxes)):
    l, w, h = int(r["outer_l_mm"]), int(r["outer_w_mm"]), int(r["outer_h_mm"])
    area[r["box_id"]] = (2 * l + 2 * w + 30) * (h + w)
n = inner = board = 0
for r in csv.DictReader(open(data + "/peer_results_boxpacker.csv")):
    if r["rotation"] != mode:
        continue
    n += int(r["n_boxes"])
    inner += int(r["total_inner_volume_mm3"])
    ids = [b.strip() for b in r["box_ids"].split(";") if b.strip()]
    # box_ids lists the box of each packed box, in order
    board += sum(area[b] for b in ids)
print("  %d boxes, inner volume %.3f m^3, board %.2f m^2" % (n, inner * 1e-9, board * 1e-6))
PY
done
echo "== demo orders: cn-express against 12 designed sizes, GB 45186 policy at its defaults =="
timed "$boxcar" catalog design --orders samples/orders/demo.csv \
    --catalog samples/catalogs/cn-express.csv --sizes 12 --policy gb45186 | grep -v '^  boxes per size'
echo "-- 12 sizes designed compliance first (--objective compliance), and boxes cut to measure:"
"$boxcar" catalog design --orders samples/orders/demo.csv --sizes 12 --policy gb45186 \
    --objective compliance | grep '^designed'
"$boxcar" catalog design --orders samples/orders/demo.csv --catalog "$tmp/machine.csv" \
    --sizes 12 --policy gb45186 | grep '^current'
echo "== time to design 12 sizes from the 4,288 orders (reading, needs, search, and repacking) =="
timed "$boxcar" catalog design --orders "$tmp/ecom-upright.csv" --sizes 12 >/dev/null
