"""Fixing: each rule fixture's fixed text, the oracles, the patch, --write.

For ``fixtures/rules/ZFnnn/<case>.zone`` with a ``<case>.fixed.zone`` beside
it, fixing gives exactly that file; without one, fixing changes nothing.
Every fixed zone loads in named-checkzone, and its records (read by
dnspython through zonefix) differ from the original's only where the applied
fixes say, plus the SOA serial.
"""

from __future__ import annotations

import datetime
import subprocess
from collections import Counter
from pathlib import Path

import dns.rdatatype
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zonefix
from tests.conftest import FIXTURES, ROOT, load_fixture, needs_named_checkzone
from tests.test_roundtrip import _MUTATIONS, _mutate
from tests.test_rules import family
from zonefix.diff import unified_diff
from zonefix.fixer import FixResult, fix, next_serial
from zonefix.rules import REGISTRY, FixAvailability, all_rules, select_rules

all_rules()  # registers every rule

TODAY = datetime.date(2026, 11, 22)
CASES = sorted(
    p
    for p in (FIXTURES / "rules").glob("ZF*/*.zone")
    if not p.name.startswith("pass_") and not p.name.endswith(".fixed.zone")
)
FIXABLE = [p for p in CASES if p.with_suffix(".fixed.zone").exists()]


def _fixed_path(path: Path) -> Path:
    return path.with_suffix(".fixed.zone")


def _fix(zone: zonefix.Zone, path: Path) -> FixResult:
    """Fix as --write would, with --unsafe-fixes for a rule whose fix is
    unsafe (its fixed fixture shows that fix)."""
    unsafe = REGISTRY[path.parent.name].fix is FixAvailability.UNSAFE
    return fix(zone, rules=select_rules(family(path)), today=TODAY, unsafe=unsafe)


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixed_text(path: Path) -> None:
    zone = load_fixture(path)
    result = _fix(zone, path)
    fixed = _fixed_path(path)
    if fixed.exists():
        assert result.text == fixed.read_text(encoding="utf-8")
        assert path.parent.name not in {d.code.code for d in result.remaining}
    else:
        assert result.text == zone.tree.text
        assert result.applied == []


