"""Reading the record table's columns (typed arrays) at some records.

PERF: a rule that asks about thousands of records reads their values at C
speed, not through a call per record.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate, repeat
from operator import add, floordiv, itemgetter, mod


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


def all_items_equal_to(column: bytes, item: bytes) -> list[int]:
    """The indices items_equal_to gives, as a list. PERF: the column is
    cut at each match at C speed and the indices summed from the pieces'
    lengths, with no Python step per match (bytes.find's loop) nor per
    item (a compress of them all); where a match falls across two items'
    bytes (an offset no item starts at), items_equal_to finds them one by
    one (a match so placed may hide one that is not)."""
    size = len(item)
    pieces = column.split(item)
    del pieces[-1]  # what follows the last match
    # Where each match starts, in bytes (the first item of accumulate's
    # answer is its initial value, no match's).
    starts = list(accumulate(map(add, map(len, pieces), repeat(size)), initial=-size))
    del starts[0]
    if size > 1 and any(map(mod, starts, repeat(size))):
        return list(items_equal_to(column, item))
    return list(map(floordiv, starts, repeat(size)))


#: The items zero_items copies out at a time (PERF: half a megabyte of
#: 8-byte items, not the whole column of a zone of a million records).
_ZERO_PIECE = 1 << 16


def zero_items(column: array[int]) -> Iterator[int]:
    """The indices of the items of *column* (of integers) that are 0, in
    order: found by bytes.find at C speed, with no int made per item."""
    zero = bytes(column.itemsize)
    for start in range(0, len(column), _ZERO_PIECE):
        piece = column[start : start + _ZERO_PIECE].tobytes()
        for at in items_equal_to(piece, zero):
            yield start + at
