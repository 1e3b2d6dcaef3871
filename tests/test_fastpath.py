"""The fast path (zonefix/bind/fastpath.py) against dnspython, its reference.

For every text it reads, dnspython must accept the text too, the key must be
the one key_of_rdata gives for dnspython's rdata, and the rdata build_rdata
makes must equal dnspython's and print the same. Two texts' keys must be
equal exactly when dnspython's rdata are. Texts it declines are only checked
to be declined, never guessed at. The texts: generated ones near every
limit (label and name lengths, number widths, IPv4 and IPv6 forms, string
lengths, quoting, CAA tags), then every record of the fixtures, of
../shared/corpus and of ../shared/realworld, read once with the fast path
and once without it: the same table and findings.

ZONEFIX_FASTPATH_EXAMPLES=200000 runs the generated part at length.
"""

from __future__ import annotations

import ipaddress
import os
import string
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import zonefix
import zonefix.index
from tests.conftest import CORPUS, ROOT, corpus_zones
from zonefix.bind import fastpath
from zonefix.bind.fastpath import RdataKey
from zonefix.bind.resolver import LONG_STRING, split_fields, to_dns_text
from zonefix.bind.syntax.nodes import fields_between
from zonefix.dotless import TARGET_FIELDS
from zonefix.zone import Zone

IN = dns.rdataclass.IN
REALWORLD = ROOT.parent / "shared" / "realworld"
EXAMPLES = int(os.environ.get("ZONEFIX_FASTPATH_EXAMPLES", "600"))


# ------------------------------------------------------------------ oracle


def reference(rdtype: int, words: list[str], origin: dns.name.Name | None) -> object:
    """dnspython's rdata for *words*, as the resolver asks for it; None when
    it refuses them (or they need an origin and there is none)."""
    try:
        rdata = dns.rdata.from_text(
            IN,
            dns.rdatatype.RdataType(rdtype),
            to_dns_text(" ".join(words)),
            origin,
            relativize=False,
        )
    except Exception:
        return None
    if origin is None:
        try:
            rdata.to_digestable()
        except dns.name.NeedAbsoluteNameOrOrigin:
            return None
    return rdata


def check(
    rdtype: int, words: list[str], origin: dns.name.Name | None
) -> tuple[RdataKey | None, dns.rdata.Rdata | None]:
    """The fast path's key and dnspython's rdata for *words*, after checking
    that the fast path reads nothing dnspython refuses, and reads it alike."""
    key = fastpath.rdata_key(rdtype, words, fastpath.origin_key(origin))
    rdata = reference(rdtype, words, origin)
    assert rdata is None or isinstance(rdata, dns.rdata.Rdata)
    if key is not None:
        assert rdata is not None, f"fast path read what dnspython refuses: {words}"
        assert key == fastpath.key_of_rdata(rdata), words
        built = fastpath.build_rdata(rdtype, words, origin)
        assert built is not None
        assert built == rdata, words
        assert built.to_text() == rdata.to_text(), words
    return key, rdata


def same_meaning(
    rdtype: int, first: list[str], second: list[str], origin: dns.name.Name | None
) -> None:
    """Keys (the fast path's, else key_of_rdata's) are equal exactly when
    dnspython's rdata are."""
    key1, rdata1 = check(rdtype, first, origin)
    key2, rdata2 = check(rdtype, second, origin)
    if rdata1 is None or rdata2 is None:
        return
    if key1 is None:
        key1 = fastpath.key_of_rdata(rdata1)
    if key2 is None:
        key2 = fastpath.key_of_rdata(rdata2)
    assert (key1 == key2) == (rdata1 == rdata2), (first, second)


# -------------------------------------------------------------- generators

PLAIN = string.ascii_letters + string.digits + "-_*/"
ODD = "\\.@$\"();' \t+=#:%~!éß\u0663"


@st.composite
def labels(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["plain"] * 6 + ["edge", "odd"]))
    if kind == "edge":
        # Around the 63-octet limit.
        size = draw(st.integers(61, 65))
        return draw(st.text(PLAIN, min_size=size, max_size=size))
    if kind == "odd":
        return draw(st.text(PLAIN + ODD, min_size=0, max_size=8))
    return draw(st.text(PLAIN, min_size=1, max_size=10))


@st.composite
def names(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["labels"] * 6 + ["long", "special"]))
    if kind == "special":
        return draw(
            st.sampled_from(
                [
                    "@",
                    ".",
                    "..",
                    "a..b",
                    ".a",
                    "@.",
                    "a.@",
                    "a@b",
                    "\\@",
                    "*",
                    "*.",
                    "\\065.b",
                    "a\\.b",
                    "xn--bcher-kva",
                    "Bücher",
                    "MAIL.Example.NET.",
                    "a/b.c",
                    "-a-.b_",
                ]
            )
        )
    if kind == "long":
        # Around the 255-octet limit, with or without the origin.
        target = draw(st.integers(200, 258))
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < target:
            size = draw(st.integers(1, 63))
            parts.append(draw(st.text(PLAIN, min_size=size, max_size=size)))
        name = ".".join(parts)
    else:
        name = ".".join(draw(st.lists(labels(), min_size=1, max_size=5)))
    return name + "." if draw(st.booleans()) else name


NUMBER_EDGES = [
    "0",
    "1",
    "00",
    "007",
    "255",
    "256",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "99999999999",
    "00000000001",
    "-1",
    "+1",
    "1_0",
    "0x10",
    "1e3",
    "",
    "\u0661",
    "\u00b2",
    "\uff11",
]


