"""Mail records read as their RFCs define them: SPF (RFC 7208), DMARC
(RFC 7489) and DKIM keys (RFC 6376), and which provider serves each mail
domain of a zone (SPEC §3 ZF2)."""

from __future__ import annotations

import re
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


def printable(text: str) -> str:
    """*text* for a message: control characters (a NUL, a line break, a
    carriage return) written as a zone file writes them, ``\\DDD``."""
    return _CONTROL.sub(lambda m: f"\\{ord(m.group()):03d}", text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
