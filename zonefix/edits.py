"""Fixes stated in tree terms, lowered to text edits (SPEC §4).

Rules say what to do ("delete this record"); these helpers turn that into
Edit spans on the record's file, so that nothing they do not name changes:
deleting a record never changes another record's meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zonefix.diagnostics import Edit
from zonefix.semantic import TTL_FROM_LAST, TTL_WRITTEN, ttl_or_none
from zonefix.syntax.nodes import EntryKind, Field, fields_between

if TYPE_CHECKING:
    from zonefix.zone import Zone


class CannotEdit(Exception):
    """The change cannot be made as a plain edit of the top file."""


def delete_record(zone: Zone, index: int) -> tuple[Edit, ...]:
    """Delete record *index*, its comments and line breaks included.

    When the next record inherits what this line wrote (a blank owner
    repeats this owner; with no $TTL, a record without a TTL takes the last
    TTL written), that owner or TTL moves onto the next record's line.
    """
    table = zone.table
    if table.document[index] != 0 or index in table.generated:
        raise CannotEdit("the record is in an included file or made by $GENERATE")
    tree = zone.tree
    entry = table.entry[index]
    start, end = tree.span(entry)
    text = tree.text
    fields = fields_between(text, start, end)
    owner_written = text[start] not in " \t\r"
    edits = [Edit(start, end, "")]

    following = _next_record(zone, index)
    if following is None:
        return tuple(edits)
    next_start, next_end = tree.span(table.entry[following])
    next_fields = fields_between(text, next_start, next_end)
    next_blank = text[next_start] in " \t\r"
    first = 1 if owner_written else 0
    carry_owner = owner_written and next_blank
    carry_ttl = bool(
        table.flags[index] & TTL_WRITTEN and table.flags[following] & TTL_FROM_LAST
    )
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


def _next_record(zone: Zone, index: int) -> int | None:
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
