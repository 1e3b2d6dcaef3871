"""Apply fixes until nothing changes, then bump the SOA serial (SPEC §4).

Each pass lints the text, takes the fixes allowed (safe ones; unsafe ones
only when asked), drops any whose edits overlap an edit already taken (or
the records another one rewrites), applies the rest back to front, and
reads the result again (only the lines the edits touch, where that reads
as the whole text would: zonefix.bind.reread). Fixes apply to the top file;
records read through $INCLUDE are left as they are.

A fix run settles or changes nothing: when the passes do not settle, when
a pass would break the parse, when the result has an error the input did
not have (CNAME and other data, which makes BIND refuse the zone), or when
zonefix cannot see all the zone's records (a refused $INCLUDE or
$GENERATE), the result is the original text and ``refused`` says why,
naming the fixes involved.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

import dns.rdatatype

from zonefix.bind.facts import editable
from zonefix.bind.resolver import OWNER_APEX
from zonefix.bind.syntax.nodes import Field, fields_between
from zonefix.diagnostics import (
    GENERATE_LIMIT,
    INCLUDE_REFUSED,
    INVALID_RDATA,
    Applicability,
    Diagnostic,
    Edit,
    Severity,
)
from zonefix.document import Limits
from zonefix.reading import pure_path
from zonefix.settings import Settings
from zonefix.zone import Zone, find_origin, parse_text

if TYPE_CHECKING:
    from zonefix.bind.resolver import RecordTable
    from zonefix.rules import Rule

MAX_PASSES = 10


class AppliedFix(NamedTuple):
    """A fix that was applied, and the lines of the original text it changed."""

    code: str
    message: str
    first_line: int
    last_line: int
    #: The lines of the original text each of its edits changes (first,
    #: last, and whether it only inserts before the first), without the
    #: lines of its scope that it leaves as they are; () where not known.
    edits: tuple[tuple[int, int, bool], ...] = ()


class FixResult(NamedTuple):
    #: The original zone, and the text fixing gave (equal when nothing applied).
    original: Zone
    text: str
    applied: list[AppliedFix]
    #: The findings left in the fixed text.
    remaining: list[Diagnostic]
    #: Why nothing was fixed although fixes were found (passes that never
    #: settled, a fix that broke the parse or added an error, records
    #: zonefix cannot see), naming the fixes; then text is the original's.
    problem: str | None = None
    #: The same findings placed in the original text (what --diff reports).
    remaining_in_original: tuple[Diagnostic, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original.tree.text


class _Mapper:
    """Maps offsets in a later pass's text back to the original text."""

    def __init__(self) -> None:
        # Per pass: each edit's (new start, new end, old start, old end), in
        # order, and their new starts where the edits do not overlap (PERF:
        # an offset's edit found by halving, not a look at every edit before
        # it: thousands of fixes each asked about made a fix run quadratic).
        self.passes: list[tuple[list[int] | None, list[tuple[int, int, int, int]]]] = []

    def add_pass(self, edits: Sequence[Edit]) -> None:
        spans = []
        shift = 0
        for edit in sorted(edits):
            new_start = edit.start + shift
            spans.append((new_start, new_start + len(edit.text), edit.start, edit.end))
            shift += len(edit.text) - (edit.end - edit.start)
        apart = all(a[1] <= b[0] for a, b in pairwise(spans))
        self.passes.append(([span[0] for span in spans] if apart else None, spans))

    def to_original(self, offset: int) -> int:
        for starts, spans in reversed(self.passes):
            if starts is None:
                offset = _back_through(spans, offset)
                continue
            # The last edit that starts at or before the offset: the offset
            # is in its new text (mapped to where that was), or after it
            # (moved back by all the edits up to it: new end less old end).
            at = bisect_right(starts, offset) - 1
            if at >= 0:
                _, new_end, old_start, old_end = spans[at]
                offset = old_start if offset < new_end else offset - (new_end - old_end)
        return offset


def _back_through(spans: list[tuple[int, int, int, int]], offset: int) -> int:
    """*offset* in a pass's new text, in its old text: the edits looked at in
    order (where some overlap, as _apply_back_to_front applies them)."""
    shift = 0
    for new_start, new_end, old_start, old_end in spans:
        if offset < new_start:
            break
        if offset < new_end:
            return old_start
        shift = new_end - old_end
    return offset - shift


