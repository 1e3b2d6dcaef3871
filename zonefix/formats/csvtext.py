"""CSV read with the place of every field (RFC 4180, as spreadsheets write).

``csv`` gives the fields of a row, not where they are; a fix must rewrite
one field and leave every other byte (quoting, line ends) as it was. A
field is quoted when it starts with ``"``; inside, ``""`` is a quote. Rows
end at CRLF or LF outside quotes.
"""

from __future__ import annotations

from typing import NamedTuple


class Field(NamedTuple):
    value: str
    start: int
    end: int
    quoted: bool


class Row(NamedTuple):
    fields: list[Field]
    #: The row's text, and where its line break ends (the next row starts).
    start: int
    end: int
    next: int


class CsvError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def rows(text: str, delimiter: str = ",") -> list[Row]:
    """Every row of *text*; blank lines are skipped. Raises CsvError for a
    quoted field that is never closed or has text after its closing quote."""
    out: list[Row] = []
    at = 0
    size = len(text)
    while at < size:
        if text[at] in "\r\n":
            at += 2 if text.startswith("\r\n", at) else 1
            continue
        start = at
        fields: list[Field] = []
        while True:
            if at < size and text[at] == '"':
                close = at + 1
                while True:
                    close = text.find('"', close)
                    if close == -1:
                        raise CsvError("a quoted field is never closed", at)
                    if text.startswith('""', close):
                        close += 2
                        continue
                    break
                value = text[at + 1 : close].replace('""', '"')
                fields.append(Field(value, at, close + 1, True))
                at = close + 1
                if at < size and text[at] not in delimiter + "\r\n":
                    raise CsvError("text after a quoted field's closing quote", at)
            else:
                end = at
                while end < size and text[end] not in delimiter + "\r\n":
                    end += 1
                fields.append(Field(text[at:end], at, end, False))
                at = end
            if at < size and text[at] == delimiter:
                at += 1
                continue
            break
        end = at
        if text.startswith("\r\n", at):
            at += 2
        elif at < size:
            at += 1
        out.append(Row(fields, start, end, at))
    return out


def field_like(original: Field, value: str, delimiter: str = ",") -> str:
    """*value* as a CSV field written like *original*: quoted where it was,
    or where the value needs it."""
    if original.quoted or any(c in value for c in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value
