"""Facts of BIND's reading that many parts of zonefix ask, each worked out
here once so that no two copies can disagree (issue 12): whether a line
writes its owner, whether a record can be edited in place, what a
``$ORIGIN`` argument or a TTL reads as, and what a TXT string's escapes
stand for. What the directives leave in force at each line is the
resolver's to say (ResolvedZone.marks), not worked out again.

It imports nothing of zonefix but CannotEdit (document.py), so that the
resolver can ask it as well as the edits, the fixer and the rules; and it
is cheap: the resolver asks whether a line writes its owner of every line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dns.name

    from zonefix.zone import Zone

# Pattern strings: re compiles (and caches) them on first use, not at import.
_NON_ASCII = r"[^\x00-\x7f]+"
# An escape of a quoted or bare string: a backslash and three digits (a
# byte), or a backslash and one character (that character).
#: An escape as BIND reads it: \\DDD (a byte) or \\X (the character X).
ESCAPE = r"\\(?:([0-9]{3})|([^0-9]))"
_ESCAPE = ESCAPE.encode("ascii")


#: A name dnspython writes back as it is: printable ASCII but for the
#: characters it escapes ("().;\\@$), so that its canonical key is its text,
#: lower-cased (others go through dnspython for their key).
PLAIN_NAME = r"[!#%&\'*+,\-./0-9:<=>?A-Z\[\]^_`a-z{|}~]+"
#: One character of a label of a PLAIN_NAME: any of its characters but ".".
PLAIN_LABEL_CHARACTER = r"[!#%&\'*+,\-/0-9:<=>?A-Z\[\]^_`a-z{|}~]"


def plain_name_match(text: str) -> re.Match[str] | None:
    """Whether *text* is all a PLAIN_NAME (its match)."""
    return plain_name_pattern().fullmatch(text)


@cache
def plain_name_pattern() -> re.Pattern[str]:
    """PLAIN_NAME compiled, on first use: a read that asks no name this
    never compiles it."""
    return re.compile(PLAIN_NAME)


def to_dns_text(text: str) -> str:
    """*text* with every non-ASCII character written as \\DDD byte escapes.

    BIND reads a zone file as bytes: a raw byte in a TXT string or a UTF-8
    label is that byte on the wire. dnspython would run names through IDNA and
    refuse undecodable bytes, so zonefix hands it the bytes spelled out.
    """
    if text.isascii():
        return text
    return re.sub(
        _NON_ASCII,
        lambda m: "".join(
            f"\\{b:03d}" for b in m.group().encode("utf-8", "surrogateescape")
        ),
        text,
    )


# A TTL with units, as dns.ttl reads it (1h30m, 2W); bounded in length.
_TTL_UNITS = r"(?:[0-9]{1,10}[WDHMSwdhms]){1,8}"
_TTL_PART = r"([0-9]+)([WDHMSwdhms])"
_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_UINT32 = 0xFFFFFFFF


def ttl_value(word: str) -> int | None:
    """*word* as dns.ttl.from_text reads it (seconds, or units as in 1h30m),
    when it is of a shape read here; else None (ask dnspython)."""
    if word.isascii() and word.isdecimal():
        if len(word) > 10:
            return None
        value = int(word)
        return value if value <= _UINT32 else None
    if re.fullmatch(_TTL_UNITS, word) is None:
        return None
    total = sum(
        int(n) * _SECONDS[unit.lower()] for n, unit in re.findall(_TTL_PART, word)
    )
    return total if total <= _UINT32 else None


def ttl_or_none(word: str) -> int | None:
    """The TTL *word* writes (3600, 1h30m), or None: as dns.ttl.from_text
    reads it (the fast path's reading where it reads it: PERF, no
    dnspython import for a plain zone)."""
    if word[:1] not in "0123456789" or not word:
        return None  # dnspython's TTLs start with a digit
    value = ttl_value(word)
    if value is not None:
        return value
    import dns.exception
    import dns.ttl

    try:
        return dns.ttl.from_text(word)
    except dns.exception.DNSException:
        return None


# ------------------------------------------------------------------ owner

#: The characters that start a record line which writes no owner, and so
#: repeats the owner of the record before it: the blanks of the grammar
#: (space and tab, as dnspython's tokenizer and BIND take them; a lone
#: carriage return ends a line, as in BIND).
LEADING_BLANKS = " \t"


def repeats_owner(text: str, start: int) -> bool:
    """Whether the record line starting at offset *start* of *text* writes
    no owner (it starts with a blank) and repeats the one before it."""
    return text[start] in LEADING_BLANKS


def record_repeats_owner(zone: Zone, index: int) -> bool:
    """Whether the line of record *index* writes no owner (never true of a
    record made by $GENERATE: the directive names its owners)."""
    tree = zone.document_of(index).tree
    return tree.text[tree.entry_starts[zone.table.entry[index]]] in LEADING_BLANKS


# ------------------------------------------------------------------ editing

#: Why a record cannot be edited in place (editable is False).
NOT_EDITABLE = "the record is in an included file or made by $GENERATE"


def editable(zone: Zone, index: int) -> bool:
    """Whether record *index* is written on a line of its own in the file
    zonefix fixes: not in a file the zone $INCLUDEs (never written to) and
    not made by a $GENERATE line (whose text is a template)."""
    table = zone.table
    return table.document[index] == 0 and index not in table.generated


def require_editable(zone: Zone, index: int) -> None:
    """Raise CannotEdit where record *index* is not editable."""
    if not editable(zone, index):
        from zonefix.document import CannotEdit

        raise CannotEdit(NOT_EDITABLE)


# ------------------------------------------------------------------ directives


class NeedOrigin(Exception):
    """A relative name where no origin is known (the resolver's ZF003)."""


def origin_argument(word: str, current: dns.name.Name | None) -> dns.name.Name:
    """The origin a ``$ORIGIN`` (or ``$INCLUDE``) argument written as
    *word* sets, relative to the origin *current* in force.

    Raises NeedOrigin for a relative name without an origin, and
    dns.exception.DNSException for a word that is no name. A quoted name
    is none: BIND ("unbalanced quotes") and dnspython ("expecting an
    identifier") refuse it.
    """
    import dns.exception
    import dns.name

    if word.startswith('"'):
        raise dns.exception.SyntaxError(  # type: ignore[no-untyped-call]
            "a quoted name is no origin"
        )
    if current is None and not word.endswith("."):
        raise NeedOrigin
    name = dns.name.from_text(to_dns_text(word), current)
    if not name.is_absolute():
        # "x\." only looks absolute: its last dot is escaped.
        raise NeedOrigin
    return name


# ------------------------------------------------------------------ TXT strings


def txt_bytes(word: str) -> bytes | None:
    """The bytes a character-string written as *word* (quoted or bare)
    stands for, BIND's escapes read: ``\\DDD`` the byte DDD, ``\\X`` the
    character X. Raw bytes of the file (read as surrogates) stay those
    bytes. None where an escape is broken (``\\DDD`` over 255, a backslash
    before fewer than three digits or at the end), as dnspython and BIND
    refuse it."""
    inner = word[1:-1] if word[:1] == '"' and len(word) >= 2 else word
    raw = inner.encode("utf-8", "surrogateescape")
    if b"\\" not in raw:
        return raw
    out = bytearray()
    at = 0
    for match in re.finditer(_ESCAPE, raw, re.DOTALL):
        if match.start() != at and b"\\" in raw[at : match.start()]:
            return None  # a backslash no escape reads
        out += raw[at : match.start()]
        digits, char = match.groups()
        if digits is not None:
            value = int(digits)
            if value > 0xFF:
                return None
            out.append(value)
        else:
            out += char
        at = match.end()
    if b"\\" in raw[at:]:
        return None
    out += raw[at:]
    return bytes(out)


def txt_text(word: str) -> str | None:
    """txt_bytes as text, each byte that is no UTF-8 kept as a surrogate
    (as zonefix reads a file): written back, it is that byte again."""
    if "\\" not in word:
        return word[1:-1] if word[:1] == '"' and len(word) >= 2 else word
    value = txt_bytes(word)
    return None if value is None else value.decode("utf-8", "surrogateescape")


def txt_joined(words: Sequence[str]) -> str | None:
    """A TXT record's strings as written, joined (as SPF, DMARC and DKIM
    read them); None where one has a broken escape.

    PERF: read from the text, not the rdata built again (which cost more
    than all the mail rules together on a big zone); a string without an
    escape is its own value."""
    parts = []
    for word in words:
        part = txt_text(word)
        if part is None:
            return None
        parts.append(part)
    return "".join(parts)
