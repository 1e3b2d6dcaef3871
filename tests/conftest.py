"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import zonefix

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PARSE_FIXTURES = sorted(
    p
    for p in (FIXTURES / "parse").iterdir()
    if p.is_file() and not p.name.startswith(".")
)
BAD_FIXTURES = sorted(
    p for p in (FIXTURES / "bad").iterdir() if p.is_file() and p.suffix != ".inc"
)
# The conformance corpus lives beside the clone (CI puts ../shared there).
CORPUS = ROOT.parent / "shared" / "corpus"

needs_corpus = pytest.mark.skipif(
    not (CORPUS / "ORACLE.tsv").is_file(), reason="../shared/corpus is not present"
)
needs_named_checkzone = pytest.mark.skipif(
    shutil.which("named-checkzone") is None, reason="named-checkzone is not installed"
)


@dataclass(frozen=True)
class CorpusZone:
    """One role=zone row of the corpus's ORACLE.tsv."""

    file: str
    origin: str
    peer_verdict: str
    level: str
    bind: str
    knot: str

    @property
    def path(self) -> Path:
        return CORPUS / self.file

    @property
    def both_accept(self) -> bool:
        return self.bind == "ok" and self.knot == "ok"

    @property
    def both_reject(self) -> bool:
        return self.bind != "ok" and self.knot != "ok"


def corpus_zones() -> list[CorpusZone]:
    if not (CORPUS / "ORACLE.tsv").is_file():
        return []
    zones = []
    with open(CORPUS / "ORACLE.tsv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            tokens = [t.strip() for t in row["notes"].split(";")]
            if "role=zone" not in tokens:
                continue
            level = next((t[6:] for t in tokens if t.startswith("level=")), "")
            zones.append(
                CorpusZone(
                    row["file"],
                    row["origin"],
                    row["peer_verdict"],
                    level,
                    row["bind_verdict"],
                    row["knot_verdict"],
                )
            )
    return zones


def named_checkzone(origin: str, path: Path) -> subprocess.CompletedProcess[str]:
    """Run BIND's checker the way the corpus oracle did."""
    return subprocess.run(
        ["named-checkzone", "-i", "local", origin, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )


RRsets = dict[tuple[object, object, object], tuple[int, frozenset[object]]]


def rrsets_of_zone(zone: object) -> RRsets:
    """zonefix's records as dnspython holds a zone: RRsets under the origin,
    each with the lowest TTL of its records (dnspython keeps one per RRset)."""
    import zonefix

    assert isinstance(zone, zonefix.Zone)
    sets: dict[tuple[object, object, object], tuple[int, set[object]]] = {}
    for rec in zone.records:
        if zone.origin is not None and not rec.owner.is_subdomain(zone.origin):
            continue  # dnspython drops out-of-zone records
        key = (rec.owner, rec.rdtype, rec.rdata.covers())
        ttl, rdatas = sets.get(key, (rec.ttl, set()))
        rdatas.add(rec.rdata)
        sets[key] = (min(ttl, rec.ttl), rdatas)
    return {k: (ttl, frozenset(v)) for k, (ttl, v) in sets.items()}


def rrsets_of_dnspython(path: Path, origin: str | None) -> RRsets:
    """dnspython's own reading of a zone file ($INCLUDE relative to it)."""
    import os

    import dns.zone

    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        zone = dns.zone.from_file(
            path.name, origin=origin, relativize=False, check_origin=False
        )
    finally:
        os.chdir(cwd)
    return {
        (name, rds.rdtype, rds.covers): (rds.ttl, frozenset(rds))
        for name, node in zone.nodes.items()
        for rds in node.rdatasets
    }


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # zonefix picks GitHub annotations by itself there; tests expect text.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def fixture_config(path: Path) -> Path | None:
    """The configuration of a fixture: ``<case>.zonefix.toml`` beside
    ``<case>.zone`` (and its ``.fixed.zone``), else the folder's
    zonefix.toml (as the command line would find it)."""
    case = path.name.removesuffix(".zone").removesuffix(".fixed")
    for candidate in (
        path.parent / f"{case}.zonefix.toml",
        path.parent / "zonefix.toml",
    ):
        if candidate.is_file():
            return candidate
    return None


def load_fixture(path: Path) -> zonefix.Zone:
    """A fixture zone, with the mail providers its configuration names."""
    from zonefix.config import load_config
    from zonefix.mail import MailSettings

    zone = zonefix.parse_file(path)
    config_file = fixture_config(path)
    if config_file is not None:
        config = load_config(config_file)
        zone.mail_settings = MailSettings(config.mail_providers, config.profiles)
    return zone
