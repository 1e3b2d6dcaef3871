"""The rule catalogue says what the rules do: the fix availability each rule
declares beside its function is the one it emits, and the README's rule
table lists the registry's rules, in order, with their names and fixes."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

import zonefix
from tests.conftest import FIXTURES, ROOT, load_fixture
from zonefix.rules import FixAvailability, Rule, all_rules

RULES = all_rules()

#: Best first: a rule declared SAFE emits a safe fix somewhere (it may give
#: an unsafe one where the provider is only inferred); one declared UNSAFE
#: never a safe one; one declared NONE no fix at all.
_RANK = {"none": 0, "unsafe": 1, "safe": 2}


def _zone_files() -> list[Path]:
    """Every zone file of the fixtures: rule cases, fixed texts, scenarios,
    parse and bad-input cases."""
    return sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file()
        and (p.suffix in (".zone", ".db") or p.name.startswith("db."))
        and ".snapshot" not in p.parts
    )


@cache
def _emitted() -> dict[str, set[str]]:
    """Per code, the fix applicabilities its findings carry across the
    fixtures ("none" for a finding without a fix)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for path in _zone_files():
        try:
            zone = load_fixture(path)
        except zonefix.ZoneFileError:
            continue
        for d in zonefix.check(zone):
            seen[d.code.code].add(d.fix.applicability.value if d.fix else "none")
    return seen


def test_the_fixtures_hold_many_zones() -> None:
    assert len(_zone_files()) > 200


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_declared_fix_availability_is_what_the_rule_emits(rule: Rule) -> None:
    emitted = _emitted().get(rule.code.code, set())
    assert emitted, f"{rule.code.code} is raised by no fixture"
    best = max(emitted, key=_RANK.__getitem__)
    assert best == rule.fix.value, (
        f"{rule.code.code} declares fix={rule.fix.value}, emits {sorted(emitted)}"
    )


def _readme_rule_rows() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        (m.group(1), m.group(2), m.group(3))
        for m in re.finditer(r"^\| (ZF\d{3}) \| ([a-z0-9-]+) \| (.*) \|$", text, re.M)
    ]


def test_readme_rule_table_lists_the_registry_in_order() -> None:
    rows = _readme_rule_rows()
    assert [(code, name) for code, name, _ in rows] == [
        (r.code.code, r.code.name) for r in RULES
    ]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_readme_rule_table_states_the_fix(rule: Rule) -> None:
    what = next(w for code, _, w in _readme_rule_rows() if code == rule.code.code)
    said = re.search(r"\bFix\b(.*)", what)
    if rule.fix is FixAvailability.NONE:
        assert said is None, f"{rule.code.code} has no fix, the README gives one"
        return
    assert said is not None, f"{rule.code.code} has a fix the README does not give"
    if rule.fix is FixAvailability.UNSAFE:
        assert said.group(1).startswith(" (unsafe"), what
    else:
        assert "safe" in said.group(1).replace("unsafe", ""), what
