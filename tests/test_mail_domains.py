"""Mail domains and their provider, as SPEC §3 (ZF2) defines them: the
configured provider, else the one provider every MX host belongs to. Fixes
that change where mail goes are safe only for a configured provider: an
inference is a guess (issue 9)."""

from __future__ import annotations

import pytest

import zonefix
from zonefix.diagnostics import Applicability
from zonefix.mail import MailSettings
from zonefix.mail.domains import MailView
from zonefix.rules import RuleContext
from zonefix.settings import Settings

HEAD = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
QIYE = (
    "@ MX 5 mx1.qiye.aliyun.com.\n@ MX 10 mx2.qiye.aliyun.com.\n"
    "@ MX 15 mx3.qiye.aliyun.com.\n"
)
GOOGLE_OLDER = (
    "@ MX 1 aspmx.l.google.com.\n@ MX 5 alt1.aspmx.l.google.com.\n"
    "@ MX 5 alt2.aspmx.l.google.com.\n@ MX 10 aspmx2.googlemail.com.\n"
    "@ MX 10 aspmx3.googlemail.com.\n"
)


def zone(body: str, *providers: tuple[str, str]) -> zonefix.Zone:
    parsed = zonefix.parse_text(HEAD + body)
    parsed.mail_settings = MailSettings(providers)
    return parsed


def mail_of(parsed: zonefix.Zone) -> MailView:
    """The mail domains a run of the rules sees, under the zone's settings."""
    return RuleContext(parsed, Settings(parsed.mail_settings)).mail


def provider_of(
    parsed: zonefix.Zone, name: str = "example.net."
) -> tuple[str | None, bool]:
    domain = mail_of(parsed).domain_of(name)
    assert domain is not None
    provider = domain.provider.id if domain.provider else None
    return provider, domain.configured


@pytest.mark.parametrize(
    "spf",
    [
        "",
        '@ TXT "v=spf1 include:spf.qiye.aliyun.com -all"\n',
        '@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n',
    ],
)
def test_inferred_from_the_mx_whatever_the_spf(spf: str) -> None:
    assert provider_of(zone(QIYE + spf)) == ("alibaba-mail", False)


def test_configured_whatever_the_mx() -> None:
    parsed = zone("@ MX 10 mail.example.org.\n", ("@", "alibaba-mail-sg"))
    assert provider_of(parsed) == ("alibaba-mail-sg", True)


def test_a_configured_name_without_mx_is_a_mail_domain() -> None:
    parsed = zone("www A 192.0.2.80\n", ("www", "google-workspace"))
    assert provider_of(parsed, "www.example.net.") == ("google-workspace", True)
    # A name of another zone in the same configuration is that zone's.
    parsed = zone("www A 192.0.2.80\n", ("example.org.", "google-workspace"))
    assert mail_of(parsed).domains == []


def test_other_is_configured_and_names_no_profile() -> None:
    parsed = zone(
        QIYE + "@ MX 20 mail.example.net.\nmail A 192.0.2.25\n", ("@", "other")
    )
    assert provider_of(parsed) == (None, True)
    assert zonefix.check(parsed, select=["ZF2"]) == []


def test_hosts_of_two_providers_infer_nothing() -> None:
    parsed = zone(QIYE + "@ MX 1 smtp.google.com.\n")
    domain = mail_of(parsed).domain_of("example.net.")
    assert domain is not None
    assert domain.provider is None
    assert [p.id for p in domain.candidates] == ["alibaba-mail", "google-workspace"]


def test_one_provider_beside_an_own_server_infers_nothing() -> None:
    # A self-hosted domain with one Alibaba Mail backup MX: zonefix cannot
    # tell which records are leftovers, so it deletes none and adds none.
    parsed = zone(
        "@ MX 10 mail.example.net.\n@ MX 20 mx1.qiye.aliyun.com.\nmail A 192.0.2.25\n"
    )
    domain = mail_of(parsed).domain_of("example.net.")
    assert domain is not None
    assert domain.provider is None
    assert [p.id for p in domain.candidates] == ["alibaba-mail"]
    assert [m.host for m in domain.unknown] == ["mail.example.net"]
    findings = zonefix.check(parsed)
    assert [d.code.code for d in findings] == ["ZF204", "ZF301", "ZF401"]
    assert all(d.fix is None or d.code.code == "ZF401" for d in findings)
    assert findings[0].message == (
        "MX hosts of alibaba-mail at example.net. beside hosts of no known "
        "provider (mail.example.net.): no provider is inferred; set "
        'mail-provider = { "example.net." = "alibaba-mail" } (or --mail-provider '
        'alibaba-mail) if those are leftovers, or "other" if they are yours'
    )
    assert findings[0].code.severity.value == "warning"


def test_two_sites_of_one_provider_infer_nothing() -> None:
    parsed = zone("@ MX 5 mx1.sg.aliyun.com.\n@ MX 10 mx2.hk.aliyun.com.\n")
    domain = mail_of(parsed).domain_of("example.net.")
    assert domain is not None
    assert domain.provider is None
    assert [p.id for p in domain.candidates] == ["alibaba-mail-sg", "alibaba-mail-hk"]


