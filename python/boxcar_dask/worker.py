"""What runs on a Dask worker: the `boxcar` command over one partition.

`boxcar carbon` and `boxcar pack` read their partition where it lies
(`--range START-END`: the header line, then its byte range of the input):
nothing is copied or piped, and boxcar writes its outputs into a directory
of the task's own attempt. Only
when boxcar has finished are the outputs renamed to their final names,
which are fixed by the partition (part-00007.csv): a task that is killed
leaves no file under a final name, and one that is retried replaces the
same file with the same bytes. A row is never duplicated or lost.

The boxcar process dies with the worker (PR_SET_PDEATHSIG), so a killed
worker leaves no boxcar behind to write late.
"""

import csv
import ctypes
import os
import re
import shutil
import signal
import subprocess
import time
import uuid

from .partition import lines_before

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: best effort
        pass


class BoxcarFailed(RuntimeError):
    """boxcar failed for another reason than bad rows (exit 1 or 2)."""


def check(boxcar, paths):
    """Run on every worker before any task: is boxcar there and can this
    worker read the inputs? A message, or None if all is well."""
    try:
        p = subprocess.run([boxcar, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60, check=False)
    except FileNotFoundError:
        return ("boxcar is not installed here: no command '%s'%s; install boxcar on "
                "every worker or give its path with --boxcar"
                % (boxcar, "" if os.sep in boxcar else " on PATH"))
    except PermissionError:
        return "'%s' is not executable" % boxcar
    except (OSError, subprocess.SubprocessError) as e:
        return "'%s --version' failed: %s" % (boxcar, e)
    out = p.stdout.decode("utf-8", "replace").strip()
    if p.returncode != 0 or not out.startswith("boxcar "):
        return "'%s --version' did not answer as boxcar does (exit %d): %s" % (
            boxcar, p.returncode, out[:200])
    for path in paths:
        if not os.access(path, os.R_OK):
            return ("cannot read %s here (inputs must be on a file system that every "
                    "worker sees, at the same path)" % path)
    return None


def version(boxcar):
    p = subprocess.run([boxcar, "--version"], stdout=subprocess.PIPE, check=False)
    return p.stdout.decode("utf-8", "replace").strip()


class _Lines:
    """Lines of the partition as lines of the input file: the partition's
    line n (1 is the header) is the input's line first + n - 2. The first
    line is counted only when an error needs it. `name` is the name boxcar
    gives the partition in its messages (FILE@START-END)."""

    def __init__(self, part, name):
        self.part, self.name, self.first = part, name, None
        self.prefix = re.compile(re.escape(name) + r":(\d+):")

    def line(self, n):
        if n < 2:
            return 1
        if self.part.line_index:  # a key's partition: its rows' own lines
            found = self.part.input_line(n)
            return found if found is not None else n
        if self.first is None:
            self.first = lines_before(self.part.path, self.part.start) + 1
        return self.first + n - 2

    def text(self, s):
        """FIFO:LINE: in boxcar's messages as INPUT:LINE:."""
        s = self.prefix.sub(lambda m: "%s:%d:" % (self.part.display,
                                                  self.line(int(m.group(1)))), s)
        return s.replace(self.name, self.part.display)


def _map_errors(path, lines):
    """boxcar's error report (file, line, field, message) with the lines of
    the partition turned into the lines of the input file, named as the
    user named it."""
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path, newline="", encoding="utf-8", errors="replace") as fp:
        r = csv.reader(fp)
        next(r, None)
        for row in r:
            if len(row) < 4:
                continue
            file, line, field, message = row[:4]
            if file == lines.name:
                file = lines.part.display
                if line.isdigit():
                    line = str(lines.line(int(line)))
                message = lines.text(message)
            rows.append((file, line, field, message))
    return rows


def _relocate_file(path, lines):
    """An output that names the input in its rows (boxcar pack writes a bad
    order's message into its row) with the input's file and lines."""
    with open(path, "rb") as fp:
        data = fp.read()
    if lines.name.encode() not in data:
        return
    text = lines.text(data.decode("utf-8", "surrogateescape"))
    with open(path, "wb") as fp:
        fp.write(text.encode("utf-8", "surrogateescape"))


