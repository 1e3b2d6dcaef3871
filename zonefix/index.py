"""Owner identities and rdata keys for the rules that compare records.

The resolver keeps records as compact arrays, and a dnspython name or rdata
per record is what makes a big zone slow and heavy (dns.zone's 750 MB for a
million records). So rules that compare records work in two steps: a cheap
64-bit hash per record (of its canonical owner text) finds the few records
that could be related, and only those get their exact owner key and rdata
key (zonefix.bind.fastpath: equal keys, equal rdata; read from the text).
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import (
    Callable,
    Container,
    Iterable,
    Iterator,
    Mapping,
    MutableSequence,
    Sequence,
)
from functools import cache, cached_property
from itertools import accumulate, chain, compress, repeat
from operator import (
    add,
    and_,
    attrgetter,
    contains,
    eq,
    getitem,
    gt,
    is_,
    is_not,
    itemgetter,
    lt,
    not_,
    or_,
    xor,
)
from typing import TYPE_CHECKING, Protocol, cast

from zonefix.bind import fastpath
from zonefix.bind.facts import PLAIN_LABEL_CHARACTER, PLAIN_NAME
from zonefix.bind.fastpath import RdataKey
from zonefix.bind.resolver import LONG_STRING, split_fields, to_dns_text, type_or_none
from zonefix.columns import all_items_equal_to, items_at, items_equal_to, zero_items
from zonefix.dotless import TARGET_FIELDS as TARGET_FIELDS
from zonefix.rrset_runs import suspects_in_runs

_PLAIN_NAME = re.compile(PLAIN_NAME)

# A first word that ends at a blank or a line's end, with nothing in it the
# grammar reads specially (quotes, escapes, parentheses, a comment).
_PLAIN_WORD = re.compile(r'[^\s"\\();]+(?=[ \t\r\n]|$)')

if TYPE_CHECKING:
    import dns.name
    import dns.rdata

    from zonefix.dotless import DotlessName
    from zonefix.zone import Zone


# A first word that is a plain name (name_key's _PLAIN_NAME) ending at a
# blank or a line's end: an owner whose key is its text (PERF: owner_key's
# usual case in one match).
_PLAIN_OWNER = re.compile(PLAIN_NAME + r"(?=[ \t\r\n]|$)")


class ZoneIndex:
    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        # PERF: what every look-up reads, bound once (the zone's are
        # properties).
        self._table = zone.table
        self._documents = zone._resolved.documents
        self._origin_texts: dict[int, str] = {}
        self._origin_keys: dict[int, str | None] = {}
        self._with_type: dict[int, list[tuple[list[int], list[int]]]] = {}
        self._dotless: list[DotlessName] | None = None
        self._named: dict[str, Sequence[int]] = {}
        self._of_type: dict[int, array[int]] = {}
        self._keys_of_type: dict[int, list[str | None]] = {}
        self._not_plain_of_type: dict[int, frozenset[str | None]] = {}
        self._glue_owners: array[int] | None = None

    def fields(self, index: int) -> list[str]:
        """Record *index*'s fields as written (not for $GENERATE records)."""
        table = self._table
        tree = self._documents[table.document[index]].tree
        return split_fields(tree.text, *tree.span(table.entry[index]))

    def first_word(self, index: int) -> str:
        """The first field of record *index*'s entry, as fields() gives it
        (PERF: a plain word is matched, not the entry split)."""
        table = self._table
        tree = self._documents[table.document[index]].tree
        plain = _PLAIN_WORD.match(tree.text, tree.entry_starts[table.entry[index]])
        return plain.group() if plain is not None else self.fields(index)[0]

    def owner_run(self, ref: int) -> range:
        """Record *ref* and the records right after it whose owner field is
        *ref*'s (RecordTable.owner_ref: a blank owner repeating it, or the
        same owner written again), as far as they go in its file; none
        where *ref*'s own owner field is an earlier record's."""
        owner_ref = self._table.owner_ref
        count = len(owner_ref)
        at = ref
        while at < count and owner_ref[at] == ref:
            at += 1
        return range(ref, at)

    def rdata_words(self, index: int) -> list[str]:
        """The rdata fields of record *index*, as written (or generated)."""
        table = self._table
        if index in table.generated:
            return self.rdata(index).to_text().split()
        return self.fields(index)[table.rdata_field[index] :]

    def name_key(self, word: str, index: int) -> str:
        """The canonical text (lower-case, absolute) of a name written as
        *word* in record *index*, like owner_key."""
        origin_text = self._origin_text(self._table.origin[index])
        if word == "@":
            return origin_text
        if not word.isascii() or not _PLAIN_NAME.fullmatch(word):
            # dnspython writes these characters escaped (\@, \012, \"):
            # the key must be its text, or one name gets two keys.
            import dns.name

            origin = self.zone._resolved.in_force[self._table.origin[index]]
            name = dns.name.from_text(
                to_dns_text(word), None if origin is None else origin.name
            )
            return name.to_text().lower()
        word = word.lower()
        if word.endswith("."):
            return word
        return f"{word}." if origin_text == "." else f"{word}.{origin_text}"

    def owner_key(self, index: int) -> str:
        """Record *index*'s owner as canonical text: lower-case, absolute.
        Equal keys are equal names."""
        table = self._table
        ref = table.owner_ref[index]
        if ref < 0 or ref in table.generated:
            return self.zone.records.owner(index).to_text().lower()
        # PERF: the owner is the entry's first word; only a word the grammar
        # must read (a quote, an escape, a parenthesis) needs every field.
        tree = self._documents[table.document[ref]].tree
        start = tree.entry_starts[table.entry[ref]]
        name = _PLAIN_OWNER.match(tree.text, start)
        if name is not None:
            # name_key's usual case, inline.
            word = name.group().lower()
            if word[-1] == ".":
                return word
            origin_text = self._origin_texts.get(table.origin[ref])
            if origin_text is None:
                origin_text = self._origin_text(table.origin[ref])
            return f"{word}." if origin_text == "." else f"{word}.{origin_text}"
        plain = _PLAIN_WORD.match(tree.text, start)
        if plain is not None:
            return self.name_key(plain.group(), ref)
        return self.name_key(self.fields(ref)[0], ref)

    def owner_keys(self, indices: Sequence[int]) -> list[str]:
        """owner_key of each of *indices*, in their order.

        PERF: each written owner's key is read once (blank-owner records
        share it), and the usual ones -- a plain first word in a file's
        text -- by maps over the columns at C speed, with no Python step
        per record: thousands of owners a rule asks about cost some tenth
        of owner_key's call each. Others are owner_key's."""
        table = self._table
        refs = items_at(table.owner_ref, indices)
        generated = table.generated
        if not generated and (not refs or min(refs) >= 0):
            # PERF: the usual zone (no $GENERATE, no broken owner lines).
            written: dict[int, str] = dict.fromkeys(refs, "")
            if len(written) == len(refs):
                return list(self._written_owner_keys(list(refs)))
            distinct = list(written)
            found = self._written_owner_keys(distinct)
            written.update(zip(distinct, found, strict=True))
            return list(map(written.__getitem__, refs))
        written = dict.fromkeys(refs, "")
        # Anchors (a broken record's owner) and $GENERATE records: read
        # record by record.
        odd = set(compress(written, map(gt, repeat(0), written)))
        if generated:
            odd.update(generated.keys() & written.keys())
        plain = list(compress(written, map(not_, map(odd.__contains__, written))))
        written.update(zip(plain, self._written_owner_keys(plain), strict=True))
        keys: list[str] = list(map(written.__getitem__, refs))
        if odd:
            for at in compress(range(len(refs)), map(odd.__contains__, refs)):
                keys[at] = self.owner_key(indices[at])
        return keys

    def _written_owner_keys(self, refs: list[int]) -> Iterable[str]:
        """The keys of the owners written at records *refs* (each one's own
        owner, none of them generated), in their order."""
        if not refs:
            return []
        table = self._table
        documents = items_at(table.document, refs)
        first = documents[0]
        if documents.count(first) == len(documents):
            return self._keys_written_in(first, refs)
        # Several files ($INCLUDE): each file's owners read from its text.
        keys: dict[int, str] = {}
        for document, in_it in _by_document(refs, documents).items():
            found = self._keys_written_in(document, in_it)
            keys.update(zip(in_it, found, strict=True))
        return map(keys.__getitem__, refs)

    def _keys_written_in(self, document: int, refs: list[int]) -> list[str]:
        """The keys of the owners written at records *refs* of *document*:
        owner_key's usual case (a plain name at the entry's start) at C
        speed, owner_key itself for the others. PERF: read a few thousand
        at a time (their matches are held only that long)."""
        if len(refs) <= _OWNERS_AT_ONCE:
            return self._keys_of_piece(document, refs)
        keys: list[str] = []
        for piece in _pieces(refs, _OWNERS_AT_ONCE):
            keys += self._keys_of_piece(document, piece)
        return keys

    def _keys_of_piece(self, document: int, refs: list[int]) -> list[str]:
        table = self._table
        tree = self._documents[document].tree
        starts = items_at(tree.entry_starts, items_at(table.entry, refs))
        matches = list(map(_PLAIN_OWNER.match, repeat(tree.text), starts))
        unusual = matches.count(None)
        usual = cast(
            "Iterable[re.Match[str]]",
            compress(matches, matches) if unusual else matches,
        )
        # A relative name is followed by its origin (owner_key's text).
        at = list(compress(refs, matches)) if unusual else refs
        origins = items_at(table.origin, at)
        first = origins[0] if origins else 0
        text = self._origin_text(first) if origins else ""
        elsewhere: list[int] = []
        if origins and origins.count(first) != len(origins) and not unusual:
            # Several origins (a zone's parts under $ORIGIN lines, most of
            # them the apex's again): the words under another text than the
            # first's are few, keyed as under the first's and put right
            # after (PERF: the one text's way below, not a suffix looked
            # up and added word by word: some 30% less for the piece).
            other = {o for o in set(origins) if self._origin_text(o) != text}
            if other:
                elsewhere = list(
                    compress(range(len(origins)), map(other.__contains__, origins))
                )
        if (
            origins
            and not unusual
            and "\0" not in text
            and len(elsewhere) <= len(origins) // _ELSEWHERE_PAST_ONE_IN
        ):
            # PERF: one origin's text (the usual zone): the words lower-cased,
            # and the origin put after each relative one, as one text.
            suffix = "." if text == "." else f".{text}"
            joined = "\n".join(map(re.Match.group, usual)).lower() + "\n"
            # PERF: three str.replace, not a regex's look behind each line's
            # end (some 40% of the piece's cost): an absolute name's end is
            # set aside (NUL is in no plain name; the origin's text is
            # checked), the origin put after every other, the ends put back.
            joined = joined.replace(".\n", ".\0").replace("\n", f"{suffix}\n")
            keys = joined.replace(".\0", ".\n")[:-1].split("\n")
            for at_word in elsewhere:
                word = matches[at_word].group().lower()  # type: ignore[union-attr]
                if not word.endswith("."):
                    text = self._origin_text(origins[at_word])
                    keys[at_word] = word + ("." if text == "." else f".{text}")
            return keys
        words = list(map(str.lower, map(re.Match.group, usual)))
        after: dict[int, tuple[str, str]] = {}
        for origin_id in set(origins):
            text = self._origin_text(origin_id)
            after[origin_id] = ("." if text == "." else f".{text}", "")
        absolute = map(str.endswith, words, repeat("."))
        suffixes = map(getitem, map(after.__getitem__, origins), absolute)
        keys = list(map(add, words, suffixes))
        if unusual:
            found = iter(keys)
            keys = [
                next(found) if match is not None else self.owner_key(ref)
                for match, ref in zip(matches, refs, strict=True)
            ]
        return keys

    def _origin_text(self, origin_id: int) -> str:
        text = self._origin_texts.get(origin_id)
        if text is None:
            origin = self.zone._resolved.in_force[origin_id]
            text = self._origin_texts[origin_id] = (
                origin.text.lower() if origin is not None else ""
            )
        return text

    @cached_property
    def owner_hashes(self) -> array[int]:
        """A hash of each record's owner key, in record order (8 bytes each):
        the table's, with those reading left out (0) worked out here."""
        hashes = self._table.owner_hash
        # Filled in place: a cache of what the column would hold. PERF: the
        # few records left out found at C speed, not by a look at each.
        last_ref, last_hash = None, 0
        owner_ref = self._table.owner_ref
        for index in list(zero_items(hashes)):
            ref = owner_ref[index]
            if ref != last_ref or ref < 0:
                last_ref, last_hash = ref, hash(self.owner_key(index))
            hashes[index] = last_hash
        return hashes

    def rdata_hash(self, index: int) -> int:
        """A hash of record *index*'s rdata key (equal rdata, equal hash)."""
        found = self._table.rdata_hash[index]
        return found if found else hash(self.rdata_key(index))

    def records_named(self, key: str) -> Sequence[int]:
        """The records whose owner key is *key*, in file order. A name not
        looked up before is looked for in its owner hash's bucket."""
        found = self._named.get(key)
        if found is None:
            found = self.records_at([key])[key]
        return found

    def records_at(
        self, keys: Iterable[str], keep: bool = True
    ) -> dict[str, Sequence[int]]:
        """The records at each of *keys* (owner keys), in file order, found
        by their owners' hashes and kept for records_named (unless *keep*
        is false: PERF, a rule asking for every target of a big zone holds
        them only while it runs)."""
        keys = set(keys)
        named = self._named
        wanted = [k for k in keys if k not in named]
        found: dict[str, list[int]] = {}
        if wanted:
            # PERF: the records of the keys' hashes taken from their buckets
            # at once, their owners read once per written owner (groups),
            # not a bucket looked through for each key (thousands of names:
            # MX hosts, targets, wildcards); an owner whose hash is a wanted
            # key's but which is no wanted key is dropped.
            grouped = self.groups(self._with_owner_hashes(set(map(hash, wanted))))
            found = {key: grouped[key] for key in wanted if key in grouped}
            if keep:
                # Names with no records (most that are asked: wildcards, and
                # the names above targets) share one empty tuple.
                named.update(dict.fromkeys(wanted, _NONE))
                named.update(found)
        return {
            key: named[key] if key in named else found.get(key, _NONE) for key in keys
        }

    def with_owner_hash(self, owner_hash: int) -> list[int]:
        """The records whose owner hash is *owner_hash*, in file order (their
        owners are one name but where two names' hashes collide)."""
        buckets = self._buckets
        hashes = self.owner_hashes
        return [
            i
            for i in buckets.records_of([owner_hash & buckets.mask])
            if hashes[i] == owner_hash
        ]

    @cached_property
    def _buckets(self) -> Buckets:
        """The owner-hash buckets the look-ups by owner hash read: a zone's
        read again after a fix taken over from the zone it was read from
        where they can be (zonefix.carried: records renumbered only as they
        are asked for), else _by_owner_hash's."""
        carried = self.zone.carried
        if carried is not None:
            found = carried.buckets(self, bucket_mask(len(self.owner_hashes)))
            if found is not None:
                return found
        return FullBuckets(*self._by_owner_hash)

    @cached_property
    def _by_owner_hash(self) -> tuple[int, array[int], array[int]]:
        """Record indices sorted by the low bits of their owner hashes (a
        counting sort: *order*, each bucket from *starts[b]* to
        *starts[b + 1]*, in file order), with the mask of those bits.

        PERF: the names a rule asks about are found by their buckets, not by
        a pass over the zone per question (a dozen passes on a zone of a
        million records); 4 bytes a record, and 4 per bucket, some 6 MB
        there."""
        hashes = self.owner_hashes
        mask = bucket_mask(len(hashes))
        # PERF: each record's bucket taken from its hash's low bytes; the counts and
        # the places to fill held in lists while this runs (an array's
        # items are made into ints at each reading and writing: a third
        # more instructions; some 10 MB at a million records).
        buckets = low_bits(hashes, mask)
        counts = [0] * (mask + 2)
        for bucket in buckets:
            counts[bucket + 1] += 1
        fill = list(accumulate(counts))
        del counts
        starts = array("I", fill)
        order = array("I", bytes(4 * len(hashes)))
        for i, bucket in enumerate(buckets):
            order[fill[bucket]] = i
            fill[bucket] += 1
        return mask, starts, order

    def of_type(self, rdtype: int) -> Sequence[int]:
        """The records of type *rdtype*, in file order (worked out once)."""
        found = self._of_type.get(rdtype)
        if found is None and rdtype in TARGET_FIELDS:
            # PERF: picked out of the table of targets (_records_of: a
            # step per record of those types, not per record of the zone).
            return self._records_of(rdtype)
        if found is None:
            # PERF: the type's items found in the column's bytes at C speed
            # (all_items_equal_to: some steps per record found, none per
            # record of the zone); a common type (A), where those steps
            # would cost more, picked out of the type column's marks
            # (type_marks: a byte a record, made at C speed with no int
            # compared per record) by a compress of them all.
            column = self._table.rdtype
            raw = column.tobytes()
            item = rdtype.to_bytes(column.itemsize, sys.byteorder)
            if raw.count(item) > len(column) // _COMMON:
                marks = type_marks(column, (rdtype,))
                found = array("I", compress(range(len(marks)), marks))
            else:
                found = array("I", all_items_equal_to(raw, item))
            self._of_type[rdtype] = found
        return found

    def with_flag(self, flag: int) -> list[int]:
        """The records whose flags (the table's OWNER_APEX, LONG_STRING...)
        have *flag*, in file order. PERF: found at C speed, as of_type."""
        marks = self._table.flags.translate(_flag_table(flag))
        if marks.count(1) > len(marks) // _FEW:
            return list(compress(range(len(marks)), marks))
        return list(items_equal_to(marks, b"\x01"))

    def of_types(self, *rdtypes: int) -> list[int]:
        """The records of any of *rdtypes*, in file order."""
        column = self._table.rdtype
        wanted = frozenset(rdtypes)
        marks = type_marks(column, rdtypes)
        many = marks.count(1) > len(marks) // _FEW
        if many and len(wanted) == len(rdtypes):
            # PERF: picked out of the whole column at C speed, as of_type;
            # each type's records then out of those (of_type's, kept).
            found = list(compress(range(len(column)), marks))
            types = items_at(column, found)
            for rdtype in wanted.difference(self._of_type):
                picked = compress(found, map(eq, types, repeat(rdtype)))
                self._of_type[rdtype] = array("I", picked)
            return found
        return sorted(chain.from_iterable(self.of_type(t) for t in rdtypes))

    @cached_property
    def rrset_suspects(self) -> tuple[array[int], array[int]]:
        """The records that may have a copy (ZF107) and those of RRsets
        whose TTLs may differ (ZF108), each in file order: every record
        that shares an RRset (one owner, class and type) and a TTL and an
        rdata hash with another, or whose rdata hash reading did not work
        out (0) and that shares an RRset and a TTL with another; and every
        record of an RRset with two TTLs or more. Where hashes collide a
        few others come too: callers tell them apart by owner and rdata.

        PERF: a zone's RRsets are nearly all of one TTL and without copies,
        which is seen at C speed, with no Python step per record or per
        RRset. Where each RRset is one run of records (nearly every zone,
        and up to 2^18 records), over the columns' bytes
        (zonefix.rrset_runs). Else, by pieces of the owner-hash buckets:
        records of one RRset share an owner hash, so they are in one
        bucket of _by_owner_hash; its buckets are taken a thousand at a
        time (a few thousand records) and, for each record, its RRset's key
        is made, and the keys with TTLs, and with TTLs and rdata hashes,
        counted in sets. The key is the owner hash XOR the type: the class
        is left out, as the reader keeps the zone's class only (IN; ZF001
        for others), and a key that XOR makes equal for two RRsets (of two
        owners) only brings their records together, which callers tell
        apart by owner. Only the records of a piece where those counts say
        there is something to see are looked at (a list per RRset of two
        records or more, and a sort of the whole zone's keys, held 28 and
        51 MB on a zone of a million records)."""
        carried = self.zone.carried
        if carried is not None:
            # A zone read again after a fix: the old suspects moved, and the
            # changed owners' looked at again (zonefix.carried).
            found = carried.rrset_suspects(self)
            if found is not None:
                return found
        found = self.suspects_by_runs()
        if found is not None:
            return found
        mask, starts, order = self._by_owner_hash
        copies = array("I")
        mixed_ttls = array("I")
        buckets = mask + 1
        for first in range(0, buckets, _BUCKETS_AT_ONCE):
            last = min(first + _BUCKETS_AT_ONCE, buckets)
            self._suspects_in(order[starts[first] : starts[last]], copies, mixed_ttls)
        return array("I", sorted(copies)), array("I", sorted(mixed_ttls))

    def suspects_by_runs(self) -> tuple[array[int], array[int]] | None:
        """rrset_suspects of a zone whose RRsets are each one run of
        records, over the columns' bytes (zonefix.rrset_runs); None where
        some RRset is written apart, or the zone is beyond its size."""
        table = self._table
        return suspects_in_runs(
            self.owner_hashes,
            table.rdtype,
            table.ttl,
            table.rdata_hash,
            self._suspects_in,
        )

    def suspects_among(self, records: Sequence[int]) -> tuple[list[int], list[int]]:
        """rrset_suspects among *records* (in file order), which hold every
        record of their RRsets."""
        copies: list[int] = []
        mixed_ttls: list[int] = []
        self._suspects_in(records, copies, mixed_ttls)
        return sorted(copies), sorted(mixed_ttls)

    def _suspects_in(
        self,
        piece: Sequence[int],
        copies: MutableSequence[int],
        mixed_ttls: MutableSequence[int],
    ) -> None:
        """Add to *copies* and *mixed_ttls* rrset_suspects' records among
        *piece*, which holds every record of their RRsets."""
        table = self._table
        hashes = self.owner_hashes
        if len(piece) < 2:
            return  # no RRset of two records
        # PERF: an itemgetter takes a piece's values out of a column at
        # C speed (a map of the column's __getitem__ costs 1.5 times
        # more: a call through a wrapper each).
        values_of = itemgetter(*piece)
        # Each record's RRset key: its owner hash and type, made for the
        # piece as a list (PERF: an array of them costs as much again to
        # fill, in conversions of big ints). Not its class: the reader
        # keeps only records of the zone's class, IN (ZF001 for others).
        # A key two RRsets share (or one XOR made equal) brings their
        # records together, which callers tell apart.
        keys = list(map(xor, values_of(hashes), values_of(table.rdtype)))
        rrsets = len(set(keys))
        if rrsets == len(keys):
            return  # no RRset of two records
        ttls = values_of(table.ttl)
        distinct = set(zip(keys, ttls, strict=True))
        if len(distinct) > rrsets:
            # An RRset (or two whose keys collide) with two TTLs.
            seen = Counter(map(itemgetter(0), distinct))
            mixed = {key for key, times in seen.items() if times > 1}
            mixed_ttls.extend(compress(piece, map(mixed.__contains__, keys)))
        rdata_hashes = values_of(table.rdata_hash)
        found: Iterator[bool] | None = None
        # PERF: the keys with TTLs and rdata hashes counted as they are
        # made; listed only where some are repeated.
        if len(set(zip(keys, ttls, rdata_hashes, strict=True))) < len(keys):
            full = list(zip(keys, ttls, rdata_hashes, strict=True))
            times = Counter(full)
            repeated = {key for key, count in times.items() if count > 1}
            found = map(repeated.__contains__, full)
        if 0 in rdata_hashes:
            # A record whose rdata's hash was not worked out is compared
            # with every record of its RRset and TTL (PERF: counted
            # among those only).
            with_ttls = list(zip(keys, ttls, strict=True))
            unread = set(compress(with_ttls, map(not_, rdata_hashes)))
            beside = Counter(compress(with_ttls, map(unread.__contains__, with_ttls)))
            compared = {key for key, count in beside.items() if count > 1}
            if compared:
                also = map(compared.__contains__, with_ttls)
                found = also if found is None else map(or_, found, also)
        if found is not None:
            copies.extend(compress(piece, found))

    def groups(self, indices: Iterable[int]) -> dict[str, list[int]]:
        """*indices* grouped by exact owner, each group in file order."""
        groups: dict[str, list[int]] = defaultdict(list)
        ordered = sorted(indices)
        # PERF: the keys read at once (owner_keys), each written owner's once.
        for key, index in zip(self.owner_keys(ordered), ordered, strict=True):
            groups[key].append(index)
        return dict(groups)

    def at_owners_of(self, indices: Sequence[int]) -> dict[str, list[int]]:
        """Every record at the owners of *indices*, by owner, in file order."""
        # PERF: the owners' hashes taken at C speed (items_at).
        return self._at_owner_hashes(set(items_at(self.owner_hashes, indices)))

    def _at_owner_hashes(self, owner_hashes: Iterable[int]) -> dict[str, list[int]]:
        """Every record whose owner hash is one of *owner_hashes* (each given
        once), by owner, in file order."""
        return self.groups(self._with_owner_hashes(set(owner_hashes)))

    def _with_owner_hashes(self, wanted: set[int]) -> list[int]:
        """The records whose owner hashes are in *wanted* (in no order the
        callers count on), found in their buckets at C speed (PERF: a map
        over the arrays, not a list made for each hash), a thousand buckets
        at a time (the other records of those buckets are held only that
        long); or, where many are asked, by one pass over the hashes."""
        hashes = self.owner_hashes
        if len(wanted) > len(hashes) // _SCAN_PAST_ONE_IN:
            # PERF: a bucket costs some ten times what a hash compared does.
            return list(compress(range(len(hashes)), map(wanted.__contains__, hashes)))
        owners = self._buckets
        buckets = sorted(set(map(and_, wanted, repeat(owners.mask))))
        found: list[int] = []
        for first in range(0, len(buckets), _BUCKETS_AT_ONCE):
            records = owners.records_of(buckets[first : first + _BUCKETS_AT_ONCE])
            found += compress(
                records, map(wanted.__contains__, items_at(hashes, records))
            )
        return found

    def with_type(self, rdtype: int) -> list[tuple[list[int], list[int]]]:
        """For each owner with records of *rdtype* and at least one other
        record: (those records, all the owner's records), in file order.
        Worked out once per type. (An owner whose one record is of the type
        is left out: PERF, nearly every CNAME stands alone, and keeping
        them all cost 25 MB on a zone of a million records.)"""
        found = self._with_type.get(rdtype)
        if found is None:
            types = self._table.rdtype
            hashes = self.owner_hashes
            # PERF: only owners whose hash more than one record shares get
            # their keys read; the records of the type's owner hashes are
            # taken from the buckets and counted by hash at C speed (a name
            # may hold thousands of the type).
            typed_hashes = items_at(hashes, self._records_of(rdtype))
            # The hashes another record shares: one of another type (the
            # others' hashes picked at C speed by a mask of their types, no
            # comparison in Python per record), or a second of the type.
            shared = set(typed_hashes).intersection(
                compress(hashes, self._not_of_type(rdtype))
            )
            if len(set(typed_hashes)) < len(typed_hashes):
                counts = Counter(typed_hashes)
                shared.update(compress(counts, map(lt, repeat(1), counts.values())))
            records = self._with_owner_hashes(shared) if shared else []
            found = []
            for at_owner in self.groups(records).values():
                typed = [i for i in at_owner if types[i] == rdtype]
                # An owner whose hash only collides with one of them holds
                # none of the type: not one of them.
                if typed and len(at_owner) > 1:
                    found.append((typed, at_owner))
            self._with_type[rdtype] = found
        return found

    def _not_of_type(self, rdtype: int) -> bytes:
        """A byte per record, 0 where it is of type *rdtype* and not 0
        where not (type_marks)."""
        return type_marks(self._table.rdtype, [rdtype], of=False)

    def target_key(self, index: int, position: int = 0) -> str | None:
        """The canonical name the target at rdata field *position* of
        record *index* means: as ZF104's fix would write it, when ZF104
        reports it (SPEC §3: other rules read that name)."""
        table = self._table
        if position == TARGET_FIELDS.get(table.rdtype[index]):
            indices, keys = self._targets
            at = bisect_left(indices, index)
            if at < len(indices) and indices[at] == index:
                return keys[at]
        return self._read_target(index, position)

    def targets_of(self, *rdtypes: int) -> Iterator[tuple[int, str | None]]:
        """The records of *rdtypes* (types TARGET_FIELDS names), in file
        order, each with target_key of its target. PERF: each type's keys
        are taken from the table of targets once, at C speed, and kept (a
        list of the table's keys, 8 bytes a record): a dozen rules ask.
        Several types' are picked out of the table by its column of types."""
        assert all(rdtype in TARGET_FIELDS for rdtype in rdtypes)
        if len(rdtypes) == 1:
            (rdtype,) = rdtypes
            return zip(self._records_of(rdtype), self._target_keys(rdtype), strict=True)
        # Several types: the table's entries of those types, picked at C
        # speed (PERF: a sort of the types' pairs cost more than the rest).
        indices, keys = self._targets
        picked = type_marks(self._target_types, rdtypes)
        return compress(zip(indices, keys, strict=True), picked)

    def target_keys(self, rdtype: int) -> Sequence[str | None]:
        """target_key of each record of *rdtype* (a type TARGET_FIELDS
        names), in file order: targets_of's keys alone. PERF: the list
        kept for the type (_target_keys), which callers read, never
        change."""
        return self._target_keys(rdtype)

    def target_names(self, *rdtypes: int) -> set[str | None]:
        """The names (target_key) the targets of records of *rdtypes* (types
        TARGET_FIELDS names) have, each once. PERF: made from each type's
        keys (kept: _target_keys), whose hashes the strings keep, not
        picked out of the table of targets again; not kept (at a million
        records those of MX, NS, SRV and CNAME held some 7 MB)."""
        found: set[str | None] = set()
        for rdtype in rdtypes:
            found.update(self._target_keys(rdtype))
        return found

    def not_plain_targets(self, rdtype: int) -> frozenset[str | None]:
        """not_plain_names of target_names(*rdtype*), kept for the run
        (few: most targets are plain hosts). PERF: ZF115 asks for those of
        MX, NS and SRV, ZF116 for those of SRV, among them: each name is
        matched once per run."""
        found = self._not_plain_of_type.get(rdtype)
        if found is None:
            found = frozenset(not_plain_names(self.target_names(rdtype)))
            self._not_plain_of_type[rdtype] = found
        return found

    @cached_property
    def _target_types(self) -> array[int]:
        """The type of each record of the table of targets (2 bytes each)."""
        # (The table's records, which _targets keeps: no target read.)
        indices = self._table.target_record
        return array("H", items_at(self._table.rdtype, indices))

    def _records_of(self, rdtype: int) -> Sequence[int]:
        """of_type(*rdtype*), where a type TARGET_FIELDS names is picked out
        of the records of the table of targets (every record of those
        types, in file order), and kept for of_type. PERF: a step per
        record of those types, not per record of the zone: a quarter of a
        zone's records at most, and some 4 ms less at 100k records for each
        of CNAME, NS and SRV (of_type compares every record's type)."""
        found = self._of_type.get(rdtype)
        if found is None:
            if rdtype not in TARGET_FIELDS:
                return self.of_type(rdtype)
            picked = type_marks(self._target_types, [rdtype])
            found = array("I", compress(self._table.target_record, picked))
            self._of_type[rdtype] = found
        return found

    def _target_keys(self, rdtype: int) -> list[str | None]:
        """target_key of each record of *rdtype*, in file order."""
        found = self._keys_of_type.get(rdtype)
        if found is None:
            # The table holds every record of these types, in file order:
            # its entries of *rdtype*, picked at C speed.
            _, keys = self._targets
            picked = type_marks(self._target_types, [rdtype])
            found = self._keys_of_type[rdtype] = list(compress(keys, picked))
        return found

    def _read_target(self, index: int, position: int) -> str | None:
        words = self.rdata_words(index)
        if len(words) <= position:
            return None
        fixed = self._dotless_targets.get((index, position))
        return fixed if fixed is not None else self.name_key(words[position], index)

    @cached_property
    def _targets(self) -> tuple[array[int], list[str | None]]:
        """The records of the types TARGET_FIELDS names, in file order, and
        their targets' keys: those reading kept (RecordTable.target_key),
        the targets of records it did not read the usual way read here,
        and the names ZF104 reports made what its fix writes (SPEC §3:
        other rules read that name).

        PERF: a dozen rules ask for the targets of every MX, NS, CNAME and
        SRV record: reading has them in hand (the keys it kept, one string
        per name), and a copy of its list is made only where one changes.
        So where none changes they ARE the record table's lists: callers
        read them, never change them."""
        table = self._table
        indices, keys = table.target_record, table.target_key
        unread = (
            list(compress(range(len(keys)), map(is_, keys, repeat(None))))
            if None in keys
            else []
        )
        fixed = [
            (found.record, found.meant)
            for found in self.dotless_names()
            if found.position >= 0
            and found.position == TARGET_FIELDS.get(table.rdtype[found.record])
        ]
        if not unread and not fixed:
            return indices, keys
        keys = list(keys)
        shared: dict[str, str] = {}
        rdtypes = table.rdtype
        for at in unread:
            i = indices[at]
            key = self._read_target(i, TARGET_FIELDS[rdtypes[i]])
            keys[at] = None if key is None else shared.setdefault(key, key)
        for i, meant in fixed:
            keys[bisect_left(indices, i)] = meant
        return indices, keys

    @cached_property
    def _dotless_targets(self) -> dict[tuple[int, int], str]:
        return {
            (f.record, f.position): f.meant
            for f in self.dotless_names()
            if f.position >= 0
        }

    def dotless_names(self) -> list[DotlessName]:
        """Names ZF104 reports, worked out once per zone."""
        if self._dotless is None:
            from zonefix.dotless import find_dotless_names

            self._dotless = find_dotless_names(self.zone)
        return self._dotless

    @cached_property
    def aliases(self) -> Aliases:
        """Each CNAME owner's key -> its first CNAME record in file order,
        whose target's key alias_target gives."""
        return Aliases(self)

    def aliases_among(self, names: Iterable[str | None]) -> list[str]:
        """Those of *names* that are CNAME owners (in aliases), in their
        order. PERF: told by hash at C speed first (_alias_hashes); the
        alias mapping is built only where a name's hash is a CNAME owner's
        (in many zones no MX, NS or SRV target names an alias)."""
        asked = list(names)
        hashes = self._alias_hashes()
        maybe = list(compress(asked, map(hashes.__contains__, map(hash, asked))))
        return self.aliases.among(maybe) if maybe else []

    def may_name_aliases(
        self, targets: Iterable[tuple[int, str | None]]
    ) -> list[tuple[int, str | None]]:
        """The (record, name) pairs of *targets* whose name may be a CNAME
        owner, in their order (those aliases.may_be_among keeps, and a few
        more): the others' names are surely none. PERF: as aliases_among,
        with no alias mapping built for it."""
        pairs = list(targets)
        hashes = self._alias_hashes()
        names = map(itemgetter(1), pairs)
        return list(compress(pairs, map(hashes.__contains__, map(hash, names))))

    def _alias_hashes(self) -> frozenset[int]:
        """The owner hashes of the CNAME records (those of aliases, and of
        any with no target): a name whose hash is none of them is no alias.
        Made for the question, not kept (8 bytes and a slot a CNAME)."""
        cnames = self._records_of(fastpath.CNAME)
        return frozenset(items_at(self.owner_hashes, cnames))

    def alias_target(self, key: str) -> str:
        """The key of the target of the CNAME at owner *key* (in aliases)."""
        target = self.target_key(self.aliases[key])
        assert target is not None  # aliases holds CNAMEs with a target
        return target

    @cached_property
    def cuts(self) -> frozenset[str]:
        """The owner keys of the zone's delegation points (NS below the
        apex): what is at or below them is the child zone's."""
        return frozenset(self.owner_keys(self.cut_records))

    @cached_property
    def cut_records(self) -> array[int]:
        """The NS records below the apex, in file order: their owners are
        the delegation points (cuts), by what a point is."""
        from zonefix.bind.resolver import OWNER_APEX, OWNER_OUTSIDE

        records = self._records_of(fastpath.NS)
        at_apex_or_outside = map(
            and_,
            items_at(self._table.flags, records),
            repeat(OWNER_APEX | OWNER_OUTSIDE),
        )
        return array("I", compress(records, map(not_, at_apex_or_outside)))

    def at_cuts(self) -> list[int]:
        """The records whose owner hash is a delegation point's: every record
        at the points, and where hashes collide a few others. PERF: taken
        from the buckets at C speed, no owner read."""
        hashes = self.owner_hashes
        return self._with_owner_hashes(set(items_at(hashes, self.cut_records)))

    @cached_property
    def _cut_suffixes(self) -> tuple[str, ...] | None:
        """What a name below a delegation point ends with, where there are
        few (PERF: one str.endswith, not a walk up the name's labels)."""
        if len(self.cuts) > 64:
            return None
        return tuple(f".{cut}" for cut in self.cuts)

    def owners_below_cuts(self, indices: Sequence[int]) -> list[tuple[int, str]]:
        """Those of records *indices* whose owner is at or below a delegation
        point (below_cut), each with its owner key, in their order.

        PERF: each written owner is looked at once, and most are ruled out
        with no key made, at C speed: a plain relative name written under
        the apex whose last label is no delegation point's label under the
        apex (_cut_labels) is under none (most names two labels below the
        apex are under no delegation). The others' keys are read at once
        (owner_keys) and asked below_cuts."""
        if not self.cuts or not indices:
            return []
        table = self._table
        refs = items_at(table.owner_ref, indices)
        written = list(dict.fromkeys(refs))
        generated = table.generated
        if min(written) < 0 or (generated and generated.keys() & set(written)):
            # Anchors and $GENERATE records: each one's own owner.
            keys = self.owner_keys(indices)
            pairs = zip(indices, keys, strict=True)
            return list(compress(pairs, self.below_cuts(keys)))
        labels = self._cut_labels
        maybe = written if labels is None else self._may_be_below_cuts(written, labels)
        keys = self.owner_keys(maybe)
        # Those left are nearly all under a point's label (or, without the
        # labels, not sifted): below_cut each.
        below_cut = map(self.below_cut, keys)
        below = dict(compress(zip(maybe, keys, strict=True), below_cut))
        at_cut = list(
            compress(zip(indices, refs, strict=True), map(below.__contains__, refs))
        )
        return list(
            zip(
                map(itemgetter(0), at_cut),
                map(below.__getitem__, map(itemgetter(1), at_cut)),
                strict=True,
            )
        )

    def _may_be_below_cuts(self, refs: list[int], labels: frozenset[str]) -> list[int]:
        """Those of the written owners *refs* (record indices) that may be
        at or below a delegation point, in their order: all but a plain
        name whose label under the apex is none of *labels* -- written
        absolute, or relative to the apex or to an origin below it (whose
        label under the apex is the name's).

        PERF: what is kept is picked by maps over the matches at C speed,
        with no set of those ruled out (most are)."""
        table = self._table
        documents = items_at(table.document, refs)
        if documents.count(documents[0]) == len(documents):
            pieces = {documents[0]: refs}
        else:
            pieces = _by_document(refs, documents)
        # A relative name's label under the apex is its last only where
        # written under the apex: those written under another origin are
        # kept where that origin's label under the apex is a point's, or
        # where it has none (the apex, or a name outside the zone).
        apex = self.apex_key
        origins = set(items_at(table.origin, refs))
        elsewhere = set()
        for origin_id in origins:
            if self._origin_text(origin_id) != apex:
                label = self._label_under_apex_of(origin_id)
                if label is None or label in labels:
                    elsewhere.add(origin_id)
        match = self._label_under_apex
        kept: list[int] = []
        reordered = len(pieces) > 1
        # PERF: a few thousand at a time (their matches are held that long).
        for document, in_it in chain.from_iterable(
            zip(repeat(document), _pieces(refs_of, _OWNERS_AT_ONCE))
            for document, refs_of in pieces.items()
        ):
            tree = self._documents[document].tree
            starts = items_at(tree.entry_starts, items_at(table.entry, in_it))
            matches = list(map(match, repeat(tree.text), starts))
            if None in matches:
                # An owner that is no plain name: kept.
                reordered = True
                plain = list(map(is_not, matches, repeat(None)))
                kept += compress(in_it, map(not_, plain))
                in_it = list(compress(in_it, plain))
                matches = list(compress(matches, plain))
            found = cast("list[re.Match[str]]", matches)
            heads = map(str.lower, map(itemgetter(1), found))
            keep: Iterator[bool] = map(labels.__contains__, heads)
            if elsewhere:
                # Written relative: no group 2 (the apex) matched.
                relative = map(eq, map(attrgetter("lastindex"), found), repeat(1))
                away = map(elsewhere.__contains__, items_at(table.origin, in_it))
                keep = map(or_, keep, map(and_, relative, away))
            kept += compress(in_it, keep)
        if reordered:
            # Put back in the order of *refs* (rare: several files, or an
            # owner that is no plain name).
            chosen = set(kept)
            kept = list(compress(refs, map(chosen.__contains__, refs)))
        return kept

    def _label_under_apex_of(self, origin_id: int) -> str | None:
        """The label under the apex of origin *origin_id*, a name below the
        apex (the label a relative name written under it has there); None
        for another (the apex, a name outside the zone, or one with an
        escape, whose labels are not told by its dots)."""
        text = self._origin_text(origin_id)
        suffix = f".{self.apex_key}"
        if "\\" in text or not text.endswith(suffix):
            return None
        return text[: -len(suffix)].rpartition(".")[2]

    @cached_property
    def _label_under_apex(self) -> Callable[[str, int], re.Match[str] | None]:
        """A match of a plain name at a place of a text (owner_key's
        _PLAIN_OWNER's, without an empty label) ending at a blank or a
        line's end: its label under the apex (its last where relative) is
        group 1, and group 2 the apex where it is written absolute (in any
        case). PERF: labels are matched possessively (a label is never
        given back a character at a time), and so are the labels before
        group 1, each taken unless the apex and the name's end follow it:
        none is given back (a third fewer instructions than taking them
        all and giving back one after another, which finds the same)."""
        label = f"{PLAIN_LABEL_CHARACTER}++"
        apex = f"(?i:{re.escape(self.apex_key)})"
        end = r"(?=[ \t\r\n]|$)"
        return re.compile(
            rf"(?:{label}\.(?!{apex}{end}))*+({label})(\.{apex})?{end}"
        ).match

    @cached_property
    def _cut_labels(self) -> frozenset[str] | None:
        """The label under the apex of each delegation point (None where
        the apex is unknown): a name at or below one ends with one of them
        and the apex."""
        apex = self.apex_key
        if apex == ".":
            return None
        suffix = f".{apex}"
        cuts = self.cuts
        # PERF: maps over the points at C speed (some 1,500 at 100k records).
        if not all(map(str.endswith, cuts, repeat(suffix))):
            return None
        heads: Iterator[str] = map(getitem, cuts, repeat(slice(None, -len(suffix))))
        return frozenset(map(itemgetter(2), map(str.rpartition, heads, repeat("."))))

    @cached_property
    def apex_key(self) -> str:
        """The zone's apex as canonical text ("." when it is unknown)."""
        origin = self.zone.origin_text
        return origin.lower() if origin is not None else "."

    def below_cut(self, key: str) -> bool:
        """Name *key* (canonical) is at or below a delegation point."""
        cuts = self.cuts
        if not cuts:
            return False
        apex = self.apex_key
        if key == apex or key == ".":
            return False  # as the walk below: the apex is no child's
        suffixes = self._cut_suffixes
        if suffixes is not None and "\\" not in key:
            return key in cuts or key.endswith(suffixes)
        while key and key != apex and key != ".":
            if key in cuts:
                return True
            key = parent_key(key)
        return False

    def below_cuts(self, keys: Sequence[str]) -> list[bool]:
        """below_cut of each of *keys* (canonical), in their order. PERF: a
        name at or below a delegation point ends with the apex after the
        point's label under it (_cut_labels): the others, nearly all, are
        told so at C speed, with no Python step per name."""
        found = [False] * len(keys)
        if not self.cuts:
            return found
        labels = self._cut_labels
        if labels is None:
            return list(map(self.below_cut, keys))
        suffix = f".{self.apex_key}"
        heads: Iterator[str] = map(getitem, keys, repeat(slice(None, -len(suffix))))
        tops = map(itemgetter(2), map(str.rpartition, heads, repeat(".")))
        in_zone = map(str.endswith, keys, repeat(suffix))
        maybe = map(and_, in_zone, map(labels.__contains__, tops))
        # below_cut for the others (few: names under a point's label).
        for at in compress(range(len(keys)), maybe):
            found[at] = self.below_cut(keys[at])
        return found

    def owners_among(
        self, keys: Iterable[str], rdtypes: Iterable[int] = ()
    ) -> tuple[set[str], set[str]]:
        """Those of *keys* (owner keys) that hold records, and those that
        hold records of *rdtypes*. PERF: the records of their owner hashes
        taken from the buckets at once and their owners read at once
        (owner_keys), with no list of records per name."""
        wanted = set(keys)
        records = self._with_owner_hashes(set(map(hash, wanted)))
        typed: set[str] = set()
        kinds = frozenset(rdtypes)
        table = self._table
        refs = items_at(table.owner_ref, records)
        if not records or table.generated or min(refs) < 0:
            # Anchors and $GENERATE records: owner_keys tells them apart.
            owners = self.owner_keys(records)
            if kinds:
                types = items_at(table.rdtype, records)
                typed = wanted.intersection(
                    compress(owners, map(kinds.__contains__, types))
                )
            return wanted.intersection(owners), typed
        # PERF: the usual zone: each written owner read once (most names
        # asked about are held, by a few records that share one), and the
        # records of *rdtypes* looked at by their written owners, with no
        # list of keys record by record.
        key_at: dict[int, str] = dict.fromkeys(refs, "")
        written = list(key_at)
        key_at.update(zip(written, self._written_owner_keys(written), strict=True))
        if kinds:
            types = items_at(table.rdtype, records)
            typed_refs = set(compress(refs, map(kinds.__contains__, types)))
            typed = wanted.intersection(map(key_at.__getitem__, typed_refs))
        return wanted.intersection(key_at.values()), typed

    def target_owners_among(
        self, rdtype: int, targets: set[str], others: Iterable[str] = ()
    ) -> tuple[set[str], set[str]]:
        """owners_among(*targets* and *others*, (A, AAAA)), where *targets*
        are names in the zone (the apex or below it) that records of
        *rdtype* point at (their target_key; NS, SRV or CNAME): those are
        answered from one look at every such name of the three types,
        made once per run (ZF110, ZF116 and ZF117 ask; the first pays).

        PERF: the three rules ask about some 12,000 names at 100k records,
        most held: one pass over the owners' hashes and one read of the
        owners found, not one each (their names overlap little, but each
        look has its cost). What is kept is only the names that hold no
        record and those without an address (few), not every name."""
        assert rdtype in _TARGETS_LOOKED_UP
        not_held, not_addressed = self._target_owners
        held = targets - not_held
        addressed = targets - not_addressed
        rest = set(others).difference(targets)
        if rest:
            more_held, more_addressed = self.owners_among(
                rest, (fastpath.A, fastpath.AAAA)
            )
            held |= more_held
            addressed |= more_addressed
        return held, addressed

    @cached_property
    def _target_owners(self) -> tuple[set[str], set[str]]:
        """Of the names in the zone that records of _TARGETS_LOOKED_UP
        point at, those that hold no record, and those that hold no A or
        AAAA record."""
        names = self.target_names(*_TARGETS_LOOKED_UP)
        names.discard(None)
        asked = cast("set[str]", names)
        apex = self.apex_key
        if apex != ".":
            inside = set(compress(asked, map(str.endswith, asked, repeat(f".{apex}"))))
            if apex in asked:
                inside.add(apex)
            asked = inside
        addresses = (fastpath.A, fastpath.AAAA)
        table = self._table
        records = self._with_owner_hashes(set(map(hash, asked)))
        refs = items_at(table.owner_ref, records)
        if records and (table.generated or min(refs) < 0):
            # Anchors and $GENERATE records: owners_among tells them apart.
            held, addressed = self.owners_among(asked, addresses)
            return asked - held, asked - addressed
        # PERF: owners_among's usual case, with no key per record: each
        # written owner's key read once, and the names with an address told
        # by the written owners of the A and AAAA records among those found.
        written = list(dict.fromkeys(refs))
        keys = list(self._written_owner_keys(written))
        types = items_at(table.rdtype, records)
        with_address = set(compress(refs, map(addresses.__contains__, types)))
        addressed_keys = compress(keys, map(with_address.__contains__, written))
        # The owners of those A and AAAA records that are a name NS records
        # point at: glue, which ZF118 leaves (kept as their written owners,
        # 4 bytes each, for ZF118 to pass over unread).
        glue = frozenset(self._target_keys(fastpath.NS))
        glue_keys = map(glue.__contains__, keys)
        self._glue_owners = array(
            "I",
            compress(
                written, map(and_, glue_keys, map(with_address.__contains__, written))
            ),
        )
        return asked.difference(keys), asked.difference(addressed_keys)

    def glue_owners(self) -> frozenset[int] | None:
        """The written owners (record numbers: RecordTable.owner_ref) of the
        A and AAAA records whose owner is a name in the zone that NS records
        point at, where the look at the target names of ZF110, ZF116 and
        ZF117 (_target_owners) found them: None where it has not been made,
        or was made the general way (ZF118 then reads every owner)."""
        if "_target_owners" not in self.__dict__ or self._glue_owners is None:
            return None
        return frozenset(self._glue_owners)

    def has_address_among(
        self, key: str, held: Container[str], addressed: Container[str]
    ) -> bool:
        """has_address, told by the names that hold records (*held*) and
        those that hold A or AAAA records (*addressed*) among *key*, its
        ancestors and their wildcards (owners_among of them)."""
        if key in held:
            return key in addressed
        cover = self._wildcard(key, held.__contains__)
        return cover is not None and cover in addressed

    def has_address(
        self, key: str, found: Mapping[str, Sequence[int]] | None = None
    ) -> bool:
        """Name *key* has an A or AAAA record, or a wildcard gives it one.
        For many names, give records_at their wildcard_keys first (and what
        it found as *found*, where it did not keep it)."""
        types = self._table.rdtype
        addresses = (fastpath.A, fastpath.AAAA)
        records = self._at(key, found)
        if records:
            return any(types[i] in addresses for i in records)
        cover = self.wildcard_for(key, found)
        return cover is not None and any(
            types[i] in addresses for i in self._at(cover, found)
        )

    def wildcard_for(
        self, key: str, found: Mapping[str, Sequence[int]] | None = None
    ) -> str | None:
        """The wildcard that answers for name *key*, which has no records
        itself: ``*.`` and its nearest ancestor that has one, up to the
        apex, stopping at an ancestor that holds records (the closest
        encloser; one that is only an empty non-terminal is not seen, which
        errs toward a wildcard answering)."""
        return self._wildcard(key, lambda name: bool(self._at(name, found)))

    def wildcard_among(self, key: str, held: Container[str]) -> str | None:
        """wildcard_for, told by the names that hold records (*held*) among
        *key*'s ancestors and their wildcards (owners_among of them)."""
        return self._wildcard(key, held.__contains__)

    def _wildcard(self, key: str, holds: Callable[[str], bool]) -> str | None:
        for ancestor in self._ancestors(key):
            wildcard = f"*.{ancestor}"
            if holds(wildcard):
                return wildcard
            if holds(ancestor):
                return None
        return None

    def _at(self, key: str, found: Mapping[str, Sequence[int]] | None) -> Sequence[int]:
        if found is not None:
            records = found.get(key)
            if records is not None:
                return records
        return self.records_named(key)

    def wildcard_keys(self, keys: Iterable[str]) -> list[str]:
        """The names wildcard_for looks at for *keys*: their ancestors up
        to the apex, and the wildcards below those (to give records_at)."""
        found: list[str] = []
        for key in keys:
            for ancestor in self._ancestors(key):
                found += (ancestor, f"*.{ancestor}")
        return found

    def ancestors(self, keys: Iterable[str]) -> set[str]:
        """Every name _ancestors gives for any of *keys*: the names above
        them that wildcard_for looks at (_with_wildcards adds the wildcards
        below those). PERF: a label off every name at once, at C speed,
        each name once (most share their ancestors)."""
        stop = {self.apex_key, ".", ""}
        level = set(keys) - stop
        found: set[str] = set()
        while level:
            if any(map(contains, level, repeat("\\"))):
                # A dot a backslash escapes is inside a label (a\.b is one):
                # parent_key's walk, for these rare names.
                above = set(map(parent_key, level))
            else:
                above = set(map(itemgetter(2), map(str.partition, level, repeat("."))))
            above.discard("")
            above -= found
            found |= above
            level = above - stop
        return found

    def _ancestors(self, key: str) -> Iterator[str]:
        apex = self.apex_key
        current = key
        while current not in (apex, ".", ""):
            current = parent_key(current)
            if not current:
                break
            yield current

    def rdata_key(self, index: int) -> RdataKey:
        """Record *index*'s rdata as a key: equal for two records of one type
        exactly when their rdata are equal. Read from the text by the fast
        path where it can; from the rdata (built for it) where not."""
        table = self._table
        if index not in table.generated and not table.flags[index] & LONG_STRING:
            origin_id = table.origin[index]
            origin = self._origin_keys.get(origin_id, "")
            if origin == "":
                in_force = self.zone._resolved.in_force[origin_id]
                origin = self._origin_keys[origin_id] = (
                    None if in_force is None else in_force.key
                )
            key = fastpath.rdata_key(
                table.rdtype[index], self.rdata_words(index), origin
            )
            if key is not None:
                return key
        return fastpath.key_of_rdata(self.rdata(index))

    def covered_type(self, index: int) -> int:
        """The type RRSIG record *index* covers (its first field)."""
        words = self.rdata_words(index)
        if words and "\\" not in words[0]:
            rdtype = type_or_none(words[0])
            if rdtype is not None:
                return int(rdtype)
        return int(self.rdata(index).covers())

    def rdata(self, index: int) -> dns.rdata.Rdata:
        """The rdata of record *index* (built anew: few records need it, and
        keeping them would cost memory on a big zone)."""
        return self.zone.records.rdata(index)

    def owner(self, index: int) -> dns.name.Name:
        return self.zone.records.owner(index)


