"""The rules: their registry (``registry.py``), the context a run gives
them (``context.py``), one module per family (``syntax.py`` for ZF0,
``structure.py`` for ZF1, ``mail.py``, ``spf.py``, ``dmarc.py``), and here,
choosing rules by code and running them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from zonefix.diagnostics import UNKNOWN_ORIGIN, Diagnostic
from zonefix.rules.context import RuleContext
from zonefix.rules.registry import (
    REGISTRY,
    FixAvailability,
    Rule,
    delete_fix,
    finding_at_field,
    insert_fix,
    rdata_field,
    replace_field_fix,
    rule,
)
from zonefix.settings import Settings

if TYPE_CHECKING:
    from zonefix.zone import Zone

__all__ = [
    "REGISTRY",
    "FixAvailability",
    "Rule",
    "RuleContext",
    "UnknownCode",
    "all_rules",
    "delete_fix",
    "finding_at_field",
    "insert_fix",
    "rdata_field",
    "replace_field_fix",
    "rule",
    "run_rules",
    "select_rules",
]


def all_rules() -> list[Rule]:
    """Every rule, by code."""
    # Importing a family module registers its rules.
    from zonefix.rules import dmarc, mail, spf, structure, syntax  # noqa: F401

    return [REGISTRY[code] for code in sorted(REGISTRY)]


class UnknownCode(ValueError):
    """A code or prefix that names no rule."""


def select_rules(
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    *,
    always_ignore: Sequence[str] = (),
) -> list[Rule]:
    """The rules a selection names: *select* (default: all) plus
    *extend_select*, minus *ignore*; each a code or a prefix (``ZF1``).
    Where a rule is both selected and ignored, the more specific code wins,
    as in ruff (``--ignore ZF2 --select ZF201`` runs ZF201); on a tie, the
    ignore. *always_ignore* (per-file ignores) wins whatever it names."""
    rules = all_rules()
    for prefix in (*(select or ()), *ignore, *extend_select, *always_ignore):
        if not any(r.code.code.startswith(prefix.upper()) for r in rules):
            raise UnknownCode(f"'{prefix}' names no rule")

    def longest(rule: Rule, prefixes: Iterable[str]) -> int:
        """The length of the longest of *prefixes* naming *rule* (-1: none)."""
        return max(
            (len(p) for p in prefixes if rule.code.code.startswith(p.upper())),
            default=-1,
        )

    chosen = (*(select if select else ("ZF",)), *extend_select)
    return [
        r
        for r in rules
        if longest(r, chosen) > longest(r, ignore) and longest(r, always_ignore) < 0
    ]


def run_rules(
    zone: Zone, rules: Sequence[Rule], settings: Settings | None = None
) -> list[Diagnostic]:
    """The findings of *rules* on *zone* under *settings*, suppressions
    applied, in file order. Without *settings*: the defaults, with the mail
    settings a caller of the API put on the zone (``zone.mail_settings``)."""
    from zonefix.suppress import apply_suppressions

    if settings is None:
        settings = Settings(mail=zone.mail_settings)
    context = RuleContext(zone, settings)
    found: list[Diagnostic] = []
    if any(d.code is UNKNOWN_ORIGIN for d in zone.diagnostics):
        # Without an origin no name means anything: ZF003 stands alone.
        rules = [r for r in rules if r.code.code.startswith("ZF0")]
    for r in rules:
        found.extend(r.check(context))
    return sorted(apply_suppressions(zone, found), key=lambda d: d.sort_key)
