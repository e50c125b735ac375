"""The driver: partitions, tasks on the cluster, the exact merge, the
summary. It talks to Dask only through a distributed.Client, so the same
code runs on a LocalCluster and on a cluster of several machines."""

import csv
import os
import shutil
import sys
import time
from dataclasses import dataclass, field

from . import partition, worker

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, EXIT_BAD_INPUT = 0, 1, 2, 3


class DriverError(Exception):
    """A failure the driver reports in one message; code is the exit code."""

    def __init__(self, message, code=EXIT_RUNTIME):
        super().__init__(message)
        self.code = code


@dataclass
class Result:
    """What a run did: the figures of its summary and where it wrote."""
    command: str
    partitions: int = 0
    workers: int = 0
    rows: int = 0            # records read (shipments, or order lines)
    computed: int = 0
    excluded: int = 0
    seconds: float = 0.0     # wall clock, from the split to the merged output
    task_seconds: float = 0.0  # boxcar's own time, summed over the tasks
    task_cpu_seconds: float = 0.0  # boxcar's CPU time (user + system), summed
    retried: int = 0         # tasks run again after their worker died
    exit_code: int = EXIT_OK
    totals: str = None
    draws: str = None        # the merged per-draw totals, with --uncertainty
    table: str = None        # with by: the merged totals by that group (CSV)
    uncertainty: str = None  # the run total's interval, as boxcar merge gives it
    outputs: list = field(default_factory=list)
    errors: list = field(default_factory=list)   # (file, line, field, message)
    errors_file: str = None

    @property
    def rows_per_s(self):
        return self.rows / self.seconds if self.seconds > 0 else 0.0


# A task's thread only waits for its boxcar process: Dask's statistical
# profiler (a stack sample every 10 ms) and its fast event-loop checks cost
# CPU that the work needs, and tell nothing about boxcar. So do the memory
# monitors of each worker and its nanny (every 100 ms): a worker's memory
# is a few MB of Python, boxcar's is its own process's, which they do not
# see. Work stealing (a scheduler pass every 100 ms) is replaced by
# queuing: a task goes to a worker only when the worker has a free thread,
# so a slow worker is not left with a queue of its own. Measured on an idle
# LocalCluster of 2 workers: 25 ms of CPU a second before these four
# settings, 10 after (tests/bench/README.md). The same settings are for
# `dask worker` and `dask scheduler` on a cluster (docs/dask.md).
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.target": False,
    "distributed.worker.memory.spill": False,
    "distributed.worker.memory.pause": False,
    "distributed.worker.memory.terminate": False,
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.worker-saturation": 1.0,
}


def connect(scheduler=None, workers=2, threads=1):
    """A Client: to the scheduler at that address, or to a new LocalCluster
    of `workers` processes with `threads` threads each (one boxcar at a
    time per thread)."""
    import dask
    from distributed import Client, LocalCluster
    if scheduler:
        return Client(scheduler, timeout="30s")
    dask.config.set(QUIET_WORKERS)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                           dashboard_address=":0", silence_logs=40)
    return Client(cluster)


def check_workers(client, boxcar, paths, wait_s=60):
    """Every worker has boxcar and sees the inputs, or a DriverError that
    names the worker. Waits up to wait_s for a first worker."""
    try:
        client.wait_for_workers(1, timeout=wait_s)
    except Exception as e:  # distributed raises TimeoutError or its own
        raise DriverError("no Dask worker joined the scheduler within %d s (%s)"
                          % (wait_s, e or type(e).__name__))
    answers = client.run(worker.check, boxcar, [os.path.abspath(p) for p in paths])
    bad = ["  %s: %s" % (w, msg) for w, msg in sorted(answers.items()) if msg is not None]
    if bad:
        raise DriverError("%d of %d workers cannot run the task:\n%s"
                          % (len(bad), len(answers), "\n".join(bad)))
    return len(answers)


class _Progress:
    def __init__(self, what, total, stream=sys.stderr, enabled=None):
        self.what, self.total, self.done, self.bytes = what, total, 0, 0
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.t0 = time.monotonic()

    def step(self, nbytes):
        self.done += 1
        self.bytes += nbytes
        if self.enabled:
            dt = max(time.monotonic() - self.t0, 1e-9)
            self.stream.write("\rboxcar-dask %s: %d/%d partitions, %.0f MB, %.1f MB/s   "
                              % (self.what, self.done, self.total, self.bytes / 1e6,
                                 self.bytes / 1e6 / dt))
            self.stream.flush()

    def clear(self):
        if self.enabled:
            self.stream.write("\r" + " " * 78 + "\r")
            self.stream.flush()