# Letters, digits and hyphens (ASCII): what a host name's label may hold.
_HOST_LABEL = re.compile(r"[A-Za-z0-9-]+").fullmatch
# An absolute name whose every label is a host name's (bad_host_label's
# loop finds none there); compiled when first asked (PERF: not at start).
# PERF: written as runs of letters and digits joined by hyphens, every
# repeat possessive (the three kinds of character never overlap, so none
# is ever given back): RFC 1123's label, letters or digits at both ends,
# matched with no backtracking (some 40% faster than [A-Za-z0-9-]*'s).
_HOST_NAME = r"(?:[A-Za-z0-9]++(?:-++[A-Za-z0-9]++)*+\.)++"
_host_name: Callable[[str], re.Match[str] | None] | None = None
# Lines of host names (_HOST_NAME and a line's end each), as many as there
# are from a place of a text (not_plain_names; compiled when first asked).
_host_lines: Callable[[str, int], re.Match[str]] | None = None


class Aliases(Mapping[str, int]):
    """The zone's CNAME owners (keys) and each one's first CNAME record in
    file order (one with a target).

    PERF: found by owner hash, with the name confirmed, not kept as a dict
    of names (15 MB on a zone of a million records, 100,000 of them CNAME):
    the owners' hashes in a sorted array, beside each hash's first CNAME
    (12 bytes per CNAME owner). A question costs a bisect and one owner
    key; only a hash two owners share (a collision) has its records looked
    through."""

    def __init__(self, index: ZoneIndex) -> None:
        self._index = index
        # PERF: the CNAMEs and their owners' hashes taken at C speed; each
        # hash's first CNAME in file order is the one a dict of them, made
        # from the last to the first, keeps.
        cnames = list(self._cnames())
        owned = items_at(index.owner_hashes, cnames)
        first_of = dict(zip(reversed(owned), reversed(cnames), strict=True))
        self._hashes = array("q", sorted(first_of))
        self._firsts = array("I", map(first_of.__getitem__, self._hashes))
        #: Hashes of two CNAME owners or more: their records are looked at.
        self._shared: set[int] = set()
        if len(first_of) < len(cnames):
            # Hashes of several CNAMEs (one owner's, or owners' that share
            # a hash): their owners told apart.
            times = Counter(owned)
            several = {h for h, count in times.items() if count > 1}
            by_hash: dict[int, list[int]] = defaultdict(list)
            for i in compress(cnames, map(several.__contains__, owned)):
                by_hash[index.owner_hashes[i]].append(i)
            for owner_hash, records in by_hash.items():
                if len(index.groups(records)) > 1:
                    self._shared.add(owner_hash)
        self._count: int | None = None

    def _cnames(self) -> Iterator[int]:
        """The CNAME records that have a target, in file order."""
        index = self._index
        keys = index._target_keys(fastpath.CNAME)
        cnames = index._records_of(fastpath.CNAME)
        return compress(cnames, map(is_not, keys, repeat(None)))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._first(key) is not None

    def __getitem__(self, key: str) -> int:
        found = self._first(key)
        if found is None:
            raise KeyError(key)
        return found

    def _first(self, key: str) -> int | None:
        """The first CNAME (with a target) at owner *key*, if any."""
        owner_hash = hash(key)
        hashes = self._hashes
        at = bisect_left(hashes, owner_hash)
        # PERF: most names asked about are no alias, told by the hash alone.
        if at == len(hashes) or hashes[at] != owner_hash:
            return None
        index = self._index
        if owner_hash not in self._shared:
            first = self._firsts[at]
            return first if index.owner_key(first) == key else None
        types = index._table.rdtype
        for i in index.with_owner_hash(owner_hash):
            if (
                types[i] == fastpath.CNAME
                and index.target_key(i) is not None
                and index.owner_key(i) == key
            ):
                return i
        return None

    def may_be_among(
        self, targets: Iterable[tuple[int, str | None]]
    ) -> Iterator[tuple[int, str | None]]:
        """The (record, name) pairs of *targets* whose name may be a CNAME
        owner (in this mapping), in their order: the others' names are
        surely none. PERF: told by hash at C speed, with no Python step per
        pair (most names asked about are no alias); the set of hashes is
        made for the question (8 bytes and a slot per owner), not kept."""
        pairs = list(targets)
        owners = frozenset(self._hashes)
        maybe = map(owners.__contains__, map(hash, map(itemgetter(1), pairs)))
        return compress(pairs, maybe)

    def among(self, names: Iterable[str | None]) -> list[str]:
        """Those of *names* that are CNAME owners (in this mapping), in
        their order. PERF: most are told by hash at C speed, as in
        may_be_among, with no pair made per name."""
        asked = list(names)
        owners = frozenset(self._hashes)
        maybe = compress(asked, map(owners.__contains__, map(hash, asked)))
        return [name for name in maybe if name is not None and name in self]

    def owners(self) -> Iterator[tuple[str, int]]:
        """Each owner and its first CNAME record, in the order of those
        records (as the items of a dict of them)."""
        seen: set[str] = set()
        owner_key = self._index.owner_key
        for i in self._cnames():
            key = owner_key(i)
            if key not in seen:
                seen.add(key)
                yield key, i

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.owners())

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(1 for _ in self)
        return self._count

    def __bool__(self) -> bool:
        return bool(self._hashes)