def fix(
    zone: Zone,
    *,
    rules: Sequence[object] | None = None,
    unsafe: bool = False,
    bump_serial: bool = True,
    limits: Limits | None = None,
    today: datetime.date | None = None,
    settings: Settings | None = None,
) -> FixResult:
    """Fix *zone*'s top file: the new text, what was applied, what remains;
    or, when fixing cannot be trusted, the original text and why not.
    Every pass runs the rules under *settings* (default: the defaults, with
    the mail settings a caller of the API put on *zone*)."""
    from zonefix.rules import Rule, select_rules

    if settings is None:
        settings = Settings(mail=zone.mail_settings)
    if limits is None and settings.limits != Limits():
        limits = settings.limits

    def run_rules(zone: Zone, rules: Sequence[Rule]) -> list[Diagnostic]:
        from zonefix.rules import run_rules

        assert settings is not None
        return run_rules(zone, rules, settings)

    chosen_rules = [r for r in (rules or select_rules()) if isinstance(r, Rule)]
    first_findings = run_rules(zone, chosen_rules)
    day = today or utc_today()
    result = _fix(
        zone, chosen_rules, first_findings, unsafe, bump_serial, limits, day, settings
    )
    if result is None:
        # The serial bump taken with the first fixes did not end where it
        # was written: bump it after the fixes, in a pass of its own.
        result = _fix(
            zone,
            chosen_rules,
            first_findings,
            unsafe,
            bump_serial,
            limits,
            day,
            settings,
            fold_bump=False,
        )
        assert result is not None
    return result


