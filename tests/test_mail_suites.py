"""zonefix against other projects' SPF, DMARC and DKIM test suites.

``../shared/mail-suites`` holds the RFC 7208 SPF test suite and DMARC and
DKIM key records from other projects' tests, written as zone files, with a
judgement of each case (results/*.json; README.md there says how they were
made). These tests run zonefix on those zones, read in place, and require
its verdict on every case to be the judged-correct one: the suite's own
expectation for SPF, the RFC reading for DMARC and DKIM. Where zonefix
differs on purpose, the case is listed below with the reason.

Judging, as the suites do:

- SPF: findings count at the names whose TXT a full evaluation of the test
  asked for. A test whose permerror comes from record syntax needs ZF302,
  ZF303 or ZF304; a lookup-limit test ZF307; a test with valid records none
  of those four. Tests decided by DNS failures, the checked identity or
  evaluation alone are out of scope, and must get none of them either.
- DMARC: a record is flagged by an error (not a warning) of ZF402 or ZF403.
- DKIM: a key record is flagged by ZF405.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

import zonefix
from tests.conftest import ROOT
from zonefix.diagnostics import Diagnostic, Severity

SUITES = ROOT.parent / "shared" / "mail-suites"

needs_suites = pytest.mark.skipif(
    not (SUITES / "results" / "spf.json").is_file(),
    reason="../shared/mail-suites is not present",
)

SPF_SIGNAL = {"ZF302", "ZF303", "ZF304", "ZF307"}

#: SPF tests where zonefix's verdict differs from the suite's on purpose:
#: (zonefix's verdict, why).
SPF_DIFFERENCES: dict[str, tuple[str, str]] = {
    "include-at-limit": (
        "false positive",
        "'v=spf1 a include:inc.example.com ip4:1.2.3.4 mx -all' with inc's 8 'a' "
        "in the same zone takes 11 lookups to evaluate in full. The suite "
        "expects pass because its test host matches the first 'a' and "
        "evaluation stops after one lookup; any host that does not match early "
        "hits the 11th lookup, a permerror. A linter cannot know the sending "
        "host, so ZF307 counts every term, as RFC 7208 §4.6.4's limit reads "
        "for the record as a whole (checkdmarc counts 11 too).",
    ),
}

#: DMARC records where zonefix differs from the RFC 7489 reading on purpose.
DMARC_DIFFERENCES: dict[str, tuple[str, str]] = {}

#: DKIM key records where zonefix differs from the RFC reading on purpose.
DKIM_DIFFERENCES: dict[str, tuple[str, str]] = {}

_RFC_9989 = (
    "The source (checkdmarc 6) follows RFC 9989 (DMARCbis); zonefix follows "
    "RFC 7489, the DMARC receivers implement today."
)

#: Records where zonefix's verdict differs from what the source project's
#: test expects, and why zonefix is right by the RFC reading (or, for the
#: ambiguous, what it chose). Every difference must be listed here.
SOURCE_DIFFERENCES: dict[str, str] = {
    "od-05": "OpenDMARC accepts a prefix of the policy word ('p=n'); RFC 7489 "
    "§6.3 allows only none, quarantine and reject (checkdmarc and the dmarc "
    "package reject it too).",
    "dp-01": "RFC-ambiguous (tag-name case). zonefix reads tag names in any "
    "case, as the ABNF does (warning that 'RF' and 'RUA' are not lower case), "
    "so 'RF = AFRF,IODEF' is an rf= whose formats are separated by ',' "
    "instead of ':' and include the never-registered iodef: an error.",
    "cd-12": f"np= is RFC 9989's; under RFC 7489 an unknown tag is ignored. {_RFC_9989}",
    "cd-13": f"psd= is RFC 9989's; ignored under RFC 7489. {_RFC_9989}",
    "cd-14": f"t= is RFC 9989's; ignored under RFC 7489. {_RFC_9989}",
    "cd-18": "RFC 7489 §6.3 makes p= REQUIRED; RFC 9989 reads a missing p as "
    f"p=none. {_RFC_9989}",
    "cd-28": f"RFC 7489 limits pct to 0-100; RFC 9989 removed pct. {_RFC_9989}",
    "cd-29": f"pct = 1*3DIGIT under RFC 7489. {_RFC_9989}",
    "cd-30": f"pct = 1*3DIGIT under RFC 7489. {_RFC_9989}",
    "cd-31": f"ri = 1*DIGIT under RFC 7489; RFC 9989 removed ri. {_RFC_9989}",
    "cd-34": "RFC 7489 §6.3: rf values must be registered (only afrf), and a "
    "receiver may ignore the whole record otherwise; RFC 9989 removed rf. "
    f"{_RFC_9989}",
    "cd-36": "RFC 7489 §6.4: p= must follow v=DMARC1 directly; the source only warns.",
    "cd-40": "RFC 7489 §6.6.3: receivers discard TXT at _dmarc that does not "
    "start with v=DMARC1, so the DMARC record beside it is in force; the "
    "source (with ignore_unrelated_records=False) rejects the name.",
}


def _results(name: str) -> list[dict[str, Any]]:
    if not (SUITES / "results" / name).is_file():
        return []
    rows: list[dict[str, Any]] = json.loads(
        (SUITES / "results" / name).read_text(encoding="utf-8")
    )
    return rows


@cache
def _findings(zone_file: str) -> tuple[Diagnostic, ...]:
    zone = zonefix.parse_file(SUITES / zone_file)
    return tuple(zonefix.check(zone))


@cache
def _owner_of_line(zone_file: str) -> dict[int, str]:
    zone = zonefix.parse_file(SUITES / zone_file)
    return {
        record.line: record.owner.to_text().lower().rstrip(".")
        for record in zone.records
    }


def spf_verdict(row: dict[str, Any]) -> str:
    """zonefix's verdict on one SPF test, judged as the suite judges."""
    owners = _owner_of_line(row["zone"])
    names = set(row["names"])
    codes = {d.code.code for d in _findings(row["zone"]) if owners.get(d.line) in names}
    signal = codes & SPF_SIGNAL
    category = row["category"]
    if category in ("syntax", "multiple"):
        return "agree" if signal - {"ZF307"} else "miss"
    if category == "limit":
        return "agree" if "ZF307" in signal else "miss"
    if category == "either":
        return "agree (either)"
    if category == "valid":
        return "agree" if not signal else "false positive"
    return "out of scope" if not signal else "out of scope, false positive"


