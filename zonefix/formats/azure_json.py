"""Azure DNS: ``az network dns record-set list -g RG -z ZONE`` JSON.

An array of record sets: ``name`` relative to the zone (``@`` the apex),
``fqdn`` (absolute), ``type`` (``Microsoft.Network/dnszones/MX``), ``TTL``,
and one property holding the records of its type (``MXRecords`` of
``{exchange, preference}``, ``TXTRecords`` of ``{value: [strings]}``,
``CNAMERecord`` of ``{cname}``...). The casing of keys varies between CLI
versions (``aRecords``, ``ARecords``): keys are matched ignoring case and
written back as the file writes them. An alias set (``targetResource``
with no records) is Azure's own record, kept aside.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import NamedTuple

import dns.exception
import dns.name
import dns.rdata
import dns.rdatatype
import dns.rdtypes.mxbase

from zonefix.diagnostics import Edit
from zonefix.document import CannotEdit, Capabilities, InsertRecords, ReadSettings
from zonefix.formats import jsondoc
from zonefix.formats.export import ExportDocument, presentation, txt_chunks, txt_rdata
from zonefix.formats.jsontext import JsonError, Node, parse_values, string_like

NAME = "azure-json"
_TYPE_PREFIX = "microsoft.network/dnszones/"


class _Kind(NamedTuple):
    """How one type's records are written: the property, whether it holds
    one record (CNAME, SOA) or a list, and the record's fields in
    presentation order (None: TXT's list of strings)."""

    key: str
    single: bool
    fields: tuple[str, ...] | None


KINDS = {
    "A": _Kind("ARecords", False, ("ipv4Address",)),
    "AAAA": _Kind("AAAARecords", False, ("ipv6Address",)),
    "CNAME": _Kind("CNAMERecord", True, ("cname",)),
    "MX": _Kind("MXRecords", False, ("preference", "exchange")),
    "NS": _Kind("NSRecords", False, ("nsdname",)),
    "PTR": _Kind("PTRRecords", False, ("ptrdname",)),
    "SRV": _Kind("SRVRecords", False, ("priority", "weight", "port", "target")),
    "CAA": _Kind("caaRecords", False, ("flags", "tag", "value")),
    "TXT": _Kind("TXTRecords", False, None),
    "SOA": _Kind(
        "SOARecord",
        True,
        (
            "host",
            "email",
            "serialNumber",
            "refreshTime",
            "retryTime",
            "expireTime",
            "minimumTtl",
        ),
    ),
}
_NAMES = {"cname", "exchange", "nsdname", "ptrdname", "target", "host", "email"}


class _Set(NamedTuple):
    node: Node
    owner: dns.name.Name
    rdtype: dns.rdatatype.RdataType
    records: Node  # the type's property: an array, or one object


def sniff(filename: str, head: bytes) -> bool:
    return filename.lower().endswith(".json") and b"Microsoft.Network/dnszones/" in head


def _field_text(kind: str, field: str, node: Node) -> str:
    value = node.value
    if kind == "CAA" and field == "value":
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if field in _NAMES:
        text = str(value)
        return text if text.endswith(".") else text + "."
    return str(value)


class AzureJsonDocument(ExportDocument):
    def __init__(self, filename: str, data: bytes, settings: ReadSettings) -> None:
        super().__init__(
            filename,
            data,
            Capabilities(
                NAME,
                has_soa_ns=False,
                ttl_per="rrset",
                comments=False,
                suppression_comments=False,
                serial=False,
            ),
            settings,
        )
        self._array: Node | None = None
        self._sets: list[_Set] = []
        #: record number -> (its set, its record object)
        self._where: list[tuple[_Set, Node]] = []
        self.aliases: list[Node] = []
        if self.readable:
            self._read(settings)

    def _read(self, settings: ReadSettings) -> None:
        try:
            values = parse_values(self.text)
        except JsonError as error:
            self.syntax_error(f"not JSON: {error.message}", error.offset)
            return
        top: Node | None = values[0]
        envelope = values[0].get("value", fold=True)  # the REST API's envelope
        if values[0].kind == "object" and envelope is not None:
            top = envelope
        if len(values) > 1 or top is None or top.kind != "array":
            self.syntax_error(
                "not an Azure DNS record-set list: expected an array of record "
                "sets (az network dns record-set list)",
                values[0].start,
            )
            return
        self._array = top
        origin = settings.origin
        for node in top.items:
            if origin is None:
                origin = _origin_of(node)
        self._origin = origin
        for node in top.items:
            self._read_set(node)

    def _read_set(self, node: Node) -> None:
        if node.kind != "object":
            self.syntax_error("a record set must be an object", node.start)
            return
        name, kind_node = node.get("name", fold=True), node.get("type", fold=True)
        ttl = node.get("TTL", fold=True)
        if name is None or kind_node is None or name.kind != "string":
            self.syntax_error('a record set needs "name" and "type"', node.start)
            return
        kind_text = str(kind_node.value)
        if not kind_text.lower().startswith(_TYPE_PREFIX):
            self.syntax_error(f"not an Azure DNS type: {kind_text!r}", kind_node.start)
            return
        rtype = kind_text[len(_TYPE_PREFIX) :].upper()
        kind = KINDS.get(rtype)
        records = node.get(kind.key, fold=True) if kind else None
        if records is None or records.kind == "literal":
            if node.get("targetResource", fold=True) is not None:
                self.aliases.append(node)
            elif kind is None:
                self.syntax_error(f"type {rtype} is not read", kind_node.start)
            return
        assert kind is not None
        origin = self._origin
        try:
            fqdn = node.get("fqdn", fold=True)
            if fqdn is not None and fqdn.kind == "string":
                owner = dns.name.from_text(str(fqdn.value), dns.name.root)
            elif origin is not None:
                relative = str(name.value)
                owner = (
                    origin if relative == "@" else dns.name.from_text(relative, origin)
                )
            else:
                self.syntax_error("no fqdn, and the zone is not known", name.start)
                return
        except dns.exception.DNSException as error:
            self.syntax_error(f"bad name {name.value!r}: {error}", name.start, name.end)
            return
        if ttl is None or not isinstance(ttl.value, int):
            self.syntax_error(f"record set {name.value} {rtype} has no TTL", node.start)
            return
        rdtype = dns.rdatatype.from_text(rtype)
        entry = _Set(node, owner, rdtype, records)
        self._sets.append(entry)
        for item in [records] if kind.single else records.items:
            rdata = self._rdata(rtype, kind, item)
            if rdata is not None:
                self.add(owner, int(ttl.value), rdtype, rdata, item.start, item.end)
                self._where.append((entry, item))

    def _rdata(self, rtype: str, kind: _Kind, item: Node) -> dns.rdata.Rdata | None:
        if item.kind != "object":
            self.syntax_error(f"a {rtype} record must be an object", item.start)
            return None
        rdtype = dns.rdatatype.from_text(rtype)
        if kind.fields is None:  # TXT: a list of strings
            strings = item.get("value", fold=True)
            if strings is None or strings.kind != "array":
                self.syntax_error('a TXT record needs "value": [strings]', item.start)
                return None
            return txt_rdata(rdtype, "".join(str(s.value) for s in strings.items))
        parts = []
        for field in kind.fields:
            node = item.get(field, fold=True)
            if node is None:
                self.syntax_error(f'a {rtype} record needs "{field}"', item.start)
                return None
            parts.append(_field_text(rtype, field, node))
        return self.parse_rdata(rdtype, " ".join(parts), item.start, item.end)

    # ------------------------------------------------------------- writing

    def _fields_of(self, rdata: dns.rdata.Rdata) -> dict[str, object]:
        """The fields Azure writes for *rdata*, by lower-cased name."""
        rtype = dns.rdatatype.to_text(rdata.rdtype)
        kind = KINDS[rtype]
        if kind.fields is None:
            return {"value": txt_chunks(rdata)}
        words = presentation(rdata).split(" ", len(kind.fields) - 1)
        out: dict[str, object] = {}
        for field, word in zip(kind.fields, words, strict=True):
            if field in _NAMES:
                out[field.lower()] = word.rstrip(".")
            elif rtype == "CAA" and field == "value":
                out[field.lower()] = (
                    word[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                )
            elif word.isdigit():
                out[field.lower()] = int(word)
            else:
                out[field.lower()] = word
        if isinstance(rdata, dns.rdtypes.mxbase.MXBase):
            out["preference"] = rdata.preference
        return out

    def _substitutions(
        self, item: Node, rdata: dns.rdata.Rdata
    ) -> dict[tuple[int, int], str]:
        text = self.text
        out: dict[tuple[int, int], str] = {}
        for key, _, node in item.members:
            new = self._fields_of(rdata).get(key.lower())
            if new is None:
                continue
            if isinstance(new, list):
                sep = jsondoc.separator(text, node) if node.items else ", "
                first = node.items[0] if node.items else None
                written = [
                    string_like(text[first.start : first.end] if first else '""', s)
                    for s in new
                ]
                out[(node.start + 1, node.end - 1)] = (
                    (text[node.start + 1 : first.start] if first else "")
                    + sep.join(written)
                    + (text[node.items[-1].end : node.end - 1] if first else "")
                )
            elif isinstance(new, int):
                out[(node.start, node.end)] = str(new)
            else:
                out[(node.start, node.end)] = string_like(
                    text[node.start : node.end], str(new)
                )
        return out

    def _new_property(
        self,
        template: _Set,
        kind: _Kind,
        rtype: str,
        rdatas: Sequence[dns.rdata.Rdata],
    ) -> dict[tuple[int, int], str]:
        """Edits of *template*'s text that make it a set of *rtype*: its
        records' property (key as the file cases them) and its type."""
        text = self.text
        member = next(m for m in template.node.members if m[2] is template.records)
        key_name, key, value = member
        # The file's casing: "mxRecords" (az CLI) or "MXRecords" (REST API).
        new_key = kind.key
        if key_name[:1].islower() and new_key.startswith(rtype):
            new_key = rtype.lower() + new_key[len(rtype) :]
        fields = kind.fields
        records: list[object] = []
        for rdata in rdatas:
            found = self._fields_of(rdata)
            if fields is None:
                records.append({"value": found["value"]})
            else:
                records.append({f: found[f.lower()] for f in fields})
        line_start = text.rfind("\n", 0, key.start) + 1
        indent = text[line_start : key.start]
        set_start = text.rfind("\n", 0, template.node.start) + 1
        unit = max(1, len(indent) - (template.node.start - set_start))
        body = json.dumps(records[0] if kind.single else records, indent=unit)
        body = body.replace("\n", "\n" + indent)
        edits = {
            (key.start, key.end): json.dumps(new_key),
            (value.start, value.end): body,
        }
        kind_node = template.node.get("type", fold=True)
        if kind_node is not None:
            edits[(kind_node.start, kind_node.end)] = json.dumps(
                "Microsoft.Network/dnszones/" + rtype
            )
        return edits

    def replace_rdata(self, index: int, rdata: dns.rdata.Rdata) -> list[Edit]:
        _, item = self._where[index]
        subs = self._substitutions(item, rdata)
        return [Edit(start, end, new) for (start, end), new in subs.items()]

    def replace_ttl(self, indices: Sequence[int], ttl: int) -> list[Edit]:
        edits = {}
        for index in indices:
            node = self._where[index][0].node.get("TTL", fold=True)
            assert node is not None
            edits[node.start] = jsondoc.replace_number(node, ttl)
        return list(edits.values())

    def delete(self, index: int) -> list[Edit]:
        entry, item = self._where[index]
        if entry.records.kind == "array" and len(entry.records.items) > 1:
            return [jsondoc.cut_item(entry.records, item)]
        assert self._array is not None
        return [jsondoc.cut_item(self._array, entry.node)]

    def insert(self, edit: InsertRecords) -> list[Edit]:
        rtype = dns.rdatatype.to_text(edit.rdtype)
        kind = KINDS.get(rtype)
        if kind is None:
            raise CannotEdit(f"{rtype} records are not written into Azure's list")
        text = self.text
        same = [
            s for s in self._sets if s.owner == edit.owner and s.rdtype == edit.rdtype
        ]
        if same:
            if kind.single or not same[0].records.items:
                raise CannotEdit(f"a name holds one {rtype} record")
            last = same[0].records.items[-1]
            rendered = [
                jsondoc.render(text, last, self._substitutions(last, r))
                for r in edit.rdatas
            ]
            return [jsondoc.append_items(text, same[0].records, rendered)]
        template = next(
            (
                s
                for s in self._sets
                if s.rdtype == edit.rdtype
                and s.records.kind == "array"
                and s.records.items
            ),
            None,
        )
        subs: dict[tuple[int, int], str] = {}
        if template is None:
            # No set of the type to copy: another set's layout, with the
            # type's own property written in the file's indentation.
            template = next((s for s in self._sets if s.records.kind == "array"), None)
            if template is None or self._array is None or self._origin is None:
                raise CannotEdit("no record set in the file to write a new one like")
            subs.update(self._new_property(template, kind, rtype, edit.rdatas))
        else:
            first = template.records.items[0]
            items = [
                jsondoc.render(text, first, self._substitutions(first, r))
                for r in edit.rdatas
            ]
            sep = jsondoc.separator(text, template.records)
            records = template.records
            subs[(records.start + 1, records.end - 1)] = (
                text[records.start + 1 : first.start]
                + sep.join(items)
                + text[records.items[-1].end : records.end - 1]
            )
        assert self._array is not None
        assert self._origin is not None
        relative = (
            "@"
            if edit.owner == self._origin
            else edit.owner.relativize(self._origin).to_text()
        )
        replace: dict[str, Callable[[str], str]] = {
            "name": lambda _: relative,
            "fqdn": lambda _: edit.owner.to_text(),
            # .../dnszones/<zone>/<type>/<name>
            "id": lambda old: old.rsplit("/", 2)[0] + f"/{rtype}/{relative}",
        }
        for key, key_node, node in template.node.members:
            change = replace.get(key.lower())
            if change is not None and node.kind == "string":
                subs[(node.start, node.end)] = string_like(
                    text[node.start : node.end], change(str(node.value))
                )
            elif key.lower() == "ttl" and edit.ttl is not None:
                subs[(node.start, node.end)] = str(edit.ttl)
            elif key.lower() == "etag":
                # A new set has no etag until Azure gives it one.
                members = template.node.members
                at = next(i for i, m in enumerate(members) if m[1] is key_node)
                if at + 1 < len(members):
                    subs[(key_node.start, members[at + 1][1].start)] = ""
        new_set = jsondoc.render(text, template.node, subs)
        after = next(
            (s.node for s in reversed(self._sets) if s.owner == edit.owner),
            self._array.items[-1],
        )
        return [jsondoc.insert_after(text, self._array, after, [new_set])]


def _origin_of(node: Node) -> dns.name.Name | None:
    """The zone a record set names: its fqdn without its relative name."""
    if node.kind != "object":
        return None
    name, fqdn = node.get("name", fold=True), node.get("fqdn", fold=True)
    if name is None or fqdn is None:
        return None
    try:
        full = dns.name.from_text(str(fqdn.value), dns.name.root)
        if name.value == "@":
            return full
        relative = dns.name.from_text(str(name.value), None)
    except dns.exception.DNSException:
        return None
    if len(full) <= len(relative):
        return None
    return dns.name.Name(full.labels[len(relative) :])


def read(filename: str, data: bytes, settings: ReadSettings) -> AzureJsonDocument:
    return AzureJsonDocument(filename, data, settings)
