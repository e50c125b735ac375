#!/usr/bin/env python3
"""Orders the engine was not tuned on: an exported order file (bench_ecom
--export) with each line's l, w and h scaled by a factor drawn from
LOW..HIGH (default 0.93..1.07), rounded to whole millimetres.

    tests/bench/jitter_orders.py IN.csv OUT.csv SEED [LOW HIGH]

The draws come from random.Random(SEED), three per line in file order, so
a seed gives the same file on every machine. Pack OUT.csv with boxcar pack
and compare the box counts per order with another build's.
"""
import csv
import random
import sys


def main(argv):
    if len(argv) not in (4, 6):
        sys.stderr.write(__doc__)
        return 2
    src, dst, seed = argv[1], argv[2], int(argv[3])
    low, high = (float(argv[4]), float(argv[5])) if len(argv) == 6 else (0.93, 1.07)
    rnd = random.Random(seed)
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    cols = [head.index(c) for c in ("l_mm", "w_mm", "h_mm")]
    for row in rows[1:]:
        for k in cols:
            row[k] = str(max(1, round(int(row[k]) * rnd.uniform(low, high))))
    with open(dst, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
