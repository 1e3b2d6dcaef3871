"""Bad input (SPEC §6): a finding at file:line:col, never a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zonefix
from tests.conftest import BAD_FIXTURES, ROOT
from zonefix.cli import main


@pytest.mark.parametrize("path", BAD_FIXTURES, ids=lambda p: p.name)
def test_findings_snapshot(path: Path, snapshot, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots" / "bad"
    monkeypatch.chdir(ROOT)
    status = main([str(path.relative_to(ROOT)), "--no-color"])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err == ""
    snapshot.assert_match(captured.out, path.name + ".txt")


def findings(zone: zonefix.Zone) -> list[tuple[str, int, int]]:
    return [(d.code.code, d.line, d.column) for d in zone.diagnostics]


def test_unterminated_parenthesis_points_at_it() -> None:
    zone = zonefix.parse_file(ROOT / "fixtures/bad/unterminated-paren.zone")
    assert findings(zone) == [("ZF001", 3, 21)]


def test_unterminated_quote_points_at_it_and_the_next_line_is_read() -> None:
    zone = zonefix.parse_file(ROOT / "fixtures/bad/unterminated-quote.zone")
    assert findings(zone) == [("ZF001", 6, 9)]
    assert str(zone.records[-1].owner) == "after.example.net."


def test_include_of_etc_passwd_is_refused_unread(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([str(ROOT / "fixtures/bad/include-refused.zone")]) == 1
    out = capsys.readouterr().out
    assert "ZF004 $INCLUDE '/etc/passwd' refused: outside the include root" in out
    assert "root:" not in out  # nothing of the file is ever printed


def test_huge_generate_is_refused_without_expanding() -> None:
    start = time.perf_counter()
    zone = zonefix.parse_text(
        "$ORIGIN example.net.\n$TTL 1h\n$GENERATE 1-100000000 h$ A 10.0.0.1\n"
    )
    elapsed = time.perf_counter() - start
    assert findings(zone) == [("ZF005", 3, 11)]
    assert len(zone.records) == 0
    # Not a timing test: a hundred million records would take hours.
    assert elapsed < 5


def test_binary_file_is_zf001_at_line_1_and_kept_as_bytes() -> None:
    path = ROOT / "fixtures/bad/binary.zone"
    zone = zonefix.parse_file(path)
    assert findings(zone) == [("ZF001", 1, 1)]
    assert zone.to_bytes() == path.read_bytes()
    assert not zone.parsed


def test_mostly_control_bytes_is_not_text() -> None:
    zone = zonefix.parse_text(bytes(range(1, 9)) * 100)
    assert [d.message for d in zone.diagnostics] == [
        "the file is not text: it is mostly control bytes"
    ]


def test_ten_megabyte_line(tmp_path: Path) -> None:
    path = tmp_path / "db.example.net"
    data = (
        b"$TTL 1h\n@ SOA ns h 1 2 3 4 5\nbig TXT "
        + b"x" * 10_000_000
        + b"\nok A 192.0.2.1\n"
    )
    path.write_bytes(data)
    zone = zonefix.parse_file(path)
    assert findings(zone) == [("ZF001", 3, 1)]
    assert "longer than" in zone.diagnostics[0].message
    assert zone.to_bytes() == data


def test_long_line_limit_is_configurable(tmp_path: Path) -> None:
    text = "$TTL 1h\n@ SOA ns h 1 2 3 4 5\nbig TXT " + '"x" ' * 1000 + "\n"
    zone = zonefix.parse_text(
        text, origin="example.net.", limits=zonefix.Limits(line_length=100)
    )
    assert findings(zone) == [("ZF001", 3, 1)]
    # A thousand one-byte strings fit in one TXT record: only the limit refused it.
    assert zonefix.parse_text(text, origin="example.net.").diagnostics == []


@settings(max_examples=300, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 30), min_size=1, max_size=40),
    limit=st.integers(1, 25),
    final_break=st.booleans(),
)
def test_the_first_line_over_the_limit_is_the_one_named(
    lengths: list[int], limit: int, final_break: bool
) -> None:
    """Wherever lines over the limit lie (the check does not look at every
    line), the first of them is the one reported."""
    lines = [";" + "x" * max(0, length - 1) for length in lengths]
    text = "\n".join(lines) + ("\n" if final_break else "")
    zone = zonefix.parse_text(
        text, origin="example.net.", limits=zonefix.Limits(line_length=limit)
    )
    over = [n for n, line in enumerate(lines, 1) if len(line) > limit]
    if len(text) <= limit or not over:
        assert findings(zone) == []
    else:
        assert findings(zone) == [("ZF001", over[0], 1)]


def test_unreadable_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "db.example.net"
    path.write_text("$TTL 1h\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything
        pytest.skip("running as a user who can read any file")
    assert main([str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_directory_given_as_include(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    zone = zonefix.parse_text(
        "$ORIGIN example.net.\n$TTL 1h\n$INCLUDE sub\n",
        filename=str(tmp_path / "db.example.net"),
    )
    assert [d.code.code for d in zone.diagnostics] == ["ZF004"]
    assert "is a directory" in zone.diagnostics[0].message


def test_errors_never_raise_from_the_library() -> None:
    # A grab bag of broken lines; every one is a finding, none an exception.
    lines = [
        "$ORIGIN",
        "$ORIGIN a b",
        "$ORIGIN ..bad",
        "$TTL",
        "$INCLUDE",
        "$GENERATE",
        "$GENERATE 1-2",
        "$GENERATE x-y a A b",
        "$GENERATE 5-1 a$ A 1.2.3.$",
        "$GENERATE 1-2 a$ 1h IN A 1.2.3.${",
        "@ SOA",
        "a 1h IN",
        "a TYPE0 \\# 0",
        "a TYPE70000 \\# 0",
        "a CLASS70000 A 1.2.3.4",
        "a A \\# 4 zz",
        "a MX 10",
        "a..b A 1.2.3.4",
        "\\",
        "( ) ( )",
    ]
    text = "$ORIGIN example.net.\n$TTL 1h\n" + "\n".join(lines) + "\n"
    zone = zonefix.parse_text(text)
    assert len(zone.diagnostics) == len(lines)
    assert zone.to_text() == text
