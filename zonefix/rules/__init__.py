"""The rule registry: every rule zonefix has, in one place (SPEC §3).

A rule is a check function in its family's module (``syntax.py`` for ZF0,
``structure.py`` for ZF1, ...), registered with ``@rule`` under its public
Code. Its docstring is its documentation, under the headings What it does,
Why it matters, Example and Fix: ``--explain`` prints it, and a test checks
every rule has them. Codes are public API: never renumber or reuse one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from zonefix.diagnostics import UNKNOWN_ORIGIN, Applicability, Code, Diagnostic, Fix

if TYPE_CHECKING:
    from zonefix.edits import NewRecord
    from zonefix.syntax.nodes import Field
    from zonefix.zone import Zone


class FixAvailability(enum.Enum):
    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"


class Rule(NamedTuple):
    code: Code
    fix: FixAvailability
    check: Callable[[Zone], Iterable[Diagnostic]]

    @property
    def doc(self) -> str:
        """The rule's documentation: its check function's docstring."""
        return _dedent(self.check.__doc__ or "")


REGISTRY: dict[str, Rule] = {}


def rule(
    code: Code, fix: FixAvailability = FixAvailability.NONE
) -> Callable[
    [Callable[[Zone], Iterable[Diagnostic]]], Callable[[Zone], Iterable[Diagnostic]]
]:
    """Register a check function as the rule for *code*."""

    def register(
        check: Callable[[Zone], Iterable[Diagnostic]],
    ) -> Callable[[Zone], Iterable[Diagnostic]]:
        if code.code in REGISTRY:
            raise ValueError(f"{code.code} is registered twice")
        REGISTRY[code.code] = Rule(code, fix, check)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, by code."""
    # Importing a family module registers its rules.
    from zonefix.rules import dmarc, mail, spf, structure, syntax  # noqa: F401

    return [REGISTRY[code] for code in sorted(REGISTRY)]


class UnknownCode(ValueError):
    """A code or prefix that names no rule."""


def select_rules(
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    *,
    always_ignore: Sequence[str] = (),
) -> list[Rule]:
    """The rules a selection names: *select* (default: all) plus
    *extend_select*, minus *ignore*; each a code or a prefix (``ZF1``).
    Where a rule is both selected and ignored, the more specific code wins,
    as in ruff (``--ignore ZF2 --select ZF201`` runs ZF201); on a tie, the
    ignore. *always_ignore* (per-file ignores) wins whatever it names."""
    rules = all_rules()
    for prefix in (*(select or ()), *ignore, *extend_select, *always_ignore):
        if not any(r.code.code.startswith(prefix.upper()) for r in rules):
            raise UnknownCode(f"'{prefix}' names no rule")

    def longest(rule: Rule, prefixes: Iterable[str]) -> int:
        """The length of the longest of *prefixes* naming *rule* (-1: none)."""
        return max(
            (len(p) for p in prefixes if rule.code.code.startswith(p.upper())),
            default=-1,
        )

    chosen = (*(select if select else ("ZF",)), *extend_select)
    return [
        r
        for r in rules
        if longest(r, chosen) > longest(r, ignore) and longest(r, always_ignore) < 0
    ]


def run_rules(zone: Zone, rules: Sequence[Rule]) -> list[Diagnostic]:
    """The findings of *rules* on *zone*, suppressions applied, in file order."""
    from zonefix.suppress import apply_suppressions

    found: list[Diagnostic] = []
    if any(d.code is UNKNOWN_ORIGIN for d in zone.diagnostics):
        # Without an origin no name means anything: ZF003 stands alone.
        rules = [r for r in rules if r.code.code.startswith("ZF0")]
    for r in rules:
        found.extend(r.check(zone))
    return sorted(apply_suppressions(zone, found), key=lambda d: d.sort_key)


def delete_fix(
    zone: Zone,
    index: int,
    message: str,
    applicability: Applicability = Applicability.SAFE,
) -> Fix | None:
    """A fix that deletes record *index*; None where no plain edit can (a
    record from $GENERATE or in an included file)."""
    from zonefix.edits import CannotEdit, delete_record

    try:
        return Fix(message, applicability, delete_record(zone, index))
    except CannotEdit:
        return None


def replace_field_fix(
    zone: Zone,
    index: int,
    position: int,
    text: str,
    message: str,
    applicability: Applicability = Applicability.UNSAFE,
) -> Fix | None:
    """A fix writing *text* over rdata field *position* of record *index*;
    None where no plain edit can."""
    from zonefix.edits import replace_field

    if zone.table.document[index] != 0:
        return None
    field = rdata_field(zone, index, position)
    if field is None:
        return None
    return Fix(message, applicability, (replace_field(zone.tree.text, field, text),))


def finding_at_field(
    zone: Zone,
    code: Code,
    message: str,
    index: int,
    position: int,
    fix: Fix | None = None,
) -> Diagnostic:
    """A finding at rdata field *position* of record *index* (the MX host,
    the CNAME target), else at the whole record."""
    field = rdata_field(zone, index, position)
    span = (field.start, field.end) if field is not None else None
    return zone.finding_at_span(code, message, index, span, fix)


def rdata_field(zone: Zone, index: int, position: int) -> Field | None:
    """Rdata field *position* of record *index* as written (-1: its type);
    None for a $GENERATE record."""
    if index in zone.table.generated:
        return None
    fields = zone.fields_of(index)
    at = zone.table.rdata_field[index] + position
    return fields[at] if at < len(fields) else None


def insert_fix(
    zone: Zone, records: Sequence[NewRecord], message: str, applicability: Applicability
) -> Fix | None:
    """A fix adding *records* (one owner and type) in the file's style."""
    from zonefix.edits import CannotEdit, insert_records

    try:
        return Fix(message, applicability, insert_records(zone, records))
    except CannotEdit:
        return None


def _dedent(doc: str) -> str:
    lines = doc.strip("\n").splitlines()
    indents = [len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()]
    cut = min(indents, default=0)
    return "\n".join([lines[0].strip(), *(x[cut:] for x in lines[1:])]).strip() + "\n"
