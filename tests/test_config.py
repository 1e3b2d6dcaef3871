"""Configuration files (SPEC §7): found upward, checked strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from zonefix.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, main

ZONE = "$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\nwww.example.org. A 192.0.2.2\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "zones").mkdir()
    (tmp_path / "zones" / "db.example.net").write_text(ZONE)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def codes(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if ": ZF" in line]


def test_pyproject_table_found_upward(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert codes(run(capsys, "zones")[1]) == ["ZF109"]
    (repo / "pyproject.toml").write_text('[tool.zonefix]\nignore = ["ZF109"]\n')
    assert run(capsys, "zones") == (EXIT_CLEAN, "All clean (1 file checked).\n", "")


def test_a_nearer_zonefix_toml_wins(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text('[tool.zonefix]\nignore = ["ZF109"]\n')
    (repo / "zones" / ".zonefix.toml").write_text('select = ["ZF0"]\n')
    assert run(capsys, "zones")[0] == EXIT_CLEAN
    (repo / "zones" / ".zonefix.toml").write_text('select = ["ZF1"]\n')
    assert codes(run(capsys, "zones")[1]) == ["ZF109"]


def test_pyproject_without_a_zonefix_table_is_passed_by(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "zones" / "pyproject.toml").write_text("[tool.black]\nline-length = 80\n")
    (repo / "zonefix.toml").write_text('ignore = ["ZF1"]\n')
    assert run(capsys, "zones")[0] == EXIT_CLEAN


def test_per_file_ignores_origin_and_include(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "zones" / "example-net.txt").write_text(ZONE)
    (repo / "zonefix.toml").write_text(
        'include = ["db.*", "*.txt"]\n'
        '[per-file-ignores]\n"zones/db.*" = ["ZF109"]\n'
        '[origin]\n"example-net.txt" = "example.net"\n'
    )
    status, out, _ = run(capsys, "zones")
    assert status == EXIT_FINDINGS
    # The .txt file is included, takes its origin from the table, and keeps
    # its ZF109; the db. file's is ignored.
    assert [line.split(":")[0] for line in out.splitlines() if ": ZF" in line] == [
        "zones/example-net.txt"
    ]


def test_command_line_overrides(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "zonefix.toml").write_text('ignore = ["ZF109"]\n')
    assert codes(run(capsys, "--no-config", "zones")[1]) == ["ZF109"]
    (repo / "other.toml").write_text('select = ["ZF0"]\n')
    assert run(capsys, "--config", "other.toml", "zones")[0] == EXIT_CLEAN
    assert (
        codes(run(capsys, "--select", "ZF1", "zones")[1]) == []
    )  # ignore still applies


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('selcet = ["ZF1"]\n', "unknown key 'selcet'"),
        ('select = "ZF1"\n', "'select' must be a list of rule codes or prefixes"),
        ("bump-serial = 1\n", "'bump-serial' must be true or false"),
        ('origin = "bad..name"\n', "'origin' = 'bad..name' is not a domain name"),
        (
            "[limits]\ngenerate = 0\n",
            "'limits.generate' must be a positive whole number",
        ),
        ("[limits]\nspeed = 1\n", "unknown key 'limits.speed'"),
        ("select = [\n", "not valid TOML"),
        ('select = ["ZF9"]\n', "'ZF9' names no rule"),
    ],
)
def test_bad_configuration_is_exit_2_naming_key_and_file(
    repo: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (repo / "zonefix.toml").write_text(content)
    status, _, err = run(capsys, "zones")
    assert status == EXIT_ERROR
    assert "zonefix.toml" in err
    assert message in err


def test_limits_and_bump_serial(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "zones" / "db.example.net").write_text(
        "$TTL 1h\n@ SOA ns h 7 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"
        "@ CNAME www.example.org.\n$GENERATE 1-5 h$ A 10.0.0.$\n"
    )
    (repo / "zonefix.toml").write_text("bump-serial = false\n[limits]\ngenerate = 3\n")
    status, out, _ = run(capsys, "zones/db.example.net")
    assert status == EXIT_FINDINGS
    assert codes(out) == ["ZF101", "ZF005"]
    # Its generated records unseen, the zone is not fixed (issue 9).
    status, out, err = run(capsys, "--write", "--unsafe-fixes", "zones/db.example.net")
    assert status == EXIT_ERROR
    assert "not fixed, nothing written: zonefix cannot see all" in err
    assert "CNAME" in (repo / "zones" / "db.example.net").read_text()
    (repo / "zonefix.toml").write_text("bump-serial = false\n[limits]\ngenerate = 5\n")
    status, out, _ = run(capsys, "--write", "--unsafe-fixes", "zones/db.example.net")
    assert status == EXIT_CLEAN
    text = (repo / "zones" / "db.example.net").read_text()
    assert "CNAME" not in text
    assert "SOA ns h 7 " in text  # not bumped
