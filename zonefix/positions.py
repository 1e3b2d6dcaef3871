"""Lines and columns of one file's text, worked out only when asked.

Everything that says where something is (a finding, a record's span, a
fix's edits) says it as character offsets into the file's decoded text.
Line and column are for people: a finding's are worked out from its
offsets when it is printed, through the one LineIndex of its file, which
finds the line breaks the first time it is asked (a run that prints no
place, as ``--statistics``, looks for them only where a message names a
line).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from typing import Any


def offsets(text_length: int) -> array[int]:
    """An empty array for offsets into a text of *text_length* characters:
    4 bytes an offset where they fit (PERF: the entry and line starts of a
    zone of a million records, 5 MB each), else 8."""
    return array("I" if text_length < 1 << 32 else "q")


class LineIndex:
    """Where each line of one file's text starts. A line ends after "\\n"
    (a CRLF's "\\r" is the end of its line; a lone "\\r" ends none)."""

    __slots__ = ("_at", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: array[int] | None = None
        #: The last place asked for before the line starts were all found:
        #: (offset, its line, that line's start).
        self._at: tuple[int, int, int] | None = None

    @property
    def built(self) -> bool:
        """Whether line breaks have been looked for."""
        return self._starts is not None or self._at is not None

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character *offset* (past the end of
        the text: on its last line)."""
        starts = self._starts
        if starts is None:
            # PERF: places asked in file order (printing sorted findings)
            # count the line breaks from the last one, at C speed; every
            # line start is found only when a place comes before the last.
            at = self._at or (0, 1, 0)
            if offset >= at[0]:
                text = self._text
                breaks = text.count("\n", at[0], offset)
                if breaks:
                    at = (offset, at[1] + breaks, text.rfind("\n", at[0], offset) + 1)
                else:
                    at = (offset, at[1], at[2])
                self._at = at
                return at[1], offset - at[2] + 1
            starts = self._build()
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def _build(self) -> array[int]:
        starts = offsets(len(self._text))
        starts.append(0)
        starts.extend(m.end() for m in re.finditer("\n", self._text))
        self._starts = starts
        self._text = ""  # the offsets are all it needs from now on
        self._at = None
        return starts

    def __repr__(self) -> str:
        # Not its identity: findings print alike from two readings of a file.
        return "LineIndex()"

    def __reduce__(self) -> tuple[Any, ...]:
        # A finding sent from a worker process takes its file's line starts
        # (8 bytes a line), not its text (a zone's line is some 40), and
        # the worker lets the text go.
        starts = self._starts if self._starts is not None else self._build()
        return (_from_starts, (starts,))


def _from_starts(starts: array[int]) -> LineIndex:
    index = LineIndex("")
    index._starts = starts
    return index
