"""What the records mean: owners, TTLs, classes, rdata, includes, $GENERATE."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import dns.name
import dns.rdata
import dns.rdatatype
import dns.rdtypes.txtbase
import dns.zone
import pytest

import zonefix
from tests.conftest import (
    FIXTURES,
    PARSE_FIXTURES,
    needs_named_checkzone,
    rrsets_of_dnspython,
    rrsets_of_zone,
)
from zonefix.bind.generate import GenerateError, substitute
from zonefix.zone import origin_from_filename

PARSE = FIXTURES / "parse"


def strings(rdata: dns.rdata.Rdata) -> tuple[bytes, ...]:
    assert isinstance(rdata, dns.rdtypes.txtbase.TXTBase)
    return tuple(rdata.strings)


def records(zone: zonefix.Zone) -> list[tuple[str, int, str, str]]:
    return [
        (str(r.owner), r.ttl, dns.rdatatype.to_text(r.rdtype), r.rdata.to_text())
        for r in zone.records
    ]


@pytest.mark.parametrize("path", PARSE_FIXTURES, ids=lambda p: p.name)
def test_records_snapshot(path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    # Every record of every parse fixture, as a reviewer reads them.
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots" / "records"
    zone = zonefix.parse_file(path)
    assert zone.diagnostics == []
    lines = [f"origin {zone.origin}"]
    for r in zone.records:
        where = f"{Path(r.file).name}:{r.line}:{r.column}"
        rtype = dns.rdatatype.to_text(r.rdtype)
        lines.append(f"{where} {r.owner} {r.ttl} IN {rtype} {r.rdata.to_text()}")
    snapshot.assert_match("\n".join(lines) + "\n", path.name + ".txt")


# Files where zonefix follows BIND and dnspython reads otherwise.
DNSPYTHON_DIFFERS = {
    "latin1.zone": "dnspython reads files as UTF-8 text; BIND and zonefix read bytes",
    "bom.zone": "dnspython reads a BOM as part of the first word (so does BIND 9.18); "
    "SPEC §2 asks zonefix to accept it",
    "generate.zone": "dnspython refuses a quoted $GENERATE rhs, and gives a blank owner "
    "after $GENERATE the last generated name; BIND does neither",
}
# Files named-checkzone cannot load, and why.
BIND_DIFFERS = {
    "bom.zone": "BIND 9.18 reads a BOM as part of the first word",
}


@pytest.mark.parametrize("path", PARSE_FIXTURES, ids=lambda p: p.name)
def test_records_equal_dnspython(path: Path) -> None:
    if path.name in DNSPYTHON_DIFFERS:
        pytest.skip(DNSPYTHON_DIFFERS[path.name])
    zone = zonefix.parse_file(path)
    origin = zone.origin.to_text() if zone.origin else None
    assert rrsets_of_zone(zone) == rrsets_of_dnspython(path, origin)


@needs_named_checkzone
@pytest.mark.parametrize("path", PARSE_FIXTURES, ids=lambda p: p.name)
def test_records_equal_bind(path: Path) -> None:
    # named-checkzone -D prints the zone as BIND loaded it: the oracle for
    # owner, TTL and $INCLUDE/$GENERATE semantics.
    if path.name in BIND_DIFFERS:
        pytest.skip(BIND_DIFFERS[path.name])
    zone = zonefix.parse_file(path)
    assert zone.origin is not None
    result = subprocess.run(
        [
            "named-checkzone",
            "-i",
            "none",
            "-D",
            "-o",
            "-",
            zone.origin.to_text(),
            path.name,
        ],
        capture_output=True,
        check=True,
        cwd=path.parent,
        text=True,
    )
    bind = dns.zone.from_text(
        result.stdout, origin=zone.origin, relativize=False, check_origin=False
    )
    theirs = {
        (name, rds.rdtype, rds.covers): (rds.ttl, frozenset(rds))
        for name, node in bind.nodes.items()
        for rds in node.rdatasets
    }
    assert rrsets_of_zone(zone) == theirs


def test_inheritance() -> None:
    zone = zonefix.parse_file(PARSE / "inheritance.zone")
    assert [(owner, ttl, rtype) for owner, ttl, rtype, _ in records(zone)] == [
        ("example.org.", 3600, "SOA"),
        ("example.org.", 3600, "NS"),  # the last TTL written
        ("ns.example.org.", 300, "A"),  # class before TTL
        ("ns.example.org.", 300, "A"),  # blank owner, last TTL
        ("host.example.org.", 86400, "A"),  # $TTL wins
        ("host.example.org.", 90, "AAAA"),
        ("host.example.org.", 86400, "TXT"),  # owner kept across $ORIGIN
        ("www.sub.example.org.", 86400, "A"),
        ("sub.example.org.", 86400, "A"),
        ("x.deeper.sub.example.org.", 86400, "A"),  # relative $ORIGIN
    ]


def test_soa_minimum_is_the_default_ttl_without_ttl_or_dollar_ttl() -> None:
    zone = zonefix.parse_text(
        "$ORIGIN example.net.\n@ SOA ns h 1 2 3 4 600\n NS ns\nns A 192.0.2.1\n"
    )
    assert [r.ttl for r in zone.records] == [600, 600, 600]


def test_a_record_without_any_ttl_is_an_error() -> None:
    zone = zonefix.parse_text("$ORIGIN example.net.\nns A 192.0.2.1\n")
    assert [(d.code.code, d.line) for d in zone.diagnostics] == [("ZF001", 2)]
    assert "no TTL" in zone.diagnostics[0].message


def test_ttl_units_and_either_order() -> None:
    zone = zonefix.parse_text(
        "$ORIGIN example.net.\n$TTL 1h30m\n"
        "a A 192.0.2.1\nb 2d IN A 192.0.2.2\nc IN 1W A 192.0.2.3\nd 90s A 192.0.2.4\n"
    )
    assert [r.ttl for r in zone.records] == [5400, 172800, 604800, 90]


def test_escapes_in_txt_and_owner() -> None:
    zone = zonefix.parse_file(PARSE / "quoted.zone")
    txt = {str(r.owner): r.rdata for r in zone.records if r.rdtype == dns.rdatatype.TXT}
    assert strings(txt["a.example.net."]) == (b"semicolon ; inside quotes",)
    assert strings(txt["b.example.net."]) == (b'escaped "quote"', b"and \\ backslash")
    assert strings(txt["c.example.net."]) == (b"decimal ABC escapes", b"X means X")
    assert strings(txt["d.example.net."]) == (b"unquoted;semicolon", b"words")
    assert strings(txt["g.example.net."]) == (b"inside", b"parens")
    assert b"h space" in [r.owner.labels[0] for r in zone.records]


def test_rfc3597_forms() -> None:
    zone = zonefix.parse_file(PARSE / "rfc3597.zone")
    by_owner = {str(r.owner): r for r in zone.records}
    assert by_owner["a.example.net."].rdtype == 65534
    assert by_owner["a.example.net."].rdata.to_wire() == bytes.fromhex("0a000001")
    assert by_owner["b.example.net."].rdata.to_text() == "192.0.2.2"
    assert by_owner["c.example.net."].rdata.to_text() == "192.0.2.3"
    assert by_owner["e.example.net."].rdata.to_text() == "10 mail."


def test_bytes_that_are_not_utf8_are_kept() -> None:
    zone = zonefix.parse_file(PARSE / "latin1.zone")
    raw = next(r for r in zone.records if str(r.owner) == "raw.example.net.")
    assert strings(raw.rdata) == (b"raw bytes \xe9\xff in a string",)
    utf8 = next(r for r in zone.records if str(r.owner) == "utf8.example.net.")
    assert strings(utf8.rdata) == ("café".encode(),)


def test_bom_and_crlf_do_not_change_the_records() -> None:
    plain = zonefix.parse_text(
        "$ORIGIN example.net.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"
    )
    crlf = zonefix.parse_text(
        "\ufeff$ORIGIN example.net.\r\n$TTL 300\r\n@ SOA ns h 1 2 3 4 5\r\n"
        "  NS ns\r\nns A 192.0.2.1\r\n"
    )
    assert records(crlf) == records(plain)
    assert crlf.source.bom
    assert crlf.source.newline == "\r\n"


def test_record_positions() -> None:
    zone = zonefix.parse_file(PARSE / "basic.zone")
    www = next(r for r in zone.records if str(r.owner) == "www.example.com.")
    assert (www.line, www.column) == (18, 1)
    soa = zone.records[0]
    assert (soa.line, soa.column, soa.file) == (4, 1, str(PARSE / "basic.zone"))


# ------------------------------------------------------------------ origin


def test_origin_from_option_wins() -> None:
    zone = zonefix.parse_file(PARSE / "basic.zone", origin="example.org.")
    assert zone.origin == dns.name.from_text("example.org.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("origin-from-soa.zone", "example.org."),  # absolute SOA owner
        ("db.example.info", "example.info."),  # the file name
        ("basic.zone", "example.com."),  # $ORIGIN before the first record
    ],
)
def test_origin_determination(name: str, expected: str) -> None:
    assert zonefix.parse_file(PARSE / name).origin == dns.name.from_text(expected)


def test_origin_before_the_first_record_only() -> None:
    text = (
        "example.org. 300 SOA ns h 1 2 3 4 5\n$ORIGIN other.example.\nx A 192.0.2.1\n"
    )
    zone = zonefix.parse_text(text)
    assert zone.origin == dns.name.from_text("example.org.")
    assert str(zone.records[1].owner) == "x.other.example."


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        # The only SOA's owner comes first, even after another $ORIGIN.
        (
            "$ORIGIN example.org.\nwww.example.com. 300 SOA ns h 1 2 3 4 5\n",
            "db.example.net",
            "www.example.com.",
        ),
        # BIND's dump of a dynamic zone: $ORIGIN . and the SOA owner relative to it.
        (
            "$ORIGIN .\n$TTL 3600\nletsencrypt.example.io IN SOA ns h 1 2 3 4 5\n NS ns.example.org.\n",
            "db.letsencrypt.example.io",
            "letsencrypt.example.io.",
        ),
        # "@ SOA" under $ORIGIN .: the root, which is no origin; then the file name.
        (
            "$ORIGIN .\n@ 300 SOA ns.example.net. h 1 2 3 4 5\n",
            "db.example.net",
            "example.net.",
        ),
        # Two SOAs name no origin: the $ORIGIN before the first record does.
        (
            "$ORIGIN example.org.\n@ SOA ns h 1 2 3 4 5\nsub SOA ns h 1 2 3 4 5\n",
            "zone.txt",
            "example.org.",
        ),
        # $ORIGIN . before the records is not an origin.
        (
            "$ORIGIN .\n$TTL 1h\nwww.example.net. A 192.0.2.1\n",
            "db.example.net",
            "example.net.",
        ),
        # A blank owner SOA repeats the owner before it.
        (
            "$TTL 1h\nexample.info. NS ns.example.net.\n SOA ns.example.net. h 1 2 3 4 5\n",
            "zone.txt",
            "example.info.",
        ),
    ],
)
def test_origin_order(text: str, filename: str, expected: str) -> None:
    zone = zonefix.parse_text(text, filename=filename)
    assert zone.origin == dns.name.from_text(expected)


CLOUDFLARE_EXPORT = """;;
;; Domain:     example.net.
;; Exported:   2018-06-28 16:23:42
;;
;; This file is intended for use for informational and archival
;; purposes ONLY and MUST be edited before use on a production
;; DNS server.
$ORIGIN .
@	3600	IN	SOA	example.net.	root.example.net.	(
		2028186962	; serial
		7200		; refresh
		3600		; retry
		86400		; expire
		3600)		; minimum

