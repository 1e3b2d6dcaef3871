"""Inputs a fuzzing run broke zonefix with (issue 10), kept as regression
tests: each pattern is written here, so the suite does not need the
reproducers in ../shared/repro/reliability (the last test compares them
when they are there).

Every input gives findings or a clear error, never "zonefix failed"; a fix
run settles, or writes nothing and names the fixes; --diff applies with
git apply whatever the file holds; the output is valid UTF-8 with controls
escaped; no input under 10 KB takes a second.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

import zonefix
from tests.conftest import ROOT, named_checkzone, needs_named_checkzone
from zonefix.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, main
from zonefix.fixer import fix


class Case(NamedTuple):
    """A reproducer's pattern: the file's name and bytes, its --origin."""

    key: str
    name: str
    data: bytes
    origin: str | None = None


def _spf_prose(terms: int) -> bytes:
    """An SPF record of pasted prose, cut into 255-byte strings."""
    value = "v=spf1 " + " ".join(["include the following"] * terms) + " -all"
    pieces = [value[i : i + 255] for i in range(0, len(value), 255)]
    return (
        b"$ORIGIN example.net.\n$TTL 1h\n@ IN SOA ns1 hostmaster 1 2 3 4 5\n"
        b"@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mx1.qiye.aliyun.com.\n"
        + b"@ IN TXT "
        + " ".join(f'"{p}"' for p in pieces).encode()
        + b"\n"
    )


SOA_NS = b"$ORIGIN example.net.\n$TTL 1h\n@ IN SOA ns1 hostmaster 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"

CRASHES = [
    # $ORIGIN . then an MX at the root: "_dmarc." + the root name.
    Case("dmarc-name-at-root", "example.net.zone", b"$ORIGIN\t.\nL\t1\n@\tMX\t5 M"),
    # A 240-byte mail domain: _dmarc under it is over 255 octets.
    Case(
        "dmarc-name-too-long",
        "example.net.zone",
        b".".join(b"l" * n for n in (32, 30, 24, 41, 58))
        + b"."
        + b"l" * 39
        + b"IN 0 MX 5 p",
        "sub.example.org.",
    ),
    # Bad $ORIGIN lines (ZF001) before or after an MX: the fixes that add
    # records read the origin in force again.
    Case(
        "origin-label-too-long",
        "db.example.com",
        b"$ORIGIN exampl" + b"a" * 58 + b"\nw 5\tMX\t5 m",
    ),
    Case("origin-bad-escape-1", "db.example.com", b"$ORIGIN \\999\nL 1\tMX\t5 m"),
    Case(
        "origin-bad-escape-2",
        "example.net.zone",
        b"y 7 MX 2 .\n$ORIGIN \\1",
        "text-test.nl.",
    ),
    Case("origin-empty-label", "example.net.zone", b"$ORIGIN .t\nl 0 MX 0 _"),
    # A long SPF string holding an escape: un-escaped for a fix.
    Case(
        "txt-unescape",
        "x.zone",
        b'$ORIGIN .\nL 2\tIN TXT"v=spf1 z include:spf1.dm.aliyun.com '
        b"include:spf.qiye.aliyun.com include: spf1.dm.aliyun.com "
        b"include:_spf.google.com include:zoho.com include:spf.hk.aliyun.com "
        b"ip4:1.2.3.4 ip6:zz inclu \\# 10  6CE42DA13D F 143cde the "
        b'following:spf1.dm.aliyun.com ip4:300.1.1.1"',
        "example.com.",
    ),
    # LOC altitudes dnspython reads but cannot write (BIND: out of range).
    Case(
        "loc-altitude-high",
        "db.example.net",
        SOA_NS + b"x IN LOC 52 22 23.000 N 4 53 32.000 E 99999999m\n" * 2,
    ),
    Case(
        "loc-altitude-low",
        "db.example.net",
        SOA_NS + b"x IN LOC 52 22 23.000 N 4 53 32.000 E -100000.01m\n" * 2,
    ),
]


def run_process(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """zonefix in a process of its own: its bytes as a pipe gets them."""
    return subprocess.run(
        [sys.executable, "-m", "zonefix", *argv], capture_output=True, check=False
    )


def _run(
    capsys: pytest.CaptureFixture[str], case: Case, *options: str
) -> tuple[int, str, str]:
    argv = [*options, case.name]
    if case.origin:
        argv = ["--origin", case.origin, *argv]
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    return tmp_path


@pytest.mark.parametrize("case", CRASHES, ids=lambda c: c.key)
@pytest.mark.parametrize(
    "options",
    [(), ("--diff",), ("--diff", "--unsafe-fixes"), ("--write", "--unsafe-fixes")],
    ids=["lint", "diff", "diff-unsafe", "write-unsafe"],
)
def test_crash_reproducers_give_findings(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    case: Case,
    options: tuple[str, ...],
) -> None:
    Path(case.name).write_bytes(case.data)
    status, out, err = _run(capsys, case, *options)
    assert "failed" not in err
    assert "internal error" not in err
    assert "Traceback" not in out + err
    assert status in (EXIT_CLEAN, EXIT_FINDINGS), err
    # --diff prints the findings left on standard error.
    summary = (err if "--diff" in options else out).splitlines()
    assert any(
        line.startswith(("Found ", "All clean", "No findings")) for line in summary
    )


def test_loc_out_of_range_is_invalid_rdata_as_bind_says(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = next(c for c in CRASHES if c.key == "loc-altitude-high")
    Path(case.name).write_bytes(case.data)
    status, out, _ = _run(capsys, case)
    assert status == EXIT_FINDINGS
    assert out.splitlines()[:2] == [
        "db.example.net:6:10: ZF002 invalid LOC rdata "
        "'52 22 23.000 N 4 53 32.000 E 99999999m': a value is out of range",
        "db.example.net:7:10: ZF002 invalid LOC rdata "
        "'52 22 23.000 N 4 53 32.000 E 99999999m': a value is out of range",
    ]


def test_a_bad_origin_line_is_a_finding_and_the_rest_is_read(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = next(c for c in CRASHES if c.key == "origin-bad-escape-1")
    Path(case.name).write_bytes(case.data)
    _, _, err = _run(capsys, case, "--diff", "--unsafe-fixes")
    assert err.startswith(
        "db.example.com:1:9: ZF001 bad origin '\\999': an escaped code in a text "
        "format of DNS name is invalid\n"
    )
    assert "ZF205 MX host m.example.com." in err


# ------------------------------------------------------------ fix runs


class FixCase(NamedTuple):
    key: str
    name: str
    data: bytes
    origin: str | None
    unsafe: bool


SETTLING = [
    # ZF104 rewrote an owner while ZF202/ZF301 added records at the old
    # name: added records then moved and were added again, every pass.
    FixCase(
        "unsettled-writes",
        "db.example.net",
        b"$ORIGIN example.net.\n$TTL 1h\n@\tIN\tSOA\tns1 hostmaster 2026010100 3h 15m 2w 1h\n"
        b"\tIN\tNS\tns1\nns1\tIN\tA\t192.0.2.53\nmail.example.net\tIN\tMX\t5 mx1.qiye.aliyun.com.\n",
        None,
        False,
    ),
    FixCase(
        "unsettled-grows",
        "g.zone",
        b"l.sub.example.org\t0 MX\t0 mx2.hk.aliyun.com",
        "sub.example.org.",
        False,
    ),
    # An owner with a character dnspython escapes (\012, \@): the added
    # SPF or MX was keyed apart from the name it joined, so it was added
    # again and deleted as a duplicate, every pass.
    FixCase(
        "add-delete-spf",
        "example.net.zone",
        b"@\tSOA\t. .(5\t3\t5\t2\t1 )\n_.\x0c_ MX 10 mx01.dm.aliyun.com",
        "example.com.",
        False,
    ),
    FixCase(
        "add-delete-mx",
        "m.zone",
        b"$ORIGIN t.\n@\tSOA\t1 r 0 2 1 2 5\n\tMX\t5 m\n@0 CNAME .\n\tMX\t0 mx2.qiye.aliyun.com",
        None,
        True,
    ),
    # ZF306 appended " ~all" to an unquoted string: a string of its own,
    # read run together with the one before ("x~all"), every pass.
    FixCase(
        "zf306-appends-all",
        "a.zone",
        b'. IN 3 TXT"v=spf1 "\xec\xae\xa3',
        "example.com.",
        True,
    ),
    # Found by make fuzz: after "$ORIGIN ." the mail domain is the root,
    # and its "_dmarc." record was not seen as its DMARC, so ZF401 added
    # one every pass (and ZF107 deleted the copies).
    FixCase(
        "dmarc-at-the-root",
        "two-dmarc-records.zone",
        b"$ORIGIN example.net.\n$TTL 1h\n@\tSOA\tns1 hostmaster 2026112200 2h 1h 2w 5m\n"
        b"\tNS\tns1\n$ORIGIN .\nns1\tA\t192.0.2.53\n@\tMX\t5 mx1.qiye.aliyun.com.\n"
        b"@\tMX\t10 mx2.qiye.aliyun.com.\n@\tMX\t15 mx3.qiye.aliyun.com.\n"
        b'@\tTXT\t"v=spf1 include:spf.qiye.aliyun.com -all"\n'
        b'_dmarc\tTXT\t"v=DMARC1; p=none"\n_dmarc\tTXT\t"v=DMARC1; p=reject"\n',
        "example.net.",
        True,
    ),
    # Found by make fuzz: a mailto: URI with no address in it; ZF402's
    # fix "added" the mailto: it already had, every pass.
    FixCase(
        "dmarc-mailto-without-address",
        "db.example.net",
        b"$ORIGIN example.net.\n@\tSOA\tns1 hostmaster 2026112200 2h 1h 2w 5m\n"
        b"\tNS\tns1\nns1\tA\t192.0.2.53\n@\tMX\t5 mx1.sg.aliyun.com.\n"
        b'@\tTXT\t"v=spf1 include:spf.sg.aliyun.com -all"\n'
        b'_dmarc\tTXT\t"v=DMARC1; p=quarantine; rua=mailto:dmarc\x01example.net, dmarc@example.net"\n',
        None,
        False,
    ),
    # Records added after a line in parentheses copied its "(" (ZF202,
    # ZF301): the file no longer parsed.
    FixCase(
        "zf202-inside-parentheses",
        "db.example.com",
        b"3\t0 IN MX\t(10\talt3.aspmx.l.google.com.)",
        None,
        False,
    ),
    FixCase(
        "zf301-after-parentheses",
        "s.zone",
        b'l\t0 TXT""\n_sip._tcp MX 5 mx1.sparkspace.huaweicloud.com\n\n'
        b"_sip._tcp.a.b.c.d.example.co.uk A\t1.0.2.1\n MX\t(5\n. )",
        "a.b.c.d.example.co.uk.",
        False,
    ),
]


def _zone(tmp_path: Path, case: FixCase) -> zonefix.Zone:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    return zonefix.parse_file(path, case.origin)


@pytest.mark.parametrize("case", SETTLING, ids=lambda c: c.key)
def test_fixes_settle_and_fixing_again_changes_nothing(
    tmp_path: Path, case: FixCase
) -> None:
    # With an inferred provider the mail fixes are unsafe (issue 9): the
    # loops showed with the safe ones then; both must settle now.
    zone = _zone(tmp_path, case)
    for unsafe in (False, True):
        once = fix(zone, unsafe=unsafe)
        assert once.problem is None
        again = fix(
            zonefix.parse_text(once.text, zone.origin, zone.filename), unsafe=unsafe
        )
        assert (again.problem, again.applied, again.text) == (None, [], once.text)
    # What looped is fixed at its source: here nothing is left to do.
    assert once.applied or case.key == "dmarc-at-the-root"


def test_the_roots_dmarc_record_is_its_dmarc(tmp_path: Path) -> None:
    case = next(c for c in SETTLING if c.key == "dmarc-at-the-root")
    codes = [d.code.code for d in zonefix.check(_zone(tmp_path, case))]
    assert "ZF401" not in codes
    assert "ZF403" in codes


def test_an_escaped_owner_gets_its_spf_once(tmp_path: Path) -> None:
    case = next(c for c in SETTLING if c.key == "add-delete-spf")
    once = fix(_zone(tmp_path, case), unsafe=True)
    assert once.text.count("v=spf1") == 1
    assert '_.\\012_ TXT "v=spf1 include:spf1.dm.aliyun.com -all"' in once.text


def test_an_all_appended_to_an_unquoted_string_is_written_inside_one(
    tmp_path: Path,
) -> None:
    case = next(c for c in SETTLING if c.key == "zf306-appends-all")
    once = fix(_zone(tmp_path, case), unsafe=True)
    assert once.text.endswith('TXT"v=spf1 \uaba3 ~all"'.replace("\uaba3", "쮣"))


def test_an_owner_rewrite_waits_for_fixes_made_at_the_old_name(
    tmp_path: Path,
) -> None:
    case = next(c for c in SETTLING if c.key == "unsettled-writes")
    once = fix(_zone(tmp_path, case), unsafe=True)
    assert (
        "ns1\tIN\tA\t192.0.2.53\n"
        "mail\tIN\tMX\t5 mx1.qiye.aliyun.com.\n"
        "mail\tIN\tMX\t10 mx2.qiye.aliyun.com.\n"
        "mail\tIN\tMX\t15 mx3.qiye.aliyun.com.\n"
        'mail\tIN\tTXT\t"v=spf1 include:spf.qiye.aliyun.com -all"\n'
    ) in once.text


def test_records_added_after_parentheses_are_written_without_them(
    tmp_path: Path,
) -> None:
    case = next(c for c in SETTLING if c.key == "zf202-inside-parentheses")
    once = fix(_zone(tmp_path, case), unsafe=True)
    assert once.text.splitlines()[:2] == [
        "3\t0 IN MX\t(10\talt3.aspmx.l.google.com.)",
        "3\t0 IN MX\t1\taspmx.l.google.com.",
    ]


REFUSED = [
    # Safe ZF104 moves an A record beside a CNAME: BIND loads the input,
    # and would refuse the result.
    (
        "breaks-bind",
        "db.example.net",
        b"$ORIGIN example.net.\n$TTL 1h\n@ IN SOA ns1 hostmaster 2026010100 3h 15m 2w 1h\n"
        b"@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.80\n"
        b"mail IN CNAME www.example.net.\nmail.example.net IN A 192.0.2.25\n",
        None,
        "not fixed, {nothing}: the fixes would add ZF102 (CNAME at "
        "mail.example.net. beside other data (A)), which the zone did not have: "
        "ZF104 (write mail)",
    ),
    # Deleting the apex CNAME leaves the $GENERATE after it with no TTL.
    (
        "breaks-syntax-zf101",
        "db.example.com",
        b"@ 0 CNAME c\n$GENERATE 1-5 $ A 1",
        None,
        "not fixed, {nothing}: a fix would break the zone's syntax: "
        "ZF101 (delete the CNAME at the apex (what it served goes down))",
    ),
]


@pytest.mark.parametrize(
    ("key", "name", "data", "origin", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
@pytest.mark.parametrize("mode", ["--write", "--diff"])
def test_a_fix_run_that_cannot_be_trusted_writes_nothing(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    key: str,
    name: str,
    data: bytes,
    origin: str | None,
    message: str,
    mode: str,
) -> None:
    Path(name).write_bytes(data)
    argv = [mode, "--unsafe-fixes", name] + (["--origin", origin] if origin else [])
    status = main(argv)
    out, err = capsys.readouterr()
    nothing = "nothing written" if mode == "--write" else "no patch"
    assert status == EXIT_ERROR
    assert err.startswith(f"zonefix: error: {name}: {message.format(nothing=nothing)}")
    assert "--- a/" not in out
    assert "All clean" not in out + err
    assert Path(name).read_bytes() == data


@needs_named_checkzone
def test_the_zone_bind_loaded_still_loads(repo: Path) -> None:
    # The input loads; --write refuses, so what is on disk still loads.
    _, name, data, _, _ = REFUSED[0]
    Path(name).write_bytes(data)
    assert named_checkzone("example.net", Path(name).resolve()).returncode == 0
    assert main(["--write", name]) == EXIT_ERROR
    assert named_checkzone("example.net", Path(name).resolve()).returncode == 0


def test_passes_that_never_settle_are_refused_naming_the_fixes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No rule loops today; a fix that undoes itself stands in for one.
    import zonefix.fixer
    from zonefix.diagnostics import Applicability, Diagnostic, Edit, Fix
    from zonefix.rules import FixAvailability, Rule, RuleContext
    from zonefix.rules.structure import DUPLICATE_RECORD

    def flip(ctx: RuleContext) -> list[Diagnostic]:
        zone = ctx.zone
        text = zone.tree.text
        at = text.index("192.0.2.")
        new = "192.0.2.2" if text[at : at + 9] == "192.0.2.1" else "192.0.2.1"
        edit = Edit(at, at + 9, new)
        fix = Fix(f"write {new}", Applicability.SAFE, (edit,))
        return [Diagnostic(DUPLICATE_RECORD, "flip", zone.filename, fix=fix)]

    path = tmp_path / "db.example.net"
    path.write_text(SOA_NS.decode())
    zone = zonefix.parse_file(path)
    result = zonefix.fixer.fix(
        zone, rules=[Rule(DUPLICATE_RECORD, FixAvailability.SAFE, flip)]
    )
    assert result.problem == (
        "fixes did not settle after 10 passes: ZF107 (write 192.0.2.1)"
    )
    assert (result.text, result.applied) == (zone.tree.text, [])


# ------------------------------------------------------------ output


NON_UTF8 = [
    Case("spf", "db.example.com", b'@\t1 IN TXT"v=spf1 \x85"', "example.net."),
    Case(
        "dmarc",
        "example.net.zone",
        b"; Moved from Google  KX Workspace; Google's include stayed.\n"
        b"$ORIGIN example.net.\n@\tSOA\tns1 hostmaster 2026112200 2h 1h 2w 5m\n"
        b"\tNS\tns1\nns1\tA\t192.0.2.53\n@\tMX\t5 mx1.qiye.aliyun.com.\n"
        b"@\tMX\t10 mx2.qiye.aliyun.com.\n@\tMX\t15 mx3.qiye.aliyun.com.\n"
        b'@\tTXT\t"v=spf1 include:spf.qiye.aliyun.com include:_spf.google.com -all"\n'
        b'_dmarc\tTXT\t"v=DMARC1; \xf0=quarantine; rua=mailto:dmarc@eximple.net"\n',
    ),
    Case(
        "escape-sequence",
        "db.example.net",
        SOA_NS + b'x TXT "v=spf1 \x1b]0;owned\x07 \x1b[2J -all"\n',
    ),
]


@pytest.mark.parametrize("case", NON_UTF8, ids=lambda c: c.key)
@pytest.mark.parametrize("output", ["json", "sarif", "github", "text"])
def test_output_is_utf8_with_controls_escaped(
    repo: Path, case: Case, output: str
) -> None:
    Path(case.name).write_bytes(case.data)
    argv = ["zonefix", "--format", output, case.name]
    if case.origin:
        argv += ["--origin", case.origin]
    completed = run_process(argv[1:])
    out = completed.stdout.decode("utf-8")  # raises on invalid UTF-8
    assert completed.returncode == EXIT_FINDINGS, completed.stderr
    for control in "\x1b\x07\x85":
        assert control not in out
    if output in ("json", "sarif"):
        json.loads(out)
    if case.key == "escape-sequence":
        assert "\\027]0;owned\\007" in out or "\\\\027]0;owned\\\\007" in out


# ------------------------------------------------------------ --diff


DIFFS = [
    Case(
        "ansi",
        "db.example.net",
        b"$ORIGIN example.net.\n$TTL 1h\n@ IN SOA ns1 hostmaster 2026010100 3h 15m 2w 1h\n"
        b" IN NS ns1 ; \x1b[1mbold\x1b[0m\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.80\n"
        b"www IN A 192.0.2.80\n",
    ),
    Case(
        "bom",
        "db.example.net",
        b"\xef\xbb\xbf$ORIGIN example.net.\n$TTL 1h\n@ IN SOA ns1 hostmaster 2026010100 3h 15m 2w 1h\n"
        b" IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.80\nwww IN A 192.0.2.80\n",
    ),
    Case(
        "no-final-newline-latin1-formfeed",
        "db.example.net",
        SOA_NS + b"; caf\xe9 \x0c page\nwww IN A 192.0.2.80\nwww IN A 192.0.2.80",
    ),
    Case(
        "crlf",
        "db.example.net",
        (SOA_NS + b"www A 192.0.2.80\n" * 2).replace(b"\n", b"\r\n"),
    ),
]


@pytest.mark.parametrize("case", DIFFS, ids=lambda c: c.key)
def test_diff_applies_with_git_whatever_the_file_holds(repo: Path, case: Case) -> None:
    Path(case.name).write_bytes(case.data)
    completed = run_process(["--diff", case.name])
    assert completed.returncode == EXIT_FINDINGS, completed.stderr
    patch = completed.stdout
    assert patch.startswith(b"--- a/db.example.net\n")
    Path("fix.patch").write_bytes(patch)
    subprocess.run(["git", "apply", "--check", "fix.patch"], check=True)
    subprocess.run(["git", "apply", "fix.patch"], check=True)
    patched = Path(case.name).read_bytes()
    Path(case.name).write_bytes(case.data)
    assert main(["--write", case.name]) == EXIT_CLEAN
    assert Path(case.name).read_bytes() == patched


def test_diff_on_a_terminal_carries_the_file_bytes(repo: Path) -> None:
    # Under a pseudo-terminal, as a user reads it: the patch still applies.
    import os
    import pty

    case = DIFFS[0]
    Path(case.name).write_bytes(case.data)
    pid, fd = pty.fork()
    if pid == 0:  # the child: zonefix on the terminal
        os.execv(sys.executable, [sys.executable, "-m", "zonefix", "--diff", case.name])
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    lines = b"".join(chunks).replace(b"\r\n", b"\n").splitlines(keepends=True)
    # The patch, up to the findings that follow it on the same terminal.
    start = next(i for i, line in enumerate(lines) if line.startswith(b"--- a/"))
    end = next(
        (i for i in range(start + 2, len(lines)) if lines[i][:1] not in b" +-@\\"),
        len(lines),
    )
    patch = b"".join(lines[start:end])
    assert b"\x1b[1mbold\x1b[0m" in patch
    Path("fix.patch").write_bytes(patch)
    subprocess.run(["git", "apply", "--check", "fix.patch"], check=True)


# ------------------------------------------------------------ time


@pytest.mark.parametrize("terms", [440, 4400])
def test_spf_prose_is_read_in_linear_time(tmp_path: Path, terms: int) -> None:
    # 440 terms is the reproducer (10 KB: 2-3 s before); 4400 is 100 KB.
    path = tmp_path / "db.example.net"
    path.write_bytes(_spf_prose(terms))
    zone = zonefix.parse_file(path)
    start = time.perf_counter()
    findings = zonefix.check(zone)
    elapsed = time.perf_counter() - start
    assert len(findings) > terms
    assert elapsed < (1.0 if terms == 440 else 5.0)


# ------------------------------------------------------------ the files


SHARED = ROOT.parent / "shared" / "repro" / "reliability"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/repro is not present")
def test_the_patterns_here_are_the_reproducers() -> None:
    # Each reproducer's bytes are the pattern one of these tests checks.
    mine = (
        {c.data for c in (*CRASHES, *NON_UTF8[:2], *DIFFS[:2])}
        | {c.data for c in SETTLING}
        | {r[2] for r in REFUSED}
    )
    for path in sorted(SHARED.iterdir()):
        if path.name == "README.md":
            continue
        data = path.read_bytes()
        if path.name.startswith("slow-spf-prose"):
            assert data.count(b"include the following") > 400
            continue
        assert data in mine, path.name


def test_a_name_that_only_looks_absolute_needs_an_origin(tmp_path: Path) -> None:
    # Found by make fuzz: "example.net.\." ends in an escaped dot, so it is
    # relative; read as the zone's origin, it made names under a relative
    # origin and MX added at them again and again.
    path = tmp_path / "zone.txt"
    for line in ("$ORIGIN example.net.\\.\n", "www\\. A 192.0.2.1\n"):
        path.write_text(
            line + "@ MX 5 mx1.sg.aliyun.com.\n@ MX 10 mx1.qiye.aliyun.com.\n"
        )
        zone = zonefix.parse_file(path)
        assert [d.code.code for d in zonefix.check(zone)] == ["ZF003"]
        assert fix(zone).applied == []


def test_a_refused_fix_of_standard_input_prints_the_zone_unchanged(repo: Path) -> None:
    # zonefix --write - < db.x > new: a refusal must not leave "new" empty.
    _, name, data, _, _ = REFUSED[0]
    result = subprocess.run(
        [sys.executable, "-m", "zonefix", "--write", "-", "--stdin-filename", name],
        input=data,
        capture_output=True,
        check=False,
    )
    assert result.returncode == EXIT_ERROR
    assert result.stdout == data
    assert b"not fixed, nothing written" in result.stderr


def test_a_lone_carriage_return_is_not_fixed(tmp_path: Path) -> None:
    # Found by make fuzz: BIND (and dnspython) read a lone CR as a line
    # break, zonefix then as a blank: deleting the MX line before it moved
    # the NS that BIND read on its own line to the owner above. zonefix now
    # reads it as BIND, but writes LF line ends: the file is not fixed.
    path = tmp_path / "db.example.net"
    path.write_bytes(
        b"$ORIGIN example.net.\n$TTL 1h\n@\tSOA\tns1 hostmaster 1 2h 1h 2w 5m\n"
        b"@\tMX\t10 mx2.qiye.aliyun.com.\nns1\tA\t192.0.2.53\n"
        b"@\tMX\t5 mx1.qiye.aliyun.example.com.\n\tNS\tns1\r\tNS\tns1\n"
        b"@\tMX\t15 mx3.qiye.aliyun.com.\n"
    )
    result = fix(zonefix.parse_file(path), unsafe=True)
    assert result.applied == []
    assert result.problem is not None
    assert result.problem.startswith(
        "line 7 holds a lone carriage return (an old Mac line end), which zonefix "
        "reads as BIND does, as a line break, but does not write, so it fixes "
        "nothing (make it a line feed): "
    )


@needs_named_checkzone
def test_records_added_after_a_generate_line_are_the_apex_as_bind_reads_them(
    tmp_path: Path,
) -> None:
    # Found by make fuzz, a false alarm of its dnspython oracle: a blank
    # owner after $GENERATE is the owner before it in BIND (here the apex,
    # whose CNAME ZF101 deletes), the last generated name in dnspython. The
    # MX and TXT written there join the apex, and BIND loads the result.
    from zonefix.mail import MailSettings

    path = tmp_path / "db.example.net"
    path.write_bytes(
        b"$ORIGIN example.net.\n$TTL 1h\n@\tSOA\tns1 hostmaster 1 2h 1h 2w 5m\n"
        b"\tNS\tns1\n$GENERATE 1-3 $ CNAME h$\n\tCNAME\twww.example.org.\n"
        b"ns1\tA\t192.0.2.53\n"
    )
    zone = zonefix.parse_file(path)
    zone.mail_settings = MailSettings((("@", "alibaba-mail-sg"),))
    assert named_checkzone("example.net", path).returncode == 1  # CNAME at @
    result = fix(zone, unsafe=True)  # ZF101's is unsafe
    assert result.problem is None
    path.write_bytes(zone.source.encode(result.text))
    assert named_checkzone("example.net", path).returncode == 0


def test_a_record_whose_owner_a_broken_line_repeats_is_not_deleted(
    tmp_path: Path,
) -> None:
    # Found by make fuzz (refused as breaking the syntax): the apex CNAME's
    # owner was repeated by the next line, which does not parse, so no
    # record was there to carry it onto; deleting the CNAME left a first
    # line with no owner. Now no fix is offered for it.
    path = tmp_path / "db.example.net"
    path.write_bytes(
        b"$ORIGIN example.net.\n$TTL 300\n@ CNAME www.example.org.\n  NS  NSAP ns\n"
        b"@ SOA ns h 1 2 3 4 5\nns A 192.0.2.1\n"
    )
    zone = zonefix.parse_file(path)
    cname = next(d for d in zonefix.check(zone) if d.code.code == "ZF101")
    assert cname.fix is None
    result = fix(zone)
    assert (result.problem, result.applied) == (None, [])


@pytest.mark.parametrize(
    "between",
    ["$TTL 0\n", "$ORIGIN sub.example.net.\n", "$GENERATE 1-2 g$ A 10.0.0.$\n"],
)
def test_an_owner_repeated_past_a_directive_is_not_left_without_one(
    tmp_path: Path, between: str
) -> None:
    # Found by make fuzz (refused as breaking the syntax): BIND repeats the
    # owner on a blank-owner line after $TTL, $ORIGIN or $GENERATE too.
    # Deleting the line that wrote it left that line with another owner, or
    # none; such a record is not deleted.
    path = tmp_path / "db.example.net"
    path.write_text(
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"
        "ns A 192.0.2.1\nold MX 15 mx.example.org.\n"
        "old MX 15 mx.example.org.\n"  # the later copy: ZF107's
        + between
        + '\tTXT\t"x"\n'  # repeats "old"
    )
    zone = zonefix.parse_file(path)
    duplicate = next(d for d in zonefix.check(zone) if d.code.code == "ZF107")
    assert duplicate.line == 7
    assert duplicate.fix is None
    result = fix(zone)
    assert (result.problem, result.applied) == (None, [])


def test_client_names_of_a_mail_domain_at_the_root(tmp_path: Path) -> None:
    # Found by make fuzz: after "$ORIGIN ." the apex's MX make the root a
    # mail domain, and its client names were built as "imap.." (a crash).
    from zonefix.mail import MailSettings

    path = tmp_path / "root.zone"
    path.write_text(
        "$ORIGIN .\n$TTL 1h\n@ SOA ns1.example.net. h.example.net. 1 2 3 4 5\n"
        "@ NS ns1.example.net.\n@ MX 5 mx1.sg.aliyun.com.\n@ MX 10 mx2.sg.aliyun.com.\n"
    )
    zone = zonefix.parse_file(path, ".")
    zone.mail_settings = MailSettings((("@", "alibaba-mail-sg"),))
    findings = [d for d in zonefix.check(zone) if d.code.code == "ZF207"]
    assert "imap. is missing" in findings[0].message
    # Under the root every target is in the zone: the CNAMEs added would
    # point at names with no records there (ZF117), so nothing is written.
    result = fix(zone)
    assert result.applied == []
    assert result.problem is not None
    assert "would add ZF117" in result.problem


@pytest.mark.parametrize(
    ("name", "provider", "text"),
    [
        # Its _dmarc. record is the root's DMARC (ZF401 added one every pass).
        (
            "report-format-unknown.zone",
            "google-workspace",
            "$ORIGIN .\n$TTL 1h\n@\tSOA\tns1 hostmaster 2026112200 2h 1h 2w 5m\n"
            "\tNS\tns1\nns1\tA\t192.0.2.53\n@\tMX\t5 mx1.qiye.aliyun.com.\n"
            '_dmarc\tTXT\t"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.net"\n'
            '@\tTXT\t"v=spf1 include:spf.qiye.aliyun.com -all"\n',
        ),
        # A Cloudflare export ("$ORIGIN ." meaning its domain): a record added
        # there was written relative to the root, read under the domain, and
        # added again every pass.
        (
            "cloudflare-placeholder.zone",
            "alibaba-mail",
            ";;\n;; Domain:     ex5mple.net.\n;; Exported:   2018-06-28 16:23:42\n"
            ";;\n$ORIGIN .\n@\t3600\tIN\tSOA\texample.net.\troot.example.net.\t(\n"
            "\t\t2028186962 7200 3600 86400 3600)\n"
            "example.net.\t1\tIN\tNS\tREPLACE&ME$WITH^YOUR@NAMESERVER.\n"
            "dup A 192.0.2.1\nwww.example.net.\t1\tIN\tA\t192.0.2.80\n",
        ),
    ],
    ids=["dmarc-at-the-root", "cloudflare-export"],
)
def test_origin_dot_fixes_settle(
    tmp_path: Path, name: str, provider: str, text: str
) -> None:
    # Found by make fuzz after the merge of main's reading of "$ORIGIN .".
    from zonefix.mail import MailSettings

    path = tmp_path / name
    path.write_text(text)
    zone = zonefix.parse_file(path)
    zone.mail_settings = MailSettings((("@", provider),))
    for unsafe in (False, True):
        once = fix(zone, unsafe=unsafe)
        assert once.problem is None
        again = zonefix.parse_text(once.text, zone.origin, zone.filename)
        again.mail_settings = zone.mail_settings
        assert fix(again, unsafe=unsafe).applied == []


def test_fixes_that_would_move_the_found_origin_are_refused(tmp_path: Path) -> None:
    # Found by make fuzz: with two SOA records the origin is the first
    # $ORIGIN (example.net.); ZF107 deleted the copy, and the next run took
    # the one SOA's owner (sub.example.net.) as the apex and fixed again.
    path = tmp_path / "pass_chain-ends.zone"
    path.write_text(
        "$ORIGIN example.net.\n$TTL 1h\n$ORIGIN sub\n"
        "@\tSOA\tns1 hostmaster 1 2h 1h 2w 5m\n@\tSOA\tns1 hostmaster 1 2h 1h 2w 5m\n"
        "ns1\tA\t192.0.2.53\n\tNS\tns1\n"
    )
    result = fix(zonefix.parse_file(path))
    assert result.applied == []
    assert result.problem == (
        "the fixes would move the zone's origin as zonefix finds it "
        "(example.net. -> sub.example.net.), so the next run would read another "
        "zone: ZF107 (delete the later copy)"
    )
    # Given the origin, the next run reads the same zone: the fix stands.
    given = fix(zonefix.parse_file(path, "sub.example.net."))
    assert given.problem is None
    assert given.applied[0].code == "ZF107"


def test_fixes_that_would_give_a_file_its_first_origin_are_refused(
    tmp_path: Path,
) -> None:
    # Found by make fuzz: two SOA records and "$ORIGIN ." name no origin
    # (the zone is read at the root); ZF107 deleted the copy, so the next
    # run took the one SOA's owner as the apex and fixed again. The root the
    # reader fell back to is no given origin.
    path = tmp_path / "last-ttl-would-move.zone"
    path.write_text(
        "$ORIGIN .\nexample\t3600\tSOA\tns1 hostmaster 1 2h 1h 2w 5m\n"
        "example\t3600\tSOA\tns1 hostmaster 1 2h 1h 2w 5m\n\t3600\tNS\tns1\n"
        "ns1\t3600\tA\t192.0.2.53\n"
    )
    result = fix(zonefix.parse_file(path))
    assert result.applied == []
    assert result.problem == (
        "the fixes would move the zone's origin as zonefix finds it "
        "(none -> example.), so the next run would read another zone: "
        "ZF107 (delete the later copy)"
    )


@pytest.mark.parametrize(
    ("origin", "mx"),
    [
        # Microsoft 365's MX host is made from the domain: under the root it
        # begins with an empty label; under a long label it has one over 63.
        (".", "example-org.mail.protection.outlook.com."),
        ("example.n" + "l" * 60 + ".et.", "corp-example-net.c-v1.mx.microsoft."),
    ],
    ids=["root", "long-label"],
)
def test_a_fix_that_writes_an_unreadable_record_is_refused(
    tmp_path: Path, origin: str, mx: str
) -> None:
    # Found by make fuzz: ZF202 added "MX 0 .mail.protection.outlook.com."
    # (or a host with a 64-octet label), which no one can read; not seen,
    # it was added again every pass.
    owner = "@" if origin == "." else "corp"
    path = tmp_path / "db.zone"
    path.write_text(
        f"$ORIGIN {origin}\n$TTL 1h\n{owner} MX 0 {mx}\n"
        f'{owner} TXT "v=spf1 include:spf.protection.outlook.com -all"\n'
    )
    result = fix(zonefix.parse_file(path, origin), unsafe=True)
    assert result.applied == []
    assert result.problem is not None
    assert result.problem.startswith(
        "a fix would write a record zonefix cannot read (ZF002 (invalid MX rdata"
    )
    assert "): ZF202 (add MX 0 " in result.problem


# ------------------------------------------------- found in review (issue 11)


def test_a_root_zone_without_an_origin_is_linted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The root's NS are a delegation point when no origin is known: "." is
    # no name below a delegation (an internal error once, in ZF118).
    path = tmp_path / "root2.zone"
    path.write_text(". 86400 IN SOA a.root. b.root. 1 2 3 4 5\n. 86400 IN NS a.root.\n")
    status = main(["--no-config", str(path)])
    out = capsys.readouterr().out
    assert status in (EXIT_CLEAN, EXIT_FINDINGS)
    assert "failed" not in out


def test_more_origins_than_two_bytes_count_are_read(tmp_path: Path) -> None:
    # Origin numbers once lived in 2 bytes: a zone with 66,000 $ORIGIN
    # changes (3 MB, loadable) ended in an internal error.
    lines = ["$ORIGIN example.com.", "$TTL 300", "@ IN SOA ns1 host 1 2 3 4 5"]
    lines += ["@ IN NS ns1", "ns1 IN A 192.0.2.1"]
    for i in range(66_000):
        lines += [f"$ORIGIN s{i}.example.com.", "w IN A 192.0.2.1"]
    zone = zonefix.parse_text("\n".join(lines) + "\n", filename="db.example.com")
    assert len(zone.records) == 66_003
    assert str(zone.records[-1].owner) == "w.s65999.example.com."


def test_generated_records_after_a_long_string_are_what_they_say() -> None:
    # Found by make fuzz (input 3,060,779): a $GENERATE after a TXT record
    # with a string over 255 bytes took its long-string flag, so its A
    # records were read back as TXT-like rdata and ZF107 failed on them.
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 3 2h 1h 2w 5m\n"
        "\tNS ns1\nns1 A 192.0.2.53\n"
        f'sel._domainkey TXT "v=DKIM1; k=rsa; p={"A" * 300}"\n'
        "$GENERATE 1-5 h$ A 10.0.0.$\n"
    )
    zone = zonefix.parse_text(text, filename="db.example.net")
    generated = [r for r in zone.records if str(r.owner).startswith("h")]
    assert [str(r.rdata) for r in generated] == [f"10.0.0.{i}" for i in range(1, 6)]
    assert not [d for d in zonefix.check(zone) if d.code.code == "ZF107"]
