"""Suppression comments (SPEC §3).

``; zonefix: ignore[ZF201]`` in a record's comment silences those codes for
that record, on whichever of its lines the comment stands (a record written
over several lines in parentheses owns all their comments).
``; zonefix: ignore-file[ZF401]`` anywhere silences them for the whole file.
Codes may be prefixes (``ZF2``), as in ``--ignore``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from zonefix.bind.syntax.nodes import EntryKind, SyntaxTree, TokenKind
from zonefix.diagnostics import Diagnostic

_DIRECTIVE = r"zonefix:\s*(ignore|ignore-file)\[([^\]]*)\]"


class Suppressions:
    """The suppression comments of one file."""

    def __init__(self, tree: SyntaxTree) -> None:
        #: Code prefixes silenced in the whole file.
        self.file: set[str] = set()
        # Per record with an ignore[...] comment, in file order: its span
        # and the code prefixes it silences. A record runs from the start of
        # its first line to the end of its last, so a place is on one of its
        # lines exactly when it lies in its span (no line numbers needed).
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._codes: list[set[str]] = []
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
                        continue
                    if not self._starts or self._starts[-1] != start:
                        # The last line of a file without a final line
                        # break: the end of the file is on it too.
                        open_end = end == len(tree.text) and tree.text[-1] != "\n"
                        self._starts.append(start)
                        self._ends.append(end + 1 if open_end else end)
                        self._codes.append(set())
                    self._codes[-1].update(prefixes)

    @property
    def silent(self) -> bool:
        """Whether the file holds no suppression (nearly every file: PERF,
        its findings then kept without a look each)."""
        return not self.file and not self._starts

    def between(self, start: int, end: int) -> set[str]:
        """The code prefixes silenced for text[start:end] (at *start*, for
        an empty span): the file's, and those of the records on its lines."""
        codes = set(self.file)
        last = max(start, end - 1)
        at = bisect_right(self._starts, start) - 1
        if at < 0 or self._ends[at] <= start:
            at += 1
        while at < len(self._starts) and self._starts[at] <= last:
            codes |= self._codes[at]
            at += 1
        return codes

    def silences(self, diagnostic: Diagnostic) -> bool:
        code = diagnostic.code.code
        prefixes = self.between(diagnostic.start, diagnostic.start)
        return any(code.startswith(p) for p in prefixes)


def apply_suppressions(
    zone: object, diagnostics: Iterable[Diagnostic]
) -> list[Diagnostic]:
    """*diagnostics* without the ones their file's comments silence."""
    from zonefix.zone import Zone

    assert isinstance(zone, Zone)
    by_file = {zone.filename: zone.document.tree}
    by_file.update({d.source.name: d.tree for d in zone.includes})
    read = {name: Suppressions(tree) for name, tree in by_file.items()}
    active = {name: found for name, found in read.items() if not found.silent}
    if not active:
        return list(diagnostics)
    kept = []
    for diagnostic in diagnostics:
        suppressions = active.get(diagnostic.file)
        if suppressions is not None and suppressions.silences(diagnostic):
            continue
        kept.append(diagnostic)
    return kept
