#!/usr/bin/python3
"""bench_dask_pack.py: boxcar-dask pack against one `boxcar pack` process.

    /usr/bin/python3 tests/bench/bench_dask_pack.py BOXCAR ORDERS [CATALOG]
    /usr/bin/python3 tests/bench/bench_dask_pack.py BOXCAR --repeat-demo K [CATALOG]

ORDERS is a CSV order file (for example the e-commerce corpus written by
`bench_ecom --export DIR`); --repeat-demo K writes samples/orders/demo.csv
K times into a temporary file instead, each copy's order ids suffixed so
that every order is its own (K = 2500 is 1 M orders, 93 MB).

Times, on the same file:
  single    one `boxcar pack --format csv --jobs 1` process;
  dask N    boxcar-dask pack on a LocalCluster of N = 1 and 2 workers (one
            boxcar thread each, --jobs 1), --partitions PARTS (default 8);
and checks that the partitions' rows, joined with one header, are the single
run's. The driver's overhead is the workers' own CPU (Python: the task, and
before boxcar pack read its range in place, feeding the partition through a
pipe) plus this process's (the client and, in a LocalCluster, the scheduler),
against the single process's CPU. The partitions' boxcar CPU beyond the
single run's (a start and the catalog per partition) is printed beside it.

BOXCAR_DASK_DIR (environment) takes the driver package from that directory
instead of python/ (to time an older driver on the same data).
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
sys.path.insert(0, os.environ.get("BOXCAR_DASK_DIR") or os.path.join(ROOT, "python"))

from boxcar_dask import driver  # noqa: E402


def cpu(who=resource.RUSAGE_SELF):
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime


def repeat_demo(path, k):
    with open(os.path.join(ROOT, "samples", "orders", "demo.csv"), "rb") as fp:
        head = fp.readline()
        body = fp.read().splitlines(keepends=True)
    with open(path, "wb") as out:
        out.write(head)
        for i in range(k):
            tag = b"-%d," % i
            out.write(b"".join(line.replace(b",", tag, 1) for line in body))


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    boxcar = os.path.abspath(args.pop(0))
    work = tempfile.mkdtemp(prefix="bench-dask-pack-")
    try:
        if args[0] == "--repeat-demo":
            orders = os.path.join(work, "orders.csv")
            repeat_demo(orders, int(args[1]))
            args = args[2:]
        else:
            orders = os.path.abspath(args.pop(0))
        catalog = ["--catalog", os.path.abspath(args[0])] if args else []
        parts = int(os.environ.get("PARTS", "8"))
        pack_args = catalog + ["--jobs", "1"]
        size = os.path.getsize(orders)
        print("orders: %s, %.1f MB; machine: %d CPUs, load %.2f %.2f %.2f"
              % (os.path.basename(orders), size / 1e6, os.cpu_count(), *os.getloadavg()))
        single_out = os.path.join(work, "single.csv")
        t = time.monotonic()
        c0 = cpu(resource.RUSAGE_CHILDREN)
        p = subprocess.run([boxcar, "pack", "--orders", orders, "--format", "csv", "-o",
                            single_out, "--no-progress"] + pack_args,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        single = time.monotonic() - t
        single_cpu = cpu(resource.RUSAGE_CHILDREN) - c0
        print("single: %.2f s wall, CPU %.2f s; %s; load after %.2f"
              % (single, single_cpu, p.stderr.decode().strip().splitlines()[-1],
                 os.getloadavg()[0]), flush=True)
        with open(single_out, "rb") as fp:
            expected = fp.read()
        for workers in (1, 2):
            client = driver.connect(workers=workers)
            client.wait_for_workers(workers, timeout=120)
            try:
                w0 = sum(client.run(cpu).values())
                s0 = cpu()
                out = os.path.join(work, "run%d" % workers)
                res = driver.pack(client, boxcar, orders, out, pack_args, parts=parts,
                                  progress=driver._Progress("pack", 0, enabled=False))
                own_cpu = cpu() - s0
                workers_cpu = sum(client.run(cpu).values()) - w0
            finally:
                cluster = client.cluster
                client.close()
                cluster.close()
            joined = bytearray()
            for i, name in enumerate(sorted(os.listdir(os.path.join(out, "boxes")))):
                with open(os.path.join(out, "boxes", name), "rb") as fp:
                    data = fp.read()
                joined += data if i == 0 else data[data.index(b"\n") + 1:]
            same = bytes(joined) == expected
            extra = workers_cpu + own_cpu
            print("dask %d: %.2f s wall, %.2fx one process; %d partitions; rows %s; load "
                  "after %.2f" % (workers, res.seconds, single / res.seconds, res.partitions,
                                  "identical" if same else "DIFFERENT", os.getloadavg()[0]))
            print("  CPU: boxcar %.2f s (%+.2f s on the single run), workers %.3f s, client "
                  "and scheduler %.2f s: driver overhead %.2f s = %.1f %% of the work"
                  % (getattr(res, "task_cpu_seconds", 0.0),
                     getattr(res, "task_cpu_seconds", 0.0) - single_cpu, workers_cpu,
                     own_cpu, extra, 100 * extra / single_cpu), flush=True)
            if not same:
                sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
