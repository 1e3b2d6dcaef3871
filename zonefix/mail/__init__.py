"""Mail records read as their RFCs define them: SPF (RFC 7208), DMARC
(RFC 7489) and DKIM keys (RFC 6376), and which provider serves each mail
domain of a zone (SPEC §3 ZF2)."""

from __future__ import annotations

import re

# Settings live with the other per-run settings; importable here as before.
from zonefix.settings import MailSettings as MailSettings


def printable(text: str) -> str:
    """*text* for a message: control characters (a NUL, a line break, a
    carriage return) written as a zone file writes them, ``\\DDD``."""
    if text.isprintable():
        return text  # PERF: no control character (each is unprintable)
    return re.sub(_CONTROL, lambda m: f"\\{ord(m.group()):03d}", text)


# PERF: compiled, and cached by re, when a message is first written.
_CONTROL = r"[\x00-\x1f\x7f]"
