"""Names written without the final dot they were meant to have (ZF104).

Kept apart from the rule (rules/structure.py) so that other rules, and the
index, read the names its fix writes (SPEC §3) without running it twice:
ZoneIndex.dotless_names caches the result.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from itertools import compress, repeat
from operator import add, and_, contains, getitem, is_, not_, truth
from typing import TYPE_CHECKING

from zonefix import rrtypes
from zonefix.bind.facts import editable, record_repeats_owner
from zonefix.columns import items_at
from zonefix.diagnostics import Applicability, Edit, Fix
from zonefix.plain import Plain
from zonefix.rrtypes import type_text

if TYPE_CHECKING:
    from zonefix.document import RecordEdit
    from zonefix.zone import Zone

# Where the target host name stands among each type's rdata fields
# (ZF104 checks them all; ZF105 and ZF106 the types their RFCs name).
TARGET_FIELDS = {
    rrtypes.MX: 1,
    rrtypes.NS: 0,
    rrtypes.CNAME: 0,
    rrtypes.SRV: 3,
    rrtypes.PTR: 0,
    rrtypes.DNAME: 0,
}


class DotlessName(Plain):
    """One name ZF104 reports."""

    _fields = ("record", "position", "meant", "message", "span", "fix")
    __slots__ = _fields
    #: The record it is written in.
    record: int
    #: Its rdata field, or -1 for the owner.
    position: int
    #: The canonical name meant (what the fix writes, made absolute).
    meant: str
    #: The finding ZF104 reports: its message, where, and its fix.
    message: str
    span: tuple[int, int]
    fix: Fix | None

    def __init__(
        self,
        record: int,
        position: int,
        meant: str,
        message: str,
        span: tuple[int, int],
        fix: Fix | None,
    ) -> None:
        self.record = record
        self.position = position
        self.meant = meant
        self.message = message
        self.span = span
        self.fix = fix


def find_dotless_names(
    zone: Zone,
    targets: tuple[array[int], list[str | None]] | None = None,
) -> list[DotlessName]:
    """Every name ZF104 reports, in record order: in the top file and in
    the files it includes, which are read the same way (only the top file's
    are fixed: zonefix writes no other file).

    Given *targets*, also appends to it each record of the types
    TARGET_FIELDS names and its target's key as written (ZoneIndex's table
    of targets: PERF, the fields are split here anyway). Nothing is
    appended where the zone has no origin."""
    if zone.origin_text is None:
        return []
    table = zone.table
    index = zone.index
    found: list[DotlessName] = []
    # Targets that may end in a TLD: their expansion must have no record,
    # which is checked for all of them at once below.
    maybe: list[tuple[int, int, str]] = []

    # The origin in force, by its id: "" for the root (PERF: worked out
    # once, not for each name).
    origins: dict[int, str] = {}

    def look(i: int, position: int, word: str) -> None:
        if word.endswith(".") or word == "@" or "\\" in word or not word.isascii():
            return
        origin_id = table.origin[i]
        origin = origins.get(origin_id)
        if origin is None:
            origin = origins[origin_id] = index.name_key("@", i).rstrip(".")
        lowered = word.lower()
        kind = "owner" if position < 0 else "target"
        if origin and (lowered == origin or lowered.endswith("." + origin)):
            shorter = word[: len(word) - len(origin)].rstrip(".") or "@"
            found.append(_finding(zone, i, position, word, kind, shorter, "repeats"))
        elif kind == "target" and "." in word.strip("."):
            maybe.append((i, position, word))

    # PERF: a name with no dot in it is looked at only where an origin in
    # force is one label (a word equal to it repeats it); otherwise it can
    # neither repeat the origin nor end in a TLD, and look() would pass it.
    one_label = any(
        origin is not None and origin.text != "." and "." not in origin.text.rstrip(".")
        for origin in zone._resolved.in_force
    )

    # Owners: only one that ends with an origin can repeat it (an owner
    # never ends in a TLD: that is for targets). PERF: found by a scan of
    # the text, not by reading every owner, in a zone of some size.
    first_word = index.first_word
    owners = None
    if len(table) >= _SCAN_FROM:
        owners = _owners_ending_with_an_origin(zone)
    if owners is None:
        generated = table.generated
        owner_ref = table.owner_ref
        owners = [
            i for i in range(len(table)) if owner_ref[i] == i and i not in generated
        ]
    for i in owners:
        word = first_word(i)
        if word[-1:] != "." and (one_label or "." in word):
            look(i, -1, word)

    for i, position, word in _relative_targets(zone, targets, one_label):
        look(i, position, word)

    if maybe:
        expansions = {hash(index.name_key(word, i)) for i, _, word in maybe}
        # The names themselves, where a hash matches (a hash alone could
        # drop a finding on a collision).
        existing = {
            index.owner_key(i)
            for expansion in expansions
            for i in index.with_owner_hash(expansion)
        }
        from zonefix.tlds import is_tld

        for i, position, word in maybe:
            expansion = index.name_key(word, i)
            if expansion in existing or index.below_cut(expansion):
                continue  # a name of this zone, or of a zone it delegates to
            if is_tld(word.rsplit(".", 1)[1]):
                found.append(
                    _finding(zone, i, position, word, "target", word + ".", "tld")
                )
    return sorted(found, key=lambda f: (f.record, f.position))


def _relative_targets(
    zone: Zone, targets: tuple[array[int], list[str | None]] | None, one_label: bool
) -> list[tuple[int, int, str]]:
    """The targets of the records of the types TARGET_FIELDS names that
    find_dotless_names must look at, in file order, with their records and
    positions: those written without a final dot and with a dot inside
    (any, where *one_label*: a name of one label may repeat the origin).
    Given *targets*, appends to it every such record and its target's key.

    PERF: a zone holds tens of thousands of them. In a zone of one file,
    the usual target (_usual_targets) is found and its key made by maps at
    C speed, with no Python step per record but a store; the others are
    read one by one (the index's fields and name_key: the tests hold the
    keys to those). A few thousand records at a time: the words and keys
    of a piece are held together (all of a zone's, 40 MB at a million)."""
    records = zone.index.of_types(*TARGET_FIELDS)
    # A target that many records share is kept once.
    shared: dict[str | None, str | None] = {}
    found: list[tuple[int, int, str]] = []
    for start in range(0, len(records), _AT_ONCE):
        piece = records[start : start + _AT_ONCE]
        found += _targets_in(zone, piece, shared, targets, one_label)
    return found


def _targets_in(
    zone: Zone,
    records: list[int],
    shared: dict[str | None, str | None],
    targets: tuple[array[int], list[str | None]] | None,
    one_label: bool,
) -> list[tuple[int, int, str]]:
    """_relative_targets for *records* (some of them, in file order), their
    keys kept once in *shared*."""
    table = zone.table
    index = zone.index
    count = len(records)
    words: list[str | None]
    keys: list[str | None]
    if len(zone._resolved.documents) == 1:
        words = _usual_targets(zone, records)
        others = list(compress(range(count), map(is_, words, repeat(None))))
        for at in others:
            words[at] = "."  # read one by one below
        # A plain name's key (name_key's usual case): lower-cased, and where
        # it is relative, the text of the origin in force after it.
        origin_ids = items_at(table.origin, records)
        ends = {
            origin_id: (_suffix(index._origin_text(origin_id)), "")
            for origin_id in set(origin_ids)
        }
        lowered = list(map(str.lower, words))  # type: ignore[arg-type]
        keys = list(
            map(
                add,
                lowered,
                map(
                    getitem,
                    map(ends.__getitem__, origin_ids),
                    map(str.endswith, lowered, repeat(".")),
                ),
            )
        )
        del lowered
    else:
        others = list(range(count))
        words, keys = [None] * count, [None] * count
    for at in others:
        words[at], keys[at] = _read_target(zone, records[at])
    if targets is not None:
        targets[0].extend(records)
        targets[1].extend(map(shared.setdefault, keys, keys))
    del keys
    # The targets that may repeat the origin or end in a TLD.
    for at in others:
        if words[at] is None:
            words[at] = "."  # none: passed over
    written: list[str] = words  # type: ignore[assignment]
    relative = map(not_, map(str.endswith, written, repeat(".")))
    if not one_label:
        relative = map(and_, relative, map(contains, written, repeat(".")))
    rdtypes = table.rdtype
    return [
        (records[at], TARGET_FIELDS[rdtypes[records[at]]], written[at])
        for at in compress(range(count), relative)
    ]


def _suffix(origin_text: str) -> str:
    """What a relative plain name's key ends with, under an origin whose
    text (name_key's of "@") is *origin_text*."""
    return "." if origin_text == "." else f".{origin_text}"


def _read_target(zone: Zone, i: int) -> tuple[str | None, str | None]:
    """The target of record *i* (of a type TARGET_FIELDS names) as
    written, and its key; None for both where it has none."""
    index = zone.index
    position = TARGET_FIELDS[zone.table.rdtype[i]]
    words = index.rdata_words(i)
    word = words[position] if position < len(words) else None
    return word, None if word is None else index.name_key(word, i)


def _usual_targets(zone: Zone, records: list[int]) -> list[str | None]:
    """The target of each of *records* (in one file) as written, where the
    reader read the record the usual way and its entry has no parentheses;
    None for the others.

    The reader reads a record the usual way (and keeps its rdata's hash,
    else 0) only where its fields are plain words (fastpath's names and
    "@", numbers, TTL, class and type words), the rdata as many as its type
    has: its target is then its entry's last field, which, with no
    parentheses, is the last word on its line before a comment. PERF: all
    found by maps at C speed (a slice, a partition and a split of the line
    each), with no Python step per record."""
    table = zone.table
    tree = zone._resolved.documents[0].tree
    starts = tree.entry_starts
    usual = list(map(truth, items_at(table.rdata_hash, records)))
    if table.entry[records[-1]] == len(starts) - 1:
        usual[-1] = False  # the last entry: no entry after it to end it
    places = list(compress(range(len(records)), usual))
    entries = items_at(table.entry, list(compress(records, usual)))
    ends = items_at(starts, list(map(add, entries, repeat(1))))
    lines = map(tree.text.__getitem__, map(slice, items_at(starts, entries), ends))
    before = list(map(getitem, map(str.partition, lines, repeat(";")), repeat(0)))
    del entries
    last = map(getitem, map(str.rsplit, before, repeat(None), repeat(1)), repeat(-1))
    words: list[str | None] = [None] * len(records)
    for at, word in zip(places, last, strict=True):
        if word != "@":  # the origin: name_key's
            words[at] = word
    # A parenthesis: the fields may go on past a comment, on other lines.
    for at in compress(places, map(contains, before, repeat("("))):
        words[at] = None
    return words


def _owners_ending_with_an_origin(zone: Zone) -> list[int] | None:
    """The records with a written owner (not $GENERATE's) whose entry holds
    the text of an origin in force, any case, not followed by a dot: the
    owners that may repeat the origin, and a few others (the text may be
    in a comment or the rdata). None where the zone reads several files,
    and where the scan would not be the cheaper way: more than a few
    origins (a search of the text each), or the origins' texts found in
    more than an eighth as many places as there are records (a list entry
    each): every owner is read then, in one pass.

    PERF: the text is searched at C speed, lower-cased a piece at a time
    (a copy of a big zone's whole text would cost its size again)."""
    resolved = zone._resolved
    if len(resolved.documents) != 1:
        return None
    texts = {
        origin.text.lower().rstrip(".")
        for origin in resolved.in_force
        if origin is not None
    }
    # The root repeats nothing; a word holding an escape is never looked at.
    # A word that ends with an origin below another ends with that one too.
    texts = {text for text in texts if text and "\\" not in text}
    if len(texts) > _MOST_ORIGINS:
        return None
    texts = {t for t in texts if not any(t.endswith(f".{o}") for o in texts)}
    if not texts:
        return []
    # PERF: one literal each (a search for an alternation is many times
    # slower).
    patterns = [f"{re.escape(t)}(?!\\.)" for t in texts]
    tree = resolved.documents[0].tree
    text = tree.text
    overlap = max(map(len, texts)) + 1
    most = len(zone.table) // 8
    offsets: list[int] = []
    for at in range(0, len(text), _PIECE):
        piece = text[at : at + _PIECE + overlap]
        if piece.isascii():
            piece, flags = piece.lower(), 0
        else:
            # lower() may change the length of other characters.
            flags = re.IGNORECASE
        for pattern in patterns:
            for match in re.finditer(pattern, piece, flags):
                if match.start() < _PIECE:
                    offsets.append(at + match.start())
                    if len(offsets) > most:
                        return None
    if len(patterns) > 1:
        offsets.sort()
    table = zone.table
    starts = tree.entry_starts
    entries = table.entry
    owner_ref = table.owner_ref
    generated = table.generated
    count = len(table)
    owners: list[int] = []
    for offset in offsets:
        # One file: its records' entries are in file order.
        at = bisect_right(starts, offset) - 1
        i = bisect_left(entries, at)
        if (
            i < count
            and entries[i] == at
            and owner_ref[i] == i
            and i not in generated
            and (not owners or owners[-1] != i)
        ):
            owners.append(i)
    return owners


# The targets _relative_targets reads at once.
_AT_ONCE = 4096
# Records from which the owners to read are found by a scan of the text
# (below, reading them all costs less than making the scan's patterns).
_SCAN_FROM = 1000
# Origins in force past which the scan is not made (a search each).
_MOST_ORIGINS = 8
# The text searched for origins a piece at a time (characters).
_PIECE = 1 << 20


def _finding(
    zone: Zone, i: int, position: int, word: str, kind: str, fixed: str, why: str
) -> DotlessName:
    index = zone.index
    meant_key = index.name_key(fixed, i)
    as_read = index.name_key(word, i)
    table = zone.table
    tree = zone.document_of(i).tree
    start = tree.span(table.entry[i])[0]
    fields = zone.fields_of(i)
    field = fields[0 if position < 0 else table.rdata_field[i] + position]
    rtype = type_text(table.rdtype[i])
    what = "owner" if position < 0 else f"{rtype} target"
    if why == "repeats":
        message = f"{what} {word} repeats the origin: it means {as_read}"
        action = f"write {fixed}"
    else:
        message = f"{what} {word} has no final dot: it means {as_read}"
        action = f"add the final dot: {fixed}"
    scope = None
    if position < 0:
        # Blank-owner lines after it repeat this owner: they change too.
        # PERF: they follow it in its file, up to the next owner written
        # there (records of a file it includes may come between).
        last = i
        for j in range(i + 1, len(table)):
            if table.document[j] != table.document[i] or j in table.generated:
                continue
            if table.owner_ref[j] != i:
                break
            last = j
        scope = (start, tree.span(table.entry[last])[1])
    fix = None
    if editable(zone, i):
        # PERF: the editing module only for a zone with a name to fix.
        from zonefix.bind.edits import replace_field

        edit = replace_field(tree.text, field, fixed)
        fix = Fix(
            action,
            Applicability.SAFE,
            (edit,),
            scope,
            _record_edits(zone, i, position, fixed, edit),
        )
    return DotlessName(i, position, meant_key, message, (field.start, field.end), fix)


def _record_edits(
    zone: Zone, i: int, position: int, fixed: str, edit: Edit
) -> tuple[RecordEdit, ...]:
    """The fix in DNS terms, where the format's lowering of it writes the
    very edit the rule names: the owner renamed (with the lines after it
    that repeat it), or the target's rdata with the name meant. Empty
    where it would not (a word dnspython writes escaped): the fix stays
    the text edit alone."""
    import dns.exception
    import dns.name

    from zonefix.bind.edits import CannotEdit, lower
    from zonefix.document import RenameOwner, ReplaceRdata

    table = zone.table
    origin = zone.records.origin(i)
    edits: tuple[RecordEdit, ...]
    try:
        if position < 0:
            owner = dns.name.from_text(fixed, origin)
            group = [i]
            for j in range(i + 1, len(table)):
                if not editable(zone, j):
                    continue
                if not record_repeats_owner(zone, j):
                    break
                group.append(j)
            edits = tuple(RenameOwner(j, owner) for j in group)
        else:
            old = zone.index.rdata(i)
            field = "exchange" if old.rdtype == rrtypes.MX else "target"
            meant = dns.name.from_text(fixed, origin)
            edits = (ReplaceRdata(i, old.replace(**{field: meant})),)
        lowered = lower(zone, edits)
    except (CannotEdit, dns.exception.DNSException, IndexError):
        return ()
    return edits if lowered == (edit,) else ()
