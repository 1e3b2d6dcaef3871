"""Inserting records in the file's own style (SPEC §4), the helper the mail
fixes add records with. Each case checks the text written and, through
dnspython, that the records are exactly the old ones plus the new."""

from __future__ import annotations

from pathlib import Path

import dns.name
import dns.zone
import pytest

from zonefix.bind.edits import CannotEdit, NewRecord, insert_records
from zonefix.source import SourceFile
from zonefix.zone import parse_file, parse_text

APEX = dns.name.from_text("example.net.")


def mx(priority: int, host: str, owner: dns.name.Name = APEX) -> NewRecord:
    return NewRecord(owner, "MX", (str(priority), host))


def insert(text: str, *records: NewRecord) -> str:
    zone = parse_text(text, None, "db.example.net")
    (edit,) = insert_records(zone, records)
    fixed = text[: edit.start] + edit.text + text[edit.end :]
    assert _records(fixed) == _records(text) | {
        (r.owner.to_text(), r.rdtype, " ".join(r.rdata)) for r in records
    }
    return fixed


def _records(text: str) -> set[tuple[str, str, str]]:
    zone = dns.zone.from_text(text, APEX, relativize=False, check_origin=False)
    return {
        (name.to_text(), dns.rdatatype.to_text(rdataset.rdtype), rdata.to_text())
        for name, rdataset in zone.iterate_rdatasets()
        for rdata in rdataset
    }


def ttls(text: str) -> dict[tuple[str, str], int]:
    zone = dns.zone.from_text(text, APEX, relativize=False, check_origin=False)
    return {
        (name.to_text(), dns.rdatatype.to_text(rdataset.rdtype)): rdataset.ttl
        for name, rdataset in zone.iterate_rdatasets()
    }


SOA = "@\tIN\tSOA\tns hostmaster 1 2 3 4 5\n"


def test_tabs_and_a_blank_owner_continue_the_rrset() -> None:
    before = f"$TTL 1h\n{SOA}\tIN\tNS\tns\n\tIN\tMX\t5 mx1.qiye.aliyun.com.\nwww\tIN\tA\t192.0.2.1\n"
    after = insert(
        before, mx(10, "mx2.qiye.aliyun.com."), mx(15, "mx3.qiye.aliyun.com.")
    )
    assert after == before.replace(
        "aliyun.com.\n",
        "aliyun.com.\n\tIN\tMX\t10 mx2.qiye.aliyun.com.\n\tIN\tMX\t15 mx3.qiye.aliyun.com.\n",
    )


def test_aligned_columns_are_kept() -> None:
    before = (
        "$TTL 1h\n@   IN  SOA ns h 1 2 3 4 5\n    IN  NS  ns\n"
        "    IN  MX  5   mx1.qiye.aliyun.com.\n    IN  MX  10  mx2.qiye.aliyun.com.\n"
    )
    assert insert(before, mx(15, "mx3.qiye.aliyun.com.")).endswith(
        "    IN  MX  10  mx2.qiye.aliyun.com.\n    IN  MX  15  mx3.qiye.aliyun.com.\n"
    )


def test_absolute_owners_and_written_ttl_and_class() -> None:
    before = (
        "$TTL 1h\nexample.net.\tIN\tSOA\tns h 1 2 3 4 5\nexample.net.\tIN\tNS\tns\n"
        "mail.example.net.\t300\tIN\tA\t192.0.2.1\n"
    )
    imap = NewRecord(
        dns.name.from_text("imap.example.net."), "CNAME", ("imap.sg.aliyun.com.",)
    )
    after = insert(before, imap)
    # A new name goes at the end, in the last line's style, with the TTL the
    # line would inherit ($TTL), written because that line writes its TTL.
    assert after.endswith("imap.example.net.\t3600\tIN\tCNAME\timap.sg.aliyun.com.\n")


def test_relative_owner_at_the_origin_in_force_or_absolute_outside_it() -> None:
    before = (
        "$ORIGIN example.net.\n@ 300 SOA ns h 1 2 3 4 5\n@ NS ns\n"
        "$ORIGIN lab.example.net.\nhost A 192.0.2.1\n"
    )
    smtp = NewRecord(
        dns.name.from_text("smtp.example.net."), "CNAME", ("smtp.sg.aliyun.com.",)
    )
    assert insert(before, smtp).endswith(
        "host A 192.0.2.1\nsmtp.example.net. CNAME smtp.sg.aliyun.com.\n"
    )
    inner = NewRecord(dns.name.from_text("db.lab.example.net."), "A", ("192.0.2.2",))
    assert insert(before, inner).endswith("host A 192.0.2.1\ndb A 192.0.2.2\n")


def test_joins_its_rrset_ttl_and_writes_it_where_the_line_would_inherit_another() -> (
    None
):
    before = f"$TTL 1h\n{SOA}\tIN\tNS\tns\n@\t300\tIN\tMX\t5 mx1.qiye.aliyun.com.\nwww\tIN\tA\t192.0.2.1\n"
    after = insert(before, mx(10, "mx2.qiye.aliyun.com."))
    assert "@\t300\tIN\tMX\t10 mx2.qiye.aliyun.com.\n" in after
    assert ttls(after)[("example.net.", "MX")] == 300


