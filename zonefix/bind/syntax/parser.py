"""Run the grammar's LALR table over a zone file's text.

The driver is lark's LALR algorithm with its contextual lexer (each parser
state lexes only the terminals it can accept), reduced to what zonefix needs:
it keeps no tree. What it keeps per entry (a record, a directive, a blank or
comment line) is where the entry starts and what kind it is, because every
other detail (tokens, fields, columns) can be derived again from the text
when something asks for it. That keeps a million-record zone to a few bytes
per line beyond the text itself.

A syntax error does not stop the parse: the entry is kept as an ERROR entry
running to the end of the physical line where the error was found, the
problem is recorded, and parsing resumes on the next line (as
``named-checkzone`` reports one error and Knot's scanner carries on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zonefix.bind.syntax.grammar import Tables, load_tables
from zonefix.bind.syntax.lane import plain_lines
from zonefix.bind.syntax.nodes import EntryKind, SyntaxTree
from zonefix.plain import Plain
from zonefix.positions import offsets

_ENTRY_RULES = {
    "record": EntryKind.RECORD,
    "directive": EntryKind.DIRECTIVE,
    "blank": EntryKind.BLANK,
}


class SyntaxProblem(Plain):
    """A place where the text does not follow the grammar."""

    _fields = ("offset", "message")
    __slots__ = _fields
    #: Character offset of the offending token (or of the unclosed "(").
    offset: int
    message: str

    def __init__(self, offset: int, message: str) -> None:
        self.offset = offset
        self.message = message


class _Machine:
    """The tables in the shape the driver loop wants them.

    Lexing is contextual, as lark's is: each state accepts only some
    terminals. One expression of all terminals, in lark's order, finds the
    same token as the state's own would whenever the token it finds is one the
    state accepts (every terminal tried before it failed to match). So that
    one expression does the work, and a state's own expression is compiled
    only when the first answer is not acceptable there (a "$" word in the
    middle of a line, or a real error). PERF: compiling an expression costs
    about a third of a millisecond; start-up counts in a pre-commit hook.
    """

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.states = tables.states
        # For each rule: (number of symbols, origin, entry kind or -1).
        self.rules = tuple(
            (length, origin, int(_ENTRY_RULES.get(origin, -1)))
            for origin, length in tables.rules
        )
        self.scanner = _scanner(tables.terminals)
        self._by_state: dict[int, re.Pattern[str]] = {}

    def state_scanner(self, state: int) -> re.Pattern[str]:
        """The expression of only the terminals *state* accepts."""
        scanner = self._by_state.get(state)
        if scanner is None:
            accepted = self.states[state]
            scanner = _scanner([t for t in self.tables.terminals if t[0] in accepted])
            self._by_state[state] = scanner
        return scanner


def _scanner(terminals: Sequence[tuple[str, str]]) -> re.Pattern[str]:
    if not terminals:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in terminals))


_machine: _Machine | None = None


def _get_machine() -> _Machine:
    global _machine
    if _machine is None:
        _machine = _Machine(load_tables())
    return _machine


# PERF (issue 11): the lane's expressions cost some 6M instructions to
# compile, what the driver spends on about 100 plain lines (4 KB of a zone).
# A process compiles them once it has parsed that much text: a pre-commit
# hook on one small zone never pays for them, a run over many small files
# pays once, and a big zone takes the lane from its first line.
_LANE_PAYS_AFTER = 4096
_parsed_chars = 0


def _lane_pays(length: int) -> bool:
    global _parsed_chars
    _parsed_chars += length
    return _parsed_chars >= _LANE_PAYS_AFTER


def parse_syntax(
    text: str, lane: bool | None = None
) -> tuple[SyntaxTree, list[SyntaxProblem]]:
    """Split *text* into entries, and say where it breaks the grammar.

    Between entries, runs of plain lines take the fast lane
    (zonefix.bind.syntax.lane), which makes the entries the driver would.
    *lane* True or False takes it always or never (for the tests that
    compare them); by default it is taken once enough text has been parsed
    to pay for it.
    """
    if lane is None:
        lane = _lane_pays(len(text))
    machine = _get_machine()
    states = machine.states
    rules = machine.rules
    scan = machine.scanner.match
    start_state = machine.tables.start_state
    end_state = machine.tables.end_state

    entry_starts = offsets(len(text))
    entry_kinds = bytearray()
    problems: list[SyntaxProblem] = []
    length = len(text)
    # A file whose last line has no line break ends in a zero-width NEWLINE,
    # so every entry ends in one (a last CR may be one, or in a comment).
    needs_final_newline = length > 0 and text[-1] != "\n"

    stack = [start_state]
    boundary = [start_state]  # the stack between two entries
    open_parens: list[int] = []
    pos = 0
    entry_start = 0

    def reduce(lookahead: str) -> int | None:
        """Apply the reductions *lookahead* calls for; its action after them."""
        nonlocal entry_start
        action = states[stack[-1]].get(lookahead)
        while action is not None and action < 0:
            rule_length, origin, entry_kind = rules[~action]
            if rule_length:
                del stack[-rule_length:]
            if entry_kind >= 0:
                entry_starts.append(entry_start)
                entry_kinds.append(entry_kind)
                entry_start = pos
            stack.append(states[stack[-1]][origin])
            if lookahead == "$END" and stack[-1] == end_state:
                return None
            action = states[stack[-1]].get(lookahead)
        return action

    while True:
        state = stack[-1]
        problem = None
        if pos < length:
            match = scan(text, pos)
            if match is not None and match.lastgroup not in states[state]:
                match = machine.state_scanner(state).match(text, pos)
            if match is None:
                problem = _lexical_problem(machine, text, pos)
            else:
                kind = match.lastgroup or ""
                token_end = match.end()
        elif needs_final_newline:
            kind = "NEWLINE"
            token_end = pos
            needs_final_newline = False
        else:
            kind = "$END"
            token_end = pos

        if problem is None:
            action = reduce(kind)
            if action is None:
                if kind == "$END" and stack[-1] == end_state:
                    return SyntaxTree(text, entry_starts, entry_kinds), problems
                if kind == "$END":
                    # Only an unclosed parenthesis leaves an entry open at
                    # the end of the file.
                    offset = open_parens[-1] if open_parens else pos
                    problem = SyntaxProblem(offset, "'(' is never closed")
                else:
                    problem = _parse_problem(text, pos, kind)

        if problem is not None:
            # Keep the broken entry, up to the end of the physical line, as
            # ERROR, and start again on the next line.
            problems.append(problem)
            entry_starts.append(entry_start)
            entry_kinds.append(EntryKind.ERROR)
            pos = entry_start = _next_line(text, pos)
            stack[:] = boundary
            open_parens.clear()
            needs_final_newline = needs_final_newline and pos < length
            continue

        assert action is not None
        stack.append(action)
        pos = token_end
        if kind == "LPAREN":
            open_parens.append(pos - 1)
        elif kind == "RPAREN":
            open_parens.pop()
        elif kind == "NEWLINE" and not open_parens:
            # A line break outside parentheses ends the entry. Reduce it now,
            # as any token that may follow would, so that an error on the
            # next line never takes this entry down with it.
            reduce("NEWLINE")
            boundary[:] = stack
            # Between two entries, in the state every entry leaves (the
            # first entry aside, whose stack is shorter).
            if lane and pos == entry_start and len(stack) == 2:
                pos = entry_start = plain_lines(text, pos, entry_starts, entry_kinds)
            if pos == length:
                # The text ends in a line break (a lone CR may be the last).
                needs_final_newline = False


def _next_line(text: str, pos: int) -> int:
    """Where the line after the one holding *pos* starts: past its LF, CRLF
    or lone CR (the end of the text, on the last line)."""
    newline = text.find("\n", pos)
    end = len(text) if newline < 0 else newline
    # PERF: a CR only looked for up to the LF (not through the whole text).
    cr = text.find("\r", pos, end)
    if cr >= 0 and cr + 1 != newline:
        return cr + 1
    return end if newline < 0 else newline + 1


def _lexical_problem(machine: _Machine, text: str, pos: int) -> SyntaxProblem:
    """Why no terminal the parser accepts here starts at *pos*."""
    match = machine.scanner.match(text, pos)
    if match is not None and match.lastgroup is not None:
        # A token, but not one this place accepts.
        return _parse_problem(text, pos, match.lastgroup)
    char = text[pos]
    if char == '"':
        return SyntaxProblem(pos, "quoted string is never closed on this line")
    if char == "\\":
        return SyntaxProblem(pos, "backslash at the end of a line escapes nothing")
    return _parse_problem(text, pos, "")


def _parse_problem(text: str, pos: int, kind: str) -> SyntaxProblem:
    """Why a token of *kind* cannot stand at *pos*."""
    line_start = text.rfind("\n", 0, pos) + 1
    # After a lone CR on the same LF line: the line starts there.
    line_start = text.rfind("\r", line_start, pos) + 1 or line_start
    at_line_start = text[line_start:pos].strip(" \t") == ""
    if kind == "RPAREN":
        return SyntaxProblem(pos, "')' without a matching '('")
    if kind in ("LPAREN", "QUOTED") and pos == line_start:
        what = "'('" if kind == "LPAREN" else "a quoted string"
        return SyntaxProblem(
            pos, f"a line cannot start with {what}; an owner name or blank is expected"
        )
    if kind == "DIRECTIVE" or (at_line_start and text.startswith("$", pos)):
        return SyntaxProblem(pos, "a directive must start at the beginning of a line")
    shown = text[pos : pos + 20].split("\n", 1)[0]
    lone = text.find("\r", pos, pos + len(shown))
    while lone >= 0 and text.startswith("\n", lone + 1):
        lone = text.find("\r", lone + 1, pos + len(shown))
    if lone >= 0:
        shown = text[pos:lone]  # up to the lone CR that ends the line
    return SyntaxProblem(pos, f"unexpected '{shown}'")
