"""What zonefix reads without dnspython, held to dnspython (issue 11).

A zone whose records all take the fast path is read and linted without
importing dnspython (start-up time counts in a pre-commit hook). In its
place zonefix uses its own numbers for the types and the class IN
(zonefix.rrtypes), reads the words a record line starts with (TTL, class,
type: zonefix.bind.resolver), and keeps plain origins as text (zonefix.origin).
Each of those must say exactly what dnspython says: checked here on the
tables, on words near each edge, on generated names, and on the origins of
every fixture, corpus and real-world zone.
"""

from __future__ import annotations

import string
from collections.abc import Callable

import dns.exception
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.ttl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_fastpath import zones
from zonefix import rrtypes
from zonefix.bind import fastpath
from zonefix.bind.resolver import (
    CLASS_NAMES,
    class_or_none,
    to_dns_text,
    ttl_or_none,
    type_or_none,
)
from zonefix.origin import Origin, read_name
from zonefix.zone import Zone

# ------------------------------------------------------------ the tables


def test_type_numbers_and_names_are_dnspythons() -> None:
    for value, name in rrtypes.NAMES.items():
        assert dns.rdatatype.from_text(name) == value, name
        assert dns.rdatatype.to_text(dns.rdatatype.RdataType(value)) == name
        assert rrtypes.BY_NAME[name] == value
    for name in ("A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV"):
        assert getattr(fastpath, name) == dns.rdatatype.from_text(name)
    assert fastpath.SPF == dns.rdatatype.SPF
    assert fastpath.CAA == dns.rdatatype.CAA
    assert set(rrtypes.NAMES) >= fastpath.FAST_TYPES
    assert rrtypes.IN == dns.rdataclass.IN


@pytest.mark.parametrize("value", [0, 1, 6, 41, 46, 99, 249, 255, 256, 65280, 65535])
def test_type_text_is_dnspythons(value: int) -> None:
    assert rrtypes.type_text(value) == dns.rdatatype.to_text(
        dns.rdatatype.RdataType.make(value)
    )


def test_class_names_are_dnspythons() -> None:
    assert set(dns.rdataclass.RdataClass.__members__) == CLASS_NAMES


# ------------------------------------------------------------ the words


def _dnspython(read: Callable[[str], object], word: str) -> object:
    try:
        return read(word)
    except (dns.exception.DNSException, ValueError):
        return None


WORDS = [
    *("", " ", "0", "00", "01", "3600", "4294967295", "4294967296"),
    *("00000000001", "99999999999", "1h", "1H30m", "1h30", "1w2d3h4m5s", "1x"),
    *(
        "h",
        "-1",
        "+1",
        "1.5",
        "\u0661",
        "1\u0661",
        "\uff13\uff16\uff10\uff10",
        "1h" * 9,
        "9" * 30 + "s",
    ),
    *("IN", "in", "In", "\u0131n", "INTERNET", "CH", "chaos", "HS", "hesiod"),
    *("NONE", "ANY", "any", "RESERVED0", "CLASS1", "class255", "CLASS65536"),
    *("CLASS", "CLASSX", "A", "a", "aaaa", "MX", "mx", "Soa", "\u017foa", "SPF"),
    *("caa", "DNAME", "ds", "RRSIG", "nsec", "TYPE1", "type65535", "TYPE65536"),
    *("TYPE", "NSAP-PTR", "nsap-ptr", "OPT", "AXFR", "TXT2", "ns1", "@", "."),
    *("mail.example.net.", "192.0.2.1", "v=spf1", '"txt"', "\uff29\uff2e", "\u2170n"),
]


@pytest.mark.parametrize("word", WORDS)
def test_words_read_as_dnspython_reads_them(word: str) -> None:
    assert ttl_or_none(word) == _dnspython(dns.ttl.from_text, word)
    assert class_or_none(word) == _dnspython(dns.rdataclass.from_text, word)
    assert type_or_none(word) == _dnspython(dns.rdatatype.from_text, word)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [
                *string.ascii_letters,
                *string.digits,
                "-",
                "_",
                ".",
                "\u0131",
                "\u017f",
                "\u0661",
            ]
        ),
        max_size=14,
    )
)
def test_generated_words_read_as_dnspython_reads_them(word: str) -> None:
    test_words_read_as_dnspython_reads_them(word)


# ------------------------------------------------------------ the origins


def _origin_of(text: str | None) -> Origin | None:
    return None if text is None else Origin.of(dns.name.from_text(text))


