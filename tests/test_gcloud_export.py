"""Google Cloud DNS exports as an operator writes them: record sets that
answer by a routing policy (geo, wrr, primaryBackup), an ALIAS at the apex
(Cloud DNS's CNAME flattening) and a final "---" are read, not refused; a
broken record set is a finding at that set, and the rest of the file is
still read and linted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from zonefix.cli import EXIT_FINDINGS, main

MX = """\
---
kind: dns#resourceRecordSet
name: example.net.
rrdatas:
- 5 mx1.qiye.aliyun.com.
- 10 mx2.qiye.aliyun.com.
ttl: 600
type: MX
"""

SPF = """\
---
kind: dns#resourceRecordSet
name: example.net.
rrdatas:
- '"v=spf1 include:spf.qiye.aliyun.com -all"'
ttl: 600
type: TXT
"""

GEO = """\
---
kind: dns#resourceRecordSet
name: api.example.net.
routingPolicy:
  geo:
    items:
    - location: us-east1
      rrdatas:
      - 192.0.2.1
    - location: europe-west1
      rrdatas:
      - 192.0.2.1
ttl: 300
type: A
"""

WRR = """\
---
kind: dns#resourceRecordSet
name: www.example.net.
routingPolicy:
  wrr:
    items:
    - rrdatas:
      - blue.example.org.
      weight: 1.0
    - rrdatas:
      - green.example.org.
      weight: 3.0
ttl: 300
type: CNAME
"""

PRIMARY_BACKUP = """\
---
kind: dns#resourceRecordSet
name: app.example.net.
routingPolicy:
  primaryBackup:
    backupGeoTargets:
      items:
      - location: us-east1
        rrdatas:
        - 192.0.2.7
    primaryTargets:
      internalLoadBalancers:
      - ipAddress: 10.0.0.1
        ipProtocol: tcp
        loadBalancerType: regionalL4ilb
        networkUrl: https://www.googleapis.com/compute/v1/projects/p/global/networks/n
        port: '80'
        project: p
    trickleTraffic: 0.0
