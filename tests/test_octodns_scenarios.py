"""The mail scenarios (fixtures/scenarios/) as octoDNS YAML
(fixtures/scenarios/<name>/octodns/, first written by
``python -m tests.octodns_scenarios``): the same findings as the BIND zones
(but the SOA and apex NS ones, which octoDNS leaves to the provider), and
``--write`` gives the records the BIND zones get, without the SOA."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dns.rdatatype
import pytest

import zonefix
from tests.octodns_scenarios import SCENARIOS
from tests.test_scenarios import after_write, expectations
from zonefix.cli import main
from zonefix.config import Config, load_config
from zonefix.formats import octodns
from zonefix.rules import run_rules, select_rules

CASES = [
    (scenario, path) for scenario in SCENARIOS for path in sorted(scenario.glob("db.*"))
]


def _yaml(scenario: Path, name: str) -> Path:
    return scenario / "octodns" / (name.removeprefix("db.") + ".yaml")


def _config(scenario: Path) -> Config:
    path = scenario / "zonefix.toml"
    return load_config(path) if path.exists() else Config()


def _seen(code: str, message: str) -> tuple[str, str]:
    # ZF107 names the line of the first copy: each file's own.
    return code, re.sub(r"at line \d+", "at line N", message)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0].name}/{c[1].name}")
def test_same_findings_as_the_bind_zone(case: tuple[Path, Path]) -> None:
    scenario, path = case
    config = _config(scenario)
    bind = [
        _seen(d.code.code, d.message)
        for d in zonefix.check(zonefix.parse_file(path), config=config)
        if d.code.code not in ("ZF111", "ZF113")
    ]
    yaml_path = _yaml(scenario, path.name)
    octo = octodns.read(str(yaml_path), yaml_path.read_bytes())
    assert octo.zone is not None
    found = octo.findings(run_rules(octo.zone, select_rules(), config.settings()))
    assert sorted(_seen(d.code.code, d.message) for d in found) == sorted(bind)


def _rrsets(records: list[zonefix.Record]) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], set[tuple[int, str]]] = {}
    for r in records:
        if r.rdtype == dns.rdatatype.SOA:
            continue
        key = (r.owner.to_text(), dns.rdatatype.to_text(r.rdtype))
        if r.rdtype in (dns.rdatatype.TXT, dns.rdatatype.SPF):
            # One value, however it is cut into strings.
            value = b"".join(r.rdata.strings).decode()  # type: ignore[attr-defined]
        else:
            value = r.rdata.to_text()
        out.setdefault(key, set()).add((r.ttl, value))
    return dict(out)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_write_gives_the_records_of_the_fixed_bind_zones(
    scenario: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    if (scenario / "zonefix.toml").exists():
        shutil.copy(scenario / "zonefix.toml", tmp_path)
    names = [p.name for p in sorted(scenario.glob("db.*"))]
    files = []
    for name in names:
        shutil.copy(_yaml(scenario, name), tmp_path)
        files.append(_yaml(scenario, name).name)
    write = ["--write", *expectations(scenario).get("fix", []), *files]
    main(write)
    written = {f: (tmp_path / f).read_bytes() for f in files}
    for name, file in zip(names, files, strict=True):
        fixed_bind = zonefix.parse_file(after_write(scenario, name))
        octo = octodns.read(file, written[file])
        assert octo.zone is not None
        assert _rrsets(list(octo.zone.records)) == _rrsets(list(fixed_bind.records))
    # Settled: writing again changes nothing.
    main(write)
    capsys.readouterr()
    assert {f: (tmp_path / f).read_bytes() for f in files} == written
