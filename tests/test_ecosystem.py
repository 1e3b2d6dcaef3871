"""The ecosystem check (tests/ecosystem): zonefix on the zones real
organisations keep in git, read in place from ../shared/realworld.

- The findings are those of the reviewed snapshot, finding by finding, and
  none is judged wrong (a change fails until it is reviewed again:
  ``python -m tests.ecosystem --update``, then read the new rows).
- Every file reads without a crash and prints back byte for byte.
- ``--write`` (safe fixes, as a pre-commit hook applies them) gives a zone
  BIND loads whenever BIND loaded the file as it was, and adds no finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import needs_named_checkzone
from tests.ecosystem import (
    REALWORLD,
    SNAPSHOT,
    Zone,
    all_findings,
    findings,
    fixed_text,
    manifest,
    named_checkzone,
    octodns_files,
    octodns_findings,
    parse,
    read_snapshot,
    unreviewed,
)

pytestmark = pytest.mark.skipif(
    not (REALWORLD / "manifest.tsv").is_file(),
    reason="../shared/realworld is not present",
)

ZONES = manifest() if (REALWORLD / "manifest.tsv").is_file() else []


def test_findings_are_the_reviewed_ones() -> None:
    reviewed = read_snapshot()
    found = [f.key for f in all_findings()]
    expected = [r.finding.key for r in reviewed]
    if found != expected:
        gone = sorted(set(expected) - set(found))
        new = sorted(set(found) - set(expected))
        pytest.fail(
            "findings differ from the reviewed snapshot "
            f"({SNAPSHOT.name}; review with python -m tests.ecosystem --update):\n"
            + "".join(f"- {k}\n" for k in gone)
            + "".join(f"+ {k}\n" for k in new)
        )


def test_every_finding_is_reviewed_and_none_is_wrong() -> None:
    rows = read_snapshot()
    assert [r.finding for r in unreviewed(rows)] == []
    assert [r.finding for r in rows if r.verdict == "wrong"] == []
    assert all(r.note for r in rows), "every verdict says why"


@pytest.mark.parametrize("zone", ZONES, ids=lambda z: z.file)
def test_reads_and_prints_back_byte_for_byte(zone: Zone) -> None:
    parsed = parse(zone)
    assert parsed.to_bytes() == zone.path.read_bytes()


@needs_named_checkzone
@pytest.mark.parametrize("zone", ZONES, ids=lambda z: z.file)
def test_write_keeps_a_loadable_zone_loadable_and_adds_no_finding(zone: Zone) -> None:
    text, parsed = fixed_text(zone)
    if text == zone.path.read_bytes():
        return
    if named_checkzone(zone):
        assert named_checkzone(zone, text), "BIND loaded the zone before --write"
    import zonefix

    before = {(f.code, f.message) for f in findings(zone, parsed)}
    after = zonefix.parse_text(
        text,
        origin=parsed.origin,
        filename=str(zone.path),
        include_root=zone.repository,
    )
    added = {(f.code, f.message) for f in findings(zone, after)} - before
    assert added == set()


OCTODNS = octodns_files() if (REALWORLD / "manifest.tsv").is_file() else []


@pytest.mark.parametrize("path", OCTODNS, ids=lambda p: p.name)
def test_octodns_zone_reads_and_safe_fixes_add_no_finding(path: Path) -> None:
    from zonefix.formats import octodns
    from zonefix.rules import select_rules

    data = path.read_bytes()
    octo = octodns.read(str(path), data)
    assert octo.to_bytes() == data
    assert octo.zone is not None
    assert len(octo.document.records) > 0
    result = octodns.fix(octo, rules=select_rules())
    assert result.problem is None
    before = {(d.code.code, d.message) for d in octodns_findings(path)}
    assert {(d.code.code, d.message) for d in result.remaining} <= before
