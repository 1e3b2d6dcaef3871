"""Rewriting one field in place (edits.replace_field): what follows keeps
its column where the line pads fields with spaces to align them."""

from __future__ import annotations

import pytest

from zonefix.bind.edits import replace_field
from zonefix.bind.syntax.nodes import fields_between


def rewrite(line: str, at: int, new: str) -> str:
    field = fields_between(line, 0, len(line))[at]
    edit = replace_field(line, field, new)
    return line[: edit.start] + edit.text + line[edit.end :]


@pytest.mark.parametrize(
    ("line", "at", "new", "expected"),
    [
        # Aligned with spaces: the padding takes up the change.
        ("@       IN  TXT  x\n", 0, "_dmarc", "_dmarc  IN  TXT  x\n"),
        ("mx.example     ; c\n", 0, "mx.example.", "mx.example.    ; c\n"),
        (
            "mail.mxhichina.com.    ; c\n",
            0,
            "qiye.aliyun.com.",
            "qiye.aliyun.com.       ; c\n",
        ),
        # Never less than one space.
        ("@  IN  TXT  x\n", 0, "_dmarc.www", "_dmarc.www IN  TXT  x\n"),
        # A single space, tabs, or spaces before the line end: as written.
        ("@ IN TXT x\n", 0, "_dmarc", "_dmarc IN TXT x\n"),
        ("@\tIN\tTXT\tx\n", 0, "_dmarc", "_dmarc\tIN\tTXT\tx\n"),
        ("@  \tIN TXT x\n", 0, "_dmarc", "_dmarc  \tIN TXT x\n"),
        ("@ IN MX 10 mx.example   \n", 4, "mx.example.", "@ IN MX 10 mx.example.   \n"),
    ],
)
def test_replace_field(line: str, at: int, new: str, expected: str) -> None:
    assert rewrite(line, at, new) == expected