def mostly(
    valid: st.SearchStrategy[str], *edges: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """*valid* three times in four: so that most texts are accepted, and the
    keys of accepted texts get compared, while the edges are still drawn.
    (st.one_of(valid, valid, ...) would not do: it draws each strategy once.)"""
    edge = st.one_of(*edges)
    return st.integers(0, 3).flatmap(lambda n: valid if n else edge)


def numbers(limit: int = 65535) -> st.SearchStrategy[str]:
    return mostly(
        st.one_of(st.integers(0, limit).map(str), st.integers(0, 300).map(str)),
        st.sampled_from(NUMBER_EDGES),
        st.integers(0, 2**33).map(str),
        st.text("0123456789", min_size=1, max_size=12),
    )


def ttls() -> st.SearchStrategy[str]:
    unit = st.sampled_from("wdhmsWDHMSx")
    part = st.tuples(st.text("0123456789", max_size=11), unit).map("".join)
    valid_part = st.tuples(st.integers(0, 99).map(str), st.sampled_from("wdhmsWDHMS"))
    return mostly(
        st.one_of(
            numbers(2**32 - 1),
            st.lists(valid_part.map("".join), min_size=1, max_size=3).map("".join),
        ),
        st.lists(part, min_size=1, max_size=3).map("".join),
        st.sampled_from(
            [
                *("1h", "1H", "1h30m", "2w", "1d2h", "1w1w", "h", "1h1", "1hh"),
                *("1x", "4294967295s", "4294967296s", "71582788m", "71582789m"),
            ]
        ),
    )


IPV4_PARTS = ["0", "1", "9", "10", "99", "100", "199", "200", "249", "250"]
IPV4_PARTS += ["255", "256", "01", "00", "001", "300", "1000", "", " 1", "a"]


def ipv4s() -> st.SearchStrategy[str]:
    return mostly(
        st.lists(st.integers(0, 255).map(str), min_size=4, max_size=4).map(".".join),
        st.lists(st.sampled_from(IPV4_PARTS), min_size=3, max_size=5).map(".".join),
    )


@st.composite
def ipv6s(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["groups", "address", "address", "special"]))
    if kind == "special":
        return draw(
            st.sampled_from(
                [
                    "::",
                    ":::",
                    "::1",
                    "1::",
                    ":1::",
                    "::1:",
                    "1:2:3:4:5:6:7::",
                    "::1:2:3:4:5:6:7",
                    "1:2:3:4:5:6:7:8",
                    "1:2:3:4:5:6:7:8:9",
                    "1:2:3:4::5:6:7:8",
                    "1::2::3",
                    "::ffff:1.2.3.4",
                    "::1.2.3.4",
                    "::ffff:01.2.3.4",
                    "fe80::1%eth0",
                    "g::1",
                    "12345::1",
                    "2001:DB8::1",
                    "2001:db8:0:0:0:0:0:1",
                ]
            )
        )
    if kind == "address":
        packed = draw(st.binary(min_size=16, max_size=16))
        address = ipaddress.IPv6Address(packed)
        text = draw(st.sampled_from([address.compressed, address.exploded]))
        return text.upper() if draw(st.booleans()) else text
    groups = draw(
        st.lists(st.text("0123456789abcdefABCDEF", max_size=5), min_size=1, max_size=9)
    )
    text = ":".join(groups)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "::" + text[at:]
    if draw(st.integers(0, 9)) == 0:
        text += draw(st.sampled_from([":1.2.3.4", ".1", "%1", ":"]))
    return text


@st.composite
def strings(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["quoted", "quoted", "bare", "long", "odd"]))
    printable = string.printable.replace("\n", "").replace("\r", "")
    if kind == "long":
        # Around the 255-octet limit of a character-string.
        size = draw(st.integers(250, 260))
        return '"' + draw(st.text("ab =;", min_size=size, max_size=size)) + '"'
    if kind == "bare":
        return draw(
            st.text(string.ascii_letters + string.digits + "=:-.@$!", min_size=1)
        )
    if kind == "odd":
        pieces = st.sampled_from(
            [
                *("\\065", "\\256", "\\255", "\\09", "\\0", '\\"', "\\\\"),
                *("\\;", "\\a", "\\ ", "é", "\t", ";", "()"),
            ]
        )
        body = "".join(draw(st.lists(st.one_of(pieces, st.text("ab ")), max_size=4)))
        return f'"{body}"' if draw(st.booleans()) else body
    return '"' + draw(st.text(printable.replace('"', "").replace("\\", ""))) + '"'


def caa_tags() -> st.SearchStrategy[str]:
    return mostly(
        st.sampled_from(["issue", "issuewild", "iodef", "Issue", "tbs"]),
        st.sampled_from(
            [
                *("issue", "issuewild", "iodef", "ISSUE", "Issue", '"issue"', '""'),
                *("is-sue", "tbs", "1", "é", "a" * 255, "a" * 256),
            ]
        ),
        st.text(string.ascii_letters + string.digits, min_size=1, max_size=12),
    )


