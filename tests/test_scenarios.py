"""End-to-end scenarios (fixtures/scenarios/<name>/): DNS repositories as
operators commit them, run through the command line as a user would.

A scenario folder holds zone files (``db.<domain>``), perhaps the
``zonefix.toml`` that configures them, an ``expect.toml`` and ``fixed/``:

- the transcript of ``zonefix``, ``zonefix --diff``, ``zonefix --write`` and
  ``zonefix`` again over the folder's zones is a snapshot
  (tests/snapshots/scenarios/<name>.txt), read in review like code;
- after ``--write`` each zone equals ``fixed/<file>`` (a zone with no copy
  there must not change), loads in named-checkzone, and writing again
  changes nothing;
- read by dnspython, the records after the write differ from those before
  exactly at the RRsets ``expect.toml`` lists under ``[changed."<file>"]``,
  and those hold the records listed there: what the provider documents.
  Every other RRset keeps its records and TTL; only the SOA serial moves.
"""

from __future__ import annotations

import datetime
import shutil
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any, cast

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zonefix
from tests.conftest import (
    FIXTURES,
    named_checkzone,
    needs_named_checkzone,
    rrsets_of_zone,
)
from tests.test_roundtrip import _MUTATIONS, _mutate
from zonefix.cli import main
from zonefix.config import load_config
from zonefix.fixer import fix
from zonefix.mail import MailSettings

SCENARIOS = sorted(p for p in (FIXTURES / "scenarios").iterdir() if p.is_dir())
TODAY = datetime.date(2026, 11, 22)


def zone_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("db.*"))


def after_write(scenario: Path, name: str) -> Path:
    """The zone *name* as --write leaves it: its copy in fixed/, or itself."""
    fixed = scenario / "fixed" / name
    return fixed if fixed.exists() else scenario / name


def expectations(folder: Path) -> dict[str, Any]:
    with open(folder / "expect.toml", "rb") as handle:
        return tomllib.load(handle)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("zonefix.fixer.utc_today", lambda: TODAY)
    return tmp_path


