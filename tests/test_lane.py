"""The parser's fast lane (zonefix/syntax/lane.py) against the LALR driver.

The lane must change nothing but the time: with it and without it, a text
gives the same entries (starts and kinds) and the same syntax problems. It
is checked on every file of the fixtures, of ../shared/corpus and of
../shared/realworld (read in place, skipped when absent), and on texts
generated from pieces at the edge of what the lane takes (escapes, quotes,
parentheses, CR, directives, odd blanks, a missing last line break). Where
the driver finds no problem, lark's own parser must find the same entries
(tests/test_syntax.py holds the driver to lark on the files).

ZONEFIX_LANE_EXAMPLES=100000 runs the generated part at length.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, ROOT
from tests.test_syntax import _lark_entries
from zonefix.source import NotTextError, decode
from zonefix.syntax.nodes import EntryKind
from zonefix.syntax.parser import SyntaxProblem, parse_syntax

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
        "a A 1\nb \\; A 1\nc\\ d A 1\n",
        "a A 1\nb A 1\\\nc A 1\n",
        "a A 1\n\\$TTL A 1\n",
        "a A 1\n" + "b A 1\n" * 3000,
    ],
)
def test_lane_edges(text: str) -> None:
    assert parsed(text, lane=True) == parsed(text, lane=False)
