"""zonefix: a linter and fixer for DNS zone files kept in git.

The library API (SPEC §9)::

    import zonefix
    zone = zonefix.parse_file("db.example.net")
    assert zone.to_text() == open("db.example.net").read()
    for rec in zone.records:
        rec.owner, rec.ttl, rec.rdclass, rec.rdtype, rec.rdata, rec.line, rec.column
    findings = zonefix.check(zone)
"""

from __future__ import annotations

# PERF: nothing is imported here, typing neither (mypy reads this name as
# typing's), so that the command sets up the collector (zonefix.cli) before
# the first import that counts.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from zonefix.diagnostics import Diagnostic, Severity
    from zonefix.document import Limits
    from zonefix.zone import Record, Zone, ZoneFileError, parse_file, parse_text

__version__ = "0.1.0"

# PERF: each name's module is imported when the name is first asked for:
# the reading engine (and dnspython under it), so that `zonefix --version`
# and `--help` start without it; the findings' types, so that importing
# zonefix imports nothing.
_ENGINE = {
    "Diagnostic": "zonefix.diagnostics",
    "Severity": "zonefix.diagnostics",
    "Limits": "zonefix.document",
    "Record": "zonefix.zone",
    "Zone": "zonefix.zone",
    "ZoneFileError": "zonefix.zone",
    "parse_file": "zonefix.zone",
    "parse_text": "zonefix.zone",
}


def __getattr__(name: str) -> Any:
    module = _ENGINE.get(name)
    if module is None:
        raise AttributeError(f"module 'zonefix' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Diagnostic",
    "Limits",
    "Record",
    "Severity",
    "Zone",
    "ZoneFileError",
    "__version__",
    "check",
    "parse_file",
    "parse_text",
]


def check(
    zone: Zone,
    config: object | None = None,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> list[Diagnostic]:
    """The findings for *zone*, in file order: those of reading it (ZF0) and
    of every selected rule, less what suppression comments silence.

    *select*, *ignore* and *extend_select* take codes or prefixes (``ZF1``);
    by default every rule runs. *config* (a configuration, as
    ``zonefix.config.load_config`` reads it) gives the mail providers,
    profiles and limits; without it, the defaults (and the mail settings
    put on *zone*, ``zone.mail_settings``, as before).
    """
    from zonefix.config import Config
    from zonefix.rules import run_rules, select_rules

    if config is not None and not isinstance(config, Config):
        raise TypeError(f"config must be a zonefix Config, not {type(config).__name__}")
    settings = None if config is None else config.settings()
    return run_rules(zone, select_rules(select, ignore, extend_select), settings)