def _copy(scenario: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = repo / scenario.name
    shutil.copytree(scenario, work, ignore=shutil.ignore_patterns("fixed"))
    monkeypatch.chdir(work)
    return work


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The command and what it printed, as a terminal shows them."""
    status = main(argv)
    captured = capsys.readouterr()
    transcript = f"$ zonefix {' '.join(argv)}\n{captured.out}{captured.err}"
    if not transcript.endswith("\n"):
        transcript += "\n"
    return transcript + f"[exit {status}]\n"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_transcript(  # type: ignore[no-untyped-def]
    scenario: Path,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    snapshot,
) -> None:
    work = _copy(scenario, repo, monkeypatch)
    files = zone_files(work)
    extra = expectations(scenario).get("fix", [])
    parts = []
    for argv in ([], ["--diff", *extra], ["--write", *extra], []):
        parts.append(_run(capsys, [*argv, *files]))
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots" / "scenarios"
    snapshot.assert_match("\n".join(parts), scenario.name + ".txt")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_write_leaves_the_fixed_files(
    scenario: Path,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = _copy(scenario, repo, monkeypatch)
    files = zone_files(work)
    fix_args = ["--write", *expectations(scenario).get("fix", [])]
    for name in zone_files(scenario / "fixed") if (scenario / "fixed").is_dir() else []:
        assert name in files, f"fixed/{name} has no zone to fix"
    # Writing twice: the second finds nothing more to change.
    for _ in range(2):
        main([*fix_args, *files])
        capsys.readouterr()
        for name in files:
            expected = after_write(scenario, name).read_bytes()
            assert (work / name).read_bytes() == expected, name


@needs_named_checkzone
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_every_zone_loads_in_bind_after_the_write(scenario: Path) -> None:
    for name in zone_files(scenario):
        path = after_write(scenario, name)
        result = named_checkzone(_origin(path).to_text(), path)
        assert result.returncode == 0, result.stdout + result.stderr


RRsetKey = tuple[str, str]


def _origin(path: Path) -> dns.name.Name:
    origin = zonefix.parse_file(path).origin
    assert origin is not None
    return origin


def _rrsets(path: Path) -> dict[RRsetKey, tuple[int, frozenset[dns.rdata.Rdata]]]:
    """dnspython's reading of a zone: (owner relative to the origin, type)
    -> (TTL, rdatas). A zone dnspython refuses (a CNAME beside other data,
    as a scenario's zone before the fix may be) is read by zonefix, whose
    reading the corpus tests hold to dnspython's."""
    import dns.zone
    import dns.zonefile

    origin = _origin(path)
    try:
        zone = dns.zone.from_file(str(path), origin=origin, relativize=False)
    except dns.zonefile.CNAMEAndOtherData:
        read = rrsets_of_zone(zonefix.parse_file(path))
        return {
            (
                cast(dns.name.Name, owner).relativize(origin).to_text(),
                dns.rdatatype.to_text(cast(dns.rdatatype.RdataType, rdtype)),
            ): (ttl, cast(frozenset[dns.rdata.Rdata], rdatas))
            for (owner, rdtype, _), (ttl, rdatas) in read.items()
        }
    return {
        (name.relativize(origin).to_text(), dns.rdatatype.to_text(rds.rdtype)): (
            rds.ttl,
            frozenset(rds),
        )
        for name, node in zone.nodes.items()
        for rds in node.rdatasets
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_records_change_exactly_as_expected(scenario: Path) -> None:
    changed: dict[str, dict[str, list[str]]] = expectations(scenario).get("changed", {})
    for name in zone_files(scenario):
        before = _rrsets(scenario / name)
        after = _rrsets(after_write(scenario, name))
        origin = _origin(scenario / name)
        expected: dict[RRsetKey, frozenset[dns.rdata.Rdata]] = {}
        for written, texts in changed.get(name, {}).items():
            owner, rdtype = written.split()
            expected[(owner, rdtype)] = frozenset(
                dns.rdata.from_text(dns.rdataclass.IN, rdtype, text, origin=origin)
                for text in texts
            )
        for key in sorted(set(before) | set(after)):
            if key[1] == "SOA":
                continue
            if key in expected:
                assert after.get(key, (0, frozenset()))[1] == expected[key], (name, key)
                assert before.get(key) != after.get(key), f"{name} {key} is unchanged"
            else:
                assert before.get(key) == after.get(key), f"{name} {key} changed"
        for key in expected:
            assert key in before or key in after, f"{name} has no {key}"


SCENARIO_ZONES = sorted(p for s in SCENARIOS for p in s.glob("db.*"))


def _settings(scenario: Path) -> MailSettings:
    config_file = scenario / "zonefix.toml"
    if not config_file.is_file():
        return MailSettings()
    config = load_config(config_file)
    return MailSettings(config.mail_providers, config.profiles)


def _record_set(zone: zonefix.Zone) -> Counter[tuple[object, ...]]:
    return Counter(
        (r.owner, r.ttl, r.rdclass, r.rdtype, r.rdata)
        for r in zone.records
        if r.rdtype != dns.rdatatype.SOA
    )


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SCENARIO_ZONES), _MUTATIONS)
def test_formatting_never_changes_what_fixing_leaves(
    path: Path, mutations: list[tuple[str, int]]
) -> None:
    # The same zone with blanks, comments, tabs and CRLF sprinkled in: fixing
    # it leaves the records the scenario's fixed file has, and fixing that
    # again applies nothing.
    scenario = path.parent
    unsafe = "--unsafe-fixes" in expectations(scenario).get("fix", [])
    zone = zonefix.parse_text(
        _mutate(path.read_text(encoding="utf-8"), mutations), filename=str(path)
    )
    zone.mail_settings = _settings(scenario)
    result = fix(zone, unsafe=unsafe, today=TODAY)
    after = zonefix.parse_text(result.text, origin=zone.origin, filename=str(path))
    assert _record_set(after) == _record_set(
        zonefix.parse_file(after_write(scenario, path.name))
    )
    after.mail_settings = _settings(scenario)
    assert fix(after, unsafe=unsafe, today=TODAY).applied == []