def plain_host(key: str) -> bool:
    """True where every label of *key* (canonical, absolute) is a host
    name's (bad_host_label finds none). PERF: one match of the whole name
    for the usual host, not one per label; False says nothing."""
    return (_host_name or _compile_host_name())(key) is not None


def not_plain_names(names: Iterable[str | None]) -> set[str | None]:
    """Those of *names* that are not a plain host (plain_host says no, or
    there is none): bad_host_label finds nothing in the others.

    PERF: the names are joined a line each, a text that searches at C
    speed tell all hosts (_all_host_lines: most zones; at 100k records a
    third of the instructions of a match of each name); else it is matched
    host line after host line, a line that is no host stopping the match,
    taken, and the match going on after it. Where a name holds a line's
    end (none should: keys escape it) each name is matched alone."""
    found: set[str | None] = set()
    asked = set(names)
    if None in asked:
        found.add(None)
        asked.discard(None)
    strings = cast("set[str]", asked)
    if not strings:
        return found
    joined = "\n".join(strings) + "\n"
    if joined.count("\n") != len(strings):
        match = _host_name or _compile_host_name()
        found.update(compress(strings, map(is_, map(match, strings), repeat(None))))
        return found
    if _all_host_lines(joined, len(strings)):
        return found
    hosts = _host_lines or _compile_host_lines()
    end = 0
    while (end := hosts(joined, end).end()) < len(joined):
        # The line at *end* is no host name: taken, and the match goes on.
        line_end = joined.index("\n", end)
        found.add(joined[end:line_end])
        end = line_end + 1
    return found


