"""The command line contract (SPEC §1): formats, exit codes, paths, stdin."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import zonefix
import zonefix.zone
from tests.conftest import ROOT
from zonefix.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, main

CLEAN = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"
BROKEN = CLEAN + "bad A 192.0.2.300\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small DNS repository: zones, a non-zone file, a hidden folder."""
    (tmp_path / "db.example.net").write_text(CLEAN)
    (tmp_path / "zones").mkdir()
    (tmp_path / "zones" / "example.org.zone").write_text(
        CLEAN.replace("example.net", "example.org")
    )
    (tmp_path / "zones" / "broken.db").write_text(BROKEN)
    (tmp_path / "zones" / "README.md").write_text("not a zone")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "db.ignored").write_text("garbage (")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_clean_file_exits_0(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "db.example.net") == (
        EXIT_CLEAN,
        "All clean (1 file checked).\n",
        "",
    )


def test_findings_exit_1_with_file_line_col(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "zones/broken.db")
    assert status == EXIT_FINDINGS
    assert out == (
        "zones/broken.db:6:7: ZF002 invalid A rdata '192.0.2.300': text input is malformed\n"
        "Found 1 finding (1 file checked).\n"
    )
    assert err == ""


def test_quiet_prints_findings_only(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "--quiet", "zones/broken.db", "db.example.net")
    assert status == EXIT_FINDINGS
    assert out.count("\n") == 1
    assert run(capsys, "-q", "db.example.net") == (EXIT_CLEAN, "", "")


