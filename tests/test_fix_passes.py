"""The fixer's shortcuts against its plain passes (zonefix/fixer.py).

fix() takes the SOA serial bump with the first pass's fixes where none of
them touches the SOA record (a read and a run of the rules fewer), and
checks for errors the fixes add with only the rules that report errors.
Whatever it fixes, the result must be what the plain passes give: the bump
in a pass of its own after the fixes, every rule run on both zones.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import FIXTURES, load_fixture
from zonefix import fixer
from zonefix.diagnostics import Diagnostic, Edit
from zonefix.rules import Rule, all_rules, run_rules, select_rules
from zonefix.settings import Settings
from zonefix.zone import Zone

TODAY = datetime.date(2026, 11, 22)
ZONES = sorted(
    p
    for folder in ("rules", "scenarios")
    for p in (FIXTURES / folder).rglob("*.zone")
    if not p.name.endswith(".fixed.zone")
)


def plainly(path: Path, rules: list[Rule]) -> fixer.FixResult:
    """fix() without its shortcuts: the bump after the fixes, every rule
    asked whether the fixes added an error."""
    zone = load_fixture(path)
    settings = Settings(mail=zone.mail_settings)
    first = run_rules(zone, rules, settings)
    every = all_rules()
    errors_added = fixer._errors_added

    def with_every_rule(
        before: Zone,
        after: Zone,
        chosen: Sequence[object],
        first: list[Diagnostic],
        last: list[Diagnostic],
        mapper: fixer._Mapper,
        settings: Settings,
    ) -> list[Diagnostic]:
        every_first = run_rules(before, every, settings)
        every_last = run_rules(after, every, settings)
        return errors_added(
            before, after, every, every_first, every_last, mapper, settings
        )

    fixer._errors_added = with_every_rule
    try:
        result = fixer._fix(
            zone, rules, first, True, True, None, TODAY, settings, fold_bump=False
        )
    finally:
        fixer._errors_added = errors_added
    assert result is not None
    return result


def seen(result: fixer.FixResult) -> tuple[object, ...]:
    return (
        result.text,
        result.applied,
        [str(d) for d in result.remaining],
        result.problem,
        [str(d) for d in result.remaining_in_original],
    )


@pytest.mark.parametrize("select", ["ZF", "ZF0,ZF1"])
@pytest.mark.parametrize("path", ZONES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixing_gives_what_the_plain_passes_give(path: Path, select: str) -> None:
    rules = select_rules(select.split(","))
    quick = fixer.fix(load_fixture(path), rules=rules, unsafe=True, today=TODAY)
    assert seen(quick) == seen(plainly(path, rules))


def test_a_folded_bump_that_misses_the_serial_is_done_again_in_its_own_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # When the fixed zone is read with another serial than the one the
    # folded bump wrote (a fix put another SOA first), fix() starts again
    # with the bump in a pass of its own: the result is the plain passes'.
    path = FIXTURES / "rules" / "ZF107" / "copies.zone"
    rules = select_rules(["ZF"])
    serial_field = fixer._serial_field
    calls: list[int] = []

    def once_missed(zone: Zone) -> object:
        calls.append(1)
        # The check of the folded bump is the only call that passes a zone
        # already fixed; the first such call misses.
        return None if len(calls) == 2 else serial_field(zone)

    monkeypatch.setattr(fixer, "_serial_field", once_missed)
    quick = fixer.fix(load_fixture(path), rules=rules, unsafe=True, today=TODAY)
    monkeypatch.setattr(fixer, "_serial_field", serial_field)
    assert len(calls) >= 3
    assert seen(quick) == seen(plainly(path, rules))
    assert any("bump the SOA serial" in a.message for a in quick.applied)


def every_record_of_entries(zone: Zone) -> dict[int, int]:
    table = zone.table
    first: dict[int, int] = {}
    for i in range(len(table)):
        if table.document[i] == 0:
            first.setdefault(table.entry[i], i)
    return first


ALL_ZONES = sorted(FIXTURES.rglob("*.zone"))


def test_the_record_a_finding_is_at_is_found_by_halving_where_it_can_be() -> None:
    # The fixer tells a finding by the owner of the first record of its
    # entry; in a zone whose every record the top file holds in order, that
    # record is found by halving (no map of every record made): it must be
    # the one the map gives, with $INCLUDE, $GENERATE and no records too.
    shapes = set()
    for path in ALL_ZONES:
        zone = load_fixture(path)
        expected = every_record_of_entries(zone)
        record_at = fixer._first_record_of_entries(zone.table)
        got = {e: record_at(e) for e in range(len(zone.tree) + 1)}
        assert got == {e: expected.get(e) for e in got}, path
        shapes.add(len(zone.table) == zone.table.document.count(0))
    assert shapes == {True, False}


_SPAN = st.tuples(st.integers(0, 20_000), st.integers(0, 9_000)).map(
    lambda s: (s[0], s[0] + (s[1] if s[1] % 3 else 0))  # a third insertions
)


@given(st.lists(st.lists(_SPAN, min_size=1, max_size=3), max_size=40))
def test_spans_filed_by_block_conflict_as_compared_with_every_span(
    fixes: list[list[tuple[int, int]]],
) -> None:
    # The fixes a pass takes: by the blocks their spans are filed under,
    # as by a comparison with every span taken before (spans across many
    # blocks, insertions at a block's edge, spans of one fix that overlap).
    spans = fixer._Spans()
    plain: list[tuple[int, int]] = []
    for mine in fixes:
        expected = any(fixer._overlaps(a, b) for a in mine for b in plain)
        assert any(spans.overlapped(span) for span in mine) == expected
        if not expected:
            plain.extend(mine)
            for span in mine:
                spans.add(span)


# Tables in any order: blocks of records, each one entry's (read one after
# another), of the top file (0) or of an included one.
_BLOCKS = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 12), st.integers(1, 3)), max_size=14
)


@given(_BLOCKS)
def test_the_record_of_an_entry_is_the_maps_in_tables_of_any_order(
    blocks: list[tuple[int, int, int]],
) -> None:
    from array import array
    from types import SimpleNamespace

    seen: set[tuple[int, int]] = set()
    documents, entries = array("H"), array("I")
    for document, entry, records in blocks:
        if (document, entry) in seen:
            continue  # an entry is read once
        seen.add((document, entry))
        documents.extend([document] * records)
        entries.extend([entry] * records)
    expected: dict[int, int] = {}
    for i, (document, entry) in enumerate(zip(documents, entries, strict=True)):
        if document == 0:
            expected.setdefault(entry, i)
    table = SimpleNamespace(entry=entries, document=documents)
    record_at = fixer._first_record_of_entries(table)  # type: ignore[arg-type]
    assert {e: record_at(e) for e in range(14)} == {
        e: expected.get(e) for e in range(14)
    }


def _back_to_front(text: str, edits: Sequence[Edit]) -> str:
    """Edits applied as the fixer first did: each to the text the later
    ones left, last first."""
    for edit in sorted(edits, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


_EDITS = st.text("ab\n", max_size=30).flatmap(
    lambda text: st.tuples(
        st.just(text),
        st.lists(
            st.tuples(
                st.integers(0, len(text)),
                st.integers(0, 3),
                st.sampled_from(["", "x", "yy", "\n"]),
            ).map(lambda e: Edit(e[0], min(len(text), e[0] + e[1]), e[2])),
            max_size=5,
        ),
    )
)


@given(_EDITS)
def test_edits_joined_at_once_give_the_text_applied_one_by_one(
    case: tuple[str, list[Edit]],
) -> None:
    # Insertions at one place, next to a replacement, and (a caller's
    # mistake) overlapping edits all come out as they did one by one.
    text, edits = case
    assert fixer.apply_edits(text, edits) == _back_to_front(text, edits)


@given(st.text("a\n\r", max_size=40), st.lists(st.integers(0, 40), max_size=8))
def test_lines_counted_on_from_the_last_are_counted_from_the_top(
    text: str, offsets: list[int]
) -> None:
    count = fixer._LineCounter(text)
    for offset in offsets:
        offset = min(offset, len(text))
        assert count(offset) == text.count("\n", 0, offset) + 1


def _to_original_each(passes: list[list[tuple[int, int, str]]], offset: int) -> int:
    """_Mapper.to_original as it was: every edit of every pass looked at."""
    for edits in reversed(passes):
        spans = []
        shift = 0
        for start, end, text in sorted(edits):
            new_start = start + shift
            spans.append((new_start, new_start + len(text), start, end))
            shift += len(text) - (end - start)
        shift = 0
        mapped = None
        for new_start, new_end, old_start, old_end in spans:
            if offset < new_start:
                break
            if offset < new_end:
                mapped = old_start
                break
            shift = new_end - old_end
        offset = mapped if mapped is not None else offset - shift
    return offset


_EDIT = st.tuples(
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["", "x", "xyz", "0123456"]),
)


@given(st.lists(st.lists(_EDIT, max_size=6), min_size=1, max_size=3))
@example([[(5, 0, "x"), (5, 2, "xyz"), (7, 0, "")]])
@example([[(2, 6, ""), (4, 1, "xyz")]])
def test_offsets_mapped_back_through_passes_by_halving(
    raw: list[list[tuple[int, int, str]]],
) -> None:
    """fixer._Mapper finds an offset's edit by halving where a pass's edits
    do not overlap, and looks at each in order where they do: the original
    offset of every place in the last text is what looking at every edit
    gives, edits touching, inserted at one place, or overlapping."""
    passes = [
        [(start, start + length, text) for start, length, text in edits]
        for edits in raw
    ]
    mapper = fixer._Mapper()
    for edits in passes:
        mapper.add_pass([Edit(start, end, text) for start, end, text in edits])
    for offset in range(0, 80):
        assert mapper.to_original(offset) == _to_original_each(passes, offset), offset