def _all_host_lines(joined: str, lines: int) -> bool:
    """Every one of the *lines* lines of *joined* (each ended by a line's
    end, none holding another) is a plain host: _HOST_NAME's labels are
    letters and digits with hyphens only inside them, each ended by a dot,
    which is a line of those characters only, ended by a dot, with no dot
    or hyphen first and no empty label or hyphen at a label's end. PERF:
    told by searches of the text at C speed (the match of each label's
    pattern costs some 90 instructions a character); False says nothing."""
    return (
        joined.count(".\n") == lines
        and not joined.startswith((".", "-"))
        and not any(map(joined.__contains__, _NOT_IN_HOST_LINES))
        and re.fullmatch(_HOST_LINES_CHARACTERS, joined) is not None
    )


# What no text of host names a line each holds: an empty label, a hyphen at
# a label's end, a line starting with a dot or a hyphen.
_NOT_IN_HOST_LINES = ("..", ".-", "-.", "\n.", "\n-")
# The characters of such a text (compiled when first asked).
_HOST_LINES_CHARACTERS = "[A-Za-z0-9.\n-]*"


def _compile_host_name() -> Callable[[str], re.Match[str] | None]:
    global _host_name
    _host_name = re.compile(_HOST_NAME).fullmatch
    return _host_name


