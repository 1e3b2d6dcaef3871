"""Alibaba Cloud DNS: the ``DescribeDomainRecords`` JSON (also what
``aliyun alidns DescribeDomainRecords`` prints).

Records sit in ``DomainRecords.Record`` (Alibaba's XML-to-JSON nesting),
beside paging fields; a file may hold one page, a JSON array of pages, or
several pages written one after the other. See zonefix.formats.alidns for
what a record's fields mean.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import NamedTuple

import dns.exception
import dns.name
import dns.rdata
import dns.rdatatype

from zonefix.diagnostics import Edit
from zonefix.document import CannotEdit, Capabilities, InsertRecords, ReadSettings
from zonefix.formats import alidns, jsondoc
from zonefix.formats.export import ExportDocument
from zonefix.formats.jsontext import JsonError, Node, parse_values, string_like

NAME = "alidns-json"


class _Row(NamedTuple):
    node: Node
    array: Node  # the Record array holding it


def sniff(filename: str, head: bytes) -> bool:
    return filename.lower().endswith(".json") and b'"DomainRecords"' in head


class AlidnsJsonDocument(ExportDocument):
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
        #: The smallest TTL a fix may write (the DNS edition's).
        self.min_ttl = alidns.DEFAULT_MIN_TTL
        self._rows: list[_Row] = []
        #: record number -> its row
        self._where: list[_Row] = []
        #: Rows that are no DNS record zonefix checks: paused, URL forwarding.
        self.paused: list[Node] = []
        self.forwarding: list[Node] = []
        if self.readable:
            self._read(settings)

    # ------------------------------------------------------------- reading

    def _read(self, settings: ReadSettings) -> None:
        try:
            values = parse_values(self.text)
        except JsonError as error:
            self.syntax_error(f"not JSON: {error.message}", error.offset)
            return
        pages = []
        for value in values:
            pages.extend(value.items if value.kind == "array" else [value])
        arrays = []
        for page in pages or values:
            holder = page.get("DomainRecords") if page.kind == "object" else None
            records = (
                holder.get("Record") if holder and holder.kind == "object" else None
            )
            if records is None or records.kind != "array":
                self.syntax_error(
                    "not an Alibaba Cloud DNS record list: expected "
                    '"DomainRecords": {"Record": [...]} (DescribeDomainRecords)',
                    page.start,
                )
                return
            arrays.append(records)
        origin = settings.origin
        for array in arrays:
            for row in array.items:
                if row.kind != "object":
                    self.syntax_error("a record must be an object", row.start)
                    continue
                if origin is None:
                    domain = row.get("DomainName")
                    if domain is not None and domain.kind == "string":
                        with contextlib.suppress(dns.exception.DNSException):
                            origin = dns.name.from_text(
                                str(domain.value), dns.name.root
                            )
                self._rows.append(_Row(row, array))
        if origin is None:
            origin = alidns.origin_from_filename(self.name)
        self._origin = origin
        if origin is None:
            return  # ZF003: the caller says the origin is unknown
        for entry in self._rows:
            self._read_row(entry, origin)

    def _read_row(self, row: _Row, origin: dns.name.Name) -> None:
        node = row.node
        fields = {k: node.get(k) for k in ("RR", "Type", "Value", "TTL")}
        missing = [k for k, v in fields.items() if v is None]
        if missing:
            self.syntax_error(f"a record needs {', '.join(missing)}", node.start)
            return
        rr, rtype, value, ttl = (fields[k] for k in ("RR", "Type", "Value", "TTL"))
        assert rr is not None
        assert rtype is not None
        assert value is not None
        assert ttl is not None
        type_text = str(rtype.value).upper()
        if type_text in alidns.URL_TYPES:
            self.forwarding.append(node)
            return
        status = node.get("Status")
        if status is not None and alidns.paused(status.value):
            self.paused.append(node)
            return
        try:
            owner = alidns.owner_of(str(rr.value), origin)
        except dns.exception.DNSException as error:
            self.syntax_error(f"bad RR {rr.value!r}: {error}", rr.start, rr.end)
            return
        try:
            rdtype = dns.rdatatype.from_text(type_text)
        except dns.exception.DNSException:
            self.syntax_error(f"unknown type {rtype.value!r}", rtype.start, rtype.end)
            return
        if not isinstance(ttl.value, int) or isinstance(ttl.value, bool):
            self.syntax_error(f"bad TTL {ttl.value!r}", ttl.start, ttl.end)
            return
        priority = node.get("Priority")
        if rdtype == dns.rdatatype.MX and (
            priority is None or priority.value not in alidns.MX_PRIORITIES
        ):
            where = priority or node
            self.rdata_error(
                f"MX priority {None if priority is None else priority.value}: "
                "Alibaba Cloud DNS takes 1-50",
                where.start,
                where.end,
            )
            return
        text = alidns.value_text(
            rdtype, str(value.value), None if priority is None else str(priority.value)
        )
        rdata = self.parse_rdata(rdtype, text, value.start, value.end)
        if rdata is None:
            return
        extras: dict[str, object] = {}
        for key, name in (
            ("Line", "line"),
            ("Locked", "locked"),
            ("RecordId", "record_id"),
            ("Weight", "weight"),
        ):
            field = node.get(key)
            if field is not None:
                extras[name] = field.value
        self.add(owner, ttl.value, rdtype, rdata, value.start, value.end, extras)
        self._where.append(row)

    @property
    def notes(self) -> list[str]:
        out = []
        for paused in self.paused:
            line, _ = self.position(self.name, paused.start)
            what = " ".join(str(_value(paused, k)) for k in ("RR", "Type", "Value"))
            out.append(
                f"line {line}: {what} is paused (Status Disable): Alibaba Cloud DNS "
                "does not serve it, so zonefix does not count it (as an MX, SPF or "
                "anything else)"
            )
        return out

    # ------------------------------------------------------------- writing

    def replace_rdata(self, index: int, rdata: dns.rdata.Rdata) -> list[Edit]:
        node = self._where[index].node
        value = node.get("Value")
        assert value is not None
        text, priority = alidns.alidns_value(rdata, str(value.value).endswith("."))
        edits = [jsondoc.replace_string(self.text, value, text)]
        if priority is not None:
            if priority not in alidns.MX_PRIORITIES:
                raise CannotEdit(
                    f"MX priority {priority}: Alibaba Cloud DNS takes 1-50"
                )
            written = node.get("Priority")
            assert written is not None
            edits.append(jsondoc.replace_number(written, priority))
        return edits

    def replace_ttl(self, indices: Sequence[int], ttl: int) -> list[Edit]:
        if ttl < self.min_ttl:
            # Below what the edition allows: the whole RRset gets the least
            # it allows, so its records still agree.
            ttl = self.min_ttl
            indices = self.rrsets_of(indices)
        out = []
        for index in indices:
            node = self._where[index].node.get("TTL")
            assert node is not None
            if node.value != ttl:
                out.append(jsondoc.replace_number(node, ttl))
        return out

    def delete(self, index: int) -> list[Edit]:
        row = self._where[index]
        return [jsondoc.cut_item(row.array, row.node)]

    def insert(self, edit: InsertRecords) -> list[Edit]:
        origin = self._origin
        assert origin is not None
        rtype = dns.rdatatype.to_text(edit.rdtype)
        candidates = [r for r in self._rows if not _locked(r.node)]
        template = next(
            (r for r in candidates if str(_value(r.node, "Type")).upper() == rtype),
            None,
        ) or next(
            (
                r
                for r in candidates
                if (r.node.get("Priority") is not None)
                == (edit.rdtype == dns.rdatatype.MX)
            ),
            None,
        )
        if template is None:
            raise CannotEdit("no record in the file to write a new one like")
        text = self.text
        node = template.node
        rendered = []
        for rdata in edit.rdatas:
            value_node = node.get("Value")
            assert value_node is not None
            value, priority = alidns.alidns_value(
                rdata, str(value_node.value).endswith(".")
            )
            ttl = edit.ttl if edit.ttl is not None else _value(node, "TTL")
            if isinstance(ttl, int):
                ttl = max(ttl, self.min_ttl)
            spans: dict[tuple[int, int], str] = {}
            for key, new in (
                ("RR", alidns.rr_of(edit.owner, origin)),
                ("Type", rtype),
                ("Value", value),
                ("Line", "default"),
            ):
                field = node.get(key)
                if field is not None:
                    spans[(field.start, field.end)] = string_like(
                        text[field.start : field.end], new
                    )
            for key, number in (("TTL", ttl), ("Priority", priority)):
                field = node.get(key)
                if field is not None and number is not None:
                    spans[(field.start, field.end)] = str(number)
            if priority is not None and priority not in alidns.MX_PRIORITIES:
                raise CannotEdit(
                    f"MX priority {priority}: Alibaba Cloud DNS takes 1-50"
                )
            for key, literal in (("Locked", "false"),):
                field = node.get(key)
                if field is not None:
                    spans[(field.start, field.end)] = literal
            status = node.get("Status")
            if status is not None and alidns.paused(status.value):
                spans[(status.start, status.end)] = string_like(
                    text[status.start : status.end], "ENABLE"
                )
            # A new record has no RecordId until Alibaba gives it one.
            record_id = node.member("RecordId")
            if record_id is not None:
                cut = _member_cut(node, record_id[1])
                spans[cut] = ""
            rendered.append(jsondoc.render(text, node, spans))
        same = [
            row
            for row, record in zip(self._where, self._records, strict=True)
            if record.owner == edit.owner
        ]
        after = same[-1] if same else self._rows[-1]
        return [jsondoc.insert_after(text, after.array, after.node, rendered)]


def _value(node: Node, key: str) -> object:
    field = node.get(key)
    return None if field is None else field.value


def _locked(node: Node) -> bool:
    return _value(node, "Locked") is True


def _member_cut(node: Node, key: Node) -> tuple[int, int]:
    """The span to cut to drop the member whose key is *key*, with the
    separator on one side."""
    members = node.members
    at = next(i for i, m in enumerate(members) if m[1] is key)
    if at + 1 < len(members):
        return key.start, members[at + 1][1].start
    if at > 0:
        return members[at - 1][2].end, members[at][2].end
    return key.start, members[at][2].end


def read(filename: str, data: bytes, settings: ReadSettings) -> AlidnsJsonDocument:
    return AlidnsJsonDocument(filename, data, settings)
