"""Fixes stated in tree terms, lowered to text edits (SPEC §4).

Rules say what to do ("delete this record"); these helpers turn that into
Edit spans on the record's file, so that nothing they do not name changes:
deleting a record never changes another record's meaning.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from zonefix import rrtypes
from zonefix.bind.facts import (
    LEADING_BLANKS,
    editable,
    plain_name_pattern,
    record_repeats_owner,
    repeats_owner,
    require_editable,
    txt_joined,
)
from zonefix.bind.resolver import (
    LONG_STRING,
    TTL_FROM_LAST,
    TTL_WRITTEN,
    to_dns_text,
    ttl_or_none,
)
from zonefix.bind.syntax.nodes import EntryKind, Field, fields_between, first_field
from zonefix.diagnostics import Edit
from zonefix.document import CannotEdit as CannotEdit  # re-exported: its old home
from zonefix.document import (
    DeleteRecord,
    InsertRecords,
    RecordEdit,
    RenameOwner,
    ReplaceRdata,
    ReplaceTTL,
    ReplaceTxtText,
)
from zonefix.record_edits import NewRecord as NewRecord  # re-exported: its old home
from zonefix.record_edits import owner_name, rdata_words, record_of

if TYPE_CHECKING:
    # PERF: dnspython is imported where an edit builds a name or rdata (a
    # rule that finds nothing to fix imports this module, not it).
    import dns.name
    import dns.rdata
    import dns.rdatatype

    from zonefix.zone import Zone


def delete_record(zone: Zone, index: int) -> tuple[Edit, ...]:
    """Delete record *index*, its comments and line breaks included.

    When the next record inherits what this line wrote (a blank owner
    repeats this owner; with no $TTL, a record without a TTL takes the last
    TTL written), that owner or TTL moves onto the next record's line.
    """
    table = zone.table
    require_editable(zone, index)
    tree = zone.tree
    entry = table.entry[index]
    start, end = tree.span(entry)
    text = tree.text
    fields = fields_between(text, start, end)
    owner_written = not repeats_owner(text, start)
    edits = [Edit(start, end, "")]

    if owner_written and _owner_repeated_out_of_reach(zone, index):
        # Without this line, that one would repeat another owner (or none:
        # the file would not parse).
        raise CannotEdit(
            "a line past a directive, or one that does not parse, repeats this owner"
        )
    following = next_record(zone, index)
    if following is None:
        return tuple(edits)
    next_start, next_end = tree.span(table.entry[following])
    next_fields = fields_between(text, next_start, next_end)
    next_blank = repeats_owner(text, next_start)
    first = 1 if owner_written else 0
    carry_owner = owner_written and next_blank
    carry_ttl = bool(
        table.flags[index] & TTL_WRITTEN and table.flags[following] & TTL_FROM_LAST
    )
    if carry_ttl and following in table.generated:
        # A $GENERATE line has its own place for a TTL; moving one there is
        # not a plain edit.
        raise CannotEdit("the $GENERATE after it takes its TTL from this line")
    carried = ""
    if carry_owner:
        # The owner, with this line's own spacing after it.
        carried += _with_spacing(text, fields, 0)
    if carry_ttl:
        ttl_at = next(
            i
            for i in range(first, table.rdata_field[index] - 1)
            if ttl_or_none(fields[i].text) is not None
        )
        carried += _with_spacing(text, fields, ttl_at)
    if not carried:
        return tuple(edits)
    if carry_owner:
        # The next line's leading blanks make way for what it now writes.
        edits.append(Edit(next_start, next_fields[0].start, carried))
    else:
        # The TTL goes before the next line's first field after its owner.
        at = next_fields[0 if next_blank else 1].start
        edits.append(Edit(at, at, carried))
    return tuple(edits)


def _owner_repeated_out_of_reach(zone: Zone, index: int) -> bool:
    """Whether the next record line after record *index* (of the top file)
    repeats its owner (starts blank) where deleting *index* cannot carry
    the owner onto it: past a directive (after $TTL, $GENERATE or $INCLUDE
    a blank owner still repeats it, as in BIND; after $ORIGIN the owner as
    written would mean another name), or on a line that does not parse."""
    tree = zone.tree
    table = zone.table
    kinds = tree.entry_kinds
    following = table.entry[index] + 1
    crossed = False
    while following < len(kinds) and kinds[following] in (
        EntryKind.BLANK,
        EntryKind.DIRECTIVE,
    ):
        crossed = crossed or kinds[following] == EntryKind.DIRECTIVE
        following += 1
    if following >= len(kinds) or not repeats_owner(
        tree.text, tree.entry_starts[following]
    ):
        return False
    if crossed:
        return True
    # The top file's records come in file order: the next one of them says
    # whether that line made a record.
    for i in range(index + 1, len(table)):
        if table.document[i] == 0:
            return table.entry[i] != following
    return True


def _with_spacing(text: str, fields: list[Field], at: int) -> str:
    """Field *at* and the blanks that follow it on its line."""
    return fields[at].text + spacing_after(text, fields, at)


def spacing_after(text: str, fields: list[Field], at: int) -> str:
    """The blanks between field *at* and the next, in the line's own style
    (a tab where the file aligns with tabs); one space where the next field
    is past a parenthesis or a line break, or there is none."""
    field = fields[at]
    stop = fields[at + 1].start if at + 1 < len(fields) else field.end + 1
    spacing = text[field.end : stop]
    return " " if not spacing or spacing.strip(" \t") else spacing


def replace_field(text: str, field: Field, new: str) -> Edit:
    """Write *new* over *field*, keeping what follows in its column: where
    the field is padded with spaces to align the next column (or comment),
    the padding takes up the change in length, down to one space."""
    gap_end = field.end
    while gap_end < len(text) and text[gap_end] == " ":
        gap_end += 1
    gap = gap_end - field.end
    aligned = gap >= 2 and gap_end < len(text) and text[gap_end] not in "\t\r\n"
    if not aligned:
        return Edit(field.start, field.end, new)
    padding = max(1, gap - (len(new) - len(field.text)))
    return Edit(field.start, gap_end, new + " " * padding)


def field_replaced(
    zone: Zone, index: int, position: int, text: str
) -> tuple[tuple[Edit, ...], tuple[RecordEdit, ...]] | None:
    """The text edit that writes *text* (as dnspython writes it, names
    absolute) over rdata field *position* of record *index*, with the
    record edit it makes (ReplaceRdata) where lowering that gives the same
    text edit (else none: the field as the rule writes it); None where no
    plain edit can."""
    import dns.exception
    import dns.rdatatype

    if not editable(zone, index):
        return None
    field = zone.written_rdata_field(index, position)
    if field is None:
        return None
    as_text = (replace_field(zone.tree.text, field, text),)
    old = zone.index.rdata(index)
    words = list(rdata_words(old))
    if not 0 <= position < len(words):
        return as_text, ()
    words[position] = text
    try:
        new = record_of(
            NewRecord(
                zone.records.owner(index),
                dns.rdatatype.to_text(old.rdtype),
                tuple(words),
            )
        )
        edits = (ReplaceRdata(index, new),)
        lowered = lower(zone, edits)
    except (dns.exception.DNSException, CannotEdit):
        return as_text, ()
    if lowered != as_text:
        return as_text, ()
    return as_text, edits


def next_record(zone: Zone, index: int) -> int | None:
    """The record written after *index* in the same file, if it follows in
    that file without a directive between them."""
    table = zone.table
    following = index + 1
    if following >= len(table) or table.document[following] != table.document[index]:
        return None
    tree = zone.tree
    for entry in range(table.entry[index] + 1, table.entry[following]):
        if tree.entry_kinds[entry] == EntryKind.DIRECTIVE:
            return None  # $ORIGIN, $TTL or $INCLUDE: reset what is inherited
    return following


# ------------------------------------------------------------------ insert


def lower(
    zone: Zone,
    edits: Sequence[RecordEdit],
    layouts: Mapping[int, TxtLayout] | None = None,
) -> tuple[Edit, ...]:
    """BIND's lowering of record edits (zonefix.document) into text edits
    of the top file, in the file's style: a deleted record takes its line
    (its owner or TTL moving onto the next line that inherits them), new
    records copy the line they follow (insert_records), a TXT value is
    edited inside its strings where it can be (txt_value_edits).

    ReplaceRdata rewrites the fields whose words change (a value written
    in as many fields as dnspython writes it). ReplaceTTL writes the TTL
    field of each record that has another (replace_ttl). RenameOwner
    rewrites the owner a line writes (rename_owners). A record deleted and
    inserted again under another type with the same owner and value keeps
    its line, its type field rewritten (_retyped). *layouts*: TXT records'
    layouts already read, by record (a rule editing many terms of one
    record reads it once)."""
    if len(edits) == 1 and type(edits[0]) is RenameOwner:
        # PERF: one rename (ZF404's fix, one for each misplaced record) is
        # rename_owners' edits alone: no other edit to look through.
        return rename_owners(zone, edits)  # type: ignore[arg-type]
    out: list[Edit] = []
    renames = [e for e in edits if isinstance(e, RenameOwner)]
    if renames:
        out.extend(rename_owners(zone, renames))
    retyped = _retyped(zone, edits)
    new_types = dict(retyped.values())
    for n, edit in enumerate(edits):
        if isinstance(edit, RenameOwner) or n in retyped:
            continue
        if isinstance(edit, DeleteRecord) and edit.record in new_types:
            out.append(_retype(zone, edit.record, new_types[edit.record]))
        elif isinstance(edit, DeleteRecord):
            out.extend(delete_record(zone, edit.record))
        elif isinstance(edit, InsertRecords):
            # PERF: imported here, not for a rename (ZF404's fixes, dnspython
            # not imported for them).
            import dns.rdatatype

            # The TTL is the file's: the RRset's, or what the line inherits.
            rtype = dns.rdatatype.to_text(edit.rdtype)
            out.extend(
                insert_records(
                    zone,
                    [NewRecord(edit.owner, rtype, rdata_words(r)) for r in edit.rdatas],
                )
            )
        elif isinstance(edit, ReplaceTxtText):
            layout = layouts.get(edit.record) if layouts else None
            out.extend(
                txt_value_edits(
                    zone, edit.record, edit.start, edit.end, edit.text, layout
                )
            )
        elif isinstance(edit, ReplaceRdata):
            out.extend(_replace_rdata(zone, edit.record, edit.rdata))
        elif isinstance(edit, ReplaceTTL):
            out.extend(replace_ttl(zone, edit.records, edit.ttl))
        else:
            raise CannotEdit(f"{type(edit).__name__} is not lowered for BIND files yet")
    return tuple(out)


def _retyped(
    zone: Zone, edits: Sequence[RecordEdit]
) -> dict[int, tuple[int, dns.rdatatype.RdataType]]:
    """Records deleted and inserted again with the same owner and value
    under another type (an SPF-type record made TXT): by the number of the
    insertion, the record and its new type. BIND rewrites the line's type
    in place."""
    deleted = [e.record for e in edits if isinstance(e, DeleteRecord)]
    if not deleted:
        return {}
    found: dict[int, tuple[int, dns.rdatatype.RdataType]] = {}
    taken: set[int] = set()
    for n, edit in enumerate(edits):
        if not isinstance(edit, InsertRecords) or len(edit.rdatas) != 1:
            continue
        for i in deleted:
            if (
                i not in taken
                and zone.table.rdtype[i] != edit.rdtype
                and zone.records.owner(i) == edit.owner
                and zone.index.rdata(i).to_text() == edit.rdatas[0].to_text()
            ):
                found[n] = (i, edit.rdtype)
                taken.add(i)
                break
    return found


def _retype(zone: Zone, index: int, rdtype: dns.rdatatype.RdataType) -> Edit:
    """The type field of record *index* rewritten as *rdtype*, in the case
    the line writes its type."""
    import dns.rdatatype

    table = zone.table
    require_editable(zone, index)
    field = zone.fields_of(index)[table.rdata_field[index] - 1]
    text = dns.rdatatype.to_text(rdtype)
    return Edit(field.start, field.end, text.lower() if field.text.islower() else text)


def _replace_rdata(zone: Zone, index: int, rdata: dns.rdata.Rdata) -> tuple[Edit, ...]:
    table = zone.table
    require_editable(zone, index)
    if table.flags[index] & LONG_STRING:
        return _long_strings_split(zone, index, rdata)
    if table.rdtype[index] in _TXT_TYPES:
        return (_txt_rewritten(zone, index, rdata),)
    fields = zone.fields_of(index)[table.rdata_field[index] :]
    old = rdata_words(zone.index.rdata(index))
    new = rdata_words(rdata)
    if not len(fields) == len(old) == len(new):
        raise CannotEdit("the record's value is written in other fields")
    text = zone.tree.text
    origin = zone.records.origin(index)
    return tuple(
        replace_field(text, field, _name_word(field.text, word, origin))
        for field, was, word in zip(fields, old, new, strict=True)
        if was != word
    )


def _name_word(written: str, word: str, origin: dns.name.Name | None) -> str:
    """*word* (dnspython's, names absolute) to write over *written*: where
    *written* is a relative name and *word* that very name made absolute
    (it lacked its final dot), the name stays relative where it can, as
    the file wrote it (`www.example.net` in example.net becomes `www`)."""
    import dns.name

    if origin is None or written.endswith(".") or written.lower() + "." != word.lower():
        return word
    name = dns.name.from_text(word)
    if name == origin:
        return "@"
    if not name.is_subdomain(origin):
        return word
    return name.relativize(origin).to_text()


def replace_ttl(zone: Zone, records: Sequence[int], ttl: int) -> tuple[Edit, ...]:
    """Edits giving each of *records* the TTL *ttl*: its TTL field
    rewritten, or, where the line writes none, the TTL written after its
    owner (or first) in the line's own spacing. Refused where a record
    after one of them takes its TTL from the line before it (with no $TTL)
    and would take the new one too."""
    table = zone.table
    tree = zone.tree
    text = tree.text
    edits = []
    for i in records:
        if table.ttl[i] == ttl:
            continue
        require_editable(zone, i)
        following = i + 1
        if (
            following < len(table)
            and table.flags[following] & TTL_FROM_LAST
            and table.ttl[following] != ttl
        ):
            raise CannotEdit("the next record takes its TTL from this line")
        start, end = tree.span(table.entry[i])
        fields = fields_between(text, start, end)
        first = 0 if repeats_owner(text, start) else 1
        if table.flags[i] & TTL_WRITTEN:
            ttl_field = next(
                f
                for f in fields[first : table.rdata_field[i] - 1]
                if ttl_or_none(f.text) is not None
            )
            edits.append(replace_field(text, ttl_field, str(ttl)))
        else:
            at = fields[first].start
            edits.append(Edit(at, at, f"{ttl}{spacing_after(text, fields, 0)}"))
    return tuple(edits)


def rename_owners(zone: Zone, renames: Sequence[RenameOwner]) -> tuple[Edit, ...]:
    """Edits moving records to new owners by rewriting the owner their
    line writes. The lines after it that repeat that owner (blank owners)
    move with it, so they must be renamed alike in the same edits; a
    record whose line repeats another's owner moves only with that line.

    The new owner is written in the style of the word it replaces: a name
    the old one extends (`_dmarc` before `sub`) as those labels before the
    word; else relative to the $ORIGIN in force where the word was
    relative and the name is below it, else absolute."""
    table = zone.table
    tree = zone.tree
    text = tree.text
    wanted = {r.record: r.owner for r in renames}
    edits = []
    # PERF: editable and record_repeats_owner as they read an editable
    # record (one of the top file: its tree is the zone's), with no call.
    documents, generated = table.document, table.generated
    entries, starts = table.entry, tree.entry_starts
    for i, owner in wanted.items():
        require_editable(zone, i)
        if text[starts[entries[i]]] in LEADING_BLANKS:
            before = _previous_record(zone, i)
            if before is None or wanted.get(before) != owner:
                raise CannotEdit("the line repeats the owner of a line before it")
            continue
        for j in range(i + 1, len(table)):
            if documents[j] or j in generated:
                continue  # not editable
            if text[starts[entries[j]]] not in LEADING_BLANKS:
                break
            if wanted.get(j) != owner:
                raise CannotEdit("a line after it repeats this owner")
        start, end = tree.span(entries[i])
        field = _first_field(text, start, end)
        written = None
        if isinstance(owner, str):
            written = _renamed_as_text(zone, i, field.text, owner)
        if written is None:
            old = zone.records.owner(i)
            origin = zone.records.origin(i)
            written = _renamed(field.text, old, owner_name(owner), origin)
        edits.append(replace_field(text, field, written))
    return tuple(edits)


def _previous_record(zone: Zone, index: int) -> int | None:
    """The record of the top file written before *index*, if any (None
    past a $GENERATE: its owner is no line's)."""
    table = zone.table
    for j in range(index - 1, -1, -1):
        if table.document[j] == 0:
            return j if editable(zone, j) else None
    return None


def _first_field(text: str, start: int, end: int) -> Field:
    """The first field of a record's line, which writes its owner."""
    field = first_field(text, start, end)
    if field is None:
        raise CannotEdit("the line writes no field")
    return field


def _renamed_as_text(zone: Zone, index: int, word: str, new: str) -> str | None:
    """_renamed's answer for record *index*, whose line writes its owner
    as *word* (its first field), and new owner *new* (text), worked out
    from the names' texts where they are plain (PLAIN_NAME: dnspython
    writes them as they are; none the root): one label is one run between
    dots, and names compare lower-cased. None elsewhere. PERF: no
    dnspython name is built."""
    # PERF: the pattern's fullmatch bound once for the texts.
    plain = plain_name_pattern().fullmatch
    if word != "@" and plain(word) is None:
        return None
    if not new.endswith(".") or plain(new) is None:
        return None
    origin = zone.index.name_key("@", index)  # "" where none is in force
    if origin == ".":
        return None
    # The owner's key, as owner_key reads it from the word the line
    # writes (PERF: not read from the text again).
    if word == "@":
        old = origin
    elif word.endswith("."):
        old = word.lower()
    else:
        old = f"{word.lower()}.{origin}"
    if old == "." or plain(old) is None:
        return None
    if origin and plain(origin) is None:
        return None
    lowered = new.lower()
    if lowered.endswith(f".{old}") and word != "@":
        return f"{new[: len(new) - len(old) - 1]}.{word}"
    if word.endswith(".") or not origin:
        return new
    if lowered == origin:
        return "@"
    if not lowered.endswith(f".{origin}"):
        return new
    return new[: len(new) - len(origin) - 1]


def _renamed(
    word: str,
    old: dns.name.Name,
    new: dns.name.Name,
    origin: dns.name.Name | None,
) -> str:
    """How to write owner *new* in place of *word*, which writes *old*."""
    import dns.name

    if new != old and new.is_subdomain(old) and word != "@":
        prefix = dns.name.Name(new.labels[: len(new) - len(old)])
        return f"{prefix.to_text()}.{word}"
    if word.endswith(".") or origin is None or not new.is_subdomain(origin):
        return new.to_text()
    if new == origin:
        return "@"
    return new.relativize(origin).to_text()


_TXT_TYPES = (rrtypes.TXT, rrtypes.SPF)


def _txt_rewritten(zone: Zone, index: int, rdata: dns.rdata.Rdata) -> Edit:
    """TXT record *index* given *rdata*: its strings written again from
    its joined value (rewrite_txt), where that writes those strings."""
    import dns.exception
    import dns.rdata

    strings = rdata.strings  # type: ignore[attr-defined]
    value = b"".join(strings).decode("utf-8", "surrogateescape")
    edit = rewrite_txt(zone, index, value)
    try:
        written = dns.rdata.from_text(
            rdata.rdclass, rdata.rdtype, to_dns_text(edit.text)
        )
    except dns.exception.DNSException as error:
        raise CannotEdit("the value cannot be written as its strings") from error
    if written != rdata:
        raise CannotEdit("the value's strings are cut where the file would not")
    return edit


def _long_strings_split(
    zone: Zone, index: int, rdata: dns.rdata.Rdata
) -> tuple[Edit, ...]:
    """A TXT record written with strings over 255 bytes given *rdata*:
    where that is its strings cut at 255 bytes (as ZF112 reads it), each
    long string is cut in place (split_long_strings)."""
    import dns.exception
    import dns.rdata

    edits = split_long_strings(zone, index)
    fields = zone.fields_of(index)[zone.table.rdata_field[index] :]
    written = " ".join(
        next((e.text for e in edits if e.start == f.start), f.text) for f in fields
    )
    try:
        after = dns.rdata.from_text(rdata.rdclass, rdata.rdtype, to_dns_text(written))
    except dns.exception.DNSException as error:
        raise CannotEdit("the record's strings cannot be cut in place") from error
    if not edits or after != rdata:
        raise CannotEdit("the record's value is not its strings cut in place")
    return edits


def split_long_strings(zone: Zone, index: int) -> tuple[Edit, ...]:
    """Edits cutting each string of TXT record *index* over 255 bytes into
    pieces of at most 255, in place (never inside an escape)."""
    edits = []
    for field in zone.fields_of(index)[zone.table.rdata_field[index] :]:
        pieces = split_character_string(field.text)
        if len(pieces) > 1:
            edits.append(
                Edit(field.start, field.end, " ".join(f'"{p}"' for p in pieces))
            )
    return tuple(edits)


def insert_records(zone: Zone, records: Sequence[NewRecord]) -> tuple[Edit, ...]:
    """Add *records* (one owner and type, in the order given) in the file's
    own style (SPEC §4).

    They go after the last record of the same owner and type, else of the
    same owner, else at the end of the file, and copy the line they follow:
    its columns (tabs or aligned spaces), a blank owner where it continues
    one, relative or absolute owners, whether TTL and class are written.
    They join their RRset's TTL, or take the TTL the line inherits there;
    where the $TTL in force would give another, the TTL is written.
    """
    import dns.rdatatype

    if not records:
        return ()
    first = records[0]
    if any(r.owner != first.owner or r.rdtype != first.rdtype for r in records):
        raise ValueError("records inserted at one point share owner and type")
    table = zone.table
    tree = zone.tree
    text = tree.text
    same_owner = zone.index.records_named(first.owner.to_text().lower())
    rdtype = dns.rdatatype.from_text(first.rdtype)
    same_type = [i for i in same_owner if table.rdtype[i] == rdtype]
    written = [i for i in same_owner if editable(zone, i)]
    anchor = next(
        (i for i in reversed(written) if table.rdtype[i] == rdtype),
        written[-1] if written else None,
    )
    new_owner = anchor is None
    if new_owner:
        # A new name joins the records of its type (client CNAMEs beside
        # the others), after the lines that continue that record's owner.
        anchor = _last_of_type(zone, rdtype)
    style: int | None
    if anchor is not None:
        at = tree.span(table.entry[anchor])[1]
        style = anchor
    else:
        at = len(text)
        style = _last_editable_record(zone)
    origin, inherited = _in_force(zone, anchor)
    needed = table.ttl[same_type[0]] if same_type else inherited
    if needed is None:
        # Nothing to inherit here: the TTL of the line followed, written.
        needed = table.ttl[style] if style is not None else 3600
    layout = _Layout(zone, style)
    blank_owner = (
        not new_owner and anchor is not None and layout.blank_owner
    )  # the anchor has this owner and continues the one before it
    write_ttl = layout.writes_ttl or needed != inherited
    following = next_record(zone, anchor) if anchor is not None else None
    if (
        write_ttl
        and following is not None
        and table.flags[following] & TTL_FROM_LAST
        and table.ttl[following] != needed
    ):
        raise CannotEdit("the next record takes its TTL from the line before it")

    newline = zone.source.newline
    lines = []
    for record in records:
        items: list[tuple[str, str]] = []
        if not blank_owner:
            items.append(("owner", _owner_text(record.owner, origin, layout)))
        if write_ttl:
            items.append(("ttl", str(needed)))
        if layout.class_text:
            items.append(("class", layout.class_text))
        type_text = record.rdtype.lower() if layout.lower_type else record.rdtype
        items.append(("type", type_text))
        items.extend((f"rdata{n}", word) for n, word in enumerate(record.rdata))
        lines.append(layout.line(items, blank_owner) + newline)
    inserted = "".join(lines)
    if at == len(text) and text and not text.endswith("\n"):
        inserted = newline + inserted
    return (Edit(at, at, inserted),)


def _last_of_type(zone: Zone, rdtype: int) -> int | None:
    """The last record of *rdtype* in the top file, moved past the records
    after it that repeat its owner with a blank one (they would take the
    new owner)."""
    table = zone.table
    for i in range(len(table) - 1, -1, -1):
        if table.rdtype[i] == rdtype and table.document[i] == 0:
            if not editable(zone, i):
                return None
            last = i
            for j in range(i + 1, len(table)):
                if table.document[j] == 0 and not record_repeats_owner(zone, j):
                    break
                last = j
            if not editable(zone, last):
                return None
            return last
    return None


def _last_editable_record(zone: Zone) -> int | None:
    table = zone.table
    for i in range(len(table) - 1, -1, -1):
        if editable(zone, i):
            return i
    return None


def _in_force(
    zone: Zone, anchor: int | None
) -> tuple[dns.name.Name | None, int | None]:
    """The $ORIGIN and the TTL a record without one would take right after
    record *anchor* of the top file (None: at the end of the file), as
    reading left them there (None for the TTL where it cannot be known: an
    $INCLUDE since the last $TTL, or no TTL at all). PERF and one reading:
    the resolver's state per record and per directive, not a walk."""
    resolved = zone._resolved
    table = resolved.table
    if anchor is None:
        # The last record of the top file ($INCLUDEs may follow it).
        anchor = len(table) - 1
        while anchor >= 0 and table.document[anchor] != 0:
            anchor -= 1
        entry = len(zone.tree)
    else:
        entry = table.entry[anchor] + 1
    marks = resolved.marks
    # The last directive before the place (a $GENERATE's records share its entry).
    at = bisect_left(marks, entry, key=lambda mark: mark.entry) - 1
    mark = marks[at] if at >= 0 else None
    origin_id = 0
    if mark is not None:
        origin_id = mark.origin_id
    if anchor >= 0 and (mark is None or table.entry[anchor] > mark.entry):
        origin_id = table.origin[anchor]
    origin = resolved.in_force[origin_id]
    name = None if origin is None else origin.name
    if mark is None:
        return name, table.ttl[anchor] if anchor >= 0 else None
    if mark.included_at >= 0 and (
        # An included file may set $TTL, or write the last TTL.
        mark.default_ttl is not None
        or anchor < 0
        or table.entry[anchor] < mark.included_at
    ):
        return name, None
    if mark.default_ttl is not None:
        return name, mark.default_ttl
    # No $TTL: the last TTL written, which the last record took or wrote.
    return name, table.ttl[anchor] if anchor >= 0 else None


def _owner_text(
    owner: dns.name.Name, origin: dns.name.Name | None, layout: _Layout
) -> str:
    if layout.absolute_owners or origin is None or not owner.is_subdomain(origin):
        return owner.to_text()
    if owner == origin:
        return "@"
    return owner.relativize(origin).to_text()


class _Layout:
    """How the line a new record follows is written: which fields, at
    which columns, separated by tabs or spaces."""

    def __init__(self, zone: Zone, index: int | None) -> None:
        self.blank_owner = False
        self.absolute_owners = False
        self.writes_ttl = False
        self.class_text = ""
        self.lower_type = False
        self.leading = ""
        #: role -> (column, the blanks before it)
        self.columns: dict[str, tuple[int, str]] = {}
        #: Fields padded to columns (some gap wider than one space), not
        #: separated by one blank or by tabs copied as written.
        self.aligned = False
        if index is None:
            self.tabs = True
            return
        table = zone.table
        tree = zone.tree
        text = tree.text
        start, end = tree.span(table.entry[index])
        fields = fields_between(text, start, end)
        line_end = text.find("\n", start, end)
        line_end = end if line_end < 0 else line_end
        self.blank_owner = repeats_owner(text, start)
        roles: list[str] = []
        type_at = table.rdata_field[index] - 1
        for i, field in enumerate(fields):
            if i == 0 and not self.blank_owner:
                roles.append("owner")
                word = field.text
                self.absolute_owners = word.endswith(".") and word != "."
            elif i < type_at:
                if ttl_or_none(field.text) is not None:
                    roles.append("ttl")
                    self.writes_ttl = True
                else:
                    roles.append("class")
                    self.class_text = field.text
            elif i == type_at:
                roles.append("type")
                self.lower_type = field.text.islower()
            else:
                roles.append(f"rdata{i - type_at - 1}")
        if self.blank_owner:
            self.leading = text[start : fields[0].start] if fields else "\t"
        previous_end = start
        for n, (role, field) in enumerate(zip(roles, fields, strict=True)):
            if field.start > line_end:
                break  # past a line break inside parentheses: no column
            # Only the blanks: a parenthesis or comment between two fields
            # belongs to that line, not to the lines copied from it.
            gap = re.sub(r"[^ \t]", "", text[previous_end : field.start]) or " "
            if n and "\t" not in gap and len(gap) > 1:
                self.aligned = True
            self.columns[role] = (_column(text[start : field.start]), gap)
            previous_end = field.end
        self.tabs = any("\t" in gap for _, gap in self.columns.values())

    def line(self, items: list[tuple[str, str]], blank_owner: bool) -> str:
        out = self.leading if blank_owner else ""
        for n, (role, word) in enumerate(items):
            if n:
                out += self._blanks_before(role, out)
            out += word
        return out

    def _blanks_before(self, role: str, line: str) -> str:
        column, gap = self.columns.get(role, (0, ""))
        if "\t" in gap:
            return gap  # tabs as the line writes them
        if self.aligned:
            return " " * max(1, column - _column(line))
        return "\t" if self.tabs and not gap else " "


def _column(text: str) -> int:
    """The display column after *text*, tabs at every eighth column."""
    return len(text.expandtabs(8))


# ------------------------------------------------------------------ TXT text


def txt_value_edits(
    zone: Zone,
    index: int,
    start: int,
    end: int,
    replacement: str,
    layout: TxtLayout | None = None,
) -> tuple[Edit, ...]:
    """Replace value[start:end] of TXT record *index*, where value is its
    strings joined (as SPF and DMARC read them).

    Where the span lies inside one string written without escapes, only
    those characters change. Otherwise the record's strings are written
    again, cut at 255 bytes. *layout* is the record's, when the caller
    edits or points into it many times.
    """
    require_editable(zone, index)
    edits = (layout or TxtLayout(zone, index)).edits(start, end, replacement)
    if edits is not None:
        return edits
    value = txt_joined([f.text for f in _txt_fields(zone, index)])
    if value is None:
        raise CannotEdit("a string of the record has a broken escape")
    return (rewrite_txt(zone, index, value[:start] + replacement + value[end:]),)


def txt_value_span(
    zone: Zone, index: int, start: int, end: int
) -> tuple[int, int] | None:
    """Where value[start:end] of TXT record *index* is written in its file,
    when it lies inside one string written without escapes."""
    return TxtLayout(zone, index).span(start, end)


class TxtLayout:
    """Where each string of a TXT record's joined value is written, read
    once: a rule that points at or edits many terms of one long record asks
    it for each (PERF: reading the record's fields per term was quadratic)."""

    def __init__(self, zone: Zone, index: int) -> None:
        #: Per string: its text as written (between the quotes), where it
        #: ends in the value, and where it starts in the file.
        self._inner: list[str] = []
        self._value_ends: list[int] = []
        self._file_starts: list[int] = []
        #: The first string written with escapes: value offsets from there
        #: on do not map to the file.
        self._first_escaped: int | None = None
        #: Strings written without quotes.
        self._bare: set[int] = set()
        at = 0
        for n, field in enumerate(_txt_fields(zone, index)):
            quoted = field.text.startswith('"')
            inner = field.text[1:-1] if quoted else field.text
            if "\\" in inner and self._first_escaped is None:
                self._first_escaped = n
            if not quoted:
                self._bare.add(n)
            at += len(inner)
            self._inner.append(inner)
            self._value_ends.append(at)
            self._file_starts.append(field.start + (1 if quoted else 0))

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where value[start:end] is written, when it lies inside one
        string (the first that holds it) written without escapes."""
        n = bisect_left(self._value_ends, end)
        if not self._mapped(n):
            return None
        at = self._value_ends[n - 1] if n else 0
        if start < at:
            return None
        offset = self._file_starts[n] - at
        return offset + start, offset + end

    def edits(self, start: int, end: int, replacement: str) -> tuple[Edit, ...] | None:
        """Edits writing *replacement* for value[start:end] inside the
        strings that hold it, each string keeping its place and staying
        within 255 bytes: the replacement fills the span's part of each
        string in turn, the last taking what is left. None where that
        cannot be done (escapes, a string that would grow too long), and
        the record must be written again."""
        if _UNWRITABLE.search(replacement):
            return None
        first = bisect_right(self._value_ends, start) if end > start else None
        last = bisect_left(self._value_ends, end)
        if first is None or first > last:
            first = last  # an insertion, or an empty span: one string
        if not self._mapped(last):
            return None
        edits = []
        rest = replacement
        for n in range(first, last + 1):
            begin = self._value_ends[n - 1] if n else 0
            part_start = max(start, begin) - begin
            part_end = min(end, self._value_ends[n]) - begin
            written = self._inner[n][part_start:part_end]
            if n == last:
                taken, rest = rest, ""
            else:
                taken, rest = rest[: len(written)], rest[len(written) :]
            size = _bytes(self._inner[n]) - _bytes(written) + _bytes(taken)
            if size > 255:
                return None
            if n in self._bare and _ENDS_UNQUOTED.search(taken):
                # In a string written without quotes, a blank (" ~all")
                # would start another string, read run together ("x~all").
                return None
            at = self._file_starts[n]
            edits.append(Edit(at + part_start, at + part_end, taken))
        return tuple(e for e in edits if e.start != e.end or e.text)

    def _mapped(self, n: int) -> bool:
        """True when value offsets up to string *n* map to the file."""
        return n < len(self._value_ends) and (
            self._first_escaped is None or self._first_escaped > n
        )


#: Text that cannot be written between quotes as it is.
_UNWRITABLE = re.compile(r'["\\\x00-\x1f\x7f]')


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


# What ends an unquoted string in a zone file.
_ENDS_UNQUOTED = re.compile(r'[\s"();]')


def _txt_fields(zone: Zone, index: int) -> list[Field]:
    return zone.fields_of(index)[zone.table.rdata_field[index] :]


# A control character (a NUL, a line break) is no text of a zone file; a
# byte that is no UTF-8 (read as a surrogate, from \\255 or as it was) is
# written as its escape.
_ESCAPED = re.compile(r"[\x00-\x1f\x7f\udc80-\udcff]")


def rewrite_txt(zone: Zone, index: int, value: str) -> Edit:
    """An edit writing *value* as record *index*'s strings, cut at 255
    bytes, in place of the strings it has."""
    fields = _txt_fields(zone, index)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = _ESCAPED.sub(_byte_escape, escaped)
    pieces = split_character_string(f'"{escaped}"')
    return Edit(fields[0].start, fields[-1].end, " ".join(f'"{p}"' for p in pieces))


def _byte_escape(match: re.Match[str]) -> str:
    return f"\\{match.group().encode('utf-8', 'surrogateescape')[0]:03d}"


def split_character_string(text: str, limit: int = 255) -> list[str]:
    """The written string *text* (quoted or not) cut into pieces of at most
    *limit* bytes each, never inside an escape; the pieces as written
    between quotes."""
    inner = text[1:-1] if text.startswith('"') and text.endswith('"') else text
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    k = 0
    while k < len(inner):
        if (
            inner[k] == "\\"
            and inner[k + 1 : k + 4].isdigit()
            and len(inner[k + 1 : k + 4]) == 3
        ):
            unit, width = inner[k : k + 4], 1
        elif inner[k] == "\\":
            unit = inner[k : k + 2]
            width = len(unit[1:].encode("utf-8", "surrogateescape"))
        else:
            unit = inner[k]
            width = len(unit.encode("utf-8", "surrogateescape"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(unit)
        size += width
        k += len(unit)
    pieces.append("".join(current))
    return pieces
