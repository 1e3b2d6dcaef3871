"""AWS Route 53: ``aws route53 list-resource-record-sets`` output and change
batches (``{"Changes": [{"Action": ..., "ResourceRecordSet": ...}]}``).

A record set has an absolute ``Name`` (Route 53 writes characters outside
``a-z0-9-_`` as three-digit *octal* escapes: ``\\052`` is ``*``), a ``Type``,
a ``TTL`` and ``ResourceRecords`` whose ``Value`` is the presentation form
(TXT as quoted strings). An alias set (``AliasTarget``) has neither TTL nor
values: it is Route 53's own record, kept aside (``aliases``). Sets with a
``SetIdentifier`` belong to a routing policy (weighted, latency, failover,
geolocation...): they share a name and type by design. In a change batch,
the sets a ``DELETE`` names are going away: they are not the zone's records,
and are never edited (Route 53 matches them exactly).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import dns.exception
import dns.name
import dns.rdata
import dns.rdatatype

from zonefix.diagnostics import Edit
from zonefix.document import CannotEdit, Capabilities, InsertRecords, ReadSettings
from zonefix.formats import jsondoc
from zonefix.formats.export import Blocked, ExportDocument, presentation
from zonefix.formats.jsontext import JsonError, Node, parse_values, string_like

NAME = "route53"
_ROUTING = (
    "SetIdentifier",
    "Weight",
    "Region",
    "Failover",
    "GeoLocation",
    "MultiValueAnswer",
    "HealthCheckId",
    "CidrRoutingConfig",
    "GeoProximityLocation",
)
_OCTAL = re.compile(r"\\([0-3][0-7][0-7])")


class _Set(NamedTuple):
    node: Node
    #: The Change holding it in a change batch (None in a list output).
    change: Node | None
    owner: dns.name.Name
    rdtype: dns.rdatatype.RdataType
    values: Node | None  # the ResourceRecords array


def name_from_route53(text: str) -> dns.name.Name:
    """A Route 53 name: octal escapes (``\\052``) made dnspython's decimal
    ones, absolute with or without the final dot."""
    decimal = _OCTAL.sub(lambda m: f"\\{int(m.group(1), 8):03d}", text)
    return dns.name.from_text(decimal, dns.name.root)


def _order(owner: dns.name.Name, rdtype: dns.rdatatype.RdataType) -> tuple[str, str]:
    """Where ListResourceRecordSets puts a set: by name with its labels
    reversed (com.example.www.), then by type."""
    labels = owner.to_text(omit_final_dot=True).split(".")
    return ".".join(reversed(labels)) + ".", dns.rdatatype.to_text(rdtype)


def sniff(filename: str, head: bytes) -> bool:
    if not filename.lower().endswith(".json"):
        return False
    return b'"ResourceRecordSets"' in head or (
        b'"Changes"' in head and b'"ResourceRecordSet"' in head
    )


def _capabilities(complete: bool) -> Capabilities:
    return Capabilities(
        NAME,
        has_soa_ns=False,
        ttl_per="rrset",
        comments=False,
        suppression_comments=False,
        serial=False,
        complete=complete,
    )


class Route53Document(ExportDocument):
    def __init__(self, filename: str, data: bytes, settings: ReadSettings) -> None:
        super().__init__(
            filename,
            data,
            _capabilities(complete=True),
            settings,
        )
        self._sets: list[_Set] = []
        #: record number -> (its set, its {"Value": ...} item and value node)
        self._where: list[tuple[_Set, Node, Node]] = []
        #: Alias sets: (owner, type, the set's node).
        self.aliases: list[tuple[dns.name.Name, dns.rdatatype.RdataType, Node]] = []
        self._array: Node | None = None  # ResourceRecordSets or Changes
        #: A change batch ("Changes"), not a listing.
        self.batch = False
        #: A listing page with "IsTruncated": true.
        self.truncated = False
        if self.readable:
            self._read(settings)

    # ------------------------------------------------------------- reading

    def _read(self, settings: ReadSettings) -> None:
        try:
            values = parse_values(self.text)
        except JsonError as error:
            self.syntax_error(f"not JSON: {error.message}", error.offset)
            return
        top = values[0]
        array = None
        if top.kind == "object":
            array = top.get("ResourceRecordSets") or top.get("Changes")
        if len(values) > 1 or array is None or array.kind != "array":
            self.syntax_error(
                "not a Route 53 record list: expected one object with "
                '"ResourceRecordSets" (list-resource-record-sets) or "Changes" '
                "(a change batch)",
                top.start,
            )
            return
        self._array = array
        batch = top.get("ResourceRecordSets") is None
        truncated = top.get("IsTruncated")
        #: One page of a listing: the rest of the zone is on later pages.
        self.truncated = not batch and truncated is not None and truncated.value is True
        self.batch = batch
        if batch or self.truncated:
            # Part of the zone: rules say nothing that rests on a record
            # being absent (see Capabilities.complete).
            self._capabilities = _capabilities(complete=False)
        for item in array.items:
            change = None
            rrset: Node | None = item
            if batch:
                change = item
                action = item.get("Action") if item.kind == "object" else None
                rrset = item.get("ResourceRecordSet") if item.kind == "object" else None
                if action is None or rrset is None:
                    self.syntax_error(
                        'a change needs "Action" and "ResourceRecordSet"', item.start
                    )
                    continue
                if str(action.value).upper() == "DELETE":
                    continue  # going away; matched exactly by Route 53
            assert rrset is not None
            self._read_set(rrset, change)
        self._origin = settings.origin or self._find_origin()

    def _read_set(self, node: Node, change: Node | None) -> None:
        if node.kind != "object":
            self.syntax_error("a record set must be an object", node.start)
            return
        name, rtype = node.get("Name"), node.get("Type")
        if (
            name is None
            or rtype is None
            or name.kind != "string"
            or rtype.kind != "string"
        ):
            self.syntax_error('a record set needs "Name" and "Type"', node.start)
            return
        try:
            owner = name_from_route53(str(name.value))
        except dns.exception.DNSException as error:
            self.syntax_error(f"bad name {name.value!r}: {error}", name.start, name.end)
            return
        try:
            rdtype = dns.rdatatype.from_text(str(rtype.value))
        except dns.exception.DNSException:
            self.syntax_error(f"unknown type {rtype.value!r}", rtype.start, rtype.end)
            return
        if node.get("AliasTarget") is not None:
            self.aliases.append((owner, rdtype, node))
            return
        ttl, values = node.get("TTL"), node.get("ResourceRecords")
        if ttl is None or ttl.kind != "number" or not isinstance(ttl.value, int):
            self.syntax_error(
                f"record set {name.value} {rtype.value} has no TTL (only an alias "
                "may leave it out)",
                node.start,
            )
            return
        if values is None or values.kind != "array":
            self.syntax_error(
                f'record set {name.value} {rtype.value} has no "ResourceRecords"',
                node.start,
            )
            return
        entry = _Set(node, change, owner, rdtype, values)
        self._sets.append(entry)
        extras: dict[str, object] = {}
        for key in _ROUTING:
            routing = node.get(key)
            if routing is not None:
                extras["set_identifier" if key == "SetIdentifier" else key] = (
                    routing.value if routing.kind != "object" else key
                )
        if change is not None:
            action = change.get("Action")
            extras["action"] = action.value if action else None
        for item in values.items:
            value = item.get("Value") if item.kind == "object" else None
            if value is None or value.kind != "string":
                self.syntax_error(
                    'a resource record needs a "Value" string', item.start
                )
                continue
            rdata = self.parse_rdata(rdtype, str(value.value), value.start, value.end)
            if rdata is None:
                continue
            self.add(
                owner, int(ttl.value), rdtype, rdata, value.start, value.end, extras
            )
            self._where.append((entry, item, value))

    def _find_origin(self) -> dns.name.Name | None:
        soa = [s.owner for s in self._sets if s.rdtype == dns.rdatatype.SOA]
        if len(soa) == 1:
            return soa[0]
        ns = [s.owner for s in self._sets if s.rdtype == dns.rdatatype.NS]
        names = [s.owner for s in self._sets] + [a[0] for a in self.aliases]
        if not names:
            return None
        # The highest name holding NS, or what every name shares.
        if ns:
            top = min(ns, key=len)
            if all(n.is_subdomain(top) for n in names):
                return top
        common = names[0]
        for n in names[1:]:
            while not n.is_subdomain(common):
                common = common.parent()
        return common if len(common) > 2 else None

    @property
    def notes(self) -> list[str]:
        if not self.truncated:
            return []
        return [
            "the file is one page of the zone (IsTruncated): the rest is on later "
            "pages, so findings about absent records (no SPF, no DMARC, a target "
            "with no address...) are left out"
        ]

    # ------------------------------------------------------------- writing

    def replace_rdata(self, index: int, rdata: dns.rdata.Rdata) -> list[Edit]:
        _, _, value = self._where[index]
        return [jsondoc.replace_string(self.text, value, presentation(rdata))]

    def replace_ttl(self, indices: object, ttl: int) -> list[Edit]:
        edits = {}
        for index in indices:  # type: ignore[attr-defined]
            entry = self._where[index][0]
            node = entry.node.get("TTL")
            assert node is not None
            edits[node.start] = jsondoc.replace_number(node, ttl)
        return list(edits.values())

    def delete(self, index: int) -> list[Edit]:
        entry, item, _ = self._where[index]
        assert entry.values is not None
        if len(entry.values.items) > 1:
            return [jsondoc.cut_item(entry.values, item)]
        # Its set's last value: the set (or its change) goes.
        assert self._array is not None
        whole = entry.change if entry.change is not None else entry.node
        return [jsondoc.cut_item(self._array, whole)]

    def insert(self, edit: InsertRecords) -> list[Edit]:
        same = [
            s
            for s in self._sets
            if s.owner == edit.owner
            and s.rdtype == edit.rdtype
            and s.node.get("SetIdentifier") is None
        ]
        if same and same[0].values is not None and same[0].values.items:
            values = same[0].values
            return [
                jsondoc.append_items(
                    self.text,
                    values,
                    [self._value_item(values.items[-1], r) for r in edit.rdatas],
                )
            ]
        if self.batch:
            # An UPSERT replaces the live set whole, a CREATE fails where it
            # exists: a new change would delete what the batch never saw.
            raise Blocked(
                "a change batch lists changes: adding a set here would replace "
                "the live one (UPSERT)"
            )
        template = next(
            (
                s
                for s in self._sets
                if {k for k, _, _ in s.node.members}
                <= {"Name", "Type", "TTL", "ResourceRecords"}
                and s.values is not None
                and s.values.items
            ),
            None,
        )
        if template is None or self._array is None:
            raise CannotEdit("no plain record set in the file to write a new one like")
        text = self.text
        assert template.values is not None
        name, rtype, ttl = (template.node.get(k) for k in ("Name", "Type", "TTL"))
        assert name is not None
        assert rtype is not None
        assert ttl is not None
        first = template.values.items[0]
        items = [self._value_item(first, r) for r in edit.rdatas]
        sep = jsondoc.separator(text, template.values)
        inner = (template.values.start + 1, template.values.end - 1)
        lead = text[inner[0] : first.start]
        trail = text[template.values.items[-1].end : inner[1]]
        substitutions = {
            (name.start, name.end): string_like(
                text[name.start : name.end], edit.owner.to_text()
            ),
            (rtype.start, rtype.end): string_like(
                text[rtype.start : rtype.end], dns.rdatatype.to_text(edit.rdtype)
            ),
            (ttl.start, ttl.end): str(edit.ttl if edit.ttl is not None else ttl.value),
            inner: lead + sep.join(items) + trail,
        }
        rendered = jsondoc.render(text, template.node, substitutions)
        # A list is in Route 53's order: names with their labels reversed,
        # then types.
        key = _order(edit.owner, edit.rdtype)
        following = next(
            (s.node for s in self._sets if _order(s.owner, s.rdtype) > key), None
        )
        if following is not None:
            return [jsondoc.insert_before(text, self._array, following, [rendered])]
        return [jsondoc.append_items(text, self._array, [rendered])]

    def _value_item(self, template: Node, rdata: dns.rdata.Rdata) -> str:
        value = template.get("Value")
        assert value is not None
        written = string_like(self.text[value.start : value.end], presentation(rdata))
        return jsondoc.render(self.text, template, {(value.start, value.end): written})


def read(filename: str, data: bytes, settings: ReadSettings) -> Route53Document:
    return Route53Document(filename, data, settings)
