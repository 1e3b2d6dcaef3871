"""A zone file's bytes as text, and back.

Zone files are bytes. They are read as UTF-8 with ``surrogateescape``, so a
Latin-1 comment or a raw byte inside a TXT string survives the round trip to
text and back unchanged. A UTF-8 byte order mark is kept aside and written
back. Only a file that is not text at all (a NUL byte, or mostly control
bytes: a compressed or binary file) is refused.
"""

from __future__ import annotations

import re

from zonefix.plain import Plain

BOM = "\ufeff"
_BINARY_SAMPLE = 8192
# Control bytes that never appear in a text file (tab, LF, VT, FF and CR do).
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13)) + b"\x7f"


class SourceFile(Plain):
    """What was read: the text, and how to write it back as the same bytes."""

    _fields = ("name", "text", "bom", "raw")
    __slots__ = (*_fields, "_newline")
    #: The name findings are reported under (a path, or --stdin-filename).
    name: str
    #: The decoded text, without the BOM.
    text: str
    #: The file started with a UTF-8 byte order mark.
    bom: bool
    #: The bytes of a file that is not text, kept as they are and never parsed.
    raw: bytes | None

    def __init__(
        self, name: str, text: str, bom: bool = False, raw: bytes | None = None
    ) -> None:
        self.name = name
        self.text = text
        self.bom = bom
        self.raw = raw
        self._newline: str | None = None

    @property
    def newline(self) -> str:
        """The file's line ending: CRLF when most lines end that way. (Counted
        once: a fix inserting records asks it for each, thousands on a big
        zone, where counting each time grew with fixes x text.)"""
        if self._newline is None:
            crlf = self.text.count("\r\n")
            lf = self.text.count("\n")
            self._newline = "\r\n" if crlf and crlf * 2 >= lf else "\n"
        return self._newline

    def encode(self, text: str | None = None) -> bytes:
        """*text* (default: the file's own) as bytes, as the file writes it."""
        if self.raw is not None and text is None:
            return self.raw
        body = (self.text if text is None else text).encode("utf-8", "surrogateescape")
        return b"\xef\xbb\xbf" + body if self.bom else body


class NotTextError(ValueError):
    """The bytes are not a text file."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        #: Byte offset of the first offending byte.
        self.offset = offset
        self.reason = reason


def decode(name: str, data: bytes) -> SourceFile:
    """Decode a zone file's bytes; raise NotTextError for a binary file."""
    utf16 = _utf16(data)
    if utf16 is not None:
        raise NotTextError(
            0,
            f"the file is {utf16} text; zonefix reads zone files as UTF-8 (as BIND "
            f"reads bytes): convert it, e.g. iconv -f {utf16} -t UTF-8",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotTextError(nul, "the file is not text: it holds a NUL byte")
    sample = data[:_BINARY_SAMPLE]
    if sample and len(sample.translate(None, _CONTROL_BYTES)) < len(sample) * 0.9:
        raise NotTextError(0, "the file is not text: it is mostly control bytes")
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3 if bom else 0 :].decode("utf-8", "surrogateescape")
    return SourceFile(name=name, text=text, bom=bom)


def _utf16(data: bytes) -> str | None:
    """The name of the UTF-16 encoding *data* is in, if it is: a UTF-16
    byte order mark, or ASCII text with a NUL beside every character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and len(data) % 2 == 0:
        return "UTF-16LE" if data[0] == 0xFF else "UTF-16BE"
    sample = data[:_BINARY_SAMPLE]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= len(odd) * 0.9 and even.count(0) == 0:
        return "UTF-16LE"
    if even.count(0) >= len(even) * 0.9 and odd.count(0) == 0:
        return "UTF-16BE"
    return None


def printable(text: str) -> str:
    """*text* safe to print: undecodable bytes shown as \\xNN escapes."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# What must never reach a terminal raw: C0 and C1 controls (ESC starts the
# sequences that move the cursor or retitle the window), DEL, line and
# paragraph separators, and the marks that reorder text on screen.
_UNSAFE = (
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    r"\u202a-\u202e\u2066-\u2069\ufeff]"
)


# The printable characters of ASCII: space to "~".
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def shown(text: str) -> str:
    """*text* as zonefix prints it, in any format: undecodable bytes as
    \\xNN, and controls (an escape sequence in a comment, a tab or a line
    break in a quoted string) as DNS writes them, \\DDD per byte: \\027[."""
    text = printable(text)
    if text.isascii():
        # PERF: printable ASCII told by deleting it at C speed (a few times
        # quicker than isprintable: a zone may have thousands of findings).
        if not text.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return text
    elif text.isprintable():
        return text
    return re.sub(
        _UNSAFE, lambda m: "".join(f"\\{b:03d}" for b in m.group().encode()), text
    )