def _compile_host_lines() -> Callable[[str, int], re.Match[str]]:
    global _host_lines
    _host_lines = re.compile(f"(?:{_HOST_NAME}\n)*+").match  # type: ignore[assignment]
    return _host_lines  # type: ignore[return-value]


def parent_key(key: str) -> str:
    """The name one label above name *key* (canonical text): what follows
    its first dot that no backslash escapes ("" above the root)."""
    if "\\" not in key:
        return key.partition(".")[2]
    first = _FIRST_LABEL.match(key)
    return key[first.end() :] if first is not None else ""


def labels_of(key: str) -> list[str]:
    """The labels of name *key* (canonical text), a dot a backslash
    escapes kept inside its label."""
    if "\\" not in key:
        return key.rstrip(".").split(".")
    # Canonical text ends with the root's dot, which no backslash escapes.
    rest = key[:-1] if key.endswith(".") else key
    labels = []
    while (first := _FIRST_LABEL.match(rest)) is not None:
        labels.append(rest[: first.end() - 1])
        rest = rest[first.end() :]
    labels.append(rest)
    return labels


def bad_host_label(key: str) -> str | None:
    """The first label of name *key* (canonical text) that no host name may
    have (RFC 1123 §2.1: letters, digits, and hyphens not at either end),
    if any: what BIND's check-names refuses in MX, NS and SRV targets."""
    if plain_host(key):
        return None  # PERF: the usual name, every label good, in one match
    for label in labels_of(key):
        if not label or "\\" in label:
            return label or "(empty)"
        if _HOST_LABEL(label) is None:
            return label
        if label.startswith("-") or label.endswith("-"):
            return label
    return None


