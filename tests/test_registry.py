"""The rule catalogue: stable codes, names, documentation, fixtures."""

from __future__ import annotations

import re

import pytest

import zonefix
from tests.conftest import FIXTURES
from zonefix.config import load_config
from zonefix.mail import MailSettings
from zonefix.rules import REGISTRY, FixAvailability, Rule, all_rules

RULES = all_rules()
HEADINGS = ("## What it does", "## Why it matters", "## Example", "## Fix")


def test_codes_are_unique_and_well_formed() -> None:
    codes = [r.code.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"ZF\d{3}", c) for c in codes)
    names = [r.code.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)
    assert set(REGISTRY) == set(codes)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_rule_has_documentation(rule: Rule) -> None:
    doc = rule.doc
    positions = [doc.find(h) for h in HEADINGS]
    assert all(p >= 0 for p in positions), f"{rule.code.code} lacks a heading"
    assert positions == sorted(positions)
    # Lower-case (an acronym such as CNAME aside), no final period.
    summary = rule.code.summary
    first = summary.split()[0]
    assert not (first[0].isupper() and first[1:].islower())
    assert not summary.endswith(".")


def _example(rule: Rule) -> str:
    match = re.search(r"## Example\n```\n(.*?)```", rule.doc, re.DOTALL)
    assert match, f"{rule.code.code}: no example block"
    return match.group(1)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_documented_example_raises_the_rule(rule: Rule, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The example in the docs is a real zone fragment that the rule flags.
    if rule.code.code == "ZF003":
        zone = zonefix.parse_text(_example(rule), filename=str(tmp_path / "zone.txt"))
    else:
        zone = zonefix.parse_text(
            _example(rule),
            origin="example.net.",
            filename=str(tmp_path / "db.example.net"),
        )
    # An example may say what configuration it needs on its first line:
    # "; zonefix.toml: mail-provider = ..." (as a reader would set it).
    first = _example(rule).splitlines()[0]
    if first.startswith("; zonefix.toml:"):
        config_file = tmp_path / "zonefix.toml"
        config_file.write_text(first.removeprefix("; zonefix.toml:").strip() + "\n")
        config = load_config(config_file)
        zone.mail_settings = MailSettings(config.mail_providers, config.profiles)
    assert rule.code.code in {d.code.code for d in zonefix.check(zone)}


@pytest.mark.parametrize(
    "rule",
    [r for r in RULES if not r.code.code.startswith("ZF0")],
    ids=lambda r: r.code.code,
)
def test_rule_has_fixtures(rule: Rule) -> None:
    # ZF0 cases live in fixtures/bad; every other rule has failing and
    # passing cases of its own.
    folder = FIXTURES / "rules" / rule.code.code
    cases = [
        p.name for p in folder.glob("*.zone") if not p.name.endswith(".fixed.zone")
    ]
    assert any(not c.startswith("pass_") for c in cases)
    assert any(c.startswith("pass_") for c in cases)
    if rule.fix is not FixAvailability.NONE:
        # A rule with a fix shows it: some case has its fixed text beside it.
        assert any((folder / c).with_suffix(".fixed.zone").exists() for c in cases)


def test_a_rule_reports_errors_only_where_the_fixer_asks_it() -> None:
    """The fixer asks only the rules reports_errors names whether a fix adds
    an error: every finding of error severity must come from one of them."""
    from tests.conftest import load_fixture
    from zonefix.diagnostics import Severity
    from zonefix.fixer import reports_errors
    from zonefix.rules.context import RuleContext
    from zonefix.settings import Settings

    unasked = []
    for path in sorted(FIXTURES.rglob("*.zone")):
        zone = load_fixture(path)
        context = RuleContext(zone, Settings(mail=zone.mail_settings))
        for rule in RULES:
            if reports_errors(rule):
                continue
            for d in rule.check(context):
                if d.code.severity is Severity.ERROR:
                    unasked.append((path.name, rule.code.code, d.code.code))
    assert unasked == []