def _fix(
    zone: Zone,
    chosen_rules: Sequence[Rule],
    first_findings: list[Diagnostic],
    unsafe: bool,
    bump_serial: bool,
    limits: Limits | None,
    today: datetime.date,
    settings: Settings,
    fold_bump: bool = True,
) -> FixResult | None:
    """fix()'s passes. With *fold_bump*, the serial bump is taken with the
    first pass's fixes when none of them touches the SOA record (PERF: a
    pass, a read and a run of the rules fewer); None when the bump then
    does not end at the SOA the zone's serial is read from."""

    def run_rules(zone: Zone, rules: Sequence[Rule]) -> list[Diagnostic]:
        from zonefix.rules import run_rules

        return run_rules(zone, rules, settings)

    if not zone.parsed:
        # A file with ZF001 is never rewritten.
        return _unchanged(zone, first_findings)
    original_text = zone.tree.text
    line_of = _LineCounter(original_text)
    text = original_text
    current = zone
    applied: list[AppliedFix] = []
    mapper = _Mapper()
    # Each pass: the zone it started from and the fixes it took.
    passes: list[tuple[Zone, list[Diagnostic]]] = []
    findings = first_findings
    # The serial bump taken with the first pass: (edit, old, new).
    folded: tuple[Edit, str, str] | None = None
    for _ in range(MAX_PASSES):
        taken = _choose(findings, current.filename, unsafe)
        if not taken:
            break
        if not passes:
            blind = _unseen_records(zone) or _lone_carriage_return(zone)
            if blind is not None:
                return _unchanged(zone, first_findings, blind + _naming(taken))
        edits = [edit for d in taken for edit in d.fix.edits]  # type: ignore[union-attr]
        if not passes and bump_serial and fold_bump:
            folded = _bump_serial(current, today)
            if folded is not None and _touches_soa(current, folded[0], taken):
                folded = None
            if folded is not None:
                edits.append(folded[0])
        new_text = apply_edits(text, edits)
        reparsed = _reparse(current, new_text, limits, edits)
        if not reparsed.parsed:
            culprits = _breaking(current, text, taken, limits) or taken
            return _unchanged(
                zone,
                first_findings,
                "a fix would break the zone's syntax: " + _naming(culprits),
            )
        unreadable = _unreadable(current, reparsed)
        if unreadable is not None:
            culprits = [
                d
                for d in taken
                if d.fix is not None
                and _unreadable(
                    current,
                    _reparse(
                        current, apply_edits(text, d.fix.edits), limits, d.fix.edits
                    ),
                )
                is not None
            ]
            return _unchanged(
                zone,
                first_findings,
                "a fix would write a record zonefix cannot read "
                f"({_describe(unreadable)}): " + _naming(culprits or taken),
            )
        passes.append((current, taken))
        for d in taken:
            assert d.fix is not None
            spans = [(e.start, e.end) for e in d.fix.edits]
            if d.fix.scope is not None:
                spans.append(d.fix.scope)
            first = min(start for start, _ in spans)
            last = max(end for _, end in spans)
            changed = tuple(
                (
                    line_of(mapper.to_original(e.start)),
                    line_of(mapper.to_original(max(e.start, e.end - 1))),
                    e.start == e.end,
                )
                for e in d.fix.edits
            )
            applied.append(
                AppliedFix(
                    d.code.code,
                    d.fix.message,
                    line_of(mapper.to_original(first)),
                    line_of(mapper.to_original(max(first, last - 1))),
                    changed,
                )
            )
        mapper.add_pass(edits)
        text, current = new_text, reparsed
        findings = run_rules(current, chosen_rules)
    else:
        return _unchanged(
            zone,
            first_findings,
            f"fixes did not settle after {MAX_PASSES} passes: "
            + _naming(passes[-1][1]),
        )
    if not applied:
        return _unchanged(zone, first_findings)

    moved = _origin_moved(zone, passes, current)
    if moved is not None:
        return _unchanged(zone, first_findings, moved)

    added = _errors_added(
        zone, current, chosen_rules, first_findings, findings, mapper, settings
    )
    if added:
        culprits = _adding(passes, added, current, limits, settings)
        return _unchanged(
            zone,
            first_findings,
            f"the fixes would add {_describe(added[0])}, which the zone did not "
            f"have: {_naming(culprits)}",
        )

    if folded is not None:
        # Taken with the first fixes: it must be the serial the fixed zone
        # is read with (a fix could have put another SOA first).
        edit, old, new = folded
        field = _serial_field(current)
        if (
            field is None
            or field.text != new
            or mapper.to_original(field.start) != edit.start
        ):
            return None
        applied.append(_serial_bumped(applied, line_of(edit.start), old, new))
    elif bump_serial:
        bumped = _bump_serial(current, today)
        if bumped is not None:
            edit, old, new = bumped
            line = line_of(mapper.to_original(edit.start))
            applied.append(_serial_bumped(applied, line, old, new))
            text = apply_edits(text, [edit])
            current = _reparse(current, text, limits, [edit])
            mapper.add_pass([edit])
            findings = run_rules(current, chosen_rules)
    return FixResult(
        zone,
        text,
        applied,
        findings,
        None,
        tuple(_at_original(d, zone, mapper) for d in findings),
    )


def _serial_bumped(
    applied: Sequence[AppliedFix], line: int, old: str, new: str
) -> AppliedFix:
    """The serial bump as an applied fix at *line* of the original, named
    by the codes of the fixes *applied* (their changes are why it moves)."""
    codes = " ".join(sorted({a.code for a in applied}))
    return AppliedFix(
        codes, f"bump the SOA serial {old} -> {new}", line, line, ((line, line, False),)
    )


def _unchanged(
    zone: Zone, findings: list[Diagnostic], problem: str | None = None
) -> FixResult:
    """Nothing fixed: the zone as it is, with its own findings."""
    return FixResult(zone, zone.tree.text, [], findings, problem, tuple(findings))


def _unseen_records(zone: Zone) -> str | None:
    """Why zonefix cannot see all of *zone*'s records, if it cannot: a fix
    made without them (a duplicate deleted, a missing MX added) may be
    wrong, so none is made."""
    for d in zone.diagnostics:
        if d.code in (INCLUDE_REFUSED, GENERATE_LIMIT):
            return (
                f"zonefix cannot see all the zone's records ({d.code.code} at "
                f"{d.file}:{d.line}), so it fixes nothing: "
            )
    return None