# Translate tables that mark no byte and every byte (PERF: a byte's table is
# one of them with the byte changed; built per byte, each cost a small zone
# some 250 steps).
_NONE_OF = bytes(256)
_ALL_OF = b"\x01" * 256


@cache
def _flag_table(flag: int) -> bytes:
    """The translate table that marks the flag bytes that have *flag*."""
    return bytes(1 if value & flag else 0 for value in range(256))


def type_marks(column: array[int], rdtypes: Sequence[int], of: bool = True) -> bytes:
    """A byte per item of *column* (types, 2 bytes an item): not 0 where
    the type is one of *rdtypes* and 0 where not -- or, *of* false, the
    other way round (one type). PERF: made at C speed, with no Python step
    per item (a comparison each cost some 40 ns): the column's low and high
    bytes are each marked by a translate, and the marks joined as two big
    numbers are (AND for "both bytes are the type's", OR for "either is
    not"), a type's marks OR-ed with another's."""
    assert column.itemsize == 2
    assert of or len(rdtypes) == 1
    raw = column.tobytes()
    low, high = raw[0::2], raw[1::2]
    if sys.byteorder == "big":
        low, high = high, low
    found = 0
    for rdtype in rdtypes:
        marks = []
        for part, byte in ((low, rdtype & 0xFF), (high, rdtype >> 8)):
            table = bytearray(_NONE_OF if of else _ALL_OF)
            table[byte] = of
            marks.append(int.from_bytes(part.translate(table), "little"))
        found |= marks[0] & marks[1] if of else marks[0] | marks[1]
    return found.to_bytes(len(low), "little")


