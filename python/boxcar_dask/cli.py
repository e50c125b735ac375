"""The boxcar-dask command."""

import argparse
import os
import sys

from . import driver

USAGE = """\
usage: boxcar-dask carbon [cluster options] --routes FILE --shipments FILE --out DIR
                          [--errors FILE] [--no-rows] [--by GROUP]
                          [boxcar carbon options...]
       boxcar-dask pack [cluster options] --orders FILE --out DIR [boxcar pack options...]
       boxcar-dask report [--boxcar PATH] --run DIR -o OUT.xlsx [--script FILE]
                          [boxcar report options...]

Runs boxcar on a Dask cluster: splits the input into partitions of whole
records (byte ranges; a header line goes to every partition), runs the
`boxcar` command on the workers, and merges exactly: the merged carbon
totals are the bytes of one `boxcar carbon --totals` run over the whole
file, for any number of partitions and workers.

cluster options:
  --scheduler ADDR   a running scheduler (tcp://host:8786); default: a
                     LocalCluster on this machine
  --workers N        workers of the LocalCluster (default: the online CPUs)
  --boxcar PATH      the boxcar command on the workers (default: 'boxcar',
                     or $BOXCAR)
  --partitions N     this many partitions (default: one per --partition-mb)
  --partition-mb MB  size of a partition (default 64 for carbon, 8 for pack)
  --partition-by K   carbon: one partition per key instead, K = month, route
                     or a column's name (the file is read once by the driver)
  --no-progress      no progress line on a terminal

carbon: the totals go to DIR/totals.csv (boxcar merge of DIR/totals/),
  the per-shipment rows to DIR/shipments/part-NNNNN.csv (not with
  --no-rows); with --uncertainty, the merged per-draw totals to
  DIR/draws.csv and the run total's interval to the summary; with --by
  GROUP (route, month, mode, packaging, all), DIR/by-GROUP.csv is the
  single run's `boxcar carbon --by GROUP --format csv`, with --uncertainty
  each key's interval too. Bad rows are listed with the input's file and
  line, and --errors FILE writes all of them as CSV (file, line, field,
  message).
  Every other option goes to each `boxcar carbon` unchanged (--routes,
  --containers, --factors, --catalog, --trips, --uncertainty N --seed S).
pack: the boxes (boxcar pack --format csv) to DIR/boxes/part-NNNNN.csv;
  partitions are cut between orders, each read in place (--range). --pool is refused: it is one journal.
report: the workbook (default script scripts/report/monthly.lua) from a
  carbon run's merged totals and per-shipment rows.

Exit: 0 ok, 3 some rows were bad (the others are computed; as boxcar),
      1 runtime failure (a worker without boxcar, a task that failed),
      2 usage error.
"""


