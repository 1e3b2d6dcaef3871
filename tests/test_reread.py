"""zonefix.bind.reread against a full read.

A fix pass reads its result again from only the lines its edits touch
(zonefix/bind/reread.py). Whatever the edits, what it gives must be what
reading the whole new text gives: the same syntax tree, record table,
origins and findings while reading, the same records, and the same
findings of every rule. Where it cannot be sure it gives None, and the
fixer reads the whole text; so these tests also hold it to reading the
usual fix passes itself.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, ROOT, load_fixture
from zonefix import fixer
from zonefix.bind.reread import reread
from zonefix.bind.resolver import RecordTable
from zonefix.diagnostics import Edit
from zonefix.document import Limits
from zonefix.index import ZoneIndex, bucket_mask
from zonefix.rules import all_rules, run_rules
from zonefix.settings import Settings
from zonefix.zone import Zone, parse_file, parse_text

TODAY = datetime.date(2026, 11, 22)
REALWORLD = ROOT.parent / "shared" / "realworld"


def _realworld() -> list[Path]:
    manifest = REALWORLD / "manifest.tsv"
    if not manifest.is_file():
        return []
    with open(manifest, newline="", encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return [
        REALWORLD / "zones" / row[0]
        for row in csv.reader(rows, delimiter="\t")
        if row and row[-1] == "bind"
    ]


FIXTURE_ZONES = sorted(
    p for p in FIXTURES.rglob("*.zone") if p.is_file() and "exports" not in p.parts
)
REALWORLD_ZONES = _realworld()


def read_fully(zone: Zone, text: str) -> Zone:
    """What the fixer read before zonefix.bind.reread: the whole new text."""
    return parse_text(
        zone.source.encode(text),
        origin=zone.origin,
        filename=zone.filename,
        include_root=zone.include_root,
        limits=zone.read_limits,
    )


def facts(zone: Zone) -> dict[str, Any]:
    """Everything a read gives, as values."""
    resolved = zone._resolved
    table = zone.table
    tree = zone.tree
    return {
        "text": tree.text,
        "entry_starts": list(tree.entry_starts),
        "entry_kinds": bytes(tree.entry_kinds),
        "columns": {
            name: list(getattr(table, name))
            for name in RecordTable.__slots__
            if name not in ("generated", "anchors", "owner_hash")
        },
        # A cache the index fills in where reading left 0: as it sees it.
        "owner_hash": list(zone.index.owner_hashes),
        "generated": table.generated,
        "anchors": table.anchors,
        "origins": resolved.origins,
        "marks": resolved.marks,
        "origin": zone.origin,
        "diagnostics": zone.diagnostics,
        "documents": [(d.source, d.path) for d in resolved.documents],
        "settings": (
            zone.include_root,
            zone.origin_given,
            zone.root_is_apex,
            zone.read_origin,
            zone.read_limits,
            zone.record_extras,
            zone.capabilities,
        ),
        "records": list(zone.records),
    }


def assert_reads_alike(got: Zone, want: Zone, *, rules: bool = True) -> bool:
    """*got* (a re-read) and *want* (a whole read) alike; and whether *got*'s
    index took its owner-hash buckets and RRset suspects over from the zone
    it was read from (zonefix.carried), as they are when built anew."""
    assert facts(got) == facts(want)
    carried = _carried_alike(got)
    if rules:
        every = all_rules()
        assert run_rules(got, every, Settings(mail=want.mail_settings)) == run_rules(
            want, every, Settings(mail=want.mail_settings)
        )
    return carried


def _carried_alike(got: Zone) -> bool:
    """Whether *got*'s index takes its buckets and suspects over from the
    zone it was re-read from; where it does, they are what a new index
    builds (every bucket's records, in file order; every suspect)."""
    carried = got.carried
    if carried is None:
        return False
    index = got.index
    # The buckets where the old index made them (its look-ups by owner
    # hash): rrset_suspects makes them only for a zone whose RRsets are
    # not each one run of records (zonefix.rrset_runs).
    made = carried.old.__dict__
    old_buckets = "_buckets" in made or "_by_owner_hash" in made
    buckets = carried.buckets(index, bucket_mask(len(index.owner_hashes)))
    took = carried.rrset_suspects(index) is not None and (
        buckets is not None or not old_buckets
    )
    got.carried = None
    anew = ZoneIndex(got)
    mask, starts, order = anew._by_owner_hash
    suspects = anew.rrset_suspects
    got.carried = carried
    assert index.rrset_suspects == suspects
    buckets = index._buckets
    assert buckets.mask == mask
    for bucket in range(mask + 1):
        records = order[starts[bucket] : starts[bucket + 1]]
        assert buckets.records_of([bucket]) == list(records), bucket
    everything = list(range(mask + 1))
    assert sorted(buckets.records_of(everything)) == list(range(len(order)))
    return took


def fix_passes(zone: Zone) -> Iterator[tuple[Zone, list[Edit], str]]:
    """The passes a fix run with every rule and unsafe fixes makes: the zone
    each starts from, its edits (the serial bump with the first), the text
    they make."""
    current = zone
    for number in range(4):
        findings = run_rules(current, all_rules(), Settings(mail=zone.mail_settings))
        taken = fixer._choose(findings, current.filename, True)
        if not taken:
            return
        edits = [e for d in taken for e in d.fix.edits]  # type: ignore[union-attr]
        bump = fixer._bump_serial(current, TODAY) if number == 0 else None
        if bump is not None and not fixer._touches_soa(current, bump[0], taken):
            edits.append(bump[0])
        text = fixer.apply_edits(current.tree.text, edits)
        yield current, edits, text
        current = read_fully(current, text)
        current.mail_settings = zone.mail_settings


def _check_passes(zone: Zone) -> tuple[int, int, int]:
    """Each fix pass of *zone* read both ways; (passes, passes reread,
    rereads whose index took the old one's buckets and suspects over)."""
    passes = reread_ones = carried = 0
    for before, edits, text in fix_passes(zone):
        passes += 1
        got = reread(before, text, edits, before.read_limits)
        if got is None:
            continue
        reread_ones += 1
        want = read_fully(before, text)
        got.mail_settings = want.mail_settings = zone.mail_settings
        carried += assert_reads_alike(got, want)
    return passes, reread_ones, carried


def test_every_fixture_zone_fixed_reads_alike() -> None:
    passes = reread_ones = carried = 0
    for path in FIXTURE_ZONES:
        try:
            zone = load_fixture(path)
        except OSError:
            continue
        done, read, took = _check_passes(zone)
        passes, reread_ones, carried = passes + done, reread_ones + read, carried + took
    # Most passes are read from their edits (not only a full read tested),
    # and most of those take the old index's buckets and suspects over.
    assert passes > 60, passes
    assert reread_ones > passes // 2, (passes, reread_ones)
    assert carried > reread_ones // 2, (reread_ones, carried)


@pytest.mark.skipif(not REALWORLD_ZONES, reason="../shared/realworld is not present")
@pytest.mark.parametrize("path", REALWORLD_ZONES, ids=lambda p: p.name)
def test_real_zones_fixed_read_alike(path: Path) -> None:
    zone = parse_file(path)
    _check_passes(zone)


def test_the_benchmark_shape_is_reread() -> None:
    """A big zone's dozen fixes (benchmarks/zones.py's kind) are read from
    their edits, and read as the whole text reads."""
    lines = ["$TTL 1h", "$ORIGIN example.net."]
    lines.append("@ IN SOA ns1 hostmaster ( 2024010101 1h 15m 1w 5m )")
    lines += ["\tIN NS ns1", "\tIN NS ns2.example.net.", "ns1 IN A 192.0.2.1"]
    for i in range(300):
        lines += [f"www{i} IN A 192.0.2.{i % 250 + 1}", "\tIN AAAA 2001:db8::1"]
        if i % 50 == 7:
            lines += [f"dup{i}.example.net. IN A 192.0.2.9"] * 2
            lines += [f"ttl{i} IN A 198.51.100.1", f"ttl{i} 600 IN A 198.51.100.2"]
            lines += [f"alias{i}.example.net. IN CNAME www.example.org"]
    zone = parse_text("\n".join(lines) + "\n", filename="db.example.net")
    passes, read, carried = _check_passes(zone)
    assert passes == read == carried == 1


def test_a_changed_record_keeps_its_place_among_its_owner_s() -> None:
    """A record read anew goes into its owner's bucket in file order, before
    a later record of the same owner the re-read kept; the old suspects of
    other owners are moved, the changed owner's worked out again."""
    lines = ["$TTL 300", "@ SOA ns1 host 1 2 3 4 5", "@ NS ns1", "ns1 A 192.0.2.1"]
    lines += [f"h{i} A 192.0.2.{i}" for i in range(40)]
    lines += ["h3 TXT x", "h9 A 192.0.2.9", "h9 600 A 192.0.2.10"]
    text = "\n".join(lines) + "\n"
    zone = parse_text(text, origin=ORIGIN, filename="zone.txt")
    assert len(zone.index.rrset_suspects[0]) == 2  # the two h9 A 192.0.2.9
    at = text.index("h3 A 192.0.2.3")
    edits = [Edit(at, at + len("h3 A 192.0.2.3"), "h3 A 192.0.2.99")]
    new_text = fixer.apply_edits(text, edits)
    got = reread(zone, new_text, edits, Limits())
    assert got is not None
    assert assert_reads_alike(got, read_fully(zone, new_text))


# --------------------------------------------------------- random edits

ORIGIN = "example.com."
LINES = [
    "www IN A 192.0.2.1",
    "www 300 IN A 192.0.2.2",
    "\tIN A 192.0.2.3",
    "\t600 IN AAAA 2001:db8::1",
    "mail IN MX 10 mail2",
    '@ IN TXT "v=spf1 -all"',
    "@ 1h IN NS ns1.example.com.",
    "sub IN NS ns.sub",
    "ns.sub IN A 192.0.2.53",
    "x IN CNAME www",
    "x.example.com. IN A 192.0.2.7",
    "other.example.org. IN A 192.0.2.8",
    "WWW IN A 192.0.2.1 ; upper",
    "www IN A 192.0.2.1",
    "bad IN A 999.0.0.1",
    'big IN TXT "' + "a" * 300 + '"',
    "paren IN MX ( 20\n\tmx )",
    "ttl IN 2h A 192.0.2.9",
    'x2 IN HINFO "pc" "os"',
    "; a comment",
    "",
    "   ",
    '\tIN TXT "blank owner"',
    "$TTL 5m",
    "$ORIGIN sub.example.com.",
    "noclass A 192.0.2.10",
    "@ IN SOA ns1 host ( 2 1h 15m 1w 7m )",
]
HEADS = [
    ["$TTL 1h", "@ IN SOA ns1 host ( 1 1h 15m 1w 5m )", "\tIN NS ns1"],
    ["@ 3600 IN SOA ns1 host ( 1 1h 15m 1w 5m )", "\tIN NS ns1"],
    ["@ IN SOA ns1 host ( 1 1h 15m 1w 5m )", "@ 60 IN NS ns1"],
    ["www 20 IN A 192.0.2.1", "$TTL 2h", "@ IN SOA ns1 host 1 1h 15m 1w 5m"],
]

line = st.sampled_from(LINES)
edit = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, 200), line),
    st.tuples(st.just("insert"), st.integers(0, 200), line),
    st.tuples(st.just("delete"), st.integers(0, 200), st.just("")),
    st.tuples(st.just("join"), st.integers(0, 200), st.just("")),
    st.tuples(st.just("blank_owner"), st.integers(0, 200), st.just("")),
    st.tuples(st.just("ttl"), st.integers(0, 200), st.sampled_from(["1", "7200"])),
)


