"""DKIM key records (RFC 6376 §3.6.1) at ``<selector>._domainkey``."""

from __future__ import annotations

import base64
import binascii
import re

from zonefix.mail.dmarc import parse_tags

_KEY_TYPES = ("rsa", "ed25519")
MIN_RSA_BITS = 1024


def dkim_problems(text: str) -> list[str]:
    """What makes *text* not a usable DKIM key record."""
    tags = parse_tags(text)
    problems = []
    names = [t.name for t in tags]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(f"tag '{name}' appears more than once")
    values = {t.name: t.value for t in tags}
    if "v" in values and (names[0] != "v" or values["v"] != "DKIM1"):
        problems.append("'v=' must be 'v=DKIM1' and come first")
    key_type = values.get("k", "rsa")
    if key_type not in _KEY_TYPES:
        problems.append(f"unknown key type 'k={key_type}' (rsa or ed25519)")
    if "p" not in values:
        problems.append("no 'p=' public key")
        return problems
    p = re.sub(r"\s", "", values["p"])
    if not p:
        return problems  # an empty p= is a revoked key (RFC 6376 §3.6.1)
    try:
        der = base64.b64decode(p, validate=True)
    except (binascii.Error, ValueError):
        problems.append("'p=' is not base64")
        return problems
    if key_type == "rsa":
        bits = rsa_key_bits(der)
        if bits is None:
            problems.append("'p=' is not an RSA public key")
        elif bits < MIN_RSA_BITS:
            problems.append(f"RSA key of {bits} bits, under {MIN_RSA_BITS}")
    elif key_type == "ed25519" and len(der) != 32:
        problems.append("an ed25519 'p=' must be 32 bytes")
    for h in values.get("h", "sha256").split(":"):
        if h.strip() not in ("sha1", "sha256"):
            problems.append(f"unknown hash 'h={values['h']}'")
            break
    return problems


def rsa_key_bits(der: bytes) -> int | None:
    """The modulus size of an RSA public key: DER SubjectPublicKeyInfo (what
    DKIM publishes) or a bare RSAPublicKey; None when it is neither."""
    try:
        tag, body, _ = _der(der, 0)
        if tag != 0x30:
            return None
        tag, first, after = _der(der, body[0])
        if tag == 0x30:
            # SubjectPublicKeyInfo: algorithm, then a BIT STRING holding
            # the RSAPublicKey.
            tag, bits, _ = _der(der, after)
            if tag != 0x03:
                return None
            inner = der[bits[0] + 1 : bits[1]]
            return rsa_key_bits(inner)
        if tag != 0x02:
            return None
        modulus = der[first[0] : first[1]].lstrip(b"\0")
        return len(modulus) * 8 - (8 - modulus[0].bit_length()) if modulus else None
    except IndexError:
        return None


def _der(data: bytes, at: int) -> tuple[int, tuple[int, int], int]:
    """Tag, (start, end) of the contents, and the offset after them."""
    tag = data[at]
    length = data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[at : at + count], "big")
        at += count
    if at + length > len(data):
        raise IndexError("truncated")
    return tag, (at, at + length), at + length
