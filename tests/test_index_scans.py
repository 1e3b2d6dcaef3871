"""The index's and ZF104's quick ways held to the general ones they stand in
for: every fixture, corpus and real zone, and generated zones where the
shapes vary (case, $ORIGIN, comments, quotes, characters beyond ASCII).

ZF104 finds the owners that may repeat the origin by a scan of the text
(zonefix/dotless.py, _owners_ending_with_an_origin), and looks only at the
targets whose key, as reading kept it, may be a finding (_may_be_dotless):
what it finds must be what reading every owner and looking at every target
finds. The keys reading keeps must be what the index reads from the text.
"""

from __future__ import annotations

import re
import string
import sys
from array import array
from collections import Counter
from collections.abc import Callable

import dns.name
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import zonefix
import zonefix.index
from tests.conftest import CORPUS
from tests.test_fastpath import _check_rrset_suspects, zones
from zonefix import dotless, rrtypes
from zonefix.addresses import may_be_address
from zonefix.bind import resolver
from zonefix.columns import all_items_equal_to, items_equal_to
from zonefix.rules import run_rules, select_rules, structure
from zonefix.zone import Zone


def _dotless_both_ways(
    zone: Zone, monkeypatch: pytest.MonkeyPatch
) -> tuple[object, object]:
    """ZF104's names, found with the quick ways (the owners reading listed,
    or the scan of the text, in small pieces so that matches fall across
    them; the targets sifted by their keys) and without them (every owner
    read; every target reading read the usual way looked at). The two
    quick ways must agree before one is given."""
    results = []
    for kept, scan_from, piece, sift in (
        (True, 10**9, dotless._PIECE, dotless._may_be_dotless),
        (False, 0, 7, dotless._may_be_dotless),
        (False, 10**9, dotless._PIECE, _every_usual_target),
    ):
        monkeypatch.setattr(dotless, "_SCAN_FROM", scan_from)
        monkeypatch.setattr(dotless, "_PIECE", piece)
        monkeypatch.setattr(dotless, "_may_be_dotless", sift)
        if not kept:
            monkeypatch.setattr(dotless, "_owners_kept_by_reading", lambda zone: None)
        results.append(dotless.find_dotless_names(zone))
    monkeypatch.undo()
    assert results[0] == results[1]
    return results[0], results[2]


def _check_repeating_owners(zone: Zone, name: str) -> None:
    """RecordTable.repeating_owner lists every record that writes an owner
    that repeats the origin with a dot inside (www.example.net under
    example.net), and only records that write an owner relative with a dot
    inside, in file order."""
    table = zone.table
    index = zone.index
    kept = list(table.repeating_owner)
    assert kept == sorted(set(kept)), name
    for i in range(len(table)):
        if table.owner_ref[i] != i or i in table.generated:
            assert i not in kept, (name, i)
            continue
        word = index.first_word(i)
        relative = not word.endswith(".") and "." in word
        origin = index.name_key("@", i).rstrip(".")
        lowered = word.lower()
        repeats = bool(origin) and (lowered == origin or lowered.endswith("." + origin))
        if relative and repeats and "\\" not in word and word.isascii():
            assert i in kept, (name, i, word)
        if i in kept:
            assert relative, (name, i, word)


def _every_usual_target(zone: Zone, one_label: bool) -> list[int]:
    """What dotless._may_be_dotless sifts: every record whose target
    reading read the usual way."""
    table = zone.table
    return [
        i
        for i, key in zip(table.target_record, table.target_key, strict=True)
        if key is not None
    ]


def _check_kept_targets(zone: Zone, name: str) -> int:
    """The targets' columns reading kept are what the index reads from
    each record's fields (rdata_words, name_key): every record of the types
    TARGET_FIELDS names, in file order; the key of each one read the usual
    way (its rdata hash kept), else None; those written relative with a
    dot inside. The count of keys checked."""
    table = zone.table
    index = zone.index
    assert set(dotless.TARGET_FIELDS) == set(resolver.TARGET_TYPES)
    expected = [
        i for i in range(len(table)) if table.rdtype[i] in dotless.TARGET_FIELDS
    ]
    assert list(table.target_record) == expected, name
    assert len(table.target_key) == len(expected), name
    relative = []
    checked = 0
    for i, key in zip(table.target_record, table.target_key, strict=True):
        position = dotless.TARGET_FIELDS[table.rdtype[i]]
        words = index.rdata_words(i)
        if not table.rdata_hash[i]:
            assert key is None, (name, i)
            continue
        word = words[position]
        assert key == index.name_key(word, i), (name, i)
        if not word.endswith(".") and "." in word:
            relative.append(i)
        checked += 1
    assert list(table.relative_target) == relative, name
    return checked


def _shared_or(with_shared: int, alone: int) -> int:
    """How many a test over every zone must see: with ../shared's corpus
    and real zones, or with the fixtures alone (a clone without it)."""
    return with_shared if (CORPUS / "ORACLE.tsv").is_file() else alone


@pytest.fixture(scope="module")
def every_zone() -> list[tuple[str, Callable[[], Zone]]]:
    return list(zones())


