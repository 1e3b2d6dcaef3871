"""Mail records read as their RFCs define them: SPF (RFC 7208), DMARC
(RFC 7489) and DKIM keys (RFC 6376), and which provider serves each mail
domain of a zone (SPEC §3 ZF2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from zonefix.providers import Profile


class MailSettings(NamedTuple):
    """What configuration says about mail: provider ids by name (canonical
    absolute text, or "@" for the apex), and profiles it adds.

    It lives here, not beside the rules that read it, so that a Zone can
    carry it without importing them (or the profiles) at start-up."""

    providers: tuple[tuple[str, str], ...] = ()
    profiles: tuple[Profile, ...] = ()
