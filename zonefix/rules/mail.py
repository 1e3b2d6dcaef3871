"""ZF2: mail routing, checked against the provider profiles (SPEC §3, §5).

Whose mail a name is comes from configuration (``mail-provider``) or is
inferred from its MX hosts (zonefix/mail/domains.py). Fixes that change
where mail goes are safe only for a configured provider: an inference is a
guess, and a pre-commit hook must never reroute a domain's mail on one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from fnmatch import fnmatchcase
from itertools import compress, repeat
from operator import attrgetter, not_, or_
from typing import TYPE_CHECKING, cast

from zonefix import rrtypes
from zonefix.addresses import is_address, may_be_address
from zonefix.diagnostics import Applicability, Code, Diagnostic, Fix, Severity
from zonefix.index import bad_host_label
from zonefix.mail.domains import MailDomain, MailView, MxRecord
from zonefix.providers import OTHER
from zonefix.rules.registry import (
    FixAvailability,
    delete_fix,
    finding_at_field,
    insert_fix,
    replace_field_fix,
    rule,
)

if TYPE_CHECKING:
    from zonefix.providers import MxHost, Profile
    from zonefix.rules.context import RuleContext
    from zonefix.zone import Zone


def applicability(domain: MailDomain) -> Applicability:
    """Fixes that change where mail goes, or who may send it, apply unseen
    only for a provider the owner configured (SPEC §3 ZF2)."""
    return Applicability.SAFE if domain.configured else Applicability.UNSAFE


def provenance(domain: MailDomain) -> str:
    """How the domain's provider is known, and for an inferred one the
    setting that would make the fixes safe."""
    assert domain.provider is not None
    ident = domain.provider.id
    if domain.configured:
        return f"provider {ident}, configured"
    table = f'mail-provider = {{ "{domain.name}" = "{ident}" }}'
    return f"provider {ident}, inferred from its MX; {table} makes the fix safe"


FOREIGN_MX = Code(
    "ZF201",
    "foreign-mx",
    Severity.ERROR,
    "MX host not of the domain's provider (mail goes astray)",
)


@rule(FOREIGN_MX, FixAvailability.SAFE)
def foreign_mx(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an MX host at a mail domain that is not one of its provider's
    hosts: an old provider's MX left over after a migration, or a host of
    the same provider's other site (`mx2.hk.aliyun.com` on a domain of
    `alibaba-mail-sg`). The provider is the one configured for the domain
    (`mail-provider`), or the one inferred when every MX host there belongs
    to one provider, in which case no host is foreign. A host of the
    provider's own family (Google's `aspmx2.googlemail.com` backups) is
    never foreign. One finding per record; a null MX is ZF206's.

    ## Why it matters
    Senders try every MX. Mail that reaches a host of another provider, or
    of another site, is refused or lands in a mailbox nobody reads.
    Alibaba's own setup guide tells customers to keep only its MX records.

    ## Example
    ```
    ; zonefix.toml: mail-provider = "alibaba-mail"
    $TTL 3600
    @  MX  5   mx1.qiye.aliyun.com.
    @  MX  10  mx2.qiye.aliyun.com.
    @  MX  15  mx3.qiye.aliyun.com.
    @  MX  10  mx.oldhost.com.      ; left over
    ```

    ## Fix
    Delete the record: safe when the provider is configured, unsafe
    otherwise (deleting an MX changes where mail goes).
    """
    zone = ctx.zone
    view = ctx.mail
    for domain in view.domains:
        provider = domain.provider
        if provider is None:
            continue
        for mx in domain.mx:
            if provider.set_of(mx.host, domain.name) is not None:
                continue
            holders = view.holders(mx.host, domain.name)
            if provider in holders:
                continue  # a host of the provider's own family
            kin = [p for p in holders if p.family == provider.family]
            if kin:
                what = (
                    f"MX {mx.host}. at {domain.name} is a host of {kin[0].name}, "
                    f"not of {provider.name} ({provenance(domain)})"
                )
            elif holders:
                what = (
                    f"foreign MX {mx.host}. at {domain.name}: a host of "
                    f"{holders[0].id} ({provenance(domain)})"
                )
            else:
                what = f"foreign MX {mx.host}. at {domain.name} ({provenance(domain)})"
            fix = delete_fix(
                zone, mx.record, f"delete the MX {mx.host}.", applicability(domain)
            )
            yield finding_at_field(zone, FOREIGN_MX, what, mx.record, 1, fix)


