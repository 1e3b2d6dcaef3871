"""IP address texts (zonefix/addresses.py) read as ipaddress reads them:
the usual IPv4 address is told without importing ipaddress, and every
other text is ipaddress's to judge."""

from __future__ import annotations

import ipaddress
import itertools

from hypothesis import given
from hypothesis import strategies as st

from zonefix.addresses import address_version, is_address, may_be_address


def _ipaddress_version(text: str) -> int | None:
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None


# Octets where a quick check could differ from ipaddress: leading zeros,
# past 255, signs, blanks, other digits, empty.
OCTETS = [
    "0",
    "00",
    "01",
    "9",
    "10",
    "099",
    "255",
    "256",
    "1000",
    "+1",
    " 1",
    "",
    "\u0661",
]


def test_every_dotted_quad_of_odd_octets_is_ipaddress_verdict() -> None:
    for octets in itertools.product(OCTETS, repeat=4):
        text = ".".join(octets)
        assert address_version(text) == _ipaddress_version(text), text


def test_too_few_or_many_octets_are_no_address() -> None:
    for count in (1, 2, 3, 5, 6):
        for octets in itertools.product(["0", "1", "255", "01"], repeat=count):
            text = ".".join(octets)
            assert address_version(text) == _ipaddress_version(text) is None, text


@given(st.text(alphabet="0123456789abcdefABCDEF.:%/ -x", max_size=45))
def test_any_text_is_ipaddress_verdict(text: str) -> None:
    assert address_version(text) == _ipaddress_version(text)
    assert is_address(text) == (_ipaddress_version(text) is not None)
    if is_address(text):
        assert may_be_address(text)


@given(st.ip_addresses())
def test_every_address_is_read(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    assert address_version(str(address)) == address.version
    assert address_version(address.exploded) == address.version
