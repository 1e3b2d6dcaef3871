"""Bad exports never crash zonefix: every reader, and the rules and fixer
behind them, take mutated fixtures (bytes cut, doubled, flipped, values of
the wrong JSON type) and answer with findings, never an exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from zonefix.document import ReadSettings
from zonefix.formats import bridge, reader_for
from zonefix.rules import select_rules
from zonefix.settings import Settings

EXPORTS = sorted(
    p
    for p in (FIXTURES / "exports").glob("*/*")
    if p.suffix in (".json", ".yaml", ".csv")
)
RULES = select_rules()


def _run(name: str, data: bytes) -> None:
    reader = reader_for(name, data[:8192], None)
    if reader is None:
        return
    doc = reader(name, data, ReadSettings())
    for record in doc.records:
        assert 0 <= record.span.start <= record.span.end <= len(doc.source.text)
    bridged = bridge.Bridged(doc)
    findings = bridge.check(bridged, RULES, Settings())
    assert all(d.line >= 1 and d.column >= 1 for d in findings)
    bridge.fix(
        bridged,
        rules=RULES,
        unsafe=True,
        settings=Settings(),
        reread=lambda again: reader(name, again, ReadSettings()),
    )


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_exports_give_findings_not_exceptions(path, data) -> None:  # type: ignore[no-untyped-def]
    original = path.read_bytes()
    at = data.draw(st.integers(0, len(original)))
    length = data.draw(st.integers(0, 40))
    insert = data.draw(
        st.binary(max_size=12)
        | st.sampled_from([b'"', b",", b"\n", b"{", b"]", b": ", b"- "])
    )
    mutated = original[:at] + insert + original[at + length :]
    _run(path.name, mutated)


@pytest.mark.parametrize(
    "value",
    [None, 7, 1.5, True, [], {}, "", "x" * 300, "\u00e9", "\\052", "@", "-1"],
    ids=repr,
)
@pytest.mark.parametrize(
    "key",
    [
        "Name",
        "Type",
        "TTL",
        "Value",
        "RR",
        "Priority",
        "Status",
        "Line",
        "name",
        "type",
        "fqdn",
        "exchange",
        "preference",
        "value",
        "cname",
    ],
)
def test_json_values_of_the_wrong_type(key: str, value: object) -> None:
    for path in EXPORTS:
        if path.suffix != ".json":
            continue

        def replace(node: object) -> object:
            if isinstance(node, dict):
                return {k: (value if k == key else replace(v)) for k, v in node.items()}
            if isinstance(node, list):
                return [replace(v) for v in node]
            return node

        data = json.dumps(replace(json.loads(path.read_bytes())), indent=2).encode()
        _run(path.name, data)