NAME_WORDS = [
    *("@", ".", "example.net.", "Example.NET.", "www", "WWW.sub", "*", "*.x"),
    *("_dmarc", "a-b/c", "x" * 63, "x" * 64, "x\\.y", "é", "a..b", "a b", "\\@"),
    *(".".join(["abcdefghi"] * 26), ".".join(["abcdefghi"] * 24) + "."),
]


@pytest.mark.parametrize("word", NAME_WORDS)
@pytest.mark.parametrize("origin", [None, ".", "example.net.", "Ex-1.org.", "x\\.y."])
def test_names_read_as_dnspython_reads_them(word: str, origin: str | None) -> None:
    """read_name gives the name dnspython reads (case and all), or leaves
    the word to dnspython."""
    base = _origin_of(origin)
    read = read_name(word, base)
    if read is None:
        return
    expected = dns.name.from_text(
        to_dns_text(word), None if base is None else base.name
    )
    assert read.text == expected.to_text()
    assert read.name == expected
    assert read.key == fastpath.origin_key(expected)
    assert read == Origin.of(expected)


_LABEL = st.text(
    alphabet=st.sampled_from([*string.ascii_letters, *string.digits, *"-_*/"]),
    min_size=1,
    max_size=70,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_LABEL, min_size=1, max_size=6),
    st.booleans(),
    st.sampled_from(["example.net.", ".", "Zone.Example."]),
)
def test_generated_names_read_as_dnspython_reads_them(
    labels: list[str], absolute: bool, origin: str
) -> None:
    word = ".".join(labels) + ("." if absolute else "")
    test_names_read_as_dnspython_reads_them(word, origin)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("example.net.", "EXAMPLE.net."),
        ("example.net.", "example.org."),
        (".", "."),
        ("a\\.b.example.", "a\\.b.example."),
        ("a\\.b.example.", "A\\.B.example."),
        ("a\\.b.example.", "a.b.example."),
        ("a\\@.example.", "a@.example."),
    ],
)
def test_origins_equal_as_names_do(one: str, other: str) -> None:
    names = dns.name.from_text(one), dns.name.from_text(other)
    plain = [
        read_name(text, None) or Origin.of(n)
        for text, n in zip((one, other), names, strict=True)
    ]
    assert (plain[0] == plain[1]) == (names[0] == names[1])
    assert (Origin.of(names[0]) == plain[1]) == (names[0] == names[1])
    if names[0] == names[1]:
        assert hash(plain[0]) == hash(plain[1])


@pytest.fixture(scope="module")
def read_zones() -> list[tuple[str, Zone]]:
    return [(name, load()) for name, load in zones()]


def test_every_zones_origins_are_dnspythons(read_zones: list[tuple[str, Zone]]) -> None:
    """The origins of every fixture, corpus and real-world zone: their text
    and key are their dnspython Name's, and the zone's apex prints as its
    Name does."""
    for name, zone in read_zones:
        resolved = zone._resolved
        for origin in resolved.in_force:
            if origin is None:
                continue
            assert origin.text == origin.name.to_text(), name
            assert origin.key == fastpath.origin_key(origin.name), name
            assert origin == Origin.of(origin.name), name
        expected = None if zone.origin is None else str(zone.origin)
        assert zone.origin_text == expected, name


# ------------------------------------------------------------ host patterns


def _shipped_patterns() -> list[str]:
    from zonefix.providers import shipped_profiles

    found: set[str] = set()
    for profile in shipped_profiles().values():
        found.update(profile.family_hosts)
        found.update(mx.host for mx_set in profile.mx_sets for mx in mx_set)
    return sorted(p for p in found if "*" in p and "{" not in p)


PATTERNS = [*_shipped_patterns(), "*", "**", "a*b*c", "*a*a*", "x.*.*.y", "*.*"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(PATTERNS),
    st.lists(
        st.sampled_from(["a", "b", "c", ".", "x", "y", "-", "*", "\n"]), max_size=8
    ),
    st.integers(min_value=0, max_value=3),
)
def test_host_globs_match_as_their_expressions_do(
    pattern: str, noise: list[str], where: int
) -> None:
    """providers._glob, which matches a host pattern of ``*`` without an
    expression, says what the pattern's expression says."""
    from zonefix.providers import _glob, host_matches, host_pattern

    pieces = pattern.split("*")
    # A host built from the pattern's own pieces, with noise put in.
    host = "".join(p + "".join(noise[: where + 1]) for p in pieces)
    for text in (host, host.rstrip(".x"), "".join(noise), pattern.replace("*", "")):
        expected = bool(host_pattern(pattern).fullmatch(text))
        assert host_matches(text, pattern, "example.net.") == expected
        if "\n" not in text:  # host_matches asks the expression then
            assert _glob(text, pattern) == expected