# the option that names each command's input file
INPUT_OPTION = {"carbon": "--shipments", "pack": "--orders"}


def run_part(boxcar, command, args, part, out_dir, outputs, ext=".csv", relocate=False):
    """Run `boxcar COMMAND ARGS... --<input> FILE --range START-END` over
    one partition.

    outputs: {option: subdirectory}, e.g. {"-o": "shipments", "--totals":
    "totals"}: each option gets a file of the attempt, renamed at the end
    to OUT_DIR/SUBDIRECTORY/part-NNNNN.csv. "--errors" is special: read
    back and returned, with the input's own lines. With relocate, the
    outputs' mentions of the partition become the input's file and lines
    too (for outputs that carry messages, as pack's rows do).

    Returns a dict: exit code, the renamed outputs, the errors, boxcar's
    standard error, the seconds boxcar ran."""
    attempt = "%s.%s" % (part.name, uuid.uuid4().hex[:12])
    tmp = os.path.join(out_dir, ".attempts", attempt)
    os.makedirs(tmp)
    try:
        # boxcar names the partition FILE@START-END in its messages
        name = "%s@%d-%d" % (part.path, part.start, part.end)
        cmd = [boxcar, command] + list(args)
        files = {}
        for opt in outputs:
            files[opt] = os.path.join(tmp, opt.strip("-") + ext)
            cmd += [opt, files[opt]]
        cmd += [INPUT_OPTION[command], part.path, "--range", "%d-%d" % (part.start, part.end)]
        err_path = os.path.join(tmp, "stderr.txt")
        t0 = time.monotonic()
        with open(err_path, "wb") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, preexec_fn=_die_with_parent)
            # wait4 gives boxcar's CPU time with its exit status
            _, status, usage = os.wait4(proc.pid, 0)
            rc = proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
        with open(err_path, "rb") as fp:
            stderr = fp.read().decode("utf-8", "replace")
        lines = _Lines(part, name)
        stderr = lines.text(stderr)
        if rc not in (0, 3):
            raise BoxcarFailed("%s on %s: boxcar %s exited %d:\n%s"
                               % (part.name, os.uname().nodename, command, rc, stderr.strip()))
        errors = []
        if "--errors" in files:
            errors = _map_errors(files["--errors"], lines)
        done = {}
        for opt, sub in outputs.items():
            if sub is None or not os.path.exists(files[opt]):
                continue
            final_dir = os.path.join(out_dir, sub)
            os.makedirs(final_dir, exist_ok=True)
            final = os.path.join(final_dir, part.name + ext)
            if relocate:
                _relocate_file(files[opt], lines)
            os.replace(files[opt], final)
            done[opt] = final
        return {"index": part.index, "rc": rc, "outputs": done, "errors": errors,
                "stderr": stderr, "seconds": seconds, "bytes": part.size,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "host": os.uname().nodename, "pid": os.getpid()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def merge(boxcar, out, inputs, draws_out=None, draw_inputs=(), by=None, table_out=None):
    """boxcar merge -o OUT INPUTS...: the exact sum of the partitions'
    totals (written atomically by boxcar); with draws_out, their per-draw
    totals too, added into the run total's interval (and each key's, when
    the draws were kept by a group). With by, the merged totals by that
    group as CSV go to table_out, renamed into place. boxcar's summary
    (standard error) is returned: it gives the run total's interval."""
    cmd = [boxcar, "merge", "-o", out]
    if draws_out:
        cmd += ["--draws", draws_out]
    if by:
        cmd += ["--by", by, "--format", "csv"]
    p = subprocess.run(cmd + list(inputs) + list(draw_inputs), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise BoxcarFailed("boxcar merge exited %d:\n%s" % (
            p.returncode, p.stderr.decode("utf-8", "replace").strip()))
    if by and table_out:
        tmp = "%s.%s.tmp" % (table_out, uuid.uuid4().hex[:12])
        with open(tmp, "wb") as fp:
            fp.write(p.stdout)
            fp.flush()
            os.fsync(fp.fileno())
        os.replace(tmp, table_out)
    return p.stderr.decode("utf-8", "replace")
