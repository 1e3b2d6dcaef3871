"""Compile grammars/zone.lark into the tables the parser runs on.

lark reads the grammar and computes its LALR(1) parse table and its terminals.
Importing lark costs more than zonefix's whole start-up budget (a pre-commit
hook runs it on every commit), so the tables are written once into
``_tables.py`` and the parser runs them with a small driver
(:mod:`zonefix.bind.syntax.parser`). The generated module records the grammar text
it was built from: when the shipped grammar differs (someone edited it),
:func:`load_tables` rebuilds the tables with lark in-process, so the grammar
file stays the single source of truth.

Regenerate after editing the grammar (``make grammar``)::

    python -m zonefix.bind.syntax tables
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from zonefix.plain import Plain

if TYPE_CHECKING:
    from pathlib import Path


def grammar_path() -> Path:
    """The shipped grammar: zonefix/grammars/ in a wheel, grammars/ in a clone."""
    from pathlib import Path

    return Path(_grammar_file())


def _grammar_file() -> str:
    # PERF: found without pathlib, which a lint does not import.
    package = os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    )
    for candidate in (
        os.path.join(package, "grammars", "zone.lark"),
        os.path.join(os.path.dirname(package), "grammars", "zone.lark"),
    ):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError("grammars/zone.lark is not installed with zonefix")


def _read_grammar() -> str:
    with open(_grammar_file(), encoding="utf-8") as file:
        return file.read()


class Tables(Plain):
    """What the parser needs from the grammar, as plain data."""

    _fields = ("grammar", "terminals", "rules", "states", "start_state", "end_state")
    __slots__ = _fields
    #: The grammar text the tables were computed from.
    grammar: str
    #: (name, regular expression), in the order lark's lexer tries them.
    terminals: tuple[tuple[str, str], ...]
    #: (rule origin, number of symbols on its right-hand side), by rule number.
    rules: tuple[tuple[str, int], ...]
    #: One dict per state: symbol -> action. An action n >= 0 shifts to state
    #: n; n < 0 reduces by rule ~n.
    states: tuple[dict[str, int], ...]
    start_state: int
    end_state: int

    def __init__(
        self,
        grammar: str,
        terminals: tuple[tuple[str, str], ...],
        rules: tuple[tuple[str, int], ...],
        states: tuple[dict[str, int], ...],
        start_state: int,
        end_state: int,
    ) -> None:
        self.grammar = grammar
        self.terminals = terminals
        self.rules = rules
        self.states = states
        self.start_state = start_state
        self.end_state = end_state


def build_tables(grammar: str) -> Tables:
    """Run lark on *grammar* and extract its LALR table and terminals."""
    from lark import Lark
    from lark.parsers.lalr_analysis import Shift

    lark = Lark(grammar, parser="lalr", lexer="contextual")
    # Same order as lark's BasicLexer, so the first matching alternative of
    # one combined expression is the terminal lark would choose.
    terminals = sorted(
        lark.terminals,
        key=lambda t: (
            -t.priority,
            -t.pattern.max_width,
            -len(t.pattern.value),
            t.name,
        ),
    )
    parse_table = lark.parser.parser.parser.parse_table
    rule_numbers: dict[Any, int] = {}
    rules: list[tuple[str, int]] = []
    for rule in lark.rules:
        rule_numbers[rule] = len(rules)
        rules.append((str(rule.origin.name), len(rule.expansion)))
    states: list[dict[str, int]] = []
    for state in range(len(parse_table.states)):
        actions: dict[str, int] = {}
        for symbol, (action, arg) in sorted(parse_table.states[state].items()):
            actions[str(symbol)] = arg if action is Shift else ~rule_numbers[arg]
        states.append(actions)
    (start_state,) = parse_table.start_states.values()
    (end_state,) = parse_table.end_states.values()
    # lark numbers states in an order that depends on string hashing, which
    # changes from run to run; number them by a walk from the start state so
    # the same grammar always gives the same file.
    order = _walk(states, start_state, end_state)
    renumber = {old: new for new, old in enumerate(order)}
    canonical = tuple(
        {sym: (renumber[a] if a >= 0 else a) for sym, a in states[old].items()}
        for old in order
    )
    return Tables(
        grammar=grammar,
        terminals=tuple((t.name, t.pattern.to_regexp()) for t in terminals),
        rules=tuple(rules),
        states=canonical,
        start_state=renumber[start_state],
        end_state=renumber[end_state],
    )


def _walk(states: list[dict[str, int]], start: int, end: int) -> list[int]:
    """States in breadth-first order of shifts from *start* (symbols sorted)."""
    order = [start]
    seen = {start}
    for state in order:
        for symbol in sorted(states[state]):
            target = states[state][symbol]
            if target >= 0 and target not in seen:
                seen.add(target)
                order.append(target)
    for state in (end, *range(len(states))):  # any state no shift reaches
        if state not in seen:
            seen.add(state)
            order.append(state)
    return order


def render_tables(tables: Tables) -> str:
    """The source of ``_tables.py`` for *tables*."""
    import pprint

    fields = {
        "GRAMMAR: str": tables.grammar,
        "TERMINALS: tuple[tuple[str, str], ...]": tables.terminals,
        "RULES: tuple[tuple[str, int], ...]": tables.rules,
        "STATES: tuple[dict[str, int], ...]": tables.states,
        "START_STATE: int": tables.start_state,
        "END_STATE: int": tables.end_state,
    }
    lines = [
        "# Generated by `python -m zonefix.bind.syntax.grammar` from grammars/zone.lark.",
        "# Do not edit: edit the grammar and regenerate.",
        "",
    ]
    for name, value in fields.items():
        lines.append(f"{name} = {pprint.pformat(value, width=88, sort_dicts=False)}")
    return "\n".join(lines) + "\n"


def load_tables() -> Tables:
    """The tables for the shipped grammar, rebuilt with lark if they are stale."""
    from zonefix.bind.syntax import _tables

    grammar = _read_grammar()
    if grammar != _tables.GRAMMAR:
        return build_tables(grammar)
    return Tables(
        grammar=_tables.GRAMMAR,
        terminals=_tables.TERMINALS,
        rules=_tables.RULES,
        states=_tables.STATES,
        start_state=_tables.START_STATE,
        end_state=_tables.END_STATE,
    )


def write_tables() -> Path:
    """Rebuild ``_tables.py`` from the shipped grammar."""
    from pathlib import Path

    grammar = _read_grammar()
    tables = Path(__file__).resolve().parent / "_tables.py"
    tables.write_text(render_tables(build_tables(grammar)), encoding="utf-8")
    return tables
