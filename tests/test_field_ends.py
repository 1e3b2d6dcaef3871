"""Where a record's last field ends (a finding at a record spans to there),
measured without lexing the usual entry: held to the lexer's fields on every
entry of every fixture, corpus and real zone, and on generated entries."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.test_fastpath import zones
from zonefix.bind.syntax.nodes import fields_between, first_field, last_field_end


def _lexed_end(text: str, start: int, end: int) -> int:
    fields = fields_between(text, start, end)
    return fields[-1].end if fields else start


def test_last_field_ends_are_the_lexers_on_every_entry() -> None:
    for name, load in zones():
        zone = load()
        for document in [zone.document, *zone.includes]:
            tree = document.tree
            for entry in range(len(tree)):
                start, end = tree.span(entry)
                assert last_field_end(tree.text, start, end) == _lexed_end(
                    tree.text, start, end
                ), (name, entry)
                fields = fields_between(tree.text, start, end)
                assert first_field(tree.text, start, end) == (
                    fields[0] if fields else None
                ), (name, entry)


_PIECES = st.sampled_from(
    [
        " ",
        "\t",
        "\n",
        "\r",
        "\r\n",
        "\x0b",
        "\xa0",
        ";",
        "; c",
        '"',
        '"a b"',
        "\\",
        "\\;",
        "(",
        ")",
        "a",
        "IN",
        "x.example.",
        "10",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=3), max_size=10).map("".join))
# Quoted strings measured without the lexer: one the lexer ends at a line
# break, a comment before a string, a quote not closed, and a key's lines.
@example('a "b\nc" ')
@example('a "b\rc"')
@example('a ; "b" \n "c"')
@example('a "b" "c ')
@example('k TXT ( "v=DKIM1; k=rsa"\n\t"p=AB" ) ; key\n')
def test_last_field_ends_of_any_text_are_the_lexers(text: str) -> None:
    for start in range(min(len(text), 3) + 1):
        assert last_field_end(text, start, len(text)) == _lexed_end(
            text, start, len(text)
        ), (text, start)
        fields = fields_between(text, start, len(text))
        assert first_field(text, start, len(text)) == (fields[0] if fields else None), (
            text,
            start,
        )
