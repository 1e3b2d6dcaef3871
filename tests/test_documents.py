"""Both formats meet the Document protocol (zonefix/document.py): records
with spans into their files, capabilities, positions, suppression comments,
and record edits lowered into the file's own text."""

from __future__ import annotations

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

import zonefix
from zonefix.bind.document import BindDocument
from zonefix.document import (
    CannotEdit,
    DeleteRecord,
    Document,
    InsertRecords,
    ReadSettings,
    RecordEdit,
    RenameOwner,
    ReplaceRdata,
    ReplaceTTL,
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


def _bind_edits(text: str, edits: list[RecordEdit]) -> str:
    zone = zonefix.parse_text(text)
    document = BindDocument(zone)
    return apply_edits(document.source.text, document.lower(edits))


TTLS = (
    "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\n"
    "www 300 A 192.0.2.1\n"
    "www\tIN A 192.0.2.2\n"
)


def test_bind_lowers_a_ttl_in_the_line_style() -> None:
    # A written TTL is rewritten; a line that writes none gets one after
    # its owner, spaced as the line is; a record that has it is untouched.
    assert _bind_edits(TTLS, [ReplaceTTL((2, 3), 60)]).endswith(
        "www 60 A 192.0.2.1\nwww\t60\tIN A 192.0.2.2\n"
    )
    assert _bind_edits(TTLS, [ReplaceTTL((2, 3), 300)]).endswith(
        "www 300 A 192.0.2.1\nwww\t300\tIN A 192.0.2.2\n"
    )


def test_bind_refuses_a_ttl_the_next_line_would_inherit() -> None:
    # With no $TTL, a line without a TTL takes the last one written.
    text = "$ORIGIN example.net.\n@ 60 SOA ns h 1 2 3 4 5\na 300 A 192.0.2.1\nb A 192.0.2.2\n"
    with pytest.raises(CannotEdit):
        _bind_edits(text, [ReplaceTTL((1,), 60)])


OWNERS = (
    "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\n"
    'sub TXT "v=DMARC1; p=none"\n'
    'Sub.example.net. TXT "x"\n'
    "www.example.net A 192.0.2.1\n"
    "  AAAA 2001:db8::1\n"
    '@ TXT "v=DMARC1; p=none"\n'
)


def _name(text: str) -> dns.name.Name:
    return dns.name.from_text(text)


def test_bind_lowers_a_rename_in_the_word_style() -> None:
    # Labels put before the old name go before the word as written; other
    # names are written as the word was: relative, absolute or "@".
    assert _bind_edits(OWNERS, [RenameOwner(2, _name("_dmarc.sub.example.net."))]) == (
        OWNERS.replace("sub TXT", "_dmarc.sub TXT")
    )
    assert _bind_edits(
        OWNERS, [RenameOwner(3, _name("_dmarc.Sub.example.net."))]
    ) == OWNERS.replace("Sub.example.net. TXT", "_dmarc.Sub.example.net. TXT")
    assert _bind_edits(OWNERS, [RenameOwner(6, _name("_dmarc.example.net."))]) == (
        OWNERS.replace('@ TXT "v', '_dmarc TXT "v')
    )
    assert _bind_edits(OWNERS, [RenameOwner(2, _name("mail.example.org."))]) == (
        OWNERS.replace("sub TXT", "mail.example.org. TXT")
    )


def test_bind_renames_a_line_with_the_lines_that_repeat_its_owner() -> None:
    www = _name("www.example.net.")
    assert _bind_edits(OWNERS, [RenameOwner(4, www), RenameOwner(5, www)]) == (
        OWNERS.replace("www.example.net A", "www A")
    )
    # Renaming one of them alone would move the other, or cannot be written.
    with pytest.raises(CannotEdit):
        _bind_edits(OWNERS, [RenameOwner(4, www)])
    with pytest.raises(CannotEdit):
        _bind_edits(OWNERS, [RenameOwner(5, www)])


def test_bind_retypes_a_record_deleted_and_inserted_under_another_type() -> None:
    # The same owner and value under another type: the line stays, its
    # type rewritten in the case it was written.
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\n"
        '@ spf "v=spf1 -all"\n'
    )
    txt = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, '"v=spf1 -all"')
    edits: list[RecordEdit] = [
        DeleteRecord(2),
        InsertRecords(_name("example.net."), dns.rdatatype.TXT, (txt,)),
    ]
    assert _bind_edits(text, edits) == text.replace("spf", "txt", 1)


def test_bind_keeps_a_name_relative_where_it_only_lacked_its_dot() -> None:
    # `ns2.example.net` (meaning ns2.example.net.example.net.) given the
    # name it meant: written relative, as the file wrote it; a name outside
    # the origin gets its final dot.
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n"
        "  NS ns2.example.net\n  MX 5 mx1.example.org\n"
    )
    ns = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.NS, "ns2.example.net.")
    mx = _mx("5 mx1.example.org.")
    assert _bind_edits(text, [ReplaceRdata(1, ns), ReplaceRdata(2, mx)]) == (
        text.replace("NS ns2.example.net", "NS ns2").replace(
            "mx1.example.org\n", "mx1.example.org.\n"
        )
    )
