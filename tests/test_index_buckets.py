"""The index's owner-hash buckets made from the hashes' low bytes are what
masking each hash gives (zonefix.index.low_bits), and the buckets they
make hold every record of every fixture, corpus and real zone once."""

from __future__ import annotations

from array import array
from collections.abc import Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.test_fastpath import zones
from zonefix import columns
from zonefix.index import low_bits
from zonefix.zone import Zone

_INT64 = st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1)


@given(st.lists(_INT64, max_size=40), st.integers(min_value=0, max_value=28))
@example([-1, 1 << 62, -(1 << 63), 0x00FF_FF00, 0x0123_4567], 15)
@example([-1, 0x0AB_CDEF], 20)
@example([-1, 0xFFFF], 4)
def test_low_bits_are_each_hash_masked(hashes: list[int], bits: int) -> None:
    mask = (1 << bits) - 1
    column = array("q", hashes)
    found = low_bits(column, mask)
    assert found.typecode == "I"
    assert list(found) == [value & mask for value in hashes]


@pytest.fixture(scope="module")
def every_zone() -> list[tuple[str, Callable[[], Zone]]]:
    return list(zones())


def test_buckets_hold_every_record_once(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    for name, load in every_zone:
        index = load().index
        hashes = index.owner_hashes
        mask, starts, order = index._by_owner_hash
        assert sorted(order) == list(range(len(hashes))), name
        for bucket in range(mask + 1):
            records = order[starts[bucket] : starts[bucket + 1]]
            assert list(records) == sorted(records), name
            assert all(hashes[i] & mask == bucket for i in records), name


@given(
    st.sampled_from(["b", "B", "h", "H", "i", "I", "q", "Q"]),
    st.lists(st.integers(min_value=0, max_value=3), max_size=60),
    st.integers(min_value=1, max_value=7),
)
@example("q", [0, 2, 1, 0, 3, 2, 0], 2)
def test_zero_items_are_the_items_equal_to_0(
    typecode: str, seeds: list[int], piece: int
) -> None:
    """zero_items finds what a look at each item finds, in pieces that end
    anywhere, and not a run of zero bytes across two items."""
    size = array(typecode).itemsize
    # Items with zero bytes at either end, so that runs cross items.
    shapes = [0, 1, 1 << (8 * size - 8), (1 << (8 * size - 8)) + 1]
    column = array(typecode, [shapes[s] if s else 0 for s in seeds])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_ZERO_PIECE", piece)
        found = list(columns.zero_items(column))
    assert found == [i for i, value in enumerate(column) if value == 0]
