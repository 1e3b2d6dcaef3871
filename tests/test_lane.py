"""The fast lanes of reading against the general paths they shortcut: the
parser's (zonefix/bind/syntax/lane.py) against the LALR driver, and the
resolver's (Resolver._usual_record) against _owner and _resolve_fields.

The lane must change nothing but the time: with it and without it, a text
gives the same entries (starts and kinds) and the same syntax problems. It
is checked on every file of the fixtures, of ../shared/corpus and of
../shared/realworld (read in place, skipped when absent), and on texts
generated from pieces at the edge of what the lane takes (escapes, quotes,
parentheses over one line or several, CR, directives, odd blanks, a missing
last line break). Where
the driver finds no problem, lark's own parser must find the same entries
(tests/test_syntax.py holds the driver to lark on the files).

ZONEFIX_LANE_EXAMPLES=100000 runs the generated part at length.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import zonefix
from tests.conftest import CORPUS, ROOT
from tests.test_syntax import _lark_entries
from zonefix.bind.resolver import Resolver
from zonefix.bind.syntax.nodes import EntryKind
from zonefix.bind.syntax.parser import SyntaxProblem, parse_syntax
from zonefix.source import NotTextError, decode

REALWORLD = ROOT.parent / "shared" / "realworld"
EXAMPLES = int(os.environ.get("ZONEFIX_LANE_EXAMPLES", "1500"))

Parsed = tuple[list[int], bytes, list[SyntaxProblem]]


def parsed(text: str, lane: bool) -> Parsed:
    tree, problems = parse_syntax(text, lane=lane)
    return list(tree.entry_starts), bytes(tree.entry_kinds), problems


def disagreements(folder: Path) -> tuple[int, list[str]]:
    """How many files under *folder* were read, and those the lane reads
    otherwise than the driver."""
    read, differ = 0, []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            text = decode(str(path), path.read_bytes()).text
        except NotTextError:
            continue
        read += 1
        if parsed(text, lane=True) != parsed(text, lane=False):
            differ.append(str(path.relative_to(folder)))
    return read, differ


@pytest.mark.parametrize(
    "folder",
    [ROOT / "fixtures", CORPUS, REALWORLD],
    ids=["fixtures", "corpus", "realworld"],
)
def test_every_file_parses_alike_with_and_without_the_lane(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    read, differ = disagreements(folder)
    assert read > 0
    assert differ == []


# -------------------------------------------------------------- generated

# Pieces of lines: what the lane takes, and each thing that sends a line to
# the driver (or that the lane must read as the grammar does).
WORDS = ["www", "a.b.", "@", "IN", "A", "192.0.2.1", "3600", "TXT", "x$y", "*"]
ODD = [
    *('"', '"a b"', '"a;b"', '"(x)"', '""', '"a\\"b"', '"a\\\\"', '"\\065"'),
    *("\\", "\\;", "\\(", '\\"', "\\ ", "\\\\", "\\$", "a\\\tb", '"a\\'),
    *("(", ")", "( a", "a )", ";c", '; c ( " \\', ";", "$TTL", "$", "\\\n"),
    *("\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "é", "\x00"),
]
BLANKS = [" ", "\t", " \t", ""]


@st.composite
def lines(draw: st.DrawFn) -> str:
    """One line: mostly plain words and blanks, sometimes an odd piece; it
    may start with a blank (a blank owner), a "$" or anything else."""
    pieces = st.one_of(
        st.sampled_from(WORDS), st.sampled_from(BLANKS), st.sampled_from(ODD)
    )
    start = draw(st.sampled_from(["", "", " ", "\t", "$ORIGIN ", ";", "(", '"']))
    body = draw(st.lists(pieces, max_size=8))
    separated = [piece + draw(st.sampled_from(BLANKS)) for piece in body]
    end = draw(st.sampled_from(["\n"] * 6 + ["\r\n", " ;x\n", "\r\r\n", ""]))
    return start + "".join(separated) + end


@st.composite
def texts(draw: st.DrawFn) -> str:
    # Plain lines around the odd ones, so that the lane starts and stops.
    plain = st.sampled_from(["www IN A 192.0.2.1\n", "\tIN A 192.0.2.2 ; c\n", "\n"])
    chosen = draw(st.lists(st.one_of(lines(), plain), max_size=10))
    return "".join(chosen)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(texts())
def test_generated_texts_parse_alike_with_and_without_the_lane(text: str) -> None:
    with_lane = parsed(text, lane=True)
    assert with_lane == parsed(text, lane=False)
    starts, kinds, problems = with_lane
    event("syntax problem" if problems else "parsed")
    if not problems:
        # And as lark parses it.
        names = [EntryKind(kind).name for kind in kinds]
        ends = [*starts[1:], len(text)] if starts else []
        assert _lark_entries(text) == list(zip(names, starts, ends, strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "a A 1\n" * 3,
        "$TTL 1h\na A 1\n b A 2\n",
        "a A 1\n\n ; c\n\t\n b A 2\r\n",
        'a TXT "x;y" "" z"q"\n  "s" A 1\n',
        "a A 1\n$TTL 1h\n",
        "a A 1\n  $x A 1\n",
        "a A 1\nb TXT ( x\n y )\nc A 1\n",
        "a A 1\nb A 1 )\nc A 1\n",
        'a A 1\nb TXT "x\nc A 1\n',
        "a A 1\nb A 1",
        "a A 1\nb A 1\r",
        # Lone CRs (old Mac line ends), also beside CRLF and LF; a comment
        # runs on over one to the LF (or the end of the text).
        "a A 1\rb A 1\r\r c A 1\r\nd A 1\n \r",
        "a A 1\r; c\rb A 1\nc A 1\r; d\r",
        'a A 1 ; c\r\nb TXT "x\ry"\rc A 1\r\n',
        "a A 1\rb TXT ( x\r y )\rc A 1\r",
        "a A 1\r" * 3000,
        "a A 1\nb \\; A 1\nc\\ d A 1\n",
        "a A 1\nb A 1\\\nc A 1\n",
        "a A 1\n\\$TTL A 1\n",
        "a A 1\n" + "b A 1\n" * 3000,
        # Quoted strings with escapes; parentheses over several lines (after a
        # first line, which is always the driver's).
        'z A 1\na TXT "x\\"y" "\\065" "z\\\\"\nb A 1\n',
        'z A 1\na TXT "x\\\ny"\nb A 1\n',
        "z A 1\na SOA ns h (\n 1 ; serial\n 2 3 4 5 )\nb A 1\n",
        "z A 1\na SOA ns h (\r\n 1 ; s\r\n 2 3 4 5 ) ; c\r\nb A 1\n",
        'z A 1\na TXT ( "(" ";" )\n\t( "x" ) ( y )\nb A 1\n',
        "z A 1\na TXT ( ; ) (\n x )\nb A 1\n",
        "z A 1\na TXT ( ( x ) )\nb A 1\n",
        "z A 1\na TXT ( x ) )\nb A 1\n",
        "z A 1\na TXT ( x\n$TTL 1h )\nb A 1\n",
        "z A 1\na TXT ( x\r y )\nb A 1\n",
        "z A 1\na TXT ( x\n",
        "z A 1\na TXT ( x )",
        "a A 1\nb TXT ( x\n y )\n" * 3,
    ],
)
def test_lane_edges(text: str) -> None:
    assert parsed(text, lane=True) == parsed(text, lane=False)


# ------------------------------------------------- the resolver's usual lane
# Resolver._usual_record reads the usual record line (a plain owner or a
# blank one, a TTL and IN in either order, a common type and rdata the fast
# path reads) in one call; it must add exactly the record, and change exactly
# the reading state, that the general path (_owner, _resolve_fields) would.


def resolved(text: str, name: str, usual: bool) -> tuple[object, ...]:
    """What a zone reads as: every column of its record table, and its
    findings."""
    original = Resolver._usual_record
    if not usual:
        Resolver._usual_record = lambda *args: False  # type: ignore[method-assign]
    try:
        zone = zonefix.parse_text(text, filename=name)
    finally:
        Resolver._usual_record = original  # type: ignore[method-assign]
    table = zone._resolved.table
    # The hashes and targets only the usual lane keeps (0 or None elsewhere)
    # are compared as the rules see them, filled in.
    lane_only = ("owner_hash", "rdata_hash", "target_key", "relative_target")
    columns = tuple(
        list(getattr(table, slot)) for slot in table.__slots__ if slot not in lane_only
    )
    index = zone.index
    hashes = (
        list(index.owner_hashes),
        [index.rdata_hash(i) for i in range(len(table))],
        index._targets[1],
        index.dotless_names(),
    )
    return columns, hashes, [str(d) for d in zone.diagnostics], zone.origin


@pytest.mark.parametrize(
    "folder",
    [ROOT / "fixtures", CORPUS, REALWORLD],
    ids=["fixtures", "corpus", "realworld"],
)
def test_every_file_resolves_alike_with_and_without_the_usual_lane(
    folder: Path,
) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    differ = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            text = decode(str(path), path.read_bytes()).text
        except NotTextError:
            continue
        # In the file's folder, so that $INCLUDE reads what it would.
        if resolved(text, str(path), True) != resolved(text, str(path), False):
            differ.append(str(path.relative_to(folder)))
    assert differ == []


# Words of records at the edge of the usual shape: TTLs and classes in
# every order, types the lane reads and some it leaves, owners plain,
# relative, absolute, "@" or escaped, rdata it reads or not.
OWNERS = ["www", "@", "a.example.net.", "other.org.", "*", "x\\.y", "é", ""]
HEADS = ["", "300", "1h", "IN", "CH", "300 IN", "IN 300", "IN 1h", "ANY", "1x"]
RDATA = [
    "A 192.0.2.1",
    "A 192.0.2.256",
    "AAAA 2001:db8::1",
    "MX 10 mail",
    "MX 10 mail.example.net.",
    'TXT "v=spf1 -all"',
    'TXT "a\\065"',
    "NS ns1",
    "CNAME @",
    "SRV 0 5 5060 sip",
    "CAA 0 issue ca.example",
    "PTR host.",
    "HINFO a b",
    "SOA ns hostmaster 1 2 3 4 5",
    "A",
    "TYPE1 \\# 4 c0000201",
]
DIRECTIVES = ["$TTL 600", "$ORIGIN sub", "$ORIGIN example.net.", "$ORIGIN ."]


@st.composite
def zones(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(DIRECTIVES)))
            continue
        owner = draw(st.sampled_from(OWNERS))
        head = draw(st.sampled_from(HEADS))
        data = draw(st.sampled_from(RDATA))
        lines.append(" ".join(w for w in (owner or " ", head, data) if w))
    return "\n".join(lines) + "\n"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(zones(), st.sampled_from(["db.example.net", "zone.txt"]))
def test_generated_zones_resolve_alike_with_and_without_the_usual_lane(
    text: str, name: str
) -> None:
    assert resolved(text, name, True) == resolved(text, name, False)


def test_the_lane_is_compiled_once_enough_text_is_parsed() -> None:
    """PERF (issue 11): its expressions cost what the driver spends on some
    100 lines. A fresh process reads a small text without them, and compiles
    them once it has parsed 4 KB (the entries are the same either way)."""
    script = (
        "from zonefix.bind.syntax import lane\n"
        "from zonefix.bind.syntax.parser import parse_syntax\n"
        "line = 'www IN A 192.0.2.1\\n'\n"
        "for lines in (100, 100, 20, 1):\n"
        "    parse_syntax(line * lines)\n"
        "    print(lane._matchers.cache_info().currsize, end=' ')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == "0 0 1 1 "
