"""Splitting an input file into partitions of whole records.

A partition is a byte range [start, end) of the file that begins at the
start of a record and ends after a record's newline; the file's header
line (CSV) is given to every partition. Nothing is read but a few bytes
around each boundary, so splitting a file of any size is cheap, and the
client never holds the data.

Records are lines: boxcar's shipment and order CSV have no field with a
line break in it.
"""

import os
import re
import sys
from array import array
from dataclasses import dataclass

# read this much at a time when looking for the end of a line
_WINDOW = 1 << 16


@dataclass(frozen=True)
class Partition:
    index: int
    path: str       # the input file, as the workers see it
    start: int      # byte offset of the first record
    end: int        # byte offset after the last record
    header: bytes   # the header line (with its newline), b"" if none
    display: str = ""  # the input's name in messages: as the user gave it
    label: str = ""    # the outputs' name, if not part-NNNNN (a key's)
    line_index: str = ""  # by key: the input line of each row (uint64 LE)

    @property
    def name(self):
        return self.label or "part-%05d" % self.index

    def input_line(self, n):
        """The input's line of the partition's line n (2 = its first row)."""
        if not self.line_index:
            return None
        with open(self.line_index, "rb") as fp:
            fp.seek((n - 2) * 8)
            b = fp.read(8)
        return int.from_bytes(b, "little") if len(b) == 8 else None

    @property
    def size(self):
        return self.end - self.start


def _header(fp):
    fp.seek(0)
    line = fp.readline()
    if line and not line.endswith(b"\n"):
        line += b"\n"
    return line


def _line_start_at_or_after(fp, pos, size):
    """The offset of the first line that starts at or after pos."""
    if pos <= 0:
        return 0
    if pos >= size:
        return size
    fp.seek(pos - 1)
    while True:
        block = fp.read(_WINDOW)
        if not block:
            return size
        nl = block.find(b"\n")
        if nl >= 0:
            return fp.tell() - len(block) + nl + 1
    # not reached


def _key_of(line, column):
    fields = line.rstrip(b"\r\n").split(b",")
    return fields[column] if column < len(fields) else b""


def _record_group_start(fp, pos, size, column):
    """From the line starting at pos, move forward to the first line whose
    key (CSV column `column`) differs from the line before it, so that a
    group of adjacent lines with one key (an order's lines) stays whole."""
    if pos <= 0 or pos >= size:
        return pos
    # the line before pos
    back = min(pos, _WINDOW)
    fp.seek(pos - back)
    block = fp.read(back)
    prev_start = block.rfind(b"\n", 0, len(block) - 1) + 1
    key = _key_of(block[prev_start:], column)
    fp.seek(pos)
    while pos < size:
        line = fp.readline()
        if _key_of(line, column) != key:
            return pos
        pos += len(line)
    return size


def split(path, parts=None, part_bytes=64 << 20, header=True, group_column=None,
          display=None):
    """Partitions of the file at path: `parts` of about equal size, or as
    many as it takes for about `part_bytes` each. With group_column, a
    boundary never falls inside a run of adjacent lines with the same
    value in that column. Empty partitions are left out."""
    size = os.path.getsize(path)
    with open(path, "rb") as fp:
        head = _header(fp) if header else b""
        first = min(len(head), size)
        body = size - first
        if parts is None:
            parts = max(1, -(-body // max(1, part_bytes)))
        parts = max(1, int(parts))
        bounds = [first]
        for k in range(1, parts):
            pos = _line_start_at_or_after(fp, first + body * k // parts, size)
            if group_column is not None:
                pos = _record_group_start(fp, pos, size, group_column)
            bounds.append(max(pos, bounds[-1]))
        bounds.append(size)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        if b > a:
            out.append(Partition(len(out), path, a, b, head, display or path))
    return out


def lines_before(path, offset):
    """The number of lines that end before byte offset (so the line that
    starts at offset is number lines_before + 1)."""
    n = 0
    left = offset
    with open(path, "rb") as fp:
        while left > 0:
            block = fp.read(min(left, 1 << 22))
            if not block:
                break
            n += block.count(b"\n")
            left -= len(block)
    return n


# a key's characters that may stand in a file name
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def key_of(header, by):
    """(column index, function of the field) for --partition-by BY: month
    (the date's YYYY-MM), route (route_id) or any column by name."""
    names = [c.strip().decode("utf-8", "replace") for c in header.rstrip(b"\r\n").split(b",")]
    column = {"month": "date", "route": "route_id"}.get(by, by)
    if column not in names:
        raise ValueError("no column '%s' in the header (for --partition-by %s)" % (column, by))
    return names.index(column), (lambda v: v[:7]) if by == "month" else (lambda v: v)


def split_by_key(path, by, out_dir, display=None, max_keys=10000):
    """One partition per key: the file read once, each row appended to its
    key's file under out_dir (with the header), and the input line of each
    row to a line index beside it, so that a bad row is still reported with
    the input's line. Keys in sorted order; files named BY-KEY."""
    os.makedirs(out_dir, exist_ok=True)
    files, index, names = {}, {}, {}
    with open(path, "rb") as src:
        head = _header(src)
        column, fn = key_of(head, by)
        src.seek(len(head) if head.endswith(b"\n") else 0)
        try:
            for lineno, line in enumerate(src, start=2):
                fields = line.split(b",", column + 1)
                key = fn(fields[column].rstrip(b"\r\n")) if column < len(fields) else b""
                fp = files.get(key)
                if fp is None:
                    if len(files) >= max_keys:
                        raise ValueError("more than %d keys for --partition-by %s"
                                         % (max_keys, by))
                    base = "%s-%s" % (by, _UNSAFE.sub("_", key.decode("utf-8", "replace"))
                                      or "_")
                    name = base
                    while name in names.values():  # two keys, one file name
                        name = "%s~%d" % (base, len(names))
                    names[key] = name
                    fp = files[key] = open(os.path.join(out_dir, name + ".csv"), "wb")
                    fp.write(head)
                    index[key] = array("Q")
                if not line.endswith(b"\n"):
                    line += b"\n"
                fp.write(line)
                index[key].append(lineno)
        finally:
            for fp in files.values():
                fp.close()
    out = []
    for key in sorted(files):
        name = names[key]
        data = os.path.join(out_dir, name + ".csv")
        idx = os.path.join(out_dir, name + ".lines")
        a = index[key]
        if sys.byteorder != "little":
            a.byteswap()
        with open(idx, "wb") as fp:
            a.tofile(fp)
        out.append(Partition(len(out), data, len(head), os.path.getsize(data), head,
                             display or path, name, idx))
    return out
