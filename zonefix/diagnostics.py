"""Findings: what is wrong, where, and under which stable code."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from typing import NamedTuple


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(NamedTuple):
    """A finding's public identity. Codes are never renumbered or reused."""

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


class Fix(NamedTuple):
    """What to do about a finding, as edits to its file's text."""

    #: Imperative: "delete the CNAME at the apex".
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]
    #: The text whose records the fix changes, where wider than the edits
    #: (an owner rewritten for the blank-owner lines that repeat it).
    scope: tuple[int, int] | None = None
    #: What the fix does in DNS terms (zonefix.document's record edits),
    #: where the rule states it so; *edits* are those lowered into the
    #: file's text. Empty for a fix still built as text.
    record_edits: tuple[object, ...] = ()


class Diagnostic(NamedTuple):
    """One finding at a place in one file."""

    code: Code
    #: Lower-case, no final period; quotes the offending value.
    message: str
    #: The file the finding is in (an $INCLUDE'd file names itself).
    file: str
    #: 1-based line and column where the finding starts, and where it ends.
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code.code)


def once_per_place(
    diagnostics: Iterable[Diagnostic], tops: set[str]
) -> Iterator[Diagnostic]:
    """*diagnostics* of one run, with a finding in a file that several zones
    include given once: the first zone's (one line, one finding, however
    many zones read it). Findings in the zone files themselves all stay."""
    seen: set[tuple[str, int, int, str]] = set()
    for d in diagnostics:
        if d.file not in tops:
            place = (d.file, d.line, d.column, d.code.code)
            if place in seen:
                continue
            seen.add(place)
        yield d
