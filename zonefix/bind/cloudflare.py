"""What Cloudflare's BIND export says beyond BIND (the rules' view of it).

Cloudflare writes its zone as a BIND file with a ``;; Domain:`` header
(``zone.cloudflare_domain`` recognises it), and puts in it what BIND cannot
say: TTL ``1`` for "automatic", the proxy state in a trailing comment
(``; cf_tags=cf-proxied:true``), and, in older exports, placeholders where
the zone's name servers and SOA go (Cloudflare serves its own).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from zonefix import rrtypes
from zonefix.bind.syntax.nodes import TokenKind

if TYPE_CHECKING:
    import dns.name
    import dns.rdatatype

    from zonefix.zone import Zone

# The tags of a record: "cf_tags=" then comma-separated name:value pairs,
# after the user's own comment in the same ";" comment. (PERF: compiled, and
# cached by re, on first use: most zones are no Cloudflare export.)
_PROXIED = r"cf_tags=(?:[^\s,]+,)*cf-proxied:true\b"


def is_export(zone: Zone) -> bool:
    return zone.dialect == "cloudflare"


def _comments(zone: Zone, index: int) -> str:
    tree = zone.document_of(index).tree
    entry = zone.table.entry[index]
    start, end = tree.span(entry)
    if ";" not in tree.text[start:end]:
        return ""
    return " ".join(
        tree.text[t.start : t.end]
        for t in tree.tokens(entry)
        if t.kind is TokenKind.COMMENT
    )


def proxied_records(zone: Zone) -> list[int]:
    """The records Cloudflare's export marks proxied (``cf-proxied:true``),
    by number: what the rules read as their ``cloudflare_proxied`` extra."""
    if "cf-proxied:true" not in zone.source.text:
        return []
    return [i for i in range(len(zone.table)) if proxied(zone, i)]


def proxied(zone: Zone, index: int) -> bool:
    """Record *index* is proxied by Cloudflare (``cf-proxied:true``)."""
    return is_export(zone) and bool(re.search(_PROXIED, _comments(zone, index)))


def placeholder_soa(zone: Zone, index: int) -> bool:
    """SOA record *index* is the one older Cloudflare exports write in
    place of the zone's own: the domain as its primary server and
    ``root.<domain>`` as its contact."""
    origin = zone.origin
    if not is_export(zone) or origin is None:
        return False
    rdata = zone.records[index].rdata
    if rdata.rdtype != rrtypes.SOA:
        return False
    import dns.name

    mname: dns.name.Name = rdata.mname  # type: ignore[attr-defined]
    rname: dns.name.Name = rdata.rname  # type: ignore[attr-defined]
    root = dns.name.Name((b"root",)).concatenate(origin)
    return bool(mname == origin and rname == root)
