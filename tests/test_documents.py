"""Both formats meet the Document protocol (zonefix/document.py): records
with spans into their files, capabilities, positions, suppression comments,
and record edits lowered into the file's own text."""

from __future__ import annotations

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

import zonefix
from zonefix.bind import BindDocument
from zonefix.document import (
    DeleteRecord,
    Document,
    InsertRecords,
    ReadSettings,
    ReplaceRdata,
)
from zonefix.fixer import apply_edits
from zonefix.formats.octodns import OctoDnsDocument

BIND = (
    "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\n"
    "ns A 192.0.2.1\n"
    "@ MX 10 mx1.example.org. ; zonefix: ignore[ZF201]\n"
    "@ MX 20 mx2.example.org.\n"
)
YAML = (
    "'':\n  type: MX\n  values:\n  - exchange: mx1.example.org.\n    preference: 10\n"
    "  - exchange: mx2.example.org.  # backup\n    preference: 20\n"
)


def _mx(text: str) -> dns.rdata.Rdata:
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.MX, text)


def test_bind_is_a_document() -> None:
    document: Document = BindDocument(zonefix.parse_text(BIND))
    assert document.capabilities.has_soa_ns
    mx = [r for r in document.records if r.rdtype == dns.rdatatype.MX]
    text = document.source.text
    assert [text[r.span.start : r.span.end] for r in mx] == [
        "@ MX 10 mx1.example.org. ; zonefix: ignore[ZF201]\n",
        "@ MX 20 mx2.example.org.\n",
    ]
    assert document.position(document.name, mx[1].span.start) == (7, 1)
    assert document.ignored(document.name, *mx[0].span[1:]) == frozenset({"ZF201"})
    assert document.ignored(document.name, *mx[1].span[1:]) is None
    index = list(document.records).index(mx[1])
    edits = document.lower(
        [ReplaceRdata(index, _mx("30 mx2.example.org.")), DeleteRecord(index - 1)]
    )
    assert apply_edits(text, edits).endswith(
        "ns A 192.0.2.1\n@ MX 30 mx2.example.org.\n"
    )


def test_octodns_is_a_document() -> None:
    settings = ReadSettings(origin=dns.name.from_text("example.net."))
    document: Document = OctoDnsDocument("zone.yaml", YAML.encode(), settings)
    assert not document.capabilities.has_soa_ns
    assert document.capabilities.ttl_per == "rrset"
    spans = [r.span for r in document.records]
    assert [document.position(s.file, s.start) for s in spans] == [(4, 5), (6, 5)]
    edits = document.lower(
        [
            DeleteRecord(0),
            InsertRecords(
                dns.name.from_text("example.net."),
                dns.rdatatype.MX,
                (_mx("30 mx3.example.org."),),
            ),
        ]
    )
    assert apply_edits(document.source.text, edits) == (
        "'':\n  type: MX\n  values:\n"
        "  - exchange: mx2.example.org.  # backup\n    preference: 20\n"
        "  - exchange: mx3.example.org.\n    preference: 30\n"
    )
