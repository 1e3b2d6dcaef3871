"""Rules state their fixes as record edits (zonefix.document), which the
format lowers into its text: for a BIND file, the record edits a fix
states lower to the very text edits it carries, every rule with a fix
states one (but those listed, with the reason), and the rule modules build
no text themselves."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import zonefix
from tests.conftest import ROOT, load_fixture
from tests.test_catalogue import _zone_files
from zonefix.bind.edits import lower
from zonefix.diagnostics import Diagnostic
from zonefix.rules import FixAvailability, Rule, all_rules

#: Rules whose fix is still text where it is given, and why (none now:
#: ZF104's target that repeats the origin was the last, until BIND's
#: ReplaceRdata kept a name relative where the file wrote it so).
STILL_TEXT: dict[str, str] = {}

#: The rule families' modules (the shared helpers of registry.py aside).
RULE_MODULES = sorted(
    p
    for p in (ROOT / "zonefix" / "rules").glob("*.py")
    if p.name not in ("__init__.py", "registry.py", "context.py")
)

#: What a rule module may take from BIND's edit layer: the name of the TXT
#: layout's type (the zone gives the layout: Zone.txt_layout), for type
#: checking. Fixes are lowered through the zone (Zone.lower), the words of
#: a record to insert are zonefix.record_edits.NewRecord's.
ALLOWED_FROM_EDITS = {"TxtLayout"}
ALLOWED_FROM_EDITS_IN: dict[str, set[str]] = {}


@cache
def _fixes() -> list[tuple[zonefix.Zone, Diagnostic]]:
    found: list[tuple[zonefix.Zone, Diagnostic]] = []
    for path in _zone_files():
        try:
            zone = load_fixture(path)
        except zonefix.ZoneFileError:
            continue
        found.extend((zone, d) for d in zonefix.check(zone) if d.fix is not None)
    return found


def test_record_edits_lower_to_the_text_edits_of_the_fix() -> None:
    stated = [(zone, d) for zone, d in _fixes() if d.fix and d.fix.record_edits]
    assert len(stated) > 50
    for zone, d in stated:
        assert d.fix is not None
        assert lower(zone, d.fix.record_edits) == d.fix.edits, (  # type: ignore[arg-type]
            d.code.code,
            d.file,
            d.line,
        )


@pytest.mark.parametrize(
    "rule",
    [r for r in all_rules() if r.fix is not FixAvailability.NONE],
    ids=lambda r: r.code.code,
)
def test_fixes_are_stated_as_record_edits(rule: Rule) -> None:
    code = rule.code.code
    fixes = [d for _, d in _fixes() if d.code.code == code]
    as_text = [(d.file, d.line) for d in fixes if d.fix and not d.fix.record_edits]
    if code in STILL_TEXT:
        # The list must not go stale: drop a rule from it once it moves.
        assert as_text, f"{code} states all its fixes as record edits now"
    else:
        assert fixes, f"{code} gives no fix on any fixture"
        assert not as_text, f"{code} gives fixes as text only: {as_text}"


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda p: p.name)
def test_rule_modules_build_no_text(path: Path) -> None:
    """A rule module reads no BIND syntax and writes no text edit: it
    imports nothing of zonefix.bind.syntax, takes from zonefix.bind.edits only the
    lowering, and constructs no Edit."""
    allowed = ALLOWED_FROM_EDITS | ALLOWED_FROM_EDITS_IN.get(path.name, set())
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("zonefix.bind.syntax"), (
                path.name,
                node.lineno,
            )
            if node.module == "zonefix.bind.edits":
                names = {alias.name for alias in node.names}
                assert names <= allowed, (path.name, node.lineno, names - allowed)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith(
                    ("zonefix.bind.syntax", "zonefix.bind.edits")
                )
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "Edit", (path.name, node.lineno)