def chosen_set(domain: MailDomain, provider: Profile) -> int:
    """The MX set most of the present hosts belong to (the first on a tie)."""
    counts = [0] * len(provider.mx_sets)
    for mx in domain.mx:
        for n in range(len(counts)):
            if provider.in_set(mx.host, domain.name, n) is not None:
                counts[n] += 1
    return counts.index(max(counts))


def documented(domain: MailDomain, provider: Profile) -> list[tuple[MxRecord, MxHost]]:
    """The domain's MX that the provider's chosen set names, each with the
    set's entry for it."""
    n = chosen_set(domain, provider)
    found = []
    for mx in domain.mx:
        entry = provider.in_set(mx.host, domain.name, n)
        if entry is not None:
            found.append((mx, entry))
    return found


def priority_for(wanted: int, present: list[tuple[MxRecord, MxHost]]) -> int | None:
    """A priority for a missing host the provider documents at *wanted*,
    in the order the present hosts keep (priorities are relative): the
    documented one where it fits, else one between its neighbours that
    keeps the documented gap; None where no whole number fits."""
    if all(mx.preference == entry.priority for mx, entry in present):
        return wanted
    same = [mx.preference for mx, entry in present if entry.priority == wanted]
    if same:
        return min(same)
    below = [(e.priority, mx.preference) for mx, e in present if e.priority < wanted]
    above = [(e.priority, mx.preference) for mx, e in present if e.priority > wanted]
    low = max((p for _, p in below), default=None)
    high = min((p for _, p in above), default=None)
    if (low is None or low < wanted) and (high is None or wanted < high):
        return wanted
    if high is None and low is not None:
        after = low + wanted - max(d for d, _ in below)
        return after if after <= 65535 else (65535 if low < 65535 else None)
    if low is None and high is not None:
        before = high - (min(d for d, _ in above) - wanted)
        return max(before, 0) if high > 0 else None
    if low is not None and high is not None and high - low >= 2:
        return (low + high) // 2
    return None


PROVIDER_MX_MISSING = Code(
    "ZF202",
    "provider-mx-missing",
    Severity.ERROR,
    "an MX host the provider requires is absent",
)


