"""The concrete syntax of a zone file, kept as offsets into its text.

A zone file is a sequence of *entries*: records, directives, blank or
comment-only lines, and (where the grammar was broken) error entries. Entries
partition the text: each runs from its first character to the end of its
line break (or of its last line, inside parentheses), so joining them gives
the input back. Only each entry's start and kind are stored; its tokens and
fields are lexed again from the text on request, since they can always be
derived from it.
"""

from __future__ import annotations

import enum
import re
from array import array
from functools import cache

from zonefix.plain import Plain
from zonefix.positions import LineIndex


class EntryKind(enum.IntEnum):
    BLANK = 0
    RECORD = 1
    DIRECTIVE = 2
    ERROR = 3


class TokenKind(enum.Enum):
    """The grammar's terminals (grammars/zone.lark)."""

    FIELDS = "FIELDS"
    DIRECTIVE = "DIRECTIVE"
    QUOTED = "QUOTED"
    WS = "WS"
    COMMENT = "COMMENT"
    NEWLINE = "NEWLINE"
    LPAREN = "LPAREN"
    RPAREN = "RPAREN"
    #: The whole of an entry that breaks the grammar, kept as it is.
    ERROR = "ERROR"


# PERF: compiled on first use; start-up time counts in a pre-commit hook.
# Inside an entry that the parser accepted, every token is one of these, and
# each is told apart by its first character; a directive's name is the first
# word-like token of a directive entry. These mirror the grammar's terminals.
_TOKEN_PATTERN = (
    r'(?P<QUOTED>"(?:[^"\\\r\n]|\\[\s\S]|\r(?!\n))*")'
    r"|(?P<WS>[ \t]+)"
    r"|(?P<COMMENT>;(?:[^\r\n]|\r(?!\n))*)"
    r"|(?P<NEWLINE>\r?\n|\r)"
    r"|(?P<LPAREN>\()"
    r"|(?P<RPAREN>\))"
    r'|(?P<FIELDS>(?:[^ \t\r\n;()"\\]|\\[^\r\n])+'
    r'(?:[ \t]+(?:[^ \t\r\n;()"\\]|\\[^\r\n])+)*)'
)
# One field: a word (escapes included) or a quoted string. Comments and
# parentheses match too, so the caller can skip them. PERF: possessive
# repeats (which never need to give back what they matched: nothing that
# follows could match it) halve the time of splitting a line with quotes.
_FIELD_PATTERN = (
    r'(?:[^ \t\r\n;()"\\]++|\\[^\r\n])++'
    r'|"(?:[^"\\\r\n]++|\\[\s\S]|\r(?!\n))*+"'
    r"|;(?:[^\r\n]++|\r(?!\n))*+|[()]"
)


@cache
def _token_re() -> re.Pattern[str]:
    return re.compile(_TOKEN_PATTERN)


@cache
def _field_re() -> re.Pattern[str]:
    return re.compile(_FIELD_PATTERN)


class Token(Plain):
    """One terminal of an entry: its kind and where its text lies."""

    _fields = ("kind", "start", "end")
    __slots__ = _fields
    kind: TokenKind
    #: Character offsets of the token in the file's text (end exclusive).
    start: int
    end: int

    def __init__(self, kind: TokenKind, start: int, end: int) -> None:
        self.kind = kind
        self.start = start
        self.end = end


