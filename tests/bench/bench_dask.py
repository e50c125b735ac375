#!/usr/bin/python3
"""bench_dask.py: boxcar-dask against one `boxcar carbon` process.

    /usr/bin/python3 tests/bench/bench_dask.py BOXCAR [ROWS] [DIR]

Generates ROWS shipments (default 100,000,000; tests/dask/gen_shipments.py,
about 50 bytes a row) into DIR (default a new temporary directory, removed
at the end), then times, on the same file:
  single    one `boxcar carbon --totals` process over the whole file;
  dask 1    boxcar-dask carbon --no-rows on a LocalCluster of 1 worker;
  dask 2    the same on 2 workers;
and checks that each merged totals file is the single run's, byte for byte.
The per-partition overhead is what the partitions' boxcar processes took
beyond the single run, over the number of partitions (a boxcar start,
loading the factor set and routes, feeding the pipe), and what the driver
took beyond the tasks' own time (scheduling, the merge). Per-shipment rows
are not written: the comparison is of the computation, not of the disk.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "tests", "dask"))

from boxcar_dask import driver  # noqa: E402
import gen_shipments  # noqa: E402

ARGS = ["--routes", os.path.join(ROOT, "samples", "routes", "cn-routes.csv"),
        "--containers", os.path.join(ROOT, "samples", "shipments", "containers.csv")]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    boxcar = os.path.abspath(sys.argv[1])
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000_000
    own = len(sys.argv) <= 3
    work = tempfile.mkdtemp(prefix="bench-dask-") if own else sys.argv[3]
    os.makedirs(work, exist_ok=True)
    try:
        data = os.path.join(work, "shipments-%d.csv" % rows)
        if not os.path.exists(data):
            t = time.monotonic()
            gen_shipments.write(data + ".tmp", rows)
            os.replace(data + ".tmp", data)
            print("generated %d shipments, %.2f GB, in %.0f s" % (
                rows, os.path.getsize(data) / 1e9, time.monotonic() - t), flush=True)
        size = os.path.getsize(data)
        print("machine: %d CPUs, load %.2f %.2f %.2f" % ((os.cpu_count(),) + os.getloadavg()))
        single_totals = os.path.join(work, "single.csv")
        t = time.monotonic()
        subprocess.run([boxcar, "carbon"] + ARGS + ["--shipments", data, "--totals",
                       single_totals, "--no-progress"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        single = time.monotonic() - t
        print("single: %.2f s, %.2f M rows/s" % (single, rows / single / 1e6), flush=True)
        with open(single_totals, "rb") as fp:
            expected = fp.read()
        figures = {}
        for workers in (1, 2):
            t = time.monotonic()
            client = driver.connect(workers=workers)
            client.wait_for_workers(workers, timeout=120)
            driver.check_workers(client, boxcar, [data])
            start = time.monotonic() - t
            try:
                res = driver.carbon(client, boxcar, data, os.path.join(work, "run%d" % workers),
                                    ARGS, rows=False,
                                    progress=driver._Progress("carbon", 0, enabled=False))
            finally:
                cluster = client.cluster
                client.close()
                cluster.close()
            with open(res.totals, "rb") as fp:
                same = fp.read() == expected
            figures[workers] = res
            print("dask %d: %.2f s (+ %.1f s to start the cluster), %.2f M rows/s, "
                  "%.2fx one process; %d partitions of %.0f MB; boxcar ran %.2f s in all; "
                  "totals %s" % (workers, res.seconds, start, rows / res.seconds / 1e6,
                                 single / res.seconds, res.partitions, size / res.partitions / 1e6,
                                 res.task_seconds, "identical" if same else "DIFFERENT"),
                  flush=True)
            if not same:
                sys.exit(1)
        one = figures[1]
        per_part = (one.task_seconds - single) / one.partitions
        driver_s = one.seconds - one.task_seconds
        print("per partition: %.1f ms of boxcar beyond the single run; driver beyond the "
              "tasks: %.2f s (%.1f %% of the work); total overhead of 1 worker: %.1f %%"
              % (per_part * 1e3, driver_s, 100 * driver_s / single,
                 100 * (one.seconds - single) / single))
        print("model: T(N workers) = %.2f s / N + %d partitions x %.1f ms / N + %.2f s"
              % (single, one.partitions, per_part * 1e3, max(driver_s, 0)))
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
