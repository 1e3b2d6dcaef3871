"""A repository zonefix does not trust (issue 10, point 3): nothing outside
it is ever read or quoted, special files are never read, and a file's size
and a zone's generated and included records are bounded.

Also the default include root (issue 9): the repository, so a repository's
own layout ($INCLUDE ../db.ocf from etc/zones/) is read.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import zonefix
from tests.conftest import ROOT
from zonefix.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, main

ZONE = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"
SECRET = "TOP-SECRET-KEY A 192.0.2.66\n"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (repo/, a git work tree) beside a secret outside it."""
    (tmp_path / "secret.db").write_text(SECRET)
    repo = tmp_path / "repo"
    (repo / "zones").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    monkeypatch.chdir(repo)
    return repo


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("zonefix.toml", 'include-root = "/"\n'),
        ("zonefix.toml", 'include-root = ".."\n'),
        (".zonefix.toml", 'include-root = "../.."\n'),
        ("pyproject.toml", '[tool.zonefix]\ninclude-root = "/"\n'),
    ],
)
def test_a_repository_cannot_widen_its_include_root(
    world: Path, capsys: pytest.CaptureFixture[str], name: str, content: str
) -> None:
    (world / name).write_text(content)
    (world / "zones" / "db.example.net").write_text(ZONE + "$INCLUDE ../../secret.db\n")
    status, out, err = run(capsys, "zones")
    assert status == EXIT_ERROR
    assert err.count("\n") == 1  # once per run, not once per file
    assert f"zonefix: error: {world / name}: 'include-root'" in err
    assert "is outside the repository" in err
    assert "TOP-SECRET" not in out + err


def test_a_repository_may_narrow_its_include_root(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world / "zonefix.toml").write_text('include-root = "zones"\n')
    (world / "shared.db").write_text("x A 192.0.2.7\n")
    (world / "zones" / "db.example.net").write_text(ZONE + "$INCLUDE ../shared.db\n")
    status, out, _ = run(capsys, "zones/db.example.net")
    assert status == EXIT_FINDINGS
    assert (
        "ZF004 $INCLUDE '../shared.db' refused: outside the include root 'zones'" in out
    )


def test_the_command_line_may_widen_it(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world / "zones" / "db.example.net").write_text(ZONE + "$INCLUDE ../../secret.db\n")
    status, out, _ = run(capsys, "zones/db.example.net")
    assert status == EXIT_FINDINGS
    assert "refused: outside the include root '.'" in out
    assert "TOP-SECRET" not in out
    status, out, _ = run(capsys, "--include-root", "..", "zones/db.example.net")
    assert (status, out) == (EXIT_CLEAN, "All clean (1 file checked).\n")


