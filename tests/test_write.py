"""--diff and --write end to end (SPEC §4): the patch git applies, and files
written atomically, in their own bytes, only when they change."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from zonefix.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, main

CASE = FIXTURES / "rules" / "ZF107" / "pasted-twice.zone"
CLEAN = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 7 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_diff_applies_with_git_and_equals_write(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(CASE, "db.example.net")
    status, patch, _ = run(capsys, "--diff", "db.example.net")
    assert status == EXIT_FINDINGS
    assert patch.startswith("--- a/db.example.net\n+++ b/db.example.net\n@@ ")
    assert " @@ ZF107\n" in patch
    Path("patch.diff").write_text(patch)
    shutil.copy("db.example.net", "copy.db")
    subprocess.run(["git", "apply", "patch.diff"], check=True)
    patched = Path("db.example.net").read_bytes()
    shutil.copy("copy.db", "db.example.net")
    assert run(capsys, "--write", "db.example.net")[0] == EXIT_CLEAN
    assert Path("db.example.net").read_bytes() == patched
    # Nothing left to do: the second run changes nothing.
    status, patch, _ = run(capsys, "--diff", "db.example.net")
    assert (status, patch) == (EXIT_CLEAN, "")


def test_diff_marks_a_last_line_without_newline(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The case without its last two lines (SPF and DMARC): the fix's hunk
    # then reaches the end of the file.
    text = "".join(CASE.read_text().splitlines(keepends=True)[:-2]).rstrip("\n")
    Path("db.example.net").write_text(text)
    _, patch, _ = run(capsys, "--diff", "db.example.net")
    assert patch.endswith("mail\tIN\tA\t192.0.2.25\n\\ No newline at end of file\n")
    Path("patch.diff").write_text(patch)
    subprocess.run(["git", "apply", "--check", "patch.diff"], check=True)


def test_write_keeps_mode_crlf_and_bom(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"\xef\xbb\xbf" + CASE.read_bytes().replace(b"\n", b"\r\n")
    path = Path("db.example.net")
    path.write_bytes(data)
    path.chmod(0o640)
    assert run(capsys, "--write", "db.example.net")[0] == EXIT_CLEAN
    written = path.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert written.count(b"\r\n") == written.count(b"\n")
    assert written.count(b"\tMX\t10 mail") == 1  # the copy is gone
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in repo.iterdir() if p.name.startswith(".db")] == []


def test_write_leaves_an_unchanged_file_alone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path("db.example.net")
    path.write_text(CLEAN)
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before - 10**9, before - 10**9))
    assert run(capsys, "--write", "db.example.net")[0] == EXIT_CLEAN
    assert path.stat().st_mtime_ns == before - 10**9
    assert path.read_text() == CLEAN


def test_write_never_touches_a_file_that_does_not_parse(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CASE.read_text() + 'broken TXT "never closed\n'
    Path("db.example.net").write_text(text)
    status, out, _ = run(capsys, "--write", "db.example.net")
    assert status == EXIT_FINDINGS
    assert "ZF001" in out
    assert Path("db.example.net").read_text() == text


def test_write_refuses_a_link_out_of_its_folder(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = repo / "elsewhere"
    outside.mkdir()
    shutil.copy(CASE, outside / "db.example.net")
    (repo / "zones").mkdir()
    Path("zones/db.example.net").symlink_to(outside / "db.example.net")
    status, _, err = run(capsys, "--write", "zones/db.example.net")
    assert status == EXIT_ERROR
    assert "link out of its folder" in err
    assert (outside / "db.example.net").read_bytes() == CASE.read_bytes()


def test_write_dash_prints_the_fixed_zone(repo: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zonefix",
            "--write",
            "-",
            "--stdin-filename",
            "db.example.net",
        ],
        input=CASE.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == EXIT_CLEAN
    fixed = (FIXTURES / "rules" / "ZF107" / "pasted-twice.fixed.zone").read_bytes()
    assert result.stdout == fixed
    assert b"All clean" in result.stderr


def test_diff_and_write_together_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "--diff", "--write", "x")[0] == EXIT_ERROR


def test_lint_marks_safe_fixes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(CASE, "db.example.net")
    _, out, _ = run(capsys, "db.example.net")
    assert "db.example.net:6:1: ZF107 [*] duplicate of the MX record at line 5" in out