def _edits(text: str, wanted: list[tuple[str, int, str]]) -> list[Edit]:
    """Edits of whole lines and words of *text*, none overlapping."""
    starts = [0]
    for at, char in enumerate(text):
        if char == "\n":
            starts.append(at + 1)
    lines = len(starts) - 1
    edits: list[Edit] = []
    used: set[int] = set()
    for kind, number, new in wanted:
        if not lines:
            break
        index = number % lines
        if index in used:
            continue
        used.add(index)
        start, end = starts[index], starts[index + 1]
        if kind == "replace":
            edits.append(Edit(start, end, new + "\n"))
        elif kind == "insert":
            edits.append(Edit(start, start, new + "\n"))
        elif kind == "delete":
            edits.append(Edit(start, end, ""))
        elif kind == "join":
            edits.append(Edit(end - 1, end, " "))
        elif kind == "blank_owner":
            owner = len(text[start:end]) - len(text[start:end].lstrip("\t "))
            word = len(text[start:end].split(" ")[0]) if not owner else 0
            edits.append(Edit(start, start + word, "\t"))
        else:
            words = text[start:end].split(" ")
            if len(words) > 2 and words[1].isdigit():
                at = start + len(words[0]) + 1
                edits.append(Edit(at, at + len(words[1]), new))
    edits.sort()
    kept: list[Edit] = []
    for e in edits:
        if kept and e.start <= kept[-1].end:
            continue
        kept.append(e)
    return kept


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    head=st.sampled_from(HEADS),
    body=st.lists(line, min_size=0, max_size=30),
    wanted=st.lists(edit, min_size=1, max_size=6),
    final_newline=st.booleans(),
)
def test_random_edits_read_alike(
    head: list[str],
    body: list[str],
    wanted: list[tuple[str, int, str]],
    final_newline: bool,
) -> None:
    text = "\n".join([*head, *body]) + ("\n" if final_newline else "")
    zone = parse_text(text, origin=ORIGIN, filename="zone.txt")
    # Built, for the re-read to take over.
    _ = zone.index.rrset_suspects
    _ = zone.index._buckets
    edits = _edits(text, wanted)
    new_text = fixer.apply_edits(text, edits)
    got = reread(zone, new_text, edits, Limits())
    if got is None:
        return
    assert_reads_alike(got, read_fully(zone, new_text), rules=False)


