"""A zone file's bytes as text, and back.

Zone files are bytes. They are read as UTF-8 with ``surrogateescape``, so a
Latin-1 comment or a raw byte inside a TXT string survives the round trip to
text and back unchanged. A UTF-8 byte order mark is kept aside and written
back. Only a file that is not text at all (a NUL byte, or mostly control
bytes: a compressed or binary file) is refused.
"""

from __future__ import annotations

from typing import NamedTuple

BOM = "\ufeff"
_BINARY_SAMPLE = 8192
# Control bytes that never appear in a text file (tab, LF, VT, FF and CR do).
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13)) + b"\x7f"


class SourceFile(NamedTuple):
    """What was read: the text, and how to write it back as the same bytes."""

    #: The name findings are reported under (a path, or --stdin-filename).
    name: str
    #: The decoded text, without the BOM.
    text: str
    #: The file started with a UTF-8 byte order mark.
    bom: bool = False
    #: The bytes of a file that is not text, kept as they are and never parsed.
    raw: bytes | None = None

    @property
    def newline(self) -> str:
        """The file's line ending: CRLF when most lines end that way."""
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.text.count("\n") else "\n"

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
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotTextError(nul, "the file is not text: it holds a NUL byte")
    sample = data[:_BINARY_SAMPLE]
    if sample and len(sample.translate(None, _CONTROL_BYTES)) < len(sample) * 0.9:
        raise NotTextError(0, "the file is not text: it is mostly control bytes")
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3 if bom else 0 :].decode("utf-8", "surrogateescape")
    return SourceFile(name=name, text=text, bom=bom)


def printable(text: str) -> str:
    """*text* safe to print: undecodable bytes shown as \\xNN escapes."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
