"""Providers' BIND exports: Cloudflare's dialect and Azure's CLI export.

Cloudflare's export is recognised by its ``;; Domain:`` header: its apex is
the domain the header names, TTL 1 means "automatic", ``cf_tags`` mark
proxied records, and its placeholders are one finding of information.
``az network dns zone export`` is plain BIND (owners left blank on a record
set's later lines, a TTL on every line): it needs nothing of its own.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import dns.name
import pytest

import zonefix
from tests.conftest import FIXTURES, ROOT
from zonefix.fixer import fix
from zonefix.rules import select_rules

JUNEMEDIA = ROOT.parent / "shared" / "realworld" / "zones" / "junemedia-cf"
TODAY = datetime.date(2026, 11, 22)


def _exports() -> list[Path]:
    return sorted(JUNEMEDIA.iterdir()) if JUNEMEDIA.is_dir() else []


@pytest.mark.skipif(not JUNEMEDIA.is_dir(), reason="../shared is not present")
@pytest.mark.parametrize("path", _exports(), ids=lambda p: p.name)
def test_real_cloudflare_exports_read_with_the_domain_as_apex(path: Path) -> None:
    zone = zonefix.parse_file(path)
    assert zone.dialect == "cloudflare"
    assert zone.origin == dns.name.from_text(path.name)
    assert zone.diagnostics == []
    owners = {r.owner for r in zone.records}
    assert all(o.is_subdomain(zone.origin) for o in owners)
    findings = zonefix.check(zone)
    # Placeholders: one finding of information at most, never an error.
    placeholders = [
        d for d in findings if "placeholder" in d.message and "Cloudflare" in d.message
    ]
    assert len(placeholders) == 1
    assert placeholders[0].code.code == "ZF111"
    assert placeholders[0].code.severity.name == "INFO"
    # TTL 1 (automatic) is never a TTL finding.
    assert not [d for d in findings if d.code.code == "ZF108"]


@pytest.mark.skipif(not JUNEMEDIA.is_dir(), reason="../shared is not present")
@pytest.mark.parametrize("path", _exports(), ids=lambda p: p.name)
def test_fixing_a_cloudflare_export_never_writes_over_automatic_ttls(
    path: Path,
) -> None:
    zone = zonefix.parse_file(path)
    result = fix(zone, rules=select_rules(["ZF"]), today=TODAY, unsafe=True)
    fixed = zonefix.parse_text(result.text, filename=path.name)
    assert fixed.origin == zone.origin
    before = [r for r in zone.records if r.ttl == 1]
    after = {(r.owner, r.rdtype, r.rdata) for r in fixed.records if r.ttl == 1}
    # Every automatic record still there is still automatic ...
    kept = {(r.owner, r.rdtype, r.rdata) for r in fixed.records}
    assert {(r.owner, r.rdtype, r.rdata) for r in before} & kept <= after
    # ... and the SOA (Cloudflare's, which it ignores) keeps its serial.
    soa = [r.rdata for r in zone.records if r.rdtype.name == "SOA"]
    fixed_soa = [r.rdata for r in fixed.records if r.rdtype.name == "SOA"]
    assert soa == fixed_soa


def test_proxied_tag_marks_a_flattened_cname() -> None:
    text = (
        ";; Domain:     example.net.\n;; Exported:   2025-01-01 00:00:00\n"
        "shop.example.net.\t1\tIN\tCNAME\tshops.example.org. ; cf_tags=cf-proxied:true\n"
        "blog.example.net.\t1\tIN\tCNAME\tblogs.example.org. ; cf_tags=cf-proxied:false\n"
    )
    from zonefix.bind import cloudflare

    zone = zonefix.parse_text(text)
    assert [cloudflare.proxied(zone, i) for i in range(2)] == [True, False]
    # The rules read it as the record's extra, as octoDNS's proxied setting.
    assert zone.record_extras == {0: {"cloudflare_proxied": True}}
    plain = zonefix.parse_text(
        text.replace(";; Domain:", ";; Domaine:"), origin="example.net."
    )
    assert plain.dialect == "bind"
    assert not cloudflare.proxied(plain, 0)


AZURE = FIXTURES / "exports" / "azure" / "example.net.txt"


def test_azure_cli_export_reads_as_bind() -> None:
    zone = zonefix.parse_file(AZURE)
    assert zone.to_bytes() == AZURE.read_bytes()
    assert zone.origin == dns.name.from_text("example.net.")
    assert zone.diagnostics == []
    apex = [r for r in zone.records if r.owner == zone.origin]
    # The lines with a blank owner are the apex's (SOA, NS, MX, TXT).
    assert sorted({r.rdtype.name for r in apex}) == ["MX", "NS", "SOA", "TXT"]
    assert [r.ttl for r in apex if r.rdtype.name == "NS"] == [172800, 172800]
    codes = [d.code.code for d in zonefix.check(zone)]
    assert codes == ["ZF202", "ZF401"]


def test_azure_cli_export_fixed_in_its_own_layout() -> None:
    zone = zonefix.parse_file(AZURE)
    result = fix(zone, rules=select_rules(["ZF"]), today=TODAY, unsafe=True)
    added = [
        line
        for line in result.text.splitlines()
        if line not in zone.tree.text.splitlines()
    ]
    assert added == [
        "              2 ; serial",
        "  600 IN MX 15 mx3.qiye.aliyun.com.",
        '_dmarc 300 IN TXT "v=DMARC1; p=none"',
    ]