def test_random_edits_are_mostly_reread() -> None:
    """The random test above is not vacuous: most of its clean zones are
    read from their edits."""
    text = "\n".join([*HEADS[0], *(LINES[i % 13] for i in range(60))]) + "\n"
    zone = parse_text(text, origin=ORIGIN, filename="zone.txt")
    _ = zone.index.rrset_suspects  # built, for the re-read to take over
    read = carried = 0
    for seed in range(40):
        wanted = [("replace", seed * 7 + 3, LINES[seed % 13]), ("delete", seed, "")]
        edits = _edits(text, wanted)
        new_text = fixer.apply_edits(text, edits)
        got = reread(zone, new_text, edits, Limits())
        if got is not None:
            read += 1
            alike = assert_reads_alike(got, read_fully(zone, new_text), rules=False)
            carried += alike
    assert read >= 30
    # Most of them take the old index's buckets and suspects over.
    assert carried >= 25, carried


def _reread_alike(text: str, old: str, new: str) -> Zone:
    """*text* with its one *old* made *new*, read both ways: alike, and
    read from the edit."""
    zone = parse_text(text, origin=ORIGIN, filename="zone.txt")
    at = text.index(old)
    edits = [Edit(at, at + len(old), new)]
    new_text = fixer.apply_edits(text, edits)
    got = reread(zone, new_text, edits, Limits())
    assert got is not None
    assert_reads_alike(got, read_fully(zone, new_text))
    return got


