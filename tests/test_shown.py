"""What zonefix prints of a file's text (zonefix.source.shown): its quick
test of printable ASCII held to str.isprintable, which it stands in for."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from zonefix import source


def _shown_plainly(text: str) -> str:
    text = source.printable(text)
    if text.isprintable():
        return text
    return re.sub(
        source._UNSAFE,
        lambda m: "".join(f"\\{b:03d}" for b in m.group().encode()),
        text,
    )


@given(st.text(alphabet=st.characters(max_codepoint=0x2100)) | st.text())
@example("MX hosts at m1.example.net.\x1b[2J")
@example("tab\there")
@example("del\x7f")
@example("~ and space")
@example("caf\xe9\x85")
def test_shown_is_what_isprintable_tells(text: str) -> None:
    assert source.shown(text) == _shown_plainly(text)
