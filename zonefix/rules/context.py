"""The one object a rule receives per run: the zone, what its format can
hold, the settings of the run, and the indexes the rules share."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from zonefix.settings import Settings

if TYPE_CHECKING:
    from zonefix.document import Capabilities
    from zonefix.dotless import DotlessName
    from zonefix.index import ZoneIndex
    from zonefix.mail.domains import MailView
    from zonefix.zone import Zone


_NONE: Mapping[str, object] = {}


class RuleContext:
    """Built once per run of the rules (each fix pass builds its own), so
    what is worked out for one rule (mail domains, name keys) serves all."""

    def __init__(
        self, zone: Zone, settings: Settings | None = None, *, fixes: bool = True
    ) -> None:
        self.zone = zone
        self.settings = settings if settings is not None else Settings()
        #: False where the run's findings are compared, never fixed (the
        #: fixer's trust check): a rule may then leave out a costly fix.
        self.fixes = fixes

    @property
    def capabilities(self) -> Capabilities:
        """What the zone's format can hold (rules ask this, never the
        format's name)."""
        return self.zone.capabilities

    @property
    def index(self) -> ZoneIndex:
        """Owner names and rdata keys for rules that compare records."""
        return self.zone.index

    @property
    def dotless(self) -> list[DotlessName]:
        """The names ZF104 reports, which other rules read as fixed."""
        return self.zone.index.dotless_names()

    def extras(self, index: int) -> Mapping[str, object]:
        """Format facts of record *index* beyond DNS (an octoDNS record's
        Cloudflare ``proxied``): empty for a BIND record."""
        return self.zone.record_extras.get(index, _NONE)

    @cached_property
    def mail(self) -> MailView:
        """Mail domains, their providers and mail records, worked out once
        for this run's mail settings."""
        from zonefix.mail.domains import MailView

        return MailView(self.zone, self.settings.mail)
