"""The BIND format behind the seam: a parsed Zone seen as a Document
(zonefix.document), as octoDNS's is (zonefix.formats.octodns).

The BIND reader itself (syntax/, semantic.py, fastpath.py, generate.py)
and its lowering of record edits (edits.py) stay where they are; this is
the view the seam asks for: records with spans, reading findings,
capabilities, positions, suppression comments and ``lower``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

from zonefix.document import SourceRecord, Span

if TYPE_CHECKING:
    import dns.name

    from zonefix.bind.syntax.nodes import SyntaxTree
    from zonefix.diagnostics import Diagnostic, Edit
    from zonefix.document import Capabilities, RecordEdit
    from zonefix.positions import LineIndex
    from zonefix.source import SourceFile
    from zonefix.suppress import Suppressions
    from zonefix.zone import Zone


class BindDocument:
    """A BIND zone file (and what it $INCLUDEs) as a Document."""

    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        self._suppressions: dict[str, Suppressions] = {}

    @property
    def name(self) -> str:
        return self.zone.filename

    @property
    def source(self) -> SourceFile:
        return self.zone.source

    @property
    def capabilities(self) -> Capabilities:
        return self.zone.capabilities

    @property
    def origin(self) -> dns.name.Name | None:
        return self.zone.origin

    @property
    def records(self) -> Sequence[SourceRecord]:
        return _Records(self.zone)

    @property
    def diagnostics(self) -> Sequence[Diagnostic]:
        return self.zone.diagnostics

    def line_index(self, file: str) -> LineIndex:
        return self._tree(file).lines

    def position(self, file: str, offset: int) -> tuple[int, int]:
        return self._tree(file).position(offset)

    def lower(self, edits: Sequence[RecordEdit]) -> tuple[Edit, ...]:
        from zonefix.bind.edits import lower

        return lower(self.zone, edits)

    def ignored(self, file: str, start: int, end: int) -> frozenset[str] | None:
        from zonefix.suppress import Suppressions

        found = self._suppressions.get(file)
        if found is None:
            found = self._suppressions[file] = Suppressions(self._tree(file))
        return frozenset(found.between(start, end)) or None

    def _tree(self, file: str) -> SyntaxTree:
        if file == self.zone.filename:
            return self.zone.tree
        for document in self.zone.includes:
            if document.source.name == file:
                return document.tree
        raise KeyError(file)


class _Records(Sequence[SourceRecord]):
    """The zone's records with their spans, built one at a time."""

    def __init__(self, zone: Zone) -> None:
        self._zone = zone

    def __len__(self) -> int:
        return len(self._zone.records)

    @overload
    def __getitem__(self, index: int) -> SourceRecord: ...
    @overload
    def __getitem__(self, index: slice) -> list[SourceRecord]: ...
    def __getitem__(self, index: int | slice) -> SourceRecord | list[SourceRecord]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        zone = self._zone
        record = zone.records[index]
        if index < 0:
            index += len(self)
        file = zone.document_of(index)
        start, end = file.tree.span(zone.table.entry[index])
        extras = zone.record_extras.get(index, {})
        return SourceRecord(
            record.owner,
            record.ttl,
            record.rdclass,
            record.rdtype,
            record.rdata,
            Span(file.source.name, start, end),
            extras,
        )

    def __iter__(self) -> Iterator[SourceRecord]:
        for index in range(len(self)):
            yield self[index]