def rdata_words(rdtype: int) -> st.SearchStrategy[list[str]]:
    """Texts of *rdtype*'s rdata, mostly of its shape, some not."""
    fields: dict[int, list[st.SearchStrategy[str]]] = {
        fastpath.A: [ipv4s()],
        fastpath.AAAA: [ipv6s()],
        fastpath.NS: [names()],
        fastpath.CNAME: [names()],
        fastpath.PTR: [names()],
        fastpath.MX: [numbers(), names()],
        fastpath.SRV: [numbers(), numbers(), numbers(), names()],
        fastpath.SOA: [
            *(names(), names(), numbers(2**32 - 1)),
            *(ttls(), ttls(), ttls(), ttls()),
        ],
        fastpath.CAA: [numbers(255), caa_tags(), strings()],
    }
    if rdtype in (fastpath.TXT, fastpath.SPF):
        shaped = st.lists(strings(), min_size=0, max_size=4)
    else:
        shaped = st.tuples(*fields[rdtype]).map(list)
    # Now and then a field too many or too few.
    odd = st.one_of(
        st.tuples(shaped, st.sampled_from(["x", "1", '"x"'])).map(
            lambda t: [*t[0], t[1]]
        ),
        shaped.map(lambda words: words[:-1]),
    )
    return st.integers(0, 7).flatmap(lambda n: shaped if n else odd)


ORIGINS = [
    None,
    dns.name.root,
    dns.name.from_text("example.net."),
    dns.name.from_text("Example.NET."),
    # Long origins: relative names end up around the 255-octet limit.
    dns.name.from_text(".".join(["o" * 63, "p" * 63, "q" * 63, "r" * 40]) + "."),
    dns.name.from_text(".".join(["o" * 63, "p" * 63, "q" * 63, "r" * 8]) + "."),
    # One whose text holds escapes: names relative to it go to dnspython.
    dns.name.from_text("a\\.b.example."),
]


def variant(
    draw: st.DrawFn, words: list[str], origin: dns.name.Name | None
) -> list[str]:
    """*words* written another way: case, leading zeros, quoting, absolute
    or relative names, IPv6 spelling. Often the same rdata, not always."""
    origin_text = origin.to_text() if origin is not None else None
    out = []
    for word in words:
        how = draw(st.sampled_from(["same", "same", "case", "shape"]))
        if how == "case":
            word = draw(st.sampled_from([word.lower(), word.upper(), word.swapcase()]))
        elif how == "shape":
            if word.isdecimal() and word.isascii():
                word = "0" + word
            elif word.startswith('"') and word.endswith('"') and len(word) > 2:
                word = word[1:-1]
            elif word and '"' not in word and " " not in word:
                if ":" in word:
                    try:
                        address = ipaddress.IPv6Address(word)
                        word = draw(
                            st.sampled_from([address.exploded, address.compressed])
                        )
                    except ValueError:
                        pass
                elif origin_text and word == origin_text:
                    word = "@"
                elif origin_text and word == "@":
                    word = origin_text
                elif origin_text and not word.endswith("."):
                    word = f"{word}.{origin_text}" if origin_text != "." else word + "."
                else:
                    word = f'"{word}"'
        out.append(word)
    return out


def as_fields(words: list[str]) -> list[str]:
    """The fields the resolver sees for these words (comments and
    parentheses in them do what they do in a zone file)."""
    text = " ".join(words)
    return split_fields(text, 0, len(text)) if text else []


FAST_TYPES = sorted(fastpath.FAST_TYPES)
# Built once: hypothesis validates a strategy the first time it draws from it.
WORDS_OF_TYPE = {rdtype: rdata_words(rdtype) for rdtype in FAST_TYPES}


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, list[str], list[str], dns.name.Name | None]:
    rdtype = draw(st.sampled_from(FAST_TYPES))
    origin = draw(st.sampled_from(ORIGINS))
    words = draw(WORDS_OF_TYPE[rdtype])
    other = (
        variant(draw, words, origin)
        if draw(st.booleans())
        else draw(WORDS_OF_TYPE[rdtype])
    )
    return rdtype, as_fields(words), as_fields(other), origin


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_fast_path_agrees_with_dnspython(
    case: tuple[int, list[str], list[str], dns.name.Name | None],
) -> None:
    rdtype, first, second, origin = case
    same_meaning(rdtype, first, second, origin)
    # --hypothesis-show-statistics tells how often each outcome was drawn.
    key, rdata = check(rdtype, first, origin)
    read = "read" if key is not None else "declined"
    accepted = "accepted" if rdata is not None else "refused"
    event(
        f"{dns.rdatatype.to_text(dns.rdatatype.RdataType(rdtype))}: {read}, {accepted}"
    )


