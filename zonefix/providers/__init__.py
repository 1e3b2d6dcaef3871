"""Mail provider profiles (SPEC §5): what each provider documents, as data.

The profiles ship as TOML files beside this module, one per provider family,
and are read only when a mail rule runs. Configuration may add profiles or
replace shipped ones by id (``[tool.zonefix.providers.<id>]``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

KINDS = ("mailbox", "sending")


class ProfileError(ValueError):
    """A profile that cannot be used (a shipped file or configuration)."""


class Client(NamedTuple):
    """A client name the provider documents: ``imap`` CNAME its host."""

    name: str
    target: str
    #: The provider's setup lists it among the records to add.
    recommended: bool = False


class Profile(NamedTuple):
    id: str
    name: str
    #: "mailbox" (receives a domain's mail) or "sending" (a sending service,
    #: used on a subdomain).
    kind: str
    #: Profiles of one family are sites or editions of one provider.
    family: str
    #: Sets of (priority, host) the provider accepts at a mail domain; a
    #: host may hold ``*`` or ``{domain-dashes}``.
    mx_sets: tuple[tuple[tuple[int, str], ...], ...]
    checked: str
    source: str
    site: str = ""
    spf_include: str = ""
    #: Other includes that name this provider (older documentation).
    spf_include_aliases: tuple[str, ...] = ()
    #: The ``all`` the provider advises.
    spf_all: str = "~all"
    #: DNS lookups the SPF include makes below itself, where known.
    spf_nested_lookups: int | None = None
    family_hosts: tuple[str, ...] = ()
    clients: tuple[Client, ...] = ()
    dkim_selectors: tuple[str, ...] = ()
    #: Labels of the service's ownership TXT records (``aliyundm``).
    ownership: tuple[str, ...] = ()
    #: A sending service that asks for a subdomain of its own (ZF208).
    needs_subdomain: bool = False

    @property
    def includes(self) -> tuple[str, ...]:
        return (self.spf_include, *self.spf_include_aliases) if self.spf_include else ()

    def mx_set(self, index: int, domain: str) -> list[tuple[int, str]]:
        """MX set *index* for *domain* (absolute, lower-case, with the dot),
        placeholders filled in."""
        dashes = domain.rstrip(".").replace(".", "-")
        return [
            (priority, host.replace("{domain-dashes}", dashes))
            for priority, host in self.mx_sets[index]
        ]

    def set_of(self, host: str, domain: str) -> int | None:
        """The first MX set that holds *host* (no trailing dot), if any."""
        for index in range(len(self.mx_sets)):
            if any(fnmatchcase(host, h) for _, h in self.mx_set(index, domain)):
                return index
        return None

    def priority_of(self, host: str, domain: str, index: int) -> int | None:
        for priority, pattern in self.mx_set(index, domain):
            if fnmatchcase(host, pattern):
                return priority
        return None

    def in_family(self, host: str) -> bool:
        return any(fnmatchcase(host, pattern) for pattern in self.family_hosts)


def shipped_profiles() -> dict[str, Profile]:
    """Every profile shipped in the package, by id."""
    return dict(_shipped())


@cache
def _shipped() -> tuple[tuple[str, Profile], ...]:
    profiles: dict[str, Profile] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for raw in data.get("profile", []):
            profile = profile_from_mapping(raw, f"{entry.name}")
            if profile.id in profiles:
                raise ProfileError(f"{entry.name}: profile '{profile.id}' twice")
            profiles[profile.id] = profile
    return tuple(profiles.items())


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
    )


def _flag(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise ProfileError(f"{where}: '{key}' must be true or false")
    return value


def _mx_set(raw: object, where: str) -> tuple[tuple[int, str], ...]:
    if not isinstance(raw, list) or not raw:
        raise ProfileError(f"{where}: an MX set must be a list of [priority, host]")
    hosts = []
    for pair in raw:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not isinstance(pair[0], int)
            or not 0 <= pair[0] <= 65535
            or not isinstance(pair[1], str)
        ):
            raise ProfileError(f"{where}: an MX is [priority, host], got {pair!r}")
        hosts.append((pair[0], _host(pair[1])))
    return tuple(sorted(hosts))


def _host(name: str) -> str:
    """Host names compare lower-case, without the final dot."""
    return name.strip().lower().rstrip(".")
