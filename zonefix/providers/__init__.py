"""Mail provider profiles (SPEC §5): what each provider documents, as data.

The profiles ship as TOML files beside this module, one per provider family,
which ``generate.py`` turns into Python (``_profiles.py``, imported only when
a mail rule runs). Configuration may add profiles or replace shipped ones by
id (``[tool.zonefix.providers.<id>]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Generic, TypeVar

# The profile and its matching live in profile.py (which _profiles.py
# imports); they are named from here.
from zonefix.providers.profile import Client as Client
from zonefix.providers.profile import MxHost as MxHost
from zonefix.providers.profile import Profile as Profile
from zonefix.providers.profile import _glob as _glob
from zonefix.providers.profile import host_matches as host_matches
from zonefix.providers.profile import host_pattern as host_pattern

KINDS = ("mailbox", "sending")
#: How sure a profile's facts are (the tags of spec/mail-providers.md):
#: the provider's own documentation, or third-party guides and unconfirmed
#: facts, which zonefix uses to recognise records but never to write them.
CONFIDENCES = ("doc", "3p", "unverified")
#: The ``mail-provider`` value for a provider zonefix has no profile for
#: (your own servers, a forwarder): it settles ZF204 and checks nothing else.
OTHER = "other"


T = TypeVar("T")


class ProfileError(ValueError):
    """A profile that cannot be used (a shipped file or configuration)."""


class HostPatterns(Generic[T]):
    """Host patterns with what each stands for, looked up by a host's last
    two labels (PERF: a zone's own MX hosts are matched against the few
    patterns that could name them, not against every profile's).

    A pattern can only name a host that ends with the literal text after its
    last ``*`` or placeholder; where that text holds two whole labels, only
    hosts ending in those labels are tried."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        self._by_tail: dict[str, list[tuple[str, T]]] = {}
        self._anywhere: list[tuple[str, T]] = []
        for pattern, value in entries:
            tail = _tail_labels(pattern)
            if tail is None:
                self._anywhere.append((pattern, value))
            else:
                self._by_tail.setdefault(tail, []).append((pattern, value))

    def candidates(self, host: str) -> list[tuple[str, T]]:
        """The entries whose pattern may name *host*, in the order given."""
        return self.candidates_at(tail_labels(host))

    def tails(self) -> frozenset[str] | None:
        """The last two labels of every host some pattern may name (None
        where a pattern may name a host of any)."""
        return None if self._anywhere else frozenset(self._by_tail)

    def candidates_at(self, tail: str) -> list[tuple[str, T]]:
        """candidates() of a host whose tail_labels() are *tail* (PERF:
        worked out once for several look-ups)."""
        found = self._by_tail.get(tail, [])
        if not self._anywhere:
            return found
        return found + self._anywhere


def tail_labels(host: str) -> str:
    """The last two labels of *host*, as HostPatterns looks them up."""
    return ".".join(host.rsplit(".", 2)[-2:])


def _tail_labels(pattern: str) -> str | None:
    """The last two labels every host *pattern* names ends with, if known."""
    cut = max(pattern.rfind("*"), pattern.rfind("}"))
    tail = pattern[cut + 1 :]
    if cut >= 0:
        # The text right after a wildcard may end a label: only what follows
        # a dot is whole labels.
        if "." not in tail:
            return None
        tail = tail[tail.index(".") + 1 :]
    labels = tail.split(".")
    if len(labels) < 2 or not all(labels[-2:]):
        return None
    return ".".join(labels[-2:])


def shipped_profiles() -> dict[str, Profile]:
    """Every profile shipped in the package, by id."""
    return dict(_shipped())


@cache
def _shipped() -> tuple[tuple[str, Profile], ...]:
    # PERF: the TOML files as Python (_profiles.py, made from them by
    # zonefix.providers.generate and held equal to them by a test), so that
    # a run neither imports tomllib nor reads and checks ten files.
    from zonefix.providers._profiles import PROFILES

    return tuple((profile.id, profile) for profile in PROFILES)


def all_profiles(extra: Iterable[Profile] = ()) -> dict[str, Profile]:
    """Shipped profiles, with *extra* ones (from configuration) added or
    replacing shipped ones of the same id."""
    profiles = shipped_profiles()
    for profile in extra:
        profiles[profile.id] = profile
    return profiles


_KEYS = {
    "id",
    "name",
    "kind",
    "family",
    "site",
    "checked",
    "source",
    "mx",
    "mx-sets",
    "spf-include",
    "spf-include-aliases",
    "spf-all",
    "spf-nested-lookups",
    "family-hosts",
    "clients",
    "dkim-selectors",
    "ownership",
    "needs-subdomain",
    "mx-means-sending",
    "confidence",
}


def profile_from_mapping(raw: Mapping[str, Any], where: str) -> Profile:
    """A Profile from its TOML table; ProfileError naming *where* and the
    key when a value is missing or of the wrong kind."""
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ProfileError(f"{where}: unknown profile key '{unknown[0]}'")

    def text(key: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or (default is None and not value):
            raise ProfileError(f"{where}: profile key '{key}' must be a string")
        return value

    def texts(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProfileError(
                f"{where}: profile key '{key}' must be a list of strings"
            )
        return tuple(_host(v) for v in value)

    ident = text("id")
    where = f"{where}: profile '{ident}'"
    kind = text("kind", "mailbox")
    if kind not in KINDS:
        raise ProfileError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    if "mx" in raw and "mx-sets" in raw:
        raise ProfileError(f"{where}: give 'mx' or 'mx-sets', not both")
    sets_raw = raw.get("mx-sets", [raw["mx"]] if "mx" in raw else None)
    if not isinstance(sets_raw, list) or not sets_raw:
        raise ProfileError(f"{where}: 'mx' must be a list of [priority, host]")
    mx_sets = tuple(_mx_set(s, where) for s in sets_raw)
    clients_raw = raw.get("clients", [])
    if not isinstance(clients_raw, list):
        raise ProfileError(f"{where}: 'clients' must be a list of tables")
    clients = []
    for c in clients_raw:
        if (
            not isinstance(c, dict)
            or not isinstance(c.get("name"), str)
            or not isinstance(c.get("target"), str)
            or not isinstance(c.get("recommended", False), bool)
            or set(c) - {"name", "target", "recommended"}
        ):
            raise ProfileError(
                f"{where}: each client is {{ name = ..., target = ..., recommended = true|false }}"
            )
        clients.append(
            Client(c["name"].lower(), _host(c["target"]), c.get("recommended", False))
        )
    lookups = raw.get("spf-nested-lookups")
    if lookups is not None and (
        not isinstance(lookups, int) or isinstance(lookups, bool) or lookups < 0
    ):
        raise ProfileError(f"{where}: 'spf-nested-lookups' must be a whole number")
    confidence = text("confidence", "doc")
    if confidence not in CONFIDENCES:
        raise ProfileError(
            f"{where}: 'confidence' must be one of {', '.join(CONFIDENCES)}"
        )
    if ident == OTHER:
        raise ProfileError(f"{where}: '{OTHER}' is reserved for unlisted providers")
    spf_all = text("spf-all", "~all")
    if spf_all not in ("-all", "~all", "?all"):
        raise ProfileError(f"{where}: 'spf-all' must be -all, ~all or ?all")
    return Profile(
        id=ident,
        name=text("name"),
        kind=kind,
        family=text("family", ident),
        mx_sets=mx_sets,
        checked=text("checked", ""),
        source=text("source", ""),
        site=text("site", ""),
        spf_include=_host(text("spf-include", "")),
        spf_include_aliases=texts("spf-include-aliases"),
        spf_all=spf_all,
        spf_nested_lookups=lookups,
        family_hosts=texts("family-hosts"),
        clients=tuple(clients),
        dkim_selectors=texts("dkim-selectors"),
        ownership=texts("ownership"),
        needs_subdomain=_flag(raw, "needs-subdomain", where),
        mx_means_sending=_flag(raw, "mx-means-sending", where, default=True),
        confidence=confidence,
    )


def _flag(
    raw: Mapping[str, Any], key: str, where: str, *, default: bool = False
) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ProfileError(f"{where}: '{key}' must be true or false")
    return value


def _mx_set(raw: object, where: str) -> tuple[MxHost, ...]:
    if not isinstance(raw, list) or not raw:
        raise ProfileError(f"{where}: an MX set must be a list of [priority, host]")
    hosts = []
    for entry in raw:
        if (
            not isinstance(entry, list)
            or len(entry) not in (2, 3)
            or not isinstance(entry[0], int)
            or isinstance(entry[0], bool)
            or not 0 <= entry[0] <= 65535
            or not isinstance(entry[1], str)
            or (len(entry) == 3 and entry[2] != "optional")
        ):
            raise ProfileError(
                f'{where}: an MX is [priority, host] or [priority, host, "optional"], '
                f"got {entry!r}"
            )
        hosts.append(MxHost(entry[0], _host(entry[1]), len(entry) == 2))
    if not any(mx.required for mx in hosts):
        raise ProfileError(f"{where}: an MX set needs at least one required host")
    return tuple(sorted(hosts))


def _host(name: str) -> str:
    """Host names compare lower-case, without the final dot."""
    return name.strip().lower().rstrip(".")
