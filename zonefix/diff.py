"""The patch --diff prints: unified, with the codes behind each hunk.

The hunks come from the standard library's difflib (the same grouping
``difflib.unified_diff`` makes); the header of each names, after the ranges,
the codes of the fixes that changed its lines (``@@ -12,3 +12,2 @@ ZF201``),
and a last line without a line break gets ``\\ No newline at end of file``,
so that ``git apply`` takes the patch.

The patch is bytes: the file's own, whatever they hold (a byte order mark
on the first line, an escape sequence in a comment, bytes that are not
UTF-8), split at line feeds only, as git splits them. It is written to
standard output as it is, so that it applies, on a terminal or not.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from zonefix.fixer import AppliedFix

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(
    path: str,
    before: bytes,
    after: bytes,
    applied: Sequence[AppliedFix],
    context: int = 3,
) -> bytes:
    """The patch from *before* to *after* for *path* (b'' when equal)."""
    if before == after:
        return b""
    old = _split(before)
    new = _split(after)
    name = path.encode("utf-8", "surrogateescape")
    out = [b"--- a/" + name + b"\n", b"+++ b/" + name + b"\n"]
    matcher = _matcher(old, new)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        old_range = _range(first[1], last[2])
        new_range = _range(first[3], last[4])
        codes = _codes(group, applied)
        header = f"@@ -{old_range} +{new_range} @@{' ' + codes if codes else ''}\n"
        out.append(header.encode("ascii"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_lines(b" ", old[i1:i2]))
                continue
            if tag in ("replace", "delete"):
                out.extend(_lines(b"-", old[i1:i2]))
            if tag in ("replace", "insert"):
                out.extend(_lines(b"+", new[j1:j2]))
    return b"".join(out)


def _matcher(old: list[bytes], new: list[bytes]) -> difflib.SequenceMatcher[bytes]:
    """difflib's matcher of the two texts, its opcodes worked out on the
    lines between their common beginning and end only. PERF: difflib is
    quadratic in lines that repeat, as a JSON or YAML export's closing
    brackets do (a 10,000-record Route 53 file took minutes); fixes change
    a few places, so the common ends are most of the file."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    middle = difflib.SequenceMatcher(
        None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False
    )
    opcodes = []
    if head:
        opcodes.append(("equal", 0, head, 0, head))
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        opcodes.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        opcodes.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    # Adjacent "equal" runs (a middle that starts or ends equal) are one.
    merged: list[tuple[str, int, int, int, int]] = []
    for op in opcodes:
        if merged and op[0] == "equal" == merged[-1][0]:
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    # get_grouped_opcodes reads the opcodes from this cache.
    matcher.opcodes = merged  # type: ignore[attr-defined]
    return matcher


def _split(data: bytes) -> list[bytes]:
    """Lines ending in LF (a CR stays part of its line), the last one
    without, where the file ends without."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _range(start: int, stop: int) -> str:
    # As difflib writes ranges: 1-based start, and ",length" unless 1.
    length = stop - start
    first = start + 1 if length else start
    return f"{first}" if length == 1 else f"{first},{length}"


def _lines(sign: bytes, lines: Sequence[bytes]) -> list[bytes]:
    out = []
    for line in lines:
        if line.endswith(b"\n"):
            out.append(sign + line)
        else:
            out.append(sign + line + b"\n" + NO_NEWLINE)
    return out


def _codes(
    group: Sequence[tuple[str, int, int, int, int]], applied: Sequence[AppliedFix]
) -> str:
    """Codes of the fixes whose edits' lines of the original lie in this
    hunk. Its lines, context included, not only those it shows changed:
    where a fix deletes one of two equal lines, difflib may show the other
    one deleted (a duplicate's copy, ZF107), and the copy's line is then
    this hunk's context. The lines a fix's scope holds but its edits leave
    as they are (the blank-owner lines after an owner it rewrites) name it
    nowhere."""
    low = group[0][1] + 1
    high = max(low, group[-1][2])
    codes = set()
    for fix in applied:
        if any(_in_hunk(edit, low, high) for edit in fix.edits) or (
            # A fix whose edits' lines are not known (an export's, placed
            # by its records): its lines, and the line on each side.
            not fix.edits and fix.first_line <= high + 1 and low - 1 <= fix.last_line
        ):
            codes.update(fix.code.split())
    return " ".join(sorted(codes))


def _in_hunk(edit: tuple[int, int, bool], low: int, high: int) -> bool:
    """Whether an edit's lines (first, last, inserts) lie in the hunk of
    lines *low* to *high*. An insertion sits between two lines (at the end
    of the file, before the line after the last): next to the hunk's lines
    is in it (difflib puts a change and three lines on each side in one
    hunk)."""
    first, last, inserts = edit
    if inserts:
        return low - 1 <= first <= high + 1
    return first <= high and low <= last
