"""Read a zone again after a fix pass's edits, reading only what changed.

A fix pass changes a dozen lines of a zone of 100,000, and reading all of
it again costs as much as the first read. When the edits keep to records
(no directive touched or written) of a zone read cleanly (no finding while
reading, no $INCLUDE or $GENERATE, the origin and limits it is read again
with), the lines the edits touch are parsed again on their own, whole
lines at a time, and the resolver reads the new lines on from the state
the lines before them left (ReadState). It reads on past them, line by
line, until its state is the one the old read had at that line; from
there the old read stands, its offsets and its entry and record numbers
moved. Anything else (a directive, a finding while reading the new lines,
a state that does not come back) returns None, and the caller reads the
whole zone: the result is always what parse_text gives the new text.
tests/test_reread.py holds the two to each other.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from zonefix import rrtypes
from zonefix.bind.resolver import (
    OWNER_BITS,
    TTL_WRITTEN,
    DirectiveMark,
    Document,
    ReadState,
    RecordTable,
    ResolvedZone,
    Resolver,
    _long_line,
    split_fields,
)
from zonefix.bind.syntax.nodes import EntryKind, SyntaxTree
from zonefix.bind.syntax.parser import parse_syntax
from zonefix.carried import carried
from zonefix.columns import items_equal_to
from zonefix.diagnostics import Edit
from zonefix.document import Limits
from zonefix.origin import Origin
from zonefix.positions import offsets
from zonefix.reading import pure_path
from zonefix.source import NotTextError, SourceFile, decode
from zonefix.zone import Zone, _root, cloudflare_domain

# bytes.translate table: 1 where a record's flags say it wrote its TTL.
_WROTE_TTL = bytes(1 if flags & TTL_WRITTEN else 0 for flags in range(256))
_DIRECTIVE = bytes([EntryKind.DIRECTIVE])
# The record table's columns of some records (_keep_some).
_SOME_COLUMNS = ("target_record", "target_key", "relative_target", "repeating_owner")
# The record table's columns, one value per record (its dict and list of
# $GENERATE records and anchors are empty in a zone reread reads).
_COLUMNS = tuple(
    name
    for name in RecordTable.__slots__
    if name not in ("generated", "anchors", *_SOME_COLUMNS)
)
_RECORD_OR_BLANK = bytes([EntryKind.RECORD, EntryKind.BLANK])
# Old entries the walk reads again past the edits, at most, before it
# gives up for a whole read (a TTL fix in a zone whose records take the
# last TTL written changes every record up to the next TTL written).
_READ_ON_LIMIT = 2000


class _GiveUp(Exception):
    """The edits cannot be read on their own: read the whole zone."""


class _Region(NamedTuple):
    """Old entries [old_first, old_end) became new entries [new_first, new_end)."""

    old_first: int
    old_end: int
    new_first: int
    new_end: int


def reread(
    zone: Zone, text: str, edits: Sequence[Edit], limits: Limits | None = None
) -> Zone | None:
    """*zone* read again as *text*, which *edits* (to its top file's text)
    made: what parse_text(text, origin=zone.origin, ...) gives, or None
    when this cannot be had without reading the whole text."""
    limits = limits or Limits()
    if not _clean(zone, limits) or not edits:
        return None
    try:
        return _reread(zone, text, sorted(edits), limits)
    except _GiveUp:
        return None


def _clean(zone: Zone, limits: Limits) -> bool:
    """Whether *zone* was read as a new read would read it (the same origin
    from the start, the same limits) and holds nothing this module does not
    follow (another file, $GENERATE, a finding while reading)."""
    resolved = zone._resolved
    table = resolved.table
    return (
        zone.read_origin is not None
        and zone.read_origin == zone._resolved.apex
        and zone.read_limits == limits
        and not zone.root_is_apex
        and len(resolved.documents) == 1
        and not resolved.diagnostics
        and not table.generated
        and not table.anchors
        and zone.source.raw is None
    )


def _reread(zone: Zone, text: str, edits: list[Edit], limits: Limits) -> Zone:
    new_source = _source(zone, text)
    # The tree holds the source's text (one copy of it, as a whole read).
    new_tree, regions = _splice_tree(zone.tree, new_source.text, edits, limits)
    path = pure_path(zone.filename)
    root = _root(zone.include_root, path)
    origin = zone._resolved.apex
    document = Document(new_source, new_tree, path)
    walk = _Walk(zone, document, regions, root, limits)
    table, origins = walk.run()
    marks = _moved_marks(zone._resolved.marks, regions)
    new = Zone(ResolvedZone([document], origin, table, origins, [], marks))
    if "index" in zone.__dict__:
        # What the old index worked out, the new one may take over.
        new.carried = carried(zone.index, walk.kept, len(table))
    new.include_root = root
    new.origin_given = True
    new.read_origin = origin
    new.read_limits = limits
    return new


def _moved_marks(
    marks: list[DirectiveMark], regions: list[_Region]
) -> list[DirectiveMark]:
    """The old read's directive marks at their new entries: no edit touches
    a directive (else the whole zone is read again), nor what it leaves in
    force (the walk checks that the origins and $TTLs come back)."""
    moved = []
    at = 0
    shift = 0
    for mark in marks:
        while at < len(regions) and regions[at].old_end <= mark.entry:
            shift = regions[at].new_end - regions[at].old_end
            at += 1
        moved.append(mark._replace(entry=mark.entry + shift))
    return moved


def _source(zone: Zone, text: str) -> SourceFile:
    """The new text as parse_text would decode its bytes."""
    source = zone.source
    try:
        decoded = decode(source.name, source.encode(text))
    except NotTextError:
        raise _GiveUp from None
    if decoded.text != text or cloudflare_domain(text) is not None:
        raise _GiveUp
    return decoded


# ------------------------------------------------------------------ parsing


def _entry_at(tree: SyntaxTree, offset: int) -> int:
    """The entry holding *offset*; at the end of the text, the last entry
    when it has no line break (a write there joins its line), else the
    place after the last."""
    text = tree.text
    count = len(tree)
    if offset >= len(text):
        return count - 1 if count and not text.endswith("\n") else count
    return bisect_right(tree.entry_starts, offset) - 1


def _splice_tree(
    tree: SyntaxTree, text: str, edits: list[Edit], limits: Limits
) -> tuple[SyntaxTree, list[_Region]]:
    """The new text's syntax tree: the old one, with the entries the edits
    touch parsed again (whole lines: each run of them ends in a line break,
    or at the end of the text)."""
    old_text = tree.text
    count = len(tree)
    starts = tree.entry_starts
    kinds = tree.entry_kinds
    # [first entry, end entry, edits] per run of touched entries.
    runs: list[tuple[int, int, list[Edit]]] = []
    for edit in edits:
        if not 0 <= edit.start <= edit.end <= len(old_text):
            raise _GiveUp
        first = _entry_at(tree, edit.start)
        if edit.end > edit.start:
            end = _entry_at(tree, edit.end - 1) + 1
        else:
            end = min(first + 1, count)
        if runs and first < runs[-1][1]:
            previous = runs.pop()
            runs.append((previous[0], max(end, previous[1]), [*previous[2], edit]))
        else:
            runs.append((first, end, [edit]))

    def span(first: int, end: int) -> tuple[int, int]:
        start = starts[first] if first < count else len(old_text)
        return start, starts[end] if end < count else len(old_text)

    new_starts = offsets(len(text))
    new_kinds = bytearray()
    regions: list[_Region] = []
    done = 0  # old entries copied or replaced so far
    shift = 0  # new offset minus old offset past the runs so far
    at = 0
    while at < len(runs):
        first, end, mine = runs[at]
        start, stop = span(first, end)
        segment = _apply(old_text[start:stop], mine, start)
        if end < count and segment and not segment.endswith("\n"):
            # The edits took the run's last line break: the next line joins it.
            end += 1
            if at + 1 < len(runs) and runs[at + 1][0] < end:
                after = runs.pop(at + 1)
                end = max(end, after[1])
                mine = [*mine, *after[2]]
            runs[at] = (first, end, mine)
            continue
        new_start = start + shift
        if text[new_start : new_start + len(segment)] != segment:
            raise _GiveUp  # the edits do not make this text
        if kinds[first:end].translate(None, _RECORD_OR_BLANK):
            raise _GiveUp  # a directive (or an error) is touched
        if _long_line(segment, limits.line_length) is not None:
            raise _GiveUp
        parsed, problems = parse_syntax(segment)
        if problems or parsed.entry_kinds.translate(None, _RECORD_OR_BLANK):
            raise _GiveUp
        _extend_shifted(new_starts, starts[done:first], shift)
        new_kinds += kinds[done:first]
        new_first = len(new_starts)
        _extend_shifted(new_starts, parsed.entry_starts, new_start)
        new_kinds += parsed.entry_kinds
        regions.append(_Region(first, end, new_first, len(new_starts)))
        shift = new_start + len(segment) - stop
        done = end
        at += 1
    if len(text) != len(old_text) + shift:
        raise _GiveUp
    _extend_shifted(new_starts, starts[done:], shift)
    new_kinds += kinds[done:]
    return SyntaxTree(text, new_starts, new_kinds), regions


def _apply(segment: str, edits: list[Edit], base: int) -> str:
    """*segment* (which starts at *base*) with *edits*, back to front."""
    for edit in reversed(edits):
        segment = segment[: edit.start - base] + edit.text + segment[edit.end - base :]
    return segment


def _extend_shifted(out: array[int], values: Sequence[int], shift: int) -> None:
    if shift:
        out.extend(map(shift.__add__, values))
    elif isinstance(values, array) and values.typecode != out.typecode:
        out.extend(iter(values))  # an array extends only one of its kind
    else:
        out.extend(values)


# ------------------------------------------------------------------ reading


class _Walk:
    """Builds the new zone's record table: the old one's records before the
    first edit; the resolver's for the new lines and the lines after them
    until its state is the old read's there; then the old ones again."""

    def __init__(
        self,
        zone: Zone,
        document: Document,
        regions: list[_Region],
        root: str,
        limits: Limits,
    ) -> None:
        self.zone = zone
        self.regions = regions
        self.old = zone.table
        self.old_tree = zone.tree
        self.new_tree = document.tree
        resolved = zone._resolved
        origin = resolved.apex
        # Reads the new lines (and those after them it must); its table is
        # the new zone's.
        self.reader = Resolver(document, origin, root, limits, [])
        self.reader.origins = list(resolved.in_force)
        # Follows the old file's $ORIGIN, $TTL and SOA minimums, for the
        # state that is not in the record table.
        self.follower = Resolver(resolved.documents[0], origin, root, limits, [])
        directives = re.finditer(_DIRECTIVE, self.old_tree.entry_kinds)
        events = [(m.start(), -1) for m in directives]
        # PERF: the SOA records found at C speed (a look at each record's
        # type cost 15 ms at 100k records).
        rdtypes = self.old.rdtype
        soa = rrtypes.SOA.to_bytes(rdtypes.itemsize, sys.byteorder)
        events += [
            (self.old.entry[i], i) for i in items_equal_to(rdtypes.tobytes(), soa)
        ]
        events.sort()
        self.events = events
        self.next_event = 0
        self.old_wrote_ttl = self.old.flags.translate(_WROTE_TTL)
        self.new_wrote_ttl = bytearray()
        # Old record numbers the new table holds, as (first, end, shift).
        self.kept: list[tuple[int, int, int]] = []

    def run(self) -> tuple[RecordTable, list[Origin | None]]:
        regions = self.regions
        old_count = len(self.old_tree)
        reader = self.reader
        table = reader.table
        self._keep(0, self._records_from(regions[0].old_first), 0, 0)
        resume = True
        for at, region in enumerate(regions):
            if resume:
                self._follow_to(region.old_first)
                self._resume()
            for entry in range(region.new_first, region.new_end):
                reader.read_entry(0, entry)
            entry_shift = region.new_end - region.old_end
            after = self._records_from(region.old_end)
            record_shift = len(table) - after
            until = regions[at + 1].old_first if at + 1 < len(regions) else old_count
            entry = region.old_end
            resume = False
            while entry < until:
                self._follow_to(entry)
                if self._same_state(entry, after, record_shift):
                    # The lines read on are the old ones, one for one.
                    here = self._records_from(entry)
                    self.kept.append((after, here, record_shift))
                    end = self._records_from(until)
                    self._keep(here, end, entry_shift, record_shift)
                    resume = True
                    break
                if entry - region.old_end >= _READ_ON_LIMIT:
                    raise _GiveUp
                if self.old_tree.entry_kinds[entry] == EntryKind.DIRECTIVE:
                    self._follow_directive(entry)
                else:
                    reader.read_entry(0, entry + entry_shift)
                entry += 1
                if len(table) - record_shift != self._records_from(entry):
                    raise _GiveUp  # a line read otherwise than before
            if not resume:
                # Read on up to the next edit (or the end): the old records
                # up to there are the resolver's now, one for one.
                self.kept.append((after, self._records_from(until), record_shift))
            if reader.diagnostics:
                raise _GiveUp
        self._follow_to(old_count)
        if reader.diagnostics or self.follower.diagnostics:
            raise _GiveUp
        if self.follower.origins != self.zone._resolved.in_force:
            raise _GiveUp
        return table, reader.origins

    def _records_from(self, entry: int) -> int:
        """The first old record at or after old entry *entry*."""
        return bisect_left(self.old.entry, entry)

    def _follow_to(self, entry: int) -> None:
        """Bring the follower to the state before old entry *entry*."""
        follower = self.follower
        events = self.events
        while self.next_event < len(events) and events[self.next_event][0] < entry:
            at, record = events[self.next_event]
            self.next_event += 1
            if record >= 0:
                state = follower.state()
                if state.default_ttl is None:
                    minimum = self.zone.records.rdata(record).minimum  # type: ignore[attr-defined]
                    follower.resume(
                        state._replace(default_ttl=minimum, default_ttl_from_soa=True)
                    )
                continue
            name = self.old_tree.fields(at)[0].text.upper()
            if name not in ("$ORIGIN", "$TTL"):
                raise _GiveUp  # $INCLUDE and $GENERATE keep state of their own
            follower.read_entry(0, at)

    def _follow_directive(self, entry: int) -> None:
        """Read on over old entry *entry*, a directive, as the follower
        reads it. The reader's origin is the follower's (no directive
        among the new lines), so the origin it sets is the one the old read
        set (its number too); $TTL sets the same default TTL whatever the
        reader had."""
        follower = self.follower
        reader = self.reader
        self._follow_to(entry + 1)
        state = reader.state()
        if self.old_tree.fields(entry)[0].text.upper() == "$TTL":
            state = state._replace(
                default_ttl=follower.default_ttl,
                default_ttl_from_soa=follower.default_ttl_from_soa,
            )
        origin_id = follower.origin_id
        if reader.origins[origin_id] != follower.current_origin:
            raise _GiveUp
        reader.resume(state._replace(origin_id=origin_id))

    def _resume(self) -> None:
        """Set the reader to read on where the new table ends."""
        follower = self.follower
        reader = self.reader
        origin_id = follower.origin_id
        if reader.origins[origin_id] != follower.current_origin:
            raise _GiveUp
        table = reader.table
        # PERF: the new table's TTL_WRITTEN bits, grown with it (not all of
        # it again at each edit).
        self.new_wrote_ttl += table.flags[len(self.new_wrote_ttl) :].translate(
            _WROTE_TTL
        )
        owner, flags, cache, last_ttl = _owner_state(
            table, self.new_tree, len(table), self.new_wrote_ttl
        )
        reader.resume(
            ReadState(
                origin_id,
                owner,
                flags,
                cache,
                last_ttl,
                follower.default_ttl,
                follower.default_ttl_from_soa,
            )
        )

    def _same_state(self, entry: int, after: int, shift: int) -> bool:
        """Whether the reader's state is the old read's before old entry
        *entry* (old records from *after* on are the new ones *shift* on)."""
        state = self.reader.state()
        follower = self.follower
        if (
            state.origin_id != follower.origin_id
            or state.default_ttl != follower.default_ttl
            or state.default_ttl_from_soa != follower.default_ttl_from_soa
        ):
            return False
        records = self._records_from(entry)
        owner, flags, cache, last_ttl = _owner_state(
            self.old, self.old_tree, records, self.old_wrote_ttl
        )

        def new_number(record: int) -> int | None:
            if record >= after:
                return record + shift
            return self._kept_number(record)

        if flags != state.last_owner_flags:
            return False
        if (owner if owner == -1 else new_number(owner)) != state.last_owner:
            return False
        if cache is None or state.owner_cache is None:
            if cache is not state.owner_cache:
                return False
        else:
            word, origin_id, record, bits = cache
            if (word, origin_id, new_number(record), bits) != state.owner_cache:
                return False
        # The last TTL written matters while a record may take it: not once
        # $TTL has set the default (the SOA minimum does not count).
        dead = state.default_ttl is not None and not state.default_ttl_from_soa
        return dead or last_ttl == state.last_ttl

    def _kept_number(self, record: int) -> int | None:
        """The new number of old record *record*, where the new table
        holds it."""
        kept = self.kept
        at = bisect_right(kept, (record, 1 << 62, 0)) - 1
        if at >= 0 and kept[at][0] <= record < kept[at][1]:
            return record + kept[at][2]
        return None

    def _keep(self, first: int, end: int, entry_shift: int, record_shift: int) -> None:
        """Append old records [first, end) to the new table, moved."""
        old = self.old
        table = self.reader.table
        refs = old.owner_ref[first:end]
        moved = (
            array(refs.typecode, map(record_shift.__add__, refs))
            if record_shift
            else refs
        )
        # Before the first record that owns its owner, a record may take an
        # owner from before *first*.
        for at, ref in enumerate(refs):
            if ref == first + at:
                break
            if ref < first:
                number = self._kept_number(ref)
                if number is None:
                    raise _GiveUp
                moved[at] = number
        for name in _COLUMNS:
            column = getattr(table, name)
            if name == "entry":
                _extend_shifted(column, old.entry[first:end], entry_shift)
            elif name == "owner_ref":
                column.extend(moved)
            else:
                # A fact of the record itself (owner_hash: of its owner,
                # which the kept state says is the same record's).
                column.extend(getattr(old, name)[first:end])
        _keep_some(old, table, first, end, record_shift)
        self.kept.append((first, end, record_shift))


def _keep_some(
    old: RecordTable, table: RecordTable, first: int, end: int, record_shift: int
) -> None:
    """Append what the columns of some records say of old records [first,
    end) to *table*'s, moved (the targets' keys, and whether a target or an
    owner is written relative, are facts of the records' own text and
    origin)."""
    records = old.target_record
    start, stop = bisect_left(records, first), bisect_left(records, end)
    _extend_shifted(table.target_record, records[start:stop], record_shift)
    table.target_key.extend(old.target_key[start:stop])
    for name in ("relative_target", "repeating_owner"):
        some = getattr(old, name)
        start, stop = bisect_left(some, first), bisect_left(some, end)
        _extend_shifted(getattr(table, name), some[start:stop], record_shift)


def _owner_state(
    table: RecordTable,
    tree: SyntaxTree,
    records: int,
    wrote_ttl: bytes | bytearray,
) -> tuple[int, int, tuple[str, int, int, int] | None, int | None]:
    """The reader's state after the first *records* records of *table* (a
    clean read of one file, no $GENERATE): the owner a blank owner repeats
    and its owner bits, the last owner written, the last TTL written."""
    if records == 0:
        return -1, 0, None, None
    last = records - 1
    owner = table.owner_ref[last]
    flags = table.flags[last] & OWNER_BITS
    # The last owner written is the last record that owns its owner: the
    # last record's own owner record (PERF: a blank owner's points at it,
    # not a walk back over the records that repeat it, which made a fix run
    # quadratic in a zone of one owner repeated), else found by the walk.
    refs = table.owner_ref
    written = refs[last]
    if written < 0 or refs[written] != written:
        written = last
        while written >= 0 and refs[written] != written:
            written -= 1
    cache = None
    if written >= 0:
        word = split_fields(tree.text, *tree.span(table.entry[written]))[0]
        cache = (
            word,
            table.origin[written],
            written,
            table.flags[written] & OWNER_BITS,
        )
    ttl_at = wrote_ttl.rfind(b"\x01", 0, records)
    last_ttl = table.ttl[ttl_at] if ttl_at >= 0 else None
    return owner, flags, cache, last_ttl
