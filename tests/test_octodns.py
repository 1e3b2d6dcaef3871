"""octoDNS YAML zones (zonefix/formats/octodns.py), end to end through the
command line: findings at the value's line and column, fixes spliced into
the file's own bytes (comments, key order, quoting and indentation kept),
``--diff`` that git applies, and a YAML file that is no octoDNS zone told
once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from zonefix.cli import EXIT_CLEAN, EXIT_FINDINGS, main
from zonefix.formats import octodns

MIGRATED = """\
---
# example.net: mail moved to Alibaba Mail
'':
  - type: MX
    ttl: 600
    values:
      - exchange: aspmx.l.google.com.  # the old provider
        preference: 1
      - exchange: mx1.qiye.aliyun.com
        preference: 5
      - exchange: mx2.qiye.aliyun.com.
        preference: 10
      - exchange: mx3.qiye.aliyun.com.
        preference: 15
  - type: TXT
    ttl: 600
    value: "v=spf1 include the following:spf.qiye.aliyun.com -all"
_dmarc:
  type: TXT
  ttl: 600
  value: v=DMARC1\\; p=none\\; rua=dmarc@example.net
www:  # the web site
  type: CNAME
  ttl: 600
  value: site.example.org.
"""

MIGRATED_FIXED = """\
---
# example.net: mail moved to Alibaba Mail
'':
  - type: MX
    ttl: 600
    values:
      - exchange: mx1.qiye.aliyun.com.
        preference: 5
      - exchange: mx2.qiye.aliyun.com.
        preference: 10
      - exchange: mx3.qiye.aliyun.com.
        preference: 15
  - type: TXT
    ttl: 600
    value: "v=spf1 include:spf.qiye.aliyun.com -all"
_dmarc:
  type: TXT
  ttl: 600
  value: v=DMARC1\\; p=none\\; rua=mailto:dmarc@example.net
www:  # the web site
  type: CNAME
  ttl: 600
  value: site.example.org.
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    Path("zonefix.toml").write_text('mail-provider = "alibaba-mail"\n')
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_findings_at_the_values(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("example.net.yaml").write_text(MIGRATED)
    status, out, _ = run(capsys, "--quiet", "example.net.yaml")
    assert status == EXIT_FINDINGS
    # No SOA or NS findings: octoDNS leaves them to the provider.
    assert out.splitlines() == [
        "example.net.yaml:7:19: ZF201 [*] foreign MX aspmx.l.google.com. at "
        "example.net.: a host of google-workspace (provider alibaba-mail, configured)",
        "example.net.yaml:9:19: ZF104 [*] MX target mx1.qiye.aliyun.com has no "
        "final dot: it means mx1.qiye.aliyun.com.example.net.",
        "example.net.yaml:17:12: ZF304 [*] SPF holds prose 'include the following:"
        "spf.qiye.aliyun.com'; meant 'include:spf.qiye.aliyun.com'",
        "example.net.yaml:21:10: ZF402 [*] DMARC at _dmarc.example.net.: 'rua=' "
        "addresses need 'mailto:' (dmarc@example.net)",
    ]


def test_write_splices_the_fixes_and_diff_applies(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("example.net.yaml").write_text(MIGRATED)
    status, patch, _ = run(capsys, "--diff", "example.net.yaml")
    assert status == EXIT_FINDINGS
    assert patch.startswith("--- a/example.net.yaml\n+++ b/example.net.yaml\n@@ ")
    Path("patch.diff").write_text(patch)
    subprocess.run(["git", "apply", "patch.diff"], check=True)
    assert Path("example.net.yaml").read_text() == MIGRATED_FIXED
    Path("example.net.yaml").write_text(MIGRATED)
    assert run(capsys, "--write", "example.net.yaml")[0] == EXIT_CLEAN
    assert Path("example.net.yaml").read_text() == MIGRATED_FIXED
    # Settled: a second run changes nothing.
    assert run(capsys, "--diff", "example.net.yaml")[:2] == (EXIT_CLEAN, "")


def test_records_added_where_octodns_sorts_them(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("example.org.yaml").write_text(
        "'':\n"
        "  type: MX\n"
        "  values:\n"
        "  - exchange: mx1.qiye.aliyun.com.\n"
        "    preference: 5\n"
        "  - exchange: mx3.qiye.aliyun.com.\n"
        "    preference: 15\n"
        "imap:\n"
        "  type: CNAME\n"
        "  value: imap.mxhichina.com.\n"
    )
    assert run(capsys, "--write", "--unsafe-fixes", "example.org.yaml")[0] == 0
    assert Path("example.org.yaml").read_text() == (
        # One record at the apex became a list of two; the missing MX host
        # joined the values at its place; DMARC went where its name sorts.
        "'':\n"
        "- type: MX\n"
        "  values:\n"
        "  - exchange: mx1.qiye.aliyun.com.\n"
        "    preference: 5\n"
        "  - exchange: mx2.qiye.aliyun.com.\n"
        "    preference: 10\n"
        "  - exchange: mx3.qiye.aliyun.com.\n"
        "    preference: 15\n"
        "- type: TXT\n"
        "  value: v=spf1 include:spf.qiye.aliyun.com -all\n"
        "_dmarc:\n"
        "  type: TXT\n"
        "  value: v=DMARC1\\; p=none\n"
        "imap:\n"
        "  type: CNAME\n"
        "  value: imap.qiye.aliyun.com.\n"
    )


def test_a_yaml_file_that_is_no_octodns_zone_is_told_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("example.net.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    ports:\n      - 80:80\n"
    )
    status, out, _ = run(capsys, "--quiet", "example.net.yaml")
    assert status == EXIT_FINDINGS
    assert out == (
        "example.net.yaml:1:1: ZF001 not an octoDNS zone: no record names mapped "
        "to records (a mapping with 'type', or a list of them)\n"
    )


def test_broken_yaml_is_one_finding_at_its_place(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("example.net.yaml").write_text("www:\n  type: A\n  value: [192.0.2.1\n")
    status, out, _ = run(capsys, "--quiet", "example.net.yaml")
    assert status == EXIT_FINDINGS
    assert out.startswith("example.net.yaml:4:1: ZF001 not valid YAML: ")
    assert len(out.splitlines()) == 1


def test_reading_keeps_the_bytes_and_places_records() -> None:
    data = "\ufeff'':\r\n  type: A\r\n  value: 192.0.2.1  # web\r\n".encode()
    octo = octodns.read("example.net.yaml", data)
    assert octo.to_bytes() == data
    (record,) = octo.document.records
    assert (str(record.owner), record.ttl, str(record.rdata)) == (
        "example.net.",
        3600,
        "192.0.2.1",
    )
    assert octo.document.position(*record.span[:2]) == (3, 10)


def test_the_zone_is_named_by_the_file_or_origin(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("zone.yaml").write_text("www:\n  type: CNAME\n  value: example.org.\n")
    status, out, _ = run(capsys, "--quiet", "--no-config", "zone.yaml")
    assert out.startswith("zone.yaml:1:1: ZF003 ")
    status, out, _ = run(
        capsys, "--quiet", "--no-config", "--origin", "example.net.", "zone.yaml"
    )
    assert (status, out) == (EXIT_CLEAN, "")