def test_zf104_scan_finds_what_reading_every_owner_finds(
    every_zone: list[tuple[str, Callable[[], Zone]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On every fixture, corpus and real zone: the same names (where, what
    they mean, message, fix)."""
    reported = 0
    for name, load in every_zone:
        zone = load()
        scanned, read = _dotless_both_ways(zone, monkeypatch)
        assert scanned == read, name
        reported += len(read)  # type: ignore[arg-type]
    assert reported > _shared_or(10, 5)


def test_targets_kept_by_reading_are_the_index_s(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """The targets' columns reading keeps (RecordTable.target_record,
    target_key, relative_target) are what the index's fields() and
    name_key() give, and the owners it lists (repeating_owner) those that
    may repeat the origin, on every fixture, corpus and real zone."""
    checked = 0
    for name, load in every_zone:
        zone = load()
        checked += _check_kept_targets(zone, name)
        _check_repeating_owners(zone, name)
    assert checked > _shared_or(1000, 500)


@pytest.mark.parametrize(("at_once", "collide"), [(1, False), (3, True)])
def test_rrset_suspects_in_pieces_and_with_colliding_keys(
    every_zone: list[tuple[str, Callable[[], Zone]]],
    monkeypatch: pytest.MonkeyPatch,
    at_once: int,
    collide: bool,
) -> None:
    """The records ZF107 and ZF108 look at, found a bucket or three at a
    time (pieces meet everywhere), or with RRset keys that all collide
    (each piece's records all looked at), are still every record with a
    copy and every record of an RRset with two TTLs, and ZF107 and ZF108
    report what they report the usual way: every fixture, corpus and real
    zone."""
    rules = select_rules(["ZF107", "ZF108"])
    usual = {name: run_rules(load(), rules) for name, load in every_zone}
    monkeypatch.setattr(zonefix.index, "_BUCKETS_AT_ONCE", at_once)
    # The pieces, not the runs (tests/test_rrset_runs.py holds those to these).
    monkeypatch.setattr(zonefix.index, "suspects_in_runs", lambda *_: None)
    if collide:
        monkeypatch.setattr(zonefix.index, "xor", lambda _hash, _type: 0)
    for name, load in every_zone:
        _check_rrset_suspects(load())
        assert run_rules(load(), rules) == usual[name], name


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "A", "a.example.net.", "b", "*.b"]),
            st.sampled_from(["", "300", "600"]),
            st.sampled_from(
                [
                    "A 192.0.2.1",
                    "A ( 192.0.2.1 )",
                    "A 192.0.2.2",
                    'TXT "x"',
                    "TXT x",
                    'TXT ( "x" )',
                    'TXT "\\120"',
                    "MX 10 mail",
                    "MX 10 mail.example.net.",
                    "MX ( 10 Mail )",
                ]
            ),
        ),
        max_size=10,
    ),
    st.booleans(),
)
def test_rrset_suspects_in_generated_zones(
    records: list[tuple[str, str, str]], generate: bool
) -> None:
    """Copies and TTLs written every way (parentheses, escapes, cases, a
    name relative and absolute, records $GENERATE makes, whose rdata
    reading leaves unhashed): the suspects hold every record with a copy
    and every record of an RRset with two TTLs."""
    text = "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
    text += "".join(f"{owner} {ttl} {rdata}\n" for owner, ttl, rdata in records)
    if generate:
        text += "$GENERATE 1-2 a A 192.0.2.$\n$GENERATE 1-1 a TXT x\n"
    _check_rrset_suspects(zonefix.parse_text(text))


def test_targets_of_types_are_target_key_s(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """targets_of (the keys taken from the table of targets at once) gives
    each record of the types asked and its target_key, in file order:
    every fixture, corpus and real zone, each type alone and together."""
    for name, load in every_zone:
        zone = load()
        index = zone.index
        table = zone.table
        for rdtypes in ([5], [2], [33], [15, 2, 33], [15, 2, 5], [12, 39]):
            expected = [
                (i, index.target_key(i, dotless.TARGET_FIELDS[table.rdtype[i]]))
                for i in range(len(table))
                if table.rdtype[i] in rdtypes
            ]
            assert list(index.targets_of(*rdtypes)) == expected, (name, rdtypes)
            names = {key for _, key in expected}
            assert index.target_names(*rdtypes) == names, (name, rdtypes)


def _check_owners_below_cuts(name: str, zone: Zone) -> int:
    """owner_keys, below_cuts and owners_below_cuts are owner_key and
    below_cut asked record by record and name by name (the last two also
    without the points' labels under the apex, as where the apex is
    unknown); _may_be_below_cuts rules out only owners below no delegation
    point. The number it rules out."""
    index = zone.index
    table = zone.table
    records = list(range(len(table)))
    keys = [index.owner_key(i) for i in records]
    assert index.owner_keys(records) == keys, name
    assert index.owner_keys(records[::-3]) == keys[::-3], name
    asked = [*keys, *(f"x.{cut}" for cut in index.cuts), index.apex_key, ".", "x."]
    below = [index.below_cut(key) for key in asked]
    assert index.below_cuts(asked) == below, name
    found = [(i, key) for i, key in zip(records, keys, strict=True) if below[i]]
    assert index.owners_below_cuts(records) == found, name
    if index._cut_labels is not None:
        unlabelled = zonefix.index.ZoneIndex(zone)
        unlabelled.__dict__["_cut_labels"] = None
        assert unlabelled.below_cuts(asked) == below, name
        assert unlabelled.owners_below_cuts(records) == found, name
    odd = [pair for pair in found if pair[0] % 2]
    assert index.owners_below_cuts(records[1::2]) == odd, name
    labels = index._cut_labels
    written = sorted({table.owner_ref[i] for i in records} - set(table.generated))
    if not index.cuts or labels is None or not written or written[0] < 0:
        return 0
    maybe = set(index._may_be_below_cuts(written, labels))
    ruled_out = 0
    for ref in written:
        if ref not in maybe:
            ruled_out += 1
            assert not index.below_cut(index.owner_key(ref)), (name, ref)
    return ruled_out


@pytest.mark.parametrize("at_once", [3, zonefix.index._OWNERS_AT_ONCE])
def test_owners_below_cuts_are_below_cut_s(
    every_zone: list[tuple[str, Callable[[], Zone]]],
    monkeypatch: pytest.MonkeyPatch,
    at_once: int,
) -> None:
    """Every record of every fixture, corpus and real zone, the owners
    read a few at a time too."""
    monkeypatch.setattr(zonefix.index, "_OWNERS_AT_ONCE", at_once)
    ruled_out = sum(_check_owners_below_cuts(name, load()) for name, load in every_zone)
    assert ruled_out > _shared_or(100, 20)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "sub",
                    "Sub",
                    "a.sub",
                    "x.SUB",
                    "lab",
                    "b.lab",
                    "*.sub",
                    "x",
                    "y.X",
                    "a\\065.sub",
                ]
            ),
            st.sampled_from(
                ["", ".example.net.", ".EXAMPLE.net.", ".lab.example.net."]
            ),
            st.sampled_from(["NS ns1.example.org.", "A 192.0.2.1", "TXT x"]),
        ),
        max_size=8,
    ),
    st.sampled_from(
        [
            "",
            "$ORIGIN lab.example.net.\n",
            "$ORIGIN Example.NET.\n",
            "$ORIGIN x.Sub.example.net.\n",
            "$ORIGIN example.org.\n",
        ]
    ),
)
@example(
    [("lab", ".example.net.", "NS ns1.example.org."), ("x", "", "A 192.0.2.1")],
    "$ORIGIN lab.example.net.\n",
)
# An owner that is no plain name (an escape) below a delegation point.
@example([("a\\065.sub", "", "A 192.0.2.1")], "")
def test_owners_below_cuts_in_generated_zones(
    records: list[tuple[str, str, str]], directive: str
) -> None:
    text = "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
    text += "sub NS ns1.example.org.\n" + directive
    text += "".join(f"{name}{end} {rdata}\n" for name, end, rdata in records)
    _check_owners_below_cuts(text, zonefix.parse_text(text))


def _bad_label_by_labels(key: str) -> str | None:
    """bad_host_label's answer, label by label (its loop, without the
    match of a whole good name that comes first; labels as labels_of
    splits them, which a test holds to dnspython)."""
    for label in zonefix.index.labels_of(key):
        if not label or "\\" in label:
            return label or "(empty)"
        if not label.isascii() or not label.replace("-", "").isalnum():
            return label
        if label.startswith("-") or label.endswith("-"):
            return label
    return None


@given(
    st.lists(
        st.text("aZ09-_.\\é", max_size=6) | st.sampled_from(["", "-", "a-", "x1"]),
        max_size=4,
    ).map(".".join),
    st.sampled_from(["", ".", ".."]),
)
@example("_a", ".")
@example("a_b.c", ".")
@example("a.-b", ".")
@example("mx1.example", ".")
@settings(max_examples=400)
def test_bad_host_label_as_label_by_label(name: str, end: str) -> None:
    key = name + end
    assert zonefix.index.bad_host_label(key) == _bad_label_by_labels(key), key


# ------------------------------------------------------------ generated zones

_LABELS = [
    *("www", "Mail", "a-b", "x_y", "*", "EXAMPLE", "net", "sub", "é", "ns1"),
    *("COM", "lab", "xn--p1ai", "sub3"),
]
_ORIGINS = [
    *("example.net.", "sub.example.net.", "Example.NET.", "other.org.", "net."),
    "zone.test.",
]


@st.composite
def _names(draw: st.DrawFn) -> str:
    """A name as written: relative, absolute, repeating an origin in any
    case, or odd (quoted, escaped)."""
    labels = draw(st.lists(st.sampled_from(_LABELS), min_size=1, max_size=3))
    name = ".".join(labels)
    kind = draw(st.sampled_from(["relative", "repeat", "absolute", "odd", "@"]))
    if kind == "repeat":
        origin = draw(st.sampled_from(_ORIGINS)).rstrip(".")
        cases: list[Callable[[str], str]] = [str.lower, str.upper, str.title, str.strip]
        case = draw(st.sampled_from(cases))
        name = f"{name}.{case(origin)}"
    elif kind == "absolute":
        name += "." + draw(st.sampled_from(_ORIGINS))
    elif kind == "odd":
        name = draw(st.sampled_from(["w\\.x.example.net", "a\\032b", "x.com"]))
    elif kind == "@":
        name = "@"
    return name


@st.composite
def _zones(draw: st.DrawFn) -> str:
    lines = ["$TTL 300", "$ORIGIN example.net."]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["record"] * 6 + ["origin", "blank", "multi"]))
        owner = draw(_names())
        comment = draw(st.sampled_from(["", " ; example.net", " ; é x.example.NET"]))
        if kind == "origin":
            lines.append(f"$ORIGIN {draw(st.sampled_from(_ORIGINS))}")
            continue
        if kind == "blank":
            owner = ""
        rdtype, rdata = draw(
            st.sampled_from(
                [
                    ("A", "192.0.2.1"),
                    ("MX", "10 {}"),
                    ("CNAME", "{}"),
                    ("NS", "{}"),
                    ("SRV", "0 0 5060 {}"),
                    ("PTR", "{}"),
                    ("TXT", '"v=spf1 a:x.example.net -all"'),
                    ("TXT", '"see example.net"'),
                ]
            )
        )
        rdata = rdata.format(draw(_names()))
        if kind == "multi":
            lines.append(f"{owner} IN {rdtype} ( {rdata}\n ){comment}")
        else:
            lines.append(f"{owner} IN {rdtype} {rdata}{comment}")
    return "\n".join(lines) + "\n"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_zones())
# An origin of one label written under itself; the origin repeated where
# its last label is no TLD.
@example(text="$TTL 300\n$ORIGIN net.\nx IN CNAME NET\n")
@example(text="$TTL 300\n$ORIGIN example.net.\nx IN CNAME shop.xn--p1ai\n")
# An owner repeating the origin on a line the usual lane leaves alone.
@example(text='$TTL 300\n$ORIGIN example.net.\nwww.example.NET IN TXT ( "x"\n )\n')
@example(text="$TTL 300\n$ORIGIN example.test.\nx IN MX 10 mail.Example.test\n")
def test_zf104_scan_on_generated_zones(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone = zonefix.parse_text(text)
    scanned, read = _dotless_both_ways(zone, monkeypatch)
    assert scanned == read, text
    _check_kept_targets(zone, text)
    _check_repeating_owners(zone, text)


def _zone_of(lines: list[str]) -> Zone:
    head = [
        "$TTL 3600",
        "example.net. IN SOA ns1.example.net. host.example.net. 1 7200 3600 1209600 3600",
        "example.net. IN NS ns1.example.net.",
        "ns1.example.net. IN A 192.0.2.1",
    ]
    return zonefix.parse_text("\n".join([*head, *lines, ""]))


def test_zf104_scan_gives_way_where_it_would_cost_more() -> None:
    """The scan searches the text once per origin and keeps a place per
    match: with many origins (a $ORIGIN per host), or the origin's text in
    most records, ZF104 reads every owner instead (linear either way), and
    finds the same names."""
    many_origins = _zone_of(
        [
            line
            for k in range(600)
            for line in (
                f"$ORIGIN h{k}.example.net.",
                "www IN A 192.0.2.1",
                "@ IN A 192.0.2.2",
            )
        ]
    )
    assert len(many_origins.table) >= dotless._SCAN_FROM
    assert dotless._owners_ending_with_an_origin(many_origins) is None
    mentioned = _zone_of(
        ["$ORIGIN example.net."]
        + [f'h{k} IN TXT "example.net example.net"' for k in range(1200)]
    )
    assert dotless._owners_ending_with_an_origin(mentioned) is None
    few = _zone_of(
        ["$ORIGIN example.net."]
        + [f"h{k} IN A 192.0.2.1" for k in range(1200)]
        + ["www.example.net IN A 192.0.2.9"]
    )
    owners = dotless._owners_ending_with_an_origin(few)
    assert owners is not None
    assert len(owners) == 1
    assert [d.message for d in few.index.dotless_names()] == [
        "owner www.example.net repeats the origin: it means "
        "www.example.net.example.net."
    ]


def test_quick_target_filters_keep_what_the_rules_look_at(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """The quick filters some rules run over every target keep each pair
    the rule's own test would not pass over: a name that may be an alias
    (aliases.may_be_among and among, aliases_among and may_name_aliases: ZF105, ZF114, ZF116), a name that is no plain
    host (not_plain_names, ZF115, ZF116), a key that may be an address (ZF106's
    match): every target of every fixture, corpus and real zone, and names
    that are not there."""
    may_be = re.compile(structure._MAY_BE_ADDRESS).match
    left_out = 0
    for name, load in every_zone:
        zone = load()
        index = zone.index
        targets = list(index.targets_of(*dotless.TARGET_FIELDS))
        owners = [(i, index.owner_key(i)) for i in range(len(zone.table))]
        asked = targets + owners + [(0, "not-there.example."), (0, None)]
        aliases = index.aliases
        names = [key for _, key in asked]
        assert aliases.among(names) == [n for n in names if n in aliases], name
        fresh = zonefix.index.ZoneIndex(zone)
        assert fresh.aliases_among(names) == [n for n in names if n in aliases]
        maybe = set(fresh.may_name_aliases(asked))
        assert {p for p in asked if p[1] in aliases} <= maybe, name
        assert fresh.may_name_aliases(asked) == [p for p in asked if p in maybe]
        kept = set(aliases.may_be_among(asked))
        for pair in asked:
            if pair not in kept:
                left_out += 1
                assert pair[1] not in aliases, (name, pair)
        kept_names = zonefix.index.not_plain_names(key for _, key in asked)
        for pair in asked:
            if pair[1] not in kept_names:
                assert pair[1] is not None, (name, pair)
                assert zonefix.index.plain_host(pair[1]), (name, pair)
                assert zonefix.index.bad_host_label(pair[1]) is None, (name, pair)
        for _, key in asked:
            if key is not None and not may_be(key):
                assert not may_be_address(key), (name, key)
    assert left_out > 1000


@given(st.text(string.printable, max_size=12))
@example("1.example.")
@example("a:b")
@example(":")
def test_zf106s_match_keeps_what_may_be_an_address(text: str) -> None:
    if not re.compile(structure._MAY_BE_ADDRESS).match(text):
        assert not may_be_address(text)


def test_records_of_types_asked_together_then_alone(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """of_types keeps each type's records for of_type where it picks them
    out of the whole column: asked together first, then one by one, they
    are what a scan of the type column finds (every fixture, corpus and
    real zone)."""
    for name, load in every_zone:
        zone = load()
        column = zone.table.rdtype
        together = zone.index.of_types(*dotless.TARGET_FIELDS)
        assert together == [
            i for i, t in enumerate(column) if t in dotless.TARGET_FIELDS
        ]
        for rdtype in dotless.TARGET_FIELDS:
            scanned = [i for i, t in enumerate(column) if t == rdtype]
            assert list(zone.index.of_type(rdtype)) == scanned, (name, rdtype)
        # Each type of the zone asked alone first (common ones by their
        # marks, rare ones by a search of the column's bytes).
        for rdtype in set(column):
            index = zonefix.index.ZoneIndex(zone)
            scanned = [i for i, t in enumerate(column) if t == rdtype]
            assert list(index.of_type(rdtype)) == scanned, (name, rdtype)


def test_zf104s_tld_filter_keeps_every_tld() -> None:
    """ZF104 looks only at a target whose last label is of letters, or
    IDNA, for a TLD (dotless._may_be_dotless): every label of every rule
    of the list that is_tld says is a TLD is such a label."""
    from zonefix import tlds

    labels = {
        label.lstrip("!")
        for rule in tlds._suffixes().rules
        for label in rule.split(".")
        if label.isascii() and label not in ("*", "")
    }
    found = 0
    for label in sorted(labels | {"lab", "test", "internal", "sub3", "xn--p1ai"}):
        if tlds.is_tld(label):
            assert label.isalpha() or label.startswith("xn--"), label
            found += 1
    assert found > 1000


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_zones())
def test_owner_keys_on_generated_zones(text: str) -> None:
    """owner_keys is owner_key where owners are relative, absolute, '@',
    escaped, in other $ORIGINs, in any case, on lines of parentheses."""
    zone = zonefix.parse_text(text)
    index = zone.index
    records = list(range(len(zone.table)))
    assert index.owner_keys(records) == [index.owner_key(i) for i in records], text


def test_names_held_asked_at_once_are_records_named_s(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """owners_among, ancestors, has_address_among and wildcard_among (ZF110,
    ZF116, ZF117: every name asked at once) are records_named, _ancestors,
    has_address and wildcard_for asked name by name: every owner and target
    of every fixture, corpus and real zone, the names above them and their
    wildcards, and names that are not there."""
    addresses = (rrtypes.A, rrtypes.AAAA)
    held_somewhere = 0
    for name, load in every_zone:
        zone = load()
        index = zone.index
        types = zone.table.rdtype
        keys = {index.owner_key(i) for i in range(len(zone.table))}
        keys |= {key for _, key in index.targets_of(*dotless.TARGET_FIELDS) if key}
        keys |= {"not-there.example.", f"x.y.{index.apex_key}"}
        ancestors = index.ancestors(keys)
        walked = set().union(*(index._ancestors(key) for key in keys))
        assert ancestors == walked, name
        names = keys | ancestors | {f"*.{a}" for a in ancestors}
        held, addressed = index.owners_among(names, addresses)
        for key in names:
            records = index.records_named(key)
            assert (key in held) == bool(records), (name, key)
            has = any(types[i] in addresses for i in records)
            assert (key in addressed) == has, (name, key)
        held_somewhere += len(held)
        for key in keys:
            has_address = index.has_address_among(key, held, addressed)
            assert has_address == index.has_address(key), (name, key)
            assert index.wildcard_among(key, held) == index.wildcard_for(key), name
    assert held_somewhere > _shared_or(1000, 500)


# 1: a pass only where more hashes are asked than there are records
# (never: the buckets); 10**9: a pass wherever any is asked.
@pytest.mark.parametrize("scan_from", [1, 10**9], ids=["by-bucket", "by-a-pass"])
def test_records_of_owner_hashes_by_bucket_and_by_a_pass(
    every_zone: list[tuple[str, Callable[[], Zone]]],
    monkeypatch: pytest.MonkeyPatch,
    scan_from: int,
) -> None:
    """_with_owner_hashes finds the records of the hashes asked, taking
    their buckets (where few are asked) or passing over every hash (where
    many are): both ways, all a zone's hashes, every third one and hashes
    no record has, on every fixture, corpus and real zone."""
    monkeypatch.setattr(zonefix.index, "_SCAN_PAST_ONE_IN", scan_from)
    monkeypatch.setattr(zonefix.index, "_BUCKETS_AT_ONCE", 3)
    for name, load in every_zone:
        zone = load()
        index = zone.index
        hashes = index.owner_hashes
        for wanted in (set(hashes), set(hashes[::3]) | {1, -7}, {5}):
            expected = [i for i, h in enumerate(hashes) if h in wanted]
            assert sorted(index._with_owner_hashes(wanted)) == expected, name


def test_a_plain_label_is_a_plain_name_without_its_dots() -> None:
    """The label under the apex is matched with PLAIN_LABEL_CHARACTER
    (index._label_under_apex): every character of a plain name but '.'."""
    from zonefix.bind.facts import PLAIN_LABEL_CHARACTER, PLAIN_NAME

    for code in range(0x110):
        char = chr(code)
        in_name = re.fullmatch(PLAIN_NAME, char) is not None
        in_label = re.fullmatch(PLAIN_LABEL_CHARACTER, char) is not None
        assert in_label == (in_name and char != "."), repr(char)


def test_a_generated_target_is_read_once_for_zf104_and_the_table_of_targets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A $GENERATE record's target is read (its rdata built by dnspython)
    once, by the table of targets: ZF104's pass passes it by (dnspython
    writes every name absolute), so a reverse zone of thousands of them
    does not pay twice."""
    zone = zonefix.parse_text(
        "$ORIGIN 0.10.in-addr.arpa.\n$TTL 1h\n"
        "@ SOA ns1.example.net. host.example.net. 1 2 3 4 5\n"
        "@ NS ns1.example.net.\n"
        "$GENERATE 0-99 $ PTR host-$.example.net.\n"
        "$GENERATE 0-9 c$ CNAME host-$\n"
    )
    index = zone.index
    reads: Counter[int] = Counter()
    words_of = index.rdata_words

    def counted(i: int) -> list[str]:
        reads[i] += 1
        return words_of(i)

    monkeypatch.setattr(index, "rdata_words", counted)
    assert index.dotless_names() == []
    keys = dict(index.targets_of(rrtypes.PTR, rrtypes.CNAME))
    generated = [i for i in keys if i in zone.table.generated]
    assert len(generated) == 110
    assert keys[generated[0]] == "host-0.example.net."
    assert keys[generated[-1]] == "host-9.0.10.in-addr.arpa."
    assert max(reads[i] for i in generated) == 1


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet='ab.\\" -', min_size=1, max_size=5).map(
            lambda label: dns.name.Name([label.encode()]).to_text().rstrip(".")
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_names_parent_and_labels_are_dnspythons(labels: list[str]) -> None:
    """parent_key and labels_of (below_cut's walk, wildcard_for's
    ancestors, ZF115's bad label) split a name where dnspython does: a dot
    a backslash escapes is inside its label."""
    key = ".".join([*labels, "example", "net", ""]).lower()
    name = dns.name.from_text(key)
    assert zonefix.index.parent_key(key) == name.parent().to_text().lower()
    assert zonefix.index.labels_of(key) == [
        dns.name.Name([label]).to_text().rstrip(".").lower()
        for label in name.labels[:-1]
    ]


def test_target_owners_answered_once_are_owners_among_s(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """target_owners_among (ZF110, ZF116, ZF117: the names NS, SRV and
    CNAME records point at, looked at once for all three) is owners_among
    asked about the same names: each type's in-zone target names on every
    fixture, corpus and real zone, with names above them, their wildcards
    and names that are not there as the others."""
    addresses = (rrtypes.A, rrtypes.AAAA)
    looked_at = 0
    for name, load in every_zone:
        zone = load()
        index = zone.index
        apex = index.apex_key
        for rdtype in (rrtypes.NS, rrtypes.SRV, rrtypes.CNAME):
            targets = {key for _, key in index.targets_of(rdtype) if key is not None}
            if apex != ".":
                targets = {t for t in targets if t == apex or t.endswith(f".{apex}")}
            ancestors = index.ancestors(targets)
            others = ancestors | {f"*.{a}" for a in ancestors}
            others |= {f"not-there.{apex}".lstrip("."), next(iter(targets), "x.")}
            expected = index.owners_among(targets | others, addresses)
            found = index.target_owners_among(rdtype, targets, others)
            assert found == expected, (name, rdtype)
            looked_at += len(targets)
    assert looked_at > _shared_or(1000, 150)


# RFC 1123's host name, label by label, as written before plain_host's
# match was made possessive.
_RFC1123_NAME = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+")


@given(st.text("aZ09-.\\_ ", max_size=24))
@example("a-b.c.")
@example("a--9.b-c-d.")
@example("-a.")
@example("a-.")
@example("a..")
@example("a.b")
def test_plain_host_is_a_host_name_label_by_label(text: str) -> None:
    """plain_host's possessive match takes the names RFC 1123's pattern
    takes, and no other."""
    expected = _RFC1123_NAME.fullmatch(text) is not None
    assert zonefix.index.plain_host(text) == expected, text


def test_records_of_target_types_picked_from_the_table_of_targets(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """_records_of picks a target type's records out of the table of
    targets' records: they are what a scan of the type column finds, and
    what of_type then gives (every fixture, corpus and real zone, each
    type asked first there)."""
    for name, load in every_zone:
        zone = load()
        types = zone.table.rdtype
        for rdtype in dotless.TARGET_FIELDS:
            index = zonefix.index.ZoneIndex(zone)
            expected = [i for i, t in enumerate(types) if t == rdtype]
            assert list(index._records_of(rdtype)) == expected, (name, rdtype)
            assert list(index.of_type(rdtype)) == expected, (name, rdtype)
    assert list(index._records_of(rrtypes.TXT)) == [
        i for i, t in enumerate(types) if t == rrtypes.TXT
    ]


@given(
    st.lists(st.sampled_from([1, 5, 2, 257, 261, 1280, 65535, 0, 28]), max_size=40),
    st.sampled_from([1, 5, 257, 261, 1280, 65535, 0]),
)
@example([1, 257, 5, 261, 1280], 5)
@example([1, 257, 5, 261, 1280], 257)
def test_a_mask_of_the_records_not_of_a_type(types: list[int], rdtype: int) -> None:
    """_not_of_type (with_type's mask of the other records) is not 0
    exactly where a record's type is not the one asked, and type_marks (the
    table of targets' picks) exactly where it is one of those asked: types
    whose low or high bytes are one's (1 and 257, 5 and 1280) told apart."""
    from array import array
    from types import SimpleNamespace

    index = zonefix.index.ZoneIndex.__new__(zonefix.index.ZoneIndex)
    index._table = SimpleNamespace(rdtype=array("H", types))  # type: ignore[assignment]
    marks = index._not_of_type(rdtype)
    assert [bool(mark) for mark in marks] == [t != rdtype for t in types]
    # And the records of one type, or of two (targets_of's several types).
    column = array("H", types)
    marks = zonefix.index.type_marks(column, [rdtype])
    assert [bool(mark) for mark in marks] == [t == rdtype for t in types]
    marks = zonefix.index.type_marks(column, [rdtype, 257])
    assert [bool(mark) for mark in marks] == [t in (rdtype, 257) for t in types]


def _glue_owners_by_a_scan(zone: Zone) -> set[int]:
    """The written owners of the A and AAAA records whose owner key is a
    name in the zone that NS records point at, record by record."""
    index = zone.index
    table = zone.table
    apex = index.apex_key
    names = {key for _, key in index.targets_of(rrtypes.NS) if key is not None}
    if apex != ".":
        names = {n for n in names if n == apex or n.endswith(f".{apex}")}
    return {
        table.owner_ref[i]
        for i in range(len(table))
        if table.rdtype[i] in (rrtypes.A, rrtypes.AAAA) and index.owner_key(i) in names
    }


def _occluded(zone: Zone) -> list[tuple[int, str]]:
    found = run_rules(zone, select_rules(["ZF118"]))
    return [(d.line, d.message) for d in found]


def test_glue_owners_found_with_the_targets_are_a_scan_s(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """The glue owners the look at ZF110's targets keeps (_target_owners)
    are a scan's, and ZF118 finds the same with them as without (asked
    before the look and after it): every fixture, corpus and real zone."""
    kept = 0
    for name, load in every_zone:
        zone = load()
        before = _occluded(zone)
        assert zone.index.glue_owners() is None, name
        zone.index.target_owners_among(rrtypes.NS, set())
        glue = zone.index.glue_owners()
        if glue is not None:
            assert glue == _glue_owners_by_a_scan(zone), name
            kept += len(glue)
        assert _occluded(zone) == before, name
    assert kept > 100


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ns1.sub", "NS1.sub", "ns2.sub", "x.sub", "sub", "ns1"]),
            st.sampled_from(["", ".example.net.", ".EXAMPLE.net."]),
            st.sampled_from(["A 192.0.2.1", "AAAA 2001:db8::1", "TXT x"]),
        ),
        max_size=8,
    ),
    st.sampled_from(["", "$ORIGIN sub.example.net.\n"]),
)
@example([("ns1.sub", "", "TXT x"), ("ns1.sub", "", "A 192.0.2.1")], "")
def test_glue_owners_in_generated_zones(
    records: list[tuple[str, str, str]], directive: str
) -> None:
    """Glue written every way (case, relative and absolute, beside other
    data, under the delegation's origin): the glue owners are a scan's,
    and ZF118 finds the same with them as without."""
    text = "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
    text += "sub NS ns1.sub\nsub NS ns2.sub.example.net.\nsub NS ns.example.org.\n"
    text += directive
    text += "".join(f"{name}{end} {rdata}\n" for name, end, rdata in records)
    zone = zonefix.parse_text(text)
    before = _occluded(zone)
    zone.index.target_owners_among(rrtypes.NS, set())
    glue = zone.index.glue_owners()
    assert glue is not None
    assert glue == _glue_owners_by_a_scan(zone)
    assert _occluded(zone) == before


def test_not_plain_targets_are_each_names_own_test(
    every_zone: list[tuple[str, Callable[[], Zone]]],
) -> None:
    """not_plain_targets (ZF115, ZF116: kept per type) holds exactly the
    target names of the type that plain_host says no to, and no name:
    every fixture, corpus and real zone, each target type."""
    odd = 0
    for name, load in every_zone:
        index = load().index
        for rdtype in dotless.TARGET_FIELDS:
            names = {key for _, key in index.targets_of(rdtype)}
            expected = {
                n for n in names if n is None or not zonefix.index.plain_host(n)
            }
            assert index.not_plain_targets(rdtype) == expected, (name, rdtype)
            assert index.not_plain_targets(rdtype) is index.not_plain_targets(rdtype)
            odd += len(expected)
    assert odd > 10


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1, 15, 16, 256, 257, 3840, 3855, 4095]), max_size=40),
    st.sampled_from([1, 15, 16, 256, 3855, 4095]),
)
@example([3855, 15, 15], 3855)  # 0x0F0F: a match across two items' bytes
@example([0x0F00, 0x000F], 15)  # 0x0F00 then 15: a match across, hiding one
def test_items_found_by_cutting_are_those_found_one_by_one(
    items: list[int], item: int
) -> None:
    """all_items_equal_to (the column cut at each match) finds the items
    items_equal_to finds one by one, and a scan of the items: where a match
    falls across two items' bytes too."""
    column = array("H", items)
    raw = column.tobytes()
    wanted = item.to_bytes(2, sys.byteorder)
    expected = [at for at, value in enumerate(items) if value == item]
    assert list(items_equal_to(raw, wanted)) == expected
    assert all_items_equal_to(raw, wanted) == expected