@rule(PROVIDER_MX_MISSING, FixAvailability.SAFE)
def provider_mx_missing(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain that lacks an MX host its provider requires: one
    finding, at the domain's first MX, naming every missing host. Only the
    hosts a profile marks required are asked for: Google's older set needs
    `aspmx.l.google.com`, and its backups (`alt1`-`alt4`, the
    `googlemail.com` hosts) may be there or not. Where a provider accepts
    several MX sets (Google's `smtp.google.com` or the older `aspmx` set),
    the set asked for is the one most present hosts belong to. Providers
    known only from third-party guides are recognised, never asked for.

    ## Why it matters
    The provider's backup hosts take mail when the first is busy or down;
    without them mail waits or bounces. A half-done migration often copies
    only the first MX.

    ## Example
    ```
    $TTL 3600
    @  MX  5  mx1.qiye.aliyun.com.
    ; mx2 and mx3 missing
    ```

    ## Fix
    Add the missing hosts after the domain's last MX, in the file's style,
    with priorities in the order the present hosts keep (the profile's
    where they fit). Safe when the provider is configured; unsafe when it
    is inferred.
    """
    zone = ctx.zone
    for domain in ctx.mail.domains:
        provider = domain.provider
        if provider is None or not provider.writes_records or not domain.mx:
            continue
        n = chosen_set(domain, provider)
        present = {mx.host for mx in domain.mx}
        missing = [
            entry
            for entry in provider.mx_set(n, domain.name)
            if entry.required and "*" not in entry.host and entry.host not in present
        ]
        if not missing:
            continue
        have = documented(domain, provider)
        planned = [(priority_for(e.priority, have), e.host) for e in missing]
        hosts = ", ".join(f"{e.priority} {e.host}." for e in missing)
        fix = None
        if all(p is not None for p, _ in planned):
            import dns.name

            from zonefix.record_edits import NewRecord

            owner = dns.name.from_text(domain.name)
            records = [
                NewRecord(owner, "MX", (str(p), f"{h}."))
                for p, h in sorted(planned, key=lambda x: (x[0] or 0, x[1]))
            ]
            written = ", ".join(f"{p} {h}." for p, h in planned)
            fix = insert_fix(zone, records, f"add MX {written}", applicability(domain))
        yield zone.finding_at_record(
            PROVIDER_MX_MISSING,
            f"{domain.name} lacks MX {hosts} ({provenance(domain)})",
            domain.anchor,
            fix,
        )


PROVIDER_MX_PRIORITY = Code(
    "ZF203",
    "provider-mx-priority",
    Severity.WARNING,
    "the provider's hosts are not in its order of preference",
)


@rule(PROVIDER_MX_PRIORITY, FixAvailability.SAFE)
def provider_mx_priority(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain whose provider's hosts are not in the provider's
    order of preference (`mx3` preferred over `mx1`, or the two equal where
    the provider puts one first), or where a host outside the provider's
    set is preferred over all of them. Priorities are relative: `10/20/30`
    for a documented `5/10/15` is the same order, and no finding. One
    finding per domain, at the first MX out of order.

    ## Why it matters
    Senders try hosts in priority order. With the order changed, mail goes
    first to a backup host, which some providers serve more slowly or only
    queue for.

    ## Example
    ```
    $TTL 3600
    @  MX  20  mx1.qiye.aliyun.com.
    @  MX  10  mx2.qiye.aliyun.com.
    @  MX  30  mx3.qiye.aliyun.com.
    ```

    ## Fix
    Write the profile's priorities on the provider's hosts: safe when the
    provider is configured, unsafe when it is inferred. None when a host
    outside the set is the one preferred.
    """
    zone = ctx.zone
    view = ctx.mail
    for domain in view.domains:
        provider = domain.provider
        if provider is None or not provider.writes_records:
            continue
        have = documented(domain, provider)
        if not have:
            continue
        inverted = _first_inversion(have)
        ours = {mx.record for mx, _ in have}
        best = min(mx.preference for mx, _ in have)
        outside = [
            mx
            for mx in domain.mx
            if mx.record not in ours
            and mx.preference < best
            and provider in view.holders(mx.host, domain.name)
        ]
        if inverted is not None:
            (a, entry_a), (b, entry_b) = inverted
            how = (
                "as preferred as" if a.preference == b.preference else "preferred over"
            )
            message = (
                f"MX {b.host}. (priority {b.preference}) is {how} {a.host}. "
                f"({a.preference}); {provider.id} puts {a.host}. first "
                f"({entry_a.priority}, then {entry_b.priority}) ({provenance(domain)})"
            )
            fix = _priorities_fix(zone, have, domain)
            yield finding_at_field(
                zone, PROVIDER_MX_PRIORITY, message, min(a.record, b.record), 0, fix
            )
        elif outside:
            first = min(outside, key=lambda m: m.record)
            yield finding_at_field(
                zone,
                PROVIDER_MX_PRIORITY,
                f"MX {first.host}. (priority {first.preference}), outside "
                f"{provider.id}'s set, is preferred over its hosts (lowest {best})",
                first.record,
                0,
            )


def _first_inversion(
    have: list[tuple[MxRecord, MxHost]],
) -> tuple[tuple[MxRecord, MxHost], tuple[MxRecord, MxHost]] | None:
    """Two hosts the provider orders (a before b) whose priorities do not."""
    ordered = sorted(have, key=lambda h: (h[1].priority, h[0].record))
    for i, (a, entry_a) in enumerate(ordered):
        for b, entry_b in ordered[i + 1 :]:
            if entry_a.priority < entry_b.priority and a.preference >= b.preference:
                return (a, entry_a), (b, entry_b)
    return None


def _priorities_fix(
    zone: Zone, have: list[tuple[MxRecord, MxHost]], domain: MailDomain
) -> Fix | None:
    from zonefix.document import CannotEdit, RecordEdit, ReplaceRdata

    edits: list[RecordEdit] = []
    for mx, entry in have:
        if mx.preference == entry.priority:
            continue
        rdata = zone.index.rdata(mx.record)
        edits.append(ReplaceRdata(mx.record, rdata.replace(preference=entry.priority)))
    if not edits:
        return None
    try:
        lowered = zone.lower(edits)
    except CannotEdit:
        return None
    assert domain.provider is not None
    return Fix(
        f"set {domain.provider.id}'s priorities",
        applicability(domain),
        lowered,
        record_edits=tuple(edits),
    )


MIXED_MAIL_PROVIDERS = Code(
    "ZF204",
    "mixed-mail-providers",
    Severity.ERROR,
    "MX hosts of several providers, or of one beside unknown hosts, none configured",
)


# An MxRecord's host (PERF: an attrgetter, at C speed).
_HOST = attrgetter("host")

# Hosts of one provider beside hosts of none: a warning (PERF: made once).
_MIXED_BESIDE_UNKNOWN = MIXED_MAIL_PROVIDERS._replace(severity=Severity.WARNING)


@rule(MIXED_MAIL_PROVIDERS)
def mixed_mail_providers(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain whose MX hosts zonefix cannot tie to one
    provider, when none is configured for it: hosts of two or more
    providers (or two sites of one), or hosts of one provider beside hosts
    of no provider zonefix knows (your own server, a forwarder). zonefix
    then infers nothing, so it tells no record apart as a leftover. Once,
    at the domain's first MX, naming the hosts and the `mail-provider`
    setting that would settle it: a provider's id, or `"other"` when the
    other hosts are yours and intended.

    ## Why it matters
    Usually a half-finished migration: part of the mail goes to the old
    provider. Sometimes it is a design (an own server with a provider as
    backup): saying so in the configuration lets the other rules check the
    rest.

    ## Example
    ```
    $TTL 3600
    @  MX  5   mx1.qiye.aliyun.com.
    @  MX  10  aspmx.l.google.com.
    ```

    ## Fix
    None: say which provider the domain uses, with `mail-provider` in the
    configuration (or `--mail-provider ID` for the apex); then ZF201 reports
    the other hosts.
    """
    zone = ctx.zone
    # PERF: what the messages say of the candidates (_candidates_said),
    # worked out once for each tuple of them (the mail view shares one among
    # the domains whose hosts' holders are alike: thousands of domains, a
    # few tuples), named by its id while the domains hold it.
    named: dict[int, tuple[str, str, str, str, str]] = {}

    def found() -> Iterator[tuple[Code, str, int | None, None]]:
        for domain in ctx.mail.domains:
            candidates = domain.candidates
            if domain.configured or not candidates:
                continue
            said = named.get(id(candidates))
            if said is None:
                said = named[id(candidates)] = _candidates_said(candidates)
            first, both, several, listed, either = said
            if domain.unknown:
                # Each host with its final dot, ", " between (PERF: joined at
                # C speed, no string made for each).
                hosts = "., ".join(map(_HOST, domain.unknown)) + "."
                message = (
                    f"MX hosts of {both} at {domain.name} beside hosts "
                    f"of no known provider ({hosts}): no provider is inferred; set "
                    f"{domain.setting(first)} if those are leftovers, or "
                    f'"{OTHER}" if they are yours'
                )
                yield _MIXED_BESIDE_UNKNOWN, message, domain.anchor, None
            else:
                message = (
                    f"MX hosts of {several} at {domain.name} "
                    f"({listed}); say which is in use: "
                    f"{domain.setting('ID')}, with ID {either}"
                )
                yield MIXED_MAIL_PROVIDERS, message, domain.anchor, None

    # PERF: placed together (findings_at_records): a zone may have
    # thousands of such domains.
    yield from zone.findings_at_records(found())


def _candidates_said(candidates: tuple[Profile, ...]) -> tuple[str, str, str, str, str]:
    """What ZF204's messages say of *candidates*: the first's id, the ids
    joined by "and", how many providers (or sites of one), the ids listed,
    and joined by "or"."""
    ids = [p.id for p in candidates]
    families = {p.family for p in candidates}
    what = "sites of one provider" if len(families) == 1 else "providers"
    return (
        ids[0],
        " and ".join(ids),
        f"{len(ids)} {what}",
        ", ".join(ids),
        " or ".join(ids),
    )


MX_TARGET_NO_ADDRESS = Code(
    "ZF205",
    "mx-target-no-address",
    Severity.ERROR,
    "in-zone MX target with no A/AAAA",
)


@rule(MX_TARGET_NO_ADDRESS)
def mx_target_no_address(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an MX whose host is a name in this zone with no A or AAAA
    record. A host that is an alias (ZF105), an address (ZF106) or written
    without its final dot (ZF104) is left to those rules; a host below a
    delegation is the child zone's business, and a wildcard's address
    counts.

    ## Why it matters
    Senders cannot find the address to deliver to: mail for the domain
    waits and then bounces.

    ## Example
    ```
    $TTL 3600
    @     MX  10  mail
    ; no "mail A ..." record
    ```

    ## Fix
    None: add the host's address records, or point the MX at a host that
    has them.
    """
    zone = ctx.zone
    if zone.origin_text is None:
        return
    zone_index = zone.index
    # PERF: the hosts judged first, and the records that name them
    # (mx_hosts_to_look_up, a step per MX record) listed only where one
    # lacks an address (few zones): every host _lacking_address keeps is
    # asked about, those whose records mx_hosts_to_look_up passes over too
    # (an answer about a name is the same whichever others are asked).
    hosts = _lacking_address(zone, _mx_hosts(zone))
    if not hosts:
        return
    # PERF: which hosts hold records, and which hold an address, told at
    # once (owners_among: no list of records per host); the names a
    # wildcard may answer for asked about only for the hosts with no
    # records (has_address asks for them only there; most hosts have an
    # address).
    held, addressed = zone_index.owners_among(hosts, _ADDRESS_TYPES)
    empty = [host for host in hosts if host not in held]
    if empty:
        more, more_addressed = zone_index.owners_among(
            zone_index.wildcard_keys(empty), _ADDRESS_TYPES
        )
        held |= more
        addressed |= more_addressed
    # (held and addressed hold each host asked about, and every name
    # has_address_among looks at for one that holds no record.)
    lacking = hosts.difference(addressed.intersection(held))
    if not lacking:
        return
    for host, records in mx_hosts_to_look_up(zone).items():
        if host not in lacking:
            continue
        if host not in held and zone_index.has_address_among(host, held, addressed):
            continue
        for i in records:
            yield finding_at_field(
                zone,
                MX_TARGET_NO_ADDRESS,
                f"MX host {host} has no A or AAAA record in the zone",
                i,
                1,
            )


_ADDRESS_TYPES = frozenset((rrtypes.A, rrtypes.AAAA))


def mx_hosts_to_look_up(zone: Zone) -> dict[str, list[int]]:
    """The MX records whose hosts ZF205 looks up, by host: in-zone names,
    not written as an address (ZF106), without their final dot (ZF104),
    as an alias (ZF105) or a name no host may have (ZF115), nor the child
    zone's."""
    zone_index = zone.index
    dotless = {d.record for d in zone_index.dotless_names() if d.position == 1}
    # PERF: each distinct host judged once, all together (_lacking_address):
    # a provider's host is named by thousands of MX records.
    lacking = _lacking_address(zone, _mx_hosts(zone))
    # The host as written is read only where its key could be an address's
    # (an address's key keeps its first digit or its colon).
    addressed = {host for host in lacking if may_be_address(host)}
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, host in zone_index.targets_of(rrtypes.MX):
        if host not in lacking or (dotless and i in dotless):
            continue  # (None is not lacking)
        if host in addressed:
            words = zone_index.rdata_words(i)
            if len(words) < 2 or is_address(words[1].rstrip(".")):
                continue  # ZF106's
        wanted[host].append(i)
    return wanted


def _mx_hosts(zone: Zone) -> set[str]:
    """The keys of the MX records' hosts, each once. PERF: taken from the
    table of targets at once (target_names). (None: no host written; "" is
    no key, and no host either.)"""
    hosts = zone.index.target_names(rrtypes.MX)
    hosts.discard(None)
    hosts.discard("")
    return cast("set[str]", hosts)


def _lacking_address(zone: Zone, hosts: set[str]) -> set[str]:
    """Those of *hosts* (_mx_hosts: the MX hosts' keys, each of them) that
    are ZF205's to look up: names in this zone that are not the null MX's,
    an alias (ZF105), a name no host may have (ZF115) or the child zone's.
    PERF: told at once, with no Python step per host but for the few that
    may be an alias or are not plain host names: one hash test each
    (aliases_among), the names that are not plain hosts matched once per
    run (not_plain_targets), a suffix test and below_cuts."""
    zone_index = zone.index
    names = list(hosts - {"."})
    unlike = set(zone_index.aliases_among(names))
    # PERF: the MX hosts that are no plain host name, matched once per run
    # (ZF115 asks for them too).
    odd = zone_index.not_plain_targets(rrtypes.MX).intersection(names)
    unlike.update(name for name in odd if name and bad_host_label(name))
    names = [name for name in names if name not in unlike] if unlike else names
    apex = zone_index.apex_key
    # (No name left holds a backslash: bad_host_label finds one in any.)
    if "\\" in apex:
        names = [name for name in names if _in_zone(name, apex, zone)]
    elif apex != ".":
        suffix = f".{apex}"
        inside = map(
            or_, map(str.endswith, names, repeat(suffix)), map(apex.__eq__, names)
        )
        names = list(compress(names, inside))
    below = zone_index.below_cuts(names)
    return set(compress(names, map(not_, below)))


def _in_zone(key: str, apex_key: str, zone: Zone) -> bool:
    """Name *key* (canonical text) is at or below the zone's apex. PERF:
    compared as text where no escape can make a dot other than a label's."""
    if "\\" in key or "\\" in apex_key:
        import dns.name

        origin = zone.origin
        assert origin is not None
        return dns.name.from_text(key).is_subdomain(origin)
    return apex_key == "." or key == apex_key or key.endswith("." + apex_key)


NULL_MX_MIXED = Code(
    "ZF206",
    "null-mx-mixed",
    Severity.ERROR,
    "null MX (0 .) beside other MX",
)


@rule(NULL_MX_MIXED)
def null_mx_mixed(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a null MX (`0 .`, RFC 7505: "this domain accepts no mail")
    at a name that also has other MX records, once, at the name's first MX.

    ## Why it matters
    The two say opposite things. RFC 7505 forbids other MX beside a null
    MX; senders differ in which they believe.

    ## Example
    ```
    $TTL 3600
    @  MX  0   .
    @  MX  10  mx1.qiye.aliyun.com.
    ```

    ## Fix
    None: delete the null MX if the domain takes mail, else the others.
    """
    zone = ctx.zone
    for domain in ctx.mail.domains:
        if domain.null_mx and domain.mx:
            yield zone.finding_at_record(
                NULL_MX_MIXED,
                f"null MX beside {len(domain.mx)} other MX at {domain.name}",
                domain.anchor,
            )


PROVIDER_CLIENT_RECORD = Code(
    "ZF207",
    "provider-client-record",
    Severity.WARNING,
    "a client name of the provider points elsewhere, or a recommended one is missing",
)


@rule(PROVIDER_CLIENT_RECORD, FixAvailability.SAFE)
def provider_client_record(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a client name of the domain's provider (`imap`, `pop3`,
    `smtp`, `mail`, …) that is a CNAME to another provider's or another
    site's host (`imap` → `imap.hk.aliyun.com` on a domain of
    `alibaba-mail-sg`, `smtp` → `smtp.exmail.qq.com` left from Tencent
    Exmail); and, where the provider is configured, a client name its
    profile marks recommended that has no record at all. A CNAME to a host
    of your own is left alone.

    ## Why it matters
    Mail programs set up with `imap.example.net` reach the old provider or
    the wrong site: logins fail, or read an empty mailbox.

    ## Example
    ```
    $TTL 3600
    @     MX     5   mx1.sg.aliyun.com.
    @     MX     10  mx2.sg.aliyun.com.
    imap  CNAME  imap.hk.aliyun.com.   ; the Hong Kong site's host
    ```

    ## Fix
    Point the CNAME at the provider's host, or add the missing CNAME:
    safe when the provider is configured, unsafe when it is inferred.
    """
    zone = ctx.zone
    view = ctx.mail
    zone_index = zone.index
    table = zone.table
    wanted = {
        # A mail domain may be the root (".", after "$ORIGIN .").
        f"{client.name}.{domain.name.lstrip('.')}": (domain, client)
        for domain in view.domains
        if domain.provider is not None
        for client in domain.provider.clients
    }
    # PERF: held while the rule runs, not kept (a name per mail domain).
    found = zone_index.records_at(wanted, keep=False)
    for owner, (domain, client) in wanted.items():
        provider = domain.provider
        assert provider is not None
        records = found[owner]
        if not records:
            if (
                client.recommended
                and domain.configured
                and provider.writes_records
                # Part of a zone: the name may hold its CNAME elsewhere.
                and zone.capabilities.complete
            ):
                import dns.name

                from zonefix.record_edits import NewRecord

                name = dns.name.from_text(owner)
                new = [NewRecord(name, "CNAME", (f"{client.target}.",))]
                fix = insert_fix(
                    zone,
                    new,
                    f"add {client.name} CNAME {client.target}.",
                    Applicability.SAFE,
                )
                yield zone.finding_at_record(
                    PROVIDER_CLIENT_RECORD,
                    f"{owner} is missing: {provider.id} recommends "
                    f"CNAME {client.target}.",
                    domain.anchor,
                    fix,
                )
            continue
        for i in records:
            if table.rdtype[i] != rrtypes.CNAME:
                continue
            target = (zone_index.target_key(i) or "").rstrip(".")
            other = _elsewhere(view, target, provider)
            if target == client.target or other is None:
                continue
            fix = None
            if provider.writes_records:
                fix = replace_field_fix(
                    zone,
                    i,
                    0,
                    f"{client.target}.",
                    f"point the {client.name} CNAME at {client.target}.",
                    applicability(domain),
                )
            yield finding_at_field(
                zone,
                PROVIDER_CLIENT_RECORD,
                f"{owner} points at {target}., a host of {other.id}, not "
                f"{provider.id}'s {client.target}. ({provenance(domain)})",
                i,
                0,
                fix,
            )


def _elsewhere(view: MailView, target: str, provider: Profile) -> Profile | None:
    """The other profile *target* is a client host of (or a host of, by
    its family's host names), if it is not the provider's own."""
    listed = [
        p for p in view.profiles.values() if any(c.target == target for c in p.clients)
    ]
    if provider in listed:
        return None
    if listed:
        return listed[0]
    holders = view.holders(target, "")
    if not holders or provider in holders:
        return None
    return holders[0]


SENDING_ON_MAILBOX_DOMAIN = Code(
    "ZF208",
    "sending-on-mailbox-domain",
    Severity.WARNING,
    "a sending service's records on a mailbox provider's domain",
)


@rule(SENDING_ON_MAILBOX_DOMAIN)
def sending_on_mailbox_domain(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a sending service's ownership or DKIM records (DirectMail:
    TXT at `aliyundm`, keys at `aliyun-<region>._domainkey`) at a domain
    whose provider is a mailbox provider, when the service asks for a
    subdomain of its own. One finding, at the group's first record. A
    combined SPF include is not part of it.

    ## Why it matters
    Alibaba's DirectMail documentation says not to reuse the domain that
    runs Alibaba Mail: bounces and replies meet the mailbox provider's MX,
    and the two services' SPF and DKIM settings collide.

    ## Example
    ```
    $TTL 3600
    @                             MX   5 mx1.qiye.aliyun.com.
    aliyundm                      TXT  "6a1e2b3c4d5e6f708192"
    aliyun-cn-hangzhou._domainkey TXT  "v=DKIM1; k=rsa; p=..."
    ```

    ## Fix
    None: set the service up on a subdomain (`mail.example.net`) and move
    its records there.
    """
    zone = ctx.zone
    view = ctx.mail
    if not view.domains:
        return  # before reading the profiles: most zones have no mail
    services = [p for p in view.profiles.values() if p.needs_subdomain]
    mailbox = [
        d
        for d in view.domains
        if d.provider is not None and d.provider.kind == "mailbox"
    ]
    if not services or not mailbox:
        return
    zone_index = zone.index
    # DKIM key records by the domain they sign for: one pass over the TXT.
    selectors: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for i, key in view.domainkey_records:
        selector, _, parent = key.partition("._domainkey.")
        selectors[parent].append((selector, i))
    owners = {
        f"{label}.{d.name}" for d in mailbox for s in services for label in s.ownership
    }
    # PERF: held while the rule runs, not kept (names per mail domain).
    at = zone_index.records_at(owners, keep=False)
    for domain in mailbox:
        assert domain.provider is not None
        for service in services:
            group = [
                j for label in service.ownership for j in at[f"{label}.{domain.name}"]
            ]
            group += [
                i
                for selector, i in selectors.get(domain.name, ())
                if any(fnmatchcase(selector, s) for s in service.dkim_selectors)
            ]
            if group:
                yield zone.finding_at_record(
                    SENDING_ON_MAILBOX_DOMAIN,
                    f"{service.name} records at {domain.name}, whose mail is on "
                    f"{domain.provider.id}; {service.name} asks for a subdomain",
                    min(group),
                )
