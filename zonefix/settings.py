"""Per-run settings: what configuration says, handed to the rules with
each run (never stored on a parsed zone)."""

# PERF: no `from __future__ import annotations`: a NamedTuple's string
# annotations cost a compile() each when the class is made (issue 11).

from typing import TYPE_CHECKING, NamedTuple

from zonefix.document import Limits

if TYPE_CHECKING:
    from zonefix.providers import Profile


class MailSettings(NamedTuple):
    """What configuration says about mail: provider ids by name (canonical
    absolute text, or "@" for the apex), and profiles it adds."""

    providers: tuple[tuple[str, str], ...] = ()
    profiles: "tuple[Profile, ...]" = ()


class Settings(NamedTuple):
    """Everything a run of the rules reads besides the zone."""

    mail: MailSettings = MailSettings()
    limits: Limits = Limits()
