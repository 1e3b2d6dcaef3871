"""Writing into JSON in the file's own layout: shared by the JSON exports.

Edits are splices of the original text: a value's characters replaced, an
array item cut out with the separator on one side of it, a new item
written as a copy of its neighbour (same indentation, same key order, same
quoting) with its values substituted.
"""

from __future__ import annotations

from zonefix.diagnostics import Edit
from zonefix.formats.jsontext import Node, string_like


def replace_string(text: str, node: Node, value: str) -> Edit:
    """Write *value* over string *node*, escaped as the file escapes."""
    return Edit(node.start, node.end, string_like(text[node.start : node.end], value))


def replace_number(node: Node, value: int) -> Edit:
    return Edit(node.start, node.end, str(value))


def cut_item(array: Node, item: Node) -> Edit:
    """Delete *item* of *array* with the separator before or after it, so
    the items left keep their layout."""
    items = array.items
    at = next(i for i, it in enumerate(items) if it is item)
    if at + 1 < len(items):
        return Edit(item.start, items[at + 1].start, "")
    if at > 0:
        return Edit(items[at - 1].end, item.end, "")
    return Edit(item.start, item.end, "")


def separator(text: str, array: Node) -> str:
    """What the file writes between two items of *array*: the text between
    two of them, or "," and the layout before its first item."""
    items = array.items
    if len(items) >= 2:
        return text[items[-2].end : items[-1].start]
    if items:
        return "," + text[array.start + 1 : items[0].start]
    return ", "


def render(text: str, node: Node, substitutions: dict[tuple[int, int], str]) -> str:
    """The text of *node* with the spans (absolute offsets, inside the node,
    not overlapping) replaced."""
    out = []
    at = node.start
    for (start, end), new in sorted(substitutions.items()):
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at : node.end])
    return "".join(out)


def append_items(text: str, array: Node, rendered: list[str]) -> Edit:
    """Add *rendered* items at the end of *array*, laid out as its items."""
    sep = separator(text, array)
    if not array.items:
        return Edit(array.start + 1, array.start + 1, ", ".join(rendered))
    return Edit(
        array.items[-1].end, array.items[-1].end, "".join(sep + r for r in rendered)
    )


def insert_before(text: str, array: Node, before: Node, rendered: list[str]) -> Edit:
    """Add *rendered* items just before item *before* of *array*."""
    sep = separator(text, array)
    return Edit(before.start, before.start, "".join(r + sep for r in rendered))


def insert_after(text: str, array: Node, after: Node, rendered: list[str]) -> Edit:
    """Add *rendered* items just after item *after* of *array*."""
    sep = separator(text, array)
    return Edit(after.end, after.end, "".join(sep + r for r in rendered))
