"""Provider exports on the command line: recognised by name and content
(or --input-format), findings at the value's line and column, --diff that
git apply takes, --write that a second run leaves alone, and each format's
own semantics (routing sets, lines, paused and Locked records)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from zonefix.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, main

EXPORTS = FIXTURES / "exports"
FILES = sorted(p.relative_to(EXPORTS).as_posix() for p in EXPORTS.glob("*/*"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXPORTS, tmp_path, dirs_exist_ok=True)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def codes(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if ": ZF" in line]


@pytest.mark.parametrize("name", FILES)
def test_each_export_gives_the_mail_findings(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    status, out, err = run(capsys, "--select", "ZF2,ZF3,ZF4", name)
    assert "error" not in err
    assert status == EXIT_FINDINGS
    # The migration half done: the third MX is missing, and no DMARC. A
    # change batch lists what changes: DMARC may be in the zone.
    assert "ZF202" in codes(out)
    assert ("ZF401" in codes(out)) == (name != "route53/change-batch.json")
    assert all(
        line.startswith(name + ":") for line in out.splitlines() if ": ZF" in line
    )


@pytest.mark.parametrize("name", FILES)
def test_diff_applies_and_write_settles(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    before = (repo / name).read_bytes()
    status, patch, _ = run(capsys, "--diff", "--unsafe-fixes", name)
    assert status == EXIT_FINDINGS
    assert patch.startswith(f"--- a/{name}\n")
    applied = subprocess.run(
        ["git", "apply", "--check", "-"], input=patch.encode(), cwd=repo, check=False
    )
    assert applied.returncode == 0
    assert (repo / name).read_bytes() == before  # --diff writes nothing
    run(capsys, "--write", "--unsafe-fixes", name)
    once = (repo / name).read_bytes()
    assert once != before
    assert once.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
    status, out, _ = run(capsys, "--select", "ZF2,ZF4", name)
    assert "ZF202" not in codes(out)
    assert "ZF401" not in codes(out)
    run(capsys, "--write", "--unsafe-fixes", name)
    assert (repo / name).read_bytes() == once


def test_list_formats(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--list-formats")
    assert status == EXIT_CLEAN
    names = [line.split()[0] for line in out.splitlines()[1:]]
    assert names == [
        "bind",
        "cloudflare",
        "azure-zone",
        "route53",
        "gcloud",
        "alidns-json",
        "alidns-csv",
        "azure-json",
        "octodns",
    ]


def test_input_format_forces_a_format(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "records.txt").write_bytes((repo / "gcloud/example.net.yaml").read_bytes())
    status, out, _ = run(
        capsys, "--input-format", "gcloud", "--select", "ZF2", "records.txt"
    )
    assert status == EXIT_FINDINGS
    assert "records.txt:5:3: ZF202" in out
    status, _, err = run(capsys, "--input-format", "nonsense", "records.txt")
    assert status == EXIT_ERROR
    assert "--input-format 'nonsense' names no format" in err


def test_an_unrecognised_json_file_is_one_finding(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "package.json").write_text('{"name": "x"}\n')
    status, out, _ = run(capsys, "package.json")
    assert status == EXIT_FINDINGS
    assert codes(out) == ["ZF001"]
    assert "not a format zonefix reads" in out


def test_a_directory_picks_up_recognised_exports(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "package.json").write_text('{"name": "x"}\n')
    status, out, _ = run(capsys, "--select", "ZF202", ".")
    assert status == EXIT_FINDINGS
    files = sorted({line.split(":")[0] for line in out.splitlines() if ": ZF" in line})
    # azure/example.net.txt is no db.*/*.zone name: not picked up.
    assert files == [
        "alidns/example.net.csv",
        "alidns/example.net.json",
        "azure/example.net.json",
        "gcloud/example.net.yaml",
        "route53/change-batch.json",
        "route53/example.net.json",
    ]
    assert "package.json" not in out


def test_route53_routing_sets_are_not_duplicates_or_ttl_mismatches(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # www: weighted sets "blue" (TTL 60) and "green" (TTL 300), one value each.
    _, out, _ = run(capsys, "--select", "ZF1", "route53/example.net.json")
    assert "ZF107" not in codes(out)
    assert "ZF108" not in codes(out)


def test_route53_alias_at_the_apex_is_no_cname(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # example.net. A is an alias (AliasTarget) to a CloudFront distribution:
    # Route 53's flattening, not a CNAME at the apex.
    text = (repo / "route53/example.net.json").read_text()
    assert '"AliasTarget"' in text
    _, out, _ = run(capsys, "--select", "ZF1", "route53/example.net.json")
    assert "ZF101" not in codes(out)
    assert "ZF102" not in codes(out)


def test_alidns_lines_and_paused_records(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("alidns/example.net.json", "alidns/example.net.csv"):
        _, out, err = run(capsys, name)
        assert "@ MX aspmx.l.google.com is paused (Status Disable)" in err
        found = codes(out)
        # The paused Google MX is not served: no mixed providers.
        assert "ZF204" not in found
        assert "ZF201" not in found
        # www on two lines: two answers, not a duplicate nor a conflict.
        assert "ZF107" not in found
        assert "ZF102" not in found


def test_a_locked_record_is_never_edited_its_fix_is_blocked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "alidns/example.net.json"
    text = path.read_text().replace(
        "v=spf1 include:spf.qiye.aliyun.com -all", "v=spf1 include:spf.qiye.aliyun.com"
    )
    path.write_text(text)
    _, out, _ = run(capsys, "--select", "ZF306", "alidns/example.net.json")
    assert "fix blocked: example.net. TXT is locked at the provider" in out
    _, _, err = run(capsys, "--write", "--unsafe-fixes", "alidns/example.net.json")
    assert "fix at example.net. blocked" in err
    after = path.read_text()
    assert '"v=spf1 include:spf.qiye.aliyun.com", "TTL"' in after
    # The rest of the migration was written (the _dmarc record).
    assert '"RR": "_dmarc"' in after


def test_alidns_ttl_fix_stays_at_or_above_600(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "alidns/example.net.csv"
    data = path.read_bytes().replace(
        b"mx2.qiye.aliyun.com,10,600", b"mx2.qiye.aliyun.com,10,300"
    )
    path.write_bytes(data)
    _, out, _ = run(capsys, "--select", "ZF108", "alidns/example.net.csv")
    assert codes(out) == ["ZF108"]
    run(capsys, "--write", "--select", "ZF108", "alidns/example.net.csv")
    # The lowest TTL (300) is below the edition's 600: both get 600.
    assert path.read_bytes() == data.replace(b",10,300,", b",10,600,")


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(
        st.sampled_from([b"{\n", b"}\n", b"  a\n", b"  b\n", b"]\n"]), max_size=30
    ),
    edits=st.lists(
        st.tuples(
            st.integers(0, 30),
            st.integers(0, 3),
            st.sampled_from([b"x\n", b"}\n", b""]),
        ),
        max_size=4,
    ),
)
def test_patch_hunks_are_difflibs(
    old: list[bytes], edits: list[tuple[int, int, bytes]]
) -> None:
    """The patch's matcher (common ends set aside, for speed on exports'
    repeated lines) describes the change exactly: its opcodes, applied to
    the old lines, give the new ones."""
    from zonefix.diff import _matcher

    new = list(old)
    for at, cut, text in edits:
        at = min(at, len(new))
        new[at : at + cut] = [text] if text else []
    got = _matcher(old, new)
    covered = [(i1, i2) for _, i1, i2, _, _ in got.get_opcodes()]
    assert [i for i1, i2 in covered for i in range(i1, i2)] == list(range(len(old)))
    rebuilt: list[bytes] = []
    for tag, i1, i2, j1, j2 in got.get_opcodes():
        rebuilt.extend(old[i1:i2] if tag == "equal" else new[j1:j2])
    assert rebuilt == new


SCENARIOS = FIXTURES / "scenarios"
OCTODNS_SCENARIOS = sorted(p for p in SCENARIOS.glob("*/octodns") if p.is_dir())
HACKCLUB = FIXTURES.parent.parent / "shared/realworld/exports/octodns/hackclub-dns"


def _hunk_headers(patch: str) -> list[str]:
    return [line for line in patch.splitlines() if line.startswith("@@ ")]


@pytest.mark.parametrize("name", FILES)
def test_every_hunk_names_its_codes_in_an_export(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    _, patch, _ = run(capsys, "--diff", "--unsafe-fixes", name)
    headers = _hunk_headers(patch)
    assert headers
    # Inserted records included: they go where the format puts them.
    assert all(re.search(r"@@ ZF\d{3}", h) for h in headers), headers


@pytest.mark.parametrize("folder", OCTODNS_SCENARIOS, ids=lambda p: p.parent.name)
def test_every_hunk_names_its_codes_in_octodns(
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    if (folder.parent / "zonefix.toml").exists():
        shutil.copy(folder.parent / "zonefix.toml", tmp_path)
    monkeypatch.chdir(tmp_path)
    files = sorted(p.name for p in tmp_path.glob("*.yaml"))
    _, patch, _ = run(capsys, "--diff", "--unsafe-fixes", *files)
    headers = _hunk_headers(patch)
    assert all(re.search(r"@@ ZF\d{3}", h) for h in headers), headers


@pytest.mark.skipif(not HACKCLUB.is_dir(), reason="../shared is not present")
def test_every_hunk_names_its_codes_in_a_real_octodns_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(HACKCLUB / "hackclub.com.yaml", tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    _, patch, _ = run(capsys, "--diff", "--unsafe-fixes", "hackclub.com.yaml")
    headers = _hunk_headers(patch)
    assert len(headers) >= 5
    assert all(re.search(r"@@ ZF\d{3}", h) for h in headers), headers


def test_a_directory_picks_up_a_cloudflare_export_by_its_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Cloudflare names its export after the domain alone; its header says
    # what it is. A FIFO beside it is never opened (the scan would block).
    (tmp_path / "example.net").write_text(
        ";; \n;; Domain:     example.net.\n;; Exported:   2025-01-01 00:00:00\n"
        ";; \n$ORIGIN .\n@\t3600\tIN\tSOA\texample.net. root.example.net. "
        "2050 7200 3600 86400 3600\n"
        "example.net.\t1\tIN\tMX\t10 aspmx.l.google.com.\n"
        'example.net.\t1\tIN\tTXT\t"v=spf1 include:_spf.google.com ~all"\n'
    )
    (tmp_path / "notes").write_text(";; not an export\n")
    os.mkfifo(tmp_path / "pipe")
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "-q", "--select", "ZF401", ".")
    assert status == EXIT_FINDINGS
    assert [line.split(" ")[:2] for line in out.splitlines()] == [
        ["example.net:7:1:", "ZF401"]
    ]


def test_diff_reports_the_findings_a_locked_record_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fix at lock.cn. is blocked (its SPF is Locked): --diff writes no
    # patch for it, and says what is left, as lint and --write do — never
    # "All clean".
    record = (
        '{{"RR": "@", "Type": "{type}", "Value": "{value}",{priority} "TTL": 600, '
        '"Line": "default", "Status": "ENABLE", "Locked": {locked}, '
        '"DomainName": "lock.cn"}}'
    )
    rows = [
        record.format(
            type="MX",
            value=f"mx{n}.qiye.aliyun.com",
            priority=f' "Priority": {p},',
            locked="false",
        )
        for n, p in ((1, 5), (2, 10), (3, 15))
    ] + [
        record.format(type="TXT", value=value, priority="", locked=locked)
        for value, locked in (
            ("v=spf1 include:spf.qiye.aliyun.com -all", "true"),
            ("v=spf1 include:spf1.dm.aliyun.com -all", "false"),
            ("v=spf1 include:spf1.dm.aliyun.com -all", "false"),
        )
    ]
    (tmp_path / "lock.cn.json").write_text(
        '{"DomainRecords": {"Record": [\n ' + ",\n ".join(rows) + "\n]}}\n"
    )
    monkeypatch.chdir(tmp_path)
    linted = run(capsys, "-q", "--select", "ZF302,ZF107", "lock.cn.json")
    status, out, err = run(capsys, "--diff", "--select", "ZF302,ZF107", "lock.cn.json")
    assert status == EXIT_FINDINGS
    assert "All clean" not in out + err
    codes = [line.split(" ")[1] for line in err.splitlines() if ": ZF" in line]
    assert codes == ["ZF302", "ZF107"]
    assert codes == [line.split(" ")[1] for line in linted[1].splitlines()]
    assert "fix at lock.cn. blocked" in err


# A Route 53 change batch lists what changes, not the zone (the reviewer's
# example): no finding that rests on a record being absent, and no fix that
# adds a set (an UPSERT replaces the live set whole).
CUTOVER = """{"Comment": "lower MX TTL before cutover", "Changes": [
  {"Action": "UPSERT", "ResourceRecordSet": {"Name": "acme.com.", "Type": "MX", \
"TTL": 300, "ResourceRecords": [{"Value": "1 smtp.google.com."}]}}]}
"""


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--mail-provider", "google-workspace", "--diff"],
        ["--mail-provider", "google-workspace", "--diff", "--unsafe-fixes"],
    ],
)
def test_a_change_batch_is_not_the_whole_zone(
    repo: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    (repo / "acme.com.json").write_text(CUTOVER)
    status, out, err = run(capsys, *argv, "acme.com.json")
    assert status == EXIT_CLEAN
    # The summary goes to standard out, or standard error under a patch.
    assert (out + err).strip() == "All clean (1 file checked)."
    assert (repo / "acme.com.json").read_text() == CUTOVER


def test_a_change_batch_keeps_findings_in_the_sets_it_writes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The TXT set an UPSERT writes is the whole new set: its SPF is read,
    # and fixed in place.
    (repo / "acme.com.json").write_text(
        CUTOVER.replace(
            "]}}]}",
            ']}},\n  {"Action": "UPSERT", "ResourceRecordSet": {"Name": "acme.com.", '
            '"Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '
            '"\\"v=spf1 include: _spf.google.com ~all\\""}]}}]}',
        )
    )
    status, out, _ = run(capsys, "acme.com.json")
    assert status == EXIT_FINDINGS
    assert codes(out) == ["ZF303"]
    status, patch, _ = run(capsys, "--diff", "acme.com.json")
    assert status == EXIT_FINDINGS
    removed = [x for x in patch.splitlines() if x.startswith("-") and "v=spf1" in x]
    added = [x for x in patch.splitlines() if x.startswith("+") and "v=spf1" in x]
    assert len(removed) == len(added) == 1
    assert "include:_spf.google.com ~all" in added[0]
    # The one line rewritten, no change added.
    assert [x[0] for x in patch.splitlines()[3:] if '"Action"' in x] == [" ", "-", "+"]


def test_a_change_batch_refuses_a_fix_that_adds_a_set(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ZF308 makes an SPF-type set TXT: a new TXT change would replace the
    # live apex TXT set (verifications, the real SPF).
    batch = CUTOVER.replace('"MX"', '"SPF"').replace(
        "1 smtp.google.com.", '\\"v=spf1 include:_spf.google.com ~all\\"'
    )
    (repo / "acme.com.json").write_text(batch)
    blocked = (
        "zonefix: note: acme.com.json: fix at acme.com. blocked: a change batch "
        "lists changes: adding a set here would replace the live one (UPSERT)\n"
    )
    for argv in (["--diff"], ["--write"]):
        status, out, err = run(capsys, *argv, "acme.com.json")
        assert status == EXIT_FINDINGS
        assert err.startswith(blocked)
        assert codes(out + err) == ["ZF308"]
        assert "(fix blocked: a change batch lists changes" in out + err
        assert (repo / "acme.com.json").read_text() == batch


def test_a_truncated_listing_is_one_page_of_the_zone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The apex TXT, _dmarc and app.acme.com. may be on the next page.
    page = """{
  "ResourceRecordSets": [
    {"Name": "acme.com.", "Type": "MX", "TTL": 300,
     "ResourceRecords": [{"Value": "1 smtp.google.com."}]},
    {"Name": "www.acme.com.", "Type": "CNAME", "TTL": 300,
     "ResourceRecords": [{"Value": "app.acme.com."}]}
  ],
  "IsTruncated": true,
  "NextRecordName": "www.acme.com.",
  "NextRecordType": "TXT",
  "MaxItems": "2"
}
"""
    (repo / "acme.com.json").write_text(page)
    status, out, err = run(capsys, "acme.com.json")
    assert status == EXIT_CLEAN
    assert err.splitlines()[0] == (
        "zonefix: note: acme.com.json: the file is one page of the zone "
        "(IsTruncated): the rest is on later pages, so findings about absent "
        "records (no SPF, no DMARC, a target with no address...) are left out"
    )
    # The last page (or a listing of all) is the zone: what is absent is said.
    (repo / "acme.com.json").write_text(page.replace("true", "false"))
    status, out, err = run(capsys, "acme.com.json")
    assert status == EXIT_FINDINGS
    assert "zonefix: note" not in err
    assert sorted(codes(out + err)) == ["ZF117", "ZF301", "ZF401"]


def test_a_change_batch_leaves_an_include_of_the_zone_to_the_zone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # _spf.acme.com. is not in the batch, but may hold Google's include.
    spf = ']}},\n  {"Action": "UPSERT", "ResourceRecordSet": {"Name": "acme.com.", '
    spf += '"Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '
    spf += '"\\"v=spf1 include:%s ~all\\""}]}}]}'
    argv = ("--mail-provider", "google-workspace", "acme.com.json")
    (repo / "acme.com.json").write_text(CUTOVER.replace("]}}]}", spf % "_spf.acme.com"))
    assert run(capsys, *argv)[0] == EXIT_CLEAN
    # An include of another domain is all the set says: Google's is missing.
    (repo / "acme.com.json").write_text(
        CUTOVER.replace("]}}]}", spf % "spf.example.org")
    )
    status, out, _ = run(capsys, *argv)
    assert status == EXIT_FINDINGS
    assert codes(out) == ["ZF305"]
