"""Provider exports through today's rules, until the rules read Documents.

The rules read a BIND zone's record table. An export's Document is
therefore written as a BIND zone of its records (one line each, absolute
names, the Document's capabilities kept on the zone and through the
fixer's passes), the rules and the fixer run on that, and what they give
is carried back: a finding to the span of its record in the export, a fix
to record edits (the records it deletes, adds, changes), which the
Document lowers into its own text. When the seam lets rules read any
Document (issue 12), this module goes.

What the rules see is one answer per name and type: a Route 53 routing
policy's first set (its other sets share the name and type by design),
and an Alibaba record's default line where it has one (other lines answer
other networks). They are neither duplicates nor TTL mismatches.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import dns.name
import dns.rdata
import dns.rdatatype

from zonefix.diagnostics import UNKNOWN_ORIGIN, Diagnostic, Edit, Fix
from zonefix.document import (
    CannotEdit,
    DeleteRecord,
    InsertRecords,
    RecordEdit,
    ReplaceRdata,
    ReplaceTTL,
)
from zonefix.exports.alidns import DEFAULT_LINES
from zonefix.exports.base import ExportDocument, presentation
from zonefix.settings import Settings
from zonefix.zone import Zone, parse_text

_Key = tuple[dns.name.Name, dns.rdatatype.RdataType, dns.rdata.Rdata]


class Bridged(NamedTuple):
    """An export read as a BIND zone."""

    zone: Zone
    #: Line of the BIND text (1-based) -> the export's record number.
    records: dict[int, int]


def view(doc: ExportDocument) -> list[int]:
    """The records the rules see: per name and type, one routing set and
    the default line (see the module's docstring)."""
    records = doc.records
    # A line answers some networks: a name is seen as a client on the
    # default line sees it (on the first line written, where it has none).
    by_owner: dict[dns.name.Name, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_owner[record.owner].append(i)
    chosen: list[int] = []
    for members in by_owner.values():
        lines = [str(records[i].extras.get("line", "default")) for i in members]
        if len(set(lines)) > 1:
            keep = next((x for x in lines if x.lower() in DEFAULT_LINES), lines[0])
            members = [i for i, x in zip(members, lines, strict=True) if x == keep]
        chosen.extend(members)
    # A routing policy's sets share a name and type: the first set is seen.
    first_set: dict[tuple[dns.name.Name, int], object] = {}
    seen = []
    for i in sorted(chosen):
        r = records[i]
        if "set_identifier" in r.extras:
            first = first_set.setdefault(
                (r.owner, r.rdtype), r.extras["set_identifier"]
            )
            if r.extras["set_identifier"] != first:
                continue
        seen.append(i)
    return seen


def bridge(doc: ExportDocument) -> Bridged | None:
    """The BIND zone of *doc*'s records (None when its origin is unknown)."""
    origin = doc.origin
    if origin is None:
        return None
    lines = [f"$ORIGIN {origin.to_text()}"]
    where: dict[int, int] = {}
    for i in view(doc):
        r = doc.records[i]
        rtype = dns.rdatatype.to_text(r.rdtype)
        lines.append(f"{r.owner.to_text()} {r.ttl} IN {rtype} {presentation(r.rdata)}")
        where[len(lines)] = i
    zone = parse_text("\n".join(lines) + "\n", origin, doc.name)
    zone.format_capabilities = doc.capabilities
    return Bridged(zone, where)


def _record_of(bridged: Bridged, line: int) -> int | None:
    if line in bridged.records:
        return bridged.records[line]
    later = [n for n in bridged.records if n >= line]
    return bridged.records[min(later)] if later else None


def _placed(
    doc: ExportDocument, bridged: Bridged, d: Diagnostic, fix: Fix | None
) -> Diagnostic:
    record = _record_of(bridged, d.line)
    if record is None:
        return d._replace(
            fix=fix, file=doc.name, line=1, column=1, end_line=1, end_column=1
        )
    span = doc.records[record].span
    line, column = doc.position(doc.name, span.start)
    end_line, end_column = doc.position(doc.name, span.end)
    return Diagnostic(
        d.code, d.message, doc.name, line, column, end_line, end_column, fix
    )


def record_edits(
    doc: ExportDocument, bridged: Bridged, fixed: Zone
) -> list[RecordEdit]:
    """What turns the records the rules saw into *fixed*'s, as record edits
    of *doc*: values that changed in place, deleted and added records, new
    TTLs."""
    before = [(i, doc.records[i]) for i in sorted(bridged.records.values())]
    old = Counter((r.owner, r.rdtype, r.rdata) for _, r in before)
    new = Counter((r.owner, r.rdtype, r.rdata) for r in fixed.records)
    gone = old - new
    added = new - old
    ttl_of = {(r.owner, r.rdtype, r.rdata): r.ttl for r in fixed.records}
    edits: list[RecordEdit] = []
    # Pair what went and came at one name and type: a value replaced.
    arriving: dict[tuple[dns.name.Name, int], list[dns.rdata.Rdata]] = defaultdict(list)
    for (owner, rdtype, rdata), count in added.items():
        arriving[(owner, rdtype)].extend([rdata] * count)
    ttls: dict[int, list[int]] = defaultdict(list)
    for i, r in before:
        key = (r.owner, r.rdtype, r.rdata)
        if gone[key] > 0:
            gone[key] -= 1
            replacing = arriving.get((r.owner, r.rdtype))
            if replacing:
                edits.append(ReplaceRdata(i, replacing.pop(0)))
            else:
                edits.append(DeleteRecord(i))
        elif ttl_of.get(key, r.ttl) != r.ttl:
            ttls[ttl_of[key]].append(i)
    for ttl, records in ttls.items():
        edits.append(ReplaceTTL(tuple(records), ttl))
    for (owner, rdtype_number), rdatas in arriving.items():
        rdtype = dns.rdatatype.RdataType(rdtype_number)
        if rdatas:
            ttl = next(
                r.ttl for r in fixed.records if r.owner == owner and r.rdtype == rdtype
            )
            edits.append(
                InsertRecords(
                    owner, dns.rdatatype.RdataType(rdtype), tuple(rdatas), ttl
                )
            )
    return edits


def _apply(text: str, edits: Sequence[Edit]) -> str:
    for edit in sorted(edits, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def check(
    doc: ExportDocument, rules: Sequence[object], settings: Settings
) -> list[Diagnostic]:
    """The findings of *rules* on *doc*, placed in the export; each fix
    carried as the export's own edits (or dropped where the export cannot
    make it: a Locked record)."""
    from zonefix.fixer import apply_edits
    from zonefix.rules import Rule, run_rules

    found = list(doc.diagnostics)
    if any(d.code.code == "ZF001" for d in found):
        return found
    bridged = bridge(doc)
    if bridged is None:
        if not any(d.code is UNKNOWN_ORIGIN for d in found):
            found.append(
                doc.finding(
                    UNKNOWN_ORIGIN,
                    "the zone's name is not in the file: give --origin, or name "
                    "the file after the zone (example.net.json)",
                    0,
                )
            )
        return found
    chosen = [r for r in rules if isinstance(r, Rule)]
    zone = bridged.zone
    for d in run_rules(zone, chosen, settings):
        if d.code.code.startswith("ZF0"):
            continue  # the BIND text is zonefix's own: its reading is the export's
        fix = None
        if d.fix is not None:
            fixed = parse_text(
                apply_edits(zone.tree.text, d.fix.edits), zone.origin, doc.name
            )
            try:
                lowered = doc.lower(record_edits(doc, bridged, fixed))
                fix = Fix(d.fix.message, d.fix.applicability, lowered)
            except CannotEdit as why:
                d = d._replace(message=f"{d.message} (fix blocked: {why})")
        found.append(_placed(doc, bridged, d, fix))
    return sorted(found, key=lambda d: d.sort_key)


class ExportFix(NamedTuple):
    text: str
    #: (code, message, first line, last line) of each fix, in the export.
    applied: list[tuple[str, str, int, int]]
    remaining: list[Diagnostic]
    problem: str | None = None
    blocked: tuple[str, ...] = ()


def fix(
    doc: ExportDocument,
    rules: Sequence[object],
    settings: Settings,
    *,
    unsafe: bool,
    reread: object,
) -> ExportFix:
    """Fix *doc* as the fixer fixes its BIND zone, then write the records
    that changed into the export. *reread(text)* reads a text of the same
    format again, to check the result holds the records meant."""
    from zonefix.fixer import fix as fix_zone

    findings = check(doc, rules, settings)
    bridged = bridge(doc)
    if bridged is None or any(d.code.code == "ZF001" for d in findings):
        return ExportFix(doc.text, [], findings)
    result = fix_zone(bridged.zone, rules=rules, unsafe=unsafe, settings=settings)
    if result.problem:
        return ExportFix(doc.text, [], findings, result.problem)
    fixed = parse_text(result.text, bridged.zone.origin, doc.name)
    edits = record_edits(doc, bridged, fixed)
    # An owner with an edit the export cannot make keeps all its records
    # as they are (a partial fix of one name could leave it worse).
    blocked: dict[dns.name.Name, str] = {}
    for edit in edits:
        try:
            doc.lower([edit])
        except CannotEdit as why:
            owner = edit.owner if isinstance(edit, InsertRecords) else _owner(doc, edit)
            blocked.setdefault(owner, str(why))
    kept = [
        e
        for e in edits
        if (e.owner if isinstance(e, InsertRecords) else _owner(doc, e)) not in blocked
    ]
    try:
        lowered = doc.lower(kept)
    except CannotEdit as why:
        return ExportFix(doc.text, [], findings, f"the fixes cannot be written: {why}")
    text = _apply(doc.text, lowered)
    # Each hunk of the patch names the codes whose fixes wrote it.
    applied = []
    for d in findings:
        if d.fix is None or (d.fix.applicability.value != "safe" and not unsafe):
            continue
        for change in d.fix.edits:
            first, _ = doc.position(doc.name, change.start)
            last, _ = doc.position(doc.name, max(change.start, change.end - 1))
            applied.append((d.code.code, d.fix.message, first, last))
    again = reread(text)  # type: ignore[operator]
    assert isinstance(again, ExportDocument)
    remaining = check(again, rules, settings)
    return ExportFix(
        text,
        applied,
        remaining,
        blocked=tuple(f"fix at {o} blocked: {why}" for o, why in blocked.items()),
    )


def _owner(doc: ExportDocument, edit: RecordEdit) -> dns.name.Name:
    if isinstance(edit, ReplaceTTL):
        return doc.records[edit.records[0]].owner
    assert not isinstance(edit, InsertRecords)
    return doc.records[edit.record].owner
