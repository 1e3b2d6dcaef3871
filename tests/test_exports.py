"""Provider exports (zonefix/formats/): records with spans, reading
findings, and record edits written back into the file's own layout.

Every export fixture (fixtures/exports/<format>/) is read, and each
record's span is sliced back out of the file's text: it must be the text
that states that record's value. Edits are lowered and applied, and the
file read again must hold exactly the records the edits say, with every
byte outside the edits unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import dns.name
import dns.rdata
import dns.rdatatype
import pytest

from tests.conftest import FIXTURES, ROOT
from zonefix.diagnostics import Edit
from zonefix.document import (
    CannotEdit,
    DeleteRecord,
    InsertRecords,
    ReadSettings,
    RecordEdit,
    ReplaceRdata,
    ReplaceTTL,
    ReplaceTxtText,
)
from zonefix.formats import alidns_csv, alidns_json, azure_json, gcloud, route53
from zonefix.formats.export import ExportDocument, txt_value
from zonefix.formats.jsontext import JsonError, parse_values

EXPORTS = FIXTURES / "exports"
M_LAB = (
    ROOT.parent / "shared/realworld/exports/octodns/m-lab/measurementlab.net.zone.yaml"
)
Reader = Callable[[str, bytes, ReadSettings], ExportDocument]
READERS: dict[str, Reader] = {
    "route53/example.net.json": route53.read,
    "route53/change-batch.json": route53.read,
    "gcloud/example.net.yaml": gcloud.read,
    "alidns/example.net.json": alidns_json.read,
    "alidns/example.net.csv": alidns_csv.read,
    "azure/example.net.json": azure_json.read,
}


def _read(name: str) -> ExportDocument:
    path = EXPORTS / name
    return READERS[name](str(path), path.read_bytes(), ReadSettings())


def _apply(text: str, edits: Sequence[Edit]) -> str:
    for edit in sorted(edits, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _rewrite(
    name: str, doc: ExportDocument, edits: Sequence[RecordEdit]
) -> ExportDocument:
    text = _apply(doc.text, doc.lower(edits))
    data = doc.source.encode(text)
    return READERS[name](doc.name, data, ReadSettings())


def _rrs(doc: ExportDocument) -> list[tuple[str, str, str]]:
    return sorted(
        (r.owner.to_text(), r.rdtype.name, r.rdata.to_text()) for r in doc.records
    )


def _rd(rtype: str, text: str) -> dns.rdata.Rdata:
    return dns.rdata.from_text("IN", rtype, text)


@pytest.mark.parametrize("name", sorted(READERS))
def test_reads_without_findings_and_round_trips(name: str) -> None:
    doc = _read(name)
    assert list(doc.diagnostics) == []
    assert doc.origin == dns.name.from_text("example.net.")
    assert doc.source.encode() == (EXPORTS / name).read_bytes()
    assert doc.records


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_span_is_the_text_of_its_value(name: str) -> None:
    doc = _read(name)
    for record in doc.records:
        written = doc.text[record.span.start : record.span.end]
        assert written == written.strip()
        assert written
        rtype = record.rdtype.name
        if rtype in ("TXT", "SPF"):
            # Each string of the value is written inside the span.
            for chunk in txt_value(record.rdata).split('"'):
                assert chunk[:20] in written.replace('\\"', '"')
        elif rtype == "MX":
            assert record.rdata.exchange.to_text().rstrip(".") in written  # type: ignore[attr-defined]
        elif rtype in ("A", "AAAA"):
            assert record.rdata.to_text() in written
        elif rtype in ("CNAME", "NS"):
            assert record.rdata.to_text().rstrip(".") in written


@pytest.mark.skipif(not M_LAB.is_file(), reason="../shared is not present")
def test_real_gcloud_export_spans_and_values() -> None:
    data = M_LAB.read_bytes()
    doc = gcloud.read(M_LAB.name, data, ReadSettings())
    assert list(doc.diagnostics) == []
    assert doc.origin == dns.name.from_text("measurementlab.net.")
    assert len(doc.records) == 39
    for record in doc.records:
        written = doc.text[record.span.start : record.span.end]
        if written.startswith("'"):
            written = written[1:-1].replace("''", "'")
        again = dns.rdata.from_text(
            "IN", record.rdtype, written, origin=dns.name.root, relativize=False
        )
        assert again == record.rdata


def test_json_spans_are_every_value_exactly() -> None:
    text = '{"a": [1, -2.5e3, "x\\u00e9\\"", true, null, {}], "b": {"c": []}}\n'
    (top,) = parse_values(text)
    seen = []

    def walk(node: object) -> None:
        from zonefix.formats.jsontext import Node

        assert isinstance(node, Node)
        import json

        assert json.loads(text[node.start : node.end]) == (
            node.value
            if node.kind not in ("object", "array")
            else json.loads(text[node.start : node.end])
        )
        seen.append(text[node.start : node.end])
        for item in node.items:
            walk(item)
        for _, key, value in node.members:
            assert text[key.start : key.end].startswith('"')
            walk(value)

    walk(top)
    assert seen[2:5] == ["1", "-2.5e3", '"x\\u00e9\\""']
    with pytest.raises(JsonError) as error:
        parse_values('{"a": [1, 2,]}')
    assert error.value.offset == 12


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("reader", "filename", "data", "message"),
    [
        (route53.read, "r.json", b'{"Records": []}', "not a Route 53 record list"),
        (route53.read, "r.json", b'{"ResourceRecordSets": [', "not JSON"),
        (gcloud.read, "g.yaml", b"a: [1\n", "not YAML"),
        (gcloud.read, "g.yaml", b"foo: bar\n---\nbaz: 1\n", "not a Cloud DNS export"),
        (
            alidns_json.read,
            "example.net.json",
            b"[]",
            "not an Alibaba Cloud DNS record list",
        ),
        (
            alidns_csv.read,
            "example.net.csv",
            b"a,b,c\n1,2,3\n",
            "not an Alibaba Cloud DNS export",
        ),
        (
            alidns_csv.read,
            "example.net.csv",
            b'Type,RR,Value,TTL\nA,@,"1.2.3.4\n',
            "not CSV",
        ),
        (azure_json.read, "a.json", b'{"a": 1}', "not an Azure DNS record-set list"),
        (azure_json.read, "a.json", b"\x00\x01\x02", "not text"),
    ],
)
def test_a_file_not_of_the_format_is_one_clear_finding(
    reader: Reader, filename: str, data: bytes, message: str
) -> None:
    doc = reader(filename, data, ReadSettings())
    assert len(doc.diagnostics) == 1
    (finding,) = doc.diagnostics
    assert finding.code.code == "ZF001"
    assert message in finding.message
    assert doc.records == []


def test_bad_values_are_zf002_at_the_value() -> None:
    data = (
        b'{"ResourceRecordSets": [{"Name": "example.net.", "Type": "MX", "TTL": 60,\n'
        b' "ResourceRecords": [{"Value": "10"}, {"Value": "5 mx.example.net."}]}]}'
    )
    doc = route53.read("r.json", data, ReadSettings())
    assert [(d.code.code, d.line, d.column) for d in doc.diagnostics] == [
        ("ZF002", 2, 32)
    ]
    assert len(doc.records) == 1


def test_alidns_mx_priority_outside_1_to_50_is_zf002() -> None:
    data = b"Type,RR,Value,MX Priority,TTL\nMX,@,mx.example.net,60,600\n"
    doc = alidns_csv.read("example.net.csv", data, ReadSettings())
    assert [(d.code.code, d.message) for d in doc.diagnostics] == [
        ("ZF002", "MX priority '60': Alibaba Cloud DNS takes 1-50")
    ]


# ------------------------------------------------------------------ semantics


def test_route53_octal_escapes_aliases_and_routing_sets() -> None:
    doc = _read("route53/example.net.json")
    owners = {r.owner.to_text() for r in doc.records}
    assert "*.example.net." in owners
    assert isinstance(doc, route53.Route53Document)
    assert [(o.to_text(), t.name) for o, t, _ in doc.aliases] == [("example.net.", "A")]
    www = [r for r in doc.records if r.owner.to_text() == "www.example.net."]
    assert [r.extras.get("set_identifier") for r in www] == ["blue", "green"]


def test_route53_change_batch_leaves_deletes_aside() -> None:
    doc = _read("route53/change-batch.json")
    assert {r.extras["action"] for r in doc.records} == {"UPSERT", "CREATE"}
    assert "old.example.net." not in {r.owner.to_text() for r in doc.records}


def test_alidns_lines_paused_and_locked() -> None:
    for name in ("alidns/example.net.json", "alidns/example.net.csv"):
        doc = _read(name)
        assert len(doc.paused) == 1  # type: ignore[attr-defined]
        mx = {r.rdata.to_text() for r in doc.records if r.rdtype.name == "MX"}
        assert "1 aspmx.l.google.com." not in mx
        www = [
            r.extras.get("line")
            for r in doc.records
            if r.owner.to_text() == "www.example.net."
        ]
        assert len(set(www)) == len(www) >= 2
    doc = _read("alidns/example.net.json")
    txt = next(i for i, r in enumerate(doc.records) if r.rdtype.name == "TXT")
    with pytest.raises(CannotEdit, match="locked"):
        doc.lower([DeleteRecord(txt)])
    with pytest.raises(CannotEdit, match="locked"):
        doc.lower([ReplaceTxtText(txt, 0, 0, "x")])


@pytest.mark.parametrize("name", ["alidns/example.net.json", "alidns/example.net.csv"])
def test_alidns_ttl_fix_never_below_the_edition_minimum(name: str) -> None:
    doc = _read(name)
    www = tuple(
        i for i, r in enumerate(doc.records) if r.owner.to_text() == "www.example.net."
    )
    assert doc.lower([ReplaceTTL(www, 300)]) == ()  # 600 already: nothing to write
    doc.min_ttl = 60  # type: ignore[attr-defined]
    again = _rewrite(name, doc, [ReplaceTTL(www, 300)])
    assert {
        r.ttl for r in again.records if r.owner.to_text() == "www.example.net."
    } == {300}


# --------------------------------------------------------------------- writing

SPF = "v=spf1 include:spf.qiye.aliyun.com -all"


def _edits(
    doc: ExportDocument,
) -> tuple[list[RecordEdit], set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """Edits every format can make on the common fixture zone, with the
    records they remove and add."""
    records = list(doc.records)
    mx = [
        i
        for i, r in enumerate(records)
        if r.rdtype.name == "MX" and not r.extras.get("locked")
    ]
    edits: list[RecordEdit] = [DeleteRecord(mx[0])]
    gone = {(records[mx[0]].owner.to_text(), "MX", records[mx[0]].rdata.to_text())}
    new_mx = _rd("MX", "15 mx3.qiye.aliyun.com.")
    dmarc = _rd("TXT", '"v=DMARC1; p=none; rua=mailto:dmarc@example.net"')
    edits.append(
        InsertRecords(dns.name.from_text("example.net."), dns.rdatatype.MX, (new_mx,))
    )
    edits.append(
        InsertRecords(
            dns.name.from_text("_dmarc.example.net."), dns.rdatatype.TXT, (dmarc,)
        )
    )
    added = {
        ("example.net.", "MX", new_mx.to_text()),
        ("_dmarc.example.net.", "TXT", dmarc.to_text()),
    }
    cname = [i for i, r in enumerate(records) if r.rdtype.name == "CNAME"]
    if cname:
        old = records[cname[0]]
        target = _rd("CNAME", "imap.sg.aliyun.com.")
        edits.append(ReplaceRdata(cname[0], target))
        gone.add((old.owner.to_text(), "CNAME", old.rdata.to_text()))
        added.add((old.owner.to_text(), "CNAME", target.to_text()))
    return edits, gone, added


# A change batch takes no new set (test_change_batch_takes_no_new_set).
@pytest.mark.parametrize(
    "name", [n for n in sorted(READERS) if n != "route53/change-batch.json"]
)
def test_record_edits_give_exactly_those_records(name: str) -> None:
    doc = _read(name)
    edits, gone, added = _edits(doc)
    lowered = doc.lower(edits)
    fixed = _rewrite(name, doc, edits)
    assert list(fixed.diagnostics) == []
    before = set(_rrs(doc))
    assert set(_rrs(fixed)) == (before - gone) | added
    # Nothing outside the edits moved: the text between them is the same.
    text = doc.text
    kept = []
    at = 0
    for edit in sorted(lowered):
        kept.append(text[at : edit.start])
        at = edit.end
    kept.append(text[at:])
    new_text = fixed.text
    position = 0
    for piece in kept:
        found = new_text.find(piece, position)
        assert found >= 0, piece
        position = found + len(piece)
    assert fixed.source.bom == doc.source.bom
    # Line ends as the file writes them.
    if "\r\n" in text:
        assert new_text.count("\n") == new_text.count("\r\n")


def test_change_batch_takes_no_new_set() -> None:
    # An UPSERT replaces the live set: a new change for _dmarc TXT would
    # delete whatever the zone holds there. A value for the MX set the
    # batch writes in full goes into that set.
    doc = _read("route53/change-batch.json")
    dmarc = _rd("TXT", '"v=DMARC1; p=none"')
    apex = dns.name.from_text("example.net.")
    with pytest.raises(CannotEdit, match="a change batch lists changes"):
        doc.lower(
            [
                InsertRecords(
                    dns.name.from_text("_dmarc.example.net."),
                    dns.rdatatype.TXT,
                    (dmarc,),
                )
            ]
        )
    mx = _rd("MX", "15 mx3.qiye.aliyun.com.")
    fixed = _rewrite(
        "route53/change-batch.json",
        doc,
        [InsertRecords(apex, dns.rdatatype.MX, (mx,))],
    )
    assert fixed.text.count('"Action"') == doc.text.count('"Action"')
    assert ("example.net.", "MX", mx.to_text()) in set(_rrs(fixed))


# Route 53's fixture has prose in its SPF; Alibaba's JSON has it Locked.
@pytest.mark.parametrize(
    "name",
    [
        n
        for n in sorted(READERS)
        if n not in ("route53/example.net.json", "alidns/example.net.json")
    ],
)
def test_txt_text_edit_changes_those_characters(name: str) -> None:
    doc = _read(name)
    spf = next(
        i
        for i, r in enumerate(doc.records)
        if r.rdtype.name == "TXT" and txt_value(r.rdata) == SPF
    )
    at = SPF.index("-all")
    fixed = _rewrite(name, doc, [ReplaceTxtText(spf, at, at + 4, "~all")])
    values = {txt_value(r.rdata) for r in fixed.records if r.rdtype.name == "TXT"}
    assert SPF.replace("-all", "~all") in values
    assert SPF not in values


@pytest.mark.parametrize(
    "name", [n for n in sorted(READERS) if not n.startswith("alidns")]
)
def test_rrset_ttl_edit_writes_the_set_ttl_once(name: str) -> None:
    doc = _read(name)
    mx = tuple(i for i, r in enumerate(doc.records) if r.rdtype.name == "MX")
    fixed = _rewrite(name, doc, [ReplaceTTL(mx, 3600)])
    assert {r.ttl for r in fixed.records if r.rdtype.name == "MX"} == {3600}
    assert len(doc.lower([ReplaceTTL(mx, 3600)])) == 1


def test_deleting_a_sets_last_value_deletes_the_set() -> None:
    for name in (
        "route53/example.net.json",
        "gcloud/example.net.yaml",
        "azure/example.net.json",
    ):
        doc = _read(name)
        cname = next(i for i, r in enumerate(doc.records) if r.rdtype.name == "CNAME")
        fixed = _rewrite(name, doc, [DeleteRecord(cname)])
        assert list(fixed.diagnostics) == []
        assert not [r for r in fixed.records if r.rdtype.name == "CNAME"]


def test_alidns_mx_priority_outside_1_to_50_is_refused() -> None:
    doc = _read("alidns/example.net.json")
    with pytest.raises(CannotEdit, match="1-50"):
        doc.lower(
            [
                InsertRecords(
                    dns.name.from_text("example.net."),
                    dns.rdatatype.MX,
                    (_rd("MX", "0 mx.example.org."),),
                )
            ]
        )


def test_paths_are_relative_to_the_repository() -> None:
    assert all((EXPORTS / name).is_file() for name in READERS)
    assert Path(EXPORTS).is_relative_to(ROOT)
