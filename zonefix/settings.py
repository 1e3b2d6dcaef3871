"""Per-run settings: what configuration says, handed to the rules with
each run (never stored on a parsed zone)."""

from typing import TYPE_CHECKING

from zonefix.document import Limits
from zonefix.plain import Plain

if TYPE_CHECKING:
    from zonefix.providers import Profile


class MailSettings(Plain):
    """What configuration says about mail: provider ids by name (canonical
    absolute text, or "@" for the apex), and profiles it adds."""

    _fields = ("providers", "profiles")
    __slots__ = _fields
    providers: tuple[tuple[str, str], ...]
    profiles: "tuple[Profile, ...]"

    def __init__(
        self,
        providers: tuple[tuple[str, str], ...] = (),
        profiles: "tuple[Profile, ...]" = (),
    ) -> None:
        self.providers = providers
        self.profiles = profiles


#: The defaults.
NO_MAIL = MailSettings()
LIMITS = Limits()


class Settings(Plain):
    """Everything a run of the rules reads besides the zone."""

    _fields = ("mail", "limits")
    __slots__ = _fields
    mail: MailSettings
    limits: Limits

    def __init__(self, mail: MailSettings = NO_MAIL, limits: Limits = LIMITS) -> None:
        self.mail = mail
        self.limits = limits
