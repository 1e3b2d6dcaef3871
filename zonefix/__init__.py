"""zonefix: a linter and fixer for DNS zone files kept in git.

The library API (SPEC §9)::

    import zonefix
    zone = zonefix.parse_file("db.example.net")
    assert zone.to_text() == open("db.example.net").read()
    for rec in zone.records:
        rec.owner, rec.ttl, rec.rdclass, rec.rdtype, rec.rdata, rec.line, rec.column
    findings = zonefix.check(zone)
"""

from __future__ import annotations

from zonefix.diagnostics import Diagnostic, Severity
from zonefix.semantic import Limits
from zonefix.zone import Record, Zone, ZoneFileError, parse_file, parse_text

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "Limits",
    "Record",
    "Severity",
    "Zone",
    "ZoneFileError",
    "__version__",
    "check",
    "parse_file",
    "parse_text",
]


def check(zone: Zone, config: object | None = None) -> list[Diagnostic]:
    """The findings for *zone*, in file order.

    These are the ZF0 findings of reading the zone (syntax, rdata, origin,
    $INCLUDE, $GENERATE); rule families add theirs here as they arrive.
    """
    return zone.diagnostics
