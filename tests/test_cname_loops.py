"""ZF114 follows each name of a CNAME chain once (issue 11: every rule
linear): a chain stops at a name an earlier chain went through, since what
follows it was followed then. Held to following every chain to its end,
on generated CNAME graphs, and counted on a long loop."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import zonefix
from zonefix.index import ZoneIndex
from zonefix.rules import run_rules, select_rules

HEAD = [
    "$ORIGIN example.net.",
    "$TTL 3600",
    "@ SOA ns h 1 2 3 4 5",
    "@ NS ns",
    "ns A 192.0.2.1",
]


def _zone(targets: list[int | None]) -> zonefix.Zone:
    """n<k> CNAME n<target> (None: a name outside the zone)."""
    lines = [
        f"n{k} CNAME {'elsewhere.example.org.' if t is None else f'n{t}'}"
        for k, t in enumerate(targets)
    ]
    return zonefix.parse_text("\n".join([*HEAD, *lines, ""]))


def _loops_by_following_every_chain(targets: list[int | None]) -> list[tuple[int, str]]:
    """Each loop once, at its first record, named from where the first chain
    in file order entered it."""
    reported: set[int] = set()
    found = []
    for start in range(len(targets)):
        chain = [start]
        name = targets[start]
        while name is not None and name not in chain:
            chain.append(name)
            name = targets[name]
        if name is None or name in reported:
            continue
        loop = chain[chain.index(name) :]
        reported.update(loop)
        path = " -> ".join(f"n{k}.example.net." for k in [*loop, loop[0]])
        found.append((min(loop), f"CNAME loop: {path}"))
    return sorted(found)


@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda n: st.lists(
            st.one_of(st.none(), st.integers(min_value=0, max_value=n - 1)),
            min_size=n,
            max_size=n,
        )
    )
)
def test_loops_are_those_every_chain_followed_finds(targets: list[int | None]) -> None:
    zone = _zone(targets)
    findings = run_rules(zone, select_rules(["ZF114"], (), ()))
    first_line = len(HEAD) + 1
    assert sorted((d.line - first_line, d.message) for d in findings) == (
        _loops_by_following_every_chain(targets)
    )


def test_each_name_of_a_long_loop_is_followed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    size = 2000
    # One loop, and as many names leading into it from everywhere along it.
    targets: list[int | None] = [(k + 1) % size for k in range(size)]
    targets += [k * 7 % size for k in range(size)]
    zone = _zone(targets)
    asked = 0
    alias_target = ZoneIndex.alias_target

    def counting(self: ZoneIndex, name: str) -> str | None:
        nonlocal asked
        asked += 1
        return alias_target(self, name)

    monkeypatch.setattr(ZoneIndex, "alias_target", counting)
    findings = run_rules(zone, select_rules(["ZF114"], (), ()))
    assert len(findings) == 1
    assert asked <= 2 * size
