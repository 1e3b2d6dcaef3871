"""The settings of a run travel with the run (the rules' RuleContext), not
on the parsed zone: zonefix.check uses the config it is given, and the
fixer the settings it is given, on every pass."""

from __future__ import annotations

import zonefix
from tests.conftest import ROOT, load_fixture
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


RULE_FIXTURES = sorted((ROOT / "fixtures" / "rules").glob("*/*.zone"))


def test_a_run_without_fixes_finds_the_same() -> None:
    """The fixer's trust check compares findings and never applies their
    fixes, so it runs the rules without them: every rule must then find
    exactly what it finds with them, and ZF404 (whose fix rewrites an owner
    and costs most) must leave its fix out."""
    from zonefix.rules import all_rules, run_rules

    rules = all_rules()
    left_out = 0
    for path in RULE_FIXTURES:
        zone = load_fixture(path)
        with_fixes = run_rules(zone, rules)
        without = run_rules(zone, rules, fixes=False)
        assert [d._replace(fix=None) for d in with_fixes] == [
            d._replace(fix=None) for d in without
        ], path
        offered = [d.code.code for d in with_fixes if d.fix is not None]
        kept = [d.code.code for d in without if d.fix is not None]
        assert [c for c in offered if c != "ZF404"] == kept, path
        left_out += offered.count("ZF404")
    assert left_out >= 2