def test_a_ttl_differing_from_the_default_is_written_even_where_the_style_omits_it() -> (
    None
):
    before = "$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n@ 300 MX 5 mx1.qiye.aliyun.com.\n"
    after = insert(before, mx(10, "mx2.qiye.aliyun.com."))
    assert after.endswith("@ 300 MX 10 mx2.qiye.aliyun.com.\n")
    spf = NewRecord(APEX, "TXT", ('"v=spf1 -all"',))
    after = insert(before.replace("@ 300 MX", "@ MX"), spf)
    assert after.endswith('@ MX 5 mx1.qiye.aliyun.com.\n@ TXT "v=spf1 -all"\n')
    assert ttls(after)[("example.net.", "TXT")] == 3600


def test_the_ttl_in_force_after_a_later_ttl_directive() -> None:
    before = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n$TTL 60\nhost A 192.0.2.1\n"
    cname = NewRecord(
        dns.name.from_text("mail.example.net."), "CNAME", ("mail.sg.aliyun.com.",)
    )
    after = insert(before, cname)
    assert after.endswith("host A 192.0.2.1\nmail CNAME mail.sg.aliyun.com.\n")
    assert ttls(after)[("mail.example.net.", "CNAME")] == 60


def test_without_ttl_directive_the_last_ttl_carries() -> None:
    before = "$ORIGIN example.net.\n@ 300 SOA ns h 1 2 3 4 5\n@ NS ns\n@ MX 10 mx\nmx A 192.0.2.1\n"
    after = insert(before, NewRecord(APEX, "TXT", ('"v=spf1 mx -all"',)))
    assert after == before.replace(
        "@ MX 10 mx\n", '@ MX 10 mx\n@ TXT "v=spf1 mx -all"\n'
    )


def test_case_of_the_type_and_crlf_and_a_missing_final_newline() -> None:
    before = "$TTL 1h\r\n@ in soa ns h 1 2 3 4 5\r\n@ in ns ns\r\nwww in a 192.0.2.1"
    after = insert(before, NewRecord(APEX, "MX", ("10", "mx.example.org.")))
    assert after == before.replace(
        "@ in ns ns\r\n", "@ in ns ns\r\n@ in mx 10 mx.example.org.\r\n"
    )
    mail = NewRecord(
        dns.name.from_text("mail.example.net."), "CNAME", ("example.org.",)
    )
    assert insert(before, mail).endswith(
        "www in a 192.0.2.1\r\nmail in cname example.org.\r\n"
    )


def test_a_parenthesised_anchor_gives_one_line() -> None:
    before = "$TTL 1h\n@ IN SOA ns h (\n    1 2 3 4 5 )\n@ IN NS ns\n"
    after = insert(before, NewRecord(APEX, "NS", ("ns2.example.net.",)))
    assert after.endswith("@ IN NS ns\n@ IN NS ns2.example.net.\n")


def test_a_next_line_taking_the_last_ttl_refuses_a_different_one(
    tmp_path: Path,
) -> None:
    # The TXT RRset (TTL 60) lies in an included file, so the new TXT goes
    # after the apex's last line here, and with no $TTL the line after it
    # would take the new record's TTL instead of 120.
    (tmp_path / "txt.inc").write_text('@ 60 TXT "a"\n')
    zone_file = tmp_path / "db.example.net"
    zone_file.write_text(
        "$ORIGIN example.net.\n@ 300 SOA ns h 1 2 3 4 5\n$INCLUDE txt.inc\n"
        "@ 120 MX 10 mx\nwww A 192.0.2.1\n"
    )
    zone = parse_file(zone_file)
    with pytest.raises(CannotEdit):
        insert_records(zone, [NewRecord(APEX, "TXT", ('"v=spf1 -all"',))])


def test_a_new_name_joins_the_records_of_its_type() -> None:
    before = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"
        "imap CNAME imap.sg.aliyun.com.\nsmtp CNAME smtp.sg.aliyun.com.\n"
        "www A 192.0.2.80\n"
    )
    mail = NewRecord(
        dns.name.from_text("mail.example.net."), "CNAME", ("mail.sg.aliyun.com.",)
    )
    assert insert(before, mail) == before.replace(
        "smtp.sg.aliyun.com.\n",
        "smtp.sg.aliyun.com.\nmail CNAME mail.sg.aliyun.com.\n",
    )


def test_a_new_name_never_splits_a_blank_owner_run() -> None:
    # The lines after the last TXT repeat its owner with a blank one: the
    # new name goes after them, or they would take it.
    before = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\n"
        '  TXT "v=spf1 -all"\n  MX 0 .\nwww A 192.0.2.80\n'
    )
    dmarc = NewRecord(
        dns.name.from_text("_dmarc.example.net."), "TXT", ('"v=DMARC1; p=none"',)
    )
    assert insert(before, dmarc) == before.replace(
        "  MX 0 .\n", '  MX 0 .\n_dmarc TXT "v=DMARC1; p=none"\n'
    )


@pytest.mark.parametrize(
    ("text", "newline"),
    [
        ("a\nb\n", "\n"),
        ("a\r\nb\r\n", "\r\n"),
        ("a\r\nb\r\nc\n", "\r\n"),
        ("a\r\nb\nc\n", "\n"),
        ("a\rb\r", "\n"),
        ("", "\n"),
    ],
)
def test_the_line_ending_inserted_lines_take(text: str, newline: str) -> None:
    # Most lines' ending; counted once, however many records a run inserts
    # (a fix per mail domain asks it: counting each time grew with fixes x
    # text).
    source = SourceFile("db.example.net", text)
    assert source.newline == newline
    assert source.newline == newline