example.net.	1	IN	NS	ns1.example.org.
www.example.net.	1	IN	A	192.0.2.80
"""


def test_cloudflare_export_names_its_domain_and_means_it_by_the_root() -> None:
    # Cloudflare writes "$ORIGIN ." and "@ SOA" for the domain its header
    # names; the file is read with that apex, its SOA at the apex.
    zone = zonefix.parse_text(CLOUDFLARE_EXPORT, filename="export.txt")
    assert zone.origin == dns.name.from_text("example.net.")
    soa = zone.records[0]
    assert soa.owner == zone.origin
    # Only the note that its SOA is the export's placeholder.
    findings = zonefix.check(zone, select=["ZF1"])
    assert [(d.code.code, d.code.severity.name) for d in findings] == [
        ("ZF111", "INFO")
    ]
    assert "SOA example.net. root.example.net.: placeholder" in findings[0].message


@pytest.mark.parametrize(
    ("filename", "origin"),
    [
        ("db.example.net", "example.net."),
        ("example.net.zone", "example.net."),
        ("example.net.db", "example.net."),
        ("example.net", "example.net."),
        ("db.xn--p1ai", None),  # one label: no zone below a TLD
        ("db.shop.xn--p1ai", "shop.xn--p1ai."),
        ("zone.txt", None),  # .txt names no zone
        ("db.example.internal", None),  # not a delegated TLD
        ("db.lab", None),
    ],
)
def test_origin_from_filename(filename: str, origin: str | None) -> None:
    found = origin_from_filename(filename)
    assert (found.to_text() if found else None) == origin


def test_unknown_origin_is_zf003_at_line_1_alone() -> None:
    zone = zonefix.parse_text(
        "$TTL 300\n@ SOA ns h 1 2 3 4 5\nbad A 1.2.3\n", filename="zone.txt"
    )
    assert [(d.code.code, d.line, d.column) for d in zone.diagnostics] == [
        ("ZF003", 1, 1)
    ]


def test_absolute_names_need_no_origin() -> None:
    zone = zonefix.parse_text("a.example. 300 A 192.0.2.1\n", filename="zone.txt")
    assert zone.diagnostics == []
    assert zone.origin is None


def test_relative_rdata_needs_an_origin() -> None:
    zone = zonefix.parse_text("a.example. 300 CNAME b\n", filename="zone.txt")
    assert [d.code.code for d in zone.diagnostics] == ["ZF003"]


# ------------------------------------------------------------------ $INCLUDE


def test_include_relative_to_the_including_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir("/")  # the working directory must not matter
    zone = zonefix.parse_file(PARSE / "include.zone")
    assert zone.diagnostics == []
    got = [
        (owner, rtype, Path(r.file).name)
        for (owner, _, rtype, _), r in zip(records(zone), zone.records, strict=True)
    ]
    assert got == [
        ("example.net.", "SOA", "include.zone"),
        ("example.net.", "NS", "include.zone"),
        ("ns.example.net.", "A", "include.zone"),
        ("a.example.net.", "A", "include.zone"),
        ("x.a.example.net.", "A", "sub.zone"),
        ("z.y.a.example.net.", "TXT", "sub.zone"),
        ("a.example.net.", "A", "include.zone"),  # owner restored after it
        ("x.example.net.", "A", "sub.zone"),
        ("z.y.example.net.", "TXT", "sub.zone"),
    ]
    assert [Path(d.source.name).name for d in zone.includes] == ["sub.zone", "sub.zone"]


def test_ttls_carry_on_after_an_include_as_in_bind(tmp_path: Path) -> None:
    (tmp_path / "inc.db").write_text("$TTL 200\nx A 192.0.2.1\n")
    (tmp_path / "db.example.net").write_text(
        "$TTL 100\n@ SOA ns h 1 2 3 4 5\n NS ns\n$INCLUDE inc.db\ny A 192.0.2.2\n"
    )
    zone = zonefix.parse_file(tmp_path / "db.example.net")
    assert [(str(r.owner), r.ttl) for r in zone.records][-2:] == [
        ("x.example.net.", 200),
        ("y.example.net.", 200),  # named-checkzone gives 200 too
    ]


def test_include_outside_the_root_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("TOP-SECRET-CONTENT A 192.0.2.1\n")
    zones = tmp_path / "zones"
    zones.mkdir()
    (zones / "link.db").symlink_to(secret)  # a symlink out of the root
    (zones / "db.example.net").write_text(
        "$TTL 1h\n@ SOA ns h 1 2 3 4 5\n NS ns\n"
        f"$INCLUDE {secret}\n$INCLUDE ../secret\n$INCLUDE link.db\n"
    )
    zone = zonefix.parse_file(zones / "db.example.net")
    assert [(d.code.code, d.line) for d in zone.diagnostics] == [
        ("ZF004", 4),
        ("ZF004", 5),
        ("ZF004", 6),
    ]
    assert all("outside the include root" in d.message for d in zone.diagnostics)
    assert not any("TOP-SECRET" in d.message for d in zone.diagnostics)
    assert len(zone.records) == 2


def test_include_root_can_be_widened(tmp_path: Path) -> None:
    (tmp_path / "shared.db").write_text("x A 192.0.2.1\n")
    zones = tmp_path / "zones"
    zones.mkdir()
    (zones / "db.example.net").write_text(
        "$TTL 1h\n@ SOA ns h 1 2 3 4 5\n NS ns\n$INCLUDE ../shared.db\n"
    )
    zone = zonefix.parse_file(zones / "db.example.net", include_root=tmp_path)
    assert zone.diagnostics == []
    assert str(zone.records[-1].owner) == "x.example.net."


def test_include_depth_is_limited(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.inc").write_text(
            f"h{i} A 192.0.2.{i + 1}\n$INCLUDE {i + 1}.inc\n"
        )
    (tmp_path / "5.inc").write_text("end A 192.0.2.99\n")
    (tmp_path / "db.example.net").write_text(
        "$TTL 1h\n@ SOA ns h 1 2 3 4 5\n$INCLUDE 0.inc\n"
    )
    zone = zonefix.parse_file(
        tmp_path / "db.example.net", limits=zonefix.Limits(include_depth=3)
    )
    assert [d.code.code for d in zone.diagnostics] == ["ZF004"]
    assert "deeper than 3" in zone.diagnostics[0].message


def test_include_cycle_reported_where_it_closes() -> None:
    zone = zonefix.parse_file(FIXTURES / "bad" / "include-cycle.zone")
    assert [(Path(d.file).name, d.line, d.code.code) for d in zone.diagnostics] == [
        ("cycle-b.inc", 2, "ZF004"),
    ]
    assert "include cycle" in zone.diagnostics[0].message


# ------------------------------------------------------------------ $GENERATE


@pytest.mark.parametrize(
    ("template", "counter", "expected"),
    [
        ("host$", 7, "host7"),
        ("$$", 7, "$"),
        ("a\\$b$", 3, "a\\$b3"),
        ("${0,3,d}", 7, "007"),
        ("${10}", 7, "17"),
        ("${-1,0,x}", 0, "ffffffff"),  # two's complement, as BIND prints it
        ("${0,4,X}", 255, "00FF"),
        ("${0,2,o}", 8, "10"),
        ("${0,3,n}", 1024, "0.0.4"),
        ("${-2000,0,n}", 1024, "0.3.c.f.f.f.f.f"),  # BIND's own test
        ("${0,7,N}", 0xAB, "B.A.0.0"),  # the width counts the dots
    ],
)
def test_generate_substitution(template: str, counter: int, expected: str) -> None:
    assert substitute(template, counter) == expected


@pytest.mark.parametrize(
    "template", ["${1,0,q}", "${1000", "${0,128,d}", "${2147483647}"]
)
def test_generate_substitution_errors(template: str) -> None:
    with pytest.raises(GenerateError):
        substitute(template, 1)


def test_generate_records() -> None:
    zone = zonefix.parse_file(PARSE / "generate.zone")
    got = [(o, t) for o, t, _, _ in records(zone)]
    assert got[2:6] == [(f"{i}.2.0.192.in-addr.arpa.", 3600) for i in range(1, 5)]
    assert ("010.2.0.192.in-addr.arpa.", 600) in got
    assert ("h01.2.0.192.in-addr.arpa.", 3600) in got  # $TTL, not the last TTL
    assert all(r.generated for r in zone.records[2:-1])
    last = zone.records[-1]
    assert str(last.owner) == "2.0.192.in-addr.arpa."  # as named-checkzone reads it
    assert not last.generated


def test_generate_limit_is_configurable() -> None:
    text = "$ORIGIN example.net.\n$TTL 1h\n$GENERATE 1-100 h$ A 10.0.0.$\n"
    assert len(zonefix.parse_text(text).records) == 100
    zone = zonefix.parse_text(text, limits=zonefix.Limits(generate=99))
    assert [(d.code.code, d.line, d.column) for d in zone.diagnostics] == [
        ("ZF005", 3, 11)
    ]
    assert len(zone.records) == 0


def test_cwd_is_restored(tmp_path: Path) -> None:
    before = os.getcwd()
    zonefix.parse_file(PARSE / "include.zone")
    assert os.getcwd() == before


def test_quoted_svcb_value_apart_from_its_key_is_invalid_rdata() -> None:
    # Joined (alpn="h2") it is what fixtures/parse/svcb.zone reads; apart,
    # BIND says "syntax error" and dnspython "whitespace after =".
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 1 2h 1h 2w 5m\n"
        '@ NS ns1\nns1 A 192.0.2.1\n@ HTTPS 1 . alpn= "h2"\n'
    )
    zone = zonefix.parse_text(text, origin="example.net.")
    assert [(d.code.code, d.line) for d in zone.diagnostics] == [("ZF002", 6)]
