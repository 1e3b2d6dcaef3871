"""A finding is a span of its file (zonefix/positions.py, diagnostics.py).

Line and column are worked out from the span where a finding is printed.
Here the printed line and column (what --format json prints) are held to
the span counted again from the file's text, for BIND zones written every
way (CRLF, a BOM, an $INCLUDE, a record in parentheses) and for exports;
and a run that prints no place never looks for the file's lines.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import zonefix
from tests.conftest import FIXTURES
from zonefix.cli import main
from zonefix.diagnostics import Diagnostic
from zonefix.document import ReadSettings
from zonefix.formats import HEAD, bridge, reader_for
from zonefix.positions import LineIndex
from zonefix.report import as_json, render_text
from zonefix.rules import run_rules, select_rules
from zonefix.settings import Settings
from zonefix.source import NotTextError, decode

SOA = "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 3600"


def counted(text: str, offset: int) -> tuple[int, int]:
    """Line and column of *offset*, counted in the text as a reader would."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def text_of(name: str) -> str:
    """A file's decoded text (a BOM set aside), which offsets index (none,
    for a file that is not text)."""
    try:
        return decode(name, Path(name).read_bytes()).text
    except NotTextError:
        return ""


def printed(d: Diagnostic) -> tuple[int, int, int, int]:
    shown = as_json(d)
    return (
        int(str(shown["line"])),
        int(str(shown["column"])),
        int(str(shown["end_line"])),
        int(str(shown["end_column"])),
    )


def assert_spans_agree(findings: Sequence[Diagnostic]) -> None:
    assert findings
    for d in findings:
        text = text_of(d.file)
        assert 0 <= d.start <= d.end <= len(text) + 1, d
        where = (*counted(text, d.start), *counted(text, d.end))
        assert printed(d) == where, d


def bind_findings(path: Path, origin: str | None = None) -> list[Diagnostic]:
    return zonefix.check(zonefix.parse_file(path, origin))


def export_findings(path: Path) -> list[Diagnostic]:
    data = path.read_bytes()
    reader = reader_for(path.name, data[:HEAD], None)
    assert reader is not None, path
    document = reader(str(path), data, ReadSettings())
    return bridge.check(bridge.Bridged(document), select_rules(), Settings())


def test_crlf_zone(tmp_path: Path) -> None:
    path = tmp_path / "db.example.net"
    path.write_bytes(
        "\r\n".join(
            [
                "$ORIGIN example.net.",
                SOA,
                "@ 3600 IN NS ns1",
                "ns1 3600 IN A 192.0.2.1",
                "mail 3600 IN A 192.0.2.300",
                "www 3600 IN A 192.0.2.2",
                "www 3600 IN A 192.0.2.2",
                "",
            ]
        ).encode()
    )
    findings = bind_findings(path)
    assert_spans_agree(findings)
    by_code = {d.code.code: d for d in findings}
    # The value, on its line; the duplicate from its owner to its last field
    # (the "\r" of the line break is no column of it).
    bad = by_code["ZF002"]
    assert text_of(str(path))[bad.start : bad.end] == "192.0.2.300"
    assert printed(bad) == (5, 16, 5, 27)
    assert printed(by_code["ZF107"]) == (7, 1, 7, 24)


def test_bom_parentheses_and_include(tmp_path: Path) -> None:
    path = tmp_path / "db.example.net"
    path.write_bytes(
        b"\xef\xbb\xbf$ORIGIN example.net.\n"
        + f"{SOA}\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n".encode()
        + b"@ 3600 IN MX ( 10\n   mail.example.org. )\n$INCLUDE sub.inc\n"
    )
    (tmp_path / "sub.inc").write_bytes(
        b"www 3600 IN A 192.0.2.2\nwww 3600 IN A 192.0.2.2\n"
    )
    findings = bind_findings(path)
    assert_spans_agree(findings)
    places = {(Path(d.file).name, d.code.code): printed(d) for d in findings}
    # The MX record in parentheses: from its owner, on line 5, to its last
    # field, on line 6 (the BOM is no column of line 1, nor an offset).
    assert places[("db.example.net", "ZF301")] == (5, 1, 6, 21)
    # A finding in the included file: at its own lines, with its own index.
    assert places[("sub.inc", "ZF107")] == (2, 1, 2, 24)
    lines = {Path(d.file).name: d.lines for d in findings}
    assert lines["db.example.net"] is not lines["sub.inc"]


def test_bom_syntax_error_on_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "db.example.net"
    path.write_bytes(b"\xef\xbb\xbf$ORIGIN example.net. )\n" + SOA.encode() + b"\n")
    (d,) = [d for d in bind_findings(path) if d.code.code == "ZF001"]
    assert_spans_agree([d])
    assert printed(d) == (1, 22, 1, 23)


def test_every_fixture_zone(tmp_path: Path) -> None:
    """The parse fixtures (tabs, CRLF, mixed line ends, a BOM, parentheses,
    includes, no final newline) and the bad ones."""
    paths = sorted((FIXTURES / "parse").glob("*.zone"))
    paths += sorted((FIXTURES / "bad").glob("*.zone"))
    for path in paths:
        findings = bind_findings(path, "example.net.")
        if findings:
            assert_spans_agree(findings)


