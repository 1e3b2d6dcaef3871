"""JSON read with the place of every value, for writing fixes back.

The standard ``json`` module gives values but not where they are written,
and a fix must change only the characters of the value it names (keeping
the file's key order, indentation, escapes and number formatting). This
reader follows RFC 8259 exactly and keeps, for every value, its start and
end offsets in the text; the strings' and numbers' values themselves are
what ``json`` makes of their text, so both agree by construction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
#: Nesting deeper than any export writes: refused, not a stack overflow.
MAX_DEPTH = 200


class JsonError(ValueError):
    """Text that is not JSON, at *offset*."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass
class Node:
    """One JSON value and where it is written: text[start:end]."""

    kind: str  # "object", "array", "string", "number", "literal"
    start: int
    end: int
    #: A scalar's value (for a container: None).
    value: object = None
    #: An array's items.
    items: list[Node] = field(default_factory=list)
    #: An object's members in written order: (key, key node, value node).
    members: list[tuple[str, Node, Node]] = field(default_factory=list)

    def get(self, key: str, *, fold: bool = False) -> Node | None:
        """The value of member *key* (the first, if written twice); with
        *fold*, keys compare case-insensitively (Azure's casing varies)."""
        for name, _, value in self.members:
            if name == key or (fold and name.lower() == key.lower()):
                return value
        return None

    def member(self, key: str, *, fold: bool = False) -> tuple[str, Node, Node] | None:
        for entry in self.members:
            if entry[0] == key or (fold and entry[0].lower() == key.lower()):
                return entry
        return None


def parse_values(text: str) -> list[Node]:
    """Every JSON value of *text*, one after the other (a saved page, or
    several pages written into one file). Raises JsonError."""
    values = []
    at = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if at == len(text):
        raise JsonError("the file is empty: no JSON value", 0)
    while at < len(text):
        node = _value(text, at, 0)
        values.append(node)
        at = _WS.match(text, node.end).end()  # type: ignore[union-attr]
    return values


def _value(text: str, at: int, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise JsonError(f"nested more than {MAX_DEPTH} deep", at)
    if at >= len(text):
        raise JsonError("the text ends where a value should be", at)
    char = text[at]
    if char == "{":
        return _object(text, at, depth)
    if char == "[":
        return _array(text, at, depth)
    if char == '"':
        match = _STRING.match(text, at)
        if match is None:
            raise JsonError("a string that is not closed or has a bad escape", at)
        return Node("string", at, match.end(), json.loads(match.group()))
    number = _NUMBER.match(text, at)
    if number is not None and number.end() > at:
        return Node("number", at, number.end(), json.loads(number.group()))
    for word, value in _LITERALS.items():
        if text.startswith(word, at):
            return Node("literal", at, at + len(word), value)
    raise JsonError(f"unexpected {text[at]!r} where a value should be", at)


def _skip(text: str, at: int) -> int:
    return _WS.match(text, at).end()  # type: ignore[union-attr]


def _object(text: str, start: int, depth: int) -> Node:
    node = Node("object", start, start)
    at = _skip(text, start + 1)
    if text.startswith("}", at):
        node.end = at + 1
        return node
    while True:
        if not text.startswith('"', at):
            raise JsonError("expected a key in double quotes", at)
        key = _value(text, at, depth + 1)
        at = _skip(text, key.end)
        if not text.startswith(":", at):
            raise JsonError("expected ':' after the key", at)
        value = _value(text, _skip(text, at + 1), depth + 1)
        node.members.append((str(key.value), key, value))
        at = _skip(text, value.end)
        if text.startswith(",", at):
            at = _skip(text, at + 1)
            continue
        if text.startswith("}", at):
            node.end = at + 1
            return node
        raise JsonError("expected ',' or '}' in an object", at)


def _array(text: str, start: int, depth: int) -> Node:
    node = Node("array", start, start)
    at = _skip(text, start + 1)
    if text.startswith("]", at):
        node.end = at + 1
        return node
    while True:
        item = _value(text, at, depth + 1)
        node.items.append(item)
        at = _skip(text, item.end)
        if text.startswith(",", at):
            at = _skip(text, at + 1)
            continue
        if text.startswith("]", at):
            node.end = at + 1
            return node
        raise JsonError("expected ',' or ']' in an array", at)


def string_like(original: str, value: str) -> str:
    """*value* as a JSON string written as *original* (a string's text) is:
    non-ASCII characters kept as they are unless the original escapes them
    (``\\u00e9``), ``/`` escaped where the original escapes it."""
    ascii_only = "\\u" in original and original.isascii()
    written = json.dumps(value, ensure_ascii=ascii_only)
    if "\\/" in original:
        written = written.replace("/", "\\/")
    return written