@pytest.mark.parametrize("path", FIXABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixing_twice_changes_nothing(path: Path) -> None:
    once = load_fixture(_fixed_path(path))
    again = _fix(once, path)
    assert again.applied == []
    assert again.text == once.tree.text


@pytest.mark.parametrize("path", FIXABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_patch(path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    snapshot.snapshot_dir = (
        Path(__file__).parent / "snapshots" / "fixes" / path.parent.name
    )
    zone = load_fixture(path)
    result = _fix(zone, path)
    name = path.relative_to(ROOT).as_posix()
    patch = unified_diff(
        name, zone.to_bytes(), zone.source.encode(result.text), result.applied
    )
    snapshot.assert_match(patch.decode("utf-8", "surrogateescape"), path.name + ".diff")


def _records(zone: zonefix.Zone) -> Counter[tuple[object, ...]]:
    return Counter((r.owner, r.ttl, r.rdclass, r.rdtype, r.rdata) for r in zone.records)


@pytest.mark.parametrize("path", FIXABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_records_change_only_where_the_fixes_say(path: Path) -> None:
    zone = load_fixture(path)
    result = _fix(zone, path)
    after = zonefix.parse_text(result.text, origin=zone.origin, filename=str(path))
    removed = _records(zone) - _records(after)
    added = _records(after) - _records(zone)
    fixed_lines = {
        line for a in result.applied for line in range(a.first_line, a.last_line + 1)
    }

    # Each record gone must be one a fix names (a copy of it at a fixed line).
    at_fixed_lines: Counter[tuple[object, ...]] = Counter(
        (r.owner, r.ttl, r.rdclass, r.rdtype, r.rdata)
        for r in zone.records
        if r.line in fixed_lines
    )
    for key, count in removed.items():
        if key[3] != dns.rdatatype.SOA:
            assert at_fixed_lines[key] >= count, f"{key} changed, and no fix says so"
    # What a fix adds replaces what it removed (a name written with its dot),
    # besides the new serial.
    kinds_added = Counter(
        (key[2], key[3]) for key in added.elements() if key[3] != dns.rdatatype.SOA
    )
    kinds_removed = Counter(
        (key[2], key[3]) for key in removed.elements() if key[3] != dns.rdatatype.SOA
    )
    # Beyond that, a record is added only by a fix that says it adds that
    # record ("add MX 10 mx2.qiye.aliyun.com.", 'turn it into TXT "..."').
    extra = kinds_added - kinds_removed
    for key in added.elements():
        if (key[2], key[3]) in extra:
            rdtype = dns.rdatatype.to_text(key[3])  # type: ignore[arg-type]
            rdata = key[4].to_text()  # type: ignore[attr-defined]
            assert any(
                rdtype in a.message and rdata in a.message for a in result.applied
            ), f"{key} was added, and no fix says so"


@needs_named_checkzone
@pytest.mark.parametrize("path", FIXABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixed_zone_loads_in_bind(path: Path) -> None:
    zone = load_fixture(_fixed_path(path))
    assert zone.origin is not None
    result = subprocess.run(
        [
            "named-checkzone",
            "-i",
            "local",
            zone.origin.to_text(),
            str(_fixed_path(path)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (2024010101, 2026112200),  # a date serial goes to today, 00
        (2026112200, 2026112201),  # already today: +1
        (2026112299, 2026112300),  # +1 may roll into tomorrow
        (2030010100, 2030010101),  # a serial from the future: +1
        (41, 42),
        (4294967295, 0),  # RFC 1982: wraps
        (1234567890, 1234567891),  # ten digits, but no date
    ],
)
def test_next_serial(serial: int, expected: int) -> None:
    assert next_serial(serial, TODAY) == expected


def test_a_file_that_does_not_parse_is_not_fixed() -> None:
    text = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n NS ns\n@ CNAME x.\nbad (\n"
    zone = zonefix.parse_text(text)
    result = fix(zone)
    assert result.text == zone.tree.text
    assert "ZF001" in {d.code.code for d in result.remaining}


# ------------------------------------------------------------ properties


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FIXABLE), _MUTATIONS)
def test_fix_is_idempotent_and_touches_only_what_it_names(
    path: Path, mutations: list[tuple[str, int]]
) -> None:
    # Fixtures with whitespace, comments, blank lines and CRLF sprinkled in:
    # fixing twice gives what fixing once gave, and every record that is not
    # at a line a fix names (or the SOA) keeps its meaning.
    text = _mutate(path.read_text(encoding="utf-8"), mutations)
    zone = zonefix.parse_text(text, filename=str(path))
    once = _fix(zone, path)
    again = _fix(
        zonefix.parse_text(once.text, origin=zone.origin, filename=str(path)), path
    )
    assert again.text == once.text
    assert again.applied == []

    after = zonefix.parse_text(once.text, origin=zone.origin, filename=str(path))
    fixed_lines = {
        line for a in once.applied for line in range(a.first_line, a.last_line + 1)
    }
    untouched: Counter[tuple[object, ...]] = Counter(
        (r.owner, r.ttl, r.rdclass, r.rdtype, r.rdata)
        for r in zone.records
        if r.line not in fixed_lines and r.rdtype != dns.rdatatype.SOA
    )
    kept = _records(after)
    assert not untouched - kept, "a record no fix names changed"


# ------------------------------------------------------------ serials (issue 9)

_APEX_CNAME = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h {serial} 2 3 4 5\n NS ns\nns A 192.0.2.1\n@ CNAME www.example.org.\n"


@pytest.mark.parametrize(
    ("written", "bumped"),
    [
        ("0", "0"),  # a placeholder a deploy script fills in
        ("0000000000", "0000000000"),
        ("0000000041", "0000000042"),  # width and zero padding kept
        ("007", "008"),
        ("41", "42"),
        ("2024010101", "2026112200"),
    ],
)
def test_the_serial_bump_keeps_its_width_and_leaves_a_placeholder(
    written: str, bumped: str
) -> None:
    zone = zonefix.parse_text(_APEX_CNAME.format(serial=written))
    result = fix(zone, unsafe=True, today=TODAY)
    assert result.applied[0].code == "ZF101"
    assert f"@ SOA ns h {bumped} 2 3 4 5\n" in result.text
    messages = [a.message for a in result.applied]
    if written == bumped:
        assert not any("serial" in m for m in messages)
    else:
        assert f"bump the SOA serial {written} -> {bumped}" in messages


def test_a_zone_with_a_refused_include_is_not_fixed(tmp_path: Path) -> None:
    # zonefix cannot see what the include holds: a "duplicate" deleted or
    # an MX added without it may be wrong (issue 9).
    (tmp_path / "db.example.net").write_text(
        _APEX_CNAME.format(serial=1) + "$INCLUDE /etc/hostname\n"
    )
    zone = zonefix.parse_file(tmp_path / "db.example.net")
    result = fix(zone, unsafe=True, today=TODAY)
    assert result.text == zone.tree.text
    assert result.applied == []
    assert result.problem == (
        "zonefix cannot see all the zone's records (ZF004 at "
        f"{tmp_path / 'db.example.net'}:7), so it fixes nothing: "
        "ZF101 (delete the CNAME at the apex (what it served goes down))"
    )
    assert [d.code.code for d in result.remaining] == ["ZF101", "ZF004"]
    # Nothing to fix, nothing to refuse.
    clean = tmp_path / "db.example.org"
    clean.write_text(
        "$ORIGIN example.org.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n$INCLUDE nowhere\n"
    )
    assert fix(zonefix.parse_file(clean)).problem is None


_SCENARIO_ZONES = sorted((FIXTURES / "scenarios").glob("*/db.*"))


@pytest.mark.parametrize(
    "path",
    [*FIXABLE, *_SCENARIO_ZONES, ROOT / "examples" / "db.example.net"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_hunk_headers_name_every_code_fixed(path: Path) -> None:
    # Each fix applied is named in the header of a hunk (issue 10, point 9).
    import re

    zone = load_fixture(path)
    for unsafe in (False, True):
        result = fix(zone, unsafe=unsafe, today=TODAY)
        if not result.applied:
            continue
        patch = unified_diff(
            "x", zone.to_bytes(), zone.source.encode(result.text), result.applied
        ).decode("utf-8", "surrogateescape")
        headers = re.findall(r"^@@ [^@]* @@(.*)$", patch, re.MULTILINE)
        named = {code for header in headers for code in header.split()}
        assert {c for a in result.applied for c in a.code.split()} <= named
        # Every hunk comes from a fix, and says which.
        assert all(header.split() for header in headers), patch


@pytest.mark.parametrize("between", range(5))
def test_a_hunk_holding_only_a_fixs_scope_does_not_name_it(between: int) -> None:
    # ZF104 rewrites www's owner; the blank-owner lines after it are its
    # scope, which it leaves as they are. A later hunk (a ZF107 copy) that
    # holds some of them as context, or starts on the line after them, is
    # not ZF104's (the review of this round found it named there).
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 1 2h 1h 2w 5m\n"
        "@ NS ns1\nns1 A 192.0.2.53\nwww.example.net A 192.0.2.1\n"
        + "".join(f' TXT "t{i}"\n' for i in range(9))
        + "".join(f"a{i} A 192.0.2.2\n" for i in range(between))
        + "d A 192.0.2.5\nd A 192.0.2.5\ne A 192.0.2.6\nf A 192.0.2.7\n"
        + "g A 192.0.2.8\nh A 192.0.2.8\n"
    )
    zone = zonefix.parse_text(text, filename="db.example.net")
    result = fix(zone, unsafe=True, today=TODAY)
    patch = unified_diff(
        "x", zone.to_bytes(), zone.source.encode(result.text), result.applied
    ).decode()
    headers = [
        line.split("@@")[-1].split()
        for line in patch.splitlines()
        if line.startswith("@@")
    ]
    assert headers == [["ZF104", "ZF107"], ["ZF107"]], patch


def test_hunk_of_a_copy_names_its_code_where_difflib_shows_the_other_line() -> None:
    # Of two equal lines, ZF107 deletes the second; difflib shows the first
    # deleted. Far from the SOA (whose serial hunk names every code), the
    # hunk of the copy named no code.
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 1 2h 1h 2w 5m\n NS ns1\n"
        "ns1 A 192.0.2.53\n"
        + "".join(f"h{i} A 192.0.2.{i}\n" for i in range(1, 20))
        + "dup.example.net. A 192.0.2.99\ndup.example.net. A 192.0.2.99\n"
        + "".join(f"k{i} A 192.0.2.{i}\n" for i in range(1, 20))
    )
    zone = zonefix.parse_text(text, filename="db.example.net")
    result = fix(zone, today=TODAY)
    assert [a.code for a in result.applied] == ["ZF107", "ZF107"]  # and the serial
    patch = unified_diff(
        "x", zone.to_bytes(), zone.source.encode(result.text), result.applied
    ).decode()
    headers = [line for line in patch.splitlines() if line.startswith("@@")]
    assert headers == ["@@ -1,6 +1,6 @@ ZF107", "@@ -22,7 +22,6 @@ ZF107"], patch
