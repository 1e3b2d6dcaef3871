"""ZF1: the structure of the zone (SPEC §3)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
from operator import add, and_, is_not, itemgetter, not_
from typing import TYPE_CHECKING, cast

from zonefix import rrtypes
from zonefix.addresses import is_address, may_be_address
from zonefix.bind import cloudflare
from zonefix.bind.resolver import OWNER_APEX, OWNER_BITS, OWNER_DEEP, OWNER_OUTSIDE
from zonefix.columns import items_at
from zonefix.diagnostics import Applicability, Code, Diagnostic, Fix, Severity
from zonefix.index import TARGET_FIELDS, bad_host_label
from zonefix.rrtypes import type_text
from zonefix.rules.registry import (
    FixAvailability,
    delete_fix,
    finding_at_field,
    replace_field_fix,
    rule,
)

if TYPE_CHECKING:
    from zonefix.bind.fastpath import RdataKey
    from zonefix.index import ZoneIndex
    from zonefix.rules.context import RuleContext
    from zonefix.zone import Zone

OUT_OF_ZONE = Code(
    "ZF109", "out-of-zone", Severity.ERROR, "owner not at or below the origin"
)
SOA_PROBLEM = Code(
    "ZF111",
    "soa-problem",
    Severity.ERROR,
    "no SOA at the apex, or more than one (BIND files only)",
)
APEX_NS_MISSING = Code(
    "ZF113", "apex-ns-missing", Severity.ERROR, "no NS at the apex (BIND files only)"
)


@rule(OUT_OF_ZONE)
def out_of_zone(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a record whose owner is not the zone's apex or a name below it,
    once per name, at its first record: `www.example.org.` written with its
    final dot in the zone `example.net`.

    ## Why it matters
    BIND ignores out-of-zone data: the record is never served. It is usually
    a name meant to be relative that was written absolute, or a record
    pasted from another zone's file.

    ## Example
    ```
    $ORIGIN example.net.
    www.example.org.  3600  A  192.0.2.1
    ```

    ## Fix
    None: the name may be meant for another zone. Move the record there, or
    write it relative to this zone.
    """
    zone = ctx.zone
    seen = set()
    for index in zone.index.with_flag(OWNER_OUTSIDE):
        owner = zone.records.owner(index)
        if owner not in seen:
            seen.add(owner)
            yield zone.finding_at_record(
                OUT_OF_ZONE,
                f"owner {owner} is outside the zone {zone.origin_text}",
                index,
            )


def _apex_records(zone: Zone) -> list[int]:
    return zone.index.with_flag(OWNER_APEX)


def _whole(ctx: RuleContext) -> bool:
    """A missing SOA or NS can only be judged in a BIND zone that was read
    whole (no syntax error, no refused $INCLUDE whose records zonefix cannot
    see): a provider's export (Cloudflare's) lists the records it holds,
    while the provider serves the SOA and NS itself."""
    zone = ctx.zone
    return (
        zone.origin_text is not None
        and ctx.capabilities.has_soa_ns
        and not any(d.code.code in ("ZF001", "ZF004") for d in zone.diagnostics)
    )


