"""What every provider export's Document shares (zonefix.document).

A reader fills in records (with the span of each value) and reading
findings; a writer lowers record edits into text edits through the hooks
a format overrides (``delete``, ``replace_rdata``, ``replace_ttl``,
``insert``). An edit a format cannot make, or a record the provider will
not let anyone edit (Alibaba's Locked), raises CannotEdit with the reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.txtbase

from zonefix.diagnostics import INVALID_RDATA, SYNTAX_ERROR, Code, Diagnostic, Edit
from zonefix.document import (
    CannotEdit,
    Capabilities,
    DeleteRecord,
    InsertRecords,
    ReadSettings,
    RecordEdit,
    RenameOwner,
    ReplaceRdata,
    ReplaceTTL,
    ReplaceTxtText,
    SourceRecord,
    Span,
)
from zonefix.positions import LineIndex
from zonefix.record_edits import owner_name
from zonefix.source import NotTextError, SourceFile, decode

IN = dns.rdataclass.IN


class Blocked(CannotEdit):
    """An edit the file may not take here (the message says why): the fix
    is left out and said to be blocked; the other fixes are made."""


class Locked(Blocked):
    """The record is locked at the provider: no fix may edit it."""


class ExportDocument:
    """One provider export, read; written back through ``lower``."""

    def __init__(
        self,
        filename: str,
        data: bytes,
        capabilities: Capabilities,
        settings: ReadSettings | None = None,
    ) -> None:
        #: What it was read with (read again with the same, after a fix).
        self.read_settings = settings or ReadSettings()
        self._capabilities = capabilities
        self._origin: dns.name.Name | None = None
        self._records: list[SourceRecord] = []
        self._diagnostics: list[Diagnostic] = []
        #: The ZF001s of set_error (the bridge lints the file despite them).
        self.local_errors: list[Diagnostic] = []
        try:
            self._source = decode(filename, data)
            #: The bytes are text: the format's reader may read them.
            self.readable = True
        except NotTextError as error:
            self._source = SourceFile(name=filename, text="", raw=data)
            self.readable = False
            self._lines = LineIndex("")
            self.syntax_error(error.reason, 0)
        else:
            self._lines = LineIndex(self._source.text)

    # ------------------------------------------------------------ protocol

    @property
    def name(self) -> str:
        return self._source.name

    @property
    def source(self) -> SourceFile:
        return self._source

    @property
    def text(self) -> str:
        return self._source.text

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    @property
    def origin(self) -> dns.name.Name | None:
        return self._origin

    @property
    def records(self) -> Sequence[SourceRecord]:
        return self._records

    @property
    def diagnostics(self) -> Sequence[Diagnostic]:
        return self._diagnostics

    def line_index(self, file: str) -> LineIndex:
        return self._lines

    def position(self, file: str, offset: int) -> tuple[int, int]:
        return self._lines.position(offset)

    @property
    def notes(self) -> list[str]:
        """What the reader set aside and the user should know (a record the
        provider does not serve), one sentence each."""
        return []

    def ignored(self, file: str, start: int, end: int) -> frozenset[str] | None:
        return None  # no comments, or none read as suppressions

    def lower(self, edits: Sequence[RecordEdit]) -> tuple[Edit, ...]:
        out: list[Edit] = []
        for edit in edits:
            out.extend(self._lower_one(edit))
        out.sort()
        for before, after in itertools.pairwise(out):
            if after.start < before.end:
                raise CannotEdit("two edits of one fix overlap in the file")
        return tuple(out)

    # ------------------------------------------------------------- reading

    def finding(
        self, code: Code, message: str, start: int, end: int | None = None
    ) -> Diagnostic:
        end = start if end is None else end
        return Diagnostic(code, message, self.name, start, end, self._lines)

    def syntax_error(self, message: str, start: int, end: int | None = None) -> None:
        self._diagnostics.append(self.finding(SYNTAX_ERROR, message, start, end))

    def set_error(self, message: str, start: int, end: int | None = None) -> None:
        """A ZF001 that spoils one record set only: the rest of the file is
        still read and linted (it is never rewritten)."""
        finding = self.finding(SYNTAX_ERROR, message, start, end)
        self._diagnostics.append(finding)
        self.local_errors.append(finding)

    def rdata_error(self, message: str, start: int, end: int) -> None:
        self._diagnostics.append(self.finding(INVALID_RDATA, message, start, end))

    def add(
        self,
        owner: dns.name.Name,
        ttl: int,
        rdtype: dns.rdatatype.RdataType,
        rdata: dns.rdata.Rdata,
        start: int,
        end: int,
        extras: Mapping[str, object] | None = None,
    ) -> int:
        self._records.append(
            SourceRecord(
                owner,
                ttl,
                IN,
                rdtype,
                rdata,
                Span(self.name, start, end),
                dict(extras or {}),
            )
        )
        return len(self._records) - 1

    def parse_rdata(
        self, rdtype: dns.rdatatype.RdataType, text: str, start: int, end: int
    ) -> dns.rdata.Rdata | None:
        """*text* (presentation form) as rdata of *rdtype*, names in it taken
        as absolute (providers write them with or without the final dot);
        None, and a ZF002 at start:end, where dnspython refuses it."""
        try:
            return dns.rdata.from_text(
                IN, rdtype, text, origin=dns.name.root, relativize=False
            )
        except (dns.exception.DNSException, ValueError, UnicodeError) as error:
            rtype = dns.rdatatype.to_text(rdtype)
            self.rdata_error(f"{rtype} value {text!r}: {error}", start, end)
            return None

    # ------------------------------------------------------------- writing

    def editable(self, index: int) -> SourceRecord:
        record = self._records[index]
        if record.extras.get("locked"):
            raise Locked(
                f"{record.owner} {record.rdtype.name} is locked at the provider: "
                "unlock it there first"
            )
        return record

    def _lower_one(self, edit: RecordEdit) -> list[Edit]:
        if isinstance(edit, DeleteRecord):
            self.editable(edit.record)
            return self.delete(edit.record)
        if isinstance(edit, ReplaceRdata):
            self.editable(edit.record)
            return self.replace_rdata(edit.record, edit.rdata)
        if isinstance(edit, ReplaceTxtText):
            record = self.editable(edit.record)
            return self.replace_rdata(edit.record, txt_with(record.rdata, edit))
        if isinstance(edit, ReplaceTTL):
            for index in edit.records:
                self.editable(index)
            return self.replace_ttl(edit.records, edit.ttl)
        if isinstance(edit, RenameOwner):
            self.editable(edit.record)
            return self.rename(edit.record, owner_name(edit.owner))
        if isinstance(edit, InsertRecords):
            return self.insert(edit)
        raise CannotEdit(f"unknown edit {edit!r}")

    def delete(self, index: int) -> list[Edit]:
        raise CannotEdit(f"{self._capabilities.format} cannot delete records")

    def replace_rdata(self, index: int, rdata: dns.rdata.Rdata) -> list[Edit]:
        raise CannotEdit(f"{self._capabilities.format} cannot replace values")

    def replace_ttl(self, indices: Sequence[int], ttl: int) -> list[Edit]:
        raise CannotEdit(f"{self._capabilities.format} cannot change TTLs")

    def rename(self, index: int, owner: dns.name.Name) -> list[Edit]:
        raise CannotEdit(f"{self._capabilities.format} cannot rename records")

    def insert(self, edit: InsertRecords) -> list[Edit]:
        raise CannotEdit(f"{self._capabilities.format} cannot add records")

    # ------------------------------------------------------------- helpers

    def rrsets_of(self, indices: Sequence[int]) -> list[int]:
        """Every record of the RRsets (owner, type, and line where records
        have one) the records *indices* belong to."""
        keys = {
            (r.owner, r.rdtype, r.extras.get("line"))
            for r in (self._records[i] for i in indices)
        }
        return [
            i
            for i, r in enumerate(self._records)
            if (r.owner, r.rdtype, r.extras.get("line")) in keys
        ]

    def relative(self, name: dns.name.Name) -> str:
        """*name* as the part before the origin ("@" for the apex), in
        presentation form."""
        origin = self._origin
        if origin is None or not name.is_subdomain(origin):
            return name.to_text(omit_final_dot=True)
        if name == origin:
            return "@"
        return name.relativize(origin).to_text()


def txt_with(rdata: dns.rdata.Rdata, edit: ReplaceTxtText) -> dns.rdata.Rdata:
    """The TXT rdata whose joined value has edit.text over [start:end]."""
    assert isinstance(rdata, dns.rdtypes.txtbase.TXTBase)
    value = txt_value(rdata)
    new = value[: edit.start] + edit.text + value[edit.end :]
    return txt_rdata(rdata.rdtype, new)


def txt_value(rdata: dns.rdata.Rdata) -> str:
    """A TXT record's strings joined, as SPF and DMARC read them."""
    assert isinstance(rdata, dns.rdtypes.txtbase.TXTBase)
    return b"".join(rdata.strings).decode("utf-8", "surrogateescape")


def txt_rdata(rdtype: dns.rdatatype.RdataType, value: str) -> dns.rdata.Rdata:
    """*value* as TXT rdata, in strings of at most 255 bytes."""
    raw = value.encode("utf-8", "surrogateescape")
    chunks = [raw[i : i + 255] for i in range(0, len(raw), 255)] or [b""]
    text = " ".join(_quoted(c) for c in chunks)
    return dns.rdata.from_text(IN, rdtype, text)


def _quoted(chunk: bytes) -> str:
    """One TXT string in presentation form (quotes, backslashes and bytes
    outside printable ASCII escaped)."""
    out = []
    for byte in chunk:
        if byte in (0x22, 0x5C):
            out.append("\\" + chr(byte))
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def txt_chunks(rdata: dns.rdata.Rdata) -> list[str]:
    """A TXT record's strings as text (for formats that write them raw)."""
    assert isinstance(rdata, dns.rdtypes.txtbase.TXTBase)
    return [s.decode("utf-8", "surrogateescape") for s in rdata.strings]


def presentation(rdata: dns.rdata.Rdata) -> str:
    """*rdata* in presentation form, names absolute (with the final dot)."""
    return rdata.to_text(origin=None, relativize=False)
