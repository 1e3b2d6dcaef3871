"""Google Cloud DNS: ``gcloud dns record-sets export FILE --zone=Z`` YAML.

A stream of YAML documents, one per record set, each opened by ``---``:
``kind: dns#resourceRecordSet``, ``name`` (absolute, with the final dot),
``rrdatas`` (presentation-form values; TXT with its quotes, so usually
single-quoted in YAML), ``ttl`` and ``type``. A set with a
``routingPolicy`` may hold its values in the policy's items instead (the
rules see the first item; no fix edits it); ``type: ALIAS`` is Cloud
DNS's own record (flattening at the apex), passed by. Positions come from PyYAML's
node marks (character offsets in the text); edits are splices of the
file's own lines, so keys, quoting and blank lines stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import dns.exception
import dns.name
import dns.rdata
import dns.rdatatype
import yaml

from zonefix.diagnostics import Edit
from zonefix.document import (
    CannotEdit,
    Capabilities,
    InsertRecords,
    ReadSettings,
    SourceRecord,
)
from zonefix.formats.export import ExportDocument, Locked, presentation

NAME = "gcloud"
_PLAIN = re.compile(r"[A-Za-z0-9_.*\\][A-Za-z0-9_.*\\:/=+@ -]*\Z")


class _Set(NamedTuple):
    #: The document's text: from its "---" line to the next one.
    start: int
    end: int
    node: Any  # yaml.MappingNode
    owner: dns.name.Name
    rdtype: dns.rdatatype.RdataType
    rrdatas: Any  # yaml.SequenceNode


def sniff(filename: str, head: bytes) -> bool:
    lower = filename.lower()
    if not lower.endswith((".yaml", ".yml")):
        return False
    return b"dns#resourceRecordSet" in head or (
        b"rrdatas:" in head and b"\nname:" in head
    )


def _empty(node: Any) -> bool:
    return (
        isinstance(node, yaml.ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.value in ("", "~", "null")
    )


def _get(node: Any, key: str) -> Any:
    for k, v in node.value:
        if getattr(k, "value", None) == key:
            return v
    return None


def yaml_scalar(original: str, value: str) -> str:
    """*value* as a YAML scalar in the style *original* is written in:
    plain where that reads back as the same string, else single-quoted
    (as gcloud writes TXT values), or double-quoted where it was."""
    if original.startswith('"'):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if not original.startswith("'") and _PLAIN.match(value) and ": " not in value:
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return "'" + value.replace("'", "''") + "'"


class GcloudDocument(ExportDocument):
    def __init__(self, filename: str, data: bytes, settings: ReadSettings) -> None:
        super().__init__(
            filename,
            data,
            Capabilities(NAME, has_soa_ns=False, ttl_per="rrset", serial=False),
            settings,
        )
        self._sets: list[_Set] = []
        #: record number -> (its set, its rrdatas item)
        self._where: list[tuple[_Set, Any]] = []
        #: Every set's owner (ALIAS and routing sets too: they name the zone).
        self._owners: list[dns.name.Name] = []
        #: Sets answering by a routing policy: (offset, owner, type, policy).
        self._routed: list[tuple[int, dns.name.Name, dns.rdatatype.RdataType, str]]
        self._routed = []
        if self.readable:
            self._read(settings)

    def _read(self, settings: ReadSettings) -> None:
        text = self.text
        try:
            documents = [d for d in yaml.compose_all(text, Loader=yaml.SafeLoader)]
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = mark.index if mark is not None else 0
            problem = getattr(error, "problem", None) or str(error)
            self.syntax_error(f"not YAML: {problem}", min(where, len(text)))
            return
        # An empty document (a final "---") is no record set.
        documents = [d for d in documents if d is not None and not _empty(d)]
        if not any(
            isinstance(d, yaml.MappingNode)
            and _get(d, "name") is not None
            and (_get(d, "rrdatas") is not None or _get(d, "routingPolicy"))
            for d in documents
        ):
            self.syntax_error(
                "not a Cloud DNS export: no document with name, type, ttl and "
                "rrdatas (gcloud dns record-sets export)",
                0,
            )
            return
        starts = [m.start() for m in re.finditer(r"(?m)^---[ \t]*\r?$", text)]
        for node in documents:
            if not isinstance(node, yaml.MappingNode):
                self.set_error("a record set must be a mapping", node.start_mark.index)
                continue
            self._read_set(node, starts)
        self._origin = settings.origin or self._find_origin()

    def _read_set(self, node: Any, starts: list[int]) -> None:
        """One record set; what is wrong with it is its own ZF001 or ZF002
        (the other sets are still read)."""
        at = node.start_mark.index
        opened = max((s for s in starts if s <= at), default=at)
        later = [s for s in starts if s > at]
        end = later[0] if later else len(self.text)
        routing = _get(node, "routingPolicy")
        fields = {k: _get(node, k) for k in ("name", "type", "ttl", "rrdatas")}
        if routing is not None:
            fields.pop("rrdatas")  # the answers may be in the policy's items
        missing = [k for k, v in fields.items() if v is None]
        if missing:
            self.set_error(f"a record set needs {', '.join(missing)}", at)
            return
        name, rtype, ttl = (fields[k] for k in ("name", "type", "ttl"))
        try:
            owner = dns.name.from_text(str(name.value), dns.name.root)
        except dns.exception.DNSException as error:
            self.set_error(f"bad name {name.value!r}: {error}", name.start_mark.index)
            return
        self._owners.append(owner)
        if str(rtype.value).upper() == "ALIAS":
            # Cloud DNS's own record (CNAME flattening at the apex): no DNS
            # type the rules judge, and never edited.
            return
        try:
            rdtype = dns.rdatatype.from_text(str(rtype.value))
        except dns.exception.DNSException:
            self.set_error(f"unknown type {rtype.value!r}", rtype.start_mark.index)
            return
        if not str(ttl.value).isdigit():
            self.set_error(f"bad TTL {ttl.value!r}", ttl.start_mark.index)
            return
        rrdatas = _get(node, "rrdatas")
        if routing is not None and rrdatas is None:
            self._read_routing(node, routing, owner, rdtype, int(ttl.value), at)
            return
        if not isinstance(rrdatas, yaml.SequenceNode):
            self.set_error("rrdatas must be a list", rrdatas.start_mark.index)
            return
        entry = _Set(opened, end, node, owner, rdtype, rrdatas)
        self._sets.append(entry)
        extras: dict[str, object] = {"routing_policy": True} if routing else {}
        self._read_rrdatas(entry, rrdatas, int(ttl.value), extras)

    def _read_rrdatas(
        self, entry: _Set, rrdatas: Any, ttl: int, extras: dict[str, object]
    ) -> None:
        for item in rrdatas.value:
            start, stop = item.start_mark.index, item.end_mark.index
            if not isinstance(item, yaml.ScalarNode):
                self.rdata_error("an rrdata must be a string", start, stop)
                continue
            rdata = self.parse_rdata(entry.rdtype, str(item.value), start, stop)
            if rdata is not None:
                self.add(entry.owner, ttl, entry.rdtype, rdata, start, stop, extras)
                self._where.append((entry, item))

    def _read_routing(
        self,
        node: Any,
        routing: Any,
        owner: dns.name.Name,
        rdtype: dns.rdatatype.RdataType,
        ttl: int,
        at: int,
    ) -> None:
        """A set answering by a routing policy (geo, wrr, primaryBackup):
        its answers are in the policy's items. As for Route 53's routing
        sets, the rules see one answer (the first item); no fix edits it."""
        if not isinstance(routing, yaml.MappingNode) or not routing.value:
            self.set_error("routingPolicy must be a mapping", routing.start_mark.index)
            return
        kind = str(routing.value[0][0].value)
        policy = routing.value[0][1]
        holder = _get(policy, "backupGeoTargets") if kind == "primaryBackup" else policy
        items = _get(holder, "items") if isinstance(holder, yaml.MappingNode) else None
        self._routed.append((at, owner, rdtype, kind))
        if not isinstance(items, yaml.SequenceNode):
            return  # health-checked targets only: no answer to read
        for n, item in enumerate(items.value):
            rrdatas = (
                _get(item, "rrdatas") if isinstance(item, yaml.MappingNode) else None
            )
            if rrdatas is None:
                continue
            if not isinstance(rrdatas, yaml.SequenceNode):
                self.set_error("rrdatas must be a list", rrdatas.start_mark.index)
                continue
            entry = _Set(at, at, node, owner, rdtype, rrdatas)
            extras: dict[str, object] = {
                "routing_policy": kind,
                "set_identifier": f"{kind} {n}",
            }
            self._read_rrdatas(entry, rrdatas, ttl, extras)

    @property
    def notes(self) -> list[str]:
        out = []
        for at, owner, rdtype, kind in self._routed:
            line, _ = self.position(self.name, at)
            out.append(
                f"line {line}: {owner} {rdtype.name} answers by a routing policy "
                f"({kind}): the rules read its first item's answers, and no fix "
                "edits it"
            )
        return out

    def editable(self, index: int) -> SourceRecord:
        record = super().editable(index)
        kind = record.extras.get("routing_policy")
        if isinstance(kind, str):
            raise Locked(
                f"{record.owner} {record.rdtype.name} answers by a routing policy "
                f"({kind}): edit it in Cloud DNS"
            )
        return record

    def _find_origin(self) -> dns.name.Name | None:
        soa = [s.owner for s in self._sets if s.rdtype == dns.rdatatype.SOA]
        if len(soa) == 1:
            return soa[0]
        names = self._owners
        if not names:
            return None
        common = names[0]
        for n in names[1:]:
            while not n.is_subdomain(common):
                common = common.parent()
        return common if len(common) > 2 else None

    # ------------------------------------------------------------- writing

    def _line(self, offset: int) -> tuple[int, int]:
        """The line holding *offset*: its start, and its end after the line
        break."""
        text = self.text
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        return start, len(text) if end == -1 else end + 1

    def _item_line(self, item: Any) -> tuple[int, int]:
        start, end = self._line(item.start_mark.index)
        if not re.fullmatch(r"[ \t]*-[ \t]+", self.text[start : item.start_mark.index]):
            raise CannotEdit("the value does not stand alone on its line")
        if item.end_mark.index > end:
            raise CannotEdit("the value runs over several lines")
        return start, end

    def replace_rdata(self, index: int, rdata: dns.rdata.Rdata) -> list[Edit]:
        _, item = self._where[index]
        start, end = item.start_mark.index, item.end_mark.index
        return [
            Edit(start, end, yaml_scalar(self.text[start:end], presentation(rdata)))
        ]

    def replace_ttl(self, indices: Sequence[int], ttl: int) -> list[Edit]:
        edits = {}
        for index in indices:
            node = _get(self._where[index][0].node, "ttl")
            edits[node.start_mark.index] = Edit(
                node.start_mark.index, node.end_mark.index, str(ttl)
            )
        return list(edits.values())

    def delete(self, index: int) -> list[Edit]:
        entry, item = self._where[index]
        if len(entry.rrdatas.value) > 1:
            start, end = self._item_line(item)
            return [Edit(start, end, "")]
        return [Edit(entry.start, entry.end, "")]

    def _new_lines(self, template: Any, rdatas: Sequence[dns.rdata.Rdata]) -> str:
        start, end = self._item_line(template)
        line = self.text[start:end]
        lead = self.text[start : template.start_mark.index]
        tail = line[template.end_mark.index - start :]
        original = self.text[template.start_mark.index : template.end_mark.index]
        return "".join(
            lead + yaml_scalar(original, presentation(r)) + tail for r in rdatas
        )

    def insert(self, edit: InsertRecords) -> list[Edit]:
        if any(o == edit.owner and t == edit.rdtype for _, o, t, _ in self._routed):
            raise Locked(
                f"{edit.owner} {edit.rdtype.name} answers by a routing policy: "
                "edit it in Cloud DNS"
            )
        same = [
            s for s in self._sets if s.owner == edit.owner and s.rdtype == edit.rdtype
        ]
        if same and same[0].rrdatas.value:
            last = same[0].rrdatas.value[-1]
            at = self._item_line(last)[1]
            return [Edit(at, at, self._new_lines(last, edit.rdatas))]
        template = next((s for s in self._sets if s.rrdatas.value), None)
        if template is None:
            raise CannotEdit("no record set in the file to write a new one like")
        items = template.rrdatas.value
        first, last = self._item_line(items[0])[0], self._item_line(items[-1])[1]
        name, rtype, ttl = (_get(template.node, k) for k in ("name", "type", "ttl"))
        text = self.text
        spans = {
            (name.start_mark.index, name.end_mark.index): yaml_scalar(
                text[name.start_mark.index : name.end_mark.index], edit.owner.to_text()
            ),
            (rtype.start_mark.index, rtype.end_mark.index): dns.rdatatype.to_text(
                edit.rdtype
            ),
            (ttl.start_mark.index, ttl.end_mark.index): str(
                edit.ttl if edit.ttl is not None else ttl.value
            ),
            (first, last): self._new_lines(items[0], edit.rdatas),
        }
        out, at = [], template.start
        for (start, end), new in sorted(spans.items()):
            out.append(text[at:start] + new)
            at = end
        out.append(text[at : template.end])
        rendered = "".join(out)
        if not rendered.endswith("\n"):
            rendered += self.source.newline
        after = next(
            (s for s in reversed(self._sets) if s.owner == edit.owner), self._sets[-1]
        )
        at = after.end
        if at == len(text) and not text.endswith("\n"):
            return [Edit(at, at, self.source.newline + rendered.rstrip("\r\n"))]
        return [Edit(at, at, rendered)]


def read(filename: str, data: bytes, settings: ReadSettings) -> GcloudDocument:
    return GcloudDocument(filename, data, settings)
