"""SARIF 2.1.0 output (SPEC §1), validated against the OASIS schema.

The schema is not on PyPI; ``scripts/fetch-sarif-schema`` fetches it from the
npm registry into ``.cache/`` (``make test`` and ``.ci/run`` do). Without it
the schema check is skipped, unless ZONEFIX_REQUIRE_SARIF_SCHEMA is set, as
CI sets it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from zonefix.cli import EXIT_ERROR, EXIT_FINDINGS, main
from zonefix.rules import all_rules

SCHEMA = Path(
    os.environ.get("ZONEFIX_SARIF_SCHEMA", ROOT / ".cache" / "sarif-schema-2.1.0.json")
)

ZONE = (
    "$ORIGIN example.net.\n$TTL 1h\n"
    "@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"
    "@ CNAME www.example.org.\n"  # ZF101 (and ZF102), fixable
    "bad A 192.0.2.300\n"  # ZF002, no fix
)


@pytest.fixture
def sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    (tmp_path / "zones").mkdir()
    (tmp_path / "zones" / "db.example.net").write_text(ZONE)
    monkeypatch.chdir(tmp_path)
    assert main(["--format", "sarif", "zones/db.example.net"]) == EXIT_FINDINGS
    log: dict[str, Any] = json.loads(capsys.readouterr().out)
    return log


def schema_validator() -> Any:
    if not SCHEMA.is_file():
        if os.environ.get("ZONEFIX_REQUIRE_SARIF_SCHEMA"):
            pytest.fail(f"{SCHEMA} is missing: run scripts/fetch-sarif-schema")
        pytest.skip(f"{SCHEMA} is missing: run scripts/fetch-sarif-schema")
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_findings_log_is_valid_sarif(sarif: dict[str, Any]) -> None:
    errors = sorted(schema_validator().iter_errors(sarif), key=str)
    assert errors == []


def test_clean_log_and_error_log_are_valid_sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    validator = schema_validator()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "db.example.net").write_text(ZONE.split("@ CNAME")[0])
    assert main(["--format", "sarif", "db.example.net"]) == 0
    clean = json.loads(capsys.readouterr().out)
    assert clean["runs"][0]["results"] == []
    assert list(validator.iter_errors(clean)) == []

    assert main(["--format", "sarif", "missing.zone"]) == EXIT_ERROR
    failed = json.loads(capsys.readouterr().out)
    invocation = failed["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert (
        "missing.zone" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    )
    assert list(validator.iter_errors(failed)) == []


def test_the_schema_catches_a_broken_log(sarif: dict[str, Any]) -> None:
    # The validation above can fail: a result without its message is refused.
    del sarif["runs"][0]["results"][0]["message"]
    assert list(schema_validator().iter_errors(sarif)) != []


def test_driver_lists_every_rule_with_its_documentation(sarif: dict[str, Any]) -> None:
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "zonefix"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == [r.code.code for r in all_rules()]
    zf101 = rules["ZF101"]
    assert zf101["name"] == "cname-at-apex"
    assert zf101["defaultConfiguration"] == {"level": "error"}
    assert zf101["properties"] == {"fix": "unsafe"}
    assert "## Why it matters" in zf101["help"]["markdown"]
    assert zf101["fullDescription"]["text"].startswith("Reports")


def test_results_carry_place_level_and_fix(sarif: dict[str, Any]) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    found = {
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            "fixes" in r,
        )
        for r in run["results"]
    }
    assert ("ZF101", "error", "zones/db.example.net", 6, True) in found
    assert ("ZF002", "error", "zones/db.example.net", 7, False) in found
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_fix_replacements_reproduce_the_fixed_text(sarif: dict[str, Any]) -> None:
    # Applying a result's replacements to the file gives what --write makes
    # of that one fix: a consumer can apply SARIF fixes itself.
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "ZF101")
    (fix,) = result["fixes"]
    assert fix["properties"] == {"applicability": "unsafe"}
    text = ZONE
    replacements = fix["artifactChanges"][0]["replacements"]
    for r in sorted(replacements, key=lambda r: -r["deletedRegion"]["charOffset"]):
        start = r["deletedRegion"]["charOffset"]
        end = start + r["deletedRegion"]["charLength"]
        text = text[:start] + r["insertedContent"]["text"] + text[end:]
    assert "CNAME" not in text
    assert text.replace(ZONE.split("@ CNAME")[0], "") == "bad A 192.0.2.300\n"


def test_absolute_path_outside_the_working_directory_is_a_file_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = tmp_path / "a dir" / "db.example.net"
    zone.parent.mkdir()
    zone.write_text(ZONE)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    main(["--format", "sarif", str(zone)])
    log = json.loads(capsys.readouterr().out)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]["uri"]
    assert uri == zone.as_uri()
    assert "a%20dir" in uri