def _pieces(items: list[int], size: int) -> Iterator[list[int]]:
    """*items* in pieces of *size* (the last may be shorter)."""
    return (items[first : first + size] for first in range(0, len(items), size))


def _by_document(refs: list[int], documents: Sequence[int]) -> dict[int, list[int]]:
    """*refs* by their *documents* (a file and those it includes), each
    list in their order (one pass: linear in files and records)."""
    found: dict[int, list[int]] = {}
    for ref, document in zip(refs, documents, strict=True):
        found.setdefault(document, []).append(ref)
    return found


# of_type and with_flag step from match to match where fewer than one
# record in this many matches (a step costs some fifty times what a
# comparison costs), and compare every record's where more do.
_FEW = 50

# of_type picks a type's records out of every record's marks where more
# than one record in this many is of it, and finds them one by one where
# fewer are (a record found costs some ten times what one marked does).
_COMMON = 8

# The types whose targets target_owners_among answers for (ZF110's NS,
# ZF116's SRV, ZF117's CNAME).
_TARGETS_LOOKED_UP = (fastpath.NS, fastpath.SRV, fastpath.CNAME)

# What records_at keeps for a name with no records.
_NONE: tuple[int, ...] = ()

# The owners owner_keys and owners_below_cuts read at once (a match each is
# held while they do: some 150 bytes).
_OWNERS_AT_ONCE = 4096