def record_verdict(
    zone_file: str, codes: set[str], rfc: str
) -> tuple[str, list[Diagnostic]]:
    """zonefix's verdict on a DMARC or DKIM record against the RFC reading."""
    flagged = [
        d
        for d in _findings(zone_file)
        if d.code.code in codes and d.code.severity is Severity.ERROR
    ]
    if rfc == "ambiguous":
        return "n/a (RFC ambiguous)", flagged
    if rfc == "invalid":
        return ("agree" if flagged else "miss"), flagged
    return ("agree" if not flagged else "false positive"), flagged


def _default_spf(row: dict[str, Any]) -> str:
    category = row["category"]
    if category == "either":
        return "agree (either)"
    if category in ("eval", "dns", "identity"):
        return "out of scope"
    return "agree"


SPF_ROWS = _results("spf.json")
DMARC_ROWS = _results("dmarc.json")
DKIM_ROWS = _results("dkim.json")


@needs_suites
@pytest.mark.parametrize("row", SPF_ROWS, ids=[r["id"] for r in SPF_ROWS])
def test_spf_suite(row: dict[str, Any]) -> None:
    expected = SPF_DIFFERENCES.get(row["id"], (_default_spf(row), ""))[0]
    assert spf_verdict(row) == expected


@needs_suites
@pytest.mark.parametrize("row", DMARC_ROWS, ids=[r["id"] for r in DMARC_ROWS])
def test_dmarc_records(row: dict[str, Any]) -> None:
    zone_file = f"zones/dmarc/{row['id']}.zone"
    default = "n/a (RFC ambiguous)" if row["rfc"] == "ambiguous" else "agree"
    expected = DMARC_DIFFERENCES.get(row["id"], (default, ""))[0]
    verdict, flagged = record_verdict(zone_file, {"ZF402", "ZF403"}, row["rfc"])
    assert verdict == expected, [d.message for d in flagged]


@needs_suites
@pytest.mark.parametrize("row", DKIM_ROWS, ids=[r["id"] for r in DKIM_ROWS])
def test_dkim_keys(row: dict[str, Any]) -> None:
    zone_file = f"zones/dkim/{row['id']}.zone"
    expected = DKIM_DIFFERENCES.get(row["id"], ("agree", ""))[0]
    verdict, flagged = record_verdict(zone_file, {"ZF405"}, row["rfc"])
    assert verdict == expected, [d.message for d in flagged]


@needs_suites
def test_every_difference_from_the_sources_has_its_reason() -> None:
    differing = set()
    for kind, rows, codes in (
        ("dmarc", DMARC_ROWS, {"ZF402", "ZF403"}),
        ("dkim", DKIM_ROWS, {"ZF405"}),
    ):
        for row in rows:
            _, flagged = record_verdict(
                f"zones/{kind}/{row['id']}.zone", codes, row["rfc"]
            )
            if bool(flagged) != (row["expect"] == "invalid"):
                differing.add(row["id"])
    assert differing == set(SOURCE_DIFFERENCES)


def test_every_difference_names_a_case_and_a_reason() -> None:
    known = {
        "spf": {r["id"] for r in SPF_ROWS},
        "dmarc": {r["id"] for r in DMARC_ROWS},
        "dkim": {r["id"] for r in DKIM_ROWS},
    }
    for suite, differences in (
        ("spf", SPF_DIFFERENCES),
        ("dmarc", DMARC_DIFFERENCES),
        ("dkim", DKIM_DIFFERENCES),
    ):
        for case, (verdict, reason) in differences.items():
            assert reason, f"{suite} {case}: no reason given"
            assert verdict
            if known[suite]:
                assert case in known[suite], f"{suite} {case}: no such case"
