"""The DMARC and DKIM readers (zonefix.mail.dmarc, zonefix.mail.dkim) on
their own, and what users see of them: findings, severities and fixes that
settle."""

from __future__ import annotations

import datetime

import pytest

import zonefix
from zonefix.diagnostics import Severity
from zonefix.fixer import fix
from zonefix.mail.dkim import dkim_problems
from zonefix.mail.dmarc import dmarc_problems
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
