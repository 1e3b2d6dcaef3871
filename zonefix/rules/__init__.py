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
    "replace_field_fix",
    "rule",
    "run_rules",
    "select_rules",
]


def all_rules() -> list[Rule]:
    """Every rule, by code."""
    return _rules_of(("ZF",))


def _rules_of(prefixes: Iterable[str]) -> list[Rule]:
    """The rules registered once every family that *prefixes* (codes or
    prefixes) may name is imported, by code. PERF: a selection imports only
    its families' modules, and what they need (``--select ZF0`` reads a zone
    without the mail layer and its profiles)."""
    asked = [p.upper() for p in prefixes]

    def named(family: str) -> bool:
        return any(family.startswith(p) or p.startswith(family) for p in asked)

    # Importing a family module registers its rules.
    if named("ZF0"):
        from zonefix.rules import syntax  # noqa: F401
    if named("ZF1"):
        from zonefix.rules import structure  # noqa: F401
    if named("ZF2"):
        from zonefix.rules import mail  # noqa: F401
    if named("ZF3"):
        from zonefix.rules import spf  # noqa: F401
    if named("ZF4"):
        from zonefix.rules import dmarc  # noqa: F401
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
    chosen = (*(select if select else ("ZF",)), *extend_select)
    rules = _rules_of((*chosen, *ignore, *always_ignore))
    codes = [r.code.code for r in rules]
    for prefix in (*(select or ()), *ignore, *extend_select, *always_ignore):
        upper = prefix.upper()
        if not any(code.startswith(upper) for code in codes):
            raise UnknownCode(f"'{prefix}' names no rule")

    def longest(prefixes: Iterable[str]) -> dict[str, int]:
        """For each code, the length of the longest of *prefixes* naming it
        (absent: none)."""
        found: dict[str, int] = {}
        for prefix in {p.upper() for p in prefixes}:
            for code in codes:
                if code.startswith(prefix) and found.get(code, -1) < len(prefix):
                    found[code] = len(prefix)
        return found

    selected, ignored = longest(chosen), longest(ignore)
    always = longest(always_ignore)
    return [
        r
        for r, code in zip(rules, codes, strict=True)
        if selected.get(code, -1) > ignored.get(code, -1) and code not in always
    ]


#: Rules whose findings rest on a record being ABSENT from the zone (no
#: SPF, no DMARC, no SOA or apex NS, a target with no address or record, an
#: SPF `a`/`mx` finding nothing, a name without its dot "whose expansion
#: has no record"): not run on a file that is part of a zone
#: (``Capabilities.complete``). ZF207's missing client name is left out in
#: the rule (its other finding reads a CNAME the file holds).
ABSENCE_CODES = frozenset(
    {
        "ZF104",
        "ZF110",
        "ZF111",
        "ZF113",
        "ZF116",
        "ZF117",
        "ZF205",
        "ZF301",
        "ZF312",
        "ZF401",
    }
)


def run_rules(
    zone: Zone,
    rules: Sequence[Rule],
    settings: Settings | None = None,
    *,
    fixes: bool = True,
) -> list[Diagnostic]:
    """The findings of *rules* on *zone* under *settings*, suppressions
    applied, in file order. Without *settings*: the defaults, with the mail
    settings a caller of the API put on the zone (``zone.mail_settings``).
    Without *fixes*, a rule may leave out a fix it would offer."""
    from zonefix.suppress import apply_suppressions

    if settings is None:
        settings = Settings(mail=zone.mail_settings)
    context = RuleContext(zone, settings, fixes=fixes)
    found: list[Diagnostic] = []
    if any(d.code is UNKNOWN_ORIGIN for d in zone.diagnostics):
        # Without an origin no name means anything: ZF003 stands alone.
        rules = [r for r in rules if r.code.code.startswith("ZF0")]
    if not zone.capabilities.complete:
        # Part of the zone (a change batch, one page of a listing): what
        # rests on a record being absent is unknown, so not said.
        rules = [r for r in rules if r.code.code not in ABSENCE_CODES]
    for r in rules:
        found.extend(r.check(context))
    return sorted(apply_suppressions(zone, found), key=lambda d: d.sort_key)
