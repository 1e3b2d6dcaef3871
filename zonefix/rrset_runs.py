"""The RRset suspects (ZF107, ZF108) of a zone whose RRsets are each
written in one run of records, worked out over the columns' bytes.

Nearly every zone writes an owner's records together, so the records of
one RRset key (owner hash XOR type, as ZoneIndex.rrset_suspects keys them)
follow one another. Then a record's RRset is its run, and what
rrset_suspects asks is seen by comparing each record with the one before
it: a TTL that changes inside a run is an RRset of two TTLs, and only a
record whose run holds another can be a copy. PERF: those comparisons
are made on the columns' bytes as big integers (an XOR of two columns is
one C loop), so a record costs a few bytes' work where a piece of the
owner-hash buckets costs tuples and sets of ints per record; ints are made
only to count the distinct keys (is every key one run?) and the distinct
key XOR rdata hash of records in runs of two or more (is any a copy?).
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, MutableSequence, Sequence
from itertools import compress
from operator import and_

from zonefix.columns import items_equal_to, zero_items

# Beyond this many records, the sets of ints this costs (some 60 bytes a
# record) are more than the owner-hash buckets' pieces hold: None.
_AT_MOST = 1 << 18

# bytes.translate tables: any byte but 0 to 1; and 0 to 1, 1 to 0.
_NONZERO = bytes([0] + [1] * 255)
_FLIP = bytes([1, 0] + [0] * 254)

SuspectsIn = Callable[[Sequence[int], MutableSequence[int], MutableSequence[int]], None]


def suspects_in_runs(
    owner_hashes: array[int],
    rdtypes: array[int],
    ttls: array[int],
    rdata_hashes: array[int],
    suspects_in: SuspectsIn,
) -> tuple[array[int], array[int]] | None:
    """ZoneIndex.rrset_suspects (copies, mixed TTLs) of a zone with these
    columns where each RRset key's records are one run; None where some
    key's records are written apart, or the columns are not of the sizes
    read here. *suspects_in* is ZoneIndex._suspects_in, which looks at the
    runs where a copy may be."""
    count = len(rdtypes)
    if count > _AT_MOST or not _readable(owner_hashes, rdtypes, ttls, rdata_hashes):
        return None
    if count < 2:
        return array("I"), array("I")
    key_value = _keys(owner_hashes, rdtypes)
    keys = key_value.to_bytes(8 * count, "little")
    # same[i] is 1 where record i + 1 is of record i's key (continues its
    # run), else 0.
    same = _changes(key_value, count, 8).translate(_FLIP)
    runs = count - same.count(1)
    if len(set(memoryview(keys).cast("Q"))) != runs:
        return None  # a key whose records are in two runs or more
    mixed_ttls = _mixed_ttls(ttls, same)
    return _copies(key_value, keys, same, rdata_hashes, suspects_in), mixed_ttls


def _readable(*columns: array[int]) -> bool:
    """Whether the columns are of the item sizes read here (8, 2, 4 and 8
    bytes) in little-endian order."""
    sizes = tuple(column.itemsize for column in columns)
    return sys.byteorder == "little" and sizes == (8, 2, 4, 8)


def _as_int(data: bytes | bytearray) -> int:
    return int.from_bytes(data, "little")


def _keys(owner_hashes: array[int], rdtypes: array[int]) -> int:
    """The records' keys, owner hash XOR type, 8 bytes each, as one int
    (little-endian: record i's key is bits 64 i to 64 i + 63)."""
    types = bytearray(8 * len(rdtypes))
    raw = rdtypes.tobytes()
    types[0::8] = raw[0::2]
    types[1::8] = raw[1::2]
    return _as_int(owner_hashes.tobytes()) ^ _as_int(types)


def _changes(items: int, count: int, size: int) -> bytes:
    """For *count* items of *size* bytes (*items*, as one little-endian
    int): a byte per item after the first, 1 where it differs from the
    item before it, else 0."""
    differ = items ^ (items >> (8 * size))  # item i XOR item i + 1
    width = size * (count - 1)
    nonzero = differ.to_bytes(size * count, "little")[:width].translate(_NONZERO)
    found = 0
    for byte in range(size):
        found |= _as_int(nonzero[byte::size])
    return found.to_bytes(count - 1, "little")


def _mixed_ttls(ttls: array[int], same: bytes) -> array[int]:
    """The records of runs whose TTLs differ (4-byte *ttls*; *same* as
    suspects_in_runs makes it), in file order. PERF: a zone has none,
    which one AND of the TTLs that change with the runs tells."""
    count = len(ttls)
    items = _as_int(ttls.tobytes())
    in_runs = bytearray(4 * (count - 1))
    in_runs[0::4] = same
    if not (items ^ (items >> 32)) & (_as_int(in_runs) * 0xFFFFFFFF):
        return array("I")
    mixed_at = _as_int(_changes(items, count, 4)) & _as_int(same)
    changed = items_equal_to(mixed_at.to_bytes(count - 1, "little"), b"\x01")
    return array("I", runs_holding((i + 1 for i in changed), same))


def _copies(
    key_value: int,
    keys: bytes,
    same: bytes,
    rdata_hashes: array[int],
    suspects_in: SuspectsIn,
) -> array[int]:
    """The copy suspects: where no two records of a run share a key XOR
    rdata hash, and none has a hash of 0, none; else those of the runs
    where one does, as suspects_in finds them. (*key_value* is *keys* as
    one int.)"""
    count = len(keys) // 8
    raw_hashes = rdata_hashes.tobytes()
    combined = (key_value ^ _as_int(raw_hashes)).to_bytes(len(keys), "little")
    # A record with another in its run: the one after it, or before it.
    follows = _as_int(same)
    paired = (follows | follows << 8).to_bytes(count, "little")
    values = memoryview(combined).cast("Q")
    members = paired.count(1)
    distinct = set(compress(values, paired))
    unread = [i for i in zero_items(rdata_hashes) if paired[i]]
    if len(distinct) == members and not unread:
        return array("I")
    del distinct
    looked: Iterable[int] = unread
    times = Counter(compress(values, paired))
    repeated = {value for value, seen in times.items() if seen > 1}
    if repeated:
        again = map(repeated.__contains__, values)
        looked = sorted({*unread, *compress(range(count), map(and_, again, paired))})
    copies: list[int] = []
    suspects_in(runs_holding(looked, same), copies, [])
    return array("I", sorted(copies))


def runs_holding(records: Iterable[int], same: Sequence[int]) -> list[int]:
    """Every record of the runs that hold *records* (ascending), each run
    once, in file order: record i + 1 is in record i's run where
    *same[i]*."""
    out: list[int] = []
    end = 0
    for record in records:
        if record < end:
            continue  # in the run just taken
        first = record
        while first and same[first - 1]:
            first -= 1
        end = record + 1
        while end <= len(same) and same[end - 1]:
            end += 1
        out.extend(range(first, end))
    return out
