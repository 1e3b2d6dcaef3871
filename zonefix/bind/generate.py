"""BIND's $GENERATE substitution: ``$`` and ``${offset,width,base}``.

dnspython implements the same substitution only privately
(``dns.zonefile._generate_text``), so zonefix keeps its own, checked against
BIND's own test zones (tests/test_semantics.py, the corpus oracle).
"""

from __future__ import annotations

import re

# BIND formats a substitution into a 128-byte buffer, so a wider field is an
# error there rather than a way to make a huge string from a short line.
MAX_WIDTH = 127
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
# A pattern string, not a compiled one: re compiles it on first use.
_MODIFIER = r"\{([+-]?\d+)(?:,(\d+)(?:,([doxXnN]))?)?\}"


class GenerateError(ValueError):
    """A $GENERATE template that BIND would refuse."""


def substitute(template: str, counter: int) -> str:
    """*template* with each ``$`` replaced by *counter*, as BIND does.

    ``$$`` is a literal ``$``; a backslash escape (``\\$``) is copied as it is,
    for the name or rdata parser to read.
    """
    out: list[str] = []
    i = 0
    length = len(template)
    while i < length:
        char = template[i]
        if char == "\\":
            out.append(template[i : i + 2])
            i += 2
        elif char != "$":
            out.append(char)
            i += 1
        elif template.startswith("$", i + 1):
            out.append("$")
            i += 2
        else:
            i += 1
            offset, width, base = 0, 0, "d"
            if template.startswith("{", i):
                match = re.compile(_MODIFIER).match(template, i)
                if match is None:
                    raise GenerateError(f"bad modifier in '{template}'")
                offset = int(match.group(1))
                if match.group(2) is not None:
                    width = int(match.group(2))
                    if width > MAX_WIDTH:
                        raise GenerateError(f"width {width} is over {MAX_WIDTH}")
                base = match.group(3) or "d"
                i = match.end()
            value = counter + offset
            if not _INT_MIN <= value <= _INT_MAX:
                # BIND computes in a C int and refuses what overflows it.
                raise GenerateError(f"value {value} is out of range")
            out.append(_format(value, width, base))
    return "".join(out)


def _format(value: int, width: int, base: str) -> str:
    if base != "d" and value < 0:
        # BIND prints a C int through an unsigned format: two's complement.
        value &= 0xFFFFFFFF
    if base not in "nN":
        return format(value, base).zfill(width)
    # Nibbles, least significant first, dot-separated, padded to *width*
    # characters (for reverse IPv6 names).
    digits = "0123456789ABCDEF" if base == "N" else "0123456789abcdef"
    text = ""
    while True:
        text += digits[value & 0xF]
        value >>= 4
        if width > 0:
            width -= 1
        if width > 0 or value != 0:
            text += "."
            if width > 0:
                width -= 1
        if value == 0 and width == 0:
            return text