def test_a_link_out_of_the_repository_is_never_read(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # With no configuration at all: in a scanned folder, or named.
    (world / "zones" / "db.x").symlink_to(world.parent / "secret.db")
    (world / "zones" / "db.example.net").write_text(ZONE)
    for argv in (["zones"], ["zones/db.x"], ["--format", "json", "zones"]):
        status, out, err = run(capsys, *argv)
        assert status == EXIT_ERROR
        assert (
            "zonefix: error: zones/db.x: not read: it lies outside the repository"
            in err
        )
        assert "TOP-SECRET" not in out + err


def test_a_link_inside_the_repository_is_read(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world / "db.example.net").write_text(ZONE)
    (world / "zones" / "db.example.net").symlink_to("../db.example.net")
    assert run(capsys, "zones/db.example.net")[0] == EXIT_CLEAN


def test_a_link_swapped_during_the_read_never_reads_outside(world: Path) -> None:
    # A thread swaps the link between a file inside and the secret outside
    # while the zone is read again and again: the file opened is the one
    # checked, so the secret never shows.
    zones = world / "zones"
    (zones / "inside.db").write_text("x A 192.0.2.9\n")
    (zones / "db.example.net").write_text(ZONE + "$INCLUDE link.db\n")
    link = zones / "link.db"
    link.symlink_to("inside.db")
    stop = threading.Event()

    def swap() -> None:
        targets = [str(world.parent / "secret.db"), "inside.db"]
        n = 0
        while not stop.is_set():
            temporary = zones / "link.tmp"
            temporary.symlink_to(targets[n % 2])
            os.replace(temporary, link)
            n += 1

    swapper = threading.Thread(target=swap)
    swapper.start()
    read_inside = refused = 0
    try:
        for _ in range(400):
            zone = zonefix.parse_file(zones / "db.example.net")
            owners = {str(r.owner) for r in zone.records}
            messages = " ".join(d.message for d in zone.diagnostics)
            assert "top-secret-key.example.net." not in owners
            assert "TOP-SECRET" not in messages
            read_inside += "x.example.net." in owners
            refused += "ZF004" in {d.code.code for d in zone.diagnostics}
    finally:
        stop.set()
        swapper.join()
    assert read_inside > 0  # the swap really happened both ways
    assert refused > 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_never_opened_for_reading(world: Path) -> None:
    # Once this hung a directory scan: open() waits for a writer.
    (world / "zones" / "db.example.net").write_text(ZONE)
    os.mkfifo(world / "zones" / "db.fifo")
    os.mkfifo(world / "zones" / "pipe.inc")
    (world / "zones" / "db.inc").write_text(ZONE + "$INCLUDE pipe.inc\n")
    result = subprocess.run(
        [sys.executable, "-m", "zonefix", "zones"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == EXIT_ERROR
    assert "zones/db.fifo: not read: it is a FIFO, not a regular file" in result.stderr
    assert (
        "$INCLUDE 'pipe.inc' refused: it is a FIFO, not a regular file" in result.stdout
    )


def test_a_device_is_never_read(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "/dev/zero")
    assert status == EXIT_ERROR
    assert (
        err
        == "zonefix: error: /dev/zero: not read: it is a device, not a regular file\n"
    )
    (world / "db.example.net").write_text(ZONE + "$INCLUDE /dev/zero\n")
    status, out, _ = run(capsys, "--include-root", "/", "db.example.net")
    assert "$INCLUDE '/dev/zero' refused: it is a device, not a regular file" in out


def test_a_file_over_the_size_limit_is_refused_unread(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 8 GB, sparse: reading it would take minutes and the memory of the
    # machine; it is refused at once.
    with open(world / "db.big", "wb") as big:
        big.truncate(8 << 30)
    start = time.perf_counter()
    status, _, err = run(capsys, "db.big")
    assert time.perf_counter() - start < 5
    assert status == EXIT_ERROR
    assert "db.big: not read: larger than the limit of 134217728 bytes" in err
    (world / "zonefix.toml").write_text("[limits]\nfile-size = 100\n")
    (world / "db.example.net").write_text(ZONE * 2)
    status, _, err = run(capsys, "db.example.net")
    assert "larger than the limit of 100 bytes ([limits] file-size)" in err
    (world / "inc.db").write_text("x A 192.0.2.1\n" * 10)
    (world / "db.example.net").write_text("$INCLUDE inc.db\n")
    _, out, _ = run(capsys, "db.example.net")
    assert "$INCLUDE 'inc.db' refused: larger than the limit of 100 bytes" in out


def test_generate_and_include_share_one_record_budget(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world / "zonefix.toml").write_text("[limits]\nrecords = 100\n")
    (world / "forty.db").write_text("".join(f"i{n} A 192.0.2.1\n" for n in range(40)))
    (world / "db.example.net").write_text(
        ZONE
        + "$GENERATE 1-50 g$ A 10.0.0.$\n"  # 50 of 100
        + "$INCLUDE forty.db\n"  # 90
        + "$INCLUDE forty.db\n"  # over: stopped at 100
        + "$GENERATE 1-5 h$ A 10.0.1.$\n"  # nothing left
        + "$INCLUDE forty.db\n"
    )
    status, out, _ = run(capsys, "db.example.net")
    assert status == EXIT_FINDINGS
    limit = "past the zone's limit of 100 records made by $GENERATE and read through $INCLUDE ([limits] records)"
    assert out.splitlines()[:3] == [
        f"db.example.net:8:10: ZF004 $INCLUDE 'forty.db' refused: {limit}",
        f"db.example.net:9:11: ZF005 $GENERATE 1-5 would make 5 records, {limit}",
        f"db.example.net:10:10: ZF004 $INCLUDE 'forty.db' refused: {limit}",
    ]
    zone = zonefix.parse_file(
        world / "db.example.net", limits=zonefix.Limits(records=100)
    )
    assert len(zone.records) == 3 + 100


def test_the_default_budget_bounds_a_small_file(world: Path) -> None:
    # 8 lines of 65,536 records in 344 bytes once took 74 s: two of them
    # make the default budget (131,072), and the others are refused unread.
    assert zonefix.Limits().records == 2 * 65536
    text = ZONE + "".join(f"$GENERATE 0-65535 h{n}-$ A 10.0.0.1\n" for n in range(8))
    limits = zonefix.Limits(records=4)  # the same, at a size a test can wait for
    zone = zonefix.parse_text(
        text.replace("0-65535", "0-1"), filename="db.example.net", limits=limits
    )
    assert len(zone.records) == 3 + 2 * 2
    assert [d.code.code for d in zone.diagnostics] == ["ZF005"] * 6


# ------------------------------------------------------------ Ctrl-C


def test_an_interrupt_is_not_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # dnspython turns any exception inside its readers into a syntax error,
    # Ctrl-C included; zonefix raises it again instead of reporting ZF002.
    # (HINFO: a type zonefix reads through dnspython, not its fast path.)
    import dns.rdtypes.ANY.HINFO

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(dns.rdtypes.ANY.HINFO.HINFO, "from_text", interrupted)
    text = ZONE + 'ns HINFO "PC" "Linux"\n'
    with pytest.raises(KeyboardInterrupt):
        zonefix.parse_text(text, filename="db.example.net")
    (tmp_path / "db.example.net").write_text(text)
    assert main(["--no-config", str(tmp_path / "db.example.net")]) == (EXIT_INTERRUPTED)


def test_ctrl_c_stops_a_run_with_130(tmp_path: Path) -> None:
    # Big enough to be still running 1.5 s in (200,000 records no longer
    # were, once reading got faster).
    big = tmp_path / "db.example.net"
    big.write_text(
        ZONE
        + "".join(f"h{n} A 10.0.{n // 250 % 250}.{n % 250}\n" for n in range(800_000))
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "zonefix", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED
    assert "ZF002" not in out
    assert "Traceback" not in err


# ------------------------------------------------------------ issue 9


def test_the_default_include_root_is_the_repository(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # etc/zones/db.x includes ../db.ocf: inside the git work tree.
    (world / "etc" / "zones").mkdir(parents=True)
    (world / "etc" / "db.ocf").write_text("www A 192.0.2.80\n")
    (world / "etc" / "zones" / "db.example.net").write_text(
        ZONE + "$INCLUDE ../db.ocf\n"
    )
    assert run(capsys, "etc/zones/db.example.net")[0] == EXIT_CLEAN
    # A configuration file's folder is the repository when there is no git.
    shutil.rmtree(world / ".git")
    (world / "zonefix.toml").write_text("")
    assert run(capsys, "etc/zones/db.example.net")[0] == EXIT_CLEAN
    # With neither, the file's own folder.
    (world / "zonefix.toml").unlink()
    _, out, _ = run(capsys, "etc/zones/db.example.net")
    assert "refused: outside the include root 'etc/zones'" in out


def test_a_scan_checks_an_included_file_as_part_of_its_zone(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world / "etc" / "zones").mkdir(parents=True)
    (world / "etc" / "db.common").write_text("www A 192.0.2.80\n")
    (world / "etc" / "zones" / "db.example.net").write_text(
        ZONE + "$INCLUDE ../db.common\n"
    )
    status, out, _ = run(capsys, "etc")
    # db.common alone would be ZF003 (no origin) or ZF111: it is not linted.
    assert (status, out) == (EXIT_CLEAN, "All clean (1 file checked).\n")


OCF = ROOT.parent / "shared" / "realworld" / "zones" / "ocf-dns"


@pytest.mark.skipif(not OCF.is_dir(), reason="../shared/realworld is not present")
def test_ocf_dns_reads_its_own_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real repository's layout, cloned as git would (a .git at its top).
    clone = tmp_path / "ocf-dns"
    shutil.copytree(OCF, clone)
    for folder in (clone, *clone.rglob("*")):
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    subprocess.run(["git", "init", "-q"], cwd=clone, check=True)
    monkeypatch.chdir(clone)
    _, out, _ = run(capsys, "--format", "json", "etc/zones/db.ocf.berkeley.edu")
    assert "ZF004" not in out
    assert "db.ocf" in out or out == "[]\n"


def test_ctrl_c_stops_a_run_over_many_files_with_130(tmp_path: Path) -> None:
    # Spread over the cores: the workers ignore the interrupt and are
    # stopped by zonefix, which exits 130. (Enough files that the run is
    # still going 2 s in: 20 of them were read in less.)
    for n in range(80):
        (tmp_path / f"db.z{n}.example.net").write_text(
            ZONE.replace("example.net.", f"z{n}.example.net.")
            + "".join(f"h{i} A 10.0.0.{i % 250}\n" for i in range(20_000))
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "zonefix", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(2)
    # As a terminal sends it: to the whole process group, workers too.
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED
    assert "Traceback" not in err
    assert "ZF002" not in out


def test_a_widened_include_root_holds_while_fixing(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each pass reads the zone again, with the root the run was given.
    (world.parent / "shared.db").write_text("www A 192.0.2.80\n")
    (world / "db.example.net").write_text(
        ZONE + "@ CNAME www.example.org.\n$INCLUDE ../shared.db\n"
    )
    status, _, err = run(
        capsys, "--include-root", "..", "--write", "--unsafe-fixes", "db.example.net"
    )
    assert (status, err) == (EXIT_CLEAN, "")
    assert "CNAME" not in (world / "db.example.net").read_text()


def test_a_zone_file_anywhere_in_its_repository_is_read(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without git, the configuration's folder is the repository: a link to
    # a zone elsewhere in it is read, even where include-root narrows.
    shutil.rmtree(world / ".git")
    (world / "zonefix.toml").write_text('include-root = "zones"\n')
    (world / "other").mkdir()
    (world / "other" / "db.example.net").write_text(ZONE)
    (world / "zones" / "db.example.net").symlink_to("../other/db.example.net")
    assert run(capsys, "zones/db.example.net")[0] == EXIT_CLEAN


def test_a_socket_is_named_as_such(world: Path) -> None:
    import socket

    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(world / "db.sock"))
        result = subprocess.run(
            [sys.executable, "-m", "zonefix", "."],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert result.returncode == EXIT_ERROR
    assert (
        result.stderr
        == "zonefix: error: db.sock: not read: it is a socket, not a regular file\n"
    )