def _run_tasks(client, tasks, progress):
    """Submit the partitions' tasks; results by partition index. A task
    whose worker dies is run again by the scheduler (up to
    distributed.scheduler.allowed-failures times); a task whose boxcar
    failed is not, and its error ends the run."""
    from distributed import as_completed
    futures = [client.submit(fn, *args, key="%s-%s" % (name, key), pure=False, retries=0)
               for name, key, fn, args in tasks]
    results = {}
    try:
        for fut in as_completed(futures):
            try:
                r = fut.result()
            except worker.BoxcarFailed as e:
                raise DriverError(str(e))
            except Exception as e:  # KilledWorker after too many deaths, and the like
                raise DriverError("task %s failed: %s: %s" % (fut.key, type(e).__name__, e))
            results[r["index"]] = r
            progress.step(r["bytes"])
    finally:
        progress.clear()
        for f in futures:
            f.cancel()
    return [results[i] for i in sorted(results)]


def _clean_attempts(out_dir):
    shutil.rmtree(os.path.join(out_dir, ".attempts"), ignore_errors=True)


def _run_tasks_in(client, tasks, progress, out_dir):
    """_run_tasks, leaving no attempt behind in out_dir if the run fails."""
    try:
        return _run_tasks(client, tasks, progress)
    except BaseException:
        _clean_attempts(out_dir)
        raise


def _write_errors(path, errors):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as fp:
        w = csv.writer(fp, lineterminator="\n")
        w.writerow(["file", "line", "field", "message"])
        w.writerows(errors)
        fp.flush()
        os.fsync(fp.fileno())
    os.replace(tmp, path)


def _unique_errors(results):
    """Every excluded row once, in the input's order. A problem outside the
    partitioned input (a bad route) is found by every task: listed once."""
    seen, out = set(), []
    for r in results:
        for e in r["errors"]:
            if e not in seen:
                seen.add(e)
                out.append(e)

    def order(e):
        try:
            return (e[0], int(e[1]))
        except ValueError:
            return (e[0], 0)
    return sorted(out, key=order)


def _read_all_row(path):
    with open(path, newline="") as fp:
        for row in csv.DictReader(fp):
            if row["group"] == "all":
                return row
    raise DriverError("%s has no 'all' row" % path)


# the groups of boxcar carbon --by
GROUPS = ("all", "route", "month", "mode", "packaging")


