"""Fuzzing in the suite (issue 10, point 11): hypothesis mutates the
fixtures (bytes, parentheses, quotes, escapes, directives, long labels,
every type name, generic rdata, lines repeated, dropped or swapped) and
every input must keep the properties of tests/fuzz/engine.py: nothing
escapes parse_text, check or the fixer; the round trip holds; fixing
settles and is idempotent; a zone that loaded still loads after the safe
fixes; under 10 KB, reading and checking takes under a second.

A few hundred examples here; ``make fuzz`` runs a million.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.engine import KINDS, PROVIDERS, check_input, mutate, seeds

SEEDS = seeds()

_STEP = st.tuples(
    st.integers(0, len(KINDS) - 1),
    st.integers(0, (1 << 16) - 1),
    st.integers(0, (1 << 16) - 1),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.sampled_from(SEEDS),
    steps=st.lists(_STEP, min_size=1, max_size=8),
    provider=st.sampled_from(PROVIDERS),
)
def test_mutated_fixtures_keep_every_property(
    tmp_path: Path,
    seed: tuple[str, bytes],
    steps: list[tuple[int, int, int]],
    provider: str | None,
) -> None:
    name, data = seed
    verdict = check_input(mutate(data, steps), name, tmp_path, provider)
    assert verdict.broken == ()


def test_the_seeds_are_the_fixtures() -> None:
    names = {name for name, _ in SEEDS}
    assert len(SEEDS) > 100
    assert {"db.example.net", "apex-alias.zone", "parens.zone"} <= names


def test_every_kind_of_mutation_changes_something() -> None:
    _, data = next(s for s in SEEDS if s[0] == "apex-alias.zone")
    for kind in range(len(KINDS)):
        assert any(
            mutate(data, [(kind, where, 3)]) != data for where in range(0, 400, 7)
        )
