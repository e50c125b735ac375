"""boxcar-dask on a LocalCluster of 2 workers: the merged totals are the
bytes of one `boxcar carbon` run, for any partitioning; the per-partition
outputs joined are the single run's; a worker killed in the middle of a
task changes nothing; bad rows and a worker without boxcar behave as
documented (docs/dask.md).

Every expected value is the output of the plain `boxcar` command run once
over the whole input: the driver must reproduce it, not compute it.

    BOXCAR=build/cli/boxcar PYTHONPATH=python /usr/bin/python3 -m unittest \
        tests/dask/test_boxcar_dask.py

BOXCAR_DASK_ROWS sets the size of the generated input (default 2,000,000).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)

from boxcar_dask import driver, partition  # noqa: E402
import gen_shipments  # noqa: E402

BOXCAR = os.path.abspath(os.environ.get("BOXCAR", os.path.join(ROOT, "build/cli/boxcar")))
SAMPLES = os.path.join(ROOT, "samples")
ROUTES = os.path.join(SAMPLES, "routes", "cn-routes.csv")
CONTAINERS = os.path.join(SAMPLES, "shipments", "containers.csv")
DEMO = os.path.join(SAMPLES, "shipments", "demo.csv")
ORDERS = os.path.join(SAMPLES, "orders", "demo.csv")
ROWS = int(os.environ.get("BOXCAR_DASK_ROWS", "2000000"))
CARBON_ARGS = ["--routes", ROUTES, "--containers", CONTAINERS]


def read(path):
    with open(path, "rb") as fp:
        return fp.read()


def write(path, data):
    with open(path, "wb") as fp:
        fp.write(data)


def single_carbon(tmp, shipments, extra=()):
    """One `boxcar carbon` over the whole file: (exit code, totals bytes,
    rows bytes, errors bytes)."""
    t, o, e = (os.path.join(tmp, n) for n in ("one.totals.csv", "one.rows.csv", "one.err.csv"))
    p = subprocess.run([BOXCAR, "carbon"] + CARBON_ARGS + list(extra) +
                       ["--shipments", shipments, "--totals", t, "-o", o, "--errors", e,
                        "--no-progress"], stderr=subprocess.DEVNULL, check=False)
    return p.returncode, *(read(f) for f in (t, o, e))


def joined(paths):
    """Partition CSV files joined as the driver documents: one header."""
    out = []
    for i, path in enumerate(paths):
        with open(path, "rb") as fp:
            data = fp.read()
        out.append(data if i == 0 else data[data.index(b"\n") + 1:])
    return b"".join(out)


def writing(pid, out):
    """Whether process pid has an output file open under out: boxcar is
    past loading its inputs and in the middle of the partition. (The named
    pipe it reads is under out too: OUT/.attempts/ATTEMPT/part-NNNNN.csv.)"""
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith(out + os.sep) and not (
                os.sep + ".attempts" + os.sep in target and
                os.path.basename(target).startswith("part-")):
            return True
    return False


def boxcar_children(pids):
    """pids of boxcar processes whose parent is one of pids."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as fp:
                stat = fp.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if comm == "boxcar" and ppid in pids:
            out.append(int(d))
    return out


DATA = {}


def setUpModule():
    # one generated input for every test that needs it
    DATA["tmp"] = tempfile.mkdtemp(prefix="boxcar-dask-data-")
    DATA["big"] = os.path.join(DATA["tmp"], "generated.csv")
    gen_shipments.write(DATA["big"], ROWS)


def tearDownModule():
    shutil.rmtree(DATA["tmp"])


