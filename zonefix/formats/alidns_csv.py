"""Alibaba Cloud DNS: the console's record export as CSV.

One header row (Chinese or English column names, in any order), then one
row per record; a BOM, the quoting and the line ends are kept as written.
The domain is not in the file: it comes from ``--origin`` or the file's
name (``example.net.csv``). See zonefix.formats.alidns for the fields.
"""

from __future__ import annotations

from collections.abc import Sequence

import dns.exception
import dns.name
import dns.rdata
import dns.rdatatype

from zonefix.diagnostics import UNKNOWN_ORIGIN, Edit
from zonefix.document import CannotEdit, Capabilities, InsertRecords, ReadSettings
from zonefix.formats import alidns
from zonefix.formats.csvtext import CsvError, Field, Row, field_like, rows
from zonefix.formats.export import ExportDocument

NAME = "alidns-csv"

#: Column names as the console (Chinese) or its English version writes
#: them, and as third-party templates do: matched ignoring case and blanks.
HEADERS = {
    "type": ("记录类型", "record type", "type", "recordtype"),
    "rr": ("主机记录", "host record", "host", "hostname", "rr", "主机记录(rr)"),
    "line": (
        "解析线路",
        "解析线路(isp)",
        "line",
        "isp line",
        "resolution line",
        "request source",
        "解析请求来源(isp)",
    ),
    "value": ("记录值", "record value", "value"),
    "priority": ("mx优先级", "mx priority", "priority"),
    "ttl": ("ttl值", "ttl", "ttl value", "ttl(秒)"),
    "status": ("状态", "status"),
    "remark": ("备注", "remark", "remarks", "comment"),
}
_NEEDED = ("type", "rr", "value", "ttl")


def _column(header: str) -> str | None:
    key = "".join(header.lower().split())
    for name, aliases in HEADERS.items():
        if key in {"".join(a.split()) for a in aliases}:
            return name
    return None


