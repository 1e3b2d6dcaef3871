"""A lone carriage return (old Mac line ends: a CR not followed by LF),
read as BIND reads it (issue 12): a line break, but inside a comment (which
runs on to the LF), a quoted string (a character of it) or parentheses (a
blank). BIND's line numbers count LF alone, and so do zonefix's. The fixer
reads such a file but does not write it (fixer._lone_carriage_return)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import dns.rdatatype
import pytest

import zonefix
from tests.conftest import named_checkzone, needs_named_checkzone
from zonefix.cli import main
from zonefix.fixer import fix

HEAD = "$ORIGIN example.net.\n$TTL 3600\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.9\n"

# Each loads in BIND (named-checkzone -D lists its records).
LOADED = [
    # One record a line, and a blank owner after a lone CR.
    "www A 192.0.2.1\rftp A 192.0.2.2\r A 192.0.2.3\r",
    # An empty line, and a CR before the LF of a CRLF.
    "www A 192.0.2.1\r\rftp A 192.0.2.2\r\r\nmail A 192.0.2.4\n",
    # A comment runs on over a lone CR to the LF: ftp is not a record.
    "www A 192.0.2.1 ; c\rftp A 192.0.2.2\nmail A 192.0.2.4\n",
    # Inside quotes, a character; inside parentheses, a blank.
    'www TXT "a\rb"\rmx MX ( 10\r mail )\rmail A 192.0.2.4\n',
    # Directives on lines of their own.
    "www A 192.0.2.1\r$TTL 60\rx A 192.0.2.2\r$ORIGIN sub.example.net.\ry A 192.0.2.3",
    # A blank owner after a blank line of spaces.
    "www A 192.0.2.1\r \r\tA 192.0.2.2\n",
]


def _bind_records(path: Path) -> set[tuple[str, int, str, str]]:
    listed = subprocess.run(
        ["named-checkzone", "-D", "-q", "-i", "local", "example.net", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    records = set()
    for line in listed.stdout.splitlines():
        owner, ttl, _, rdtype, *rdata = line.split()
        records.add((owner.lower(), int(ttl), rdtype, " ".join(rdata)))
    return records


def _zonefix_records(zone: zonefix.Zone) -> set[tuple[str, int, str, str]]:
    return {
        (
            str(r.owner).lower(),
            r.ttl,
            dns.rdatatype.to_text(r.rdtype),
            " ".join(r.rdata.to_text().split()),
        )
        for r in zone.records
    }


@needs_named_checkzone
@pytest.mark.parametrize("tail", LOADED)
def test_records_are_those_bind_reads(tmp_path: Path, tail: str) -> None:
    path = tmp_path / "db.example.net"
    path.write_bytes((HEAD + tail).encode())
    assert named_checkzone("example.net", path).returncode == 0
    zone = zonefix.parse_file(path)
    assert zone.diagnostics == []
    assert _zonefix_records(zone) == _bind_records(path)
    assert zone.to_bytes() == path.read_bytes()


def _bind_lines(path: Path) -> list[int]:
    result = named_checkzone("example.net", path)
    assert result.returncode == 1
    return sorted({int(n) for n in re.findall(r":(\d+): ", result.stdout)})


@needs_named_checkzone
@pytest.mark.parametrize(
    "text",
    [
        # Old Mac line ends throughout: one line to BIND, whose messages
        # say line 1; zonefix's findings too (at the column of the value).
        HEAD.replace("\n", "\r") + "www A 192.0.2.1\rbad A 192.0.2\rok A 192.0.2.3\r",
        # LF lines, one of which holds a lone CR: the LF line is the line.
        HEAD + "www A 192.0.2.1\rbad A 192.0.2\nok A 192.0.2.3\n",
        HEAD + "www A 192.0.2.1\nok A 192.0.2.3\rbad A 192.0.2.1.7\n",
    ],
)
def test_finding_lines_are_named_checkzones(tmp_path: Path, text: str) -> None:
    path = tmp_path / "db.example.net"
    path.write_bytes(text.encode())
    zone = zonefix.parse_file(path)
    (finding,) = zone.diagnostics
    assert finding.code.code == "ZF002"
    assert [finding.line] == _bind_lines(path)
    # The column counts from the last LF: the value's place on that line.
    value = text.index("192.0.2", text.index("bad"))
    assert finding.column == value - (text.rfind("\n", 0, value) + 1) + 1


def test_a_cr_only_zone_reads_as_its_lf_twin_until_a_comment() -> None:
    lf = HEAD + "www A 192.0.2.1\n\tA 192.0.2.2\nmx MX ( 10\n mail )\n"
    cr = lf.replace("\n", "\r")
    twin, zone = (zonefix.parse_text(t, filename="db.example.net") for t in (lf, cr))
    assert zone.diagnostics == []
    assert _zonefix_records(zone) == _zonefix_records(twin)
    assert zone.to_text() == cr
    assert [r.line for r in zone.records] == [1] * len(zone.records)
    # A comment runs on to the LF: in such a file, to its end (BIND drops
    # the records after it too).
    cut = cr.index("www")
    zone = zonefix.parse_text(
        cr[:cut] + "; note\r" + cr[cut:], filename="db.example.net"
    )
    assert zone.diagnostics == []
    assert [str(r.owner) for r in zone.records][-1] == "ns.example.net."


def test_a_cr_only_zone_is_linted_but_not_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The MX host without its final dot (ZF104, a safe fix) would be fixed
    # in the LF twin; here the findings are reported, nothing is written.
    text = HEAD.replace("\n", "\r") + "@ MX 10 mx.example.org\rmx A 192.0.2.1\r"
    path = tmp_path / "db.example.net"
    path.write_bytes(text.encode())
    result = fix(zonefix.parse_file(path))
    assert result.applied == []
    assert result.problem is not None
    assert result.problem.startswith("line 1 holds a lone carriage return")
    assert main(["--write", "--no-config", str(path)]) == 2
    assert path.read_bytes() == text.encode()
    out = capsys.readouterr()
    assert "ZF104" in out.out
    assert "not fixed, nothing written" in out.err
    twin = tmp_path / "db.example.com"
    twin.write_bytes(text.replace("\r", "\n").encode())
    assert fix(zonefix.parse_file(twin)).applied != []


def test_the_line_length_limit_counts_lines_a_lone_cr_ends() -> None:
    from zonefix.document import Limits

    limits = Limits(line_length=100)
    text = HEAD.replace("\n", "\r") + "www A 192.0.2.1\r" * 20
    assert len(text) > 100
    zone = zonefix.parse_text(text, filename="db.example.net", limits=limits)
    assert zone.diagnostics == []
    assert len(zone.records) == 23
    long = text + 'txt TXT "' + "x" * 100 + '"\r'
    zone = zonefix.parse_text(long, filename="db.example.net", limits=limits)
    (finding,) = zone.diagnostics
    assert finding.message.startswith("line 1 is longer than 100 characters")
    assert finding.column == len(text) + 1