def carbon(client, boxcar, shipments, out_dir, carbon_args=(), parts=None,
           part_bytes=64 << 20, rows=True, errors_file=None, progress=None,
           partition_by=None, by=None):
    """`boxcar carbon` over the partitions of `shipments` (CSV).

    Writes OUT_DIR/totals.csv (boxcar merge of the partitions' totals: the
    same bytes as one `boxcar carbon --totals` over the whole file),
    OUT_DIR/totals/part-NNNNN.csv and, with rows, the per-shipment results
    OUT_DIR/shipments/part-NNNNN.csv, whose concatenation in partition
    order (one header) is the single run's -o file. carbon_args are passed
    to every task unchanged (--routes, --factors, --uncertainty N --seed S,
    ...); every partition gets the same seed, see docs/dask.md.

    With partition_by (month, route or a column), one partition per key
    instead: the file is read once here and split into OUT_DIR/input/,
    and the outputs are named BY-KEY.csv (month-2025-01.csv).

    With by (route, month, mode, packaging or all), OUT_DIR/by-BY.csv is
    the merged totals by that group: the single run's `boxcar carbon --by
    BY --format csv`, byte for byte, with --uncertainty each key's interval
    too (each partition keeps its keys' per-draw totals, boxcar merge adds
    them)."""
    if by is not None and by not in GROUPS:
        raise DriverError("--by is %s, not '%s'" % (", ".join(GROUPS), by), EXIT_USAGE)
    t0 = time.monotonic()
    display, shipments = shipments, os.path.abspath(shipments)
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    _clean_attempts(out_dir)
    if partition_by:
        shutil.rmtree(os.path.join(out_dir, "input"), ignore_errors=True)
        try:
            parts_list = partition.split_by_key(shipments, partition_by,
                                                os.path.join(out_dir, "input"), display=display)
        except ValueError as e:
            shutil.rmtree(os.path.join(out_dir, "input"), ignore_errors=True)
            raise DriverError("%s: %s" % (display, e), EXIT_USAGE)
    else:
        parts_list = partition.split(shipments, parts=parts, part_bytes=part_bytes,
                                     display=display)
    if not parts_list:
        raise DriverError("%s has no shipments" % shipments, EXIT_BAD_INPUT)
    # a run with fewer partitions than the last one in this directory
    # must not leave the old ones to be mistaken for its own
    for sub in ("shipments", "totals", "draws"):
        shutil.rmtree(os.path.join(out_dir, sub), ignore_errors=True)
    draws = os.path.join(out_dir, "draws.csv")
    for old in [draws] + [os.path.join(out_dir, "by-%s.csv" % g) for g in GROUPS]:
        if os.path.exists(old):
            os.unlink(old)
    outputs = {"--totals": "totals", "--errors": None}
    if rows:
        outputs["-o"] = "shipments"
    # the run total's interval: each partition's total per draw, added up
    # by boxcar merge into the single run's (same seed everywhere)
    uncertain = any(a == "--uncertainty" or a.startswith("--uncertainty=")
                    for a in carbon_args)
    if uncertain:
        outputs["--draws"] = "draws"
    args = list(carbon_args) + ["--no-progress"]
    if uncertain and by not in (None, "all"):
        # each partition keeps its keys' draws (its table is not kept)
        args += ["--by", by, "--format", "csv"]
    table = os.path.join(out_dir, "by-%s.csv" % by) if by else None
    tasks = [("carbon", p.name, worker.run_part,
              (boxcar, "carbon", args, p, out_dir, outputs)) for p in parts_list]
    prog = progress or _Progress("carbon", 0)
    prog.total = len(parts_list)
    results = _run_tasks_in(client, tasks, prog, out_dir)
    totals = os.path.join(out_dir, "totals.csv")
    merged = client.submit(
        worker.merge, boxcar, totals, [r["outputs"]["--totals"] for r in results],
        draws if uncertain else None,
        [r["outputs"]["--draws"] for r in results] if uncertain else (), by=by,
        table_out=table, pure=False).result()
    _clean_attempts(out_dir)
    res = Result("carbon", partitions=len(parts_list), workers=len(client.scheduler_info()["workers"]))
    res.totals = totals
    res.table = table
    if uncertain:
        res.draws = draws
        res.uncertainty = next((line.strip() for line in merged.splitlines()
                                if line.startswith("  factor uncertainty (")), None)
    res.outputs = [r["outputs"].get("-o") for r in results if "-o" in r["outputs"]]
    res.task_seconds = sum(r["seconds"] for r in results)
    res.task_cpu_seconds = sum(r["cpu_seconds"] for r in results)
    all_row = _read_all_row(totals)
    res.computed = int(all_row["shipments"])
    res.excluded = int(all_row["excluded"])
    res.rows = res.computed + res.excluded
    res.errors = _unique_errors(results)
    res.exit_code = EXIT_BAD_INPUT if any(r["rc"] == 3 for r in results) else EXIT_OK
    if errors_file:
        _write_errors(errors_file, res.errors)
        res.errors_file = errors_file
    res.retried = _count_retries(client, [f"carbon-{p.name}" for p in parts_list])
    if partition_by:
        shutil.rmtree(os.path.join(out_dir, "input"), ignore_errors=True)
    res.seconds = time.monotonic() - t0
    return res


def _count_retries(client, keys):
    """Tasks the scheduler started more than once (their worker died)."""
    def count(dask_scheduler=None, keys=()):
        n = 0
        for key in keys:
            starts = 0
            for ev in dask_scheduler.story(key):
                if len(ev) > 2 and ev[2] == "processing" and ev[1] != "processing":
                    starts += 1
            n += starts > 1
        return n
    try:
        return client.run_on_scheduler(count, keys=keys)
    except Exception:  # an older scheduler without story(): not counted
        return 0


def _order_id_column(path):
    with open(path, "rb") as fp:
        head = fp.readline().rstrip(b"\r\n").split(b",")
    try:
        return head.index(b"order_id")
    except ValueError:
        raise DriverError("%s: no 'order_id' column in the header (the CSV order file "
                          "is partitioned by order)" % path, EXIT_BAD_INPUT)


