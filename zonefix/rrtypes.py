"""dnspython's numbers and names for the record types (and the class) the
rules name, without importing dnspython.

PERF: a zone whose records all take the fast path is read and linted
without dnspython (start-up time counts in a pre-commit hook), so the rules
compare types with these ints rather than ``dns.rdatatype``'s. The table is
held to dnspython's by tests/test_cold_start.py.
"""

from __future__ import annotations

from zonefix.bind.fastpath import AAAA, CAA, CNAME, MX, NS, PTR, SOA, SPF, SRV, TXT, A

DNAME = 39
DS = 43
RRSIG = 46
NSEC = 47

#: The class IN.
IN = 1

#: The name dnspython gives each of these types (``dns.rdatatype.to_text``).
NAMES = {
    A: "A",
    NS: "NS",
    CNAME: "CNAME",
    SOA: "SOA",
    PTR: "PTR",
    MX: "MX",
    TXT: "TXT",
    AAAA: "AAAA",
    SRV: "SRV",
    SPF: "SPF",
    CAA: "CAA",
    DNAME: "DNAME",
    DS: "DS",
    RRSIG: "RRSIG",
    NSEC: "NSEC",
}
#: The type each of those names means (``dns.rdatatype.from_text`` of it,
#: upper-cased as dnspython upper-cases it).
BY_NAME = {name: value for value, name in NAMES.items()}

__all__ = [
    "AAAA",
    "BY_NAME",
    "CAA",
    "CNAME",
    "DNAME",
    "DS",
    "IN",
    "MX",
    "NAMES",
    "NS",
    "NSEC",
    "PTR",
    "RRSIG",
    "SOA",
    "SPF",
    "SRV",
    "TXT",
    "A",
    "type_text",
]


def type_text(rdtype: int) -> str:
    """The name dnspython gives type *rdtype* (TYPE65280 where it has none)."""
    name = NAMES.get(rdtype)
    if name is not None:
        return name
    import dns.rdatatype

    return dns.rdatatype.to_text(dns.rdatatype.RdataType.make(rdtype))
