"""The grammar, its compiled tables, and the driver that runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from tests.conftest import (
    BAD_FIXTURES,
    CORPUS,
    PARSE_FIXTURES,
    corpus_zones,
    needs_corpus,
)
from zonefix.bind.syntax.__main__ import dump
from zonefix.bind.syntax.grammar import build_tables, grammar_path, load_tables
from zonefix.bind.syntax.nodes import EntryKind
from zonefix.bind.syntax.parser import parse_syntax
from zonefix.source import NotTextError, decode


def test_generated_tables_match_the_grammar() -> None:
    # `make grammar` regenerates zonefix/bind/syntax/_tables.py; this fails when
    # someone edits grammars/zone.lark and forgets to.
    grammar = grammar_path().read_text(encoding="utf-8")
    assert load_tables() == build_tables(grammar)
    from zonefix.bind.syntax import _tables

    assert grammar == _tables.GRAMMAR


class _FinalNewline:
    """lark postlexer: the zero-width NEWLINE the driver adds at the end."""

    always_accept = ()

    def __init__(self) -> None:
        self.text = ""

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        last = None
        for token in stream:
            last = token
            yield token
        end = len(self.text)
        # A text that ends in a line break needs none: an LF, or a lone CR
        # read as one (not a CR inside a comment), as the driver reads it.
        ends_in_break = (
            last is not None and last.type == "NEWLINE" and last.end_pos == end
        )
        if self.text and not self.text.endswith("\n") and not ends_in_break:
            yield Token("NEWLINE", "", start_pos=end, end_pos=end)


_postlex = _FinalNewline()
_lark = Lark(
    grammar_path().read_text(encoding="utf-8"),
    parser="lalr",
    lexer="contextual",
    postlex=_postlex,
)


def _lark_entries(text: str) -> list[tuple[str, int, int]] | None:
    """What lark's own LALR parser makes of *text*: entries, or None."""
    _postlex.text = text
    try:
        tree = _lark.parse(text)
    except UnexpectedInput:
        return None
    entries = []
    for child in tree.children:
        assert isinstance(child, Tree)
        leaves = list(child.scan_values(lambda v: isinstance(v, Token)))
        start, end = leaves[0].start_pos, leaves[-1].end_pos
        assert start is not None
        assert end is not None
        entries.append((str(child.data).upper(), start, end))
    return entries


def _our_entries(text: str) -> list[tuple[str, int, int]] | None:
    tree, problems = parse_syntax(text)
    if problems:
        return None
    return [(tree.kind(i).name, *tree.span(i)) for i in range(len(tree))]


def _texts() -> list[tuple[str, Path]]:
    paths = [*PARSE_FIXTURES, *BAD_FIXTURES]
    paths += [z.path for z in corpus_zones()]
    texts = []
    for path in paths:
        try:
            texts.append((decode(str(path), path.read_bytes()).text, path))
        except NotTextError:
            continue
    return texts


@needs_corpus
def test_driver_agrees_with_lark() -> None:
    # The driver is lark's algorithm on lark's tables: on every fixture and
    # corpus file it must find the entries lark finds, and fail where lark
    # fails.
    disagreements = []
    for text, path in _texts():
        ours = _our_entries(text)
        theirs = _lark_entries(text)
        if ours != theirs:
            disagreements.append(path.name)
    assert disagreements == []


@pytest.mark.parametrize("path", PARSE_FIXTURES, ids=lambda p: p.name)
def test_parse_tree(path: Path, snapshot, capsys) -> None:  # type: ignore[no-untyped-def]
    # Each entry with its tokens, at their lines and columns.
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots" / "parse"
    assert dump(str(path)) == 0
    output = capsys.readouterr().out.replace(str(path), path.name)
    snapshot.assert_match(output, path.name + ".txt")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("", []),
        ("\n", ["BLANK"]),
        ("; only a comment", ["BLANK"]),
        ("   \t\n", ["BLANK"]),
        ("a A 192.0.2.1", ["RECORD"]),
        ("  A 192.0.2.1\n", ["RECORD"]),
        ("$TTL 1h\n", ["DIRECTIVE"]),
        ('a TXT ( "x" ; c\n\n ) ; d\nb A 1\n', ["RECORD", "RECORD"]),
        ("a TXT ( ( nested ) )\n", ["RECORD"]),
        ("a TXT $notadirective\n", ["RECORD"]),
        ("a TXT ( $inparens )\n", ["RECORD"]),
        # A lone CR breaks a line, as in BIND: three records.
        ("a\r\nb\rc A 1\r\n", ["RECORD", "RECORD", "RECORD"]),
    ],
)
def test_entries(text: str, kinds: list[str]) -> None:
    tree, problems = parse_syntax(text)
    assert problems == []
    assert [tree.kind(i).name for i in range(len(tree))] == kinds
    assert tree.to_text() == text


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a (\n b\n", 1, 3, "'(' is never closed"),
        ('a TXT "open\nb A 1\n', 1, 7, "quoted string is never closed on this line"),
        (") x\n", 1, 1, "')' without a matching '('"),
        ("a A 1 )\n", 1, 7, "')' without a matching '('"),
        (
            "(a) A 1\n",
            1,
            1,
            "a line cannot start with '('; an owner name or blank is expected",
        ),
        (
            '"a" A 1\n',
            1,
            1,
            "a line cannot start with a quoted string; an owner name or blank is expected",
        ),
        ("a A \\\n", 1, 5, "backslash at the end of a line escapes nothing"),
    ],
)
def test_syntax_problems(text: str, line: int, column: int, message: str) -> None:
    tree, problems = parse_syntax(text)
    assert [(*tree.position(p.offset), p.message) for p in problems] == [
        (line, column, message)
    ]
    # The broken entry is kept whole, so the text still prints back.
    assert tree.to_text() == text
    assert EntryKind.ERROR in tree.entry_kinds


def test_parsing_resumes_after_an_error() -> None:
    text = "a A 1.2.3.4\n) oops\nb A 1.2.3.5\n"
    tree, problems = parse_syntax(text)
    assert len(problems) == 1
    assert [tree.kind(i).name for i in range(len(tree))] == [
        "RECORD",
        "ERROR",
        "RECORD",
    ]


@needs_corpus
def test_corpus_is_where_conftest_says() -> None:
    assert (CORPUS / "README.md").is_file()
