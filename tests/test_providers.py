"""Mail provider profiles (SPEC §5): the shipped files, profiles added in
configuration, and how the command line names a domain's provider."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from zonefix.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, main
from zonefix.config import ConfigError, load_config
from zonefix.providers import (
    HostPatterns,
    ProfileError,
    all_profiles,
    host_matches,
    profile_from_mapping,
    shipped_profiles,
)

SHIPPED = shipped_profiles()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# ----------------------------------------------------------- shipped files


@pytest.mark.parametrize("ident", sorted(SHIPPED))
def test_every_shipped_profile_says_when_and_where_it_was_checked(ident: str) -> None:
    profile = SHIPPED[ident]
    checked = datetime.date.fromisoformat(profile.checked)
    assert datetime.date(2026, 1, 1) <= checked <= datetime.date(2026, 11, 26)
    if profile.confidence == "doc":
        # The provider's own documentation: where it is.
        sources = [s.strip() for s in profile.source.split(";")]
        assert all(s.startswith("https://") for s in sources)
    else:
        # Third-party or unconfirmed facts say where they come from, and
        # are never written into a zone.
        assert profile.source
        assert not profile.writes_records
    assert profile.mx_sets
    assert all(mx.host == mx.host.lower() for s in profile.mx_sets for mx in s)
    assert all(any(mx.required for mx in s) for s in profile.mx_sets)
    assert profile.kind in ("mailbox", "sending")


def test_the_generated_profiles_are_the_toml_files() -> None:
    """zonefix reads the profiles from _profiles.py, which must say what the
    TOML files say (after editing one: make profiles)."""
    from zonefix.providers import generate

    from_toml = generate.read_toml()
    assert tuple(SHIPPED.values()) == from_toml
    assert generate.GENERATED.read_text(encoding="utf-8") == generate.source(
        from_toml
    ), "zonefix/providers/_profiles.py is stale: run make profiles"


# SPEC §5's seed table, authoritative for Alibaba Mail.
SEED = {
    "alibaba-mail": (
        [
            (5, "mx1.qiye.aliyun.com"),
            (10, "mx2.qiye.aliyun.com"),
            (15, "mx3.qiye.aliyun.com"),
        ],
        "spf.qiye.aliyun.com",
        {
            "pop3": "pop.qiye.aliyun.com",
            "imap": "imap.qiye.aliyun.com",
            "smtp": "smtp.qiye.aliyun.com",
            "mail": "qiye.aliyun.com",
        },
        False,
    ),
    "alibaba-mail-enterprise": (
        [(5, "mxn.mxhichina.com"), (10, "mxw.mxhichina.com")],
        "spf.qiye.aliyun.com",
        {"mail": "mail.mxhichina.com", "smtp": "smtp.mxhichina.com"},
        False,
    ),
    **{
        f"alibaba-mail-{site}": (
            [(5, f"mx1.{domain}"), (10, f"mx2.{domain}")],
            f"spf.{domain}",
            {
                "imap": f"imap.{domain}",
                "pop3": f"pop.{domain}",
                "smtp": f"smtp.{domain}",
                "mail": f"mail.{domain}",
            },
            True,
        )
        for site, domain in [
            ("sg", "sg.aliyun.com"),
            ("hk", "hk.aliyun.com"),
            ("de", "de.alibabacloud.com"),
            ("us", "us.alibabacloud.com"),
        ]
    },
}


@pytest.mark.parametrize("ident", sorted(SEED))
def test_alibaba_mail_profiles_hold_the_seed_facts(ident: str) -> None:
    mx, include, clients, recommended = SEED[ident]
    profile = SHIPPED[ident]
    assert [[(m.priority, m.host) for m in s] for s in profile.mx_sets] == [mx]
    assert all(m.required for s in profile.mx_sets for m in s)
    assert profile.spf_include == include
    assert profile.spf_all == "-all"
    assert profile.family == "alibaba-mail"
    assert {c.name: c.target for c in profile.clients} == clients
    assert all(c.recommended is recommended for c in profile.clients)


def test_directmail_is_a_sending_profile_on_a_subdomain() -> None:
    dm = SHIPPED["alibaba-directmail"]
    assert dm.kind == "sending"
    assert dm.needs_subdomain
    assert [[tuple(m) for m in s] for s in dm.mx_sets] == [
        [(10, "mx01.dm.aliyun.com", True)]
    ]
    assert dm.spf_include == "spf1.dm.aliyun.com"
    assert dm.ownership == ("aliyundm",)
    assert dm.dkim_selectors == ("aliyun-*",)
    assert {c.name: c.target for c in dm.clients} == {"dmtrace": "tracedm.aliyuncs.com"}


def test_mx_sets_with_the_domain_and_wildcards() -> None:
    m365 = SHIPPED["microsoft-365"]
    domain = "corp.example.net."
    assert m365.set_of("corp-example-net.mail.protection.outlook.com", domain) == 0
    assert m365.set_of("corp-example-net.c-v1.mx.microsoft", domain) == 1
    assert m365.set_of("other-example-net.mail.protection.outlook.com", domain) is None
    google = SHIPPED["google-workspace"]
    assert google.set_of("smtp.google.com", "example.net.") == 0
    assert google.set_of("alt3.aspmx.l.google.com", "example.net.") == 1
    assert google.in_family("aspmx9.googlemail.com")
    sg = SHIPPED["alibaba-mail-sg"]
    assert sg.set_of("mx2.hk.aliyun.com", "example.net.") is None
    assert not sg.in_family("mx2.hk.aliyun.com")  # the Hong Kong site's
    assert SHIPPED["alibaba-mail-hk"].in_family("mx3.hk.aliyun.com")


def test_google_older_set_needs_only_its_first_host() -> None:
    # Google's older set: aspmx.l.google.com, with backups that zones carry
    # in part (alt1-alt4, and the googlemail.com hosts of the first setup
    # guides); every one is Google's, only the first is asked for.
    (_, older) = SHIPPED["google-workspace"].mx_sets
    assert [(m.host, m.required) for m in older if m.required] == [
        ("aspmx.l.google.com", True)
    ]
    hosts = {m.host for m in older}
    assert {f"aspmx{n}.googlemail.com" for n in range(2, 6)} <= hosts
    assert {f"alt{n}.aspmx.l.google.com" for n in range(1, 5)} <= hosts


def test_tencent_and_netease_are_recognised_never_written() -> None:
    tencent = SHIPPED["tencent-exmail"]
    assert tencent.set_of("mxbiz2.qq.com", "example.net.") == 0
    assert tencent.set_of("mx.exmail.qq.com", "example.net.") == 1
    assert tencent.spf_include == "spf.mail.qq.com"
    assert tencent.in_family("smtp.exmail.qq.com")
    netease = SHIPPED["netease-qiye"]
    assert netease.set_of("qiye163mx02.mxmail.netease.com", "example.net.") == 0
    assert netease.spf_include == "spf.163.com"
    assert not tencent.writes_records
    assert not netease.writes_records


# ------------------------------------------------------- profile checking

VALID = {
    "id": "acme-mail",
    "name": "Acme Mail",
    "mx": [[10, "in1.acme.example"], [20, "in2.acme.example"]],
    "spf-include": "_spf.acme.example",
}


def test_a_profile_from_a_table() -> None:
    profile = profile_from_mapping(VALID, "zonefix.toml: providers")
    assert profile.id == "acme-mail"
    assert profile.family == "acme-mail"
    assert profile.mx_sets == (
        ((10, "in1.acme.example", True), (20, "in2.acme.example", True)),
    )
    assert profile.spf_all == "~all"
    assert profile.kind == "mailbox"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "blue"}, "unknown profile key 'colour'"),
        ({"kind": "relay"}, "'kind' must be one of mailbox, sending"),
        ({"mx": None}, "'mx' must be a list of [priority, host]"),
        ({"mx": [["10", "in1.acme.example"]]}, "an MX is [priority, host]"),
        ({"mx": [[10, "in1.acme.example", "spare"]]}, "an MX is [priority, host]"),
        (
            {"mx": [[10, "in1.acme.example", "optional"]]},
            "an MX set needs at least one required host",
        ),
        ({"confidence": "rumour"}, "'confidence' must be one of doc, 3p, unverified"),
        ({"id": "other"}, "'other' is reserved"),
        ({"mx-sets": [[[10, "a.example"]]]}, "give 'mx' or 'mx-sets', not both"),
        ({"spf-all": "+all"}, "'spf-all' must be -all, ~all or ?all"),
        ({"spf-nested-lookups": True}, "'spf-nested-lookups' must be a whole number"),
        ({"clients": [{"name": "imap"}]}, "each client is"),
        ({"name": 3}, "profile key 'name' must be a string"),
        ({"needs-subdomain": "yes"}, "'needs-subdomain' must be true or false"),
    ],
)
def test_a_bad_profile_names_its_key(change: dict[str, object], message: str) -> None:
    raw = {**VALID, **change}
    if change.get("mx", 0) is None:
        del raw["mx"]
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping(raw, "zonefix.toml: providers")
    assert str(caught.value).startswith("zonefix.toml: providers")
    assert message in str(caught.value)


# ------------------------------------------------------- configuration

ACME = """
[providers.acme-mail]
name = "Acme Mail"
mx = [[10, "in1.acme.example"], [20, "in2.acme.example"]]
spf-include = "_spf.acme.example"
spf-all = "-all"
"""


def test_configuration_names_providers_and_adds_profiles(tmp_path: Path) -> None:
    path = tmp_path / "zonefix.toml"
    path.write_text('mail-provider = "alibaba-mail-sg"\n')
    assert load_config(path).mail_providers == (("@", "alibaba-mail-sg"),)
    path.write_text(
        '[mail-provider]\n"@" = "alibaba-mail"\nnews = "acme-mail"\n' + ACME
    )
    config = load_config(path)
    assert config.mail_providers == (("@", "alibaba-mail"), ("news", "acme-mail"))
    profiles = all_profiles(config.profiles)
    assert profiles["acme-mail"].spf_all == "-all"
    assert "alibaba-mail-sg" in profiles


def test_a_configured_profile_replaces_a_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "zonefix.toml"
    path.write_text(
        '[providers.alibaba-mail-sg]\nname = "Ours"\nmx = [[1, "mx.example.org"]]\n'
    )
    profiles = all_profiles(load_config(path).profiles)
    assert profiles["alibaba-mail-sg"].name == "Ours"
    assert len(profiles) == len(SHIPPED)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'mail-provider = "nobody-mail"\n',
            "'mail-provider' names 'nobody-mail' (for @), which is no profile",
        ),
        ("mail-provider = 3\n", "'mail-provider'"),
        ('[mail-provider]\nnews = "nobody"\n', "names 'nobody' (for news)"),
        ('providers = "acme"\n', "'providers' must be a table of profile tables"),
        ('[providers.acme]\nname = "A"\n', "profile 'acme': 'mx' must be a list"),
    ],
)
def test_bad_mail_configuration_names_the_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "zonefix.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


# ------------------------------------------------------- command line

MIXED = (
    "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
    "@ MX 5 mx1.qiye.aliyun.com.\n@ MX 10 mx2.qiye.aliyun.com.\n"
    "@ MX 15 mx3.qiye.aliyun.com.\n@ MX 1 smtp.google.com.\n"
    '@ TXT "v=spf1 include:spf.qiye.aliyun.com -all"\n_dmarc TXT "v=DMARC1; p=none"\n'
)


def test_mail_provider_option_settles_a_mixed_domain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "db.example.net").write_text(MIXED)
    status, out, _ = run(capsys, "db.example.net")
    assert status == EXIT_FINDINGS
    assert "ZF204" in out
    assert (
        'say which is in use: mail-provider = { "example.net." = "ID" } '
        "(or --mail-provider ID), with ID alibaba-mail or google-workspace"
    ) in out
    status, out, _ = run(capsys, "--mail-provider", "alibaba-mail", "db.example.net")
    assert "ZF204" not in out
    assert "db.example.net:9:8: ZF201 [*] foreign MX smtp.google.com." in out
    run(capsys, "--mail-provider", "alibaba-mail", "--write", "db.example.net")
    assert "smtp.google.com" not in (tmp_path / "db.example.net").read_text()
    assert run(capsys, "db.example.net")[0] == EXIT_CLEAN


def test_an_unknown_mail_provider_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "db.example.net").write_text(MIXED)
    status, _, err = run(capsys, "--mail-provider", "nobody-mail", "db.example.net")
    assert status == EXIT_ERROR
    assert "--mail-provider 'nobody-mail' names no profile" in err


def test_list_providers_shows_shipped_and_configured_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "zonefix.toml").write_text(ACME)
    status, out, _ = run(capsys, "--list-providers")
    assert status == EXIT_CLEAN
    ids = [line.split()[0] for line in out.splitlines()[1:] if not line[0].isspace()]
    assert ids == [*SHIPPED, "acme-mail"]
    assert (
        "alibaba-mail-sg          mailbox  5 mx1.sg.aliyun.com, 10 mx2.sg.aliyun.com"
        in out
    )
    assert "Alibaba Mail (Singapore site) (checked 2026-11-22)" in out
    assert "Acme Mail (from configuration)" in out


def test_profiles_are_read_only_for_a_zone_with_mail() -> None:
    # A subprocess: this one has read them already.
    import subprocess
    import sys

    code = (
        "import zonefix\n"
        "from zonefix.providers import _shipped\n"
        "head = '$ORIGIN example.net.\\n$TTL 1h\\n@ SOA ns h 1 2 3 4 5\\n@ NS ns\\n'\n"
        "zonefix.check(zonefix.parse_text(head + 'ns A 192.0.2.1\\n'))\n"
        "print(_shipped.cache_info().currsize)\n"
        "zonefix.check(zonefix.parse_text(head + '@ MX 10 mx1.sg.aliyun.com.\\n'))\n"
        "print(_shipped.cache_info().currsize)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "1"]


def test_host_patterns_offer_every_pattern_that_matches() -> None:
    # HostPatterns narrows the patterns tried by a host's last two labels:
    # it must never leave out one that matches (brute force says which).
    patterns = {
        host
        for profile in shipped_profiles().values()
        for host_set in profile.mx_sets
        for host in [mx.host for mx in host_set] + list(profile.family_hosts)
    } | {"*", "mx*", "*.example", "a*b.example.net", "{domain-dashes}.mx.test."}
    fill = {"*": "x.y", "{domain-dashes}": "example-net"}
    hosts = {"example.net", "qq.com", "localhost", "x.mx.test", "mx.zoho.com.au"}
    for pattern in patterns:
        host = pattern
        for wildcard, text in fill.items():
            host = host.replace(wildcard, text)
        hosts |= {host, host.rstrip("."), "a." + host, host.split(".", 1)[-1]}
    index = HostPatterns((p, p) for p in sorted(patterns))
    for host in sorted(hosts):
        for domain in ("", "example.net."):
            offered = {p for p, _ in index.candidates(host)}
            matching = {p for p in patterns if host_matches(host, p, domain)}
            assert matching <= offered, host
