"""Apply fixes until nothing changes, then bump the SOA serial (SPEC §4).

Each pass lints the text, takes the fixes allowed (safe ones; unsafe ones
only when asked), drops any whose edits overlap an edit already taken,
applies the rest back to front, and parses the result again. A pass that
would break the parse is undone and reported. Fixes apply to the top file;
records read through $INCLUDE are left as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

import dns.rdatatype

from zonefix.diagnostics import Applicability, Diagnostic, Edit
from zonefix.semantic import OWNER_APEX, Limits
from zonefix.syntax.nodes import fields_between
from zonefix.zone import Zone, parse_text

MAX_PASSES = 10


class AppliedFix(NamedTuple):
    """A fix that was applied, and the lines of the original text it changed."""

    code: str
    message: str
    first_line: int
    last_line: int


class FixResult(NamedTuple):
    #: The original zone, and the text fixing gave (equal when nothing applied).
    original: Zone
    text: str
    applied: list[AppliedFix]
    #: The findings left in the fixed text.
    remaining: list[Diagnostic]
    #: Why fixing stopped early, if it did (a fix that broke the parse, or
    #: passes that never settled).
    problem: str | None = None
    #: The same findings placed in the original text (what --diff reports).
    remaining_in_original: tuple[Diagnostic, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original.tree.text


class _Mapper:
    """Maps offsets in a later pass's text back to the original text."""

    def __init__(self) -> None:
        # Per pass: (new start, new end, old start, old end), in order.
        self.passes: list[list[tuple[int, int, int, int]]] = []

    def add_pass(self, edits: Sequence[Edit]) -> None:
        spans = []
        shift = 0
        for edit in sorted(edits):
            new_start = edit.start + shift
            spans.append((new_start, new_start + len(edit.text), edit.start, edit.end))
            shift += len(edit.text) - (edit.end - edit.start)
        self.passes.append(spans)

    def to_original(self, offset: int) -> int:
        for spans in reversed(self.passes):
            shift = 0
            mapped = None
            for new_start, new_end, old_start, old_end in spans:
                if offset < new_start:
                    break
                if offset < new_end:
                    mapped = old_start
                    break
                shift = new_end - old_end
            offset = mapped if mapped is not None else offset - shift
        return offset


def fix(
    zone: Zone,
    *,
    rules: Sequence[object] | None = None,
    unsafe: bool = False,
    bump_serial: bool = True,
    limits: Limits | None = None,
    today: datetime.date | None = None,
) -> FixResult:
    """Fix *zone*'s top file: the new text, what was applied, what remains."""
    from zonefix.rules import Rule, run_rules, select_rules

    chosen_rules = [r for r in (rules or select_rules()) if isinstance(r, Rule)]
    if not zone.parsed:
        # A file with ZF001 is never rewritten.
        found = run_rules(zone, chosen_rules)
        return FixResult(zone, zone.tree.text, [], found, None, tuple(found))
    original_text = zone.tree.text
    text = original_text
    current = zone
    applied: list[AppliedFix] = []
    mapper = _Mapper()
    problem = None
    for _ in range(MAX_PASSES):
        findings = run_rules(current, chosen_rules)
        taken = _choose(findings, current.filename, unsafe)
        if not taken:
            break
        edits = [edit for d in taken for edit in d.fix.edits]  # type: ignore[union-attr]
        new_text = apply_edits(text, edits)
        reparsed = _reparse(current, new_text, limits)
        if not reparsed.parsed:
            problem = "a fix would break the zone's syntax, so it was not applied: " + (
                ", ".join(sorted({d.code.code for d in taken}))
            )
            break
        for d in taken:
            assert d.fix is not None
            spans = [(e.start, e.end) for e in d.fix.edits]
            if d.fix.scope is not None:
                spans.append(d.fix.scope)
            first = min(start for start, _ in spans)
            last = max(end for _, end in spans)
            applied.append(
                AppliedFix(
                    d.code.code,
                    d.fix.message,
                    _line_of(original_text, mapper.to_original(first)),
                    _line_of(original_text, mapper.to_original(max(first, last - 1))),
                )
            )
        mapper.add_pass(edits)
        text, current = new_text, reparsed
    else:
        problem = f"fixes did not settle after {MAX_PASSES} passes"

    if applied and bump_serial:
        bumped = _bump_serial(current, today or utc_today())
        if bumped is not None:
            edit, old, new = bumped
            line = _line_of(original_text, mapper.to_original(edit.start))
            codes = " ".join(sorted({a.code for a in applied}))
            applied.append(
                AppliedFix(codes, f"bump the SOA serial {old} -> {new}", line, line)
            )
            text = apply_edits(text, [edit])
            current = _reparse(current, text, limits)
            mapper.add_pass([edit])
    remaining = run_rules(current, chosen_rules)
    return FixResult(
        zone,
        text,
        applied,
        remaining,
        problem,
        tuple(_at_original(d, current, zone, mapper) for d in remaining),
    )


