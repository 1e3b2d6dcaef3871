"""Mail domains and their providers (SPEC §3 ZF2).

A mail domain is a name holding an MX other than the null MX (``0 .``), or
a name configured with a provider. Each has its own provider: the one
configured, or the single profile whose MX hosts appear there. A sending
subdomain is its own mail domain, so a DirectMail MX there is never foreign
to the apex's mailbox provider. A name at or below a delegation is the
child zone's: its MX in this file are never served, and it is no mail domain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, cast

from zonefix import rrtypes
from zonefix.mail.dmarc import is_dmarc
from zonefix.mail.spf import SpfRecord, is_spf, parse_spf, spf_word_not_first
from zonefix.plain import Plain
from zonefix.providers import (
    OTHER,
    HostPatterns,
    Profile,
    all_profiles,
    host_matches,
    host_pattern,
    tail_labels,
)

if TYPE_CHECKING:
    import dns.exception
    import dns.name
    import dns.rdatatype
    import dns.tokenizer

    from zonefix.mail import MailSettings
    from zonefix.zone import Zone

MX = rrtypes.MX
TXT = rrtypes.TXT


class MxRecord(Plain):
    _fields = ("record", "preference", "host")
    __slots__ = _fields
    record: int
    preference: int
    #: The host as ZF104's fix writes it: lower-case, no final dot.
    host: str

    def __init__(self, record: int, preference: int, host: str) -> None:
        self.record = record
        self.preference = preference
        self.host = host


# An MxRecord's record (PERF: an attrgetter, at C speed).
_RECORD = attrgetter("record")


class MailDomain(Plain):
    _fields = (
        "name",
        "mx",
        "null_mx",
        "records",
        "provider",
        "configured",
        "candidates",
        "unknown",
        "spf",
        "apex",
    )
    __slots__ = _fields
    #: Canonical absolute name (lower-case, with the dot).
    name: str
    mx: tuple[MxRecord, ...]
    null_mx: tuple[int, ...]
    #: Every record at the name, in file order.
    records: tuple[int, ...]
    #: The configured provider, else the one inferred from the MX (None:
    #: none, or "other" configured).
    provider: Profile | None
    #: The provider (or "other") is configured: only then may fixes that
    #: change where mail goes or who may send it apply unseen.
    configured: bool
    #: Where no provider could be inferred, the profiles whose hosts the MX
    #: name (one per provider, or each site of one): what ZF204 reports.
    candidates: tuple[Profile, ...]
    #: MX hosts of no known provider (an own server, a forwarder).
    unknown: tuple[MxRecord, ...]
    #: SPF TXT records at the name, in file order.
    spf: tuple[int, ...]
    #: The zone's apex.
    apex: bool

    def __init__(
        self,
        name: str,
        mx: tuple[MxRecord, ...],
        null_mx: tuple[int, ...],
        records: tuple[int, ...],
        provider: Profile | None,
        configured: bool,
        candidates: tuple[Profile, ...],
        unknown: tuple[MxRecord, ...],
        spf: tuple[int, ...],
        apex: bool,
    ) -> None:
        self.name = name
        self.mx = mx
        self.null_mx = null_mx
        self.records = records
        self.provider = provider
        self.configured = configured
        self.candidates = candidates
        self.unknown = unknown
        self.spf = spf
        self.apex = apex

    @property
    def anchor(self) -> int | None:
        """Where a finding about something missing goes: the first MX, else
        the name's first record (SPEC §3)."""
        # PERF: the least of each taken at C speed (no list made).
        if self.mx:
            first: int = min(map(_RECORD, self.mx))
            return min(first, min(self.null_mx)) if self.null_mx else first
        if self.null_mx:
            return min(self.null_mx)
        return self.records[0] if self.records else None

    @property
    def sends(self) -> bool:
        """The name sends mail, so SPF is its business: the apex, a name
        configured with a provider, or a name whose provider sends from it.
        A name whose MX only receive (a per-host MX to an own server, a
        wildcard, inbound routes) is not told to publish SPF."""
        if self.apex or self.configured:
            return True
        if self.name.startswith("*."):
            return False
        return self.provider is not None and self.provider.mx_means_sending

    def setting(self, ident: str) -> str:
        """The configuration that names *ident* as this name's provider
        (absolute, so one configuration can serve a repository of zones;
        --mail-provider names the apex's)."""
        table = f'mail-provider = {{ "{self.name}" = "{ident}" }}'
        return f"{table} (or --mail-provider {ident})" if self.apex else table