# _keys_of_piece keys the words of a piece as one text where fewer than one
# in this many are under another origin's text than the first word's.
_ELSEWHERE_PAST_ONE_IN = 4

# _with_owner_hashes passes over every record's hash where more than one
# record in this many is asked about, rather than take their buckets.
_SCAN_PAST_ONE_IN = 10

# The buckets of _by_owner_hash rrset_suspects takes at once (some 2 to 4
# records each).
_BUCKETS_AT_ONCE = 1024


# A name's first label and the dot after it: an escape (a backslash and
# the character after it) is part of its label.
_FIRST_LABEL = re.compile(r"(?:[^.\\]|\\.)*\.")


def low_bits(column: array[int], mask: int) -> array[int]:
    """Each item of *column* AND *mask*, as an array of 4-byte items: what
    ``array("I", map(and_, column, repeat(mask)))`` gives. PERF: for
    8-byte items in little-endian order and a mask of up to 24 low bits,
    made from the items' low bytes by slices and bytes.translate, with no
    int made per item (a sixth of the instructions at 100k records)."""
    if column.itemsize != 8 or sys.byteorder != "little" or mask >> 24:
        return array("I", map(and_, column, repeat(mask)))
    raw = memoryview(column).cast("B")
    out = bytearray(4 * len(column))
    for byte in range(3):
        keep = (mask >> (8 * byte)) & 0xFF
        if keep == 0xFF:
            out[byte::4] = raw[byte::8]
        elif keep:
            kept = bytes(value & keep for value in range(256))
            out[byte::4] = bytes(raw[byte::8]).translate(kept)
    return array("I", out)


def bucket_mask(records: int) -> int:
    """The mask of the owner-hash bits that make a zone of *records*
    records' buckets (some 4 records a bucket)."""
    return (1 << max(4, (records // 4).bit_length())) - 1


class Buckets(Protocol):
    """Records by the low bits of their owner hashes (ZoneIndex._buckets)."""

    mask: int

    def records_of(self, buckets: Sequence[int]) -> list[int]:
        """The records of *buckets* (each once), each bucket's in file order."""
        ...


class FullBuckets:
    """_by_owner_hash's buckets."""

    __slots__ = ("_order", "_starts", "mask")

    def __init__(self, mask: int, starts: array[int], order: array[int]) -> None:
        self.mask = mask
        self._starts = starts
        self._order = order

    def records_of(self, buckets: Sequence[int]) -> list[int]:
        # PERF: the buckets' slices taken at C speed, not a list made for each.
        starts = self._starts
        firsts = items_at(starts, buckets)
        ends = items_at(starts, list(map(add, buckets, repeat(1))))
        return list(
            chain.from_iterable(map(self._order.__getitem__, map(slice, firsts, ends)))
        )
