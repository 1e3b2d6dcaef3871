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
    format_files,
    format_findings,
    manifest,
    named_checkzone,
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


FORMATS = format_files() if (REALWORLD / "manifest.tsv").is_file() else []


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: p.name)
def test_export_reads_and_safe_fixes_add_no_finding(path: Path) -> None:
    """Every real export of another format (octoDNS, Google Cloud DNS)."""
    from zonefix.document import ReadSettings
    from zonefix.formats import HEAD, bridge, reader_for
    from zonefix.rules import select_rules

    data = path.read_bytes()
    reader = reader_for(path.name, data[:HEAD])
    assert reader is not None
    bridged = bridge.Bridged(reader(str(path), data, ReadSettings()))
    assert bridged.to_bytes() == data
    assert bridged.zone is not None
    assert len(bridged.document.records) > 0
    result = bridge.fix(
        bridged,
        rules=select_rules(),
        reread=lambda again: reader(str(path), again, ReadSettings()),
    )
    assert result.problem is None
    before = {(d.code.code, d.message) for d in format_findings(path)}
    assert {(d.code.code, d.message) for d in result.remaining} <= before