def _lone_carriage_return(zone: Zone) -> str | None:
    """Why a fix may not write *zone* as it reads, if it may not: a lone
    carriage return (old Mac line ends) is a line break, to zonefix as to
    BIND, but the lines a fix writes end in LF or CRLF (zone.source.newline),
    and a patch (--diff) counts lines by LF alone, so it would hold the
    whole file in one line. Not written, rather than written in a mix of
    line ends."""
    lone = re.search(r"\r(?!\n)", zone.tree.text)
    if lone is None:
        return None
    line = _line_of(zone.tree.text, lone.start())
    return (
        f"line {line} holds a lone carriage return (an old Mac line end), which "
        "zonefix reads as BIND does, as a line break, but does not write, so "
        "it fixes nothing (make it a line feed): "
    )


def _origin_moved(
    zone: Zone, passes: list[tuple[Zone, list[Diagnostic]]], result: Zone
) -> str | None:
    """Why the fixes cannot stand when they change the origin zonefix
    finds for the file (deleting one of two SOA records makes the other's
    owner the apex): the next run would read another zone, and fix it
    again. Nothing to say when the origin was given (--origin, a
    configured origin), which the next run is given too."""
    if zone.origin_given:
        return None
    path = pure_path(zone.filename)
    # PERF: the origin reading found, not a second look through the text.
    found = (
        zone.read_origin
        if zone.origin_found_for == path
        else find_origin(zone.tree, path)
    )
    zones = [*(start for start, _ in passes[1:]), result]
    for (_, taken), after in zip(passes, zones, strict=True):
        moved = find_origin(after.tree, path)
        if moved != found:
            return (
                f"the fixes would move the zone's origin as zonefix finds it "
                f"({'none' if found is None else found.text} -> "
                f"{'none' if moved is None else moved.text}), so the next run would read another "
                f"zone: {_naming(taken)}"
            )
    return None


def _naming(fixes: Sequence[Diagnostic]) -> str:
    """The fixes, as a message names them: code and what the fix does."""
    named = dict.fromkeys(
        f"{d.code.code} ({d.fix.message})" for d in fixes if d.fix is not None
    )
    return ", ".join(named)


def _describe(d: Diagnostic) -> str:
    return f"{d.code.code} ({d.message})"


def _breaking(
    zone: Zone, text: str, taken: list[Diagnostic], limits: Limits | None
) -> list[Diagnostic]:
    """The fixes of a pass that break the parse on their own."""
    return [
        d
        for d in taken
        if d.fix is not None
        and not _reparse(
            zone, apply_edits(text, d.fix.edits), limits, d.fix.edits
        ).parsed
    ]


def _unreadable(before: Zone, after: Zone) -> Diagnostic | None:
    """A record of *after*'s top file that zonefix cannot read (ZF002) and
    *before* did not have: a fix wrote it (an MX host made from a template,
    with a label over 63 octets), and would write it again every pass."""
    top = after.filename
    had = {(d.code, d.message) for d in before.diagnostics if d.file == top}
    return next(
        (
            d
            for d in after.diagnostics
            if d.file == top
            and d.code is INVALID_RDATA
            and (d.code, d.message) not in had
        ),
        None,
    )


_DETAILS = re.compile(r"\s*\([^()]*\)|\bline \d+")


def _identities(zone: Zone, findings: Sequence[Diagnostic]) -> list[Identity]:
    """What makes each error finding the same one before and after a fix,
    wherever it moved: its code, and the owner of the record it is at (a
    fix may reword a finding, as ZF402 "needs 'mailto:'" becomes "holds
    'mailto:x', which is no mail address"); for a finding at no record of
    the top file, its message without details (lines, lists of types)."""
    tree = zone.tree
    table = zone.table
    top = zone.filename
    record_at: Callable[[int], int | None] | None = None
    out: list[Identity] = []
    # The findings at a record, and those records: their owners are read
    # at once (PERF: a --write trust check compares thousands of errors).
    at_records: list[int] = []
    records: list[int] = []
    for d in findings:
        # The empty span at the start (line 1, column 1) is a finding about
        # the whole zone (no SOA, no NS).
        whole = d.start == d.end == 0
        if d.file == top and len(tree) and not whole:
            if record_at is None:
                record_at = _first_record_of_entries(table)
            record = record_at(bisect_right(tree.entry_starts, d.start) - 1)
            if record is not None:
                at_records.append(len(out))
                records.append(record)
                out.append((d.code.code, d.file, ""))
                continue
        out.append((d.code.code, d.file, "\0" + _DETAILS.sub("", d.message)))
    if records:
        for at, key in zip(at_records, zone.index.owner_keys(records), strict=True):
            code, file, _ = out[at]
            out[at] = (code, file, key)
    return out


