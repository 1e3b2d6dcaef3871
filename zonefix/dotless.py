"""Names written without the final dot they were meant to have (ZF104).

Kept apart from the rule (rules/structure.py) so that other rules, and the
index, read the names its fix writes (SPEC §3) without running it twice:
ZoneIndex.dotless_names caches the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zonefix import rrtypes
from zonefix.bind.facts import editable, record_repeats_owner
from zonefix.diagnostics import Applicability, Edit, Fix
from zonefix.plain import Plain
from zonefix.rrtypes import type_text

if TYPE_CHECKING:
    from array import array

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
    zone: Zone, targets: tuple[array[int], list[str | None]] | None = None
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

    # PERF: one pass, nothing kept per record: a zone can hold a million;
    # a record without a target needs only its first word.
    generated = table.generated
    owner_ref = table.owner_ref
    first_word = index.first_word
    name_key = index.name_key
    shared: dict[str, str] = {}

    def keep(i: int, word: str | None) -> None:
        # A target that many records share is kept once.
        if targets is not None:
            key = None if word is None else name_key(word, i)
            targets[0].append(i)
            targets[1].append(None if key is None else shared.setdefault(key, key))

    for i, rdtype in enumerate(table.rdtype):
        position = TARGET_FIELDS.get(rdtype)
        if i in generated:
            if position is not None:
                words = index.rdata_words(i)
                keep(i, words[position] if position < len(words) else None)
            continue
        if position is None:
            if owner_ref[i] == i:
                word = first_word(i)
                if word[-1:] != "." and (one_label or "." in word):
                    look(i, -1, word)
            continue
        fields = index.fields(i)
        if owner_ref[i] == i and (one_label or "." in fields[0]):
            look(i, -1, fields[0])
        at = table.rdata_field[i] + position
        if at < len(fields):
            if one_label or "." in fields[at]:
                look(i, position, fields[at])
            keep(i, fields[at])
        else:
            keep(i, None)

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
