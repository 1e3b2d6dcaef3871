"""Zone origins, read without dnspython where their names are plain.

zonefix hands out an origin as a dnspython Name (Zone.origin, the origin of
a record), but reading a zone of plain names (zonefix.bind.fastpath's shape)
needs only its text. An Origin keeps that text and builds the Name on first
use, so that linting such a zone never imports dnspython (start-up time
counts in a pre-commit hook). A name of another shape (escapes, non-ASCII,
a relative origin given through the API) is read by dnspython at once.
tests/test_cold_start.py holds both readings to dnspython.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zonefix.bind import fastpath

if TYPE_CHECKING:
    import dns.name


class Origin:
    """An origin: its text as dnspython prints its Name, its fast-path key,
    and the Name itself (built when first asked for)."""

    __slots__ = ("_name", "key", "text")

    def __init__(self, text: str, name: dns.name.Name | None = None) -> None:
        #: ``Name.to_text()``: case kept, escapes as dnspython writes them.
        self.text = text
        #: fastpath.origin_key of the Name: lower-case absolute text; None
        #: for a relative name, or one whose text holds escapes.
        self.key: str | None = (
            text.lower() if text.endswith(".") and "\\" not in text else None
        )
        self._name = name

    @classmethod
    def of(cls, name: dns.name.Name) -> Origin:
        """The Origin of a dnspython Name."""
        return cls(name.to_text(), name)

    @property
    def name(self) -> dns.name.Name:
        """The dnspython Name (imported here, on first use)."""
        if self._name is None:
            import dns.name

            # Only plain absolute texts are kept without their Name.
            self._name = dns.name.from_text(self.text)
        return self._name

    @property
    def is_root(self) -> bool:
        return self.key == "."

    def __eq__(self, other: object) -> bool:
        """Equal as dnspython's Names are (case-insensitive)."""
        if not isinstance(other, Origin):
            return NotImplemented
        if self.key is not None or other.key is not None:
            # A plain absolute name equals no name of another shape: those
            # hold a character it cannot hold, or are relative.
            return self.key == other.key
        return bool(self.name == other.name)

    def __hash__(self) -> int:
        return hash(self.key) if self.key is not None else hash(self.name)

    def __repr__(self) -> str:
        return f"Origin({self.text!r})"


def read_name(word: str, origin: Origin | None) -> Origin | None:
    """The absolute name *word* (zone-file text, unquoted) means relative
    to *origin*, as ``dns.name.from_text(to_dns_text(word), origin)`` reads
    it, when both are of the plain shape; None: ask dnspython."""
    if word == "@":
        return origin
    key = fastpath.name_key(word, None if origin is None else origin.key)
    if key is None:
        return None
    if word.endswith("."):
        return Origin(word)
    assert origin is not None  # name_key reads no relative name without one
    return Origin(f"{word}." if origin.is_root else f"{word}.{origin.text}")


def plain_argument(word: str, current: Origin | None) -> Origin | None:
    """The origin a ``$ORIGIN`` or ``$INCLUDE`` argument written as *word*
    sets, relative to the origin *current* in force, where both are plain
    (read_name); None: ask ``bind.facts.origin_argument``, which refuses a
    quoted name and a relative one without an origin."""
    if word.startswith('"') or (current is None and not word.endswith(".")):
        return None
    return read_name(word, current)


def argument_origin(word: str, current: Origin | None) -> Origin:
    """The origin a ``$ORIGIN`` or ``$INCLUDE`` argument written as *word*
    sets, relative to the origin *current* in force: the one reading of it,
    for the resolver and for find_origin's guess before reading. Raises as
    ``bind.facts.origin_argument`` does (NeedOrigin, DNSException)."""
    plain = plain_argument(word, current)
    if plain is not None:
        return plain
    from zonefix.bind.facts import origin_argument

    return Origin.of(origin_argument(word, None if current is None else current.name))
