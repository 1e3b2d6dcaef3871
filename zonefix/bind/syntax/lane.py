"""The parser's fast lane: runs of plain one-line entries, by one expression.

Nearly every line of a big zone is a record or a blank line of a plain shape
(``www  IN A 192.0.2.1 ; web``). The LALR driver spends some 6 µs on each
(lexing each token, looking up each action); this lane records a whole run
of such lines with a couple of regular expressions, at a fraction of that.

A *plain line*, as accepted here, is one whose entry the grammar ends at its
own line break, with nothing the lane would need to understand further:

- no "(" or ")", and no backslash, outside its comment and its quoted strings;
- quoted strings closed on the line, whose backslashes escape no line break,
  holding no CR;
- a line break at its end: LF, CRLF or a lone CR (old Mac line ends),
  but LF or CRLF after a comment (which runs on over a lone CR), and LF or
  CRLF in and after a record whose parentheses carry it over several lines;
- not starting with "$" (a directive), "(" or a quote (errors).

The driver calls the lane only between two entries, in the state the
grammar is in after any entry; from there, in the grammar's tokens, a plain
line is ``FIELDS (WS | FIELDS | QUOTED)* COMMENT? NEWLINE`` or ``WS (FIELDS |
QUOTED) (WS | FIELDS | QUOTED)* COMMENT? NEWLINE`` (a record), or ``WS?
COMMENT? NEWLINE`` (a blank): exactly the entries the driver would make,
with no syntax problem. Everything else (directives, parentheses, escapes,
errors, a last line without a line break) is the driver's.

One more shape is taken an entry at a time: a record whose parentheses
(one level, no nesting) hold plain lines, quoted strings and comments over
several lines, as a multi-line SOA or a long DKIM key is written. The
driver spends some 300,000 instructions on each (every token of every
line); here one expression reads it.
tests/test_lane.py holds the lane to the driver (and tests/test_syntax.py the
driver to lark).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from functools import cache

from zonefix.bind.syntax.nodes import EntryKind

# Characters of a field or of the blanks between fields: no line break, no
# comment, parenthesis, quote or backslash (the grammar's _FIELD and WS, less
# escapes).
_PLAIN = r'[^\r\n;()"\\]'
# A quoted string (the grammar's QUOTED, less escaped line breaks and CR).
_QUOTED = r'"(?:[^"\\\r\n]++|\\[^\r\n])*+"'
# The end of a line: a comment without a CR and LF or CRLF, or a line break
# (CRLF, a lone CR, LF). Every CR and LF the lane takes ends a line.
_END = r"(?:;[^\r\n]*\r?\n|\r\n?|\n)"
# Parentheses around fields, quoted strings, comments and line breaks (the
# grammar's group, not nested; LF or CRLF only).
_GROUP = rf'\((?:[^()"\\;\r\n]++|{_QUOTED}|;[^\r\n]*+|\r?\n)*+\)'
# The rest of a line once its first token has started: fields, blanks and
# quoted strings in any order (written so that each line matches one way
# only), then its end.
_REST = rf"{_PLAIN}*(?:{_QUOTED}{_PLAIN}*)*{_END}"
# A record: a first field (its owner) at the start of the line, not "$"; or
# blanks and a field or quoted string (a blank owner).
_RECORD_LINE = rf'(?:[^ \t\r\n;()"\\$]|[ \t]+(?:[^ \t\r\n;()"\\]|{_QUOTED})){_REST}'
# A record line whose parentheses carry it over the next lines (each group
# and quoted string is told by its first character: one way to match).
_GROUPED_REST = rf"{_PLAIN}*+(?:(?:{_QUOTED}|{_GROUP}){_PLAIN}*+)*+(?:;[^\r\n]*)?\r?\n"
_GROUPED_RECORD = (
    rf'(?:[^ \t\r\n;()"\\$]|[ \t]+(?:[^ \t\r\n;()"\\]|{_QUOTED}|{_GROUP}))'
    rf"{_GROUPED_REST}"
)
# A blank line: blanks, a comment, both or neither.
_BLANK_LINE = rf"[ \t]*{_END}"
# Lines taken per match: a bound, so that one match never holds a whole file
# (possessive: a run never gives back lines it matched).
_RUN = 1024


@cache
def _matchers() -> tuple[
    Callable[[str, int], re.Match[str] | None],
    Callable[[str, int], re.Match[str] | None],
    Callable[[str, int, int], Iterator[re.Match[str]]],
    Callable[[str, int, int], Iterator[re.Match[str]]],
    Callable[[str, int], re.Match[str] | None],
]:
    # PERF: compiled on first use; start-up time counts in a pre-commit hook.
    return (
        re.compile(f"(?:{_RECORD_LINE}){{1,{_RUN}}}+").match,
        re.compile(f"(?:{_BLANK_LINE}){{1,{_RUN}}}+").match,
        re.compile("\n").finditer,
        re.compile("\r\n?|\n").finditer,
        re.compile(_GROUPED_RECORD).match,
    )


_RECORD = bytes([EntryKind.RECORD])
_BLANK = bytes([EntryKind.BLANK])

# PERF: the unbound method, so that map() calls it without Python code.
_end: Callable[[re.Match[str]], int] = re.Match.end


def plain_lines(text: str, pos: int, starts: array[int], kinds: bytearray) -> int:
    """Append the entries of the plain lines from *pos* on (a start and a
    kind each) to *starts* and *kinds*; return where the plain lines stop.

    *pos* must be the start of an entry, with the parser between entries.
    """
    records, blanks, newlines, line_breaks, grouped = _matchers()
    while True:
        match = records(text, pos)
        kind = _RECORD
        if match is None:
            match = blanks(text, pos)
            kind = _BLANK
            if match is None:
                match = grouped(text, pos)
                if match is None:
                    return pos
                # One entry, whatever line breaks its parentheses hold.
                starts.append(pos)
                kinds.extend(_RECORD)
                pos = match.end()
                continue
        end = match.end()
        # PERF: the lines' starts are the ends of their line breaks but the
        # last, found and stored in C (no Python loop per line): the parse
        # of a million-record zone 7.1 s -> 2.1 s.
        count = len(starts)
        starts.append(pos)
        if text.find("\r", pos, end) < 0:
            starts.extend(map(_end, newlines(text, pos, end - 1)))
        else:
            # A CR ends a line (PERF: a slower search, only where one is).
            starts.extend(map(_end, line_breaks(text, pos, end)))
            starts.pop()  # the end of the last line: where the next run starts
        kinds.extend(kind * (len(starts) - count))
        pos = end