_HOST_TEXT = string.ascii_letters[:3] + "XYZ09-.\n_\\é *"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(_HOST_TEXT, max_size=10),
            st.lists(st.text("aZ09-", min_size=1, max_size=4), min_size=1, max_size=3)
            .map(".".join)
            .flatmap(lambda name: st.sampled_from([name, f"{name}.", f"-{name}."])),
        ),
        max_size=8,
    )
)
@example(["a.b.", "c-d.e."])
@example(["a.b.", None, "."])
@example(["a.\nb."])
@example(["a.b.", "a-.b.", "a..b.", "-a.", "a.-b."])
def test_not_plain_names_are_each_names_match(names: list[str | None]) -> None:
    """not_plain_names (the names joined a line each: searched, matched a
    line after another) is plain_host asked of each name."""
    expected = {n for n in names if n is None or not zonefix.index.plain_host(n)}
    assert zonefix.index.not_plain_names(names) == expected
    assert zonefix.index.not_plain_names(iter(names)) == expected


@given(st.lists(st.text(string.printable, max_size=12), max_size=8))
@example(["mail.example.", "1.example."])
@example(["a:b", "x."])
@example(["x\n1"])
def test_zf106s_names_that_may_be_addresses_are_each_names_match(
    names: list[str],
) -> None:
    """ZF106's search of the names joined a line each keeps what its match
    of each name keeps."""
    may_be = re.compile(structure._MAY_BE_ADDRESS).match
    assert structure._may_be_addresses(set(names)) == {n for n in names if may_be(n)}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_zones())
