"""Exact checks of names and of the common rdata types, without dnspython.

dnspython is the reference for what a record's text means, but reading one
with ``dns.rdata.from_text`` costs about 50 µs: most of the time it takes to
read a big zone. Nearly every record of a real zone is of a few types
written in a few plain shapes (``10 mail``, ``192.0.2.1``, ``"v=spf1 -all"``).
For those, this module decides in a microsecond or two that dnspython would
accept the text, and what it means as a *key*: a small hashable value, equal
for two rdata of one type exactly when dnspython's rdata are equal (names
lower-cased and absolute, IPv6 addresses packed, TXT strings as bytes).

Each reader accepts only a narrow shape it understands completely and
returns None for anything else: escapes (but the plain ones of a quoted TXT
string), quotes inside words, non-ASCII,
numbers with signs or wider than their field, IPv6 with an embedded IPv4
address or a zone id, names whose labels hold anything but letters, digits,
``-``, ``_``, ``*`` and ``/``. None means "ask dnspython", never "invalid":
nothing here rejects a record. tests/test_fastpath.py holds every reader to
dnspython, on generated texts near each limit and on every record of the
fixtures, the corpus and the real-world zones.

dnspython is imported only to build rdata objects (build_rdata) or to read
keys from them (key_of_rdata).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from zonefix.addresses import DECIMAL_BYTES
from zonefix.bind.facts import ttl_value, txt_bytes

if TYPE_CHECKING:
    import dns.name
    import dns.rdata

#: What rules compare: str, bytes, or a tuple of ints, strs and bytes.
RdataKey = str | bytes | tuple[object, ...]

# dnspython's type codes, so that reading imports nothing of it.
A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, SPF, CAA = (
    1,
    2,
    5,
    6,
    12,
    15,
    16,
    28,
    33,
    99,
    257,
)
#: The types this module reads.
FAST_TYPES = frozenset({A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, SPF, CAA})

# A name of plain labels, 1 to 63 characters each (the wire limit): characters
# dnspython takes as they are and prints unescaped, so the lower-cased text
# is its canonical form.
_NAME = re.compile(r"(?:[A-Za-z0-9_*/-]{1,63}\.)*[A-Za-z0-9_*/-]{1,63}\.?").fullmatch
#: Whether a word is a name of that shape (the resolver reads owners so).
plain_name = _NAME
# An IPv4 address as dnspython accepts it: four decimal bytes, no leading
# zeros. PERF: the words split at dots and looked up in C cost 2/3 of a
# regular expression, on half the records of a zone.
_BYTES = DECIMAL_BYTES
# An IPv6 address of hex groups and colons (no embedded IPv4, no %zone), as
# dnspython reads it: 8 groups of 1 to 4 digits; or at most 7 around one
# "::", which stands for at least one group of zeros (the count is checked
# apart; the possessive repeats never try the "::" again).
_GROUP = "[0-9A-Fa-f]{1,4}"
_IPV6_FULL = f"{_GROUP}(?::{_GROUP}){{7}}"
_IPV6_SHORT = f"(?:{_GROUP}(?::{_GROUP})*+)?::(?:{_GROUP}(?::{_GROUP})*+)?"
_Match = Callable[[str], "re.Match[str] | None"]
# A quoted string of printable ASCII without '"' or '\'; a bare word of
# printable ASCII without space, '"', '(', ')', ';' or '\'.
_QUOTED = re.compile(r'"([\x20\x21\x23-\x5b\x5d-\x7e]*)"').fullmatch
_BARE = re.compile(r"[\x21\x23-\x27\x2a-\x3a\x3c-\x5b\x5d-\x7e]+").fullmatch
# A quoted TXT string with escapes: a backslash before a printable character
# other than a digit stands for it; before three digits, for that byte.
_QUOTED_ESCAPES = re.compile(
    r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[0-9]{3}|\\[\x20-\x2f\x3a-\x7e])*)"'
).fullmatch
_CAA_TAG = re.compile(r"[A-Za-z0-9]{1,255}").fullmatch
_UINT8, _UINT16, _UINT32 = 0xFF, 0xFFFF, 0xFFFFFFFF


def origin_key(origin: dns.name.Name | None) -> str | None:
    """The key of *origin* that name_key appends to relative names; None
    when names relative to it are left to dnspython (no origin, or one whose
    text holds escapes, where text length is not wire length)."""
    if origin is None or not origin.is_absolute():
        return None
    text: str = origin.to_text().lower()
    return None if "\\" in text else text


def name_key(word: str, origin: str | None) -> str | None:
    """The name *word* means, as lower-case absolute text; None when it is
    not of the plain shape (or is relative and *origin* is None).

    *origin* is an origin_key. Equal keys are equal names, and a key is what
    ``dns.name.from_text(word, origin).to_text().lower()`` gives.
    """
    # PERF: one label of letters and digits (www, mail1), the most common
    # name, is told by str methods (a regular expression costs 3 times more).
    if not (word.isalnum() and word.isascii() and len(word) < 64):
        if word == "@":
            return origin
        if _NAME(word) is None:
            return "." if word == "." else None
        if word[-1] == ".":
            key = word.lower()
            # The wire form is one octet longer than the text: at most 255.
            return key if len(key) < 255 else None
    if origin is None:
        return None
    key = word.lower() + "." if origin == "." else f"{word.lower()}.{origin}"
    return key if len(key) < 255 else None


def _number(word: str, limit: int) -> int | None:
    if len(word) > 10 or not (word.isascii() and word.isdecimal()):
        return None
    value = int(word)
    return value if value <= limit else None


def _ttl(word: str) -> int | None:
    """A TTL-style field (the SOA's timers), as dns.ttl.from_text reads it."""
    return ttl_value(word)


def txt_string(word: str) -> bytes | None:
    """The bytes of the TXT character-string *word*, as dnspython's tokenizer
    reads it, when it is of a shape this module reads; else None."""
    return _txt_string(word)


def _string(word: str) -> str | None:
    """A character-string, quoted or bare, with no escapes."""
    if word[:1] == '"':
        match = _QUOTED(word)
        return None if match is None else match.group(1)
    return word if _BARE(word) is not None else None


def _txt_string(word: str) -> bytes | None:
    """A TXT character-string, as dnspython reads it (its tokenizer's
    unescape_to_bytes): quoted or bare without escapes, or quoted with the
    escapes of _QUOTED_ESCAPES."""
    if "\\" not in word:
        string = _string(word)
        return None if string is None else string.encode("ascii")
    if _QUOTED_ESCAPES(word) is None:
        return None
    return txt_bytes(word)


# ------------------------------------------------------------------ readers
# Each takes the fields of an entry (split as the zone file splits them), the
# index of the first rdata field among them (PERF: no list of the rdata
# fields is made for each record) and the origin_key, and returns the key, or
# None for "ask dnspython".


def _a(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    # dnspython accepts only the canonical text: the text is the key.
    if len(words) != first + 1:
        return None
    text = words[first]
    octets = text.split(".")
    return text if len(octets) == 4 and _BYTES.issuperset(octets) else None


def _aaaa(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    if len(words) != first + 1:
        return None
    text = words[first]
    full, short = _ipv6 or _compile_ipv6()
    head, gap, tail = text.partition("::")
    if gap:
        # At most 7 groups: one a colon, but where "::" starts or ends the
        # text (PERF: counted only of a text of 8 colons or more).
        colons = text.count(":")
        if colons > 7 and colons - (not head) - (not tail) > 7:
            return None
        if short(text) is None:
            return None
        before = head.split(":") if head else []
        after = tail.split(":") if tail else []
        groups = (*before, *_ZERO_GROUPS[len(before) + len(after) :], *after)
    elif full(text) is None:
        return None
    else:
        groups = tuple(text.split(":"))
    # Each group right-aligned in four places, its spaces made zeros (PERF:
    # one format, not a call per group).
    return bytes.fromhex((_EIGHT_GROUPS % groups).replace(" ", "0"))


_ZERO_GROUPS = ("0",) * 8
_EIGHT_GROUPS = "%4s" * 8
_ipv6: tuple[_Match, _Match] | None = None


def _compile_ipv6() -> tuple[_Match, _Match]:
    """The IPv6 shapes' matches (PERF: compiled on first use: a zone without
    AAAA records needs neither)."""
    global _ipv6
    _ipv6 = (re.compile(_IPV6_FULL).fullmatch, re.compile(_IPV6_SHORT).fullmatch)
    return _ipv6


def _target(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    return name_key(words[first], origin) if len(words) == first + 1 else None


def _mx(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    if len(words) != first + 2:
        return None
    preference = _number(words[first], _UINT16)
    exchange = name_key(words[first + 1], origin)
    if preference is None or exchange is None:
        return None
    return (preference, exchange)


def _srv(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    if len(words) != first + 4:
        return None
    priority = _number(words[first], _UINT16)
    weight = _number(words[first + 1], _UINT16)
    port = _number(words[first + 2], _UINT16)
    target = name_key(words[first + 3], origin)
    if priority is None or weight is None or port is None or target is None:
        return None
    return (priority, weight, port, target)


def _soa(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    if len(words) != first + 7:
        return None
    mname = name_key(words[first], origin)
    rname = name_key(words[first + 1], origin)
    serial = _number(words[first + 2], _UINT32)
    timers = [_ttl(word) for word in words[first + 3 :]]
    if mname is None or rname is None or serial is None or None in timers:
        return None
    return (mname, rname, serial, *timers)


def _txt(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    if len(words) <= first:
        return None
    strings = []
    for word in words[first:]:
        string = _txt_string(word)
        # Longer strings are ZF112's: dnspython's refusal says so.
        if string is None or len(string) > 255:
            return None
        strings.append(string)
    return tuple(strings)


def _caa(words: Sequence[str], first: int, origin: str | None) -> RdataKey | None:
    if len(words) != first + 3:
        return None
    flags = _number(words[first], _UINT8)
    tag = words[first + 1]
    value = _string(words[first + 2])
    if flags is None or _CAA_TAG(tag) is None or value is None:
        return None
    # The tag keeps its case: dnspython compares it byte for byte.
    return (flags, tag.encode("ascii"), value.encode("ascii"))


#: A reader: an entry's fields, the first rdata field's index and the
#: origin_key -> the key, or None.
Reader = Callable[[Sequence[str], int, str | None], RdataKey | None]
#: Each type's reader.
READERS: dict[int, Reader] = {
    A: _a,
    AAAA: _aaaa,
    NS: _target,
    CNAME: _target,
    PTR: _target,
    MX: _mx,
    SRV: _srv,
    SOA: _soa,
    TXT: _txt,
    SPF: _txt,
    CAA: _caa,
}


def rdata_key(rdtype: int, words: Sequence[str], origin: str | None) -> RdataKey | None:
    """The key of class-IN rdata of *rdtype* written as *words*, when the
    text is of a shape this module reads (dnspython then accepts it, and its
    rdata equal each other exactly when the keys do); else None.

    *origin* is origin_key(the origin in force).
    """
    reader = READERS.get(rdtype)
    return None if reader is None else reader(words, 0, origin)


# ------------------------------------------------------------ dnspython side


def key_of_rdata(rdata: dns.rdata.Rdata) -> RdataKey:
    """The key of a dnspython rdata: what rdata_key gives for its text where
    rdata_key reads it, so keys from both compare. For other types, the
    digestable wire form dnspython itself compares; where dnspython cannot
    build that (a LOC with an altitude out of range), its text."""
    import dns.ipv6
    import dns.name

    rdtype = int(rdata.rdtype)
    # The fields of the rdata's class (dnspython declares them per class).
    value: Any = rdata
    if rdtype == A:
        return str(value.address)
    if rdtype == AAAA:
        return dns.ipv6.inet_aton(value.address)
    if rdtype in (NS, CNAME, PTR):
        return _name_key_of(value.target)
    if rdtype == MX:
        return (value.preference, _name_key_of(value.exchange))
    if rdtype == SRV:
        return (value.priority, value.weight, value.port, _name_key_of(value.target))
    if rdtype == SOA:
        return (
            _name_key_of(value.mname),
            _name_key_of(value.rname),
            value.serial,
            value.refresh,
            value.retry,
            value.expire,
            value.minimum,
        )
    if rdtype in (TXT, SPF):
        return tuple(value.strings)
    if rdtype == CAA:
        return (value.flags, value.tag, value.value)
    try:
        return rdata.to_digestable()
    except dns.name.NeedAbsoluteNameOrOrigin:
        # As dnspython's __eq__: relative rdata never equal absolute rdata.
        return ("relative", rdata.to_digestable(dns.name.root))
    except Exception:
        return ("text", rdata.to_text())


def _name_key_of(name: dns.name.Name) -> str:
    return str(name.to_text()).lower()


@lru_cache(maxsize=64)
def _cached_origin_key(origin: dns.name.Name) -> str | None:
    return origin_key(origin)


def build_rdata(
    rdtype: int, words: Sequence[str], origin: dns.name.Name | None
) -> dns.rdata.Rdata | None:
    """The dnspython rdata of class IN that *words* mean, built without
    dnspython's text parser, where rdata_key reads them; else None. It equals
    ``dns.rdata.from_text`` 's, and prints the same (names keep their case)."""
    key = rdata_key(
        rdtype, words, None if origin is None else _cached_origin_key(origin)
    )
    if key is None:
        return None
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    in_class = dns.rdataclass.IN
    enum = dns.rdatatype.RdataType(rdtype)
    cls: Any = dns.rdata.get_rdata_class(in_class, enum)  # type: ignore[no-untyped-call]
    rdata: dns.rdata.Rdata
    if rdtype in (TXT, SPF):
        rdata = cls(in_class, enum, key)
    elif rdtype == CAA:
        rdata = cls(in_class, enum, *key)
    elif rdtype in (A, AAAA):
        rdata = cls(in_class, enum, words[0])
    elif rdtype in (NS, CNAME, PTR):
        rdata = cls(in_class, enum, _name(words[0], origin))
    elif rdtype == MX:
        rdata = cls(in_class, enum, key[0], _name(words[1], origin))
    elif rdtype == SRV:
        rdata = cls(in_class, enum, *key[:3], _name(words[3], origin))
    else:
        # SOA
        mname, rname = _name(words[0], origin), _name(words[1], origin)
        rdata = cls(in_class, enum, mname, rname, *key[2:])
    return rdata


def _name(word: str, origin: dns.name.Name | None) -> dns.name.Name:
    """The name *word* of the plain shape means, its case kept."""
    import dns.name

    if word == "@":
        assert origin is not None
        return origin
    if word == ".":
        return dns.name.root
    labels = [label.encode("ascii") for label in word.split(".")]
    if labels[-1] == b"":
        return dns.name.Name(labels)
    assert origin is not None
    return dns.name.Name([*labels, *origin.labels])