# What dnspython does at the edges, written out (the generators reach these
# too, but only by luck): (type, text, the fast path's key or None for
# "declined", whether dnspython accepts it).
LONGEST = ("x" * 63 + ".") * 3 + "y" * 61 + "."  # 255 octets on the wire
EXAMPLES_BY_HAND = [
    (fastpath.A, "1.2.3.4", "1.2.3.4", True),
    (fastpath.A, "01.2.3.4", None, False),  # no leading zeros
    (fastpath.A, "1.2.3.256", None, False),
    (fastpath.AAAA, "2001:DB8::1", bytes.fromhex("20010db8" + "0" * 22 + "01"), True),
    (
        fastpath.AAAA,
        "1:2:3:4:5:6:7::",
        bytes.fromhex("0001000200030004000500060007" + "0000"),
        True,
    ),
    (fastpath.AAAA, "1:2:3:4::5:6:7:8", None, False),  # "::" is one group or more
    # Eight colons: seven groups around a "::" at either end, else eight.
    (
        fastpath.AAAA,
        "::1:2:3:4:5:6:7",
        bytes.fromhex("0000" + "000100020003000400050006" + "0007"),
        True,
    ),
    (fastpath.AAAA, "::1:2:3:4:5:6:7:8", None, False),
    (fastpath.AAAA, "1:2:3:4:5:6:7:8::", None, False),
    (fastpath.AAAA, "1::2:3:4:5:6:7:8", None, False),
    (fastpath.AAAA, "1:2::3:4::5", None, False),
    (fastpath.AAAA, "12345::", None, False),
    (fastpath.A, "1.2.3.4.", None, False),
    (fastpath.A, "1.2.3", None, False),
    (fastpath.A, "255.255.255.255", "255.255.255.255", True),
    (fastpath.AAAA, "::ffff:1.2.3.4", None, True),  # embedded IPv4: dnspython's
    (fastpath.AAAA, "fe80::1%eth0", None, False),  # no zone ids
    (fastpath.MX, "65535 @", (65535, "example.net."), True),
    (fastpath.MX, "65536 @", None, False),
    (fastpath.MX, "010 Mail", (10, "mail.example.net."), True),
    (
        fastpath.SOA,
        "ns1 host 1 1h 15m 1W 5m",  # TTL units in the timers
        ("ns1.example.net.", "host.example.net.", 1, 3600, 900, 604800, 300),
        True,
    ),
    (fastpath.SOA, "ns1 host 1h 1 1 1 1", None, False),  # not in the serial
    (fastpath.TXT, '"a b" c ""', (b"a b", b"c", b""), True),
    (fastpath.TXT, '"' + "x" * 255 + '"', (b"x" * 255,), True),
    (fastpath.TXT, '"' + "x" * 256 + '"', None, False),  # ZF112's "string too long"
    (fastpath.TXT, r'"\065 \" \\"', (b'A " \\',), True),  # plain escapes
    (fastpath.TXT, r'"\255\000"', (b"\xff\x00",), True),  # any byte
    (fastpath.TXT, r'"\256"', None, False),  # no byte
    (fastpath.TXT, r'"\06"', None, False),  # two digits
    (fastpath.TXT, r'"\0a"', None, False),
    (fastpath.TXT, r'"\a\\256"', (b"a\\256",), True),  # "\\" escapes, not "\256"
    (fastpath.TXT, "a\\;b", None, True),  # escapes outside quotes: dnspython's
    (fastpath.TXT, '"\\\t"', None, True),  # escaped tab: dnspython's
    (fastpath.CAA, '0 ISSUE "ca.example"', (0, b"ISSUE", b"ca.example"), True),
    (fastpath.CAA, "128 issue ;", None, False),
    (fastpath.CAA, '0 "issue" ca', None, True),
    (fastpath.CAA, '0 is-sue ""', None, False),  # the tag is alphanumeric
    (fastpath.CAA, '256 issue ""', None, False),
    (fastpath.SRV, "0 1 2 .", (0, 1, 2, "."), True),
    (fastpath.CNAME, "a\\.b", None, True),
    (fastpath.CNAME, "Bücher", None, True),
    (fastpath.NS, LONGEST, LONGEST, True),
    (fastpath.NS, "y" + LONGEST, None, False),
    (fastpath.NS, "x" * 63 + ".", "x" * 63 + ".", True),
    (fastpath.NS, "x" * 64 + ".", None, False),
    (fastpath.NS, "a..b", None, False),
]


@pytest.mark.parametrize(("rdtype", "text", "expected", "accepted"), EXAMPLES_BY_HAND)
def test_examples_by_hand(
    rdtype: int, text: str, expected: RdataKey | None, accepted: bool
) -> None:
    key, rdata = check(rdtype, as_fields(text.split(" ")), ORIGINS[2])
    assert key == expected
    assert (rdata is not None) == accepted


# ------------------------------------------------------------ real records


def fixture_files() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "fixtures").rglob("*")
        if p.is_file()
        and p.suffix not in (".toml", ".md", ".inc")
        and p.parent.name != "fixed"
    )


def realworld_files() -> list[tuple[Path, str]]:
    manifest = REALWORLD / "manifest.tsv"
    if not manifest.is_file():
        return []
    found = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, origin = line.split("\t")[:2]
        found.append((REALWORLD / "zones" / name, origin))
    return found


def zones() -> Iterator[tuple[str, Callable[[], Zone]]]:
    """(a name to report, a function reading the zone) for every zone."""
    for path in fixture_files():
        yield str(path.relative_to(ROOT)), partial(zonefix.parse_file, path)
    for zone in corpus_zones():
        yield (
            f"corpus/{zone.file}",
            partial(zonefix.parse_file, zone.path, origin=zone.origin or None),
        )
    for path, origin in realworld_files():
        yield (
            f"realworld/{path.relative_to(REALWORLD / 'zones')}",
            partial(zonefix.parse_file, path, origin=origin),
        )


@pytest.fixture(scope="module")
def read_zones() -> list[tuple[str, Callable[[], Zone], Zone]]:
    """Every zone, read (with the fast path) once for the tests below."""
    return [(name, load, load()) for name, load in zones()]