def test_a_ttl_taken_by_the_lines_after_it() -> None:
    """Without $TTL a record takes the last TTL written: a fix of one
    changes every record up to the next TTL written."""
    lines = ["@ IN SOA ns1 host 1 1h 15m 1w 5m", "\tIN NS ns1", "a 300 IN A 192.0.2.1"]
    lines += [f"b{i} IN A 192.0.2.{i + 2}" for i in range(10)]
    lines += ["z 600 IN A 192.0.2.99", "y IN A 192.0.2.98"]
    got = _reread_alike("\n".join(lines) + "\n", "300", "100")
    assert [r.ttl for r in got.records][2:] == [100] * 11 + [600, 600]


def test_an_owner_repeated_past_a_directive() -> None:
    """An edit to the last record before $ORIGIN: the read goes on over the
    directive to the next owner written."""
    text = (
        "$TTL 1h\n@ IN SOA ns1 host 1 1h 15m 1w 5m\n\tIN NS ns1\n"
        "a IN A 192.0.2.1\nb IN A 192.0.2.2\n$ORIGIN sub.example.com.\n"
        "c IN A 192.0.2.3\n\tIN A 192.0.2.4\n$ORIGIN example.com.\nd IN A 192.0.2.5\n"
    )
    _reread_alike(text, "b IN A 192.0.2.2", "b IN A 192.0.2.7")
    _reread_alike(text, "b IN A 192.0.2.2", "\tIN A 192.0.2.7")
    _reread_alike(text, "b IN A 192.0.2.2\n", "")


