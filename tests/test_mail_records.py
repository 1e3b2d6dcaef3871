"""The DMARC and DKIM readers (zonefix.mail.dmarc, zonefix.mail.dkim) on
their own, SPF lookup totals across a zone (zonefix.mail.spf_lookups), and
what users see of them: findings, severities and fixes that settle."""

from __future__ import annotations

import datetime

import pytest

import zonefix
from zonefix.diagnostics import Severity
from zonefix.fixer import fix
from zonefix.mail.dkim import dkim_problems
from zonefix.mail.dmarc import dmarc_problems
from zonefix.mail.spf import parse_spf
from zonefix.mail.spf_lookups import Lookups, count_lookups
from zonefix.rules.dmarc import is_key_name

HEAD = (
    "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 2026112200 2 3 4 5\n"
    "@ NS ns1\nns1 A 192.0.2.1\n@ MX 10 mx.example.net.\nmx A 192.0.2.25\n"
)


def messages(text: str) -> list[tuple[str, bool]]:
    return [(p.message, p.warning) for p in dmarc_problems(text)]


# --------------------------------------------------------------------- DMARC


@pytest.mark.parametrize(
    "text",
    [
        "v=DMARC1; p=none",
        "v=DMARC1;p=reject;",
        "v = DMARC1\t;\tp\t=\treject\t;",  # *WSP around '=' and ';' (§6.4)
        "v=DMARC1; p=quarantine; rf=afrf; fo=0:1:d:s; pct=50; ri=86400",
        "v=DMARC1; p=reject; rf=AFRF",
        "v=DMARC1; p=reject; rua=mailto:a@example.net!10m, mailto:b@example.org",
        "v=DMARC1; p=reject; np=reject; psd=y; t=n; unknown=x",  # ignored tags
    ],
)
def test_valid_dmarc_records_have_no_problem(text: str) -> None:
    assert messages(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" v=DMARC1; p=reject", "a blank before 'v=DMARC1'"),
        ("\tv=DMARC1; p=reject", "a blank before 'v=DMARC1'"),
        ("v=DMARC1; p=none; reject", "'reject' is not a tag=value pair"),
        ("v=DMARC1; reject", "'reject' is not a tag=value pair (and the record"),
        ("v=DMARC1; p=none; rf=iodef", "'iodef' was never registered"),
        ("v=DMARC1; p=none; rf=afrf,iodef", "report formats are separated by ':'"),
        ("v=DMARC1; p=none; rf=bob", "'bob' is no report format"),
        ("v=DMARC1; p=none; ri=99999999999", "'ri=99999999999' is not a number"),
        ("v=dmarc1; p=none", "the version is 'DMARC1', in capitals"),
        ("v=DMARC1 p=none", "no ';' after 'v=DMARC1'"),
        ("p=none; v=DMARC1", "not a DMARC record"),
        ("v=DMARC1; p=none; rua=", "'rua=' holds no URI"),
        ("v=DMARC1; p=none; rua=__mailto:x@example.net", "not a URI"),
    ],
)
def test_dmarc_errors(text: str, expected: str) -> None:
    found = messages(text)
    assert any(expected in m and not w for m, w in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 7489 §6.3: any URI; receivers need support only mailto:.
        ("v=DMARC1; p=none; rua=ftp://abuse.example.net", "receivers need support"),
        ("v=DMARC1; p=none; rua=https://r.example.net/x", "receivers need support"),
        ("v=DMARC1; p=none; ruf=mailto://abuse.example.net", "with no address"),
        ("v=DMARC1; p=none; ruf=mailto:", "with no address"),
        ("V=DMARC1; p=none", "tag name 'V' is not lower case"),
        ("v=DMARC1; P=none; RUA=mailto:a@example.net", "tag name 'P'"),
    ],
)
def test_dmarc_warnings(text: str, expected: str) -> None:
    found = messages(text)
    assert found
    assert all(w for _, w in found), found
    assert any(expected in m for m, _ in found), found


def test_a_record_that_is_not_dmarc_is_one_finding() -> None:
    # Not "v= first" and "no p=" and a bad tag: one root cause.
    assert len(messages("p=quarantine; v=DMARC1; adkim=x")) == 1
    assert len(messages("")) == 1


def _fixed(zone_text: str) -> tuple[str, list[str]]:
    zone = zonefix.parse_text(zone_text)
    result = fix(zone, today=datetime.date(2026, 11, 22))
    return result.text, [d.code.code for d in result.remaining]


