"""IP addresses written as text: whether a text is one, and of which
version, as the standard library's ipaddress reads it.

PERF: ipaddress (with what it imports) costs a fiftieth of a small zone's
lint, and the usual SPF record's ``ip4:`` term asked for it; the usual IPv4
address (four decimal bytes, no leading zeros) is told without it.
tests/test_addresses.py holds address_version to ipaddress.
"""

from __future__ import annotations

#: The decimal bytes as an IPv4 address writes them (no leading zeros).
DECIMAL_BYTES = frozenset(str(byte) for byte in range(256))


def may_be_address(text: str) -> bool:
    """False where *text* cannot be an IP address (PERF: ipaddress raises
    for a name, slowly): an IPv4 address starts with a digit, an IPv6 one
    holds a colon."""
    return ":" in text or text[:1].isdigit()


def address_version(text: str) -> int | None:
    """4 or 6 where *text* is an IP address, as ``ipaddress.ip_address``
    reads it (an IPv6 address may name a scope: ``fe80::1%eth0``); else
    None."""
    if DECIMAL_BYTES.issuperset(parts := text.split(".")) and len(parts) == 4:
        return 4
    if not may_be_address(text):
        return None
    import ipaddress

    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None


def is_address(text: str) -> bool:
    """Whether *text* is an IPv4 or IPv6 address (address_version)."""
    return address_version(text) is not None