def test_directories_and_order(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Files in the order given; a directory's zone files sorted; README.md
    # and hidden folders skipped.
    status, out, _ = run(capsys, "--format", "json", "zones", "db.example.net")
    assert status == EXIT_FINDINGS
    assert [f["file"] for f in json.loads(out)] == ["zones/broken.db"]
    status, out, _ = run(capsys, ".")
    assert out.endswith("(3 files checked).\n")


def test_json_fields(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--format", "json", "zones/broken.db")
    assert status == EXIT_FINDINGS
    assert json.loads(out) == [
        {
            "file": "zones/broken.db",
            "line": 6,
            "column": 7,
            "end_line": 6,
            "end_column": 18,
            "code": "ZF002",
            "name": "invalid-rdata",
            "severity": "error",
            "message": "invalid A rdata '192.0.2.300': text input is malformed",
            "fix": None,
        }
    ]
    assert run(capsys, "--format", "json", "db.example.net") == (EXIT_CLEAN, "[]\n", "")


def test_missing_file_is_exit_2_and_others_still_checked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "nope.zone", "zones/broken.db")
    assert status == EXIT_ERROR
    assert err == "zonefix: error: nope.zone: no such file or directory\n"
    assert "ZF002" in out
    # A name the system refuses is said so, not called missing.
    long_name = "a" * 300
    status, out, err = run(capsys, long_name)
    assert status == EXIT_ERROR
    assert err == f"zonefix: error: {long_name}: file name too long\n"


def test_stdin(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stdin:
        buffer = __import__("io").BytesIO(
            BROKEN.replace("$ORIGIN example.net.\n", "").encode()
        )

    monkeypatch.setattr(sys, "stdin", Stdin)
    # The name gives findings their file and the zone its origin.
    status, out, _ = run(capsys, "-", "--stdin-filename", "db.example.net")
    assert status == EXIT_FINDINGS
    assert out.startswith("db.example.net:5:7: ZF002")


def test_stdin_filename_needs_dash(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "db.example.net", "--stdin-filename", "x")
    assert status == EXIT_ERROR
    assert "--stdin-filename goes with the path '-'" in err


def test_origin_option(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("zone.txt").write_text(
        "$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"
    )
    status, out, _ = run(capsys, "zone.txt")
    assert status == EXIT_FINDINGS
    assert "ZF003" in out
    assert run(capsys, "--origin", "example.com", "zone.txt")[0] == EXIT_CLEAN
    status, _, err = run(capsys, "--origin", "bad..name", "zone.txt")
    assert status == EXIT_ERROR
    assert "--origin 'bad..name' is not a domain name" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--bogus", "x")
    assert status == EXIT_ERROR
    assert err.startswith(
        "Usage: zonefix [OPTIONS] [PATHS]...\nTry 'zonefix --help' for help.\n"
    )
    assert run(capsys, "--format", "yaml", "x")[0] == EXIT_ERROR


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (
        0,
        f"zonefix, version {zonefix.__version__}\n",
        "",
    )
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "--stdin-filename" in out
    # zonefix's own --version and --help (made without gettext): as click's.
    assert out.endswith(
        "  --version                       Show the version and exit.\n"
        "  -h, --help                      Show this message and exit.\n"
    )
    assert run(capsys, "-h")[1] == out


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_start_without_the_engine(option: str) -> None:
    """A fresh process answers them without importing the reader, the rules
    or dnspython (start-up time counts in a pre-commit hook). The registry
    and the rule context are declarations, and import neither."""
    script = (
        "import sys\n"
        "from zonefix.cli import main\n"
        f"status = main([{option!r}])\n"
        "light = ('zonefix.rules.registry', 'zonefix.rules.context')\n"
        "loaded = sorted(m for m in sys.modules if m == 'dns' or m.startswith("
        "('dns.', 'zonefix.zone', 'zonefix.bind.resolver', 'zonefix.rules.')) "
        "and m not in light)\n"
        "print(status, loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    assert done.stderr == "0 []\n"


# A zone as benchmarks/ and a pre-commit hook meet them (gen_zone.py's
# shapes): every record of a type and shape the fast path reads.
PLAIN_ZONE = """\
; zone file for example.net
$TTL 1h
$ORIGIN example.net.

@\tIN\tSOA\tns1.example.net. hostmaster.example.net. (
\t\t\t2024010101\t; serial
\t\t\t1h\t\t; refresh
\t\t\t15m\t\t; retry
\t\t\t1w\t\t; expire
\t\t\t5m )\t\t; negative-cache TTL

\tIN NS ns1
\tIN NS ns2.example.net.
\tIN MX 10 mail
\tIN MX 20 mx1.qiye.aliyun.com.
\tIN TXT "v=spf1 mx ip4:192.0.2.0/24 include:spf.sg.aliyun.com -all"
\tIN A 192.0.2.1\t; temp
\tIN AAAA 2001:db8::1
\tIN CAA 0 issue "letsencrypt.org"
_dmarc\tIN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.net"
_sip._tcp 2h30m IN SRV 10 5 5060 sip
ns1\tIN A 192.0.2.6
ns2.example.net. 300 IN A 192.0.2.7
mail\tIN A 192.0.2.25
sip\tIN A 192.0.2.26
ci\tIN CNAME example-net.github.io.
www 1d IN CNAME example-net.github.io.
txt\tIN TXT "one string" "and \\"another\\""
"""


#: Modules a lint of a plain BIND zone does without (issue 11, start-up
#: time): the TOML reader (profiles ship as Python, see
#: zonefix.providers.generate), the other formats' registry, and the
#: fixing machinery (record edits included, where no finding has a fix),
#: the DKIM checks for a zone without a key, $GENERATE's expansion for a
#: zone without one, and the Public Suffix List where every mail domain has
#: its own DMARC record.
NOT_FOR_A_LINT = (
    "tomllib",
    "zonefix.formats",
    "zonefix.fixer",
    "difflib",
    "zonefix.record_edits",
    "zonefix.mail.dkim",
    "base64",
    "zonefix.bind.generate",
    "zonefix.tlds",
    "pathlib",  # its imports (urllib.parse, ipaddress) cost a twentieth of a run
    "ipaddress",  # only where a name or an SPF term may be an address
    "locale",  # gettext's search for click's translations (cli._Command)
)


def test_a_plain_zone_is_linted_without_dnspython(tmp_path: Path) -> None:
    """A zone whose records all take the fast path is read and linted
    without importing dnspython, nor the modules NOT_FOR_A_LINT names
    (issue 11: start-up time counts in a pre-commit hook); its findings are
    the usual ones."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "db.example.net").write_text(PLAIN_ZONE)
    script = (
        "import sys\n"
        "from zonefix.cli import main\n"
        "status = main(['--quiet', 'db.example.net'])\n"
        "loaded = sorted(m for m in sys.modules if m == 'dns' or m.startswith('dns.'))\n"
        f"unneeded = [m for m in {NOT_FOR_A_LINT!r} if m in sys.modules]\n"
        "print(status, loaded, unneeded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.stderr == "1 [] []\n"
    # The mail rules ran (ZF204), with the profiles.
    assert done.stdout.startswith("db.example.net:14:1: ZF204 MX hosts of alibaba-mail")
    # The same zone through the library, dnspython loaded: the same findings.
    assert done.stdout == _lint_in_process(tmp_path)


def _lint_in_process(folder: Path) -> str:
    script = (
        "import dns.zone\n"
        "from zonefix.cli import main\n"
        "main(['--quiet', 'db.example.net'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=folder
    )
    return done.stdout


def test_importing_zonefix_imports_none_of_its_modules() -> None:
    """The command sets up the collector (zonefix.cli) before its imports:
    the package itself imports nothing, and gives its names on first use."""
    script = (
        "import sys, zonefix\n"
        "print(sorted(m for m in sys.modules if m.startswith('zonefix')))\n"
        "print(zonefix.Severity.ERROR.value, zonefix.Diagnostic.__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == "['zonefix']\nerror Diagnostic\n"


def test_the_command_knows_the_export_formats_suffixes() -> None:
    from zonefix.cli import EXPORT_SUFFIXES
    from zonefix.formats import EXTENSIONS

    assert EXPORT_SUFFIXES == EXTENSIONS


def test_colour_only_when_asked_or_on_a_terminal(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, plain, _ = run(capsys, "zones/broken.db")
    assert "\x1b[" not in plain
    _, coloured, _ = run(capsys, "--color", "zones/broken.db")
    assert "\x1b[" in coloured


def test_an_internal_error_is_a_message_not_a_traceback(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("zonefix.zone.parse_file", explode)
    status, _, err = run(capsys, "db.example.net")
    assert status == EXIT_ERROR
    assert err == (
        "zonefix: error: db.example.net: zonefix failed on this file "
        "(RuntimeError: boom); please report it, with the file\n"
    )
    assert "Traceback" not in err


def test_a_bug_on_one_file_never_stops_the_others(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse = zonefix.zone.parse_file

    def explode_on_one(path: str, *args: object, **kwargs: object) -> zonefix.Zone:
        if os.path.basename(path) == "db.example.net":
            raise RuntimeError("boom")
        return real_parse(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("zonefix.zone.parse_file", explode_on_one)
    status, out, err = run(capsys, "db.example.net", "zones/broken.db")
    assert status == EXIT_ERROR
    assert "db.example.net: zonefix failed on this file" in err
    assert out.startswith("zones/broken.db:6:7: ZF002")


def test_console_script_end_to_end(repo: Path) -> None:
    # The command in a real process, non-UTF-8 bytes included.
    Path("db.latin1.net").write_bytes(
        b"$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\n; caf\xe9\nx A 1.2.3\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "zonefix", "db.latin1.net"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == EXIT_FINDINGS
    assert result.stdout.startswith("db.latin1.net:6:5: ZF002 invalid A rdata '1.2.3'")
    assert result.stderr == ""


CONSOLE_SCRIPT = Path(sys.executable).parent / "zonefix"


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="zonefix is not installed")
def test_the_installed_program_ends_quickly_with_all_its_output(repo: Path) -> None:
    """The console script is cli.run, which ends the process without the
    interpreter's teardown: its output is all there, through a pipe, and its
    status is main()'s."""
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "--output-format", "json", "zones/broken.db"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == EXIT_FINDINGS
    assert [(f["code"], f["line"]) for f in json.loads(done.stdout)] == [("ZF002", 6)]
    assert done.stderr == ""
    script = CONSOLE_SCRIPT.read_text(encoding="utf-8")
    assert "from zonefix.cli import run" in script


def test_examples_directory_gives_the_demo_findings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    # The migrated-to-Alibaba example, with its zonefix.toml naming the
    # provider: every mail family finds something, and --diff fixes it.
    status, out, _ = run(capsys, "examples/db.example.net")
    assert status == EXIT_FINDINGS
    findings = [line for line in out.splitlines() if line.startswith("examples/")]
    assert out.endswith(
        "Found 9 findings (1 file checked).\n"
        "[*] 7 fixable with --fix (1 more with --fix --unsafe-fixes).\n"
    )
    assert [line.split()[1] for line in findings] == [
        "ZF207",
        "ZF207",
        "ZF201",
        "ZF104",
        "ZF302",
        "ZF310",
        "ZF304",
        "ZF207",
        "ZF402",
    ]
    status, patch, _ = run(capsys, "--diff", "examples/db.example.net")
    assert status == EXIT_FINDINGS
    assert '+        IN  TXT  "v=spf1 include:spf.sg.aliyun.com' in patch
    assert "-        IN  MX   1 aspmx.l.google.com." in patch


def test_readme_shows_what_make_demo_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quick start's transcript is the demo's output (on the date the
    # README was written: the new serial carries it).
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("zonefix.fixer.utc_today", lambda: datetime.date(2026, 11, 22))
    _, out, err = run(capsys, "--diff", "examples/db.example.net")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ zonefix --diff examples/db.example.net\n"
    start = readme.index("```\n" + command) + 4
    assert readme[start : readme.index("```", start)] == command + out + err


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--list-rules")
    assert status == EXIT_CLEAN
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "severity", "fix", "summary"]
    assert any(line.startswith("ZF111  soa-problem") for line in lines)


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--explain", "zf109")
    assert status == EXIT_CLEAN
    assert out.startswith("ZF109 out-of-zone (error; fix: none)\n")
    assert "## Why it matters" in out
    status, _, err = run(capsys, "--explain", "ZF999")
    assert status == EXIT_ERROR
    assert "'ZF999' is not a rule code" in err


def test_select_and_ignore(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("db.bare.net").write_text("$TTL 1h\nx A 192.0.2.300\n")
    assert [
        line.split()[1] for line in run(capsys, "-q", "db.bare.net")[1].splitlines()
    ] == [
        "ZF111",
        "ZF113",
        "ZF002",
    ]
    _, out, _ = run(capsys, "-q", "--select", "ZF0", "db.bare.net")
    assert [line.split()[1] for line in out.splitlines()] == ["ZF002"]
    _, out, _ = run(capsys, "-q", "--ignore", "ZF111,ZF002", "db.bare.net")
    assert [line.split()[1] for line in out.splitlines()] == ["ZF113"]
    _, out, _ = run(
        capsys, "-q", "--select", "ZF0", "--extend-select", "ZF113", "db.bare.net"
    )
    assert [line.split()[1] for line in out.splitlines()] == ["ZF113", "ZF002"]
    status, _, err = run(capsys, "--select", "ZF9", "db.bare.net")
    assert status == EXIT_ERROR
    assert "'ZF9' names no rule" in err


def test_paths_are_required_unless_listing(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys)
    assert status == EXIT_ERROR
    assert "give one or more zone files" in err


def test_github_annotations(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run(capsys, "--format", "github", "zones/broken.db")
    assert status == EXIT_FINDINGS
    assert out == (
        "::error file=zones/broken.db,line=6,col=7,endLine=6,endColumn=18,"
        "title=ZF002 invalid-rdata::ZF002 invalid A rdata '192.0.2.300': "
        "text input is malformed\n"
    )
    # Chosen by default inside GitHub Actions.
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run(capsys, "zones/broken.db")[1] == out


def test_many_files_are_spread_over_the_cores_and_reported_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    names = [f"db.zone{n:02d}.example" for n in range(40)]
    for n, name in enumerate(names):
        text = CLEAN.replace("example.net", f"zone{n:02d}.example")
        if n % 7 == 3:
            text += "bad A 192.0.2.300\n"
        Path(name).write_text(text)
    status, out, _ = run(capsys, "-q", *reversed(names))
    assert status == EXIT_FINDINGS
    files = [line.split(":")[0] for line in out.splitlines()]
    assert files == [name for name in reversed(names) if int(name[7:9]) % 7 == 3]
    # --write in the workers too: the apex CNAME goes from every file (an unsafe fix).
    for name in names:
        Path(name).write_text(
            CLEAN.replace("example.net", "x.example") + "@ CNAME www.example.org.\n"
        )
    status, out, _ = run(capsys, "--write", "--unsafe-fixes", *names)
    assert status == EXIT_CLEAN
    assert out.endswith("Fixed and wrote 40 files.\n")
    assert not any("CNAME" in Path(name).read_text() for name in names)


def test_diff_places_what_remains_in_the_file_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The duplicate on line 5 goes; the out-of-zone name (no fix) is on
    # line 7 of the file the reader has open, line 6 once written.
    (tmp_path / "db.example.net").write_text(
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"
        "@ NS ns\nns A 192.0.2.1\nwww.example.org. A 192.0.2.2\n"
    )
    monkeypatch.chdir(tmp_path)
    _, out, err = run(capsys, "--diff", "db.example.net")
    assert "db.example.net:7:1: ZF109" in out + err
    _, out, err = run(capsys, "--write", "db.example.net")
    assert "db.example.net:6:1: ZF109" in out + err


# ------------------------------------------------------------ honest summaries


def test_a_run_that_checked_nothing_says_so(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("nozones").mkdir()
    Path("nozones", "notes.txt").write_text("no zone here")
    status, out, err = run(capsys, "nozones/")
    assert status == EXIT_ERROR
    assert err == "zonefix: error: no zone files found in nozones/\n"
    assert "All clean" not in out
    assert out == "No findings (0 files checked), but 1 error above.\n"


def test_all_clean_is_never_printed_beside_an_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "db.example.net", "nope.zone")
    assert status == EXIT_ERROR
    assert "All clean" not in out + err
    assert out == "No findings (1 file checked), but 1 error above.\n"


def test_the_summary_explains_the_fix_marks(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("db.example.net").write_text(
        CLEAN
        + "www A 192.0.2.80\nwww A 192.0.2.80\n"  # ZF107, safe
        + "@ MX 10 mx.example.org.\n"
        + '@ TXT "v=spf1 mx ?all"\n'  # ZF306 (unsafe), ZF401 (unsafe)
    )
    _, out, _ = run(capsys, "db.example.net")
    assert out.endswith(
        "Found 3 findings (1 file checked).\n"
        "[*] 1 fixable with --fix (2 more with --fix --unsafe-fixes).\n"
    )


# ------------------------------------------------------------ files as they are


def test_a_scan_passes_by_files_that_are_not_text(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    with sqlite3.connect("zones/inventory.db") as db:
        db.execute("create table hosts (name text)")
    status, out, err = run(capsys, "zones")
    assert "zonefix: note: zones/inventory.db: skipped: not a text file\n" in err
    assert "inventory.db" not in out
    assert status == EXIT_FINDINGS  # broken.db
    # Named on the command line, it is what the user asked for: ZF001.
    status, out, _ = run(capsys, "zones/inventory.db")
    assert "zones/inventory.db:1:1: ZF001 the file is not text" in out


def test_a_utf16_file_is_named_so(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("zones/db.example.com").write_bytes(CLEAN.encode("utf-16"))
    status, out, _ = run(capsys, "zones")
    assert status == EXIT_FINDINGS
    assert (
        "zones/db.example.com:1:1: ZF001 the file is UTF-16LE text; zonefix reads "
        "zone files as UTF-8 (as BIND reads bytes): convert it, e.g. iconv -f "
        "UTF-16LE -t UTF-8"
    ) in out
    Path("zones/db.example.com").write_bytes(CLEAN.encode("utf-16-be"))
    assert "ZF001 the file is UTF-16BE text" in run(capsys, "zones/db.example.com")[1]


def test_paths_print_normalised(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "./zones//broken.db")
    assert out.startswith("zones/broken.db:6:7: ZF002")
    _, out, _ = run(capsys, "./zones/")
    assert out.startswith("zones/broken.db:6:7: ZF002")
    # The same file twice is checked once.
    _, out, _ = run(capsys, "zones/broken.db", "./zones/broken.db", "zones")
    assert out.count("ZF002") == 1


# ------------------------------------------------------------ standard input


def test_stdin_filename_behaves_like_the_file(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Configuration found upward from the name, its origin glob and its
    # per-file ignores, as for the file itself (as ruff does).
    Path("zones/zonefix.toml").write_text(
        '[origin]\n"*.txt" = "example.com"\n[per-file-ignores]\n"legacy/*" = ["ZF002"]\n'
    )
    text = "$TTL 1h\n@ SOA ns h 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\nbad A 1.2.3\n"

    def stdin(data: str) -> None:
        class Stdin:
            buffer = __import__("io").BytesIO(data.encode())

        monkeypatch.setattr(sys, "stdin", Stdin)

    stdin(text)
    status, out, _ = run(capsys, "-", "--stdin-filename", "zones/zone.txt")
    assert out.startswith("zones/zone.txt:5:7: ZF002")  # origin example.com
    stdin(text)
    status, out, _ = run(capsys, "-", "--stdin-filename", "zones/legacy/zone.txt")
    assert (status, out) == (EXIT_CLEAN, "All clean (1 file checked).\n")


def test_dash_twice_reads_standard_input_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zonefix",
            "-",
            "-",
            "--stdin-filename",
            "db.example.net",
        ],
        input=BROKEN.encode(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == EXIT_FINDINGS
    assert result.stdout.decode().endswith("Found 1 finding (1 file checked).\n")


# ------------------------------------------------------------ ruff's habits


def test_exit_zero(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--exit-zero", "zones/broken.db")
    assert status == EXIT_CLEAN
    assert "ZF002" in out
    assert run(capsys, "--exit-zero", "nope.zone")[0] == EXIT_ERROR


def test_statistics(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("db.example.net").write_text(
        CLEAN + "www A 192.0.2.80\nwww A 192.0.2.80\nwww A 192.0.2.80\nbad A 1.2.3\n"
    )
    status, out, _ = run(capsys, "--statistics", "db.example.net")
    assert status == EXIT_FINDINGS
    assert out == "2\tZF107\t[*] duplicate-record\n1\tZF002\t    invalid-rdata\n"
    _, out, _ = run(capsys, "--statistics", "--format", "json", "db.example.net")
    assert json.loads(out) == [
        {"code": "ZF107", "name": "duplicate-record", "count": 2, "fixable": 2},
        {"code": "ZF002", "name": "invalid-rdata", "count": 1, "fixable": 0},
    ]


def test_output_format_is_format(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "--output-format", "json", "zones/broken.db")
    assert json.loads(out)[0]["code"] == "ZF002"


def test_no_color(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    _, out, _ = run(capsys, "zones/broken.db")
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(capsys, "zones/broken.db")
    assert "\x1b[" not in out
    _, out, _ = run(capsys, "--color", "zones/broken.db")
    assert "\x1b[" in out  # asked for


def test_list_rules_as_json_and_in_columns(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--list-rules", "--format", "json")
    rules = json.loads(out)
    assert rules[0] == {
        "code": "ZF001",
        "name": "syntax-error",
        "severity": "error",
        "fix": "none",
        "summary": rules[0]["summary"],
    }
    assert len(rules) == len(zonefix.rules.all_rules())
    _, out, _ = run(capsys, "--list-rules")
    lines = out.splitlines()
    # Every rule's summary starts in the same column, the longest name too.
    column = lines[0].index("summary")
    for line in lines:
        assert line[column - 2 : column] == "  "
        assert line[column] != " "


@pytest.mark.parametrize(
    ("argv", "runs"),
    [
        (["--ignore", "ZF1", "--select", "ZF107"], True),  # more specific wins
        (["--select", "ZF1", "--ignore", "ZF107"], False),
        (["--select", "ZF107", "--ignore", "ZF107"], False),  # a tie: ignored
        (["--ignore", "ZF10", "--extend-select", "ZF107"], True),
    ],
)
def test_the_more_specific_code_wins(
    repo: Path, capsys: pytest.CaptureFixture[str], argv: list[str], runs: bool
) -> None:
    Path("db.example.net").write_text(CLEAN + "www A 192.0.2.80\nwww A 192.0.2.80\n")
    _, out, _ = run(capsys, *argv, "db.example.net")
    assert ("ZF107" in out) is runs


def test_per_file_ignores_win_over_any_selection(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("zonefix.toml").write_text('[per-file-ignores]\n"db.*" = ["ZF1"]\n')
    Path("db.example.net").write_text(CLEAN + "www A 192.0.2.80\nwww A 192.0.2.80\n")
    _, out, _ = run(capsys, "--select", "ZF107", "db.example.net")
    assert "ZF107" not in out


# ------------------------------------------------------------ configuration


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("selct = []\n", "unknown key 'selct'"),
        ('select = "ZF1"\n', "'select' must be a list of rule codes or prefixes"),
        ('mail-provider = "gmail"\n', "'mail-provider' names 'gmail'"),
        ("select = [\n", "not valid TOML"),
        ('select = ["ZF9"]\n', "'ZF9' names no rule"),
    ],
)
def test_configuration_mistakes_are_one_error(
    repo: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    Path("zonefix.toml").write_text(content)
    status, _, err = run(capsys, ".")
    assert status == EXIT_ERROR
    assert err.startswith(f"zonefix: error: {repo / 'zonefix.toml'}: ")
    assert message in err
    assert err.count("\n") == 1  # once, though three files use it
    assert "internal error" not in err


def test_an_unreadable_config_file_is_an_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in ("missing.toml", "zones"):
        status, _, err = run(capsys, "--config", path, "db.example.net")
        assert status == EXIT_ERROR
        assert err.startswith(f"zonefix: error: {path}: cannot read: ")
        assert "internal error" not in err


def test_a_file_two_zones_include_gives_its_findings_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each zone reads common.inc; the finding on its line is one finding,
    # while each zone's own findings stay.
    zones = tmp_path / "zones"
    zones.mkdir()
    (zones / "common.inc").write_text("www\tCNAME\tweb.example.\nwww\tA\t192.0.2.9\n")
    for name in ("a", "b"):
        (zones / f"db.{name}.example").write_text(
            f"$ORIGIN {name}.example.\n$TTL 1h\n@ SOA ns1 hostmaster 1 2h 1h 2w 5m\n"
            "@ NS ns1\nns1 A 192.0.2.1\n$INCLUDE common.inc\n@ A 192.0.2.300\n"
        )
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "-q", "zones")
    assert status == EXIT_FINDINGS
    assert [line.split(" ")[0:2] for line in out.splitlines()] == [
        ["zones/common.inc:1:1:", "ZF102"],
        ["zones/db.a.example:7:5:", "ZF002"],
        ["zones/db.b.example:7:5:", "ZF002"],
    ]


def test_findings_at_one_place_come_in_one_order_whatever_the_hash_seed(
    tmp_path: Path,
) -> None:
    """Copies and TTL mismatches a $GENERATE line makes all stand at that
    line: they are listed in record order, not in the order of the hashes
    that found them (which change with each process's seed)."""
    zone = tmp_path / "db.example.net"
    zone.write_text(
        "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
        "ns1 A 192.0.2.1\n$GENERATE 1-30 h$ A 192.0.2.$\n"
        "$GENERATE 1-30 h$ A 192.0.2.$\n$GENERATE 1-30 h$ 600 A 192.0.2.$\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-m", "zonefix", str(zone)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert done.returncode == EXIT_FINDINGS, done.stderr
        outputs.add(done.stdout)
    [output] = outputs
    lines = output.splitlines()
    assert sum(" ZF107 " in line for line in lines) == 30
    assert sum(" ZF108 " in line for line in lines) == 30
    assert [line for line in lines if " ZF108 " in line][:2] == [
        f"{zone}:6:1: ZF108 h1.example.net. A records have TTLs 300, 600; "
        "an RRset has one",
        f"{zone}:6:1: ZF108 h2.example.net. A records have TTLs 300, 600; "
        "an RRset has one",
    ]