def _parser(command):
    p = argparse.ArgumentParser(prog="boxcar-dask " + command, add_help=False,
                                allow_abbrev=False)
    p.add_argument("--scheduler")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--boxcar", default=os.environ.get("BOXCAR", "boxcar"))
    p.add_argument("--partitions", type=int)
    p.add_argument("--partition-mb", type=float)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("-h", "--help", action="store_true")
    if command == "carbon":
        p.add_argument("--shipments", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--errors")
        p.add_argument("--no-rows", action="store_true")
        p.add_argument("--partition-by")
        p.add_argument("--by")
    elif command == "pack":
        p.add_argument("--orders", required=True)
        p.add_argument("--out", required=True)
    else:
        p.add_argument("--run", required=True)
        p.add_argument("-o", "--output", required=True)
        p.add_argument("--script")
    return p


class _Usage(Exception):
    pass


def _parse(command, argv):
    p = _parser(command)

    def error(msg):
        raise _Usage(msg)
    p.error = error
    if "-h" in argv or "--help" in argv:
        return None, None
    ns, rest = p.parse_known_args(argv)
    for bad in ("-o", "--output", "--totals", "--draws", "--range", "--format", "--strict"):
        if command == "carbon" and bad in rest:
            raise _Usage("%s is the driver's to choose: outputs go under --out DIR" % bad)
    if command == "pack" and any(a in rest for a in ("-o", "--output", "--format", "--pool")):
        raise _Usage("-o, --format and --pool are not for the partitioned run "
                     "(outputs go under --out DIR; a pool is one journal)")
    if ns.partitions is not None and ns.partitions < 1:
        raise _Usage("--partitions wants a whole number from 1")
    if ns.workers < 1:
        raise _Usage("--workers wants a whole number from 1")
    if ns.partition_mb is not None and ns.partition_mb <= 0:
        raise _Usage("--partition-mb wants a size above 0")
    return ns, rest


def _script_default():
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.path.join(here, "..", "..", "scripts", "report", "monthly.lua"),
                 "/usr/local/share/boxcar/scripts/report/monthly.lua",
                 "/usr/share/boxcar/scripts/report/monthly.lua"):
        if os.path.exists(cand):
            return os.path.normpath(cand)
    return None


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else driver.EXIT_USAGE
    command, argv = argv[0], argv[1:]
    if command not in ("carbon", "pack", "report"):
        sys.stderr.write("boxcar-dask: unknown command '%s' (carbon, pack or report)\n"
                         % command)
        return driver.EXIT_USAGE
    try:
        ns, rest = _parse(command, argv)
    except _Usage as e:
        sys.stderr.write("boxcar-dask %s: %s (see boxcar-dask --help)\n" % (command, e))
        return driver.EXIT_USAGE
    if ns is None:
        sys.stdout.write(USAGE)
        return 0
    if command == "report":
        script = ns.script or _script_default()
        if script is None:
            sys.stderr.write("boxcar-dask report: give --script (monthly.lua not found)\n")
            return driver.EXIT_USAGE
        try:
            return driver.report(ns.boxcar, ns.run, ns.output, script, rest)
        except driver.DriverError as e:
            sys.stderr.write("boxcar-dask report: %s\n" % e)
            return e.code
        except FileNotFoundError as e:
            sys.stderr.write("boxcar-dask report: %s\n" % e)
            return driver.EXIT_RUNTIME
    input_path = ns.shipments if command == "carbon" else ns.orders
    if not os.path.isfile(input_path):
        sys.stderr.write("boxcar-dask %s: cannot open %s\n" % (command, input_path))
        return driver.EXIT_RUNTIME
    # the files boxcar reads must be readable on every worker, by a path
    # that does not depend on a worker's directory (a factor set may be a
    # name rather than a file)
    file_opts = ("--routes", "--containers", "--catalog", "--factors", "--pool", "--policy")
    rest = [os.path.abspath(a) if i > 0 and rest[i - 1] in file_opts and os.path.exists(a)
            else a for i, a in enumerate(rest)]
    files = [input_path] + [rest[i + 1] for i, a in enumerate(rest[:-1])
                            if a in file_opts and os.path.isabs(rest[i + 1])]
    client = None
    try:
        client = driver.connect(ns.scheduler, ns.workers)
        driver.check_workers(client, ns.boxcar, files)
        prog = driver._Progress(command, 0, enabled=False if ns.no_progress else None)
        kw = {"parts": ns.partitions, "progress": prog}
        if ns.partition_mb:
            kw["part_bytes"] = int(ns.partition_mb * (1 << 20))
        if command == "carbon":
            res = driver.carbon(client, ns.boxcar, ns.shipments, ns.out, rest,
                                rows=not ns.no_rows, errors_file=ns.errors,
                                partition_by=ns.partition_by, by=ns.by, **kw)
        else:
            res = driver.pack(client, ns.boxcar, ns.orders, ns.out, rest, **kw)
    except driver.DriverError as e:
        sys.stderr.write("boxcar-dask %s: %s\n" % (command, e))
        return e.code
    finally:
        if client is not None:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
    driver.summary(res)
    return res.exit_code