def test_a_mailto_with_no_address_has_no_fix_so_fixing_settles() -> None:
    # It used to offer "add 'mailto:'" that changed nothing, every pass,
    # until "fixes did not settle after 10 passes".
    text = HEAD + '_dmarc TXT "v=DMARC1; p=none; ruf=mailto://abuse.example.net"\n'
    zone = zonefix.parse_text(text)
    (finding,) = [d for d in zonefix.check(zone) if d.code.code == "ZF402"]
    assert finding.fix is None
    assert finding.code.severity is Severity.WARNING
    after, remaining = _fixed(text)
    assert after == text
    assert "ZF402" in remaining


@pytest.mark.parametrize(
    ("record", "fixed"),
    [
        ("  v=DMARC1; p=none", "v=DMARC1; p=none"),
        ("v=dmarc1; p=none", "v=DMARC1; p=none"),
        ("v=DMARC1; P=none", "v=DMARC1; p=none"),
        ("v=DMARC1; p=none; rf=afrf:iodef", "v=DMARC1; p=none; rf=afrf"),
        (
            "v=DMARC1; p=none; rua=a@example.net, mailto:b@example.net",
            "v=DMARC1; p=none; rua=mailto:a@example.net,mailto:b@example.net",
        ),
    ],
)
def test_dmarc_fixes_write_the_record_meant(record: str, fixed: str) -> None:
    after, remaining = _fixed(HEAD + f'_dmarc TXT "{record}"\n')
    assert after.endswith(f'_dmarc TXT "{fixed}"\n')
    assert "ZF402" not in remaining


def test_a_txt_beside_the_dmarc_record_is_not_judged() -> None:
    text = (
        HEAD
        + '_dmarc TXT "v=DMARC1; p=none"\n_dmarc TXT "google-site-verification=x"\n'
    )
    assert "ZF402" not in {d.code.code for d in zonefix.check(zonefix.parse_text(text))}


# ---------------------------------------------------------------------- DKIM

KEY_1024 = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDPy08CshvVGrd/tP1zP5Brl1/1Tkt7yOdn2NdanYTQ"
    "XXlLx1jCti0NPI0jOItYf/SYraJ7z2OdHy8f8dJBc0ajmkNlP2wOI75i1reRBgB0grvak30ascVJ4Jkt"
    "iO1Em9bqXB07Cs4UXbdVESlRVVLLJKnpzeFYD3RTfaIoUsQfOwIDAQAB"
)


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("mail._domainkey.example.net.", True),
        ("s1.eu._domainkey.example.net.", True),  # selectors may have dots (§3.1)
        ("*._domainkey.example.net.", True),  # a wildcard serves every selector
        ("_domainkey.example.net.", False),  # DomainKeys policy (RFC 4870)
        ("_domainkey.email.example.net.", False),
        ("_adsp._domainkey.example.net.", False),  # ADSP (RFC 5617)
        ("_report._domainkey.example.net.", False),  # RFC 6651
        ("x._adsp._domainkey.example.net.", False),
        ("s_1.a_b._domainkey.example.net.", True),  # "_" only inside labels
        ("s._x._domainkey.example.net.", False),
        ("mail.example.net.", False),
    ],
)
def test_what_counts_as_a_key_record_name(owner: str, expected: bool) -> None:
    assert is_key_name(owner) is expected


@pytest.mark.parametrize(
    "text",
    [
        f"v=DKIM1; k=rsa; p={KEY_1024}",
        f"k=rsa; p={KEY_1024}",
        f"v=DKIM1; h=sha256:sha512; p={KEY_1024}",  # unknown hashes are ignored
        f"v=DKIM1; g=*; s=email; t=y:s; n=note; p={KEY_1024}; x=unknown",
        "v=DKIM1; p=",
        "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
    ],
)
def test_valid_keys_have_no_problem(text: str) -> None:
    assert dkim_problems(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("And now for something completely different", "no tag=value list"),
        ("", "no tag=value list"),
        (f'"k=rsa; p={KEY_1024}"', "wrapped in quote characters"),
        (f"v=DKIM1; bare; p={KEY_1024}", "'bare' is not a tag=value pair"),
        (f"v=DKIM1; h=sha1; p={KEY_1024}", "allows only SHA-1"),
        (f"v=DKIM1; h=md5; p={KEY_1024}", "no hash algorithm verifiers know"),
        (f"k=rsa; v=DKIM1; p={KEY_1024}", "'v=' must be 'v=DKIM1' and come first"),
        ("v=DKIM1; t=n; o=~", "no 'p=' public key"),
    ],
)
def test_key_problems(text: str, expected: str) -> None:
    assert any(expected in p for p in dkim_problems(text)), dkim_problems(text)


