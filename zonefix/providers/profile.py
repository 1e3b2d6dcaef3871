"""A mail provider's profile (SPEC §5), and how its host patterns match.

A module of its own, below ``zonefix.providers`` (which names all of it),
so that the shipped profiles, built as Python in ``_profiles.py``, import
their classes from here without going through the package that imports
them.
"""

# PERF: no `from __future__ import annotations`: a NamedTuple's string
# annotations cost a compile() each when the class is made (issue 11).

import re
from functools import cache
from typing import NamedTuple

from zonefix.plain import Plain


class Client(Plain):
    """A client name the provider documents: ``imap`` CNAME its host."""

    _fields = ("name", "target", "recommended")
    __slots__ = _fields
    name: str
    target: str
    #: The provider's setup lists it among the records to add.
    recommended: bool

    def __init__(self, name: str, target: str, recommended: bool = False) -> None:
        self.name = name
        self.target = target
        self.recommended = recommended


class MxHost(NamedTuple):
    """One MX host of a provider's set (a tuple: sets are sorted)."""

    priority: int
    #: Lower-case, no final dot; may hold ``*`` or ``{domain-dashes}``.
    host: str
    #: The provider asks for it; an optional host (a backup of a long set)
    #: may be left out.
    required: bool = True


class Profile(Plain):
    _fields = (
        *("id", "name", "kind", "family", "mx_sets", "checked", "source", "site"),
        *("spf_include", "spf_include_aliases", "spf_all", "spf_nested_lookups"),
        *("family_hosts", "clients", "dkim_selectors", "ownership"),
        *("needs_subdomain", "mx_means_sending", "confidence"),
    )
    __slots__ = _fields
    id: str
    name: str
    #: "mailbox" (receives a domain's mail) or "sending" (a sending service,
    #: used on a subdomain).
    kind: str
    #: Profiles of one family are sites or editions of one provider.
    family: str
    #: Sets of MX hosts the provider accepts at a mail domain.
    mx_sets: tuple[tuple[MxHost, ...], ...]
    checked: str
    source: str
    site: str
    spf_include: str
    #: Other includes that name this provider (older documentation).
    spf_include_aliases: tuple[str, ...]
    #: The ``all`` the provider advises.
    spf_all: str
    #: DNS lookups the SPF include makes below itself, where known.
    spf_nested_lookups: int | None
    family_hosts: tuple[str, ...]
    clients: tuple[Client, ...]
    dkim_selectors: tuple[str, ...]
    #: Labels of the service's ownership TXT records (``aliyundm``).
    ownership: tuple[str, ...]
    #: A sending service that asks for a subdomain of its own (ZF208).
    needs_subdomain: bool
    #: A name whose MX are this provider's sends mail as it (a mailbox, or a
    #: sending service's MAIL FROM domain); false where its MX only receive
    #: (Mailgun's inbound routes).
    mx_means_sending: bool
    #: "doc", "3p" or "unverified" (see CONFIDENCES).
    confidence: str

    def __init__(
        self,
        id: str,
        name: str,
        kind: str,
        family: str,
        mx_sets: tuple[tuple[MxHost, ...], ...],
        checked: str,
        source: str,
        site: str = "",
        spf_include: str = "",
        spf_include_aliases: tuple[str, ...] = (),
        spf_all: str = "~all",
        spf_nested_lookups: int | None = None,
        family_hosts: tuple[str, ...] = (),
        clients: tuple[Client, ...] = (),
        dkim_selectors: tuple[str, ...] = (),
        ownership: tuple[str, ...] = (),
        needs_subdomain: bool = False,
        mx_means_sending: bool = True,
        confidence: str = "doc",
    ) -> None:
        self.id = id
        self.name = name
        self.kind = kind
        self.family = family
        self.mx_sets = mx_sets
        self.checked = checked
        self.source = source
        self.site = site
        self.spf_include = spf_include
        self.spf_include_aliases = spf_include_aliases
        self.spf_all = spf_all
        self.spf_nested_lookups = spf_nested_lookups
        self.family_hosts = family_hosts
        self.clients = clients
        self.dkim_selectors = dkim_selectors
        self.ownership = ownership
        self.needs_subdomain = needs_subdomain
        self.mx_means_sending = mx_means_sending
        self.confidence = confidence

    @property
    def includes(self) -> tuple[str, ...]:
        return (self.spf_include, *self.spf_include_aliases) if self.spf_include else ()

    @property
    def writes_records(self) -> bool:
        """Its facts are the provider's own documentation: fixes may write
        its records. Third-party facts only recognise them."""
        return self.confidence == "doc"

    def mx_set(self, index: int, domain: str) -> list[MxHost]:
        """MX set *index* for *domain* (absolute, lower-case, with the dot),
        placeholders filled in."""
        dashes = domain.rstrip(".").replace(".", "-")
        return [
            mx._replace(host=mx.host.replace("{domain-dashes}", dashes))
            for mx in self.mx_sets[index]
        ]

    def set_of(self, host: str, domain: str) -> int | None:
        """The first MX set that holds *host* (no trailing dot), if any."""
        for index in range(len(self.mx_sets)):
            if self.in_set(host, domain, index) is not None:
                return index
        return None

    def in_set(self, host: str, domain: str, index: int) -> MxHost | None:
        """The entry of MX set *index* that *host* is, if any."""
        for mx in self.mx_sets[index]:
            if host_matches(host, mx.host, domain):
                return mx
        return None

    def priority_of(self, host: str, domain: str, index: int) -> int | None:
        mx = self.in_set(host, domain, index)
        return None if mx is None else mx.priority

    def family_match(self, host: str) -> int:
        """How closely *host* matches the family's host patterns: the
        length of the longest matching pattern, 0 for none."""
        return max(
            (len(p) for p in self.family_hosts if host_matches(host, p, "")),
            default=0,
        )

    def in_family(self, host: str) -> bool:
        return self.family_match(host) > 0


def host_matches(host: str, pattern: str, domain: str) -> bool:
    """*host* is one *pattern* names: a host name, ``*`` for any run of
    characters, ``{domain-dashes}`` for *domain* with dashes for dots."""
    if "{" not in pattern:
        if "*" not in pattern:
            return host == pattern
        if "\n" not in host:  # the expression's "." stops at a line break
            return _glob(host, pattern)
    match = host_pattern(pattern).fullmatch(host)
    if match is None:
        return False
    dashes = match.groupdict().get("dashes")
    return dashes is None or dashes == domain.rstrip(".").replace(".", "-")


def _glob(host: str, pattern: str) -> bool:
    """*host* is what *pattern*, with ``*`` for any run of characters, names:
    as ``host_pattern(pattern).fullmatch(host)`` says (PERF: compiling an
    expression for each pattern was a tenth of a small zone's start-up)."""
    first, *middle, last = pattern.split("*")
    end = len(host) - len(last)
    if end < len(first) or not host.startswith(first) or not host.endswith(last):
        return False
    at = len(first)
    # Each piece at its first place left of the end: any match can be moved
    # there, leaving the most room for the pieces after it.
    for piece in middle:
        at = host.find(piece, at, end)
        if at < 0:
            return False
        at += len(piece)
    return True


@cache
def host_pattern(pattern: str) -> re.Pattern[str]:
    """A host pattern as an expression (PERF: fnmatch compiled one per
    domain where a pattern names the domain)."""
    parts = []
    for piece in re.split(r"(\*|\{domain-dashes\})", pattern):
        if piece == "*":
            parts.append(".*")
        elif piece == "{domain-dashes}":
            parts.append("(?P<dashes>[^.]*)")
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts))