class Field(Plain):
    """One field of a record or directive: a word, or a quoted string."""

    _fields = ("text", "start")
    __slots__ = _fields
    #: The field as written, quotes and escapes included.
    text: str
    #: Character offset of the field in the file's text.
    start: int

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.start = start

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class SyntaxTree:
    """A zone file's text and its entries."""

    __slots__ = ("entry_kinds", "entry_starts", "lines", "text")

    def __init__(
        self, text: str, entry_starts: array[int], entry_kinds: bytearray
    ) -> None:
        #: The decoded text (without a BOM).
        self.text = text
        #: Offset of each entry's first character.
        self.entry_starts = entry_starts
        #: Each entry's EntryKind.
        self.entry_kinds = entry_kinds
        #: Lines and columns of the text, worked out when first asked.
        self.lines = LineIndex(text)

    def __len__(self) -> int:
        return len(self.entry_starts)

    def to_text(self) -> str:
        """The text the entries cover: the input, byte for byte."""
        starts = self.entry_starts
        if not starts:
            return self.text
        # Entries partition the text: each ends where the next begins.
        ends = [*starts[1:], len(self.text)]
        return "".join(self.text[a:b] for a, b in zip(starts, ends, strict=True))

    def span(self, index: int) -> tuple[int, int]:
        """Start and end offsets of entry *index*."""
        start = self.entry_starts[index]
        end = (
            self.entry_starts[index + 1]
            if index + 1 < len(self.entry_starts)
            else len(self.text)
        )
        return start, end

    def kind(self, index: int) -> EntryKind:
        return EntryKind(self.entry_kinds[index])

    def tokens(self, index: int) -> list[Token]:
        """The tokens of entry *index*, lexed again from the text."""
        start, end = self.span(index)
        if self.entry_kinds[index] == EntryKind.ERROR:
            return [Token(TokenKind.ERROR, start, end)]
        tokens = []
        if self.entry_kinds[index] == EntryKind.DIRECTIVE:
            name = _field_re().match(self.text, start, end)
            assert name is not None
            tokens.append(Token(TokenKind.DIRECTIVE, start, name.end()))
            start = name.end()
        for match in _token_re().finditer(self.text, start, end):
            kind = match.lastgroup
            assert kind is not None
            tokens.append(Token(TokenKind(kind), match.start(), match.end()))
        return tokens

    def fields(self, index: int) -> list[Field]:
        """The fields of entry *index*: words and quoted strings, in order."""
        start, end = self.span(index)
        return fields_between(self.text, start, end)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        return self.lines.position(offset)


def field_texts(text: str, start: int, end: int) -> list[str]:
    """The texts of fields_between(text, start, end), without the Fields."""
    return [f for f in _field_re().findall(text, start, end) if f[0] not in ";()"]


def fields_between(text: str, start: int, end: int) -> list[Field]:
    """The fields in text[start:end], skipping comments and parentheses."""
    return [
        Field(m.group(), m.start())
        for m in _field_re().finditer(text, start, end)
        if m.group()[0] not in ";()"
    ]


def first_field(text: str, start: int, end: int) -> Field | None:
    """fields_between(text, start, end)[0], or None where there is none
    (PERF: the fields after it are not lexed)."""
    for match in _field_re().finditer(text, start, end):
        if match.group()[0] not in ";()":
            return Field(match.group(), match.start())
    return None


def last_field_end(text: str, start: int, end: int) -> int:
    """Where the last field of text[start:end] ends (fields_between's last
    Field's end), or *start* where it has none. PERF: a finding at a record
    spans to there; the usual entry, plain words and quoted strings (no
    escape, no line feed inside a string: a lone CR is the string's) and
    maybe a comment to its end, is measured without lexing it (a DKIM
    key's lines: some 8 us each)."""
    segment = text[start:end]
    # Escapes: what only the lexer reads right.
    if "\\" in segment:
        return _last_field_end_lexed(text, start, end)
    # What follows the last quoted string (the whole entry where none).
    tail, before = segment, 0
    if '"' in segment:
        pieces = segment.split('"')
        if (
            len(pieces) % 2 == 0  # a quote not closed
            or ";" in "".join(pieces[0:-1:2])  # a comment before a string
            or "\n" in "".join(pieces[1::2])  # a string cut at its line's end
        ):
            return _last_field_end_lexed(text, start, end)
        tail = pieces[-1]
        before = len(segment) - len(tail)
    cut = tail.find(";")
    if cut >= 0:
        comment = tail[cut:].rstrip("\r\n")
        if "\n" in comment:  # fields on a line after it
            return _last_field_end_lexed(text, start, end)
        tail = tail[:cut]
    # The fields are the strings and the runs of what is not a blank, a
    # line break or a parenthesis: the last ends at the last such character.
    return start + before + len(tail.rstrip(" \t\r\n()"))


def _last_field_end_lexed(text: str, start: int, end: int) -> int:
    last = start
    for match in _field_re().finditer(text, start, end):
        if match.group()[0] not in ";()":
            last = match.end()
    return last
