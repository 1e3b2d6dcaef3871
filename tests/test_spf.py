"""The SPF reader (zonefix.mail.spf) on its own: terms with their places in
the text (what fixes replace), the RFC 7208 problems it names, and the prose
pasted from documentation it reads as the term meant."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zonefix.cli import main
from zonefix.mail.spf import is_spf, parse_spf


def terms(text: str) -> list[tuple[str, str, str, str | None]]:
    return [(t.text, t.qualifier, t.name, t.value) for t in parse_spf(text).terms]


def problems(text: str) -> list[str]:
    record = parse_spf(text)
    return [*record.problems, *(t.problem for t in record.terms if t.problem)]


def test_terms_with_qualifiers_values_cidr_and_modifiers() -> None:
    text = (
        "v=spf1 +a mx/24 -ip4:192.0.2.0/24 ~ip6:2001:db8::/32 ?exists:%{i}.x.example"
        " a:mail.example.com/24//64 include:_spf.google.com redirect=_spf.example.net"
    )
    assert terms(text) == [
        ("+a", "+", "a", None),
        ("mx/24", "", "mx", None),
        ("-ip4:192.0.2.0/24", "-", "ip4", "192.0.2.0"),
        ("~ip6:2001:db8::/32", "~", "ip6", "2001:db8::"),
        ("?exists:%{i}.x.example", "?", "exists", "%{i}.x.example"),
        ("a:mail.example.com/24//64", "", "a", "mail.example.com"),
        ("include:_spf.google.com", "", "include", "_spf.google.com"),
        ("redirect=_spf.example.net", "", "redirect", "_spf.example.net"),
    ]
    assert problems(text) == []


def test_each_term_knows_where_it_stands() -> None:
    text = "v=spf1  ip4:192.0.2.1   include:spf.sg.aliyun.com -all"
    for term in parse_spf(text).terms:
        assert text[term.start : term.end] == term.text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("v=spf1 include -all", "'include' needs a domain ('include:example.com')"),
        ("v=spf1 ip4:192.0.2.300 -all", "'192.0.2.300' is not an IPv4 address"),
        ("v=spf1 ip4:2001:db8::1 -all", "'2001:db8::1' is not an IPv4 address"),
        ("v=spf1 ip4:192.0.2.0/33 -all", "bad CIDR length '/33' in 'ip4:192.0.2.0/33'"),
        (
            "v=spf1 ip6:2001:db8::/129 -all",
            "bad CIDR length '/129' in 'ip6:2001:db8::/129'",
        ),
        ("v=spf1 a/33 -all", "bad CIDR length '/33'"),
        ("v=spf1 include:spf.example.com/24 -all", "'include' takes no CIDR length"),
        ("v=spf1 ptr/24 -all", "'ptr' takes no CIDR length"),
        ("v=spf1 all:x", "'all' takes no value"),
        ("v=spf1 *all", "unknown mechanism '*all'"),
        ("v=spf1 include:localhost -all", "'localhost' is not a domain name"),
        (
            "v=spf1 exists:%{z}.example.com -all",
            "malformed macro in '%{z}.example.com'",
        ),
        ("v=spf1 exp=%{q} -all", "malformed macro in '%{q}'"),
        (
            "v=spf1 redirect=a.example redirect=b.example",
            "'redirect=' appears more than once",
        ),
        ("spf1 -all", "'v=spf1' is not the record's first word"),
        ("v=spf1 exists:foo.example.com/24 -all", "'exists' takes no CIDR length"),
        ("v=spf1 ptr:example.com/24 -all", "'ptr' takes no CIDR length"),
        ("v=spf1 a/024 -all", "bad CIDR length '/024'"),
        ("v=spf1 mx//0128 -all", "bad CIDR length '//0128'"),
        ("v=spf1 a/24/64 -all", "bad CIDR length '/24/64'"),
        ("v=spf1 a:mail.example...com -all", "'mail.example...com' has an empty label"),
        ("v=spf1 a:museum. -all", "'museum.' is not a domain name"),
        (
            "v=spf1 a:" + "a" * 64 + ".example.com -all",
            "has a label longer than 63 characters",
        ),
        ("v=spf1 a:foo.%{d}x -all", "'foo.%{d}x' is not a domain name"),
        (
            "v=spf1 a:\ufeffmail.example.com -all",
            "'\ufeffmail.example.com' holds U+FEFF, which SPF does not allow",
        ),
        (
            "v=spf1 exists:%{r}.example.com -all",
            "macro '%{r}' is allowed only in explanation text",
        ),
        ("v=spf1 a:%{c}.example.com -all", "macro '%{c}' is allowed only"),
        ("v=spf1 -all exp=%{t}.example.com", "macro '%{t}' is allowed only"),
        ("v=spf1 redirect=%{R}.example.com", "macro '%{R}' is allowed only"),
    ],
)
def test_problems(text: str, problem: str) -> None:
    assert any(problem in found for found in problems(text))


@pytest.mark.parametrize(
    "text",
    [
        "v=spf1 -all",
        "v=spf1 a mx ptr -all",  # ptr is valid SPF (ZF309 discourages it)
        "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all",
        "v=spf1 exp=explain._spf.%{d} -all",
        "v=spf1 unknown-modifier=foo -all",
        "V=SPF1 INCLUDE:SPF.SG.ALIYUN.COM -ALL",
        "v=spf1 a//64 mx:mail.example.com//128 -all",
        # RFC 7208 §7.1: ':' and '/' are literal characters of a domain-spec.
        "v=spf1 a:foo:bar/baz.example.com -all",
        "v=spf1 mx:foo:bar/baz.example.com/24//64 -all",
        "v=spf1 include:a/b.example.com exists:x:y.example.com -all",
        "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
        "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} a:%{d2} -all",
        "v=spf1 -all exp=%{ir}.%{v}.explain.example.com",
        "v=spf1 -all moo.cow-far_out=man:dog/cat",
    ],
)
def test_valid_records_have_no_problem(text: str) -> None:
    assert problems(text) == []


@pytest.mark.parametrize(
    ("text", "prose", "meant"),
    [
        (
            "v=spf1 include the following:spf.sg.aliyun.com -all",
            "include the following:spf.sg.aliyun.com",
            "include:spf.sg.aliyun.com",
        ),
        (
            "v=spf1 include the following: spf.sg.aliyun.com -all",
            "include the following: spf.sg.aliyun.com",
            "include:spf.sg.aliyun.com",
        ),
        (
            "v=spf1 include the following\uff1aspf.qiye.aliyun.com -all",
            "include the following\uff1aspf.qiye.aliyun.com",
            "include:spf.qiye.aliyun.com",
        ),
        (
            "v=spf1 Add the following: spf.hk.aliyun.com ~all",
            "Add the following: spf.hk.aliyun.com",
            "include:spf.hk.aliyun.com",
        ),
    ],
)
def test_prose_is_read_as_the_term_meant(text: str, prose: str, meant: str) -> None:
    record = parse_spf(text)
    (found,) = record.prose
    assert (found.text, found.meant) == (prose, meant)
    assert text[found.start : found.end] == prose
    assert record.includes() == [meant.split(":")[1]]
    assert [t.text for t in record.effective()][-1].endswith("all")


def test_a_blank_after_the_colon_is_one_mistake_with_its_meaning() -> None:
    record = parse_spf("v=spf1 include: spf.qiye.aliyun.com -all")
    term = record.terms[0]
    assert term.text == "include: spf.qiye.aliyun.com"
    assert term.meant == "include:spf.qiye.aliyun.com"
    assert term.problem == "a blank after 'include:' splits the term"
    assert record.includes() == ["spf.qiye.aliyun.com"]
    assert record.prose == ()


def test_a_full_width_colon_in_a_term_is_read_as_a_colon() -> None:
    record = parse_spf("v=spf1 include\uff1aspf.sg.aliyun.com -all")
    assert record.terms[0].meant == "include:spf.sg.aliyun.com"
    assert record.includes() == ["spf.sg.aliyun.com"]


def test_all_term_and_modifier() -> None:
    found = parse_spf("v=spf1 include:a.example ?all").all_term()
    assert found is not None
    assert found.qualifier == "?"
    redirect = parse_spf("v=spf1 redirect=_spf.example.net").modifier("redirect")
    assert redirect is not None
    assert redirect.value == "_spf.example.net"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=spf1 -all", True),
        ("v=spf1", True),
        ("V=SPF1 mx -all", True),
        ("v=spf10 -all", False),
        ("v=spf1-all", False),
        (" v=spf1 -all", False),
        ("v=DMARC1; p=none", False),
    ],
)
def test_is_spf(text: str, expected: bool) -> None:
    assert is_spf(text) is expected


@given(
    st.text(
        alphabet=st.sampled_from(list("v=spf1 :/.-+~?%{}aimnclude0123456789\uff1a")),
        max_size=60,
    )
)
def test_any_text_reads_without_error_and_terms_stay_in_place(text: str) -> None:
    record = parse_spf(text)
    for term in record.terms:
        assert text[term.start : term.end] == term.text
    for prose in record.prose:
        assert text[prose.start : prose.end] == prose.text
    record.effective()


@pytest.mark.parametrize(
    "rdata",
    [
        '"v=spf1 include:spf.qiye.aliyun.com -all"',
        '"v=spf1 include:spf.qiye" ".aliyun.com -all"',
        '"v=spf1 include\\058spf.sg.aliyun.com -all"',
        '"say \\"hi\\"" plain "\\255\\000"',
        "unquoted words",
        '""',
    ],
)
def test_txt_values_read_as_dnspython_reads_them(rdata: str) -> None:
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    import zonefix
    from zonefix.rules import RuleContext

    zone = zonefix.parse_text(f"$ORIGIN example.net.\n@ 300 TXT {rdata}\n")
    mail = RuleContext(zone).mail
    (index,) = mail.txt_records
    expected = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, rdata)
    # A byte that is no UTF-8 stays that byte (a surrogate, as zonefix reads
    # a file), written as \255 or raw alike: an edit writes it back.
    joined = b"".join(expected.strings).decode("utf-8", "surrogateescape")  # type: ignore[attr-defined]
    assert mail.txt_value(index) == joined


@pytest.mark.parametrize(
    ("word", "name", "value"),
    [
        ("a:foo:bar/baz.example.com", "a", "foo:bar/baz.example.com"),
        ("mx:foo:bar/baz.example.com/24", "mx", "foo:bar/baz.example.com"),
        ("a:foo.example.com/24//64", "a", "foo.example.com"),
        ("include:a/b.example.com", "include", "a/b.example.com"),
        ("exists:x:y.example.com", "exists", "x:y.example.com"),
    ],
)
def test_domain_spec_keeps_colons_and_slashes(word: str, name: str, value: str) -> None:
    (term,) = parse_spf(f"v=spf1 {word}").terms
    assert (term.name, term.value, term.problem) == (name, value, None)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("v=spf1 ip:192.0.2.1 -all", "ip4:192.0.2.1"),
        ("v=spf1 ~ip:2001:db8::/32 -all", "~ip6:2001:db8::/32"),
        ("v=spf1 mx \u2013all", "-all"),
        ("v=spf1 mx \u2212all", "-all"),
    ],
)
def test_plain_mistakes_know_the_term_meant(text: str, meant: str) -> None:
    (bad,) = [t for t in parse_spf(text).terms if t.problem]
    assert bad.meant == meant


@pytest.mark.parametrize("text", ["v=spf1 ip:192.0.2.300 -all", "v=spf1 ip:host -all"])
def test_no_term_is_meant_where_the_intent_is_not_plain(text: str) -> None:
    (bad,) = [t for t in parse_spf(text).terms if t.problem]
    assert bad.meant is None


_HEAD = (
    "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 1 2 3 4 5\n@ NS ns1\n"
    "ns1 A 192.0.2.1\n@ MX 10 mx1.qiye.aliyun.com.\n"
)


def _long_spf_zone(words: str) -> str:
    value = "v=spf1 " + words + " -all"
    strings = " ".join(
        '"' + value[i : i + 255] + '"' for i in range(0, len(value), 255)
    )
    return _HEAD + f"@ TXT ( {strings} )\n"


@pytest.mark.parametrize(
    "words",
    [
        # Pasted prose that never reaches a host: every word starts a run.
        "include the following " * 4600,
        # Thousands of bad terms, each a ZF303 finding at its place.
        " ".join(f"moo{i}" for i in range(14000)),
        # Thousands of "include: host" mistakes, each with its fix.
        " ".join(f"include: h{i}.example.com" for i in range(4000)),
    ],
    ids=["prose", "bad-terms", "fixable-terms"],
)
def test_a_100_kb_spf_record_is_checked_in_well_under_a_second(words: str) -> None:
    import time

    import zonefix

    text = _long_spf_zone(words)
    assert len(text) > 100_000
    zone = zonefix.parse_text(text)
    # CPU time, not wall time: other work on the machine does not count
    # (though a loaded machine slows it too). Reading per term made these
    # take 30 s to over a minute; linear reading takes about 0.3 s.
    started = time.process_time()
    findings = zonefix.check(zone)
    elapsed = time.process_time() - started
    assert len(findings) >= 4000
    assert elapsed < 2.0, f"{elapsed:.2f} s"


def test_a_byte_that_is_not_utf8_is_named_as_the_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kept as read (surrogateescape), it is shown as the file writes it,
    # not as the code point that stands for it inside zonefix.
    zone = tmp_path / "db.example.net"
    zone.write_text(
        "$ORIGIN example.net.\n$TTL 300\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\n"
        "ns1 IN A 192.0.2.1\n@ IN MX 10 mx1.qiye.aliyun.com.\n"
        '@ IN TXT "v=spf1 include:\\195x.example.net -all"\n'
    )
    main(["--no-config", "--select", "ZF303", str(zone)])
    out = capsys.readouterr().out
    assert "holds the byte \\195 (not UTF-8), which SPF does not allow" in out
    assert "U+DC" not in out