ttl: 300
type: A
"""

ALIAS = """\
---
kind: dns#resourceRecordSet
name: example.net.
rrdatas:
- lb.example.org.
ttl: 300
type: ALIAS
"""

BAD_ADDRESS = """\
---
kind: dns#resourceRecordSet
name: old.example.net.
rrdatas:
- 192.0.2.300
ttl: 300
type: A
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def findings(out: str) -> list[tuple[int, str]]:
    """(line, code) of each finding."""
    return [
        (int(line.split(":")[1]), line.split()[1])
        for line in out.splitlines()
        if ": ZF" in line
    ]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def diff_of(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> tuple[str, str]:
    """The --diff patch (checked with git apply) and the file written by
    --write, the file left as it was by --diff."""
    before = (repo / name).read_bytes()
    status, patch, _ = run(capsys, "--diff", "--unsafe-fixes", name)
    assert status == EXIT_FINDINGS
    assert (repo / name).read_bytes() == before
    applied = subprocess.run(
        ["git", "apply", "--check", "-"], input=patch.encode(), cwd=repo, check=False
    )
    assert applied.returncode == 0
    run(capsys, "--write", "--unsafe-fixes", name)
    return patch, (repo / name).read_text()


def test_routing_policy_sets_are_read_and_the_rest_is_linted(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MX + GEO + WRR + PRIMARY_BACKUP + BAD_ADDRESS + SPF
    (repo / "example.net.yaml").write_text(text)
    status, out, err = run(capsys, "example.net.yaml")
    assert status == EXIT_FINDINGS
    found = findings(out)
    assert "ZF001" not in [code for _, code in found]
    # The file's own mistakes are all there, where they are.
    assert (5, "ZF202") in found  # the third Alibaba MX is missing
    assert (line_of(text, "- 192.0.2.300"), "ZF002") in found
    # Two geo items with one address, two wrr targets for one name: the
    # policy's answers by design, neither duplicates nor conflicts.
    assert not {"ZF107", "ZF102", "ZF108"} & {code for _, code in found}
    for owner, policy in (("api", "geo"), ("www", "wrr"), ("app", "primaryBackup")):
        line = line_of(text, f"name: {owner}.example.net.")
        assert (
            f"example.net.yaml: line {line - 1}: {owner}.example.net. "
            in err.replace("\n", " ")
        )
        assert f"answers by a routing policy ({policy})" in err


def test_the_rules_see_a_routing_sets_first_answer(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # www answers by wrr with CNAMEs, and has a TXT beside: a CNAME and
    # other data at one name, seen through the policy's first item.
    text = MX + WRR + SPF.replace("name: example.net.", "name: www.example.net.")
    (repo / "example.net.yaml").write_text(text)
    _, out, _ = run(capsys, "--select", "ZF102", "example.net.yaml")
    assert [code for _, code in findings(out)] == ["ZF102"]


def test_a_fix_never_edits_a_routing_set(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The MX set answers by wrr: the missing MX is not added to it (the
    # policy is edited in Cloud DNS), while the DMARC record is added.
    routed_mx = (
        MX.replace("rrdatas:\n", "routingPolicy:\n  wrr:\n    items:\n    - rrdatas:\n")
        .replace("- 5 ", "      - 5 ")
        .replace("- 10 ", "      - 10 ")
        .replace("ttl: 600", "      weight: 1.0\nttl: 600")
    )
    text = routed_mx + GEO + SPF
    (repo / "example.net.yaml").write_text(text)
    _, out, _ = run(capsys, "example.net.yaml")
    assert (line_of(text, "- 5 mx1"), "ZF202") in findings(out)
    patch, written = diff_of(repo, capsys, "example.net.yaml")
    capsys.readouterr()
    assert "mx3" not in patch
    assert "_dmarc.example.net." in patch
    assert written.startswith(routed_mx + GEO + SPF)
    _, _, err = run(capsys, "--diff", "--unsafe-fixes", "example.net.yaml")
    # Run on the written file: the blocked fix is said, nothing else to do.
    assert "fix at example.net. blocked: example.net. MX answers by a routing" in err


def test_an_alias_at_the_apex_is_flattening(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MX + ALIAS + SPF + BAD_ADDRESS
    (repo / "example.net.yaml").write_text(text)
    status, out, _ = run(capsys, "example.net.yaml")
    assert status == EXIT_FINDINGS
    found = findings(out)
    alias = range(line_of(text, "type: ALIAS") - 6, line_of(text, "type: ALIAS") + 1)
    assert [f for f in found if f[0] in alias] == []  # no ZF001, no ZF101
    assert (5, "ZF202") in found
    assert (line_of(text, "- 192.0.2.300"), "ZF002") in found
    # A ZF002 elsewhere keeps no fix from being written; the ALIAS stays.
    patch, written = diff_of(repo, capsys, "example.net.yaml")
    assert "+- 15 mx3.qiye.aliyun.com." in patch
    assert ALIAS in written


def test_an_empty_final_document_is_skipped(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MX + ALIAS + GEO + SPF + "---\n"
    (repo / "example.net.yaml").write_text(text)
    status, out, _ = run(capsys, "example.net.yaml")
    assert status == EXIT_FINDINGS
    assert [code for _, code in findings(out)] == ["ZF202", "ZF401"]
    patch, written = diff_of(repo, capsys, "example.net.yaml")
    assert "+- 15 mx3.qiye.aliyun.com." in patch
    assert written.endswith("---\n")
    assert ALIAS + GEO in written
    _, out, _ = run(capsys, "example.net.yaml")
    assert findings(out) == []


@pytest.mark.parametrize(
    ("broken", "at", "code", "message"),
    [
        (BAD_ADDRESS.replace("type: A", "type: FOO"), "FOO", "ZF001", "unknown type"),
        (BAD_ADDRESS.replace("ttl: 300\n", ""), "kind:", "ZF001", "needs ttl"),
        (
            BAD_ADDRESS.replace("- 192.0.2.300", "- {a: 1}"),
            "{a: 1}",
            "ZF002",
            "an rrdata must be a string",
        ),
        ("---\n- just\n- a list\n", "- just", "ZF001", "must be a mapping"),
    ],
)
def test_a_broken_set_is_its_own_finding(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    broken: str,
    at: str,
    code: str,
    message: str,
) -> None:
    text = MX + broken + SPF
    (repo / "example.net.yaml").write_text(text)
    status, out, _ = run(capsys, "example.net.yaml")
    assert status == EXIT_FINDINGS
    found = findings(out)
    start = text.index(broken)
    line = text[: text.index(at, start)].count("\n") + 1
    assert (line, code) in found
    assert message in out
    # The other sets are still read and linted.
    assert (5, "ZF202") in found
    assert (5, "ZF401") in found
    if code == "ZF001":
        # A file with ZF001 is never rewritten.
        run(capsys, "--write", "--unsafe-fixes", "example.net.yaml")
        assert (repo / "example.net.yaml").read_text() == text
