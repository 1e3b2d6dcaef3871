"""What the index of a zone read again after a fix takes over from the
index of the zone it was read from.

A fix pass changes a dozen records of a zone of 100,000, and zonefix.bind.
reread keeps the others, moved (``kept``: old records [first, end) are the
new table's records [first + shift, end + shift)). The rules then run again
on the new zone, and two of the index's structures cost the most to build
from nothing: the owner-hash buckets and the RRset suspects (ZF107,
ZF108). Both depend only on each record's owner hash, type, TTL and rdata
hash; where the kept records hold the same values in both tables, the new
structures are the old ones with the kept records moved and the changed
owners worked out again. Anything else (the old index never built them, a
kept record's values differ, the buckets' mask differs, many changes)
gives None, and the index builds them from nothing.
tests/test_reread.py holds the two ways equal on every fix pass it reads.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zonefix.index import Buckets, ZoneIndex

#: Beyond this share of the records changed (and this many), building anew
#: costs less.
_AT_MOST_ONE_IN = 16
_FEW = 64


@dataclass(frozen=True)
class _Changes:
    #: Old records the new table does not hold, and new records read anew.
    gone: list[int]
    new: list[int]
    #: The owner hashes of those records: the owners whose RRsets changed.
    owners: frozenset[int]


def carried(
    old: ZoneIndex, kept: Sequence[tuple[int, int, int]], records: int
) -> Carried | None:
    """What a zone of *records* records, re-read keeping *kept* of *old*'s
    index's records, may take over; None where its kept ranges are many
    (PERF: a fix pass of thousands of edits is cheaper to index anew than
    to follow range by range, and its ranges are not held)."""
    if len(kept) > max(_FEW, records // _AT_MOST_ONE_IN):
        return None
    return Carried(old, kept)


class Carried:
    """The old index, and what the re-read kept of its records."""

    def __init__(self, old: ZoneIndex, kept: Sequence[tuple[int, int, int]]) -> None:
        self.old = old
        self.kept = sorted(kept)
        self._changes: tuple[_Changes | None] | None = None

    def changes(self, new: ZoneIndex) -> _Changes | None:
        """What changed between the old table and *new*'s, where the kept
        records hold the same values in both; None where they do not.
        Worked out once: a Carried serves the one zone the re-read made
        (*new* is that zone's index, whichever structure asks)."""
        if self._changes is None:
            self._changes = (self._changes_for(new),)
        return self._changes[0]

    @cached_property
    def _edges(self) -> list[int]:
        """The kept ranges' firsts and ends, in order: an old record is kept
        where bisect_right of it here is odd."""
        return [at for first, end, _ in self.kept for at in (first, end)]

    @cached_property
    def _shifts(self) -> list[int]:
        """The kept ranges' shifts, in _edges' order of ranges."""
        return [shift for _, _, shift in self.kept]

    def _changes_for(self, new: ZoneIndex) -> _Changes | None:
        old = self.old
        old_table, new_table = old._table, new._table
        old_hashes, new_hashes = old.owner_hashes, new.owner_hashes
        for first, end, shift in self.kept:
            if first >= end:
                continue
            there = slice(first + shift, end + shift)
            here = slice(first, end)
            if (
                old_hashes[here] != new_hashes[there]
                or old_table.rdtype[here] != new_table.rdtype[there]
                or old_table.ttl[here] != new_table.ttl[there]
                or old_table.rdata_hash[here] != new_table.rdata_hash[there]
            ):
                return None
        gone = _not_kept(self.kept, len(old_hashes))
        moved_to = [(first + shift, end + shift, 0) for first, end, shift in self.kept]
        new_records = _not_kept(moved_to, len(new_hashes))
        most = max(_FEW, len(new_hashes) // _AT_MOST_ONE_IN)
        if len(gone) + len(new_records) > most:
            return None
        owners = frozenset(
            [*(old_hashes[i] for i in gone), *(new_hashes[i] for i in new_records)]
        )
        return _Changes(gone, new_records, owners)

    def moved(self, records: Sequence[int]) -> list[int]:
        """The new numbers of old *records*, each of them kept."""
        edges, shifts = self._edges, self._shifts
        out = []
        for record in records:
            at = bisect_right(edges, record)
            if not at % 2:
                # Only kept records are asked about (a gone one's bucket is
                # made again, its owner's suspects worked out again).
                raise ValueError(f"old record {record} was not kept")
            out.append(record + shifts[at // 2])
        return out

    def buckets(self, new: ZoneIndex, mask: int) -> Buckets | None:
        """The new index's owner-hash buckets (of this *mask*) from the old
        one's; None where they cannot be had so."""
        from zonefix.index import FullBuckets

        old = self.old
        base: Buckets
        if "_buckets" in old.__dict__:
            base = old._buckets
        elif "_by_owner_hash" in old.__dict__:
            base = FullBuckets(*old._by_owner_hash)
        else:
            return None
        changes = self.changes(new)
        if changes is None or base.mask != mask:
            return None
        return _MovedBuckets(base, self, changes, new.owner_hashes)

    def rrset_suspects(self, new: ZoneIndex) -> tuple[array[int], array[int]] | None:
        """The new index's rrset_suspects from the old one's: the old
        suspects of owners no record of which changed, moved, and those of
        the changed owners worked out again; None where they cannot be had
        so."""
        old = self.old
        if "rrset_suspects" not in old.__dict__:
            return None
        changes = self.changes(new)
        if changes is None:
            return None
        owners = changes.owners
        old_hashes = old.owner_hashes
        found: list[array[int]] = []
        for suspects in old.rrset_suspects:
            stay = [i for i in suspects if old_hashes[i] not in owners]
            found.append(array("I", self.moved(stay)))
        # Every record of the changed owners: their RRsets whole.
        records = sorted(new._with_owner_hashes(set(owners))) if owners else []
        copies, mixed = new.suspects_among(records)
        return (
            array("I", sorted([*found[0], *copies])),
            array("I", sorted([*found[1], *mixed])),
        )


def _not_kept(kept: list[tuple[int, int, int]], count: int) -> list[int]:
    """The records of a table of *count* records that none of the *kept*
    ranges [first, end) holds."""
    out: list[int] = []
    at = 0
    for first, end, _ in kept:
        out.extend(range(at, first))
        at = max(at, end)
    out.extend(range(at, count))
    return out


class _MovedBuckets:
    """An old zone's buckets with the new zone's record numbers: a bucket
    that lost or gained a record made again at once, any other's records
    renumbered as they are asked for (PERF: a fix pass's look-ups ask for a
    few thousand buckets of tens of thousands)."""

    def __init__(
        self,
        old: Buckets,
        carried: Carried,
        changes: _Changes,
        new_hashes: Sequence[int],
    ) -> None:
        self.mask = mask = old.mask
        self._old = old
        self._moved = carried.moved
        old_hashes = carried.old.owner_hashes
        gone = set(changes.gone)
        remade: dict[int, list[int]] = defaultdict(list)
        for record in changes.new:
            remade[new_hashes[record] & mask].append(record)
        for record in changes.gone:
            remade[old_hashes[record] & mask]
        for bucket, members in remade.items():
            stay = [r for r in old.records_of([bucket]) if r not in gone]
            members += self._moved(stay)
            members.sort()
        self._remade = dict(remade)

    def records_of(self, buckets: Sequence[int]) -> list[int]:
        remade = self._remade
        kept = [bucket for bucket in buckets if bucket not in remade]
        found = self._moved(self._old.records_of(kept)) if kept else []
        for bucket in buckets:
            if bucket in remade:
                found += remade[bucket]
        return found
