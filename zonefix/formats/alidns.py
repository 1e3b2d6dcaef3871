"""Alibaba Cloud DNS (Alidns) records, as both of its files write them.

A record is a row: ``RR`` relative to the domain (``@`` the apex, ``*`` a
wildcard), ``Type``, ``Value`` (targets without the final dot, TXT without
quotes), ``Priority`` for MX (1-50), ``TTL``, ``Line`` (split horizon:
``default`` / 默认 unless the record answers one network only), ``Status``
(Enable / Disable: a paused record is not served) and ``Locked`` (a locked
record cannot be changed, so zonefix never edits it).

The record's identity includes its Line: the same name and type on two
lines are two answers, not duplicates. ``REDIRECT_URL`` and ``FORWARD_URL``
are Alibaba's URL forwarding, not DNS records: kept aside.
"""

from __future__ import annotations

import dns.name
import dns.rdata
import dns.rdatatype
import dns.rdtypes.mxbase

from zonefix.formats.export import txt_chunks, txt_rdata

#: The smallest TTL of Alidns's Free and Personal editions; Enterprise
#: editions allow less (Standard 60, Ultimate 1): set ``min_ttl``.
DEFAULT_MIN_TTL = 600
#: MX priorities Alidns accepts.
MX_PRIORITIES = range(1, 51)
#: Alibaba's URL forwarding "types": answered by Alibaba's web servers.
URL_TYPES = {"REDIRECT_URL", "FORWARD_URL"}
#: The console's name of the default line.
DEFAULT_LINES = {"default", "默认"}
_PAUSED = {"disable", "暂停", "paused"}


def owner_of(rr: str, origin: dns.name.Name) -> dns.name.Name:
    """The owner an ``RR`` (host record) names under *origin*."""
    rr = rr.strip()
    if rr in ("@", ""):
        return origin
    return dns.name.from_text(rr, origin)


def rr_of(owner: dns.name.Name, origin: dns.name.Name) -> str:
    """The ``RR`` Alibaba writes for *owner*."""
    if owner == origin:
        return "@"
    return owner.relativize(origin).to_text()


def value_text(
    rdtype: dns.rdatatype.RdataType, value: str, priority: str | None
) -> str:
    """An Alidns value as presentation-form text for dnspython."""
    if rdtype in (dns.rdatatype.TXT, dns.rdatatype.SPF):
        return txt_rdata(rdtype, value).to_text()
    if rdtype == dns.rdatatype.MX:
        return f"{priority} {value}"
    return value


def alidns_value(rdata: dns.rdata.Rdata, dotted: bool) -> tuple[str, int | None]:
    """(Value, Priority) Alibaba writes for *rdata*; targets without the
    final dot unless the file writes them with it (*dotted*)."""
    if rdata.rdtype in (dns.rdatatype.TXT, dns.rdatatype.SPF):
        return "".join(txt_chunks(rdata)), None
    if isinstance(rdata, dns.rdtypes.mxbase.MXBase):
        return _target(rdata.exchange, dotted), rdata.preference
    text = rdata.to_text(origin=None, relativize=False)
    if rdata.rdtype in (dns.rdatatype.CNAME, dns.rdatatype.NS, dns.rdatatype.PTR):
        return (text if dotted else text.rstrip(".")), None
    return text, None


def _target(name: dns.name.Name, dotted: bool) -> str:
    text = name.to_text()
    return text if dotted else text.rstrip(".")


def paused(status: object) -> bool:
    return str(status).strip().lower() in _PAUSED


def origin_from_filename(filename: str) -> dns.name.Name | None:
    """The domain an export's file name gives (``example.net.csv``)."""
    from pathlib import Path

    from zonefix.zone import origin_from_filename as zone_origin

    stem = Path(filename).name
    for suffix in (".json", ".csv"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return zone_origin(stem)