# MX records whose preferences the mail view reads at once (PERF: their
# words are held a few thousand at a time, not all).
_AT_ONCE = 4096


class MailView:
    """The zone's mail domains, worked out once per zone."""

    def __init__(self, zone: Zone, settings: MailSettings) -> None:
        self.zone = zone
        #: The configuration it was worked out for (one run's settings).
        self.settings = settings
        self._txt_values: dict[int, str] = {}
        self._spf: dict[int, SpfRecord] = {}
        self._holders: dict[str, list[Profile]] = {}
        self._named_lists: dict[tuple[int, ...], list[Profile]] = {}
        # infer()'s answers by its holders' lists, kept with them.
        self._inferred: dict[
            tuple[int, ...],
            tuple[
                list[list[Profile]],
                tuple[Profile | None, tuple[Profile, ...], tuple[int, ...]],
            ],
        ] = {}
        # What holders() gives for a host of some provider (see _facts_of).
        self._host_facts: dict[str, tuple[list[Profile], dict[str, list[Profile]]]] = {}

    @cached_property
    def profiles(self) -> dict[str, Profile]:
        """Shipped and configured profiles: read on first use, so that a
        zone with no mail never reads them."""
        return all_profiles(self.settings.profiles)

    @cached_property
    def configured(self) -> dict[str, Profile | None]:
        """Configured providers by name key (None: "other")."""
        configured: dict[str, Profile | None] = {}
        if not self.settings.providers:
            return configured  # PERF: no name read (nor dnspython imported)
        import dns.name

        origin = self.zone.origin
        for name, ident in self.settings.providers:
            key = _absolute_key(name, origin)
            # One configuration serves a repository of zones: a name outside
            # this zone is another zone's.
            if key is None or origin is None:
                continue
            if ident != OTHER and ident not in self.profiles:
                continue
            if dns.name.from_text(key).is_subdomain(origin):
                configured[key] = None if ident == OTHER else self.profiles[ident]
        return configured

    @cached_property
    def nested_lookups(self) -> dict[str, int]:
        """SPF include -> the DNS lookups below it, where a profile knows."""
        return {
            include: p.spf_nested_lookups
            for p in self.profiles.values()
            for include in p.includes
            if p.spf_nested_lookups is not None
        }

    @cached_property
    def mailbox_includes(self) -> dict[str, Profile]:
        """SPF include -> the mailbox provider it names."""
        return {
            include: p
            for p in self.profiles.values()
            if p.kind == "mailbox"
            for include in p.includes
        }

    def txt_value(self, index: int) -> str:
        """A TXT record's strings joined, as SPF, DMARC and DKIM read them."""
        value = self._txt_values.get(index)
        if value is None:
            value = self._txt_values[index] = self._read_txt(index)
        return value

    def _read_txt(self, index: int) -> str:
        return self.zone.txt_joined(index)

    def spf(self, index: int) -> SpfRecord:
        """A TXT record read as SPF, once: every SPF rule reads it."""
        record = self._spf.get(index)
        if record is None:
            record = self._spf[index] = parse_spf(self.txt_value(index))
        return record

    @cached_property
    def txt_records(self) -> list[int]:
        return list(self.zone.index.of_type(TXT))

    @cached_property
    def _txt_read(
        self,
    ) -> tuple[
        dict[str, list[int]],
        list[tuple[int, str, str]],
        list[int],
        list[tuple[int, str]],
    ]:
        """Every TXT record read once for the mail rules (PERF: one owner
        key and one value each, kept only where a rule reads it again):
        spf_by_owner, dmarc_records, spf_not_first, domainkey_records.

        PERF: the zone leaves out the records whose owner and value surely
        hold none of ``_dmarc``, ``_domainkey``, ``pf1`` or ``dmarc1`` (of
        v=spf1, v=DMARC1), their owner and value unread (most TXT records
        of a zone: site verifications, notes), and gives the others' values
        where their strings are plainly written (Zone.txt_reads)."""
        owner_key = self.zone.index.owner_key
        values = self._txt_values
        spf: dict[str, list[int]] = defaultdict(list)
        dmarc = []
        not_first = []
        domainkey = []
        for i, value in self.zone.txt_reads(self.txt_records, values):
            owner = owner_key(i)
            if value is None:
                value = self._read_txt(i)
            # What these tests keep, a record passed by its text must never
            # be: a kind of TXT record added here needs the words it is told
            # by in zonefix.bind.mail_texts.MAIL_WORDS (passed_by_text).
            if is_spf(value):
                spf[owner].append(i)
                values[i] = value
            if is_dmarc(value) or owner.startswith("_dmarc."):
                dmarc.append((i, owner, value))
            if spf_word_not_first(value):
                not_first.append(i)
            if "._domainkey." in owner:
                domainkey.append((i, owner))
                values[i] = value
        return dict(spf), dmarc, not_first, domainkey

    @cached_property
    def dmarc_records(self) -> list[tuple[int, str, str]]:
        """TXT records that say v=DMARC1, or stand at a _dmarc name: (record,
        owner key, value), read once for the DMARC rules."""
        return self._txt_read[1]

    @cached_property
    def spf_by_owner(self) -> dict[str, list[int]]:
        """SPF TXT records by owner key, in file order."""
        return self._txt_read[0]

    @property
    def spf_not_first(self) -> list[int]:
        """TXT records that hold ``v=spf1`` as a word but not first, in file
        order (ZF303)."""
        return self._txt_read[2]

    @property
    def domainkey_records(self) -> list[tuple[int, str]]:
        """TXT records at a name below a ``_domainkey`` label: (record,
        owner key), in file order (DKIM keys, ZF405 and ZF208)."""
        return self._txt_read[3]

    @cached_property
    def domains(self) -> list[MailDomain]:
        """Every mail domain of the zone, in the order its first record is
        written."""
        zone = self.zone
        index = zone.index
        mx_records = index.of_type(MX)
        if not mx_records and not self.settings.providers:
            return []
        by_owner: dict[str, Sequence[int]] = dict(index.at_owners_of(mx_records))
        missing = [key for key in self.configured if key not in by_owner]
        by_owner.update(index.records_at(missing))
        apex = zone.origin_text.lower() if zone.origin_text is not None else None
        domains = []
        # PERF: what the loop asks of every MX worked out at once, in the
        # order of mx_records (each MX's host taken from the table of
        # targets, not a call for each), and each MX record's place there
        # found by a look-up (not a bisection of the array, and a type test
        # for every record at an owner).
        place = dict(zip(mx_records, range(len(mx_records)), strict=True))
        mx_hosts = index.target_keys(MX)
        # Each distinct host as MxRecord holds it (a provider's host, named
        # by thousands of MX records, kept once): PERF, stripped once.
        found = index.target_names(MX)
        found.discard(None)
        distinct = cast("set[str]", found)
        stripped: dict[str | None, str] = dict(
            zip(distinct, map(str.rstrip, distinct, repeat(".")), strict=True)
        )
        del distinct, found
        # PERF: read a few thousand at a time; each word read as a number
        # once (a zone's MX share a few preferences): None where it is none.
        numbers: dict[str, int | None] = {}
        mx_preferences: list[int | None] = []
        for start in range(0, len(mx_records), _AT_ONCE):
            words = zone.mx_preference_words(mx_records[start : start + _AT_ONCE])
            for word in set(words).difference(numbers):
                numbers[word] = int(word) if word.isdigit() else None
            mx_preferences += map(numbers.__getitem__, words)
        configured = self.configured
        spf_by_owner = self.spf_by_owner
        holders_of = self._holders_of
        inferred = self._inferred
        keys = list(by_owner)
        # PERF: the names below a delegation told at once (below_cuts).
        for key, below in zip(keys, index.below_cuts(keys), strict=True):
            if below:
                # The child zone answers there: the parent's MX is never
                # served (ZF118 says so), so it is no mail domain of this zone.
                continue
            records = by_owner[key]
            mx: list[MxRecord] = []
            null: list[int] = []
            hosts: list[str] = []
            for i in records:
                at = place.get(i)
                if at is None:
                    continue  # no MX
                host = mx_hosts[at]
                preference = mx_preferences[at]
                if host is None or preference is None:
                    continue
                if preference == 0 and host == ".":
                    null.append(i)
                else:
                    host = stripped[host]
                    mx.append(MxRecord(i, preference, host))
                    hosts.append(host)
            provider: Profile | None
            candidates: tuple[Profile, ...] = ()
            unknown: tuple[MxRecord, ...] = ()
            if key in configured:
                provider = configured[key]
                told = True
            elif not mx:
                continue
            else:
                # _inferred_from, with no call of it: its answers are kept
                # by the holders' lists' ids (_kept_inference).
                held = holders_of(hosts, key)
                kept = inferred.get(tuple(map(id, held)))
                if kept is None:
                    kept = self._kept_inference(held)
                provider, candidates, unknown_at = kept[1]
                if unknown_at:
                    unknown = tuple(map(mx.__getitem__, unknown_at))
                told = False
            domains.append(
                MailDomain(
                    key,
                    tuple(mx),
                    tuple(null),
                    tuple(records),
                    provider,
                    told,
                    candidates,
                    unknown,
                    tuple(spf_by_owner.get(key, ())),
                    key == apex,
                )
            )
        # In the order of their first records, a domain with none first
        # (PERF: their records' tuples compared, taken by an attrgetter at C
        # speed, not a Python key each; no two domains share a record).
        domains.sort(key=attrgetter("records"))
        return domains

    def infer(
        self, domain: str, mx: list[MxRecord]
    ) -> tuple[Profile | None, tuple[Profile, ...], tuple[MxRecord, ...]]:
        """The provider every MX host at *domain* belongs to (SPEC §3 ZF2):
        (the provider, or None with the candidates that kept it from being
        inferred, and the hosts of no known provider).

        A provider is inferred only when all the hosts are of one family and
        one of its profiles holds every host its sets name. Hosts of two
        families, of two sites of one, or of one family beside hosts of no
        known provider infer nothing: which records are the leftovers is
        for the owner to say."""
        return self._inferred_from([self.holders(m.host, domain) for m in mx], mx)

    def _inferred_from(
        self, holders: list[list[Profile]], mx: list[MxRecord]
    ) -> tuple[Profile | None, tuple[Profile, ...], tuple[MxRecord, ...]]:
        """infer()'s answer for MX *mx*, whose hosts' holders are *holders*."""
        provider, candidates, unknown = self._kept_inference(holders)[1]
        if not unknown:
            return provider, candidates, ()
        return provider, candidates, tuple(mx[at] for at in unknown)

    def _kept_inference(
        self, holders: list[list[Profile]]
    ) -> tuple[
        list[list[Profile]],
        tuple[Profile | None, tuple[Profile, ...], tuple[int, ...]],
    ]:
        """*holders* with _inferred's answer for them (the hosts of no known
        provider by their places). PERF: the answer depends only on the
        hosts' holders, in order: worked out once for each sequence of
        them, kept by the lists' ids (the lists are kept with the answer,
        so no id is another's)."""
        key = tuple(map(id, holders))
        kept = self._inferred.get(key)
        if kept is None:
            kept = (holders, _inferred(holders))
            if len(self._inferred) < _INFERRED_KEPT:
                self._inferred[key] = kept
        return kept

    def _holders_of(self, hosts: list[str], domain: str) -> list[list[Profile]]:
        """holders() of each of *hosts* at *domain*. PERF: a host whose
        answer is kept is looked up, and one whose last two labels no
        pattern may end with (a domain's own server: most hosts of a
        hosting zone, none kept) is told by one test of its text, not a
        call of holders() each."""
        found: list[list[Profile] | None] = list(map(self._holders.get, hosts))
        if None not in found:
            return found  # type: ignore[return-value]
        tails = self._tails
        for at, holders in enumerate(found):
            if holders is None:
                host = hosts[at]
                if (
                    tails is not None
                    and not host.endswith(self._tail_suffixes)
                    and host not in tails
                ):
                    found[at] = _NO_HOLDERS
                else:
                    found[at] = self.holders(host, domain)
        return found  # type: ignore[return-value]

    def holders(self, host: str, domain: str) -> list[Profile]:
        """The profiles *host* belongs to: those whose MX sets name it,
        else those whose family's host patterns match it most closely."""
        found = self._holders.get(host)
        if found is not None:
            return found
        facts = self._host_facts.get(host)
        if facts is None:
            facts = self._facts_of(host)
            if facts is None:
                # PERF: a host no pattern could name (a domain's own server,
                # most of a hosting zone's) is quickly found to be none.
                return _NO_HOLDERS
            self._host_facts[host] = facts
        anywhere, by_dashes = facts
        if not by_dashes:
            # PERF: kept by host where the answer is the same at every
            # domain (a provider's host).
            self._holders[host] = anywhere
            return anywhere
        # PERF: the patterns that name a domain ({domain-dashes}) were
        # matched once: the domain's dashes are looked up.
        found = by_dashes.get(domain.rstrip(".").replace(".", "-"))
        return anywhere if found is None else found

    def _holders_named(self, places: set[int] | frozenset[int]) -> list[Profile]:
        """The profiles at *places* (in profiles), as one list for each set
        of them (infer() names a list by its id, and a domain's answer is
        no list of its own)."""
        key = tuple(sorted(places))
        found = self._named_lists.get(key)
        if found is None:
            profiles = self._profile_list
            found = self._named_lists[key] = [profiles[p] for p in key]
        return found

    @cached_property
    def _mx_hosts(self) -> HostPatterns[int]:
        """The hosts each profile's MX sets name (written out, or patterns:
        ``*``, ``{domain-dashes}``), with the profile's place in profiles."""
        return HostPatterns(
            (mx.host, place)
            for place, profile in enumerate(self.profiles.values())
            for host_set in profile.mx_sets
            for mx in host_set
        )

    @cached_property
    def _family_hosts(self) -> HostPatterns[int]:
        """Each profile's family host patterns, with the profile's place."""
        return HostPatterns(
            (pattern, place)
            for place, profile in enumerate(self.profiles.values())
            for pattern in profile.family_hosts
        )

    def _facts_of(
        self, host: str
    ) -> tuple[list[Profile], dict[str, list[Profile]]] | None:
        """What holders() gives for *host* (None where no pattern could
        name it): its answer at a domain no pattern names with the host
        ({domain-dashes}), and the answers at those that some do, by the
        domain's dashes (the text the placeholder stands for there). The
        answer is the profiles whose MX sets name the host, else those
        whose family's patterns match it longest."""
        # (Profile.set_of is not None; Profile.family_match.)
        tail = tail_labels(host)
        if self._tails is not None and tail not in self._tails:
            return None  # PERF: told by one look-up
        candidates = self._mx_hosts.candidates_at(tail)
        family = self._family_hosts.candidates_at(tail)
        if not candidates and not family:
            return None
        named: set[int] = set()
        # The places a pattern naming a domain adds there, by its dashes:
        # each pattern matched once, as host_matches matches it.
        dashed: dict[str, set[int]] = {}
        for pattern, place in candidates:
            if "{" not in pattern:
                if host_matches(host, pattern, ""):
                    named.add(place)
                continue
            match = host_pattern(pattern).fullmatch(host)
            if match is None:
                continue
            dashes = match.groupdict().get("dashes")
            if dashes is None:
                named.add(place)
            else:
                dashed.setdefault(dashes, set()).add(place)
        longest: dict[int, int] = {}
        for pattern, place in family:
            if len(pattern) > longest.get(place, 0) and host_matches(host, pattern, ""):
                longest[place] = len(pattern)
        best = max(longest.values(), default=0)
        profiles = self._profile_list
        closest = [profiles[p] for p in sorted(longest) if longest[p] == best]
        anywhere = self._holders_named(named) if named else closest
        by_dashes = {
            dashes: self._holders_named(named | places)
            for dashes, places in dashed.items()
        }
        return anywhere, by_dashes

    @cached_property
    def _tails(self) -> frozenset[str] | None:
        """The last two labels of every host a pattern may name, where
        every pattern's are known (HostPatterns.tails)."""
        mx, family = self._mx_hosts.tails(), self._family_hosts.tails()
        return None if mx is None or family is None else mx | family

    @cached_property
    def _tail_suffixes(self) -> tuple[str, ...]:
        """A dot and each of _tails: a host ends with one exactly where its
        tail_labels are that tail and it has more labels."""
        return tuple(f".{tail}" for tail in self._tails or ())

    @cached_property
    def _profile_list(self) -> list[Profile]:
        return list(self.profiles.values())

    def profile_of_host(self, host: str, domain: str) -> Profile | None:
        """The profile whose MX sets hold *host*, else whose family does."""
        holders = self.holders(host, domain)
        return holders[0] if holders else None

    @cached_property
    def _by_name(self) -> dict[str, MailDomain]:
        return {d.name: d for d in self.domains}

    def domain_of(self, key: str) -> MailDomain | None:
        """The mail domain named by *key*, if it is one."""
        return self._by_name.get(key)


