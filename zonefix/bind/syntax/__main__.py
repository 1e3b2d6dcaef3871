"""Debugging aids for the grammar.

python -m zonefix.bind.syntax tables        rebuild _tables.py from the grammar
python -m zonefix.bind.syntax dump FILE     print each entry and its tokens
"""

from __future__ import annotations

import sys

from zonefix.bind.syntax.grammar import write_tables
from zonefix.bind.syntax.parser import parse_syntax
from zonefix.source import decode, printable


def dump(path: str) -> int:
    with open(path, "rb") as handle:
        source = decode(path, handle.read())
    tree, problems = parse_syntax(source.text)
    for index in range(len(tree)):
        line, column = tree.position(tree.span(index)[0])
        print(f"{line}:{column} {tree.kind(index).name}")
        for token in tree.tokens(index):
            line, column = tree.position(token.start)
            text = printable(source.text[token.start : token.end])
            print(f"    {line}:{column} {token.kind.name} {text!r}")
    for problem in problems:
        line, column = tree.position(problem.offset)
        print(f"{path}:{line}:{column}: {problem.message}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if argv == ["tables"]:
        print(f"wrote {write_tables()}", file=sys.stderr)
        return 0
    if len(argv) == 2 and argv[0] == "dump":
        return dump(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