def test_every_host_of_one_family_is_never_foreign() -> None:
    # Google's older set with the googlemail.com backups, as M-Lab's zone
    # has it: all Google's; nothing to delete, nothing missing.
    parsed = zone(GOOGLE_OLDER)
    assert provider_of(parsed) == ("google-workspace", False)
    assert zonefix.check(parsed, select=["ZF201", "ZF202", "ZF203"]) == []


def test_mailbox_and_sending_hosts_at_one_name_infer_nothing() -> None:
    # DirectMail's bounce MX beside Alibaba Mail's at one name: two
    # providers' hosts take the name's mail; which is meant is the owner's.
    parsed = zone(QIYE + "@ MX 20 mx01.dm.aliyun.com.\n")
    domain = mail_of(parsed).domain_of("example.net.")
    assert domain is not None
    assert domain.provider is None
    assert [p.id for p in domain.candidates] == ["alibaba-mail", "alibaba-directmail"]


def test_a_sending_subdomain_is_its_own_mail_domain() -> None:
    parsed = zone(QIYE + "news MX 10 mx01.dm.aliyun.com.\n")
    assert provider_of(parsed) == ("alibaba-mail", False)
    assert provider_of(parsed, "news.example.net.") == ("alibaba-directmail", False)


def test_another_site_of_the_family_is_known() -> None:
    parsed = zone("@ MX 5 mx1.sg.aliyun.com.\n", ("@", "alibaba-mail-sg"))
    view = mail_of(parsed)
    profile = view.profile_of_host("mx2.hk.aliyun.com", "example.net.")
    assert profile is not None
    assert profile.id == "alibaba-mail-hk"


@pytest.mark.parametrize(
    ("providers", "applicability"),
    [((("@", "alibaba-mail"),), Applicability.SAFE), ((), Applicability.UNSAFE)],
)
def test_fixes_that_move_mail_are_safe_only_for_a_configured_provider(
    providers: tuple[tuple[str, str], ...], applicability: Applicability
) -> None:
    parsed = zone("@ MX 5 mx1.qiye.aliyun.com.\n", *providers)
    (finding,) = zonefix.check(parsed, select=["ZF202"])
    assert finding.fix is not None
    assert finding.fix.applicability is applicability
    if not providers:
        assert (
            'mail-provider = { "example.net." = "alibaba-mail" } makes the fix safe'
        ) in finding.message


def test_a_foreign_mx_is_reported_only_against_a_configured_provider() -> None:
    body = QIYE + "@ MX 20 mx.oldhost.example.com.\n"
    assert zonefix.check(zone(body), select=["ZF201"]) == []
    (finding,) = zonefix.check(zone(body, ("@", "alibaba-mail")), select=["ZF201"])
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.SAFE


@pytest.mark.parametrize(
    ("body", "sends"),
    [
        ("@ MX 10 mail.example.net.\n", True),  # the apex
        ("lists MX 10 smtp1.osuosl.org.\n", False),  # an own or unknown host
        ("* MX 10 mail.example.org.\n", False),  # a wildcard
        ("spamtrap MX 10 mxa.mailgun.org.\nspamtrap MX 10 mxb.mailgun.org.\n", False),
        ("g MX 1 smtp.google.com.\n", True),  # a mailbox provider's users send
        ("bounce MX 10 feedback-smtp.us-east-1.amazonses.com.\n", True),
    ],
)
def test_which_names_send(body: str, sends: bool) -> None:
    parsed = zone(body)
    (domain,) = mail_of(parsed).domains
    assert domain.sends is sends
    codes = [d.code.code for d in zonefix.check(parsed, select=["ZF301"])]
    assert codes == (["ZF301"] if sends else [])


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


@pytest.mark.parametrize(
    ("present", "wanted", "expected"),
    [
        ([(5, 5), (10, 10)], 15, 15),  # as documented: the documented value
        ([(5, 10), (10, 20)], 15, 25),  # after the others, the documented gap
        ([(10, 20), (15, 30)], 5, 5),  # before them, as documented
        ([(10, 3), (15, 6)], 5, 0),  # before them, as low as it goes
        ([(5, 10), (15, 30)], 10, 20),  # between: in the middle
        ([(5, 10), (15, 11)], 10, None),  # no whole number between 10 and 11
        ([(1, 10), (5, 20)], 5, 20),  # a documented tie: the same value
        ([(10, 0)], 5, None),  # nothing below 0
    ],
)
def test_a_missing_host_joins_in_the_order_the_present_ones_keep(
    present: list[tuple[int, int]], wanted: int, expected: int | None
) -> None:
    from zonefix.mail.domains import MxRecord
    from zonefix.providers import MxHost
    from zonefix.rules.mail import priority_for

    have = [
        (MxRecord(n, actual, f"h{n}"), MxHost(documented, f"h{n}"))
        for n, (documented, actual) in enumerate(present)
    ]
    assert priority_for(wanted, have) == expected
