"""The RRset suspects worked out over runs of records (zonefix.rrset_runs)
held to those the owner-hash buckets' pieces give (ZoneIndex._suspects_in
over every bucket): every fixture, corpus and real zone, and generated
zones whose records are written in any order, with copies, TTLs that
differ, and records whose rdata is not hashed ($GENERATE)."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zonefix
import zonefix.index
from tests.conftest import CORPUS
from tests.test_fastpath import zones
from zonefix import rrset_runs
from zonefix.zone import Zone

Suspects = tuple[list[int], list[int]]


def _both_ways(zone: Zone) -> tuple[Suspects | None, Suspects]:
    """(the runs' suspects, or None where they give none; the pieces')."""
    index = zone.index
    table = zone.table
    runs = index.suspects_by_runs()
    copies: list[int] = []
    mixed: list[int] = []
    index._suspects_in(range(len(table)), copies, mixed)
    pieces = (sorted(copies), sorted(mixed))
    if runs is None:
        return None, pieces
    return (list(runs[0]), list(runs[1])), pieces


def _written_apart(zone: Zone) -> bool:
    """Whether some RRset key's records are not one after another."""
    index = zone.index
    keys = [h ^ t for h, t in zip(index.owner_hashes, zone.table.rdtype, strict=True)]
    starts = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    return len(set(starts)) < len(starts)


@pytest.fixture(scope="module")
def every_zone() -> list[tuple[str, Callable[[], Zone]]]:
    return list(zones())


def test_runs_give_the_pieces_suspects_on_every_zone(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """Every fixture, corpus and real zone whose RRsets are each one run:
    the same copies and mixed TTLs, in file order; the others give None."""
    by_runs = with_suspects = 0
    for name, load in every_zone:
        zone = load()
        runs, pieces = _both_ways(zone)
        assert (runs is None) == _written_apart(zone), name
        if runs is None:
            continue
        by_runs += 1
        assert runs == pieces, name
        with_suspects += bool(pieces[0] or pieces[1])
    # The fixtures alone (../shared absent) give some 290 and 13.
    shared = (CORPUS / "ORACLE.tsv").is_file()
    assert by_runs > (500 if shared else 250)
    assert with_suspects > (50 if shared else 10)


_OWNERS = ["a", "A", "b", "a.example.net.", "*.b"]
_RDATA = [
    "A 192.0.2.1",
    "A 192.0.2.2",
    "A ( 192.0.2.1 )",
    'TXT "x"',
    "TXT x",
    "TXT y",
    "MX 10 mail",
    "MX 10 mail.example.net.",
    "MX 20 mail",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_OWNERS),
            st.sampled_from(["", "300", "301", "600", "86400", "86401"]),
            st.sampled_from(_RDATA),
        ),
        max_size=14,
    ),
    st.booleans(),
    st.booleans(),
)
def test_runs_give_the_pieces_suspects_in_generated_zones(
    records: list[tuple[str, str, str]], grouped: bool, generate: bool
) -> None:
    """Records in any order, or grouped by owner and type (one run each),
    with copies written every way, TTLs that differ, and $GENERATE records
    (their rdata unhashed): the runs give the pieces' suspects, and None
    only where some RRset is written apart."""
    if grouped:
        records = sorted(records, key=lambda r: (r[0].lower(), r[2].split()[0]))
    text = "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
    text += "".join(f"{owner} {ttl} {rdata}\n" for owner, ttl, rdata in records)
    if generate:
        text += "$GENERATE 1-2 a A 192.0.2.$\n$GENERATE 1-1 a TXT x\n"
    zone = zonefix.parse_text(text)
    runs, pieces = _both_ways(zone)
    assert (runs is None) == _written_apart(zone)
    if runs is not None:
        assert runs == pieces


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([(2, "H"), (4, "I"), (8, "Q")]).flatmap(
        lambda size: st.tuples(
            st.just(size),
            st.lists(st.integers(0, (1 << (8 * size[0])) - 1), min_size=1),
        )
    )
)
def test_changes_are_the_items_that_differ_from_the_one_before(
    case: tuple[tuple[int, str], list[int]],
) -> None:
    """_changes over a column's bytes: 1 for each item (after the first)
    that differs from the one before it, else 0, whatever bytes differ."""
    (size, typecode), items = case
    # Runs of one item, and items that differ in one byte only.
    items = [item for item in items for _ in range(1 + item % 3)]
    items += [items[-1] ^ (0xFF << 8 * (len(items) % size))]
    as_int = int.from_bytes(array(typecode, items).tobytes(), "little")
    found = rrset_runs._changes(as_int, len(items), size)
    assert list(found) == [int(a != b) for a, b in pairwise(items)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from(
                [0, 1, 255, 256, 300, 301, 1 << 16, 1 << 24, (1 << 32) - 1]
            ),
        ),
        min_size=2,
        max_size=30,
    )
)
def test_mixed_ttls_are_the_runs_whose_ttls_differ(
    records: list[tuple[int, int]],
) -> None:
    """_mixed_ttls: every record of each run (records one after another of
    one key) in which some TTL differs from another, whatever bytes of the
    TTLs differ."""
    keys = [key for key, _ in records]
    ttls = array("I", [ttl for _, ttl in records])
    same = bytes(int(a == b) for a, b in pairwise(keys))
    want: list[int] = []
    first = 0
    for end in range(1, len(keys) + 1):
        if end == len(keys) or not same[end - 1]:
            if len(set(ttls[first:end])) > 1:
                want.extend(range(first, end))
            first = end
    assert list(rrset_runs._mixed_ttls(ttls, same)) == want


def test_a_zone_beyond_the_limit_takes_the_pieces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond _AT_MOST records the runs give None (their sets of ints would
    hold more than the buckets' pieces), and rrset_suspects is the
    pieces'."""
    text = "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n"
    text += "a A 192.0.2.1\na A 192.0.2.1\nb 600 A 192.0.2.1\nb A 192.0.2.2\n"
    zone = zonefix.parse_text(text)
    runs, pieces = _both_ways(zone)
    assert runs == pieces == ([1, 2], [3, 4])
    monkeypatch.setattr(rrset_runs, "_AT_MOST", 4)
    zone = zonefix.parse_text(text)
    assert _both_ways(zone)[0] is None
    copies, mixed = zone.index.rrset_suspects
    assert (list(copies), list(mixed)) == pieces
