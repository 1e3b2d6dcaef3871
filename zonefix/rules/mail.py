"""ZF2: mail routing, checked against the provider profiles (SPEC §3, §5)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

import dns.name
import dns.rdatatype

from zonefix.diagnostics import Applicability, Code, Diagnostic, Severity
from zonefix.mail.domains import MailDomain, MailView, mail_view
from zonefix.rules import (
    FixAvailability,
    delete_fix,
    finding_at_field,
    insert_fix,
    replace_field_fix,
    rule,
)
from zonefix.semantic import OWNER_APEX

if TYPE_CHECKING:
    from zonefix.providers import Profile
    from zonefix.zone import Zone

FOREIGN_MX = Code(
    "ZF201",
    "foreign-mx",
    Severity.ERROR,
    "MX host not of the domain's provider (mail goes astray)",
)
PROVIDER_MX_MISSING = Code(
    "ZF202",
    "provider-mx-missing",
    Severity.ERROR,
    "an MX host the provider requires is absent",
)
PROVIDER_MX_PRIORITY = Code(
    "ZF203",
    "provider-mx-priority",
    Severity.WARNING,
    "priority differs from the provider's",
)
MIXED_MAIL_PROVIDERS = Code(
    "ZF204",
    "mixed-mail-providers",
    Severity.ERROR,
    "MX hosts of several providers and none configured",
)
MX_TARGET_NO_ADDRESS = Code(
    "ZF205",
    "mx-target-no-address",
    Severity.ERROR,
    "in-zone MX target with no A/AAAA",
)
NULL_MX_MIXED = Code(
    "ZF206",
    "null-mx-mixed",
    Severity.ERROR,
    "null MX (0 .) beside other MX",
)
PROVIDER_CLIENT_RECORD = Code(
    "ZF207",
    "provider-client-record",
    Severity.WARNING,
    "a client name of the provider points elsewhere, or a recommended one is missing",
)
SENDING_ON_MAILBOX_DOMAIN = Code(
    "ZF208",
    "sending-on-mailbox-domain",
    Severity.WARNING,
    "a sending service's records on a mailbox provider's domain",
)


def _applicability(domain: MailDomain) -> Applicability:
    # Fixes that take records from a profile need a determined provider.
    return Applicability.SAFE if domain.determined else Applicability.UNSAFE


def _why(domain: MailDomain) -> str:
    assert domain.provider is not None
    how = "configured" if domain.configured else "inferred from its MX"
    return f"provider {domain.provider.id}, {how}"


@rule(FOREIGN_MX, FixAvailability.SAFE)
def foreign_mx(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an MX host at a mail domain that is not one of its provider's
    hosts: an old provider's MX left over after a migration, or a host of
    the same provider's other site (`mx2.hk.aliyun.com` on a domain of
    `alibaba-mail-sg`). The provider is the one configured for the domain,
    or the single profile whose MX hosts appear there. One finding per
    record. A null MX is never foreign (ZF206 is about it).

    ## Why it matters
    Senders try every MX. Mail that reaches a host of another provider, or
    of another site, is refused or lands in a mailbox nobody reads.
    Alibaba's own setup guide tells customers to keep only its MX records.

    ## Example
    ```
    $TTL 3600
    @  MX  5   mx1.qiye.aliyun.com.
    @  MX  10  mx2.qiye.aliyun.com.
    @  MX  15  mx3.qiye.aliyun.com.
    @  MX  10  mx.oldhost.com.      ; left over
    ```

    ## Fix
    Delete the record. Safe when the provider is determined (configured,
    or inferred and named by the SPF record, or there is no SPF); unsafe
    otherwise.
    """
    view = mail_view(zone)
    for domain in view.domains:
        provider = domain.provider
        if provider is None:
            continue
        for mx in domain.mx:
            if provider.set_of(mx.host, domain.name) is not None:
                continue
            other = view.profile_of_host(mx.host, domain.name)
            if other is not None and other.family == provider.family:
                where = (
                    f"{other.name}'s host" if other.site else f"a host of {other.id}"
                )
                what = (
                    f"MX {mx.host}. at {domain.name} is {where}, not of {provider.id}"
                )
            else:
                what = f"foreign MX {mx.host}. at {domain.name} ({_why(domain)})"
            fix = delete_fix(
                zone, mx.record, f"delete the MX {mx.host}.", _applicability(domain)
            )
            yield finding_at_field(zone, FOREIGN_MX, what, mx.record, 1, fix)


def _chosen_set(domain: MailDomain, provider: Profile) -> int:
    """The MX set most of the present hosts belong to (the first on a tie)."""
    counts = [0] * len(provider.mx_sets)
    for mx in domain.mx:
        for n in range(len(counts)):
            if provider.priority_of(mx.host, domain.name, n) is not None:
                counts[n] += 1
    return counts.index(max(counts))