def test_real_records_agree_with_dnspython(
    read_zones: list[tuple[str, Callable[[], Zone], Zone]],
) -> None:
    """Every record of the fixtures, the corpus and the real zones: what
    the fast path reads, dnspython reads alike, and keys are equal for
    equal rdata and only for them (across all the zones: names in rdata
    are absolute). Each distinct text is checked once."""
    texts: dict[tuple[int, tuple[str, ...], dns.name.Name | None], str] = {}
    owners: set[tuple[str, dns.name.Name | None]] = set()
    for name, _, zone in read_zones:
        table = zone.table
        index = zone.index
        for i in range(len(table)):
            origin = zone._resolved.origins[table.origin[i]]
            if table.owner_ref[i] == i and i not in table.generated:
                owners.add((index.fields(i)[0], origin))
            rdtype = table.rdtype[i]
            if rdtype not in fastpath.FAST_TYPES:
                continue
            if i in table.generated or table.flags[i] & LONG_STRING:
                continue
            text = (rdtype, tuple(index.rdata_words(i)), origin)
            if text not in texts:
                texts[text] = name
                # The rules' accessor gives the keys checked below.
                fast = fastpath.rdata_key(rdtype, text[1], fastpath.origin_key(origin))
                assert index.rdata_key(i) == (
                    fast if fast is not None else fastpath.key_of_rdata(index.rdata(i))
                )
    read = 0
    by_key: dict[tuple[int, object], dns.rdata.Rdata] = {}
    by_rdata: dict[tuple[int, dns.rdata.Rdata], object] = {}
    for (rdtype, words, origin), name in texts.items():
        fast, rdata = check(rdtype, list(words), origin)
        assert rdata is not None, f"{name}: {words} is in the table"
        key = fastpath.key_of_rdata(rdata) if fast is None else fast
        read += fast is not None
        assert by_key.setdefault((rdtype, key), rdata) == rdata, (
            f"{name}: equal keys, different rdata: {words}"
        )
        assert by_rdata.setdefault((rdtype, rdata), key) == key, (
            f"{name}: equal rdata, different keys: {words}"
        )
    for word, origin in owners:
        _check_owner(word, origin)
    # Nearly all are read by the fast path (the corpus's odd cases aside).
    assert read > 0.8 * len(texts), (read, len(texts))


def test_hashes_kept_while_reading_are_the_keys_hashes(
    read_zones: list[tuple[str, Callable[[], Zone], Zone]],
) -> None:
    """The owner and rdata hashes reading keeps for the rules (0: not
    worked out) are the hashes of the keys the rules would read: every
    record of the fixtures, the corpus and the real zones."""
    kept = 0
    for name, _, zone in read_zones:
        table = zone.table
        index = zone.index
        for i in range(len(table)):
            owner_hash = table.owner_hash[i]
            if owner_hash:
                kept += 1
                assert owner_hash == hash(index.owner_key(i)), (name, i)
            rdata_hash = table.rdata_hash[i]
            if rdata_hash:
                assert rdata_hash == hash(index.rdata_key(i)), (name, i)
        # Filled in where reading left them out.
        hashes = index.owner_hashes
        assert all(hashes[i] == hash(index.owner_key(i)) for i in range(len(table)))
        assert len(table.owner_hash) == len(table.rdata_hash) == len(table)
    assert kept > 0


def test_targets_kept_by_reading_are_those_read_alone(
    read_zones: list[tuple[str, Callable[[], Zone], Zone]],
) -> None:
    """The index's table of targets, taken from the keys reading kept, is
    what reading each target alone gives, ZF104's names as its fix writes
    them (every fixture, corpus and real zone)."""
    fixed = 0
    for name, load, _ in read_zones:
        zone = load()
        index = zone.index
        table = zone.table
        indices, keys = index._targets
        expected = [i for i, t in enumerate(table.rdtype) if t in TARGET_FIELDS]
        assert list(indices) == expected, name
        alone = [
            index._read_target(i, TARGET_FIELDS[table.rdtype[i]]) for i in expected
        ]
        assert keys == alone, name
        fixed += sum(found.position >= 0 for found in index.dotless_names())
    assert fixed > 5


def test_records_found_by_type_flag_and_owner_are_those_a_scan_finds(
    read_zones: list[tuple[str, Callable[[], Zone], Zone]],
) -> None:
    """The index's look-ups that stand in for passes over the zone (records
    by type and by flag, found in the columns' bytes; records by owner hash
    and by name, found through buckets) give what a plain scan of the table
    gives: every fixture, corpus and real zone, every type and flag there,
    every owner, and names that are not there."""
    from zonefix.bind.resolver import OWNER_APEX, OWNER_DEEP, OWNER_OUTSIDE

    for name, load, _ in read_zones:
        zone = load()
        index = zone.index
        table = zone.table
        records = range(len(table))
        by_type: dict[int, list[int]] = defaultdict(list)
        by_hash: dict[int, list[int]] = defaultdict(list)
        by_key: dict[str, list[int]] = defaultdict(list)
        hashes = index.owner_hashes
        for i in records:
            by_type[table.rdtype[i]].append(i)
            by_hash[hashes[i]].append(i)
            by_key[index.owner_key(i)].append(i)
        for rdtype in {*by_type, 15, 2, 6, 256, 3840, 65535}:
            assert list(index.of_type(rdtype)) == by_type[rdtype], (name, rdtype)
        assert index.of_types(1, 15, 5) == sorted(
            by_type[1] + by_type[15] + by_type[5]
        ), name
        for flag in (OWNER_APEX, OWNER_OUTSIDE, OWNER_DEEP, LONG_STRING):
            scanned = [i for i in records if table.flags[i] & flag]
            assert index.with_flag(flag) == scanned, (name, flag)
        # Deep: two labels or more below the apex (every name, without one).
        apex = zone.origin
        for i in records:
            if table.flags[i] & (OWNER_APEX | OWNER_OUTSIDE):
                continue
            owner = zone.records.owner(i)
            deep = apex is None or len(owner) - len(apex) > 1
            assert bool(table.flags[i] & OWNER_DEEP) == deep, (name, i)
        for owner_hash in {*by_hash, 0, 1, -1}:
            assert index.with_owner_hash(owner_hash) == by_hash[owner_hash], name
        asked = [*by_key, "not-there.example.", "*.example.net."]
        fresh = type(index)(zone)
        found = fresh.records_at(asked)
        for key in asked:
            assert list(found[key]) == by_key[key], (name, key)
            assert list(fresh.records_named(key)) == by_key[key], (name, key)
        # CNAME owners, each with its first CNAME that has a target.
        aliases: dict[str, int] = {}
        for i in by_type[5]:
            if index.target_key(i) is not None:
                aliases.setdefault(index.owner_key(i), i)
        assert dict(fresh.aliases) == aliases, name
        assert list(fresh.aliases) == list(aliases), name
        assert len(fresh.aliases) == len(aliases), name
        assert bool(fresh.aliases) == bool(aliases), name
        for key in asked:
            assert (key in fresh.aliases) == (key in aliases), (name, key)