def test_domainkeys_and_adsp_policies_are_not_reported() -> None:
    text = (
        HEAD
        + '_domainkey TXT "t=y; o=~"\n_domainkey.email TXT "t=n; o=~; n=http://x/"\n'
        + '_adsp._domainkey TXT "dkim=all"\n'
    )
    assert "ZF405" not in {d.code.code for d in zonefix.check(zonefix.parse_text(text))}


# --------------------------------------------------------- SPF lookup totals


def _counts(
    records: dict[str, str], nested: dict[str, int] | None = None
) -> dict[str, Lookups]:
    known = nested or {}
    return count_lookups(
        {name: parse_spf(text) for name, text in records.items()}, known.get
    )


def test_in_zone_includes_count_what_their_records_cost() -> None:
    counts = _counts(
        {
            "a.test.": "v=spf1 a include:b.test. mx -all",
            "b.test.": "v=spf1 a a include:c.test. include:out.example -all",
            "c.test.": "v=spf1 exists:%{i}.x.example -all",
        },
        {"out.example": 3},
    )
    assert counts["c.test."].total == 1
    assert counts["b.test."].total == 2 + (1 + 1) + (1 + 3)
    assert counts["a.test."].total == 1 + (1 + counts["b.test."].total) + 1


def test_redirect_beside_all_is_ignored() -> None:
    counts = _counts({"a.test.": "v=spf1 redirect=a.test. -all"})
    assert counts["a.test."].total == 0
    assert counts["a.test."].loop == ()


@pytest.mark.parametrize(
    "records",
    [
        {"a.test.": "v=spf1 redirect=a.test."},
        {
            "a.test.": "v=spf1 include:b.test. -all",
            "b.test.": "v=spf1 include:a.test. -all",
        },
        {
            "a.test.": "v=spf1 include:b.test. -all",
            "b.test.": "v=spf1 redirect=c.test.",
            "c.test.": "v=spf1 ip4:192.0.2.1 include:a.test. -all",
        },
    ],
)
def test_loops_are_found(records: dict[str, str]) -> None:
    counts = _counts(records)
    assert all(set(c.loop) == set(records) for c in counts.values())
    assert not any(c.over for c in counts.values())


def test_a_name_leading_into_a_loop_knows_the_loop() -> None:
    counts = _counts(
        {
            "x.test.": "v=spf1 include:a.test. -all",
            "a.test.": "v=spf1 include:b.test. -all",
            "b.test.": "v=spf1 include:a.test. -all",
        }
    )
    assert set(counts["x.test."].loop) == {"a.test.", "b.test."}


def test_only_the_record_over_the_limit_by_itself_is_over() -> None:
    eleven = "v=spf1 " + " ".join(f"a:h{i}.example" for i in range(11)) + " -all"
    counts = _counts(
        {"top.test.": "v=spf1 include:spf.test. -all", "spf.test.": eleven}
    )
    assert counts["spf.test."].over
    assert counts["top.test."].total == 12
    assert not counts["top.test."].over


def test_a_long_chain_and_a_diamond_count_without_recursion_or_blowup() -> None:
    # 3000 names, each including the next: no recursion limit.
    chain = {f"n{i}.test.": f"v=spf1 include:n{i + 1}.test. -all" for i in range(3000)}
    chain["n3000.test."] = "v=spf1 -all"
    assert _counts(chain)["n0.test."].total == 999  # capped
    # Each level includes the next twice: 2**200 lookups, capped.
    diamond = {
        f"d{i}.test.": f"v=spf1 include:d{i + 1}.test. include:d{i + 1}.test. -all"
        for i in range(200)
    }
    diamond["d200.test."] = "v=spf1 a -all"
    assert _counts(diamond)["d0.test."].total == 999


def test_zf307_reports_a_loop_once_and_the_mx_record_limit() -> None:
    mx = "".join(f"relay MX {i} mx{i}.example.org.\n" for i in range(11))
    text = (
        HEAD
        + '@ TXT "v=spf1 include:_spf.example.net -all"\n'
        + '_spf TXT "v=spf1 include:example.net -all"\n'
        + mx
        + 'relay TXT "v=spf1 mx -all"\n'
    )
    found = [
        (d.line, d.message)
        for d in zonefix.check(zonefix.parse_text(text))
        if d.code.code == "ZF307"
    ]
    assert len(found) == 2
    assert "comes back to itself" in found[0][1]
    assert "finds 11 MX records" in found[1][1]
