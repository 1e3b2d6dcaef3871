"""Suppression comments (SPEC §3).

``; zonefix: ignore[ZF201]`` in a record's comment silences those codes for
that record, on whichever of its lines the comment stands (a record written
over several lines in parentheses owns all their comments).
``; zonefix: ignore-file[ZF401]`` anywhere silences them for the whole file.
Codes may be prefixes (``ZF2``), as in ``--ignore``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zonefix.diagnostics import Diagnostic
from zonefix.syntax.nodes import EntryKind, SyntaxTree, TokenKind

_DIRECTIVE = r"zonefix:\s*(ignore|ignore-file)\[([^\]]*)\]"


class Suppressions:
    """The suppression comments of one file."""

    def __init__(self, tree: SyntaxTree) -> None:
        #: Code prefixes silenced in the whole file.
        self.file: set[str] = set()
        #: line -> code prefixes silenced for the record on that line.
        self.lines: dict[int, set[str]] = {}
        if "zonefix:" not in tree.text:
            return
        for index in range(len(tree)):
            start, end = tree.span(index)
            if tree.entry_kinds[index] == EntryKind.ERROR:
                continue
            if "zonefix:" not in tree.text[start:end]:
                continue
            for token in tree.tokens(index):
                if token.kind is not TokenKind.COMMENT:
                    continue
                comment = tree.text[token.start : token.end]
                for kind, codes in re.findall(_DIRECTIVE, comment):
                    prefixes = {
                        c.strip().upper() for c in codes.split(",") if c.strip()
                    }
                    if kind == "ignore-file":
                        self.file |= prefixes
                    else:
                        first, _ = tree.position(start)
                        last, _ = tree.position(max(start, end - 1))
                        for line in range(first, last + 1):
                            self.lines.setdefault(line, set()).update(prefixes)

    def silences(self, diagnostic: Diagnostic) -> bool:
        code = diagnostic.code.code
        prefixes = self.file | self.lines.get(diagnostic.line, set())
        return any(code.startswith(p) for p in prefixes)


def apply_suppressions(
    zone: object, diagnostics: Iterable[Diagnostic]
) -> list[Diagnostic]:
    """*diagnostics* without the ones their file's comments silence."""
    from zonefix.zone import Zone

    assert isinstance(zone, Zone)
    by_file = {zone.filename: zone.document.tree}
    by_file.update({d.source.name: d.tree for d in zone.includes})
    cache: dict[str, Suppressions] = {}
    kept = []
    for diagnostic in diagnostics:
        tree = by_file.get(diagnostic.file)
        if tree is not None:
            if diagnostic.file not in cache:
                cache[diagnostic.file] = Suppressions(tree)
            if cache[diagnostic.file].silences(diagnostic):
                continue
        kept.append(diagnostic)
    return kept