@example(
    text="$TTL 300\n$ORIGIN example.net.\na A 192.0.2.1\n$ORIGIN Example.NET.\nb.C A 192.0.2.1\n$ORIGIN sub.example.net.\nx A 192.0.2.1\ny. A 192.0.2.1\n"
)
def test_owner_keys_under_origins_of_other_texts(text: str) -> None:
    """owner_keys is owner_key where a piece's words are under several
    origins, those under another text than the first word's keyed after
    the others (_keys_of_piece, taken however many there are)."""
    zone = zonefix.parse_text(text)
    records = list(range(len(zone.table)))
    expected = [zone.index.owner_key(i) for i in records]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zonefix.index, "_ELSEWHERE_PAST_ONE_IN", 1)
        index = zonefix.index.ZoneIndex(zone)
        assert index.owner_keys(records) == expected, text


def _label_under_apex_giving_back(apex: str) -> Callable[[str, int], object]:
    """_label_under_apex's match as first written: every label taken, then
    given back one after another until the rest is the apex or nothing."""
    label = f"{zonefix.bind.facts.PLAIN_LABEL_CHARACTER}++"
    return re.compile(
        rf"(?:{label}\.)*({label})(\.(?i:{re.escape(apex)}))?(?=[ \t\r\n]|$)"
    ).match


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["example.net.", "a.b.", "x.", "ex-am.ple."]),
    st.lists(
        st.sampled_from(["a", "B", "x", "ex-am", "ple", "example", "net", "NET", "b"])
        | st.text("a.\\é*_", max_size=3),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["", ".", ".example.net.", ".EXAMPLE.NET.", ".a.b.", ".x."]),
    st.sampled_from(["", " ", "\t", "\n", "\r\n", "(", ";", "\n\n", "."]),
)
@example("example.net.", ["a", "example", "net", "example"], ".net.", " ")
@example("example.net.", ["example"], ".net.", "\n")
def test_label_under_apex_is_the_match_that_gives_labels_back(
    apex: str, labels: list[str], end: str, after: str
) -> None:
    """_label_under_apex, whose labels before the one under the apex are
    never given back, matches where the match that gives them back does,
    with the same label, apex and end."""
    zone = zonefix.parse_text(f"$ORIGIN {apex}\n$TTL 300\n@ NS ns1.example.org.\n")
    match = zone.index._label_under_apex
    reference = _label_under_apex_giving_back(apex)
    text = "x " + ".".join(labels) + end + after

    def seen(found: object) -> object:
        if not isinstance(found, re.Match):
            return None
        return found.group(1), found.group(2), found.lastindex, found.end()

    assert seen(match(text, 2)) == seen(reference(text, 2)), text