def sniff(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(".csv"):
        return False
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")
    columns = {_column(h.strip().strip('"')) for h in first.split(",")}
    return all(c in columns for c in _NEEDED)


class AlidnsCsvDocument(ExportDocument):
    def __init__(self, filename: str, data: bytes, settings: ReadSettings) -> None:
        super().__init__(
            filename,
            data,
            Capabilities(
                NAME,
                has_soa_ns=False,
                comments=False,
                suppression_comments=False,
                serial=False,
            ),
            settings,
        )
        self.min_ttl = alidns.DEFAULT_MIN_TTL
        self._columns: dict[str, int] = {}
        self._rows: list[Row] = []
        #: record number -> its row
        self._where: list[Row] = []
        self.paused: list[Row] = []
        self.forwarding: list[Row] = []
        if self.readable:
            self._read(settings)

    def _read(self, settings: ReadSettings) -> None:
        try:
            table = rows(self.text)
        except CsvError as error:
            self.syntax_error(f"not CSV: {error.message}", error.offset)
            return
        if not table:
            self.syntax_error("the file is empty: no header row", 0)
            return
        header = table[0]
        for i, field in enumerate(header.fields):
            column = _column(field.value.strip())
            if column is not None and column not in self._columns:
                self._columns[column] = i
        missing = [c for c in _NEEDED if c not in self._columns]
        if missing:
            self.syntax_error(
                "not an Alibaba Cloud DNS export: the header row lacks "
                + ", ".join(HEADERS[c][0] + " / " + HEADERS[c][1] for c in missing),
                header.start,
                header.end,
            )
            return
        origin = settings.origin or alidns.origin_from_filename(self.name)
        self._origin = origin
        if origin is None:
            self._diagnostics.append(
                self.finding(
                    UNKNOWN_ORIGIN,
                    "the domain is not in an Alibaba Cloud DNS export: give "
                    "--origin, or name the file after it (example.net.csv)",
                    0,
                )
            )
            return
        self._rows = table[1:]
        for row in self._rows:
            self._read_row(row, origin)

    def field(self, row: Row, column: str) -> Field | None:
        at = self._columns.get(column)
        if at is None or at >= len(row.fields):
            return None
        return row.fields[at]

    def _read_row(self, row: Row, origin: dns.name.Name) -> None:
        fields = {c: self.field(row, c) for c in _NEEDED}
        missing = [c for c, f in fields.items() if f is None]
        if missing:
            self.syntax_error(
                f"the row has {len(row.fields)} fields, fewer than the header's",
                row.start,
                row.end,
            )
            return
        rtype, rr, value, ttl = (fields[c] for c in ("type", "rr", "value", "ttl"))
        assert rtype is not None
        assert rr is not None
        assert value is not None
        assert ttl is not None
        type_text = rtype.value.strip().upper()
        if type_text in alidns.URL_TYPES:
            self.forwarding.append(row)
            return
        status = self.field(row, "status")
        if status is not None and alidns.paused(status.value):
            self.paused.append(row)
            return
        try:
            owner = alidns.owner_of(rr.value, origin)
        except dns.exception.DNSException as error:
            self.syntax_error(
                f"bad host record {rr.value!r}: {error}", rr.start, rr.end
            )
            return
        try:
            rdtype = dns.rdatatype.from_text(type_text)
        except dns.exception.DNSException:
            self.syntax_error(f"unknown type {rtype.value!r}", rtype.start, rtype.end)
            return
        if not ttl.value.strip().isdigit():
            self.syntax_error(f"bad TTL {ttl.value!r}", ttl.start, ttl.end)
            return
        priority = self.field(row, "priority")
        if rdtype == dns.rdatatype.MX:
            number = priority.value.strip() if priority is not None else ""
            if not number.isdigit() or int(number) not in alidns.MX_PRIORITIES:
                where = priority or value
                self.rdata_error(
                    f"MX priority {number!r}: Alibaba Cloud DNS takes 1-50",
                    where.start,
                    where.end,
                )
                return
        text = alidns.value_text(
            rdtype, value.value, None if priority is None else priority.value.strip()
        )
        rdata = self.parse_rdata(rdtype, text, value.start, value.end)
        if rdata is None:
            return
        line = self.field(row, "line")
        extras = {"line": line.value if line is not None else "default"}
        self.add(owner, int(ttl.value), rdtype, rdata, value.start, value.end, extras)
        self._where.append(row)

    @property
    def notes(self) -> list[str]:
        out = []
        for paused in self.paused:
            line, _ = self.position(self.name, paused.start)
            what = " ".join(
                f.value if (f := self.field(paused, c)) else ""
                for c in ("rr", "type", "value")
            )
            out.append(
                f"line {line}: {what} is paused (Status Disable): Alibaba Cloud DNS "
                "does not serve it, so zonefix does not count it (as an MX, SPF or "
                "anything else)"
            )
        return out

    # ------------------------------------------------------------- writing

    def replace_rdata(self, index: int, rdata: dns.rdata.Rdata) -> list[Edit]:
        row = self._where[index]
        value = self.field(row, "value")
        assert value is not None
        text, priority = alidns.alidns_value(rdata, value.value.endswith("."))
        edits = [Edit(value.start, value.end, field_like(value, text))]
        if priority is not None:
            if priority not in alidns.MX_PRIORITIES:
                raise CannotEdit(
                    f"MX priority {priority}: Alibaba Cloud DNS takes 1-50"
                )
            written = self.field(row, "priority")
            assert written is not None
            edits.append(
                Edit(written.start, written.end, field_like(written, str(priority)))
            )
        return edits

    def replace_ttl(self, indices: Sequence[int], ttl: int) -> list[Edit]:
        if ttl < self.min_ttl:
            # Below what the edition allows: the whole RRset gets the least
            # it allows, so its records still agree.
            ttl = self.min_ttl
            indices = self.rrsets_of(indices)
        out = []
        for index in indices:
            field = self.field(self._where[index], "ttl")
            assert field is not None
            if field.value.strip() != str(ttl):
                out.append(Edit(field.start, field.end, field_like(field, str(ttl))))
        return out

    def delete(self, index: int) -> list[Edit]:
        row = self._where[index]
        return [Edit(row.start, row.next, "")]

    def insert(self, edit: InsertRecords) -> list[Edit]:
        origin = self._origin
        assert origin is not None
        if not self._where:
            raise CannotEdit("no record in the file to write a new one like")
        rtype = dns.rdatatype.to_text(edit.rdtype)
        template = next(
            (
                r
                for r in self._where
                if (f := self.field(r, "type")) and f.value.upper() == rtype
            ),
            self._where[0],
        )
        text = self.text
        out = []
        for rdata in edit.rdatas:
            value_field = self.field(template, "value")
            assert value_field is not None
            value, priority = alidns.alidns_value(
                rdata, value_field.value.endswith(".")
            )
            if priority is not None and priority not in alidns.MX_PRIORITIES:
                raise CannotEdit(
                    f"MX priority {priority}: Alibaba Cloud DNS takes 1-50"
                )
            ttl_field = self.field(template, "ttl")
            assert ttl_field is not None
            ttl = edit.ttl if edit.ttl is not None else int(ttl_field.value)
            new = {
                "rr": alidns.rr_of(edit.owner, origin),
                "type": rtype,
                "value": value,
                "ttl": str(max(ttl, self.min_ttl)),
                "priority": "" if priority is None else str(priority),
                "remark": "",
            }
            line = self.field(template, "line")
            if (
                line is not None
                and line.value.strip().lower() not in alidns.DEFAULT_LINES
            ):
                new["line"] = (
                    "默认" if any(ord(c) > 127 for c in line.value) else "default"
                )
            parts = []
            at = template.start
            for column, value_text in new.items():
                field = self.field(template, column)
                if field is None:
                    continue
                parts.append((field.start, field.end, field_like(field, value_text)))
            rendered = []
            for start, end, written in sorted(parts):
                rendered.append(text[at:start] + written)
                at = end
            rendered.append(text[at : template.end])
            out.append("".join(rendered))
        same = [
            r
            for r, rec in zip(self._where, self._records, strict=True)
            if rec.owner == edit.owner
        ]
        after = same[-1] if same else self._rows[-1]
        newline = text[after.end : after.next] or self.source.newline
        if after.next == after.end:  # the last row, without a line break
            return [Edit(after.end, after.end, "".join(newline + r for r in out))]
        return [Edit(after.next, after.next, "".join(r + newline for r in out))]


def read(filename: str, data: bytes, settings: ReadSettings) -> AlidnsCsvDocument:
    return AlidnsCsvDocument(filename, data, settings)
