"""DKIM key records (RFC 6376 §3.6.1) at ``<selector>._domainkey``."""

from __future__ import annotations

import binascii
import re
from functools import cache
from typing import Literal

from zonefix.mail.dmarc import parse_tags

_KEY_TYPES = ("rsa", "ed25519")
MIN_RSA_BITS = 1024
# A tag's name (RFC 6376 §3.2): a pattern, compiled on first use (PERF: the
# usual key record's tags are not parsed).
_TAG_NAME = r"[A-Za-z][A-Za-z0-9_]*\Z"


def dkim_problems(text: str) -> list[str]:
    """What makes *text* not a usable DKIM key record (RFC 6376 §3.6.1, RFC
    8301, RFC 8463). Unknown tags are ignored, as verifiers ignore them."""
    # PERF: the usual record's key decoded at once, not first matched by
    # _USUAL_KEY (a step of the pattern for each of its characters): a
    # strict a2b_base64 takes only base64 letters and their padding, all
    # the pattern's p= allows. Where it refuses, the pattern tells whether
    # the record is the usual one.
    if text.startswith(_USUAL_RSA):
        key_type, p = "rsa", text[len(_USUAL_RSA) :]
    elif text.startswith(_USUAL_ED25519):
        key_type, p = "ed25519", text[len(_USUAL_ED25519) :]
    else:
        key_type = ""
    if key_type:
        try:
            der = binascii.a2b_base64(p, strict_mode=True)
        except ValueError:  # binascii.Error, or a non-ASCII character
            pass
        else:
            found: list[str] = []
            if p:
                _der_problems(key_type, der, found)
            return found
    usual = _USUAL_KEY.fullmatch(text)
    if usual is not None:
        # PERF: the usual record's tags are known good; only its key is
        # read (the tags are not parsed), decoded as b64decode(validate=True)
        # decodes it (a strict a2b_base64: padding and what follows it
        # checked) without its calls, its blanks known to be none.
        problems: list[str] = []
        key_type, p = usual.groups()
        if p:
            try:
                der = binascii.a2b_base64(p, strict_mode=True)
            except binascii.Error:
                return ["'p=' is not base64"]
            _der_problems(key_type, der, problems)
        return problems
    return parsed_problems(text)


def parsed_problems(text: str) -> list[str]:
    """dkim_problems, every record's tags parsed."""
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] == stripped[-1] == '"':
        return [
            "the record's text is wrapped in quote characters, which verifiers "
            "read as part of its first tag and its key"
        ]
    tags = parse_tags(text)
    if not any(t.has_value for t in tags):
        return ["not a key record: no tag=value list (RFC 6376 §3.6.1)"]
    problems = []
    for tag in tags:
        if not tag.has_value:
            problems.append(f"'{tag.name}' is not a tag=value pair")
        elif not re.match(_TAG_NAME, tag.name):
            problems.append(f"'{tag.name}' is not a tag name")
    tags = [t for t in tags if t.has_value]
    names = [t.name for t in tags]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"tag '{name}' appears more than once")
    values = {t.name: t.value for t in tags}
    if "v" in values and (names[0] != "v" or values["v"] != "DKIM1"):
        problems.append("'v=' must be 'v=DKIM1' and come first")
    key_type = values.get("k", "rsa")
    if key_type not in _KEY_TYPES:
        problems.append(f"unknown key type 'k={key_type}' (rsa or ed25519)")
    if "h" in values:
        hashes = {h.strip() for h in values["h"].split(":")}
        if not hashes & {"sha1", "sha256"}:
            problems.append(f"no hash algorithm verifiers know in 'h={values['h']}'")
        elif "sha256" not in hashes:
            problems.append(
                f"'h={values['h']}' allows only SHA-1, which verifiers must not "
                f"accept (RFC 8301 §3.1)"
            )
    if "p" not in values:
        problems.append("no 'p=' public key")
        return problems
    _key_problems(key_type, values["p"], problems)
    return problems


# The usual key record: v=DKIM1, a known k=, a p= of base64 letters, each
# once, "; " between (PERF: dkim_problems reads only its key); and what
# comes before its key, for each type.
_USUAL_KEY = re.compile(r"v=DKIM1; k=(rsa|ed25519); p=([A-Za-z0-9+/]*={0,2})")
_USUAL_RSA = "v=DKIM1; k=rsa; p="
_USUAL_ED25519 = "v=DKIM1; k=ed25519; p="


def _key_problems(key_type: str, value: str, problems: list[str]) -> None:
    """What is wrong with the key *value* (p=) of type *key_type*, added to
    *problems*."""
    # Blanks and line breaks dropped (PERF: str.split's whitespace is re's
    # \s, a test holds it; no pattern to look up).
    p = "".join(value.split())
    if not p:
        return  # an empty p= is a revoked key (RFC 6376 §3.6.1)
    # PERF: imported for an unusual key record only (dkim_problems decodes
    # the usual one's key with binascii).
    import base64

    try:
        der = base64.b64decode(p, validate=True)
    except (binascii.Error, ValueError):
        problems.append("'p=' is not base64")
        return
    _der_problems(key_type, der, problems)


def _der_problems(key_type: str, der: bytes, problems: list[str]) -> None:
    """What is wrong with the decoded key *der* of type *key_type*."""
    if key_type == "rsa":
        bits = rsa_key_bits(der)
        if bits is None:
            problems.append("'p=' is not an RSA public key")
        elif bits < MIN_RSA_BITS:
            problems.append(f"RSA key of {bits} bits, under {MIN_RSA_BITS}")
    elif key_type == "ed25519" and len(der) != 32:
        problems.append("an ed25519 'p=' must be 32 bytes")


def rsa_key_bits(der: bytes) -> int | None:
    """The modulus size of an RSA public key: DER SubjectPublicKeyInfo (what
    DKIM publishes) or a bare RSAPublicKey; None when it is neither."""
    usual = _usual_spki().match(der)
    if usual is not None:
        # PERF: the usual key (rsaEncryption, every length in two bytes)
        # read by one match, as parsed_rsa_key_bits reads it, where every
        # length it checks fits.
        outer, wrapped, body, size = map(int.from_bytes, usual.groups(), _BIG)
        if 4 + outer > len(der):
            return None  # cut short: parsed_rsa_key_bits's first check
        if (
            23 + wrapped <= len(der)
            # The BIT STRING's contents, its first byte left out, hold the
            # RSAPublicKey: its SEQUENCE and then the modulus INTEGER.
            and 4 + body <= wrapped - 1
            and 8 + size <= wrapped - 1
        ):
            modulus = der[32 : 32 + size].lstrip(b"\0")
            return len(modulus) * 8 - (8 - modulus[0].bit_length()) if modulus else None
    return parsed_rsa_key_bits(der)


# int.from_bytes's byte order for each of the four lengths.
_BIG: tuple[Literal["big"], ...] = ("big",) * 4


@cache
def _usual_spki() -> re.Pattern[bytes]:
    """A SubjectPublicKeyInfo of rsaEncryption (NULL parameters) to the
    modulus's INTEGER, each length written in two bytes (0x82): the outer
    SEQUENCE's, the BIT STRING's (whose unused-bits byte is 0), the
    RSAPublicKey SEQUENCE's and the modulus's. Compiled on first use."""
    return re.compile(
        rb"\x30\x82(..)\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00"
        rb"\x03\x82(..)\x00\x30\x82(..)\x02\x82(..)",
        re.DOTALL,
    )


def parsed_rsa_key_bits(der: bytes) -> int | None:
    """rsa_key_bits, the DER parsed element by element."""
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
            return parsed_rsa_key_bits(inner)
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
