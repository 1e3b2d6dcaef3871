"""Names written without the final dot they were meant to have (ZF104).

Kept apart from the rule (rules/structure.py) so that other rules, and the
index, read the names its fix writes (SPEC §3) without running it twice:
ZoneIndex.dotless_names caches the result.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import compress, repeat
from operator import is_
from typing import TYPE_CHECKING, cast

from zonefix import rrtypes
from zonefix.bind.facts import editable, record_repeats_owner
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


def find_dotless_names(zone: Zone) -> list[DotlessName]:
    """Every name ZF104 reports, in record order: in the top file and in
    the files it includes, which are read the same way (only the top file's
    are fixed: zonefix writes no other file)."""
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
    # never ends in a TLD: that is for targets). PERF: those reading listed
    # (RecordTable.repeating_owner), where no origin is one label; else
    # found by a scan of the text, not by reading every owner, in a zone
    # of some size.
    first_word = index.first_word
    owners = None if one_label else _owners_kept_by_reading(zone)
    if owners is None and len(table) >= _SCAN_FROM:
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

    for i, position, word in _relative_targets(zone, one_label):
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


def _relative_targets(zone: Zone, one_label: bool) -> list[tuple[int, int, str]]:
    """The targets of the records of the types TARGET_FIELDS names that
    find_dotless_names must look at, with their records and positions: of
    those reading read the usual way, the few whose key says they may be
    a finding (_may_be_dotless); of the others, those written without a
    final dot and with a dot inside (any, where *one_label*: a name of one
    label may repeat the origin).

    PERF: a zone holds tens of thousands of targets. Reading kept each
    one's key (RecordTable.target_key) and listed those written relative
    with a dot inside (relative_target): only those are looked at, and
    only the few that may be a finding are read from the text."""
    table = zone.table
    records, keys = table.target_record, table.target_key
    rdtypes = table.rdtype
    found: list[tuple[int, int, str]] = []
    if None in keys:
        generated = table.generated
        for at in compress(range(len(keys)), map(is_, keys, repeat(None))):
            i = records[at]
            if i in generated:
                # Its rdata's text is dnspython's, every name absolute:
                # never a finding (PERF: no rdata built for it here; the
                # index's table of targets reads its key).
                continue
            word = _written_target(zone, i)
            if (
                word is not None
                and not word.endswith(".")
                and (one_label or "." in word)
            ):
                found.append((i, TARGET_FIELDS[rdtypes[i]], word))
    rdata_words = zone.index.rdata_words
    for i in _may_be_dotless(zone, one_label):
        position = TARGET_FIELDS[rdtypes[i]]
        found.append((i, position, rdata_words(i)[position]))
    return found


def _may_be_dotless(zone: Zone, one_label: bool) -> list[int]:
    """The records whose target reading read the usual way that
    find_dotless_names may report (and maybe a few others), in file order:
    of those written relative with a dot inside (RecordTable's
    relative_target), the ones whose key says they repeat the origin or
    may end in a TLD; where *one_label*, those whose key says they are an
    origin of one label written under itself."""
    table = zone.table
    index = zone.index
    records, keys = table.target_record, table.target_key
    origin_ids = table.origin
    picked: list[int] = []
    if one_label:
        # "net" under net.: its key is the origin's twice.
        twice: set[str] = set()
        for in_force in zone._resolved.in_force:
            key = None if in_force is None else in_force.key
            if key is not None and key != ".":
                twice.add(key[:-1] + "." + key)
        picked += compress(records, map(twice.__contains__, keys))
    # A written-relative name's key is the word, lower-cased, and the
    # origin's text after a dot: the word is there, as the rules read it.
    suffixes: dict[int, tuple[str, str]] = {}
    for i in table.relative_target:
        origin_id = origin_ids[i]
        known = suffixes.get(origin_id)
        if known is None:
            origin_text = index._origin_text(origin_id)
            known = suffixes[origin_id] = (
                _suffix(origin_text),
                origin_text.rstrip("."),
            )
        suffix, origin = known
        # Read the usual way: a key, which ends with the suffix.
        word = cast(str, keys[bisect_left(records, i)])[: -len(suffix)]
        if origin and (word == origin or word.endswith("." + origin)):
            picked.append(i)
            continue
        # Its last label may be a TLD: one of letters, or IDNA (PERF: a label
        # with a digit, ns1.sub3, is told at once; find_dotless_names asks
        # the list of suffixes of those whose name the zone does not hold).
        label = word.rpartition(".")[2]
        if label.isalpha() or label.startswith("xn--"):
            picked.append(i)
    return sorted(set(picked)) if one_label else picked


def _suffix(origin_text: str) -> str:
    """What a relative plain name's key ends with, under an origin whose
    text (name_key's of "@") is *origin_text*."""
    return "." if origin_text == "." else f".{origin_text}"


def _written_target(zone: Zone, i: int) -> str | None:
    """The target of record *i* (of a type TARGET_FIELDS names) as
    written; None where it has none. (Its key is the index's table of
    targets' to read: PERF, a name dnspython must read is read once.)"""
    position = TARGET_FIELDS[zone.table.rdtype[i]]
    words = zone.index.rdata_words(i)
    return words[position] if position < len(words) else None


def _owners_kept_by_reading(zone: Zone) -> Sequence[int] | None:
    """The records whose written owner may repeat the origin, as reading
    listed them (RecordTable.repeating_owner: those written relative with
    a dot inside, but names of one label under an origin of one)."""
    return zone.table.repeating_owner


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