def _plain_rrsets(zone: Zone) -> tuple[list[list[int]], dict[str, list[int]]]:
    """RRsets of two or more records, and records by owner, by a plain scan
    of owner keys (what the index's look-ups stand in for)."""
    index = zone.index
    table = zone.table
    by_owner: dict[str, list[int]] = defaultdict(list)
    rrsets: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i in range(len(table)):
        key = index.owner_key(i)
        by_owner[key].append(i)
        rrsets[(key, table.rdclass[i], table.rdtype[i])].append(i)
    return sorted(r for r in rrsets.values() if len(r) > 1), by_owner


def _plain_with_type(
    zone: Zone, by_owner: dict[str, list[int]], rdtype: int
) -> list[tuple[list[int], list[int]]]:
    types = zone.table.rdtype
    return sorted(
        ([i for i in records if types[i] == rdtype], records)
        for records in by_owner.values()
        if len(records) > 1 and any(types[i] == rdtype for i in records)
    )


def _check_rrset_suspects(zone: Zone) -> int:
    """The index's rrset_suspects hold every record that has a copy (same
    owner key, class, type, TTL and rdata key as another) and every record
    of an RRset (by owner key, class and type) with two TTLs or more, as a
    plain grouping finds them (what ZF107 and ZF108 must see); the number
    of those records."""
    index = zone.index
    table = zone.table
    copies, mixed = index.rrset_suspects
    assert list(copies) == sorted(set(copies))
    assert list(mixed) == sorted(set(mixed))
    rrsets: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i in range(len(table)):
        rrsets[(index.owner_key(i), table.rdclass[i], table.rdtype[i])].append(i)
    with_copies: set[int] = set()
    with_ttls: set[int] = set()
    for records in rrsets.values():
        if len({table.ttl[i] for i in records}) > 1:
            with_ttls.update(records)
        same: dict[tuple[int, RdataKey], list[int]] = defaultdict(list)
        for i in records:
            same[(table.ttl[i], index.rdata_key(i))].append(i)
        for found in same.values():
            if len(found) > 1:
                with_copies.update(found)
    assert with_copies <= set(copies)
    assert with_ttls <= set(mixed)
    return len(with_copies) + len(with_ttls)


def test_rrsets_and_owners_with_a_type_are_those_a_scan_finds(
    read_zones: list[tuple[str, Callable[[], Zone], Zone]],
) -> None:
    """The records of RRsets ZF107 and ZF108 look at, and the owners
    holding a type beside other records (ZF102, ZF103), are what grouping
    every record by its owner key gives: every fixture, corpus and real
    zone."""
    seen = 0
    for name, load, _ in read_zones:
        zone = load()
        _, by_owner = _plain_rrsets(zone)
        seen += _check_rrset_suspects(zone)
        for rdtype in (5, 39, 15):  # CNAME, DNAME, MX
            got = sorted(zone.index.with_type(rdtype))
            assert got == _plain_with_type(zone, by_owner, rdtype), (name, rdtype)
    # The fixtures alone (a clone without ../shared) show some 37.
    assert seen > (50 if (CORPUS / "ORACLE.tsv").is_file() else 25)


