"""Safe fixes never add a finding (issue 9): applied unseen by a
pre-commit hook, they leave nothing reported that was not reported before.

Checked over every rule and parse fixture, every scenario zone (with its
configuration) and, in tests/test_ecosystem.py, every real-world zone; and
by hypothesis over fixtures with blanks, comments and line ends sprinkled
in. Findings compare by code and message, with line numbers in messages
left out (a deleted line moves those after it).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zonefix
from tests.conftest import FIXTURES, PARSE_FIXTURES, load_fixture
from tests.test_roundtrip import _MUTATIONS, _mutate
from zonefix.diagnostics import Diagnostic
from zonefix.fixer import fix
from zonefix.rules import select_rules

RULE_CASES = sorted(
    p
    for p in (FIXTURES / "rules").glob("ZF*/*.zone")
    if not p.name.endswith(".fixed.zone")
)
SCENARIO_ZONES = sorted((FIXTURES / "scenarios").glob("*/db.*"))


def _kinds(found: list[Diagnostic]) -> Counter[tuple[str, str]]:
    return Counter(
        (d.code.code, re.sub(r"\bline \d+", "line N", d.message)) for d in found
    )


def _added(zone: zonefix.Zone) -> Counter[tuple[str, str]]:
    rules = select_rules()
    before = zonefix.check(zone)
    result = fix(zone, rules=rules, unsafe=False)
    assert result.problem is None, result.problem
    return _kinds(result.remaining) - _kinds(before)


def _scenario_zone(path: Path) -> zonefix.Zone:
    from zonefix.config import load_config
    from zonefix.mail import MailSettings

    zone = zonefix.parse_file(path)
    config_file = path.parent / "zonefix.toml"
    if config_file.is_file():
        config = load_config(config_file)
        zone.mail_settings = MailSettings(config.mail_providers, config.profiles)
    return zone


@pytest.mark.parametrize(
    "path",
    RULE_CASES + PARSE_FIXTURES,
    ids=lambda p: str(p.relative_to(FIXTURES)),
)
def test_safe_fixes_add_no_finding_to_a_fixture(path: Path) -> None:
    if not path.is_file() or path.suffix in (".inc",):
        pytest.skip("not a zone")
    assert _added(load_fixture(path)) == Counter()


@pytest.mark.parametrize(
    "path", SCENARIO_ZONES, ids=lambda p: str(p.relative_to(FIXTURES))
)
def test_safe_fixes_add_no_finding_to_a_scenario_zone(path: Path) -> None:
    assert _added(_scenario_zone(path)) == Counter()


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(RULE_CASES), _MUTATIONS)
def test_safe_fixes_add_no_finding_to_a_reformatted_fixture(
    path: Path, mutations: list[tuple[str, int]]
) -> None:
    text = _mutate(path.read_text(encoding="utf-8"), mutations)
    zone = zonefix.parse_text(text, filename=str(path))
    reference = load_fixture(path)
    zone.mail_settings = reference.mail_settings
    assert _added(zone) == Counter()