@rule(SOA_PROBLEM)
def soa_problem(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a zone with no SOA record at its apex, with more than one, or
    with an SOA at a name other than the apex. A missing SOA is reported at
    the apex's first record (line 1 when the apex has none); several SOAs at
    the first of them. Not checked in a file that does not parse (ZF001).

    ## Why it matters
    BIND will not load a zone without exactly one SOA at its apex: the zone
    stops being served.

    ## Example
    ```
    $ORIGIN example.net.
    @  3600  NS  ns1.example.net.
    ```

    In Cloudflare's export the SOA and NS are Cloudflare's, which it serves
    itself: nothing is missing. Older exports write placeholders there (an
    SOA naming the domain as its server and `root.<domain>` as its contact,
    an NS `REPLACE&ME$WITH^YOUR@NAMESERVER.`): reported once, as
    information, at the first of them.

    ## Fix
    None: the SOA's values (primary server, contact, serial, timers) are the
    owner's to choose.
    """
    zone = ctx.zone
    if not ctx.capabilities.has_soa_ns:
        yield from _export_placeholders(zone)
    if not _whole(ctx):
        return
    table = zone.table
    soa = rrtypes.SOA
    apex = _apex_records(zone)
    apex_soas = [i for i in apex if table.rdtype[i] == soa]
    for index in zone.index.of_type(soa):
        if not table.flags[index] & (OWNER_APEX | OWNER_OUTSIDE):
            yield zone.finding_at_record(
                SOA_PROBLEM,
                f"SOA at {zone.records.owner(index)}, not at the apex {zone.origin_text}",
                index,
            )
    if not apex_soas:
        message = f"no SOA record at the apex {zone.origin_text}"
        yield zone.finding_at_record(SOA_PROBLEM, message, apex[0] if apex else None)
    elif len(apex_soas) > 1:
        yield zone.finding_at_record(
            SOA_PROBLEM,
            f"{len(apex_soas)} SOA records at the apex {zone.origin_text}; "
            "a zone has exactly one",
            apex_soas[0],
        )


def _export_placeholders(zone: Zone) -> Iterator[Diagnostic]:
    """One finding for the placeholder SOA and NS of a Cloudflare export:
    the file must be given them before anything else serves it, and
    Cloudflare itself ignores them (it serves its own)."""
    soa = next(
        (
            i
            for i in zone.index.of_type(rrtypes.SOA)
            if cloudflare.placeholder_soa(zone, i)
        ),
        None,
    )
    ns = next(
        (
            i
            for i in zone.index.of_type(rrtypes.NS)
            if zone.index.target_key(i, 0) == CLOUDFLARE_PLACEHOLDER_NS
        ),
        None,
    )
    written = []
    if soa is not None:
        rdata = zone.records[soa].rdata
        written.append(f"SOA {rdata.mname} {rdata.rname}")  # type: ignore[attr-defined]
    if ns is not None:
        written.append("NS REPLACE&ME$WITH^YOUR@NAMESERVER.")
    if not written:
        return
    first = min(i for i in (soa, ns) if i is not None)
    yield zone.finding_at_record(
        SOA_PROBLEM._replace(severity=Severity.INFO),
        f"{' and '.join(written)}: placeholder{'s' if len(written) > 1 else ''} "
        "Cloudflare's export writes where the zone's own go (Cloudflare serves "
        "its own); put yours there before another server loads this file",
        first,
    )


@rule(APEX_NS_MISSING)
def apex_ns_missing(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a zone with no NS record at its apex, at the apex's first record
    (line 1 when the apex has none). Not checked in a file that does not
    parse (ZF001).

    ## Why it matters
    BIND refuses a zone without apex NS records, and the zone's delegation
    from its parent has nothing to match.

    ## Example
    ```
    $ORIGIN example.net.
    @  SOA  ns1 hostmaster 2024010101 2h 1h 2w 5m
    ns1  A  192.0.2.53
    ```

    ## Fix
    None: only the owner knows the zone's name servers.
    """
    zone = ctx.zone
    if not _whole(ctx):
        return
    table = zone.table
    apex = _apex_records(zone)
    if not any(table.rdtype[i] == rrtypes.NS for i in apex):
        yield zone.finding_at_record(
            APEX_NS_MISSING,
            f"no NS records at the apex {zone.origin_text}",
            apex[0] if apex else None,
        )


CNAME_AT_APEX = Code(
    "ZF101",
    "cname-at-apex",
    Severity.ERROR,
    "CNAME at the apex, where SOA, NS and MX must live",
)


@rule(CNAME_AT_APEX, FixAvailability.UNSAFE)
def cname_at_apex(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a CNAME whose owner is the zone's apex, one finding per CNAME.

    ## Why it matters
    A CNAME says "this name is an alias, and has no other data"
    (RFC 1034 §3.6.2), but the apex must hold the SOA and NS records, and
    usually MX. Resolvers then answer inconsistently; mail to the domain
    goes astray. BIND refuses the zone.

    ## Example
    ```
    $ORIGIN example.net.
    @  3600  SOA    ns1 hostmaster 2024010101 2h 1h 2w 5m
    @  3600  NS     ns1.example.org.
    @  3600  CNAME  www.example.org.
    ```

    ## Fix
    Unsafe: delete the CNAME. Deleting it takes down whatever the apex
    served through it (the website, usually), so it is never applied
    unseen. The way out: give the apex the target's A/AAAA records, or use
    your DNS provider's CNAME flattening (ALIAS/ANAME), then delete the
    CNAME.

    In Cloudflare's export it is information, with no fix: Cloudflare
    always flattens a CNAME at the apex (CNAME flattening), so the zone
    works there; it says what another DNS server would need.
    """
    zone = ctx.zone
    table = zone.table
    for index in zone.index.with_flag(OWNER_APEX):
        if table.rdtype[index] == rrtypes.CNAME:
            target = zone.records[index].rdata.to_text()
            if ctx.capabilities.cname_flattening:
                # The provider (Cloudflare) always flattens a CNAME at the
                # apex: it answers with the target's addresses, beside the
                # apex's other data.
                yield zone.finding_at_record(
                    CNAME_AT_APEX._replace(severity=Severity.INFO),
                    f"CNAME at the apex {zone.origin_text} (to {target}) is "
                    "Cloudflare's CNAME flattening: Cloudflare answers with "
                    f"the addresses of {target}; any other DNS server needs "
                    "them written as A/AAAA records (or its own ALIAS/ANAME)",
                    index,
                )
                continue
            message = (
                f"CNAME at the apex {zone.origin_text} (to {target}): give the apex "
                f"the A/AAAA records of {target}, or use the DNS provider's "
                "flattening (ALIAS/ANAME)"
            )
            fix = delete_fix(
                zone,
                index,
                "delete the CNAME at the apex (what it served goes down)",
                Applicability.UNSAFE,
            )
            yield zone.finding_at_record(CNAME_AT_APEX, message, index, fix=fix)


CNAME_AND_OTHER_DATA = Code(
    "ZF102",
    "cname-and-other-data",
    Severity.ERROR,
    "a CNAME beside other data at one name (RFC 1034 §3.6.2, RFC 2181 §10.1)",
)
MULTIPLE_CNAMES = Code(
    "ZF103", "multiple-cnames", Severity.ERROR, "two or more CNAMEs at one name"
)
DUPLICATE_RECORD = Code(
    "ZF107", "duplicate-record", Severity.WARNING, "the same record twice"
)

# DNSSEC records that RFC 4035 allows beside a CNAME.
_BESIDE_CNAME = {rrtypes.CNAME, rrtypes.RRSIG, rrtypes.NSEC}


def _cname_groups(zone: Zone) -> list[tuple[list[int], list[int]]]:
    """(its CNAME records, all its records) for each owner with a CNAME."""
    return zone.index.with_type(rrtypes.CNAME)


@rule(CNAME_AND_OTHER_DATA)
def cname_and_other_data(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a name that holds a CNAME and any other record (RRSIG and NSEC
    aside, which RFC 4035 allows), once, at the name's first record. At the
    apex this is ZF101's finding instead.

    ## Why it matters
    A CNAME makes its name an alias for another; the name can hold nothing
    else (RFC 1034 §3.6.2, RFC 2181 §10.1). Resolvers follow the alias and
    never see the other records, or see them inconsistently. BIND refuses
    the zone.

    ## Example
    ```
    www  3600  CNAME  web.example.org.
    www  3600  TXT    "site verification"
    ```

    In Cloudflare's export it is a warning: Cloudflare flattens such a
    CNAME (a proxied one, or one whose target is in the same zone) and
    serves the other records beside the target's addresses, but the zone
    cannot move to any other DNS server as it is.

    ## Fix
    None: either the alias or the other records must go, and only the owner
    knows which. Often the TXT belongs at the target's name.
    """
    zone = ctx.zone
    table = zone.table
    for cnames, records in _cname_groups(zone):
        if table.flags[cnames[0]] & OWNER_APEX:
            continue  # ZF101
        others = sorted(
            {
                type_text(table.rdtype[i])
                for i in records
                if table.rdtype[i] not in _BESIDE_CNAME
            }
        )
        if not others:
            continue
        code = CNAME_AND_OTHER_DATA
        message = (
            f"CNAME at {zone.index.owner(records[0])} beside other data "
            f"({', '.join(others)})"
        )
        # Proxied: a cf_tags comment in Cloudflare's export, octoDNS's
        # cloudflare settings (the readers give both as this extra).
        proxied = any(ctx.extras(i).get("cloudflare_proxied") for i in cnames)
        if ctx.capabilities.cname_flattening or proxied:
            # Cloudflare answers such a name by flattening the CNAME (always
            # when proxied, or when its target is in the same zone): there
            # it works; anywhere else it is the conflict it is in BIND.
            code = code._replace(severity=Severity.WARNING)
            if proxied:
                message += (
                    "; the CNAME is proxied: Cloudflare answers the name with "
                    "its target's addresses beside them, but any other DNS "
                    "server refuses it"
                )
            else:
                message += (
                    "; Cloudflare serves it only by flattening the CNAME (proxied, "
                    "or a target in its zone): any other DNS server refuses it"
                )
        yield zone.finding_at_record(code, message, records[0])


@rule(MULTIPLE_CNAMES)
def multiple_cnames(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a name with two or more different CNAME records, once, at the
    first of them. Two identical ones are a duplicate (ZF107) instead.

    ## Why it matters
    A name is an alias for exactly one other name. With two, resolvers pick
    either, and BIND refuses the zone.

    ## Example
    ```
    www  3600  CNAME  web1.example.org.
    www  3600  CNAME  web2.example.org.
    ```

    ## Fix
    None: only the owner knows which target is meant. For several servers,
    give the name A/AAAA records instead.
    """
    zone = ctx.zone
    index = zone.index
    for cnames, _ in _cname_groups(zone):
        if len(cnames) < 2:
            continue
        # The first record of each different target (compared as keys;
        # written twice, it is ZF107's).
        firsts: dict[RdataKey, int] = {}
        for i in cnames:
            firsts.setdefault(index.rdata_key(i), i)
        if len(firsts) > 1:
            targets = [index.rdata(i).to_text() for i in firsts.values()]
            yield zone.finding_at_record(
                MULTIPLE_CNAMES,
                f"{len(targets)} CNAME records at {index.owner(cnames[0])} "
                f"(to {', '.join(targets)}); "
                "a name is an alias for one",
                cnames[0],
            )


@rule(DUPLICATE_RECORD, FixAvailability.SAFE)
def duplicate_record(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports each later copy of a record: same owner, class, type, TTL and
    data as one written before it. (Copies that differ in TTL are an RRset
    TTL mismatch first.)

    ## Why it matters
    A DNS server keeps one copy of a record; the second line does nothing
    but mislead whoever edits the zone next, who changes one copy and not
    the other.

    ## Example
    ```
    www  3600  A  192.0.2.80
    www  3600  A  192.0.2.80
    ```

    ## Fix
    Safe: delete the later copies. A blank-owner line after a deleted copy
    gets the owner written onto it, so no other record moves.
    """
    zone = ctx.zone
    table = zone.table
    index = zone.index
    rdata_hash = index.rdata_hash
    # Copies share owner, class, type, TTL and rdata: only records that
    # share those hashes with another (and the rare record whose rdata
    # hash reading did not work out) get their keys read.
    found: list[tuple[int, Diagnostic]] = []
    copies, _ = index.rrset_suspects
    for records in index.groups(copies).values():
        candidates: dict[tuple[int, int, int, int], list[int]] = {}
        for i in records:
            candidates.setdefault(
                (table.rdclass[i], table.rdtype[i], table.ttl[i], rdata_hash(i)), []
            ).append(i)
        for same in candidates.values():
            if len(same) > 1:
                found.extend(_copies(zone, same))
    # In file order (copies a $GENERATE line makes share a place).
    for _, finding in sorted(found, key=lambda pair: pair[0]):
        yield finding


def _copies(zone: Zone, records: list[int]) -> Iterator[tuple[int, Diagnostic]]:
    """ZF107's findings among *records*, which share owner, class, type,
    TTL and a hash of their rdata, each with the record it reports."""
    table = zone.table
    index = zone.index
    # Equal keys are equal rdata, read from the text without building
    # the rdata (nor its wire form, which some LOC rdata cannot have).
    seen: dict[tuple[int, int, int, RdataKey], int] = {}
    for i in records:
        key = index.rdata_key(i)
        first = seen.setdefault(
            (table.rdclass[i], table.rdtype[i], table.ttl[i], key), i
        )
        if first == i:
            continue
        rdata = index.rdata(i)
        line = zone.records[first].line
        rtype = type_text(rdata.rdtype)
        yield (
            i,
            zone.finding_at_record(
                DUPLICATE_RECORD,
                f"duplicate of the {rtype} record at line {line}: "
                f"{index.owner(i)} {rtype} {rdata}",
                i,
                fix=delete_fix(zone, i, "delete the later copy"),
            ),
        )


TARGET_IS_ADDRESS = Code(
    "ZF106",
    "target-is-address",
    Severity.ERROR,
    "MX, NS or CNAME target is an IP literal",
)
MISSING_GLUE = Code(
    "ZF110",
    "missing-glue",
    Severity.ERROR,
    "in-zone delegation NS target without A/AAAA",
)
CNAME_LOOP = Code(
    "ZF114", "cname-loop", Severity.ERROR, "a CNAME chain that loops inside the zone"
)

# A text that may_be_address may say yes to (ASCII): a digit first, or a
# colon anywhere (compiled when first asked: PERF, not at import).
_MAY_BE_ADDRESS = r"[0-9]|[^:]*:"
# The types whose target must be a host name, not an address.
_HOST_TARGETS = {rrtypes.MX, rrtypes.NS, rrtypes.CNAME}


@rule(TARGET_IS_ADDRESS)
def target_is_address(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an MX, NS or CNAME record whose target is written as an IP
    address (`MX 10 192.0.2.25`) instead of a host name.

    ## Why it matters
    These records take a domain name. `192.0.2.25` is read as a name: with
    no final dot, `192.0.2.25.example.net.`, which does not exist; mail and
    delegations fail.

    ## Example
    ```
    @  3600  MX  10 192.0.2.25
    ```

    ## Fix
    None: give the address a name (`mail  A  192.0.2.25`) and point the
    record at the name.
    """
    zone = ctx.zone
    table = zone.table
    index = zone.index
    # PERF: the target's key starts as the word does (a digit; a colon is
    # kept): most targets are ruled out without reading the words, by a
    # match at C speed (may_be_address's answer: keys are ASCII).
    names = _target_names(index, _HOST_TARGETS)
    names.discard(None)  # (no target: nothing to match)
    # Once per name (PERF: names repeat).
    maybe: set[str | None] = set(_may_be_addresses(cast("set[str]", names)))
    for i, key in _targets_named(index, _HOST_TARGETS, maybe):
        if key is None or not may_be_address(key):
            continue
        rdtype = table.rdtype[i]
        position = TARGET_FIELDS[rdtype]
        words = index.rdata_words(i)
        if len(words) <= position:
            continue
        target = words[position].rstrip(".")
        if not is_address(target):
            continue
        rtype = type_text(rdtype)
        yield finding_at_field(
            zone,
            TARGET_IS_ADDRESS,
            f"{rtype} target {target} is an IP address; {rtype} takes a host name",
            i,
            position,
        )


def _may_be_addresses(names: set[str]) -> set[str]:
    """Those of *names* that _MAY_BE_ADDRESS matches. PERF: where none
    starts with a digit and none holds a colon (most zones), none, told of
    them all at once by a search of their texts joined a line each (a
    name's line after a line's end; where a name holds one, the search may
    find more, never less); else each is matched."""
    if not re.compile(_MAY_BE_IN_LINES).search("\n" + "\n".join(names)):
        return set()
    may_be = re.compile(_MAY_BE_ADDRESS).match
    return set(compress(names, map(may_be, names)))


# What a text of names joined a line each holds where one of them may be an
# address: _MAY_BE_ADDRESS's digit after a line's end, or its colon anywhere
# (compiled when first asked).
_MAY_BE_IN_LINES = "\n[0-9]|:"


@rule(MISSING_GLUE)
def missing_glue(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an NS record whose target is a name inside the zone (`ns1` or
    `ns1.sub.example.net.` in `example.net`) when the zone has no A or AAAA
    record for that name: the glue a delegation needs, or the address of the
    zone's own server.

    ## Why it matters
    A resolver sent to `ns1.sub.example.net.` for `sub.example.net` must
    learn its address from the parent zone; without the glue records it
    cannot, and the delegation fails.

    ## Example
    ```
    sub      3600  NS  ns1.sub
    ns1.sub  3600  TXT "no address here"
    ```

    ## Fix
    None: only the owner knows the server's address. Add `ns1.sub  A  ...`.
    """
    zone = ctx.zone
    if zone.origin_text is None:
        return
    table = zone.table
    index = zone.index
    origin = zone.origin_text.lower()
    targets = _owned_inside(index, _named_targets(index.targets_of(rrtypes.NS), set()))
    # Each name judged once (PERF: the zone's name servers repeat).
    in_zone = set(map(itemgetter(1), targets))
    if origin != ".":
        names = in_zone
        in_zone = set(compress(names, map(str.endswith, names, repeat("." + origin))))
        if origin in names:
            in_zone.add(origin)
    if not in_zone:
        return
    _, addressed = index.target_owners_among(rrtypes.NS, in_zone)
    for target, records in _by_name(targets, in_zone - addressed).items():
        import dns.name

        for i in records:
            owner = index.owner(i)
            if table.flags[i] & OWNER_APEX:
                where = "the zone's own server"
            elif dns.name.from_text(target).is_subdomain(owner):
                where = f"glue for {owner}"
            else:
                where = f"a server of the delegation {owner}"
            yield finding_at_field(
                zone,
                MISSING_GLUE,
                f"NS target {target} has no A or AAAA record in the zone ({where})",
                i,
                0,
            )


@rule(CNAME_LOOP)
def cname_loop(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a chain of CNAMEs inside the zone that comes back to where it
    started (`a` -> `b` -> `a`), once, at the loop's first record in the
    file.

    ## Why it matters
    A resolver following the chain never reaches an address; every lookup
    of those names fails after a round of useless queries.

    ## Example
    ```
    a  3600  CNAME  b
    b  3600  CNAME  a
    ```

    ## Fix
    None: one of the aliases must point somewhere real, and only the owner
    knows where.
    """
    zone = ctx.zone
    index = zone.index
    # PERF: a chain whose target is no alias cannot loop (the owner is one):
    # only the CNAMEs whose target may name one are looked at, and the
    # alias mapping is built only where there are some.
    candidates = index.may_name_aliases(index.targets_of(rrtypes.CNAME))
    if not candidates:
        return
    alias = index.aliases
    # Names a chain already went through: what follows them was followed
    # then (each name has one target), to its end or to a loop reported
    # then. A chain stops at one, so each loop is reported once, and each
    # name followed once (PERF: chains into a loop of n names from each of
    # them cost n^3 when each was followed to its end).
    followed: set[str] = set()
    # Each owner's first CNAME with a target, in file order (alias.owners()):
    # the owner's key is read only for the candidates.
    for record, target in candidates:
        if target is None or target not in alias:
            continue
        start = index.owner_key(record)
        if alias[start] != record or start in followed:
            continue  # not the owner's first, or followed already
        chain = [start]
        at = {start: 0}
        name = target
        while name in alias and name not in at and name not in followed:
            at[name] = len(chain)
            chain.append(name)
            name = index.alias_target(name)
        followed.update(chain)
        if name not in at:
            continue  # out of the zone, or into what was followed before
        loop = chain[at[name] :]
        first = min(alias[n] for n in loop)
        path = " -> ".join([*loop, loop[0]])
        yield zone.finding_at_record(CNAME_LOOP, f"CNAME loop: {path}", first)


MISSING_TRAILING_DOT = Code(
    "ZF104",
    "missing-trailing-dot",
    Severity.ERROR,
    "a name written relative that was meant absolute",
)


@rule(MISSING_TRAILING_DOT, FixAvailability.SAFE)
def missing_trailing_dot(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a name written without its final dot that was meant to end
    there:

    - a target (of MX, NS, CNAME, SRV, PTR, DNAME) with two or more labels
      that ends in a real top-level domain, when the name it expands to has
      no record in the zone: `mx1.qiye.aliyun.com` in the zone `example.net`
      means `mx1.qiye.aliyun.com.example.net.`;
    - an owner or target that repeats the origin: `www.example.net` in the
      zone `example.net` means `www.example.net.example.net.`.

    Other relative names (`ns2.lab`, `*.dev`, `mail`) are what relative
    names are for, and are never reported. Other rules read a reported name
    as the name the fix writes.

    ## Why it matters
    A name without its final dot gets the origin appended. Mail for the
    domain goes to a host that does not exist; the mistake is invisible in
    the file, since the name reads right.

    ## Example
    ```
    @  3600  MX  5 mx1.qiye.aliyun.com
    ```

    ## Fix
    Safe: add the final dot to a target; drop the repeated origin from an
    owner (`www.example.net` becomes `www`).
    """
    zone = ctx.zone
    for name in ctx.dotless:
        yield zone.finding_at_span(
            MISSING_TRAILING_DOT, name.message, name.record, name.span, name.fix
        )


RRSET_TTL_MISMATCH = Code(
    "ZF108",
    "rrset-ttl-mismatch",
    Severity.WARNING,
    "TTLs differ inside one RRset (RFC 2181 §5.2; RRSIGs group by the type they cover)",
)


@rule(RRSET_TTL_MISMATCH, FixAvailability.SAFE)
def rrset_ttl_mismatch(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an RRset (the records of one owner, class and type; RRSIGs
    grouped by the type they cover) whose records have different TTLs, once,
    at its first record.

    ## Why it matters
    An RRset has one TTL (RFC 2181 §5.2). Servers settle it their own way
    (BIND serves them all with the first TTL it read, and warns; others
    differ): caches keep the records for a time the file does not say.

    ## Example
    ```
    www  3600  A  192.0.2.80
    www   300  A  192.0.2.81
    ```

    ## Fix
    Safe: give every record of the RRset the lowest of its TTLs, so that
    no cache keeps a record longer than any of its lines asked. Offered
    when the new TTLs change no other record (with no `$TTL`, a record
    without a TTL takes the last one written).

    In Cloudflare's export a TTL of `1` means "automatic": such records are
    left out of the comparison, and never given a number.
    """
    zone = ctx.zone
    table = zone.table
    index = zone.index
    rrsig = rrtypes.RRSIG
    # Only RRsets of two or more records can disagree.
    automatic = ctx.capabilities.automatic_ttls
    found: list[tuple[int, Diagnostic]] = []
    # Only the RRsets whose TTLs may differ (PERF: nearly all agree).
    _, suspects = index.rrset_suspects
    for records in index.groups(suspects).values():
        rrsets: dict[tuple[int, int, int], list[int]] = {}
        for i in records:
            covers = index.covered_type(i) if table.rdtype[i] == rrsig else 0
            rrsets.setdefault((table.rdclass[i], table.rdtype[i], covers), []).append(i)
        for rrset in rrsets.values():
            if automatic:
                # An automatic TTL (Cloudflare's 1) is none to compare or change.
                rrset = [i for i in rrset if table.ttl[i] not in automatic]
            ttls = sorted({table.ttl[i] for i in rrset})
            if len(ttls) < 2:
                continue
            lowest = ttls[0]
            rtype = type_text(table.rdtype[rrset[0]])
            finding = zone.finding_at_record(
                RRSET_TTL_MISMATCH,
                f"{index.owner(rrset[0])} {rtype} records have TTLs "
                f"{', '.join(str(t) for t in ttls)}; an RRset has one",
                rrset[0],
                fix=_lowest_ttl_fix(zone, rrset, lowest),
            )
            found.append((rrset[0], finding))
    # In file order, as ZF107's.
    for _, finding in sorted(found, key=lambda pair: pair[0]):
        yield finding


def _lowest_ttl_fix(zone: Zone, rrset: list[int], lowest: int) -> Fix | None:
    """The fix giving every record of *rrset* the TTL *lowest*, or None
    where that cannot be written or would change another record's TTL too
    (with no $TTL, a record without a TTL takes the last one written)."""
    from zonefix.document import CannotEdit, ReplaceTTL

    edits = (ReplaceTTL(tuple(rrset), lowest),)
    try:
        lowered = zone.lower(edits)
    except CannotEdit:
        return None
    return Fix(
        f"give the RRset the TTL {lowest}",
        Applicability.SAFE,
        lowered,
        record_edits=edits,
    )


TARGET_IS_CNAME = Code(
    "ZF105",
    "target-is-cname",
    Severity.ERROR,
    "MX, NS or SRV target is an in-zone CNAME (RFC 2181 §10.3)",
)
# The types whose target must not be an alias (RFC 2181 §10.3, RFC 2782).
_NO_ALIAS_TARGETS = {rrtypes.MX, rrtypes.NS, rrtypes.SRV}


@rule(TARGET_IS_CNAME, FixAvailability.UNSAFE)
def target_is_cname(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an MX, NS or SRV record whose target is a name in the zone that
    holds a CNAME.

    ## Why it matters
    These targets must be the host's real name (RFC 2181 §10.3, RFC 2782):
    mail servers and resolvers may refuse to follow the alias, or make an
    extra lookup every time. Mail is the usual casualty.

    ## Example
    ```
    @     3600  MX     10 mail
    mail  3600  CNAME  mx.example.org.
    ```

    ## Fix
    Unsafe: point the record at the end of the alias chain (`10
    mx.example.org.`). Unsafe because the alias may be there on purpose, to
    move the service later by changing one record.
    """
    zone = ctx.zone
    table = zone.table
    index = zone.index
    # Each name asked once (PERF: names repeat; most are no alias, told by
    # hash): the records, and the alias mapping, are looked at only where
    # one is.
    names = _target_names(index, _NO_ALIAS_TARGETS)
    aliased: set[str | None] = set(index.aliases_among(names))
    if not aliased:
        return
    aliases = index.aliases
    for i, target in _targets_named(index, _NO_ALIAS_TARGETS, aliased):
        if target is None or target not in aliases:
            continue
        rdtype = table.rdtype[i]
        position = TARGET_FIELDS[rdtype]
        # Follow the chain to its end, unless it loops (ZF114 reports that).
        chain = [target]
        while chain[-1] in aliases and len(chain) <= len(aliases):
            chain.append(index.alias_target(chain[-1]))
        rtype = type_text(rdtype)
        fix = None
        if chain[-1] not in aliases:
            last = aliases[chain[-2]]
            final = index.rdata(last).target.to_text()  # type: ignore[attr-defined]
            fix = replace_field_fix(
                zone, i, position, final, f"point the {rtype} at {final}"
            )
        yield finding_at_field(
            zone,
            TARGET_IS_CNAME,
            f"{rtype} target {target} is an alias (CNAME to {chain[-1]})",
            i,
            position,
            fix,
        )


TXT_STRING_TOO_LONG = Code(
    "ZF112",
    "txt-string-too-long",
    Severity.ERROR,
    "a TXT character-string over 255 bytes",
)


@rule(TXT_STRING_TOO_LONG, FixAvailability.SAFE)
def txt_string_too_long(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a TXT (or SPF) record with a character-string over 255 bytes,
    the most one string can hold (RFC 1035 §3.3). zonefix keeps the record
    and reads it as split, so other rules still see its text.

    ## Why it matters
    BIND refuses the zone; some provider tools cut the string silently. A
    long DKIM key pasted as one string is the usual case.

    ## Example
    ```
    sel._domainkey  3600  TXT  "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs8Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7Qx7"
    ```

    ## Fix
    Safe: split it into strings of at most 255 bytes, in the same record
    (never inside an escape such as `\\059`). A TXT record's strings are
    joined by whoever reads them (SPF, DKIM), so the meaning is the same.
    """
    zone = ctx.zone
    from zonefix.bind.resolver import LONG_STRING

    table = zone.table
    for i in zone.index.with_flag(LONG_STRING):
        fix = _split_strings_fix(zone, i)
        rtype = type_text(table.rdtype[i])
        yield zone.finding_at_record(
            TXT_STRING_TOO_LONG,
            f"{rtype} record at {zone.index.owner(i)} has a string over 255 bytes",
            i,
            fix=fix,
        )


def _split_strings_fix(zone: Zone, index: int) -> Fix | None:
    """The record's value as read (its strings cut at 255 bytes) written
    in place of the long strings."""
    from zonefix.document import CannotEdit, ReplaceRdata

    if not zone.editable(index):
        return None
    message = "split the string into pieces of 255 bytes"
    edits = (ReplaceRdata(index, zone.index.rdata(index)),)
    try:
        return Fix(message, Applicability.SAFE, zone.lower(edits), record_edits=edits)
    except CannotEdit:
        # Cut where the value's bytes are not (a character of many bytes
        # across the 255th): the text alone says it.
        pieces = zone.long_strings_split(index)
        return Fix(message, Applicability.SAFE, pieces) if pieces else None


TARGET_NOT_HOSTNAME = Code(
    "ZF115",
    "target-not-hostname",
    Severity.ERROR,
    "an MX, NS or SRV target that is not a valid host name (BIND's check-names)",
)
#: What Cloudflare's export writes where the zone's name servers go.
# As name keys write it (dnspython's text: "$" and "@" escaped).
CLOUDFLARE_PLACEHOLDER_NS = "replace&me\\$with^your\\@nameserver."
# The types whose target is a host (RFC 1123 §2.1 names: letters, digits
# and hyphens, no hyphen at a label's ends), as BIND's check-names has it.
_HOSTNAME_TARGETS = {rrtypes.MX, rrtypes.NS, rrtypes.SRV}


@rule(TARGET_NOT_HOSTNAME)
def target_not_hostname(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an MX, NS or SRV record whose target is not a valid host name:
    a label with a character other than letters, digits and hyphens (an
    underscore, a space, `&`), or a hyphen at a label's start or end
    (RFC 1123 §2.1), as BIND's check-names does. The placeholder NS of
    Cloudflare's export (`REPLACE&ME$WITH^YOUR@NAMESERVER.`) is what
    Cloudflare writes where the zone's name servers go: ZF111 reports it
    (once, as information, with the placeholder SOA); in a file without
    the export's header, once, as information, naming it. Targets that are addresses are ZF106's;
    the null MX and SRV target `.` are not hosts and are left alone.

    ## Why it matters
    Mail servers and resolvers look these names up as hosts; a name no
    host can have is never found. BIND refuses to load a primary zone with
    such a target (check-names fails by default there).

    ## Example
    ```
    $TTL 3600
    @  NS  ns_1.example.net.
    @  MX  10 mail_relay.example.net.
    ```

    ## Fix
    None: only the owner knows the host meant. For Cloudflare's export,
    write the zone's name servers in place of the placeholder before the
    file is served by anything else.
    """
    zone = ctx.zone
    table = zone.table
    index = zone.index
    placeholder: int | None = None
    labels: dict[str, str | None] = {}
    # PERF: a plain host (most) is no address and has no bad label: told
    # once per name (names repeat: a provider's MX hosts, the name servers),
    # and kept for ZF116.
    odd: set[str | None] = set()
    odd = odd.union(*map(index.not_plain_targets, _HOSTNAME_TARGETS))
    odd -= {None, "."}  # no host: left alone
    for i, target in _targets_named(index, _HOSTNAME_TARGETS, odd):
        if target is None or target == ".":
            continue
        rdtype = table.rdtype[i]
        position = TARGET_FIELDS[rdtype]
        if target == CLOUDFLARE_PLACEHOLDER_NS:
            if placeholder is None and ctx.capabilities.has_soa_ns:
                placeholder = i
            continue
        with_dot = target.rstrip(".")
        if is_address(with_dot):
            continue  # ZF106's
        bad = labels.get(target, "")
        if bad == "":
            # PERF: targets repeat (a provider's MX hosts, the zone's name
            # servers): each is judged once.
            bad = labels[target] = bad_host_label(target)
        if bad is None:
            continue
        rtype = type_text(rdtype)
        yield finding_at_field(
            zone,
            TARGET_NOT_HOSTNAME,
            f"{rtype} target {target} is not a host name: label '{bad}' "
            "(letters, digits and inner hyphens only)",
            i,
            position,
        )
    if placeholder is not None:
        yield finding_at_field(
            zone,
            TARGET_NOT_HOSTNAME._replace(severity=Severity.INFO),
            "NS REPLACE&ME$WITH^YOUR@NAMESERVER. is the placeholder Cloudflare's "
            "export writes for the zone's name servers: put yours there before "
            "another server loads this file",
            placeholder,
            0,
        )


SRV_TARGET_NO_ADDRESS = Code(
    "ZF116",
    "srv-target-no-address",
    Severity.ERROR,
    "an in-zone SRV target with no A/AAAA",
)


@rule(SRV_TARGET_NO_ADDRESS)
def srv_target_no_address(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an SRV record whose target is a name in this zone with no A or
    AAAA record (nor a wildcard giving it one). A target that is an alias
    (ZF105), written without its final dot (ZF104), below a delegation (the
    child zone's), or `.` (the service is not offered, RFC 2782) is left
    alone.

    ## Why it matters
    Clients that find the service through SRV (SIP, XMPP, LDAP, Kerberos,
    mail submission) look the target up for its address; with none, the
    service cannot be reached.

    ## Example
    ```
    $TTL 3600
    _sip._tcp  SRV  10 60 5060 sipserver
    ; no "sipserver A ..."
    ```

    ## Fix
    None: add the target's address records, or point the SRV at a host
    that has them.
    """
    zone = ctx.zone
    yield from _targets_without_address(zone, rrtypes.SRV, SRV_TARGET_NO_ADDRESS)


def _targets_without_address(
    zone: Zone, rdtype: int, code: Code
) -> Iterator[Diagnostic]:
    """Records of *rdtype* whose in-zone target has no address."""

    origin = zone.origin_text
    if origin is None:
        return
    index = zone.index
    position = TARGET_FIELDS[rdtype]
    dotless = {d.record for d in index.dotless_names() if d.position == position}
    targets = _named_targets(index.targets_of(rdtype), dotless)
    names = set(map(itemgetter(1), targets))
    names.discard(".")
    # PERF: the few that may be aliases are asked about (most are not).
    names.difference_update(index.aliases_among(names))
    # A name no host may have is none to look up (PERF: a plain host, most,
    # has no bad label; the others among the type's targets are kept by
    # the index: *names* are some of those).
    names.difference_update(
        [
            name
            for name in names.intersection(index.not_plain_targets(rdtype))
            if name is not None and bad_host_label(name) is not None
        ]
    )
    looked_up = _looked_up(index, names, origin.lower())
    # PERF: what has_address asks, for every name at once.
    held, addressed, unheld = _owners_looked_up(index, rdtype, looked_up)
    # A name that holds records has an address of its own or none; one
    # that holds none, where a wildcard gives it one.
    without = (looked_up - unheld) - addressed
    without.update(
        name for name in unheld if not index.has_address_among(name, held, addressed)
    )
    rtype = type_text(rdtype)
    for target, records in _by_name(targets, without).items():
        for i in records:
            yield finding_at_field(
                zone,
                code,
                f"{rtype} target {target} has no A or AAAA record in the zone",
                i,
                position,
            )


def _named_targets(
    targets: Iterable[tuple[int, str | None]], dotless: set[int]
) -> list[tuple[int, str]]:
    """The (record, name) pairs of *targets* that have a name, but for the
    records in *dotless* (ZF104's). PERF: picked at C speed."""
    pairs = list(targets)
    has_name = map(is_not, map(itemgetter(1), pairs), repeat(None))
    named: list[tuple[int, str]] = list(compress(pairs, has_name))  # type: ignore[arg-type]
    if dotless:
        return [pair for pair in named if pair[0] not in dotless]
    return named


def _owned_inside(
    index: ZoneIndex, targets: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """The pairs of *targets* whose record's owner is in the zone."""
    outside = index.with_flag(OWNER_OUTSIDE)
    if not outside:
        return targets
    skip = set(outside)
    return [pair for pair in targets if pair[0] not in skip]


def _looked_up(index: ZoneIndex, names: Iterable[str], suffix: str) -> set[str]:
    """Those of *names* that are in this zone, whose apex is *suffix*
    (canonical), and not below a delegation (the child zone's): what a
    resolver looks up here. PERF: told at C speed (below_cuts)."""
    if suffix == ".":
        in_zone = list(names)
    else:
        names = set(names)
        in_zone = list(compress(names, map(str.endswith, names, repeat("." + suffix))))
        if suffix in names:
            in_zone.append(suffix)
    return set(compress(in_zone, map(not_, index.below_cuts(in_zone))))


def _owners_looked_up(
    index: ZoneIndex, rdtype: int, looked_up: set[str]
) -> tuple[set[str], set[str], set[str]]:
    """Of *looked_up* (names in the zone records of *rdtype* point at),
    and of the names above those that hold no record and their wildcards
    (what has_address_among and wildcard_among read for them), those that
    hold records and those that hold A or AAAA records; and the names of
    *looked_up* that hold none. PERF: the names above are worked out only
    for those (few), not for every name."""
    held, addressed = index.target_owners_among(rdtype, looked_up)
    unheld = looked_up - held
    if unheld:
        held, addressed = index.target_owners_among(
            rdtype, looked_up, _with_wildcards(index, unheld)
        )
    return held, addressed, unheld


def _with_wildcards(index: ZoneIndex, names: set[str]) -> set[str]:
    """*names*, and the names wildcard_for looks at for them (their
    ancestors up to the apex, and the wildcards below those)."""
    ancestors = index.ancestors(names)
    return names | ancestors | set(map(add, repeat("*."), ancestors))


def _target_names(index: ZoneIndex, rdtypes: Iterable[int]) -> set[str | None]:
    """The names (target_key) the targets of records of *rdtypes* have."""
    return index.target_names(*rdtypes)


def _targets_named(
    index: ZoneIndex, rdtypes: Iterable[int], names: set[str | None]
) -> Iterator[tuple[int, str | None]]:
    """The (record, name) pairs of targets_of(*rdtypes) whose name is one
    of *names*, in file order. PERF: read again only where there are such
    names (the rules judge each name once, and most judge none worth it)."""
    if not names:
        return iter(())
    pairs = list(index.targets_of(*rdtypes))
    return compress(pairs, map(names.__contains__, map(itemgetter(1), pairs)))


def _by_name(
    targets: Iterable[tuple[int, str]], names: set[str]
) -> dict[str, list[int]]:
    """The records of *targets* whose name is one of *names*, by name, in
    file order (each name where its first record is)."""
    found: dict[str, list[int]] = {}
    if names:
        pairs = list(targets)
        for i, name in compress(
            pairs, map(names.__contains__, map(itemgetter(1), pairs))
        ):
            found.setdefault(name, []).append(i)
    return found


CNAME_TARGET_MISSING = Code(
    "ZF117",
    "cname-target-missing",
    Severity.ERROR,
    "a CNAME whose target in the zone has no records",
)


@rule(CNAME_TARGET_MISSING)
def cname_target_missing(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a CNAME whose target is a name in this zone that holds no
    record at all (nor a wildcard answering for it): the alias leads
    nowhere. A target written without its final dot (ZF104), below a
    delegation (the child zone's), or outside the zone is left alone.

    ## Why it matters
    Every lookup of the alias ends in "no such name" (or "no data"): the
    site, service or verification the alias stands for does not work. It
    usually follows a rename or a deleted host.

    ## Example
    ```
    $TTL 3600
    www   CNAME  web
    ; no record at "web"
    ```

    ## Fix
    None: point the alias at the host meant, or give the target its
    records.
    """
    zone = ctx.zone

    origin = zone.origin_text
    if origin is None:
        return
    index = zone.index
    dotless = {d.record for d in index.dotless_names() if d.position == 0}
    targets = _owned_inside(
        index, _named_targets(index.targets_of(rrtypes.CNAME), dotless)
    )
    looked_up = _looked_up(index, set(map(itemgetter(1), targets)), origin.lower())
    # PERF: what wildcard_for asks, for every name at once.
    held, _, unheld = _owners_looked_up(index, rrtypes.CNAME, looked_up)
    missing = {name for name in unheld if index.wildcard_among(name, held) is None}
    for target, records in _by_name(targets, missing).items():
        for i in records:
            yield finding_at_field(
                zone,
                CNAME_TARGET_MISSING,
                f"CNAME target {target} has no records in the zone",
                i,
                0,
            )


OCCLUDED_DATA = Code(
    "ZF118",
    "occluded-data",
    Severity.WARNING,
    "records at or below a delegation that are neither its NS, DS nor glue",
)
# What a parent zone holds at a delegation point itself (RFC 4035 adds
# DS, and the NSEC and RRSIG that sign them).
_AT_A_CUT = {
    rrtypes.NS,
    rrtypes.DS,
    rrtypes.NSEC,
    rrtypes.RRSIG,
}


@rule(OCCLUDED_DATA)
def occluded_data(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports the names at or below a delegation point of the zone (a name
    with NS records below the apex) that hold records other than the
    delegation's NS and DS, or the glue its name servers need (A and AAAA
    at a name some NS record points at). Once per delegation, at the first
    such record, naming them all.

    ## Why it matters
    Below a delegation the child zone answers; the parent's records there
    are occluded (RFC 9499): BIND loads them without a word and never
    serves them. They are usually a host moved into a delegated subdomain,
    or records left from before the subdomain was delegated, and whoever
    edits them expects them to work.

    ## Example
    ```
    $TTL 3600
    lab           NS  ns1.example.org.
    printer.lab   A   192.0.2.31     ; the lab's own servers answer for it
    ```

    ## Fix
    None: move the records to the child zone, or drop the delegation if
    the subdomain is meant to be served here.
    """
    zone = ctx.zone
    index = zone.index
    cuts = index.cuts
    if not cuts:
        return
    table = zone.table
    # (None, no name, is no owner.)
    glue = index.target_names(rrtypes.NS)
    addresses = {rrtypes.A, rrtypes.AAAA}
    # Per delegation point: the occluded names, each with its first record.
    found: dict[str, dict[str, int]] = {}
    # PERF: a name one label below the apex is at or below a delegation
    # point only when it is one: the records of two labels or more, and
    # those at the points, are all that can be occluded (marked at C speed,
    # a byte a record, and the marks of those passed over below cleared
    # before their indices are made: no list of them sifted); owners_below_cuts
    # reads few of their owners.
    flags = table.flags
    # OWNER_DEEP, and neither the apex nor outside the zone.
    deep_inside = bytes(
        1 if value & OWNER_BITS == OWNER_DEEP else 0 for value in range(256)
    )
    marks = bytearray(flags.translate(deep_inside))
    # The points one label below the apex (the others are deep).
    at_cuts = index.at_cuts()
    owner_bits = map(and_, items_at(flags, at_cuts), repeat(OWNER_BITS))
    for i in compress(at_cuts, map(not_, owner_bits)):
        marks[i] = 1
    # The NS records that make the points are never occluded (their owners
    # are the points, by what a point is, and NS is the point's own): left
    # out unread (PERF: at 100k records a fifth of those picked).
    for i in index.cut_records:
        marks[i] = 0
    types = table.rdtype
    glue_owners = index.glue_owners()
    if glue_owners:
        # Nor are the A and AAAA records the look at ZF110's targets found
        # at names NS records point at (glue, passed over below): left out
        # unread (PERF: at 100k records the 3,016 of the delegations' own
        # servers, whose owners were read there). Those that write the
        # owner and the lines right after that repeat it (a line of a file
        # it includes between them ends that: the rest are passed over
        # below).
        for ref in glue_owners:
            for at in index.owner_run(ref):
                if types[at] in addresses:
                    marks[at] = 0
    candidates = list(compress(range(len(marks)), marks))
    for i, owner in index.owners_below_cuts(candidates):
        rdtype = types[i]
        if rdtype in addresses and owner in glue:
            continue
        if owner in cuts and rdtype in _AT_A_CUT:
            continue
        cut = next((c for c in _up_from(owner) if c in cuts), None)
        if cut is None:
            continue  # below_cut and the walk up disagree: no finding
        found.setdefault(cut, {}).setdefault(owner, i)
    for cut, names in found.items():
        first = min(names.values())
        listed = ", ".join(names)
        many = len(names) > 1
        yield zone.finding_at_record(
            OCCLUDED_DATA,
            f"{'names' if many else 'name'} {listed} at or below the delegation of "
            f"{cut} {'hold' if many else 'holds'} records that are never served "
            "(the child zone answers there)",
            first,
        )


def _up_from(key: str) -> Iterator[str]:
    """*key* and the names above it, nearest first."""
    while key and key != ".":
        yield key
        _, _, key = key.partition(".")
