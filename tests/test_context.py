"""The settings of a run travel with the run (the rules' RuleContext), not
on the parsed zone: zonefix.check uses the config it is given, and the
fixer the settings it is given, on every pass."""

from __future__ import annotations

import zonefix
from tests.conftest import ROOT
from zonefix.config import load_config
from zonefix.fixer import fix
from zonefix.settings import MailSettings

EXAMPLE = ROOT / "examples" / "db.example.net"


def test_check_uses_its_config() -> None:
    zone = zonefix.parse_file(EXAMPLE)
    config = load_config(ROOT / "examples" / "zonefix.toml")
    unconfigured = {d.code.code for d in zonefix.check(zone)}
    configured = {d.code.code for d in zonefix.check(zone, config=config)}
    # The configured provider (Alibaba Mail, Singapore) names the Google MX
    # foreign (ZF201) and the Hong Kong imap host another site's (ZF207);
    # without it, the providers are mixed and none is inferred (ZF204).
    assert {"ZF201", "ZF207"} <= configured - unconfigured
    assert "ZF204" in unconfigured - configured
    # Nothing was left on the zone: the next run has its own settings.
    assert zone.mail_settings == MailSettings()
    assert {d.code.code for d in zonefix.check(zone)} == unconfigured


def test_fix_runs_every_pass_under_its_settings() -> None:
    zone = zonefix.parse_file(EXAMPLE)
    settings = load_config(ROOT / "examples" / "zonefix.toml").settings()
    fixed = fix(zone, settings=settings)
    plain = fix(zonefix.parse_file(EXAMPLE))
    # The provider's client names are written only where it is configured.
    assert "pop3    IN  CNAME pop.sg.aliyun.com." in fixed.text
    assert "pop.sg.aliyun.com" not in plain.text
    assert not any(d.code.code == "ZF201" for d in fixed.remaining)