def test_owners_whose_hashes_collide_are_kept_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two names given one owner hash (a collision, forced): every look-up
    by hash still tells them apart by their names."""
    text = (
        "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
        "ns1 A 192.0.2.1\n"
        'a CNAME t.example.org.\na TXT "x"\n'
        "b A 192.0.2.2\nb A 192.0.2.3\nb CNAME u.example.org.\n"
        "c 300 A 192.0.2.9\nc 600 A 192.0.2.9\n"
    )
    zone = zonefix.parse_text(text)
    index = zone.index
    hashes = index.owner_hashes
    a, b = hash("a.example.net."), hash("b.example.net.")
    for i in range(len(hashes)):
        if hashes[i] == b:
            hashes[i] = a  # before the buckets are built from them

    def colliding(value: object) -> int:
        return a if value == "b.example.net." else hash(value)

    monkeypatch.setattr(zonefix.index, "hash", colliding, raising=False)
    _, by_owner = _plain_rrsets(zone)
    assert (
        index.with_owner_hash(a)
        == by_owner["a.example.net."] + by_owner["b.example.net."]
    )
    found = index.records_at(["a.example.net.", "b.example.net."])
    assert list(found["a.example.net."]) == by_owner["a.example.net."]
    assert list(found["b.example.net."]) == by_owner["b.example.net."]
    assert sorted(index.with_type(5)) == _plain_with_type(zone, by_owner, 5)
    assert _check_rrset_suspects(zone) == 2  # c's A records
    assert index.groups(index.with_owner_hash(a)) == {
        "a.example.net.": by_owner["a.example.net."],
        "b.example.net.": by_owner["b.example.net."],
    }
    assert dict(index.aliases) == {
        "a.example.net.": by_owner["a.example.net."][0],
        "b.example.net.": by_owner["b.example.net."][2],
    }
    assert index.alias_target("b.example.net.") == "u.example.org."
    assert "c.example.net." not in index.aliases
    codes = sorted(d.code.code for d in zonefix.check(zone))
    assert codes.count("ZF102") == 2, codes  # a and b each
    assert "ZF108" in codes, codes


def test_owners_with_a_type_are_found_once_per_name() -> None:
    """Thousands of CNAMEs at one name (a broken zone, but one that is
    written): the owner's records are looked up once, not once per CNAME
    (which made ZF102 quadratic: 35 s for 20,000)."""
    lines = [
        "$ORIGIN example.net.",
        "$TTL 300",
        "@ SOA ns1 host 1 2 3 4 5",
        "@ NS ns1",
        "ns1 A 192.0.2.1",
    ]
    lines += [f"a CNAME t{n}.example.org." for n in range(5000)]
    zone = zonefix.parse_text("\n".join(lines) + "\n")
    index = zone.index
    asked = []
    look_up = index.with_owner_hash

    def counted(owner_hash: int) -> list[int]:
        asked.append(owner_hash)
        return look_up(owner_hash)

    index.with_owner_hash = counted  # type: ignore[method-assign]
    [(cnames, records)] = index.with_type(5)
    assert len(cnames) == len(records) == 5000
    assert len(asked) <= 2, len(asked)


def test_records_of_a_type_are_not_found_across_two_records() -> None:
    """A type is looked for in the bytes of the type column: two records'
    bytes side by side may spell it (TYPE3840 then URI, 0x0F00 0x0100: the
    bytes 0F 00 of MX, 15, across them) and must not count."""
    zone = zonefix.parse_text(
        "$ORIGIN example.net.\n$TTL 300\n"
        "@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
        'a TYPE3840 \\# 0\na URI 10 1 "https://example.net/"\n'
        "b MX 10 mail\nmail A 192.0.2.2\n"
    )
    table = zone.table
    assert list(table.rdtype[3:5]) == [3840, 256]
    assert list(zone.index.of_type(15)) == [5]
    assert list(zone.index.of_type(256)) == [4]
    assert list(zone.index.of_type(3840)) == [3]


def _check_owner(word: str, origin: dns.name.Name | None) -> None:
    key = fastpath.name_key(word, fastpath.origin_key(origin))
    if key is not None:
        name = dns.name.from_text(to_dns_text(word), origin)
        assert key == name.to_text().lower(), word


@pytest.mark.skipif(not (CORPUS / "ORACLE.tsv").is_file(), reason="../shared is absent")
def test_the_corpus_and_real_zones_are_there() -> None:
    assert realworld_files(), "../shared/realworld/manifest.tsv is missing"


def test_reading_is_the_same_without_the_fast_path(
    read_zones: list[tuple[str, Callable[[], Zone], Zone]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The table and the findings of reading the fixtures and the corpus
    (where the odd records are), with the fast path and with dnspython
    alone. (The real zones' records are checked one by one above.)"""
    monkeypatch.setattr(fastpath, "rdata_key", lambda *args: None)
    monkeypatch.setattr(fastpath, "name_key", lambda *args: None)
    for name, load, zone in read_zones:
        if not name.startswith("realworld/"):
            assert _reading(load()) == _reading(zone), name


def test_split_fields_is_fields_between(
    read_zones: list[tuple[str, Callable[[], Zone], Zone]],
) -> None:
    """The resolver's quick split of an entry into fields gives the fields
    the grammar gives, on every entry of every zone."""
    for name, _, zone in read_zones:
        for document in (zone.document, *zone.includes):
            tree = document.tree
            for index in range(len(tree.entry_kinds)):
                span = tree.span(index)
                expected = [f.text for f in fields_between(tree.text, *span)]
                assert split_fields(tree.text, *span) == expected, (name, index)


