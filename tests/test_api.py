"""The library API (SPEC §9): names other tools may rely on."""

from __future__ import annotations

from pathlib import Path

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

import zonefix
from tests.conftest import FIXTURES


def test_public_names() -> None:
    for name in ("parse_file", "parse_text", "check", "Zone", "Record", "Limits"):
        assert hasattr(zonefix, name)
    assert isinstance(zonefix.__version__, str)


def test_parse_file_records_and_text() -> None:
    path = FIXTURES / "parse" / "basic.zone"
    zone = zonefix.parse_file(path)
    assert zone.to_text() == path.read_text(encoding="utf-8")
    first = zone.records[0]
    assert isinstance(first.owner, dns.name.Name)
    assert first.owner.is_absolute()
    assert first.rdclass is dns.rdataclass.IN
    assert first.rdtype is dns.rdatatype.SOA
    assert isinstance(first.rdata, dns.rdata.Rdata)
    assert (first.ttl, first.line, first.column) == (3600, 4, 1)
    assert zonefix.check(zone) == []


def test_records_is_a_sequence() -> None:
    zone = zonefix.parse_file(FIXTURES / "parse" / "basic.zone")
    records = list(zone.records)
    assert len(zone.records) == len(records) == 14
    assert zone.records[-1] == records[-1]
    assert zone.records[1:3] == records[1:3]
    with pytest.raises(IndexError):
        zone.records[len(records)]


def test_parse_text_accepts_str_and_bytes() -> None:
    text = "$ORIGIN example.net.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n"
    assert zonefix.parse_text(text).to_text() == text
    assert zonefix.parse_text(text.encode()).to_bytes() == text.encode()
    zone = zonefix.parse_text("@ 60 SOA ns h 1 2 3 4 5\n", origin="example.org")
    assert str(zone.records[0].owner) == "example.org."


def test_check_returns_findings_in_file_order() -> None:
    zone = zonefix.parse_text(
        "$TTL 1h\nb A 1.2.3\na A 1.2.3.4.5\n", origin="example.net."
    )
    found = zonefix.check(zone)
    assert [(d.code.code, d.line, d.column, d.code.name) for d in found] == [
        ("ZF111", 1, 1, "soa-problem"),  # no apex record at all: line 1
        ("ZF113", 1, 1, "apex-ns-missing"),
        ("ZF002", 2, 5, "invalid-rdata"),
        ("ZF002", 3, 5, "invalid-rdata"),
    ]
    assert found[0].code.severity is zonefix.Severity.ERROR
    only_zf0 = zonefix.check(zone, select=["ZF0"])
    assert [d.code.code for d in only_zf0] == ["ZF002", "ZF002"]
    assert zonefix.check(zone, ignore=["ZF1"]) == only_zf0


def test_missing_file_raises_zone_file_error(tmp_path: Path) -> None:
    with pytest.raises(zonefix.ZoneFileError):
        zonefix.parse_file(tmp_path / "absent.zone")