class Partitions(unittest.TestCase):
    """The split alone: whole lines, nothing lost, groups kept together."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="boxcar-dask-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, text):
        path = os.path.join(self.tmp, "in.csv")
        with open(path, "wb") as fp:
            fp.write(text)
        return path

    def test_whole_lines_in_order(self):
        text = b"h\n" + b"".join(b"row%d,%s\n" % (i, b"x" * (i % 7)) for i in range(101))
        path = self.write(text)
        for n in (1, 2, 3, 7, 50, 101, 500):
            parts = partition.split(path, parts=n)
            self.assertLessEqual(len(parts), n)
            body = b"".join(text[p.start:p.end] for p in parts)
            self.assertEqual(body, text[2:], n)  # every row once, in order
            for p in parts:
                self.assertEqual(p.header, b"h\n")
                self.assertTrue(text[p.start - 1:p.start] == b"\n")
                self.assertTrue(text[p.end - 1:p.end] == b"\n")

    def test_last_line_without_newline(self):
        path = self.write(b"h\na\nb\nc")
        parts = partition.split(path, parts=3)
        self.assertEqual([read(path)[p.start:p.end] for p in parts],
                         [b"a\n", b"b\n", b"c"])

    def test_groups_stay_whole(self):
        # orders A (3 lines), B (1), C (4): any cut falls between orders
        text = b"order_id,x\nA,1\nA,2\nA,3\nB,1\nC,1\nC,2\nC,3\nC,4\n"
        path = self.write(text)
        for n in range(1, 9):
            parts = partition.split(path, parts=n, group_column=0)
            firsts = [text[p.start:p.start + 1] for p in parts]
            self.assertEqual(len(set(firsts)), len(firsts), n)
            self.assertEqual(b"".join(text[p.start:p.end] for p in parts), text[11:])

    def test_lines_before(self):
        path = self.write(b"h\na\nb\nc\n")
        self.assertEqual(partition.lines_before(path, 0), 0)
        self.assertEqual(partition.lines_before(path, 4), 2)  # "b" is line 3


class OnCluster(unittest.TestCase):
    """On one LocalCluster of 2 workers, shared by the tests."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="boxcar-dask-")
        cls.client = driver.connect(workers=2)
        cls.client.wait_for_workers(2, timeout=60)
        cls.big = DATA["big"]

    @classmethod
    def tearDownClass(cls):
        cluster = cls.client.cluster
        cls.client.close()
        cluster.close()
        shutil.rmtree(cls.tmp)

    def run_carbon(self, shipments, parts, extra=(), name="run", **kw):
        out = os.path.join(self.tmp, name)
        res = driver.carbon(self.client, BOXCAR, shipments, out, CARBON_ARGS + list(extra),
                            parts=parts, errors_file=os.path.join(self.tmp, name + ".err.csv"),
                            **kw)
        return res, out

    def assert_same_as_single(self, shipments, parts_list, extra=()):
        rc, totals, rows, errors = single_carbon(self.tmp, shipments, extra)
        for parts in parts_list:
            res, out = self.run_carbon(shipments, parts, extra)
            self.assertEqual(res.exit_code, rc)
            self.assertEqual(read(os.path.join(out, "totals.csv")), totals,
                             "%d partitions" % parts)
            self.assertEqual(joined(res.outputs), rows, "%d partitions" % parts)
            self.assertEqual(read(res.errors_file), errors)
            self.assertFalse(os.path.exists(os.path.join(out, ".attempts")))
        return res

    def test_demo_any_partitioning(self):
        res = self.assert_same_as_single(DEMO, [1, 2, 5, 13])
        self.assertEqual((res.rows, res.computed, res.excluded), (12000, 12000, 0))
        self.assertEqual(res.workers, 2)

    def test_generated(self):
        res = self.assert_same_as_single(self.big, [8])
        self.assertEqual(res.rows, ROWS)

    def test_bad_rows_as_in_one_run(self):
        # line 3001 has an unknown route, line 9001 a month 13: each is
        # excluded and listed with its line of the input, as one run does
        src = read(DEMO).split(b"\n")
        src[3000] = b"S2025-BAD1,2025-01-01,100,1,5#,nowhere,"
        src[9000] = b"S2025-BAD2,2025-13-01,100,1,5#,sh-city-evan,"
        bad = os.path.join(self.tmp, "bad.csv")
        write(bad, b"\n".join(src))
        res = self.assert_same_as_single(bad, [4])
        self.assertEqual(res.exit_code, driver.EXIT_BAD_INPUT)
        self.assertEqual((res.computed, res.excluded), (11998, 2))
        self.assertEqual([(e[1], e[2]) for e in res.errors], [("3001", "route_id"),
                                                              ("9001", "date")])
        self.assertTrue(res.errors[1][3].startswith(bad + ":9001:"), res.errors[1][3])

    def test_by_key(self):
        # one partition per month of the demo: the totals are the single
        # run's; each month's rows are the single run's rows of the
        # shipments dated in that month (the input says which), in order
        rc, totals, rows, _ = single_carbon(self.tmp, DEMO)
        res, out = self.run_carbon(DEMO, None, name="bymonth", partition_by="month")
        self.assertEqual(read(os.path.join(out, "totals.csv")), totals)
        self.assertEqual(res.partitions, 12)
        month_of = {}
        for line in read(DEMO).decode().splitlines()[1:]:
            f = line.split(",")
            month_of[f[0]] = f[1][:7]
        single_rows = rows.decode().splitlines()
        for i, path in enumerate(res.outputs):
            month = "2025-%02d" % (i + 1)
            self.assertEqual(os.path.basename(path), "month-%s.csv" % month)
            want = [single_rows[0]] + [r for r in single_rows[1:]
                                       if month_of[r.split(",")[0]] == month]
            self.assertEqual(read(path).decode().splitlines(), want)
        self.assertFalse(os.path.exists(os.path.join(out, "input")))

    def test_by_key_bad_rows(self):
        # by route: the bad rows keep the input's lines, as one run lists them
        src = read(DEMO).split(b"\n")
        src[3000] = b"S2025-BAD1,2025-01-01,-5,1,5#,sha-pek-40t,"
        src[9000] = b"S2025-BAD2,2025-13-01,100,1,5#,sh-city-evan,"
        bad = os.path.join(self.tmp, "bad-by-route.csv")
        write(bad, b"\n".join(src))
        rc, totals, _, errors = single_carbon(self.tmp, bad)
        res, out = self.run_carbon(bad, None, name="byroute", partition_by="route")
        self.assertEqual(res.exit_code, rc)
        self.assertEqual(read(os.path.join(out, "totals.csv")), totals)
        self.assertEqual(read(res.errors_file), errors)
        self.assertEqual([(e[1], e[2]) for e in res.errors], [("3001", "mass_g"),
                                                              ("9001", "date")])

    def test_uncertainty_rows_as_in_one_run(self):
        # every partition draws with the same seed: a shipment's interval is
        # the one of the single run, whatever partition it falls in
        self.assert_same_as_single(DEMO, [3], ["--uncertainty", "40", "--seed", "7"])

    def test_uncertainty_total_as_in_one_run(self):
        # the run total's interval: the partitions' per-draw totals merged
        # are the single run's draws, byte for byte, and give its interval
        mc = ["--uncertainty", "60", "--seed", "11"]
        draws = os.path.join(self.tmp, "one.draws.csv")
        p = subprocess.run([BOXCAR, "carbon"] + CARBON_ARGS + mc +
                           ["--shipments", DEMO, "--draws", draws, "--no-progress"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, check=True)
        line = [x.strip() for x in p.stderr.decode().splitlines()
                if x.startswith("  factor uncertainty (60 draws, seed 11)")]
        self.assertEqual(len(line), 1)
        for parts in (1, 2, 5):
            res, out = self.run_carbon(DEMO, parts, mc, rows=False)
            self.assertEqual(res.exit_code, 0)
            self.assertEqual(read(res.draws), read(draws), "%d partitions" % parts)
            self.assertEqual(res.uncertainty, line[0], "%d partitions" % parts)
            self.assertEqual(len(os.listdir(os.path.join(out, "draws"))), parts)
        # a run without draws leaves none of the last run's
        res, out = self.run_carbon(DEMO, 2, rows=False)
        self.assertIsNone(res.draws)
        self.assertFalse(os.path.exists(os.path.join(out, "draws.csv")))
        self.assertFalse(os.path.exists(os.path.join(out, "draws")))

    def test_uncertainty_by_group_as_in_one_run(self):
        # each month's (mode's) interval: the partitions keep their keys'
        # per-draw totals, boxcar merge adds them; the table by group is the
        # single run's, byte for byte, and so are the merged draws
        mc = ["--uncertainty", "40", "--seed", "5"]
        for by, counts in (("month", (1, 2, 5)), ("mode", (2,))):
            draws = os.path.join(self.tmp, "one-%s.draws.csv" % by)
            one = subprocess.run([BOXCAR, "carbon"] + CARBON_ARGS + mc +
                                 ["--shipments", DEMO, "--draws", draws, "--by", by,
                                  "--format", "csv", "--no-progress"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 check=True).stdout
            self.assertIn(b"total_wtw_p97_5_g\n", one)
            for parts in counts:
                res, out = self.run_carbon(DEMO, parts, mc, rows=False, by=by)
                self.assertEqual(res.exit_code, 0)
                self.assertEqual(res.table, os.path.join(out, "by-%s.csv" % by))
                self.assertEqual(read(res.table), one, "%s, %d partitions" % (by, parts))
                self.assertEqual(read(res.draws), read(draws), "%s, %d partitions" % (by, parts))
        # without --uncertainty, the table by group without intervals
        one = subprocess.run([BOXCAR, "carbon"] + CARBON_ARGS +
                             ["--shipments", DEMO, "--by", "route", "--format", "csv",
                              "--no-progress"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=True).stdout
        res, out = self.run_carbon(DEMO, 3, rows=False, by="route")
        self.assertEqual(read(res.table), one)
        self.assertFalse(os.path.exists(os.path.join(out, "by-month.csv")))
        with self.assertRaises(driver.DriverError) as e:
            self.run_carbon(DEMO, 2, rows=False, by="week")
        self.assertEqual(e.exception.code, driver.EXIT_USAGE)

    def test_monthly_workbook(self):
        rc, totals, rows, _ = single_carbon(self.tmp, DEMO)
        # the workbook names its two files: the driver's per-shipment file
        # is named after the run's directory ("wb"), its totals totals.csv
        os.makedirs(os.path.join(self.tmp, "single"), exist_ok=True)
        one_rows, one_totals = (os.path.join(self.tmp, "single", n)
                                for n in ("wb.csv", "totals.csv"))
        write(one_rows, rows)
        write(one_totals, totals)
        script = os.path.join(ROOT, "scripts", "report", "monthly.lua")
        one = os.path.join(self.tmp, "one.xlsx")
        subprocess.run([BOXCAR, "report", "--script", script, "--shipments", one_rows,
                        "--totals", one_totals, "-o", one, "--created", "1767225600"],
                       check=True, stderr=subprocess.DEVNULL)
        _, out = self.run_carbon(DEMO, 3, name="wb")
        dist = os.path.join(self.tmp, "dist.xlsx")
        self.assertEqual(driver.report(BOXCAR, out, dist, script, ["--created", "1767225600"]), 0)
        self.assertEqual(read(dist), read(one))

    def test_pack_as_in_one_run(self):
        one = subprocess.run([BOXCAR, "pack", "--orders", ORDERS, "--format", "csv"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
        res = driver.pack(self.client, BOXCAR, ORDERS, os.path.join(self.tmp, "pack"), parts=4)
        self.assertEqual(res.partitions, 4)
        self.assertEqual(res.exit_code, 0)
        self.assertEqual(joined(res.outputs), one)

    def test_pack_bad_line_as_in_one_run(self):
        # line 501 (order D0261) has a weight that is not a number: the order
        # is reported with the line of the input file and skipped, the rest
        # packed, exit 3, as one run does
        lines = read(ORDERS).split(b"\n")
        self.assertTrue(lines[500].startswith(b"D0261,"))
        lines[500] = lines[500].replace(b",160,", b",heavy,")
        bad = os.path.join(self.tmp, "bad-orders.csv")
        write(bad, b"\n".join(lines))
        one = subprocess.run([BOXCAR, "pack", "--orders", bad, "--format", "csv"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        want = [l for l in one.stderr.decode().splitlines() if l.startswith("error:")]
        self.assertEqual(one.returncode, 3)
        self.assertTrue(want and all(bad + ":501:" in l for l in want), want)
        res = driver.pack(self.client, BOXCAR, bad, os.path.join(self.tmp, "pack-bad"), parts=4)
        self.assertEqual(res.exit_code, 3)
        self.assertEqual([e[3] for e in res.errors], want)
        self.assertEqual(joined(res.outputs), one.stdout)

    def test_worker_without_boxcar(self):
        t0 = time.monotonic()
        with self.assertRaises(driver.DriverError) as cm:
            driver.check_workers(self.client, "/nonexistent/boxcar", [DEMO])
        self.assertLess(time.monotonic() - t0, 30)
        msg = str(cm.exception)
        self.assertIn("2 of 2 workers", msg)
        self.assertIn("boxcar is not installed here: no command '/nonexistent/boxcar'", msg)
        self.assertEqual(cm.exception.code, driver.EXIT_RUNTIME)
        with self.assertRaises(driver.DriverError) as cm:
            driver.check_workers(self.client, BOXCAR, [os.path.join(self.tmp, "absent.csv")])
        self.assertIn("cannot read", str(cm.exception))
        driver.check_workers(self.client, BOXCAR, [DEMO])  # and all is well


class KilledWorker(unittest.TestCase):
    """A worker killed while its boxcar runs: the task is run again on a
    worker, no partial file appears, and the totals are the single run's."""

    def test_kill_mid_task(self):
        tmp = tempfile.mkdtemp(prefix="boxcar-dask-")
        client = driver.connect(workers=2)
        try:
            client.wait_for_workers(2, timeout=60)
            big = DATA["big"]
            rc, totals, rows, _ = single_carbon(tmp, big)
            out = os.path.join(tmp, "run")
            pids = set(client.run(os.getpid).values())
            got, killed, seen = {}, [], []

            def run():
                try:
                    got["res"] = driver.carbon(client, BOXCAR, big, out, CARBON_ARGS, parts=16)
                except Exception as e:  # reported below
                    got["err"] = e

            th = threading.Thread(target=run)
            th.start()
            deadline = time.monotonic() + 60
            while not killed and th.is_alive() and time.monotonic() < deadline:
                for child in boxcar_children(pids):
                    parent = [p for p in pids if child in boxcar_children({p})]
                    if parent and writing(child, out):
                        os.kill(parent[0], signal.SIGKILL)
                        killed.append(parent[0])
                        # what is under a final name now is whole: the
                        # killed task's output is not among it
                        seen = sorted(os.listdir(os.path.join(out, "shipments"))
                                      if os.path.isdir(os.path.join(out, "shipments")) else [])
                        break
                time.sleep(0.002)
            th.join(120)
            self.assertTrue(killed, "no boxcar task was caught running")
            self.assertNotIn("err", got, got.get("err"))
            res = got["res"]
            self.assertGreaterEqual(res.retried, 1)
            self.assertEqual(read(os.path.join(out, "totals.csv")), totals)
            self.assertEqual(joined(res.outputs), rows)
            names = sorted(os.listdir(os.path.join(out, "shipments")))
            self.assertEqual(names, ["part-%05d.csv" % i for i in range(16)])
            self.assertTrue(set(seen) <= set(names))
            self.assertFalse(os.path.exists(os.path.join(out, ".attempts")))
            # the killed worker's boxcar did not outlive it
            time.sleep(0.2)
            self.assertEqual(boxcar_children(set(killed)), [])
        finally:
            cluster = client.cluster
            client.close()
            cluster.close()
            shutil.rmtree(tmp)


class Command(unittest.TestCase):
    """The boxcar-dask command: exit codes and messages."""

    def cli(self, *args, env=None):
        e = dict(os.environ, BOXCAR=BOXCAR)
        e.update(env or {})
        return subprocess.run([sys.executable, os.path.join(ROOT, "python", "bin", "boxcar-dask")]
                              + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=e, timeout=120, check=False)

    def test_usage(self):
        self.assertEqual(self.cli().returncode, 2)
        p = self.cli("carbon", "--shipments", DEMO)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--out", p.stderr)
        p = self.cli("carbon", "--shipments", DEMO, "--out", "x", "--totals", "t.csv")
        self.assertEqual(p.returncode, 2)
        # the draws and the ranges are the driver's too
        for opt, val in (("--draws", "d.csv"), ("--range", "10-20")):
            p = self.cli("carbon", "--shipments", DEMO, "--out", "x", opt, val)
            self.assertEqual(p.returncode, 2)
            self.assertIn(b"is the driver's to choose", p.stderr)

    def test_no_boxcar_on_workers(self):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.monotonic()
            p = self.cli("carbon", "--workers", "1", "--routes", ROUTES, "--shipments", DEMO,
                         "--out", tmp, env={"BOXCAR": "/nonexistent/boxcar"})
            self.assertLess(time.monotonic() - t0, 90)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(b"boxcar is not installed here", p.stderr)
            self.assertEqual(os.listdir(tmp), [])

    def test_boxcar_failing_on_the_workers(self):
        # an unknown factor set: every boxcar exits 1; the run stops with
        # exit 1 and boxcar's own message, and leaves nothing behind
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "run")
            p = self.cli("carbon", "--workers", "2", "--routes", ROUTES, "--shipments", DEMO,
                         "--factors", "nosuchset", "--out", out)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(b"boxcar carbon exited 1:\nboxcar carbon: no factor set 'nosuchset'",
                          p.stderr)
            self.assertEqual(os.listdir(out), [])

    def test_summary(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = self.cli("carbon", "--workers", "2", "--partitions", "3", "--routes", ROUTES,
                         "--containers", CONTAINERS, "--shipments", DEMO, "--out", tmp)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(b"boxcar-dask carbon: 3 partitions on 2 workers, 12000 shipments "
                          b"read, 12000 computed, 0 excluded as bad input", p.stderr)
            self.assertIn(b"rows/s", p.stderr)


if __name__ == "__main__":
    unittest.main()