def test_octodns_yaml() -> None:
    path = FIXTURES / "scenarios" / "apex-cname-beside-mx" / "octodns"
    findings = export_findings(path / "example.com.yaml")
    assert_spans_agree(findings)
    text = text_of(str(path / "example.com.yaml"))
    for d in findings:
        # Each at a place of the YAML file: a name's key or one of its values.
        assert text[d.start : d.end].strip(), d


def test_json_exports() -> None:
    path = FIXTURES / "exports" / "route53" / "example.net.json"
    findings = export_findings(path)
    assert_spans_agree(findings)
    (prose,) = [d for d in findings if d.code.code == "ZF304"]
    text = text_of(str(path))
    assert "include the following:spf.qiye.aliyun.com" in text[prose.start : prose.end]
    for other in ("alidns/example.net.json", "azure/example.net.json"):
        assert_spans_agree(export_findings(FIXTURES / "exports" / other))


def test_the_cli_prints_the_span(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "db.example.net"
    path.write_bytes(
        f"$ORIGIN example.net.\r\n{SOA}\r\n@ 3600 IN NS ns1\r\n".encode()
        + b"ns1 3600 IN A 192.0.2.1\r\nmail 3600 IN A 192.0.2.300\r\n"
    )
    main(["--format", "json", "--no-config", str(path)])
    shown = json.loads(capsys.readouterr().out)
    assert [as_json(d) for d in bind_findings(path)] == shown
    assert (shown[0]["line"], shown[0]["column"]) == (5, 16)


def test_sorted_by_span_is_sorted_by_line_and_column() -> None:
    path = FIXTURES / "scenarios" / "apex-cname-beside-mx" / "db.example.com"
    findings = bind_findings(path) if path.exists() else []
    for zone_file in sorted((FIXTURES / "rules").glob("ZF1*/*.zone"))[:40]:
        findings += bind_findings(zone_file, "example.net.")
    findings.sort(key=lambda d: d.sort_key)
    places = [(d.file, d.line, d.column, d.code.code) for d in findings]
    assert places == sorted(places)


def test_lines_are_found_only_when_a_place_is_printed(tmp_path: Path) -> None:
    path = tmp_path / "db.example.net"
    path.write_text(
        f"$ORIGIN example.net.\n{SOA}\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n"
        "mail 3600 IN A 192.0.2.300\n@ 3600 IN MX 10 mail.example.org.\n"
    )
    zone = zonefix.parse_file(path)
    findings = run_rules(zone, select_rules())
    assert len(findings) > 2
    # Reading, the rules, suppressions and sorting: offsets only.
    assert not zone.tree.lines.built
    assert all(d.lines is zone.tree.lines for d in findings)
    render_text(findings, 1, colour=False, quiet=True)
    assert zone.tree.lines.built


def test_statistics_never_look_for_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.example.net"
    path.write_text(
        f"$ORIGIN example.net.\n{SOA}\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n"
        "mail 3600 IN A 192.0.2.300\n@ 3600 IN MX 10 mail.example.org.\n"
    )
    asked: list[int] = []
    position = LineIndex.position

    def counting(self: LineIndex, offset: int) -> tuple[int, int]:
        asked.append(offset)
        return position(self, offset)

    monkeypatch.setattr(LineIndex, "position", counting)
    main(["--statistics", "--no-config", str(path)])
    assert "ZF002" in capsys.readouterr().out
    assert asked == []
    main(["--quiet", "--no-config", str(path)])
    assert f"{path}:5:16: ZF002" in capsys.readouterr().out
    assert asked


def test_a_finding_sent_between_processes_keeps_its_place(tmp_path: Path) -> None:
    path = tmp_path / "db.example.net"
    path.write_text(
        f"$ORIGIN example.net.\n{SOA}\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n"
        "mail 3600 IN A 192.0.2.300 ; a comment no finding quotes\n"
    )
    findings = bind_findings(path)
    # As sent before any place was asked for, and after; the file's line
    # starts go along, not its text.
    sent = pickle.dumps(findings)
    assert b"no finding quotes" not in sent
    before = pickle.loads(sent)
    places = [printed(d) for d in findings]
    after = pickle.loads(pickle.dumps(findings))
    assert [printed(d) for d in before] == places == [printed(d) for d in after]
    assert before == findings == after


def test_a_finding_about_the_whole_file_is_at_line_1_column_1() -> None:
    d = Diagnostic(select_rules()[0].code, "no SOA", "db.example.net")
    assert (d.line, d.column, d.end_line, d.end_column) == (1, 1, 1, 1)
    assert d.position() == d.end_position() == (1, 1)


@given(
    st.text(alphabet="ab\n\r ", max_size=40),
    st.lists(st.integers(min_value=0, max_value=45), max_size=12),
)
def test_places_asked_in_any_order_are_the_line_starts_places(
    text: str, offsets: list[int]
) -> None:
    """Places asked in file order are counted from the last one (without
    finding every line start), others from the line starts: the same
    lines and columns either way, in file order, then any order."""
    built = LineIndex(text)
    built._build()
    for order in (sorted(offsets), offsets):
        lines = LineIndex(text)
        assert [lines.position(o) for o in order] == [built.position(o) for o in order]