def pack(client, boxcar, orders, out_dir, pack_args=(), parts=None, part_bytes=8 << 20,
         progress=None):
    """`boxcar pack --format csv` over the partitions of `orders` (CSV),
    cut only between orders. Writes OUT_DIR/boxes/part-NNNNN.csv; their
    concatenation in partition order (one header) is the single run's."""
    t0 = time.monotonic()
    display, orders = orders, os.path.abspath(orders)
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    _clean_attempts(out_dir)
    col = _order_id_column(orders)
    parts_list = partition.split(orders, parts=parts, part_bytes=part_bytes, group_column=col,
                                 display=display)
    if not parts_list:
        raise DriverError("%s has no orders" % orders, EXIT_BAD_INPUT)
    shutil.rmtree(os.path.join(out_dir, "boxes"), ignore_errors=True)
    args = list(pack_args) + ["--format", "csv"]
    tasks = [("pack", p.name, worker.run_part,
              (boxcar, "pack", args, p, out_dir, {"-o": "boxes"}, ".csv", True))
             for p in parts_list]
    prog = progress or _Progress("pack", 0)
    prog.total = len(parts_list)
    results = _run_tasks_in(client, tasks, prog, out_dir)
    _clean_attempts(out_dir)
    res = Result("pack", partitions=len(parts_list),
                 workers=len(client.scheduler_info()["workers"]))
    res.outputs = [r["outputs"]["-o"] for r in results if "-o" in r["outputs"]]
    res.task_seconds = sum(r["seconds"] for r in results)
    res.task_cpu_seconds = sum(r["cpu_seconds"] for r in results)
    with open(orders, "rb") as fp:
        res.rows = sum(1 for _ in fp) - 1
    res.exit_code = max((r["rc"] for r in results), default=0)
    # boxcar pack reports bad order lines on standard error only
    res.errors = [("", "", "", line) for r in results for line in r["stderr"].splitlines()
                  if line.startswith("error:")]
    res.retried = _count_retries(client, [f"pack-{p.name}" for p in parts_list])
    res.seconds = time.monotonic() - t0
    return res


def concatenate(parts, out):
    """The partitions' CSV files as one (the header once), written to a
    temporary file and renamed."""
    tmp = "%s.tmp-%d" % (out, os.getpid())
    try:
        with open(tmp, "wb") as dst:
            for i, path in enumerate(parts):
                with open(path, "rb") as src:
                    if i > 0:
                        src.readline()
                    shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def run_parts(out_dir, sub):
    d = os.path.join(out_dir, sub)
    if not os.path.isdir(d):
        return []
    return [os.path.join(d, n) for n in sorted(os.listdir(d))
            if n.startswith("part-") and n.endswith(".csv")]


def report(boxcar, run_dir, out, script, report_args=()):
    """The monthly workbook of a `carbon` run: `boxcar report` over the
    merged totals and the partitions' per-shipment rows (joined into one
    temporary file, as the script reads one). Runs here, not on a worker:
    one workbook is one process's work."""
    import subprocess
    import tempfile
    totals = os.path.join(run_dir, "totals.csv")
    parts = run_parts(run_dir, "shipments")
    if not os.path.exists(totals) or not parts:
        raise DriverError("%s is not the output of 'boxcar-dask carbon' with per-shipment "
                          "rows (no totals.csv or shipments/part-*.csv)" % run_dir, EXIT_USAGE)
    with tempfile.TemporaryDirectory(prefix="boxcar-dask-") as tmp:
        # the workbook's title names the file: the run's, not a temporary name
        rows = os.path.join(tmp, os.path.basename(os.path.normpath(run_dir)) + ".csv")
        concatenate(parts, rows)
        p = subprocess.run([boxcar, "report", "--script", script, "--shipments", rows,
                            "--totals", totals, "-o", out] + list(report_args), check=False)
    return p.returncode


def summary(res, stream=sys.stderr):
    what = "shipments" if res.command == "carbon" else "order lines"
    stream.write("boxcar-dask %s: %d partitions on %d workers, %d %s read"
                 % (res.command, res.partitions, res.workers, res.rows, what))
    if res.command == "carbon":
        stream.write(", %d computed, %d excluded as bad input" % (res.computed, res.excluded))
    stream.write("\n  %.2f s, %.0f rows/s; boxcar ran %.2f s in all (%.1f s per worker)"
                 % (res.seconds, res.rows_per_s, res.task_seconds,
                    res.task_seconds / max(res.workers, 1)))
    if res.retried:
        stream.write("; %d task%s retried after a worker died"
                     % (res.retried, "" if res.retried == 1 else "s"))
    stream.write("\n")
    if res.uncertainty:
        stream.write("  run total, %s\n" % res.uncertainty)
    if res.totals:
        stream.write("  totals: %s\n" % res.totals)
    if res.draws:
        stream.write("  draws: %s\n" % res.draws)
    if res.table:
        stream.write("  by group: %s\n" % res.table)
    if res.outputs:
        stream.write("  per-partition output: %s/ (%d files)\n"
                     % (os.path.dirname(res.outputs[0]), len(res.outputs)))
    shown = res.errors[:50]
    for e in shown:
        # boxcar's message names the file, line and column already
        stream.write("%s%s\n" % ("" if e[3].startswith("error:") else "error: ", e[3]))
    if len(res.errors) > len(shown):
        stream.write("  ... %d more%s\n" % (len(res.errors) - len(shown),
                     " in " + res.errors_file if res.errors_file else
                     " (--errors FILE lists every one)"))