@rule(PROVIDER_MX_MISSING, FixAvailability.SAFE)
def provider_mx_missing(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain that lacks an MX host its provider requires: one
    finding, at the domain's first MX, naming every missing host. Where a
    provider accepts several MX sets (Google's `smtp.google.com` or the
    older `aspmx` set), the set asked for is the one most present hosts
    belong to.

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
    Add the missing hosts with the profile's priorities, after the
    domain's last MX, in the file's style. Safe when the provider is
    determined; unsafe otherwise.
    """
    from zonefix.edits import NewRecord

    for domain in mail_view(zone).domains:
        provider = domain.provider
        if provider is None:
            continue
        chosen = _chosen_set(domain, provider)
        present = {mx.host for mx in domain.mx}
        missing = [
            (priority, host)
            for priority, host in provider.mx_set(chosen, domain.name)
            if "*" not in host and host not in present
        ]
        if not missing:
            continue
        owner = dns.name.from_text(domain.name)
        records = [
            NewRecord(owner, "MX", (str(p), f"{h}.")) for p, h in sorted(missing)
        ]
        hosts = ", ".join(f"{p} {h}." for p, h in sorted(missing))
        fix = insert_fix(zone, records, f"add MX {hosts}", _applicability(domain))
        yield zone.finding_at_record(
            PROVIDER_MX_MISSING,
            f"{domain.name} lacks MX {hosts} ({_why(domain)})",
            domain.anchor,
            fix,
        )


@rule(PROVIDER_MX_PRIORITY, FixAvailability.SAFE)
def provider_mx_priority(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a provider MX host whose priority is not the one the provider
    documents (`10 mx1.qiye.aliyun.com.` where Alibaba gives 5).

    ## Why it matters
    Senders try hosts in priority order. With the order changed, mail goes
    first to a backup host, which some providers serve more slowly or only
    queue for.

    ## Example
    ```
    $TTL 3600
    @  MX  10  mx1.qiye.aliyun.com.
    ```

    ## Fix
    Safe: write the profile's priority.
    """
    for domain in mail_view(zone).domains:
        provider = domain.provider
        if provider is None:
            continue
        chosen = _chosen_set(domain, provider)
        for mx in domain.mx:
            wanted = provider.priority_of(mx.host, domain.name, chosen)
            if wanted is None or wanted == mx.preference:
                continue
            fix = replace_field_fix(
                zone,
                mx.record,
                0,
                str(wanted),
                f"set the priority to {wanted}",
                Applicability.SAFE,
            )
            yield finding_at_field(
                zone,
                PROVIDER_MX_PRIORITY,
                f"MX {mx.host}. has priority {mx.preference}; {provider.id} "
                f"documents {wanted}",
                mx.record,
                0,
                fix,
            )


@rule(MIXED_MAIL_PROVIDERS)
def mixed_mail_providers(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain whose MX hosts belong to two or more providers'
    profiles (or two sites of one provider) when no provider is configured
    for it. zonefix then cannot tell which records are the leftovers, so it
    infers nothing: the message names the `--mail-provider` values that
    would settle it.

    ## Why it matters
    A half-finished migration: part of the mail goes to the old provider.

    ## Example
    ```
    $TTL 3600
    @  MX  5   mx1.qiye.aliyun.com.
    @  MX  10  aspmx.l.google.com.
    ```

    ## Fix
    None: say which provider the domain uses, with `--mail-provider ID` or
    `mail-provider` in the configuration; then ZF201 removes the others.
    """
    for domain in mail_view(zone).domains:
        if domain.configured or len(domain.candidates) < 2:
            continue
        ids = [p.id for p in domain.candidates]
        yield zone.finding_at_record(
            MIXED_MAIL_PROVIDERS,
            f"MX hosts of {len(ids)} providers at {domain.name} ({', '.join(ids)}); "
            f"set --mail-provider {' or '.join(ids)}",
            domain.anchor,
        )


@rule(MX_TARGET_NO_ADDRESS)
def mx_target_no_address(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an MX whose host is a name in this zone with no A or AAAA
    record. A host that is an alias (ZF105), an address (ZF106) or written
    without its final dot (ZF104) is left to those rules; a host below a
    delegation is the child zone's business.

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
    zone_index = zone.index
    table = zone.table
    origin = zone.origin
    if origin is None:
        return
    dotless = {(d.record, d.position) for d in zone_index.dotless_names()}
    aliases = zone_index.aliases
    addresses = {dns.rdatatype.A, dns.rdatatype.AAAA}
    cuts = {
        zone_index.owner_key(i)
        for i, rdtype in enumerate(table.rdtype)
        if rdtype == dns.rdatatype.NS and not table.flags[i] & OWNER_APEX
    }
    for i, rdtype in enumerate(table.rdtype):
        if rdtype != dns.rdatatype.MX or (i, 1) in dotless:
            continue
        host = zone_index.target_key(i, 1)
        if host is None or host == ".":
            continue
        name = dns.name.from_text(host)
        if not name.is_subdomain(origin) or host in aliases:
            continue
        if _is_address(host.rstrip(".")) or _below_cut(name, origin, cuts):
            continue
        at = zone_index.records_named(host)
        if any(table.rdtype[j] in addresses for j in at) or _wildcard_covers(
            zone, name
        ):
            continue
        yield finding_at_field(
            zone,
            MX_TARGET_NO_ADDRESS,
            f"MX host {host} has no A or AAAA record in the zone",
            i,
            1,
        )


def _below_cut(name: dns.name.Name, origin: dns.name.Name, cuts: set[str]) -> bool:
    """*name* is at or below a delegation: the child zone's data."""
    while cuts and name != origin and len(name) > len(origin):
        if name.to_text().lower() in cuts:
            return True
        name = name.parent()
    return False


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _wildcard_covers(zone: Zone, name: dns.name.Name) -> bool:
    if len(name) < 2:
        return False
    wildcard = dns.name.Name((b"*", *name.parent().labels)).to_text().lower()
    return bool(zone.index.records_named(wildcard))


@rule(NULL_MX_MIXED)
def null_mx_mixed(zone: Zone) -> Iterator[Diagnostic]:
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
    for domain in mail_view(zone).domains:
        if domain.null_mx and domain.mx:
            yield zone.finding_at_record(
                NULL_MX_MIXED,
                f"null MX beside {len(domain.mx)} other MX at {domain.name}",
                domain.anchor,
            )


@rule(PROVIDER_CLIENT_RECORD, FixAvailability.SAFE)
def provider_client_record(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a client name of the domain's provider (`imap`, `pop3`,
    `smtp`, `mail`, …) that is a CNAME to another provider's or another
    site's host (`imap` → `imap.hk.aliyun.com` on a domain of
    `alibaba-mail-sg`); and, where the provider is configured, a client
    name its profile marks recommended that has no record at all. A CNAME
    to a host of your own is left alone.

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
    Safe: point the CNAME at the provider's host, or add the missing CNAME.
    """
    from zonefix.edits import NewRecord

    view = mail_view(zone)
    zone_index = zone.index
    table = zone.table
    for domain in view.domains:
        provider = domain.provider
        if provider is None:
            continue
        for client in provider.clients:
            # A mail domain may be the root (".", after "$ORIGIN .").
            owner = f"{client.name}.{domain.name.lstrip('.')}"
            records = zone_index.records_named(owner)
            if not records:
                if client.recommended and domain.configured:
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
                if table.rdtype[i] != dns.rdatatype.CNAME:
                    continue
                target = (zone_index.target_key(i) or "").rstrip(".")
                if target == client.target or not _elsewhere(view, target, provider):
                    continue
                fix = replace_field_fix(
                    zone,
                    i,
                    0,
                    f"{client.target}.",
                    f"point {client.name} at {client.target}.",
                    Applicability.SAFE,
                )
                yield finding_at_field(
                    zone,
                    PROVIDER_CLIENT_RECORD,
                    f"{owner} points at {target}., not {provider.id}'s "
                    f"{client.target}.",
                    i,
                    0,
                    fix,
                )


def _elsewhere(view: MailView, target: str, provider: Profile) -> bool:
    """*target* is another profile's client host, or a host of the
    provider's family that is not its own."""
    for profile in view.profiles.values():
        if profile.id == provider.id:
            continue
        if any(c.target == target for c in profile.clients):
            return True
    return provider.in_family(target)


@rule(SENDING_ON_MAILBOX_DOMAIN)
def sending_on_mailbox_domain(zone: Zone) -> Iterator[Diagnostic]:
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
    view = mail_view(zone)
    if not view.domains:
        return  # before reading the profiles: most zones have no mail
    services = [p for p in view.profiles.values() if p.needs_subdomain]
    if not services:
        return
    zone_index = zone.index
    for domain in view.domains:
        if domain.provider is None or domain.provider.kind != "mailbox":
            continue
        for service in services:
            group = []
            for label in service.ownership:
                group += zone_index.records_named(f"{label}.{domain.name}")
            suffix = f"._domainkey.{domain.name}"
            for i in view.txt_records:
                key = zone_index.owner_key(i)
                if key.endswith(suffix):
                    selector = key[: -len(suffix)]
                    if any(fnmatchcase(selector, s) for s in service.dkim_selectors):
                        group.append(i)
            if group:
                yield zone.finding_at_record(
                    SENDING_ON_MAILBOX_DOMAIN,
                    f"{service.name} records at {domain.name}, whose mail is on "
                    f"{domain.provider.id}; {service.name} asks for a subdomain",
                    min(group),
                )
