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

Wall-clock times depend on what else the machine runs (its load average is
printed); CPU seconds do much less, so the overhead is also given as CPU:
the boxcar processes' (from wait4), the workers' own (Python, the pipe),
and this process's (the client and, in a LocalCluster, the scheduler and
the nannies), against the single process's.

The driver's overhead is the workers' and this process's CPU plus, per
partition, what a boxcar process costs before its first row (a start,
the factor set and routes: measured on a one-row file, 20 times). The
difference between the partitions' boxcar CPU and the single run's is
printed too, but on a loaded machine it moves by a few per cent from run
to run either way (it was -4 % to +3 % at 20 M rows), more than the
overhead itself.

PARTITION_MB (environment) sets the partition size (default: the
driver's).
"""

import os
import resource
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


def cpu(who=resource.RUSAGE_SELF):
    """CPU seconds, user + system, of this process or of its waited-for
    children."""
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime


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
        c0 = cpu(resource.RUSAGE_CHILDREN)
        subprocess.run([boxcar, "carbon"] + ARGS + ["--shipments", data, "--totals",
                       single_totals, "--no-progress"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        single = time.monotonic() - t
        single_cpu = cpu(resource.RUSAGE_CHILDREN) - c0
        print("single: %.2f s, %.2f M rows/s; CPU %.2f s (%.2f M rows per CPU second); "
              "load after %.2f" % (single, rows / single / 1e6, single_cpu,
                                   rows / single_cpu / 1e6, os.getloadavg()[0]), flush=True)
        with open(single_totals, "rb") as fp:
            expected = fp.read()
        one_row = os.path.join(work, "one-row.csv")
        with open(data, "rb") as src, open(one_row, "wb") as dst:
            dst.write(src.readline() + src.readline())
        c0 = cpu(resource.RUSAGE_CHILDREN)
        for _ in range(20):
            subprocess.run([boxcar, "carbon"] + ARGS + ["--shipments", one_row, "--totals",
                           os.path.join(work, "one-row-totals.csv"), "--no-progress"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        start_cpu = (cpu(resource.RUSAGE_CHILDREN) - c0) / 20
        print("a boxcar process before its first row: %.1f ms of CPU" % (1e3 * start_cpu))
        part_kw = {}
        if os.environ.get("PARTITION_MB"):
            part_kw["part_bytes"] = int(float(os.environ["PARTITION_MB"]) * (1 << 20))
        figures = {}
        for workers in (1, 2):
            t = time.monotonic()
            client = driver.connect(workers=workers)
            client.wait_for_workers(workers, timeout=120)
            driver.check_workers(client, boxcar, [data])
            start = time.monotonic() - t
            try:
                w0 = sum(client.run(cpu).values())
                s0 = cpu()
                res = driver.carbon(client, boxcar, data, os.path.join(work, "run%d" % workers),
                                    ARGS, rows=False,
                                    progress=driver._Progress("carbon", 0, enabled=False),
                                    **part_kw)
                own_cpu = cpu() - s0
                # the workers' own CPU, without their boxcar children
                workers_cpu = sum(client.run(cpu).values()) - w0
            finally:
                cluster = client.cluster
                client.close()
                cluster.close()
            with open(res.totals, "rb") as fp:
                same = fp.read() == expected
            print("dask %d: %.2f s (+ %.1f s to start the cluster), %.2f M rows/s, "
                  "%.2fx one process; %d partitions of %.0f MB; boxcar ran %.2f s in all; "
                  "totals %s; load after %.2f" % (
                      workers, res.seconds, start, rows / res.seconds / 1e6,
                      single / res.seconds, res.partitions, size / res.partitions / 1e6,
                      res.task_seconds, "identical" if same else "DIFFERENT",
                      os.getloadavg()[0]), flush=True)
            extra = res.partitions * start_cpu + workers_cpu + own_cpu
            print("  CPU: boxcar %.2f s (%+.2f s on the single run), workers %.2f s, client "
                  "and scheduler %.2f s (%.1f ms per second of the run), %d boxcar starts "
                  "%.2f s: driver overhead %.2f s = %.1f %% of the work"
                  % (res.task_cpu_seconds, res.task_cpu_seconds - single_cpu, workers_cpu,
                     own_cpu, 1e3 * (workers_cpu + own_cpu) / res.seconds, res.partitions,
                     res.partitions * start_cpu, extra, 100 * extra / single_cpu), flush=True)
            figures[workers] = (res, workers_cpu, own_cpu)
            if not same:
                sys.exit(1)
        # the model, from the 1-worker run's CPU: each partition costs its
        # share of the work plus a fixed o_part (a boxcar start, loading the
        # factor set and routes, a task, the pipe), spread over the cores;
        # the client and scheduler's o_run is serial
        res, workers_cpu, own_cpu = figures[1]
        o_part = start_cpu + workers_cpu / res.partitions
        print("model: T(C cores) = (%.2f s + %d partitions x %.1f ms) / min(C, partitions) "
              "+ %.2f s (+ the cluster's start)" % (single_cpu, res.partitions, 1e3 * o_part, own_cpu))
        for c in (2, 8, 32, 128):
            t = (single_cpu + res.partitions * o_part) / min(c, res.partitions) + own_cpu
            print("  %3d cores: %.1f s, %.2fx one process" % (c, t, single_cpu / t))
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