Identity = tuple[str, str, str]


def _first_record_of_entries(table: RecordTable) -> Callable[[int], int | None]:
    """The first record of the top file an entry holds, if it holds one."""
    entries = table.entry
    documents = table.document
    count = len(entries)
    records: dict[int, int] | None = None

    def first(entry: int) -> int | None:
        nonlocal records
        # PERF: the usual zone holds its records in the top file's order,
        # where halving finds them. Trusted where it finds a record of the
        # entry in the top file, in any order of the table: halving stops
        # just after an entry it found smaller (or at the start), so that
        # record is the first of the entry's, which are read in a row.
        i = bisect_left(entries, entry)
        if i < count and entries[i] == entry and documents[i] == 0:
            return i
        if records is None:
            records = {}
            for k in range(count):
                if documents[k] == 0:
                    records.setdefault(entries[k], k)
        return records.get(entry)

    return first


def _errors(findings: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [d for d in findings if d.code.severity is Severity.ERROR]


#: Rules of a warning code that report some findings as errors (ZF306:
#: "+all"). tests/test_registry.py holds every rule to reports_errors.
_ALSO_ERRORS = frozenset({"ZF306"})


def reports_errors(rule: Rule) -> bool:
    """Whether *rule* may report a finding of error severity."""
    return rule.code.severity is Severity.ERROR or rule.code.code in _ALSO_ERRORS


def _errors_added(
    before: Zone,
    after: Zone,
    chosen: Sequence[object],
    first: list[Diagnostic],
    last: list[Diagnostic],
    mapper: _Mapper,
    settings: Settings,
) -> list[Diagnostic]:
    """Error findings of *after* that *before* did not have, by every rule
    (a rule left out of the selection still sees a zone BIND refuses). A
    finding is the one *before* had when it is at the same owner, or at
    the record that was there before the fixes (an owner a fix rewrote
    takes its findings along)."""
    from zonefix.rules import all_rules, run_rules

    # Only a rule that reports errors can add one, and those chosen have
    # run on both zones already. PERF: the others run here, not every rule,
    # and on the zone before the fixes only where they find an error after
    # them (an error is the one before when it has the same code and owner).
    ran = {getattr(r, "code", None) for r in chosen}
    others = [r for r in all_rules() if reports_errors(r) and r.code not in ran]
    if others:
        # Findings compared, never fixed: no rule need offer its fixes.
        found = run_rules(after, others, settings, fixes=False)
        erring = {d.code.code for d in _errors(found)}
        asked = [r for r in others if r.code.code in erring]
        if len(asked) < len(erring):
            asked = others  # an error under a code of no rule here: ask all
        if asked:
            first = sorted(
                [*first, *run_rules(before, asked, settings, fixes=False)],
                key=lambda d: d.sort_key,
            )
        last = sorted([*last, *found], key=lambda d: d.sort_key)
    had = set(_identities(before, _errors(first)))
    errors = _errors(last)
    added = [
        d
        for d, identity in zip(errors, _identities(after, errors), strict=True)
        if identity not in had
    ]
    where_it_was = [_at_original(d, before, mapper) for d in added]
    return [
        d
        for d, identity in zip(added, _identities(before, where_it_was), strict=True)
        if identity not in had
    ]


def _adding(
    passes: list[tuple[Zone, list[Diagnostic]]],
    added: list[Diagnostic],
    result: Zone,
    limits: Limits | None,
    settings: Settings,
) -> list[Diagnostic]:
    """The fixes that bring in the first of *added*: those of the first pass
    after which it is found, narrowed to the ones that bring it alone."""
    from zonefix.rules import all_rules, run_rules

    every = all_rules()
    wanted = _identities(result, added[:1])[0]

    def brings(zone: Zone) -> bool:
        found = run_rules(zone, every, settings, fixes=False)
        return wanted in _identities(zone, _errors(found))

    for at, (start, taken) in enumerate(passes):
        after = passes[at + 1][0] if at + 1 < len(passes) else result
        if not brings(after):
            continue
        alone = [
            d
            for d in taken
            if d.fix is not None
            and brings(
                _reparse(
                    start,
                    apply_edits(start.tree.text, d.fix.edits),
                    limits,
                    d.fix.edits,
                )
            )
        ]
        return alone or taken
    return [d for _, taken in passes for d in taken]


def _at_original(d: Diagnostic, original: Zone, mapper: _Mapper) -> Diagnostic:
    """*d*, found in the fixed text, placed in the original (where --diff's
    reader has the file open); inside text a fix wrote, at that fix."""
    if d.file != original.filename or not mapper.passes:
        return d
    start = mapper.to_original(d.start)
    end = max(start, mapper.to_original(d.end))
    return d._replace(start=start, end=end, lines=original.tree.lines, fix=None)


def _choose(
    findings: list[Diagnostic], filename: str, unsafe: bool
) -> list[Diagnostic]:
    """Fixes to apply this pass: allowed, in the top file, not overlapping."""
    taken: list[Diagnostic] = []
    spans = _Spans()
    for d in findings:
        if d.fix is None or d.file != filename or not d.fix.edits:
            continue
        if d.fix.applicability is Applicability.UNSAFE and not unsafe:
            continue
        mine = [(e.start, e.end) for e in d.fix.edits]
        if d.fix.scope is not None:
            # An owner rewritten renames the records it covers: a fix made
            # for the old name (an MX added after them) waits a pass.
            mine.append(d.fix.scope)
        if any(spans.overlapped(span) for span in mine):
            continue  # the next pass will see it again
        taken.append(d)
        for span in mine:
            spans.add(span)
    return taken


class _Spans:
    """The spans of the fixes a pass takes, filed by the blocks of text
    they cover. PERF: a span is compared only with those that share a
    block with it (spans that overlap share a place, so a block), not with
    every span taken: thousands of fixes in a pass (a zone of copies) made
    it quadratic (40M comparisons, 23 s at 9,000 fixes)."""

    BLOCK = 4096

    def __init__(self) -> None:
        self._filed: dict[int, list[tuple[int, int]]] = {}

    def _blocks(self, span: tuple[int, int]) -> range:
        # Both ends' blocks: an insertion conflicts at either end of a span.
        return range(span[0] // self.BLOCK, span[1] // self.BLOCK + 1)

    def overlapped(self, span: tuple[int, int]) -> bool:
        """Whether *span* overlaps a span taken (_overlaps)."""
        filed = self._filed
        return any(
            _overlaps(span, other)
            for block in self._blocks(span)
            for other in filed.get(block, ())
        )

    def add(self, span: tuple[int, int]) -> None:
        for block in self._blocks(span):
            self._filed.setdefault(block, []).append(span)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two fixes conflict when their spans share text, or when one inserts
    where the other begins or ends (the order of the two would matter)."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """*text* with *edits* applied (they must not overlap; insertions at
    one place go in the order of their texts). PERF: joined once, not a
    copy of the whole text per edit (13 copies of 4 MB in a --write at
    100k records)."""
    ordered = sorted(edits)
    pieces: list[str] = []
    at = 0
    for edit in ordered:
        if edit.start < at:
            return _apply_back_to_front(text, ordered)
        pieces += (text[at : edit.start], edit.text)
        at = edit.end
    pieces.append(text[at:])
    return "".join(pieces)


def _apply_back_to_front(text: str, ordered: Sequence[Edit]) -> str:
    """apply_edits where edits overlap (a caller's mistake): each applied
    to the text the later ones left, last first, as before the join."""
    out = text
    for edit in reversed(ordered):
        out = out[: edit.start] + edit.text + out[edit.end :]
    return out


def _reparse(
    zone: Zone, text: str, limits: Limits | None, edits: Sequence[Edit] = ()
) -> Zone:
    """*zone*'s text after a fix (*edits*, when known, made *text*), read
    as the zone was: with its origin and include root (--include-root
    included)."""
    from zonefix.bind.reread import reread

    # PERF: only the lines the edits touch, where that reads the same.
    fixed = reread(zone, text, edits, limits) if edits else None
    if fixed is None:
        fixed = parse_text(
            zone.source.encode(text),
            origin=zone.origin,
            filename=zone.filename,
            include_root=zone.include_root,
            limits=limits,
        )
    fixed.format_capabilities = zone.format_capabilities
    if zone.record_extras:
        # Another format's records keep their facts (octoDNS: one line per
        # record, in order; a fix that moves them is compared by owner).
        fixed.record_extras = _extras_by_owner(zone, fixed)
    return fixed


def _extras_by_owner(before: Zone, after: Zone) -> dict[int, Mapping[str, object]]:
    """*before*'s record extras given to *after*'s records of the same
    owner, type and rdata."""
    keyed = {
        (r.owner, r.rdtype, r.rdata): before.record_extras[i]
        for i, r in enumerate(before.records)
        if i in before.record_extras
    }
    out = {}
    for i, r in enumerate(after.records):
        extras = keyed.get((r.owner, r.rdtype, r.rdata))
        if extras is not None:
            out[i] = extras
    return out


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class _LineCounter:
    """_line_of for many offsets of one text: each counted on from the
    nearest offset counted before it (PERF: a fix run names two lines per
    fix, in file order; counting each from the top read a 4 MB text 25
    times at 100k records)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets = [0]
        self.lines = [1]

    def __call__(self, offset: int) -> int:
        at = bisect_right(self.offsets, offset) - 1
        known = self.offsets[at]
        line = self.lines[at] + self.text.count("\n", known, offset)
        self.offsets.insert(at + 1, offset)
        self.lines.insert(at + 1, line)
        return line


def utc_today() -> datetime.date:
    """The date a new serial carries (UTC, as most signers and CI use)."""
    return datetime.datetime.now(datetime.UTC).date()


def _bump_serial(zone: Zone, today: datetime.date) -> tuple[Edit, str, str] | None:
    """The edit that bumps the apex SOA's serial: a date serial (YYYYMMDDnn)
    goes to today's date with 00, or +1 when it is already today or later;
    any other serial goes +1, in RFC 1982 arithmetic, written as wide as it
    was (0000000041 -> 0000000042). A serial of 0 is a placeholder a deploy
    script fills in: it is left alone. So is the SOA of a format that
    has no serial of its own to keep (Cloudflare's export: Cloudflare
    serves its own SOA and ignores the file's)."""
    if not zone.capabilities.serial:
        return None
    serial_field = _serial_field(zone)
    if serial_field is None:
        return None
    written = serial_field.text
    if not written.isdigit() or int(written) == 0:
        return None
    new = str(next_serial(int(written), today))
    if written.startswith("0"):
        new = new.zfill(len(written))
    return Edit(serial_field.start, serial_field.end, new), written, new


def _apex_soa(zone: Zone) -> int | None:
    """The record of the apex SOA a serial bump edits: the first at the
    apex, when it is written in the top file (None otherwise)."""
    table = zone.table
    for index, rdtype in enumerate(table.rdtype):
        if rdtype != dns.rdatatype.SOA or not table.flags[index] & OWNER_APEX:
            continue
        return index if editable(zone, index) else None
    return None


def _serial_field(zone: Zone) -> Field | None:
    """The serial field of _apex_soa's record, as written."""
    index = _apex_soa(zone)
    if index is None:
        return None
    tree = zone.tree
    start, end = tree.span(zone.table.entry[index])
    fields = fields_between(tree.text, start, end)
    return fields[zone.table.rdata_field[index] + 2]


def _touches_soa(zone: Zone, bump: Edit, taken: Sequence[Diagnostic]) -> bool:
    """Whether a fix of *taken* edits the SOA record *bump* is in (or next
    to it: an insertion at either end), so the bump waits for the fixes."""
    index = _apex_soa(zone)
    if index is None:
        return True
    record = zone.tree.span(zone.table.entry[index])
    for d in taken:
        assert d.fix is not None
        spans = [(e.start, e.end) for e in d.fix.edits]
        if d.fix.scope is not None:
            spans.append(d.fix.scope)
        if any(_overlaps(record, span) or _overlaps(span, record) for span in spans):
            return True
    return False


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
