"""--diff and --write end to end (SPEC §4): the patch git applies, and files
written atomically, in their own bytes, only when they change."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
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


# ------------------------------------------------------------ what the file was


def test_write_keeps_owner_and_group(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file another owner")
    shutil.copy(CASE, "db.example.net")
    os.chown("db.example.net", 4321, 8765)
    os.chmod("db.example.net", 0o640)
    assert run(capsys, "--write", "db.example.net")[0] == EXIT_CLEAN
    info = os.stat("db.example.net")
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4321, 8765, 0o640)
    assert Path("db.example.net").read_bytes() != CASE.read_bytes()


def test_write_keeps_hard_links(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two names for one zone (db.example.net serves example.com too): both
    # see the fixed zone, still one file.
    shutil.copy(CASE, "db.example.net")
    os.link("db.example.net", "db.example.com")
    inode = os.stat("db.example.net").st_ino
    assert run(capsys, "--write", "db.example.net")[0] == EXIT_CLEAN
    assert os.stat("db.example.net").st_ino == inode
    assert os.stat("db.example.net").st_nlink == 2
    fixed = (FIXTURES / "rules" / "ZF107" / "pasted-twice.fixed.zone").read_bytes()
    assert Path("db.example.com").read_bytes() == fixed
    assert not list(Path().glob(".db.example.net.*"))


def test_write_refuses_a_read_only_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(CASE, "db.example.net")
    os.chmod("db.example.net", 0o444)
    status, _, err = run(capsys, "--write", "db.example.net")
    assert status == EXIT_ERROR
    assert err == (
        "zonefix: error: db.example.net: not written: db.example.net is read-only "
        "(mode 0444); make it writable to let zonefix fix it\n"
    )
    assert Path("db.example.net").read_bytes() == CASE.read_bytes()


def test_write_refuses_a_file_changed_since_it_was_read(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Someone saves the file while zonefix fixes it: their edit is kept.
    import zonefix.fixer

    shutil.copy(CASE, "db.example.net")
    real_fix = zonefix.fixer.fix

    def fix_while_edited(*args: object, **kwargs: object) -> zonefix.fixer.FixResult:
        result = real_fix(*args, **kwargs)  # type: ignore[arg-type]
        with open("db.example.net", "a") as file:
            file.write("late A 192.0.2.99\n")
        return result

    monkeypatch.setattr(zonefix.fixer, "fix", fix_while_edited)
    status, _, err = run(capsys, "--write", "db.example.net")
    assert status == EXIT_ERROR
    assert "db.example.net changed on disk since zonefix read it" in err
    assert Path("db.example.net").read_bytes().endswith(b"late A 192.0.2.99\n")


def test_write_removes_the_temporary_files_of_a_killed_run(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(CASE, "db.example.net")
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = Path(f".db.example.net.{dead.pid}.k3j9x0ab.zonefix")
    stale.write_text("half a zone")
    old = Path(".db.example.net.q8w7e6r5.zonefix")  # before names had a pid
    old.write_text("half a zone")
    os.utime(old, (0, 0))
    alive = Path(f".db.example.net.{os.getppid()}.a1b2c3d4.zonefix")
    alive.write_text("being written by another zonefix")
    assert run(capsys, "--write", "db.example.net")[0] == EXIT_CLEAN
    assert not stale.exists()
    assert not old.exists()
    assert alive.exists()


def test_a_killed_write_leaves_the_old_zone_or_the_new(repo: Path) -> None:
    # Killed at any moment, the file holds one of the two zones whole, and
    # the next run cleans up after the killed one.
    import zonefix
    from zonefix.fixer import fix

    original = CASE.read_text() + "".join(f"h{n} A 192.0.2.1\n" for n in range(3000))
    fixed = fix(zonefix.parse_text(original, filename="db.example.net")).text
    command = [sys.executable, "-m", "zonefix", "--write", "db.example.net"]
    Path("db.example.net").write_text(original)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    duration = time.perf_counter() - start
    for share in (0.5, 0.9, 1.0):
        Path("db.example.net").write_text(original)
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(duration * share)
        process.kill()
        process.wait()
        # Which of the two depends on the machine's load; one of them whole.
        assert Path("db.example.net").read_text() in (original, fixed)
    assert main(["--write", "db.example.net"]) in (EXIT_CLEAN, EXIT_FINDINGS)
    assert Path("db.example.net").read_text() == fixed
    assert not [p for p in Path().iterdir() if p.name.startswith(".db.example.net.")]
