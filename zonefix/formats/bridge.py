"""Every format other than BIND through today's rules: one bridge for all.

The rules read a BIND zone's record table. A format's Document is written
as a BIND zone of its records (the canonical rendering: line 1 the origin,
then one line per record, owners absolute, every TTL written), the
Document's capabilities kept on the zone and through the fixer's passes;
the rules and the fixer run on that, and what they give is carried back:
a finding to the place in the file its line and column stand for, a fix
to record edits (the records it deletes, replaces, adds, the TTLs it
changes), which the Document lowers into its own text. The file is
written only when it reads back as the records the fixer ended with. A
ZF001 a format keeps to one record set (``local_errors``) leaves the rest
of the file linted; a file with any ZF001 is never written.

What the rules see is one answer per name and type: a Route 53 routing
policy's first set (its other sets share the name and type by design),
and an Alibaba record's default line where its name has one (other lines
answer other networks). They are neither duplicates nor TTL mismatches.

A Document may help placing (both optional): ``rdata_text(k)``, the rdata
as the rendering writes it, and ``place(k, offset)``, the span in the file
of record k's owner (offset None) or of what its rendered rdata holds at
offset. Without them a finding goes to the record's span.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import dns.name
import dns.rdata
import dns.rdatatype

from zonefix.diagnostics import UNKNOWN_ORIGIN, Diagnostic, Edit
from zonefix.document import (
    CannotEdit,
    DeleteRecord,
    Document,
    InsertRecords,
    RecordEdit,
    ReplaceRdata,
    ReplaceTTL,
    SourceRecord,
)
from zonefix.fixer import AppliedFix
from zonefix.formats.alidns import DEFAULT_LINES
from zonefix.formats.export import Blocked, presentation, txt_value
from zonefix.settings import Settings
from zonefix.zone import Zone


def view(records: Sequence[SourceRecord]) -> list[int]:
    """The records the rules see (see the module's docstring), in order."""
    # A name is seen as a client on the default line sees it (on the first
    # line written, where it has none).
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


def _rdata_text(document: Document, records: Sequence[SourceRecord], k: int) -> str:
    own = getattr(document, "rdata_text", None)
    return own(k) if own is not None else presentation(records[k].rdata)


def _key(rdata: dns.rdata.Rdata) -> object:
    """What makes two values one: a TXT's strings joined (where a format
    stores the value, its 255-byte strings are its writer's business)."""
    if rdata.rdtype in (dns.rdatatype.TXT, dns.rdatatype.SPF):
        return (rdata.rdtype, txt_value(rdata))
    return (rdata.rdtype, rdata.to_digestable())


class Bridged:
    """A Document and the zone the rules read: its canonical rendering."""

    def __init__(self, document: Document) -> None:
        from zonefix.zone import parse_text

        self.document = document
        #: The document's records, read once (a Document may build them on
        #: each access).
        self.records = list(document.records)
        self._rdata_keys: list[object] | None = None
        #: Line of the rendering (1-based) -> the record it writes.
        self.record_at: dict[int, int] = {}
        #: None when the file could not be read as a zone (ZF001, ZF003).
        self.zone: Zone | None = None
        # A ZF001 a format keeps to one record set (``local_errors``) leaves
        # the rest of the file read and linted; the file is not rewritten.
        local = getattr(document, "local_errors", ())
        if document.origin is None or any(
            d.code.code in ("ZF001", "ZF003") and d not in local
            for d in document.diagnostics
        ):
            return
        self.zone = parse_text(
            self.canonical_text(), origin=document.origin, filename=document.name
        )
        # The rules ask what the format can hold, not BIND's, and read the
        # facts of its records beyond DNS (Cloudflare proxying them).
        self.zone.format_capabilities = document.capabilities
        records = self.records
        self.zone.record_extras = {
            line - 2: records[k].extras
            for line, k in self.record_at.items()
            if records[k].extras
        }

    @property
    def filename(self) -> str:
        return self.document.name

    def to_bytes(self) -> bytes:
        return self.document.source.encode()

    def canonical_text(self) -> str:
        document = self.document
        assert document.origin is not None
        lines = [f"$ORIGIN {document.origin.to_text()}\n"]
        for k in view(self.records):
            lines.append(self._line(k) + "\n")
            self.record_at[len(lines)] = k
        return "".join(lines)

    def _line(self, k: int) -> str:
        r = self.records[k]
        rtype = dns.rdatatype.to_text(r.rdtype)
        return f"{r.owner.to_text()} {r.ttl} IN {rtype} {_rdata_text(self.document, self.records, k)}"

    # ------------------------------------------------------------- findings

    def place(self, line: int, column: int) -> tuple[int, int]:
        """Offsets in the file of what the rendering holds at *line* and
        *column* (1-based): the owner, or the field of the value there."""
        k = self.record_at.get(line)
        if k is None:
            return 0, 0
        document = self.document
        span = self.records[k].span
        place: Callable[[int, int | None], tuple[int, int]] | None = getattr(
            document, "place", None
        )
        at = column - 1
        if place is None or at == 0:
            # From the line's start: the whole record (a name may hold
            # several records, so its value says which).
            return span.start, span.end
        rdata_at = len(self._line(k)) - len(_rdata_text(document, self.records, k))
        return place(k, None if at < rdata_at else at - rdata_at)

    def line_of_record(self, line: int) -> int:
        """The file's line of the record the rendering writes at *line*."""
        k = self.record_at.get(line)
        if k is None:
            later = [n for n in self.record_at if n > line]
            if not later:
                return 1
            k = self.record_at[min(later)]
        document = self.document
        return document.position(document.name, self.records[k].span.start)[0]

    def findings(
        self, diagnostics: Sequence[Diagnostic], *, fixes: bool = True
    ) -> list[Diagnostic]:
        """*diagnostics* of the rendering placed in the file, each fix
        lowered into the file's own edits (none where it cannot be)."""
        out = list(self.document.diagnostics)
        if (
            self.zone is None
            and self.document.origin is None
            and not any(d.code.code in ("ZF001", "ZF003") for d in out)
        ):
            out.append(
                Diagnostic(
                    UNKNOWN_ORIGIN,
                    "the zone's name is not in the file: give --origin, or name "
                    "the file after the zone (example.net.json)",
                    self.document.name,
                )
            )
        for d in diagnostics:
            if d.code.code.startswith("ZF0") and self.zone is not None:
                continue  # the rendering always reads: reading is the file's
            out.append(self.placed(d, fixes=fixes))
        return sorted(out, key=lambda d: d.sort_key)

    def placed(self, d: Diagnostic, *, fixes: bool = True) -> Diagnostic:
        document = self.document
        # The rendering is a line per record: its line says which record.
        line, column = d.position()
        end_line, end_column = d.end_position()
        start, end = self.place(line, column)
        if end_line == line:
            end_start, end_end = self.place(end_line, max(column, end_column - 1))
            if (end_start, end_end) != (start, end):
                end = max(end, end_end)
        message = re.sub(
            r"\bat line (\d+)",
            lambda m: f"at line {self.line_of_record(int(m.group(1)))}",
            d.message,
        )
        fix = None
        if fixes and d.fix is not None and self.zone is not None:
            from zonefix.fixer import apply_edits

            try:
                edits = self.lower_text(apply_edits(self.zone.tree.text, d.fix.edits))
            except Blocked as why:
                message += f" (fix blocked: {why})"
                edits = None
            except CannotEdit:
                edits = None
            if edits:
                fix = d.fix._replace(edits=edits, scope=None)
        return d._replace(
            message=message,
            file=document.name,
            start=start,
            end=end,
            lines=document.line_index(document.name),
            fix=fix,
        )

    # ---------------------------------------------------------------- edits

    def record_edits(self, fixed_text: str) -> list[RecordEdit]:
        """The record edits that turn the records the rules saw into those
        of *fixed_text* (the rendering after fixing), RRset by RRset."""
        from collections import Counter

        from zonefix.zone import parse_text

        assert self.zone is not None
        document = self.document
        records = self.records
        # PERF: a fix rewrites a few lines of the rendering (one record a
        # line): only the lines that differ are read again.
        old_lines = self.zone.tree.text.split("\n")
        new_lines = fixed_text.split("\n")
        gone = Counter(old_lines[1:]) - Counter(new_lines[1:])
        came = Counter(new_lines[1:]) - Counter(old_lines[1:])
        removed_records: set[int] = set()
        for n, line in enumerate(old_lines[1:], start=2):
            if gone[line] > 0 and n in self.record_at:
                gone[line] -= 1
                removed_records.add(self.record_at[n])
        added_text = "\n".join(line for line, n in came.items() for _ in range(n))
        fixed = parse_text(
            old_lines[0] + "\n" + added_text + "\n", origin=document.origin
        )
        if not fixed.parsed or any(
            d.code.code in ("ZF001", "ZF002") for d in fixed.diagnostics
        ):
            raise CannotEdit("the fixed text does not read")
        before: dict[tuple[dns.name.Name, int], list[int]] = {}
        for k in self.record_at.values():
            before.setdefault((records[k].owner, records[k].rdtype), []).append(k)
        came_by_key: dict[tuple[dns.name.Name, int], list[tuple[int, dns.rdata.Rdata]]]
        came_by_key = {}
        for record in fixed.records:
            came_by_key.setdefault((record.owner, record.rdtype), []).append(
                (record.ttl, record.rdata)
            )
        touched = {
            (records[k].owner, records[k].rdtype) for k in removed_records
        } | set(came_by_key)
        after: dict[tuple[dns.name.Name, int], list[tuple[int, dns.rdata.Rdata]]] = {}
        for key in touched:
            kept = [
                (records[k].ttl, records[k].rdata)
                for k in before.get(key, [])
                if k not in removed_records
            ]
            after[key] = [*kept, *came_by_key.get(key, [])]
        before = {key: ks for key, ks in before.items() if key in touched}
        edits: list[RecordEdit] = []
        for key in [*before, *(k for k in after if k not in before)]:
            old = before.get(key, [])
            new = after.get(key, [])
            owner, rdtype = key
            old_keys = [self._key(k) for k in old]
            new_keys = [_key(r) for _, r in new]
            old_set, new_set = set(old_keys), set(new_keys)
            removed = [
                k for k, rk in zip(old, old_keys, strict=True) if rk not in new_set
            ]
            added = [
                r for (_, r), rk in zip(new, new_keys, strict=True) if rk not in old_set
            ]
            if not old:
                rrset = tuple(r for _, r in new)
                edits.append(
                    InsertRecords(
                        owner, dns.rdatatype.RdataType(rdtype), rrset, new[0][0]
                    )
                )
                continue
            paired, unpaired = _pair(removed, added, records)
            replaced = dict(paired)
            edits.extend(ReplaceRdata(k, rdata) for k, rdata in paired)
            edits.extend(DeleteRecord(k) for k in removed if k not in replaced)
            if unpaired:
                edits.append(
                    InsertRecords(
                        owner,
                        dns.rdatatype.RdataType(rdtype),
                        tuple(unpaired),
                        new[0][0],
                    )
                )
            kept_records = [k for k in old if k not in removed or k in replaced]
            if (
                new
                and kept_records
                and any(records[k].ttl != new[0][0] for k in kept_records)
            ):
                edits.append(ReplaceTTL(tuple(kept_records), new[0][0]))
        return edits

    def _key(self, k: int) -> object:
        """The comparison key of record *k*'s rdata, worked out once."""
        keys = self._rdata_keys
        if keys is None:
            keys = [_key(r.rdata) for r in self.records]
            self._rdata_keys = keys
        return keys[k]

    def lower_text(self, fixed_text: str) -> tuple[Edit, ...]:
        return self.document.lower(self.record_edits(fixed_text))


def _pair(
    removed: list[int], added: list[dns.rdata.Rdata], records: Sequence[SourceRecord]
) -> tuple[list[tuple[int, dns.rdata.Rdata]], list[dns.rdata.Rdata]]:
    """Which removed value each added one replaces: the most alike (a host
    given its dot, a TXT with a term fixed), so an edit rewrites that value
    where it stands; what is left is paired in order, and an added value
    left over is inserted."""
    from difflib import SequenceMatcher

    free = list(removed)
    paired: list[tuple[int, dns.rdata.Rdata]] = []
    unpaired: list[dns.rdata.Rdata] = []
    for rdata in added:
        text = rdata.to_text()
        scored = [
            (SequenceMatcher(None, records[k].rdata.to_text(), text).ratio(), k)
            for k in free
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= 0.5:
            free.remove(best[1])
            paired.append((best[1], rdata))
        else:
            unpaired.append(rdata)
    # Values like none: the rest replace the rest, in order (a CNAME
    # pointed elsewhere is rewritten where it stands).
    while free and unpaired:
        paired.append((free.pop(0), unpaired.pop(0)))
    return paired, unpaired


def bridge(document: Document) -> Bridged:
    return Bridged(document)


def check(
    bridged: Bridged, rules: Sequence[Any], settings: Settings | None
) -> list[Diagnostic]:
    """The findings of *rules* on the file, placed in it."""
    from zonefix.rules import run_rules

    found = run_rules(bridged.zone, rules, settings) if bridged.zone else []
    return bridged.findings(found)


class FormatFixResult(NamedTuple):
    """What fixing a file of another format gave (as fixer.FixResult)."""

    original: Bridged
    text: str
    applied: list[AppliedFix]
    remaining: list[Diagnostic]
    problem: str | None = None
    remaining_in_original: tuple[Diagnostic, ...] = ()
    #: Fixes not made because they would edit a record the provider keeps
    #: from editing (Alibaba's Locked), or a change batch from adding:
    #: "fix at NAME blocked: why".
    blocked: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original.document.source.text


def fix(
    bridged: Bridged,
    *,
    rules: Sequence[Any],
    unsafe: bool = False,
    settings: Settings | None = None,
    reread: Callable[[bytes], Document],
) -> FormatFixResult:
    """Fix the file: the fixer runs on the rendering (settling, refusing,
    as for BIND); what it changed is lowered into the file's own edits, and
    the edited file (read again by *reread*) must hold the records the
    fixer ended with, or nothing is written. The edits at a name with a
    Locked record are left out, and said to be blocked."""
    from zonefix.fixer import apply_edits
    from zonefix.fixer import fix as fix_zone

    document = bridged.document
    text = document.source.text
    if bridged.zone is None:
        return FormatFixResult(bridged, text, [], bridged.findings([]))
    if any(d.code.code == "ZF001" for d in document.diagnostics):
        # A file with ZF001 is never rewritten (as for BIND).
        found = check(bridged, rules, settings)
        return FormatFixResult(bridged, text, [], found, None, tuple(found))
    result = fix_zone(
        bridged.zone, rules=rules, unsafe=unsafe, bump_serial=False, settings=settings
    )
    in_original = tuple(bridged.findings(result.remaining_in_original, fixes=False))
    if result.problem is not None or not result.changed:
        remaining = bridged.findings(result.remaining)
        return FormatFixResult(
            bridged, text, [], remaining, result.problem, in_original
        )

    def refused(problem: str) -> FormatFixResult:
        # Nothing written: the findings are the file's own, as it is.
        found = check(bridged, rules, settings)
        return FormatFixResult(bridged, text, [], found, problem, tuple(found))

    try:
        edits = bridged.record_edits(result.text)
        blocked: dict[dns.name.Name, str] = {}
        for edit in edits:
            try:
                document.lower([edit])
            except Blocked as why:
                blocked.setdefault(_owner(bridged.records, edit), str(why))
        edits = [e for e in edits if _owner(bridged.records, e) not in blocked]
        lowered = document.lower(edits)
    except CannotEdit as error:
        return refused(f"a fix cannot be written in the file's format ({error})")
    new_text = apply_edits(text, lowered)
    again = Bridged(reread(document.source.encode(new_text)))
    expected = _contents(
        _zone_of(result.text, document), document, exclude=set(blocked)
    )
    if (
        again.zone is None
        or _contents(again.zone, document, exclude=set(blocked)) != expected
    ):
        return refused("the fixed file would not read as the fixed records")
    applied = [
        a._replace(
            first_line=bridged.line_of_record(a.first_line),
            last_line=bridged.line_of_record(a.last_line),
            edits=(),  # lines of the rendering, not of the file
        )
        for a in result.applied
    ]
    # A record a fix adds goes where the format puts it, not where the
    # rendering did: each applied fix's own edits in the file (as its
    # finding carries them) name its code on the hunk that holds them.
    codes = {a.code for a in result.applied}
    for d in check(bridged, rules, settings):
        if d.fix is None or d.code.code not in codes:
            continue
        for change in d.fix.edits:
            first, _ = document.position(document.name, change.start)
            last, _ = document.position(
                document.name, max(change.start, change.end - 1)
            )
            changed = ((first, last, change.start == change.end),)
            applied.append(AppliedFix(d.code.code, d.fix.message, first, last, changed))
    remaining = check(again, rules, settings)
    if blocked:
        # The blocked fixes' findings stay in the patched file: --diff
        # reports them where the file before the patch has them.
        have = {(d.code.code, d.start) for d in in_original}
        in_original += tuple(
            d
            for d in _held(check(bridged, rules, settings), remaining)
            if (d.code.code, d.start) not in have
        )
    said = tuple(f"fix at {o} blocked: {why}" for o, why in blocked.items())
    return FormatFixResult(
        bridged, new_text, applied, remaining, None, in_original, said
    )


_BLOCKED = re.compile(r" \(fix blocked: .*\)$")


def _held(
    before: Sequence[Diagnostic], after: Sequence[Diagnostic]
) -> tuple[Diagnostic, ...]:
    """The findings of *before* (the file as it was) that *after* (the
    patched file) still has, by code and message: those of blocked fixes."""
    left = {(d.code.code, _BLOCKED.sub("", d.message)) for d in after}
    return tuple(
        d._replace(fix=None)
        for d in before
        if (d.code.code, _BLOCKED.sub("", d.message)) in left
    )


def _owner(records: Sequence[SourceRecord], edit: RecordEdit) -> dns.name.Name:
    if isinstance(edit, InsertRecords):
        return edit.owner
    if isinstance(edit, ReplaceTTL):
        return records[edit.records[0]].owner
    return records[edit.record].owner


def _zone_of(text: str, document: Document) -> Zone:
    from zonefix.zone import parse_text

    return parse_text(text, origin=document.origin)


def _contents(
    zone: Zone, document: Document, exclude: set[dns.name.Name]
) -> list[tuple[str, int, int, str]]:
    """The records, as the file can hold them: a TXT as its value, no TTL
    where the format raises a TTL to its least (Alibaba's edition). A
    blocked name's records are left out (they stay as they were)."""
    floor = getattr(document, "min_ttl", None)
    return sorted(
        (r.owner.to_text(), int(r.rdtype), 0 if floor else r.ttl, repr(_key(r.rdata)))
        for r in zone.records
        if r.owner not in exclude
    )