def _inferred(
    holders: list[list[Profile]],
) -> tuple[Profile | None, tuple[Profile, ...], tuple[int, ...]]:
    """MailView.infer's answer for MX hosts whose holders are *holders*, in
    order: the hosts of no known provider by their places."""
    unknown: list[int] = []
    # family -> the profiles that hold every host of it seen so far.
    fitting: dict[str, list[Profile]] = {}
    named: dict[str, list[Profile]] = {}
    for at, found in enumerate(holders):
        if not found:
            unknown.append(at)
            continue
        # The holders by family, in the order they come (PERF: the usual
        # host, of one profile, is not grouped).
        families: dict[str, list[Profile]]
        if len(found) == 1:
            families = {found[0].family: found}
        else:
            families = {}
            for p in found:
                families.setdefault(p.family, []).append(p)
        for family, mine in families.items():
            seen = named.setdefault(family, [])
            seen.extend(p for p in mine if p not in seen)
            before = fitting.get(family)
            fitting[family] = (
                mine if before is None else [p for p in before if p in mine]
            )
    if not named:
        return None, (), tuple(unknown)
    if len(named) == 1 and not unknown:
        family = next(iter(named))
        if fitting[family]:
            return fitting[family][0], (), ()
        return None, tuple(named[family]), ()  # two sites of one provider
    candidates = [(fitting[f] or named[f])[0] for f in named]
    return None, tuple(candidates), tuple(unknown)


# How many sequences of holders MailView.infer keeps its answer for (a zone
# has a few; a bound, so that one of many odd mixes keeps no more).
_INFERRED_KEPT = 4096
# What holders() gives for a host of no known provider (one list, not
# changed by any caller: infer() names it by its id).
_NO_HOLDERS: list[Profile] = []


def _absolute_key(name: str, origin: dns.name.Name | None) -> str | None:
    if name == "@":
        return origin.to_text().lower() if origin is not None else None
    import dns.exception
    import dns.name

    try:
        return dns.name.from_text(name, origin).to_text().lower()
    except dns.exception.DNSException:
        return None
