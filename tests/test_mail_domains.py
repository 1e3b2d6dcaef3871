"""Mail domains and their provider, as SPEC §3 (ZF2) defines them: the
configured provider, else the single profile whose MX hosts appear, which
is determined when the SPF includes it or there is no SPF. Fixes that take
records from a profile are safe only for a determined provider."""

from __future__ import annotations

import pytest

import zonefix
from zonefix.diagnostics import Applicability
from zonefix.mail import MailSettings

HEAD = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
QIYE = (
    "@ MX 5 mx1.qiye.aliyun.com.\n@ MX 10 mx2.qiye.aliyun.com.\n"
    "@ MX 15 mx3.qiye.aliyun.com.\n"
)


def zone(body: str, *providers: tuple[str, str]) -> zonefix.Zone:
    parsed = zonefix.parse_text(HEAD + body)
    parsed.mail_settings = MailSettings(providers)
    return parsed


def provider_of(
    parsed: zonefix.Zone, name: str = "example.net."
) -> tuple[str | None, bool, bool]:
    domain = parsed.mail.domain_of(name)
    assert domain is not None
    provider = domain.provider.id if domain.provider else None
    return provider, domain.configured, domain.determined


@pytest.mark.parametrize(
    ("spf", "determined"),
    [
        ("", True),  # no SPF: nothing contradicts the MX
        ('@ TXT "v=spf1 include:spf.qiye.aliyun.com -all"\n', True),
        ('@ TXT "v=spf1 include the following:spf.qiye.aliyun.com -all"\n', True),
        ('@ TXT "v=spf1 include:spf.mxhichina.com -all"\n', False),
        ('@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n', False),
    ],
)
def test_inferred_from_the_mx_and_determined_by_the_spf(
    spf: str, determined: bool
) -> None:
    assert provider_of(zone(QIYE + spf)) == ("alibaba-mail", False, determined)


def test_configured_is_determined_whatever_the_mx() -> None:
    parsed = zone("@ MX 10 mail.example.org.\n", ("@", "alibaba-mail-sg"))
    assert provider_of(parsed) == ("alibaba-mail-sg", True, True)


def test_a_configured_name_without_mx_is_a_mail_domain() -> None:
    parsed = zone("www A 192.0.2.80\n", ("www", "google-workspace"))
    assert provider_of(parsed, "www.example.net.") == ("google-workspace", True, True)
    # A name of another zone in the same configuration is that zone's.
    parsed = zone("www A 192.0.2.80\n", ("example.org.", "google-workspace"))
    assert parsed.mail.domains == []


def test_hosts_of_two_providers_infer_nothing() -> None:
    parsed = zone(QIYE + "@ MX 1 smtp.google.com.\n")
    domain = parsed.mail.domain_of("example.net.")
    assert domain is not None
    assert domain.provider is None
    assert [p.id for p in domain.candidates] == ["alibaba-mail", "google-workspace"]


def test_a_sending_subdomain_is_its_own_mail_domain() -> None:
    parsed = zone(QIYE + "news MX 10 mx01.dm.aliyun.com.\n")
    assert provider_of(parsed) == ("alibaba-mail", False, True)
    assert provider_of(parsed, "news.example.net.") == (
        "alibaba-directmail",
        False,
        True,
    )
    assert [d.name for d in parsed.mail.domains] == [
        "example.net.",
        "news.example.net.",
    ]


def test_a_mailbox_providers_mx_wins_over_a_sending_services() -> None:
    # DirectMail's bounce MX beside Alibaba Mail's at one name: the mailbox
    # provider is the one mail for the name goes to.
    parsed = zone(QIYE + "@ MX 20 mx01.dm.aliyun.com.\n")
    assert provider_of(parsed) == ("alibaba-mail", False, True)


def test_another_site_of_the_family_is_known() -> None:
    parsed = zone("@ MX 5 mx1.sg.aliyun.com.\n", ("@", "alibaba-mail-sg"))
    view = parsed.mail
    profile = view.profile_of_host("mx2.hk.aliyun.com", "example.net.")
    assert profile is not None
    assert profile.id == "alibaba-mail-hk"


@pytest.mark.parametrize(
    ("spf", "applicability"),
    [
        ('@ TXT "v=spf1 include:spf.qiye.aliyun.com -all"\n', Applicability.SAFE),
        ('@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n', Applicability.UNSAFE),
    ],
)
def test_profile_fixes_are_safe_only_for_a_determined_provider(
    spf: str, applicability: Applicability
) -> None:
    parsed = zone(QIYE + "@ MX 20 mx.oldhost.example.com.\n" + spf)
    (finding,) = zonefix.check(parsed, select=["ZF201"])
    assert finding.fix is not None
    assert finding.fix.applicability is applicability


def test_lookups_count_the_nested_ones_a_profile_knows() -> None:
    # RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect cost one
    # lookup each (mx's address lookups have their own limit); an include
    # costs what lies below it too, where a profile says. No provider
    # documents that figure (spec/mail-providers.md §14), so no shipped
    # profile claims one; a configured profile may.
    from zonefix.providers import profile_from_mapping

    acme = profile_from_mapping(
        {
            "id": "acme-mail",
            "name": "Acme",
            "mx": [[10, "in.acme.example"]],
            "spf-include": "_spf.acme.example",
            "spf-nested-lookups": 7,
        },
        "test",
    )
    body = (
        "@ MX 10 in.acme.example.\n"
        '@ TXT "v=spf1 a mx include:_spf.acme.example include:one.example.org -all"\n'
    )
    parsed = zone(body)
    assert zonefix.check(parsed, select=["ZF307"]) == []  # 4 lookups
    # Settings changed after a check take effect on the next.
    parsed.mail_settings = MailSettings((), (acme,))
    (finding,) = zonefix.check(parsed, select=["ZF307"])
    assert finding.message == (
        "SPF at example.net. makes 11 DNS lookups, over the limit of 10; "
        "1 include zonefix does not know counted as one lookup each"
    )
