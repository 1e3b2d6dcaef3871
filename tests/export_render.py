"""A zone's records written as each provider's export, the way the
provider's tool writes them (for the equivalence of formats: the mail
scenarios of fixtures/scenarios/ in every format)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import dns.name
import dns.rdatatype

import zonefix
from zonefix.formats.alidns import MX_PRIORITIES, alidns_value, rr_of
from zonefix.formats.azure_json import KINDS
from zonefix.formats.export import presentation, txt_chunks
from zonefix.formats.gcloud import yaml_scalar

Record = zonefix.Record


class Unrepresentable(ValueError):
    """The zone holds a record the format cannot."""


def _sets(records: Sequence[Record]) -> list[list[Record]]:
    sets: dict[tuple[dns.name.Name, int], list[Record]] = {}
    for r in records:
        sets.setdefault((r.owner, r.rdtype), []).append(r)
    return list(sets.values())


def route53(records: Sequence[Record], origin: dns.name.Name) -> str:
    sets = [
        {
            "Name": s[0].owner.to_text(),
            "Type": dns.rdatatype.to_text(s[0].rdtype),
            "TTL": s[0].ttl,
            "ResourceRecords": [{"Value": presentation(r.rdata)} for r in s],
        }
        for s in _sets(records)
    ]
    return json.dumps({"ResourceRecordSets": sets}, indent=4) + "\n"


def gcloud(records: Sequence[Record], origin: dns.name.Name) -> str:
    out = []
    for s in _sets(records):
        out.append("---\nkind: dns#resourceRecordSet\n")
        out.append(f"name: {s[0].owner.to_text()}\nrrdatas:\n")
        for r in s:
            text = presentation(r.rdata)
            out.append(f"- {yaml_scalar('', text)}\n")
        out.append(f"ttl: {s[0].ttl}\ntype: {dns.rdatatype.to_text(s[0].rdtype)}\n")
    return "".join(out)


def _alidns_rows(
    records: Sequence[Record], origin: dns.name.Name
) -> list[dict[str, object]]:
    rows = []
    for n, r in enumerate(records):
        if r.rdtype == dns.rdatatype.SOA or (
            r.rdtype == dns.rdatatype.NS and r.owner == origin
        ):
            continue  # Alibaba serves these itself
        value, priority = alidns_value(r.rdata, dotted=False)
        if priority is not None and priority not in MX_PRIORITIES:
            raise Unrepresentable(
                f"Alibaba Cloud DNS takes MX priorities 1-50, not {priority} "
                f"({r.owner} MX {r.rdata})"
            )
        row: dict[str, object] = {
            "DomainName": origin.to_text(omit_final_dot=True),
            "RecordId": str(1000 + n),
            "RR": rr_of(r.owner, origin),
            "Type": dns.rdatatype.to_text(r.rdtype),
            "Value": value,
        }
        if priority is not None:
            row["Priority"] = priority
        row.update(
            {"TTL": r.ttl, "Line": "default", "Status": "ENABLE", "Locked": False}
        )
        rows.append(row)
    return rows


def alidns_json(records: Sequence[Record], origin: dns.name.Name) -> str:
    rows = _alidns_rows(records, origin)
    page = {
        "TotalCount": len(rows),
        "PageNumber": 1,
        "PageSize": 500,
        "DomainRecords": {"Record": rows},
    }
    return json.dumps(page, indent=2, ensure_ascii=False) + "\n"


def alidns_csv(records: Sequence[Record], origin: dns.name.Name) -> str:
    lines = ["记录类型,主机记录,解析线路,记录值,MX优先级,TTL值,状态,备注"]
    for row in _alidns_rows(records, origin):
        value = str(row["Value"])
        if any(c in value for c in ',"\r\n'):
            value = '"' + value.replace('"', '""') + '"'
        lines.append(
            f"{row['Type']},{row['RR']},默认,{value},{row.get('Priority', '')},"
            f"{row['TTL']},启用,"
        )
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def azure_json(records: Sequence[Record], origin: dns.name.Name) -> str:
    out = []
    for s in _sets(records):
        rtype = dns.rdatatype.to_text(s[0].rdtype)
        kind = KINDS[rtype]
        items: list[dict[str, object]] = []
        for r in s:
            if kind.fields is None:
                items.append({"value": txt_chunks(r.rdata)})
                continue
            words = presentation(r.rdata).split(" ", len(kind.fields) - 1)
            item: dict[str, object] = {}
            for field, word in zip(kind.fields, words, strict=True):
                item[field] = int(word) if word.isdigit() else word.rstrip(".")
            items.append(item)
        name = rr_of(s[0].owner, origin)
        out.append(
            {
                "TTL": s[0].ttl,
                "fqdn": s[0].owner.to_text(),
                "name": name,
                kind.key: items[0] if kind.single else items,
                "type": f"Microsoft.Network/dnszones/{rtype}",
            }
        )
    return json.dumps(out, indent=2) + "\n"


def cloudflare(records: Sequence[Record], origin: dns.name.Name) -> str:
    """Cloudflare's export: its header, then FQDN owners, tab-separated,
    grouped by type under ';;' section headers."""
    out = [
        f";; Domain:     {origin.to_text()}\n",
        ";; Exported:   2026-11-22 00:00:00\n",
    ]
    by_type: dict[dns.rdatatype.RdataType, list[Record]] = {}
    for r in records:
        by_type.setdefault(r.rdtype, []).append(r)
    for rdtype, group in by_type.items():
        out.append(f"\n;; {dns.rdatatype.to_text(rdtype)} Records\n")
        for r in group:
            rtype = dns.rdatatype.to_text(r.rdtype)
            out.append(
                f"{r.owner.to_text()}\t{r.ttl}\tIN\t{rtype}\t{presentation(r.rdata)}\n"
            )
    return "".join(out)


def azure_zone(records: Sequence[Record], origin: dns.name.Name) -> str:
    """az network dns zone export: a record set's later lines leave the
    owner blank (as wide as the name), each line with its TTL."""
    out = [
        "\n; Exported zone file from Azure DNS\n",
        f";      Zone name: {origin.to_text(omit_final_dot=True)}\n",
        ";      Resource Group Name: rg-dns\n",
        ";      Date and time (UTC): Sun, 22 Nov 2026 00:00:00 GMT\n\n",
        f"$TTL 300\n$ORIGIN {origin.to_text()}\n    \n",
    ]
    by_owner: dict[dns.name.Name, list[Record]] = {}
    for r in records:
        by_owner.setdefault(r.owner, []).append(r)
    for owner, group in by_owner.items():
        name = rr_of(owner, origin)
        for n, r in enumerate(
            sorted(group, key=lambda r: r.rdtype != dns.rdatatype.SOA)
        ):
            shown = name if n == 0 else " " * len(name)
            rtype = dns.rdatatype.to_text(r.rdtype)
            out.append(f"{shown} {r.ttl} IN {rtype} {presentation(r.rdata)}\n")
        out.append("\n")
    return "".join(out)


#: format -> (the file's name for a zone, the writer); BIND dialects are
#: read by the BIND reader, so named as zone files.
RENDERERS: dict[str, tuple[str, Callable[[Sequence[Record], dns.name.Name], str]]] = {
    "route53": ("{}.json", route53),
    "gcloud": ("{}.yaml", gcloud),
    "alidns-json": ("{}.json", alidns_json),
    "alidns-csv": ("{}.csv", alidns_csv),
    "azure-json": ("{}.json", azure_json),
    "cloudflare": ("db.{}", cloudflare),
    "azure-zone": ("db.{}", azure_zone),
}