@given(
    st.lists(
        st.sampled_from(
            [
                *("www", " ", "\t", "IN", "A", "1.2.3.4", ";c", "(", ")", '"a b"'),
                *("\\;", "\x0b", "\x1c", "é", "\r", "\\", '"', "x;y", '"(;)"'),
                *('\\"', "\n"),
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_split_fields_on_odd_lines(line: str) -> None:
    expected = [f.text for f in fields_between(line, 0, len(line))]
    assert split_fields(line, 0, len(line)) == expected


def _reading(zone: Zone) -> tuple[object, ...]:
    table = zone.table
    arrays = (
        *(table.document, table.entry, table.owner_ref, table.ttl, table.rdclass),
        *(table.rdtype, table.origin, table.rdata_field, table.flags),
    )
    return (
        arrays,
        dict(table.generated),
        list(table.anchors),
        zone.diagnostics,
        [o.to_text() if o is not None else None for o in zone._resolved.origins],
    )


# ------------------------------------------------------------ rules on keys

ZONE_HEAD = (
    "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 1 2 3 4 5\n"
    "@ NS ns1\nns1 A 192.0.2.1\n"
)


@pytest.mark.parametrize("altitude", ["99999999m", "-100000.01m"])
def test_duplicate_loc_that_dnspython_cannot_put_on_the_wire(altitude: str) -> None:
    """A LOC altitude out of the wire's range, which dnspython reads but
    cannot pack, is invalid rdata as BIND says ("out of range"), not a
    record to compare (issue 10's reproducers)."""
    loc = f"x LOC 52 22 23.000 N 4 53 32.000 E {altitude}\n"
    zone = zonefix.parse_text(ZONE_HEAD + loc + loc + "x LOC 52 22 23 N 4 53 32 E 1m\n")
    findings = zonefix.check(zone, select=["ZF0", "ZF1"])
    assert [(d.code.code, d.line) for d in findings] == [("ZF002", 6), ("ZF002", 7)]


def test_rrsigs_group_by_the_type_they_cover_however_written() -> None:
    sig = "13 3 300 20300101000000 20200101000000 12345 example.net. AAAA"
    zone = zonefix.parse_text(
        ZONE_HEAD
        + "www 300 A 192.0.2.80\n"
        + f"www 300 RRSIG A {sig}\n"
        + f"www 600 RRSIG type1 {sig}\n"
        + f"www 600 RRSIG AAAA {sig}\n"
    )
    findings = zonefix.check(zone, select=["ZF108"])
    assert [(d.code.code, d.line) for d in findings] == [("ZF108", 7)]


def test_a_name_whose_hash_is_a_cname_owners_is_no_alias(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name asked about whose hash is that of the one CNAME owner (a
    collision, forced) is told apart by its name."""
    zone = zonefix.parse_text(
        "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
        "ns1 A 192.0.2.1\na CNAME t.example.org.\n"
    )
    index = zone.index
    a = hash("a.example.net.")

    def colliding(value: object) -> int:
        return a if value == "z.example.net." else hash(value)

    monkeypatch.setattr(zonefix.index, "hash", colliding, raising=False)
    assert "a.example.net." in index.aliases
    assert "z.example.net." not in index.aliases
    with pytest.raises(KeyError):
        index.aliases["z.example.net."]


def test_questions_about_an_alias_cost_the_same_at_any_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A CNAME owner that holds many other records (CNAME and other data),
    named by many MX: each question about it costs one look, not a walk
    through its records (ZF105 and ZF205 ask once or more per MX)."""
    from zonefix.index import ZoneIndex

    walked = 0
    original = ZoneIndex.with_owner_hash
    original_many = ZoneIndex._with_owner_hashes

    def counting(self: ZoneIndex, owner_hash: int) -> list[int]:
        nonlocal walked
        found = original(self, owner_hash)
        walked += len(found)
        return found

    def counting_many(self: ZoneIndex, wanted: set[int]) -> list[int]:
        nonlocal walked
        found = original_many(self, wanted)
        walked += len(found)
        return found

    monkeypatch.setattr(ZoneIndex, "with_owner_hash", counting)
    monkeypatch.setattr(ZoneIndex, "_with_owner_hashes", counting_many)

    def walked_for(n: int) -> int:
        nonlocal walked
        text = "".join(
            [
                "$ORIGIN example.org.\n$TTL 3600\n@ SOA ns1 h 1 7200 900 1209600 300\n",
                "@ NS ns1\nns1 A 192.0.2.1\n",
                *(f'x TXT "t{k}"\n' for k in range(n)),
                "x CNAME ns1\n",
                *(f"h{k} MX 10 x\n" for k in range(n)),
            ]
        )
        zone = zonefix.parse_text(text)
        walked = 0
        zonefix.check(zone)
        return walked

    small, large = walked_for(300), walked_for(600)
    assert 0 < large < 2.5 * small, (small, large)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            # An NS outside the zone, written before the $ORIGIN that makes
            # the apex known.
            "com. 3600 IN NS ns.other.\n$ORIGIN example.com.\n"
            "www 3600 IN A 192.0.2.1\na.b 3600 IN A 192.0.2.2\n",
            ["ZF109", "ZF111", "ZF113"],
        ),
        (
            # The apex's NS, so written.
            "example.com. 3600 IN NS ns.other.\n$ORIGIN example.com.\n"
            "www 3600 IN A 192.0.2.1\na.b 3600 IN A 192.0.2.2\n",
            ["ZF111"],
        ),
    ],
)
def test_owners_read_before_the_apex_is_known_are_told_as_under_it(
    text: str, codes: list[str]
) -> None:
    """Records read before a later $ORIGIN makes the apex known (no origin
    given, no SOA first) have their owner facts worked out under that apex,
    as a read with the origin given has them: no delegation at or above the
    apex (ZF118), the apex's NS seen (ZF113), an owner outside seen (ZF109)."""
    from zonefix.bind.resolver import OWNER_BITS

    late = zonefix.parse_text(text)
    given = zonefix.parse_text(text, origin="example.com.")
    assert late.origin == given.origin
    assert [f & OWNER_BITS for f in late.table.flags] == [
        f & OWNER_BITS for f in given.table.flags
    ]
    assert sorted(d.code.code for d in zonefix.check(late)) == codes
