"""Generated shipments shaped like samples/shipments/demo.csv (the sample
routes, cn-express boxes, mailers, reusable crates, drop distances on the
multi-drop round), as tests/bench/bench_carbon.c makes them in memory:
a fixed seed, so the same count gives the same bytes.

    /usr/bin/python3 tests/dask/gen_shipments.py COUNT FILE
"""

import random
import sys

ROUTES = ["sh-city-evan", "sh-city-evan", "sh-city-evan", "sh-city-evan-round",
          "sha-pek-40t", "sha-pek-40t", "can-pek-air", "sha-pek-rail"]
PACKS = ["5#", "7#", "9#", "12#", "3#", "ldpe=20", "ldpe=20", "crate-pp"]
HEADER = "shipment_id,date,mass_g,items,packaging,route_id,drop_km\n"


def write(path, count, seed=20250101, block=100000):
    rng = random.Random(seed)
    ri, rn = rng.randrange, len(ROUTES)
    with open(path, "w", newline="") as fp:
        fp.write(HEADER)
        for lo in range(0, count, block):
            rows = []
            for i in range(lo, min(count, lo + block)):
                route = ROUTES[ri(rn)]
                drop = ""
                if route == "sh-city-evan-round":
                    t = 5 + ri(146)
                    drop = "%d.%d" % (t // 10, t % 10)
                rows.append("S%010d,2025-%02d-%02d,%d,%d,%s,%s,%s\n" % (
                    i, 1 + ri(12), 1 + ri(28), 100 + ri(9000), 1 + ri(3), PACKS[ri(8)],
                    route, drop))
            fp.write("".join(rows))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_shipments.py COUNT FILE")
    write(sys.argv[2], int(sys.argv[1]))