def test_a_renamed_owner_and_the_lines_that_repeat_it() -> None:
    text = (
        "$TTL 1h\n@ IN SOA ns1 host 1 1h 15m 1w 5m\n\tIN NS ns1\n"
        'www IN A 192.0.2.1\n\tIN AAAA 2001:db8::1\nwww IN TXT "x"\n'
        "other.example.org. IN A 192.0.2.2\n\tIN A 192.0.2.3\n"
    )
    _reread_alike(text, "www IN A", "WWW IN A")
    _reread_alike(text, "www IN A", "ftp IN A")
    _reread_alike(text, "other.example.org.", "example.com.")
    _reread_alike(text, "@ IN SOA ns1 host 1 ", "@ IN SOA ns1 host 2 ")


def test_a_file_with_a_bom_crlf_line_ends_and_other_bytes() -> None:
    data = (
        "\ufeff$TTL 1h\r\n@ IN SOA ns1 host 1 1h 15m 1w 5m\r\n\tIN NS ns1\r\n"
        'www IN A 192.0.2.1\r\n\tIN TXT "caf\u00e9"\r\nb IN A 192.0.2.2'
    ).encode() + b" ; \xff"
    zone = parse_text(data, origin=ORIGIN, filename="zone.txt")
    text = zone.tree.text
    for old, new in (
        ("192.0.2.1", "192.0.2.9"),
        ("b IN A 192.0.2.2", "b 5 IN A 192.0.2.3\r\nc IN A 192.0.2.4"),
        ("www IN A 192.0.2.1\r\n", ""),
    ):
        at = text.index(old)
        edits = [Edit(at, at + len(old), new)]
        new_text = fixer.apply_edits(text, edits)
        got = reread(zone, new_text, edits, Limits())
        assert got is not None
        assert got.source.bom
        assert_reads_alike(got, read_fully(zone, new_text))


FIX_ZONES = sorted(
    p
    for folder in ("rules", "scenarios")
    for p in (FIXTURES / folder).rglob("*.zone")
    if not p.name.endswith(".fixed.zone")
)


@pytest.mark.parametrize("unsafe", [False, True])
def test_fix_runs_alike_with_whole_reads(
    unsafe: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fix() on every fixture gives what it gives when every pass reads
    its result whole: the text, what was applied, what remains, the
    refusals; and most passes were read from their edits."""
    import zonefix.bind.reread

    reread_ones = []

    def counted(*args: Any) -> Zone | None:
        got = reread(*args)
        reread_ones.append(got is not None)
        return got

    def whole(*args: Any) -> None:
        return None

    for path in FIX_ZONES:
        monkeypatch.setattr(zonefix.bind.reread, "reread", counted)
        got = fixer.fix(load_fixture(path), unsafe=unsafe, today=TODAY)
        monkeypatch.setattr(zonefix.bind.reread, "reread", whole)
        want = fixer.fix(load_fixture(path), unsafe=unsafe, today=TODAY)
        assert got[1:] == want[1:], path  # all but the original Zone object
    assert sum(reread_ones) > len(reread_ones) // 2 > 20
