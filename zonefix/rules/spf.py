"""ZF3: SPF records (RFC 7208), read term by term (zonefix/mail/spf.py)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import dns.name
import dns.rdatatype

from zonefix.diagnostics import Applicability, Code, Diagnostic, Edit, Fix, Severity
from zonefix.mail.domains import MailDomain, MailView, mail_view
from zonefix.mail.spf import LOOKUP_TERMS, Prose, SpfRecord, Term, parse_spf
from zonefix.rules import (
    FixAvailability,
    delete_fix,
    insert_fix,
    rdata_field,
    rule,
)

if TYPE_CHECKING:
    from zonefix.providers import Profile
    from zonefix.zone import Zone

SPF_MISSING = Code("ZF301", "spf-missing", Severity.ERROR, "a mail domain with no SPF")
SPF_MULTIPLE = Code(
    "ZF302",
    "spf-multiple",
    Severity.ERROR,
    "more than one SPF record at a name (permerror)",
)
SPF_SYNTAX = Code("ZF303", "spf-syntax", Severity.ERROR, "not valid RFC 7208")
SPF_PROSE = Code(
    "ZF304", "spf-prose", Severity.ERROR, "prose pasted from documentation"
)
SPF_INCLUDE_MISSING = Code(
    "ZF305",
    "spf-provider-include-missing",
    Severity.ERROR,
    "SPF lacks the mail provider's include",
)
SPF_PERMISSIVE_ALL = Code(
    "ZF306",
    "spf-permissive-all",
    Severity.WARNING,
    "+all (error), ?all, or no all/redirect (warning)",
)
SPF_LOOKUP_LIMIT = Code(
    "ZF307",
    "spf-lookup-limit",
    Severity.ERROR,
    "more than 10 DNS-querying terms",
)
SPF_RR_TYPE = Code(
    "ZF308", "spf-rr-type", Severity.WARNING, "the obsolete SPF RR type (99)"
)
SPF_PTR = Code("ZF309", "spf-ptr", Severity.WARNING, "the ptr mechanism")
SPF_STALE_INCLUDE = Code(
    "ZF310",
    "spf-stale-include",
    Severity.WARNING,
    "includes a mailbox provider that no MX at that name uses",
)

_STRICTNESS = {"-": 0, "~": 1, "?": 2, "+": 3, "": 3}
LOOKUP_LIMIT = 10


def _spf_names(view: MailView) -> Iterator[tuple[str, list[int], SpfRecord]]:
    """Each name with SPF: its records and the one record the rules read
    (ZF302's merge where there are several)."""
    for name, records in view.spf_by_owner.items():
        if len(records) == 1:
            yield name, records, view.spf(records[0])
        else:
            yield name, records, parse_spf(merged_spf(view, records)[0])


def merged_spf(view: MailView, records: list[int]) -> tuple[str, bool]:
    """The one record ZF302 writes for *records*: terms in file order,
    duplicates dropped, the strictest ``all`` last; and whether two
    different ``redirect=`` made it guess."""
    seen: set[str] = set()
    terms: list[str] = []
    best_all: Term | None = None
    redirects: set[str] = set()
    for i in records:
        for term in view.spf(i).effective():
            if term.name == "all" and not term.modifier:
                if (
                    best_all is None
                    or _STRICTNESS[term.qualifier] < _STRICTNESS[best_all.qualifier]
                ):
                    best_all = term
                continue
            if term.modifier and term.name == "redirect":
                redirects.add((term.value or "").lower())
                if len(redirects) > 1:
                    continue
            key = term.text.lower().lstrip("+")
            if key not in seen:
                seen.add(key)
                terms.append(term.text)
    if best_all is not None:
        terms.append(best_all.text)
    return " ".join(["v=spf1", *terms]), len(redirects) > 1


@rule(SPF_MISSING, FixAvailability.SAFE)
def spf_missing(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain (a name with an MX, or configured with a mail
    provider) that has no SPF record, at its first MX.

    ## Why it matters
    Without SPF, receivers cannot tell your provider's servers from a
    forger's; big mailbox providers now junk or refuse such mail.

    ## Example
    ```
    $TTL 3600
    @  MX  5  mx1.qiye.aliyun.com.
    ; no "v=spf1 ..." TXT at @
    ```

    ## Fix
    Add the provider's SPF record (`v=spf1 include:spf.qiye.aliyun.com
    -all`). Safe when the provider is determined; unsafe otherwise; none
    when no provider is known.
    """
    from zonefix.edits import NewRecord

    view = mail_view(zone)
    for domain in view.domains:
        if domain.spf or _has_type99(zone, domain):
            continue
        provider = domain.provider
        fix = None
        message = f"mail domain {domain.name} has no SPF record"
        if provider is not None and provider.spf_include:
            value = f"v=spf1 include:{provider.spf_include} {provider.spf_all}"
            new = NewRecord(dns.name.from_text(domain.name), "TXT", (f'"{value}"',))
            fix = insert_fix(
                zone,
                [new],
                f'add TXT "{value}"',
                Applicability.SAFE if domain.determined else Applicability.UNSAFE,
            )
            message += f' (provider {provider.id} gives "{value}")'
        yield zone.finding_at_record(SPF_MISSING, message, domain.anchor, fix)


def _has_type99(zone: Zone, domain: MailDomain) -> bool:
    return any(zone.table.rdtype[i] == dns.rdatatype.SPF for i in domain.records)


@rule(SPF_MULTIPLE, FixAvailability.SAFE)
def spf_multiple(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a name with more than one SPF record (TXT starting
    `v=spf1`), once, at the first. The other SPF rules read the one record
    the fix writes.

    ## Why it matters
    RFC 7208 §4.5: with two SPF records the check is a permanent error,
    and receivers treat the mail as if it had no SPF at all. It happens
    when a second sender's record is pasted beside the first.

    ## Example
    ```
    $TTL 3600
    @  TXT  "v=spf1 include:spf.qiye.aliyun.com -all"
    @  TXT  "v=spf1 include:spf1.dm.aliyun.com -all"
    ```

    ## Fix
    Safe: merge into the first record in file order (terms in file order,
    duplicates dropped, the strictest `all` kept) and delete the others.
    Unsafe where two different `redirect=` meet: the first is kept.
    """
    from zonefix.edits import CannotEdit, rewrite_txt

    view = mail_view(zone)
    for name, records, _ in _spf_names(view):
        if len(records) < 2:
            continue
        value, guessed = merged_spf(view, records)
        applicability = Applicability.UNSAFE if guessed else Applicability.SAFE
        fix = None
        try:
            edits = [rewrite_txt(zone, records[0], value)]
            for i in records[1:]:
                deleted = delete_fix(zone, i, "")
                if deleted is None:
                    raise CannotEdit("an SPF record cannot be deleted")
                edits.extend(deleted.edits)
            if not _overlap(edits):
                fix = Fix(
                    f'merge into one record: "{value}"', applicability, tuple(edits)
                )
        except CannotEdit:
            pass
        yield zone.finding_at_record(
            SPF_MULTIPLE,
            f"{len(records)} SPF records at {name} (receivers see none)",
            records[0],
            fix,
        )


def _overlap(edits: list[Edit]) -> bool:
    ordered = sorted(edits)
    return any(a.end > b.start for a, b in pairwise(ordered))


def _each_spf(view: MailView) -> Iterator[tuple[int, SpfRecord]]:
    """Every SPF record on its own: a mistake written in one of two records
    is still that record's mistake (ZF302 then merges what was meant)."""
    for records in view.spf_by_owner.values():
        for i in records:
            yield i, view.spf(i)


def _term_fix(
    zone: Zone,
    index: int,
    start: int,
    end: int,
    text: str,
    message: str,
    applicability: Applicability = Applicability.SAFE,
) -> Fix | None:
    from zonefix.edits import CannotEdit, txt_value_edits

    try:
        return Fix(
            message, applicability, txt_value_edits(zone, index, start, end, text)
        )
    except CannotEdit:
        return None


def _meant_fix(zone: Zone, index: int, written: Term | Prose) -> Fix | None:
    """Writing the term *written* meant, where that is known."""
    if written.meant is None:
        return None
    return _term_fix(
        zone,
        index,
        written.start,
        written.end,
        written.meant,
        f"write '{written.meant}'",
    )


def _at_term(
    zone: Zone,
    code: Code,
    message: str,
    records: list[int],
    term: Term | Prose | None,
    fix: Fix | None = None,
) -> Diagnostic:
    """A finding at *term* where the file writes it (one record, a term as
    written, in a string without escapes), else at the record."""
    from zonefix.edits import txt_value_span

    span = None
    if term is not None and len(records) == 1:
        written = mail_view(zone).spf(records[0])
        if _among(written.terms, term) or _among(written.prose, term):
            span = txt_value_span(zone, records[0], term.start, term.end)
    return zone.finding_at_span(code, message, records[0], span, fix)


def _among(items: Sequence[Term | Prose], item: Term | Prose) -> bool:
    """*item* is one of *items* (in the order of the record): found by
    its start, not by a scan per term, which is quadratic on a record of
    pasted prose."""
    at = bisect_left(items, item.start, key=lambda t: t.start)
    while at < len(items) and items[at].start == item.start:
        if items[at] == item:
            return True
        at += 1
    return False


@rule(SPF_SYNTAX, FixAvailability.SAFE)
def spf_syntax(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports SPF text that RFC 7208 does not allow: an unknown mechanism, a
    bad qualifier or CIDR length, a malformed macro, a mechanism missing
    its domain, `v=spf1` not first, a repeated `redirect=` or `exp=`. One
    finding per bad term. Prose pasted from documentation is ZF304's.

    ## Why it matters
    One bad term makes the whole record a permanent error: receivers
    ignore it, as if the domain had no SPF.

    ## Example
    ```
    $TTL 3600
    @  TXT  "v=spf1 include: spf.qiye.aliyun.com ip4:192.0.2.300 -all"
    ```

    ## Fix
    Safe where the intent is unambiguous: `include: host` becomes
    `include:host`, a full-width colon a plain one. Otherwise none.
    """
    view = mail_view(zone)
    for i, record in _each_spf(view):
        for problem in record.problems:
            yield zone.finding_at_record(SPF_SYNTAX, f"SPF: {problem}", i)
        for term in record.terms:
            if term.problem is None:
                continue
            fix = _meant_fix(zone, i, term)
            yield _at_term(
                zone,
                SPF_SYNTAX,
                f"SPF term '{term.text}': {term.problem}",
                [i],
                term,
                fix,
            )
    # "v=spf1" written, but not first: no SPF record to receivers.
    for i in view.txt_records:
        value = view.txt_value(i)
        if not value.lower().startswith("v=spf1") and re.search(
            r"(?i)(^|\s)v=spf1(\s|$)", value
        ):
            yield zone.finding_at_record(
                SPF_SYNTAX, "SPF: 'v=spf1' is not the record's first word", i
            )


@rule(SPF_PROSE, FixAvailability.SAFE)
def spf_prose(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports words pasted from a provider's documentation into an SPF
    record: `v=spf1 include the following:spf.sg.aliyun.com -all`, with a
    space after the colon or a full-width colon (U+FF1A). The other SPF rules
    read the term the prose meant.

    ## Why it matters
    "the" and "following:..." are no SPF terms: the record is a permanent
    error and the provider's servers are not authorised.

    ## Example
    ```
    $TTL 3600
    @  TXT  "v=spf1 include the following:spf.sg.aliyun.com -all"
    ```

    ## Fix
    Safe: write the term meant (`include:spf.sg.aliyun.com`).
    """
    for i, record in _each_spf(mail_view(zone)):
        for prose in record.prose:
            fix = _meant_fix(zone, i, prose)
            meant = f"; meant '{prose.meant}'" if prose.meant else ""
            yield _at_term(
                zone,
                SPF_PROSE,
                f"SPF holds prose '{prose.text}'{meant}",
                [i],
                prose,
                fix,
            )


@rule(SPF_INCLUDE_MISSING, FixAvailability.SAFE)
def spf_provider_include_missing(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain whose SPF record lacks its provider's include
    (`include:spf.sg.aliyun.com` for `alibaba-mail-sg`). Prose that meant
    the include counts as the include (ZF304 reports the prose).

    ## Why it matters
    The provider's servers are not authorised: receivers junk or refuse
    the domain's own mail.

    ## Example
    ```
    $TTL 3600
    @  MX   5  mx1.sg.aliyun.com.
    @  MX  10  mx2.sg.aliyun.com.
    @  TXT  "v=spf1 include:spf.qiye.aliyun.com -all"
    ```

    ## Fix
    Insert the include before `all`; where the record has the include of
    another site or edition of the same provider (`include:spf.hk.aliyun.com`
    on a domain of `alibaba-mail-sg`), rewrite that include instead, so the
    record names only the site in use. Safe when the provider is determined
    (configured); unsafe when it is only inferred, since the SPF does not
    confirm it.
    """
    view = mail_view(zone)
    for name, records, record in _spf_names(view):
        domain = view.domain_of(name)
        provider = domain.provider if domain is not None else None
        if domain is None or provider is None or not provider.spf_include:
            continue
        if set(provider.includes) & set(_includes(view, record)):
            continue
        fix = None
        term = f"include:{provider.spf_include}"
        applicability = (
            Applicability.SAFE if domain.determined else Applicability.UNSAFE
        )
        message = f"SPF at {domain.name} lacks '{term}' ({provider.id})"
        sibling = _sibling_include(view, record, provider)
        if sibling is not None:
            # Another site's or edition's include of the same provider: the
            # one term to rewrite, not a second include to add.
            owner = view.mailbox_includes[(sibling.value or "").lower().rstrip(".")]
            message += f"; it has '{sibling.text}' ({owner.id})"
            if len(records) == 1 and sibling in record.terms:
                fix = _term_fix(
                    zone,
                    records[0],
                    sibling.start,
                    sibling.end,
                    sibling.text[: sibling.text.index(":") + 1] + provider.spf_include,
                    f"write '{term}' for '{sibling.text}'",
                    applicability,
                )
        elif len(records) == 1:
            fix = _insert_term_fix(zone, records[0], record, term, applicability)
        yield _at_term(zone, SPF_INCLUDE_MISSING, message, records, sibling, fix)


def _sibling_include(
    view: MailView, record: SpfRecord, provider: Profile
) -> Term | None:
    """The record's include of another profile of the provider's family."""
    for term in record.effective():
        if term.name != "include" or not term.value or term.modifier:
            continue
        owner = view.mailbox_includes.get(term.value.lower().rstrip("."))
        if owner is not None and owner.family == provider.family:
            return term
    return None


def _includes(view: MailView, record: SpfRecord) -> list[str]:
    """The record's includes, and those of the in-zone record its
    ``redirect=`` names."""
    found = record.includes()
    redirect = record.modifier("redirect")
    if redirect is not None and redirect.value:
        target = redirect.value.lower().rstrip(".") + "."
        for i in view.spf_by_owner.get(target, ())[:1]:
            found += view.spf(i).includes()
    return found


def _insert_term_fix(
    zone: Zone, index: int, record: SpfRecord, term: str, applicability: Applicability
) -> Fix | None:
    """Insert *term* before the record's ``all`` (or ``redirect``), else at
    its end."""
    before = record.all_term() or record.modifier("redirect")
    if before is not None and before in record.terms:
        at = before.start
        return _term_fix(
            zone, index, at, at, term + " ", f"add '{term}'", applicability
        )
    at = len(record.text.rstrip())
    return _term_fix(zone, index, at, at, " " + term, f"add '{term}'", applicability)


@rule(SPF_PERMISSIVE_ALL, FixAvailability.UNSAFE)
def spf_permissive_all(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an SPF record that ends in `+all` (error: it authorises every
    server on the internet), `?all` (no opinion), or has neither `all` nor
    `redirect=` (warning). `?all` is left alone where the domain's
    provider advises it.

    ## Why it matters
    SPF that lets anyone send does not protect the domain; receivers
    treat it as no SPF, or worse.

    ## Example
    ```
    $TTL 3600
    @  TXT  "v=spf1 include:spf.qiye.aliyun.com +all"
    ```

    ## Fix
    Unsafe: the `all` the provider advises (`~all` where none is known).
    It changes what receivers do with mail from unlisted servers.
    """
    view = mail_view(zone)
    for name, records, record in _spf_names(view):
        domain = view.domain_of(name)
        advised = domain.provider.spf_all if domain and domain.provider else "~all"
        last = record.all_term()
        if last is not None and last.qualifier in ("-", "~"):
            continue
        if last is not None and last.qualifier == "?" and advised == "?all":
            continue
        if last is None and record.modifier("redirect") is not None:
            continue
        code = SPF_PERMISSIVE_ALL
        fix = None
        if last is None:
            message = f"SPF at {name} has no 'all' (nor 'redirect=')"
            if len(records) == 1:
                at = len(record.text.rstrip())
                fix = _term_fix(
                    zone,
                    records[0],
                    at,
                    at,
                    " " + advised,
                    f"add '{advised}'",
                    Applicability.UNSAFE,
                )
        else:
            if last.qualifier in ("+", ""):
                code = SPF_PERMISSIVE_ALL._replace(severity=Severity.ERROR)
            message = f"SPF at {name} ends in '{last.text}'"
            if len(records) == 1 and last in record.terms:
                fix = _term_fix(
                    zone,
                    records[0],
                    last.start,
                    last.end,
                    advised,
                    f"write '{advised}'",
                    Applicability.UNSAFE,
                )
        yield _at_term(zone, code, message, records, last, fix)


@rule(SPF_LOOKUP_LIMIT)
def spf_lookup_limit(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Counts the terms of an SPF record that make DNS lookups (`include`,
    `a`, `mx`, `ptr`, `exists`, `redirect`; RFC 7208 §4.6.4) and reports
    more than 10. Lookups inside an include count where a profile knows
    them; an include zonefix does not know counts as one, and the message
    says so. The address lookups behind `mx` do not count.

    ## Why it matters
    Past 10 lookups the check is a permanent error: the record protects
    nothing.

    ## Example
    ```
    $TTL 3600
    @  TXT  ( "v=spf1 a mx include:a.example.com include:b.example.com"
              " include:c.example.com include:d.example.com include:e.example.com"
              " include:f.example.com include:g.example.com include:h.example.com"
              " include:i.example.com -all" )
    ```

    ## Fix
    None: drop senders you no longer use, or replace includes with `ip4:`
    and `ip6:` ranges.
    """
    view = mail_view(zone)
    for name, records, record in _spf_names(view):
        count = 0
        unknown = 0
        for term in record.effective():
            if term.name not in LOOKUP_TERMS:
                continue
            count += 1
            if term.name in ("include", "redirect") and term.value:
                below = view.nested_lookups.get(term.value.lower().rstrip("."))
                if below is None:
                    unknown += 1
                else:
                    count += below
        if count <= LOOKUP_LIMIT:
            continue
        note = (
            f"; {unknown} include{'s' if unknown != 1 else ''} zonefix does not "
            f"know counted as one lookup each"
            if unknown
            else ""
        )
        yield zone.finding_at_record(
            SPF_LOOKUP_LIMIT,
            f"SPF at {name} makes {count} DNS lookups, over the limit of "
            f"{LOOKUP_LIMIT}{note}",
            records[0],
        )


@rule(SPF_RR_TYPE, FixAvailability.SAFE)
def spf_rr_type(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a record of the SPF type (99), which RFC 7208 §3.1 retired:
    receivers look only at TXT.

    ## Why it matters
    An SPF-type record alone is no SPF at all; beside a TXT copy it only
    invites the two to drift apart.

    ## Example
    ```
    $TTL 3600
    @  SPF  "v=spf1 include:spf.qiye.aliyun.com -all"
    ```

    ## Fix
    Safe: turn it into a TXT record, or delete it when the same TXT exists.
    """
    table = zone.table
    view = mail_view(zone)
    zone_index = zone.index
    for i, rdtype in enumerate(table.rdtype):
        if rdtype != dns.rdatatype.SPF:
            continue
        value = view.txt_value(i)
        owner = zone_index.owner_key(i)
        same = any(view.txt_value(j) == value for j in view.spf_by_owner.get(owner, ()))
        if same:
            fix = delete_fix(zone, i, "delete it: the same TXT exists")
        else:
            fix = _type_fix(zone, i, value)
        yield zone.finding_at_record(
            SPF_RR_TYPE, f"obsolete SPF-type record at {owner}", i, fix
        )


def _type_fix(zone: Zone, index: int, value: str) -> Fix | None:
    field = rdata_field(zone, index, -1)  # the type, whose case it keeps
    if zone.table.document[index] != 0 or field is None:
        return None
    text = "txt" if field.text.islower() else "TXT"
    return Fix(
        f'turn it into TXT "{value}"',
        Applicability.SAFE,
        (Edit(field.start, field.end, text),),
    )


@rule(SPF_PTR)
def spf_ptr(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports the `ptr` mechanism in an SPF record.

    ## Why it matters
    RFC 7208 §5.5: "ptr" SHOULD NOT be used. It is slow, unreliable, and
    some receivers skip it, so the servers it means to allow fail.

    ## Example
    ```
    $TTL 3600
    @  TXT  "v=spf1 ptr -all"
    ```

    ## Fix
    None: list the servers with `ip4:`/`ip6:` or `a:` instead.
    """
    for name, records, record in _spf_names(mail_view(zone)):
        for term in record.effective():
            if term.name == "ptr" and not term.modifier:
                yield _at_term(
                    zone, SPF_PTR, f"SPF at {name} uses '{term.text}'", records, term
                )


@rule(SPF_STALE_INCLUDE, FixAvailability.UNSAFE)
def spf_stale_include(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an SPF include of a mailbox provider that no MX at that name
    uses: the old provider's include left behind after a migration.
    Sending services' includes are not judged by the MX.

    ## Why it matters
    It keeps authorising the old provider's servers to send as you, and
    spends lookups of the 10 SPF allows.

    ## Example
    ```
    $TTL 3600
    @  MX   5  mx1.sg.aliyun.com.
    @  TXT  "v=spf1 include:spf.sg.aliyun.com include:_spf.google.com -all"
    ```

    ## Fix
    Unsafe: remove the include (the provider may still send for you, from
    a system zonefix cannot see).
    """
    view = mail_view(zone)
    for name, records, record in _spf_names(view):
        domain = view.domain_of(name)
        if domain is None or not domain.mx:
            continue  # a redirect target or a sending-only name: no MX to ask
        hosts = [m.host for m in domain.mx]
        users = {p.id for p in view.matching_profiles(name, hosts)}
        if domain.provider is not None:
            users.add(domain.provider.id)
        families = {view.profiles[u].family for u in users if u in view.profiles}
        for term in record.effective():
            if term.name != "include" or not term.value:
                continue
            profile = view.mailbox_includes.get(term.value.lower().rstrip("."))
            if profile is None or profile.id in users:
                continue
            if profile.family in families and set(profile.includes) & {
                i for u in users for i in view.profiles[u].includes
            }:
                continue  # the same include serves the provider in use
            fix = None
            if len(records) == 1 and term in record.terms:
                start, end = term.start, term.end
                if record.text[start - 1 : start] == " ":
                    start -= 1
                fix = _term_fix(
                    zone,
                    records[0],
                    start,
                    end,
                    "",
                    f"remove '{term.text}'",
                    Applicability.UNSAFE,
                )
            yield _at_term(
                zone,
                SPF_STALE_INCLUDE,
                f"SPF at {name} includes {profile.id} ('{term.text}'), which no "
                f"MX there uses",
                records,
                term,
                fix,
            )