def _at_original(
    d: Diagnostic, fixed: Zone, original: Zone, mapper: _Mapper
) -> Diagnostic:
    """*d*, found in the fixed text, placed in the original (where --diff's
    reader has the file open); inside text a fix wrote, at that fix."""
    if d.file != original.filename or not mapper.passes:
        return d
    tree = fixed.tree
    start = mapper.to_original(tree.offset(d.line, d.column))
    end = max(start, mapper.to_original(tree.offset(d.end_line, d.end_column)))
    line, column = original.tree.position(start)
    end_line, end_column = original.tree.position(end)
    return d._replace(
        line=line, column=column, end_line=end_line, end_column=end_column, fix=None
    )


def _choose(
    findings: list[Diagnostic], filename: str, unsafe: bool
) -> list[Diagnostic]:
    """Fixes to apply this pass: allowed, in the top file, not overlapping."""
    taken: list[Diagnostic] = []
    spans: list[tuple[int, int]] = []
    for d in findings:
        if d.fix is None or d.file != filename or not d.fix.edits:
            continue
        if d.fix.applicability is Applicability.UNSAFE and not unsafe:
            continue
        mine = [(e.start, e.end) for e in d.fix.edits]
        if any(_overlaps(a, b) for a in mine for b in spans):
            continue  # the next pass will see it again
        taken.append(d)
        spans.extend(mine)
    return taken


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two fixes conflict when their spans share text, or when one inserts
    where the other begins or ends (the order of the two would matter)."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """*text* with *edits* applied, back to front (they must not overlap)."""
    out = text
    for edit in sorted(edits, reverse=True):
        out = out[: edit.start] + edit.text + out[edit.end :]
    return out


def _reparse(zone: Zone, text: str, limits: Limits | None) -> Zone:
    source = zone.source
    data = source.encode(text)
    origin = zone.origin
    fixed = parse_text(data, origin=origin, filename=zone.filename, limits=limits)
    fixed.mail_settings = zone.mail_settings
    return fixed


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def utc_today() -> datetime.date:
    """The date a new serial carries (UTC, as most signers and CI use)."""
    return datetime.datetime.now(datetime.UTC).date()


def _bump_serial(zone: Zone, today: datetime.date) -> tuple[Edit, int, int] | None:
    """The edit that bumps the apex SOA's serial: a date serial (YYYYMMDDnn)
    goes to today's date with 00, or +1 when it is already today or later;
    any other serial goes +1, in RFC 1982 arithmetic."""
    table = zone.table
    for index, rdtype in enumerate(table.rdtype):
        if rdtype != dns.rdatatype.SOA or not table.flags[index] & OWNER_APEX:
            continue
        if table.document[index] != 0 or index in table.generated:
            return None
        tree = zone.tree
        start, end = tree.span(table.entry[index])
        fields = fields_between(tree.text, start, end)
        serial_field = fields[table.rdata_field[index] + 2]
        old = int(serial_field.text)
        new = next_serial(old, today)
        return Edit(serial_field.start, serial_field.end, str(new)), old, new
    return None


def next_serial(serial: int, today: datetime.date) -> int:
    """The serial after *serial* (SPEC §4)."""
    dated = today.year * 1_000_000 + today.month * 10_000 + today.day * 100
    if _is_date_serial(serial):
        return dated if serial < dated else (serial + 1) % 2**32
    return (serial + 1) % 2**32


def _is_date_serial(serial: int) -> bool:
    if not 1_000_000_000 <= serial <= 4_294_967_295:
        return False
    try:
        datetime.date(serial // 1_000_000, serial // 10_000 % 100, serial // 100 % 100)
    except ValueError:
        return False
    return 1970 <= serial // 1_000_000 <= 2200
