"""Findings: what is wrong, where, and under which stable code."""

# PERF: no `from __future__ import annotations`: a NamedTuple's string
# annotations cost a compile() each when the class is made (issue 11).

import enum
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from zonefix.plain import Plain
from zonefix.positions import LineIndex


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(NamedTuple):
    """A finding's public identity. Codes are never renumbered or reused.
    (A NamedTuple, not a plain class: it is a finding's first field, so
    findings sort by their codes, as callers of the API may sort them.)"""

    code: str
    #: Kebab-case, names the mistake ("allow syntax-error").
    name: str
    severity: Severity
    summary: str


# ZF0: the file itself (syntax and input). SPEC §3.
SYNTAX_ERROR = Code(
    "ZF001",
    "syntax-error",
    Severity.ERROR,
    'the file does not parse (unterminated ( or ", bad directive, bad TTL)',
)
INVALID_RDATA = Code(
    "ZF002",
    "invalid-rdata",
    Severity.ERROR,
    "rdata that dnspython rejects for its type",
)
UNKNOWN_ORIGIN = Code(
    "ZF003",
    "unknown-origin",
    Severity.ERROR,
    "relative names but no origin can be determined",
)
INCLUDE_REFUSED = Code(
    "ZF004",
    "include-refused",
    Severity.ERROR,
    "$INCLUDE that is missing, cyclic, or outside the allowed root",
)
GENERATE_LIMIT = Code(
    "ZF005",
    "generate-limit",
    Severity.ERROR,
    "$GENERATE that expands past the configured limit",
)


class Applicability(enum.Enum):
    """Whether a fix may be applied without asking (SPEC §4)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Edit(NamedTuple):
    """Replace text[start:end] of the finding's file with *text*."""

    start: int
    end: int
    text: str


class Fix(Plain):
    """What to do about a finding, as edits to its file's text."""

    _fields = ("message", "applicability", "edits", "scope", "record_edits")
    __slots__ = _fields
    #: Imperative: "delete the CNAME at the apex".
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]
    #: The text whose records the fix changes, where wider than the edits
    #: (an owner rewritten for the blank-owner lines that repeat it).
    scope: tuple[int, int] | None
    #: What the fix does in DNS terms (zonefix.document's record edits),
    #: where the rule states it so; *edits* are those lowered into the
    #: file's text. Empty for a fix still built as text.
    record_edits: tuple[object, ...]

    def __init__(
        self,
        message: str,
        applicability: Applicability,
        edits: tuple[Edit, ...],
        scope: tuple[int, int] | None = None,
        record_edits: tuple[object, ...] = (),
    ) -> None:
        self.message = message
        self.applicability = applicability
        self.edits = edits
        self.scope = scope
        self.record_edits = record_edits


class Diagnostic(NamedTuple):
    """One finding at a place in one file.

    The place is a span of the file's decoded text; its line and column are
    worked out from it where the finding is printed (zonefix.positions)."""

    code: Code
    #: Lower-case, no final period; quotes the offending value.
    message: str
    #: The file the finding is in (an $INCLUDE'd file names itself).
    file: str
    #: Character offsets of the span where the finding starts and ends.
    start: int = 0
    end: int = 0
    #: The file's line index, which gives line and column (None: the finding
    #: is about the file as a whole, at line 1 column 1).
    lines: LineIndex | None = None
    fix: Fix | None = None

    def position(self) -> tuple[int, int]:
        """1-based line and column where the finding starts."""
        return (1, 1) if self.lines is None else self.lines.position(self.start)

    def end_position(self) -> tuple[int, int]:
        """1-based line and column where the finding ends."""
        return (1, 1) if self.lines is None else self.lines.position(self.end)

    @property
    def line(self) -> int:
        return self.position()[0]

    @property
    def column(self) -> int:
        return self.position()[1]

    @property
    def end_line(self) -> int:
        return self.end_position()[0]

    @property
    def end_column(self) -> int:
        return self.end_position()[1]

    # The same finding, whichever reading of the file gave it: the line
    # index is how to print the span, not part of what was found.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self[:5] == other[:5] and self.fix == other.fix

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((*self[:5], self.fix))

    @property
    def sort_key(self) -> tuple[str, int, str]:
        # In one file, offsets are in the order of lines and columns.
        return (self.file, self.start, self.code.code)


def once_per_place(
    diagnostics: Iterable[Diagnostic], tops: set[str]
) -> Iterator[Diagnostic]:
    """*diagnostics* of one run, with a finding in a file that several zones
    include given once: the first zone's (one line, one finding, however
    many zones read it). Findings in the zone files themselves all stay."""
    seen: set[tuple[str, int, str]] = set()
    for d in diagnostics:
        if d.file not in tops:
            place = (d.file, d.start, d.code.code)
            if place in seen:
                continue
            seen.add(place)
        yield d
