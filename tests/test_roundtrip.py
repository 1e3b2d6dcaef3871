"""Lossless: printing an unmodified zone gives back its bytes, for every file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

import zonefix
from tests.conftest import (
    BAD_FIXTURES,
    CORPUS,
    FIXTURES,
    PARSE_FIXTURES,
    ROOT,
    corpus_zones,
    needs_corpus,
)
from zonefix.bind.syntax.grammar import grammar_path
from zonefix.bind.syntax.parser import parse_syntax

ALL_FIXTURES = [
    *PARSE_FIXTURES,
    *(FIXTURES / "parse" / "include").iterdir(),
    *BAD_FIXTURES,
    *(FIXTURES / "bad").glob("*.inc"),
    *(ROOT / "examples").iterdir(),
    *(FIXTURES / "rules").glob("ZF*/*.zone"),
    *(FIXTURES / "scenarios").glob("*/db.*"),
    *(FIXTURES / "scenarios").glob("*/fixed/db.*"),
]


def assert_round_trip(path: Path, origin: str | None = None) -> zonefix.Zone:
    data = path.read_bytes()
    zone = zonefix.parse_file(path, origin=origin)
    assert zone.to_bytes() == data
    assert zone.to_text() == data.decode("utf-8", "surrogateescape")
    for included in zone.includes:
        assert included.path is not None
        assert (
            included.source.encode(included.tree.to_text())
            == Path(included.path).read_bytes()
        )
    return zone


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixture_round_trips(path: Path) -> None:
    assert_round_trip(path, origin="example.net." if path.suffix == ".inc" else None)


@needs_corpus
@pytest.mark.parametrize("zone", corpus_zones(), ids=lambda z: z.file)
def test_corpus_file_round_trips(zone) -> None:  # type: ignore[no-untyped-def]
    assert_round_trip(CORPUS / zone.file, zone.origin)


def test_tokens_cover_every_character() -> None:
    # Tokens touch: each starts where the one before ended.
    for path in PARSE_FIXTURES:
        zone = zonefix.parse_file(path)
        tree = zone.tree
        position = 0
        for index in range(len(tree)):
            for token in tree.tokens(index):
                assert token.start == position, (path, index, token)
                position = token.end
        assert position == len(tree.text)


# ------------------------------------------------------------ properties


def _grammar_strategy() -> st.SearchStrategy[str]:
    lark = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr")
    # Terminals whose expressions use look-ahead, which hypothesis cannot
    # generate from, get plain strategies for the same language.
    explicit = {
        "WS": st.from_regex(r"[ \t]{1,3}", fullmatch=True),
        "QUOTED": st.from_regex(r'"(?:[^"\\\r\n]|\\[^\r\n]){0,8}"', fullmatch=True),
        "NEWLINE": st.sampled_from(["\n", "\r\n"]),
    }
    return from_lark(lark, explicit=explicit)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_grammar_strategy())
def test_text_from_the_grammar_parses_and_round_trips(text: str) -> None:
    tree, problems = parse_syntax(text)
    assert problems == []
    assert tree.to_text() == text
    zone = zonefix.parse_text(text, origin="example.net.")
    assert zone.to_text() == text


# Mutations a person makes that change no record: whitespace, comments,
# blank lines, line ends.
_KINDS = ["trailing-space", "comment", "blank-line", "crlf", "tab"]
_MUTATIONS = st.lists(
    st.tuples(st.sampled_from(_KINDS), st.integers(min_value=0, max_value=10_000)),
    max_size=8,
)
# And an old Mac's lone CR, a line break as in BIND where no comment or quote
# runs on over it (read, not fixed: fixer._lone_carriage_return).
_READ_MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from([*_KINDS, "cr"]), st.integers(min_value=0, max_value=10_000)
    ),
    max_size=8,
)


def _mutate(text: str, mutations: list[tuple[str, int]]) -> str:
    lines = text.splitlines(keepends=True)
    for kind, where in mutations:
        if not lines:
            break
        i = where % len(lines)
        body = lines[i].rstrip("\r\n")
        end = lines[i][len(body) :]
        in_parens = any(line.count("(") > line.count(")") for line in lines[: i + 1])
        if kind == "trailing-space" and not body.rstrip().endswith("\\"):
            lines[i] = body + " \t" + end
        elif (
            kind == "comment"
            and '"' not in body
            and not body.rstrip().endswith("\\")
            and end != "\r"  # a comment runs on over a lone CR, as in BIND
        ):
            lines[i] = body + " ; zonefix was here" + end
        elif kind == "blank-line" and not in_parens:
            lines.insert(i, "\n")
        elif kind == "crlf" and end == "\n":
            lines[i] = body + "\r\n"
        elif kind == "cr" and end == "\n" and not any(c in body for c in ';"\\'):
            lines[i] = body + "\r"
        elif kind == "tab" and body[:1] in (" ", "\t"):
            lines[i] = "\t" + body.lstrip(" \t") + end
    return "".join(lines)


def _records(zone: zonefix.Zone) -> list[tuple[object, ...]]:
    return [(r.owner, r.ttl, r.rdclass, r.rdtype, r.rdata) for r in zone.records]


_MUTABLE = [
    p for p in PARSE_FIXTURES if p.suffix == ".zone" and "include" not in p.name
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_MUTABLE), _READ_MUTATIONS)
def test_mutated_fixtures_round_trip_with_the_same_records(
    path: Path, mutations: list[tuple[str, int]]
) -> None:
    original = zonefix.parse_file(path)
    text = original.to_text()
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    mutated = bom + _mutate(text[len(bom) :], mutations)
    zone = zonefix.parse_text(
        mutated.encode("utf-8", "surrogateescape"), filename=str(path)
    )
    assert zone.to_text() == mutated
    assert zone.diagnostics == []
    assert _records(zone) == _records(original)
