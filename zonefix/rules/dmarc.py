"""ZF4: DMARC (RFC 7489) and DKIM key records (RFC 6376)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import dns.exception
import dns.name

from zonefix.diagnostics import Applicability, Code, Diagnostic, Fix, Severity
from zonefix.mail.dkim import dkim_problems
from zonefix.mail.dmarc import dmarc_problems, is_dmarc
from zonefix.mail.domains import mail_view
from zonefix.rules import FixAvailability, insert_fix, rule

if TYPE_CHECKING:
    from zonefix.zone import Zone

DMARC_MISSING = Code(
    "ZF401", "dmarc-missing", Severity.WARNING, "a mail domain with no _dmarc record"
)
DMARC_SYNTAX = Code(
    "ZF402", "dmarc-syntax", Severity.ERROR, "a DMARC record RFC 7489 does not allow"
)
DMARC_MULTIPLE = Code(
    "ZF403",
    "dmarc-multiple",
    Severity.ERROR,
    "more than one DMARC record at a name",
)
DMARC_MISPLACED = Code(
    "ZF404",
    "dmarc-misplaced",
    Severity.ERROR,
    "a v=DMARC1 record not at a _dmarc name",
)
DKIM_SYNTAX = Code(
    "ZF405",
    "dkim-syntax",
    Severity.ERROR,
    "a DKIM key record RFC 6376 does not allow, or an RSA key under 1024 bits",
)


def _dmarc_records(zone: Zone) -> Iterator[tuple[int, str, str]]:
    """TXT records that say v=DMARC1, or stand at a _dmarc name: (record,
    owner key, value)."""
    view = mail_view(zone)
    index = zone.index
    for i in view.txt_records:
        owner = index.owner_key(i)
        value = view.txt_value(i)
        if is_dmarc(value) or owner.startswith("_dmarc."):
            yield i, owner, value


@rule(DMARC_MISSING, FixAvailability.UNSAFE)
def dmarc_missing(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain with no DMARC record at `_dmarc.<domain>`, nor
    at the `_dmarc` of a domain above it in this zone (receivers fall back
    to the organisational domain's record, RFC 7489 §6.6.3). A DMARC
    record written at the domain itself is ZF404's.

    ## Why it matters
    Without DMARC, receivers have no policy for mail that fails SPF and
    DKIM, and the domain's owner gets no reports of who sends as it.
    Google and Yahoo require DMARC of bulk senders.

    ## Example
    ```
    $TTL 3600
    @  MX   5  mx1.qiye.aliyun.com.
    @  TXT  "v=spf1 include:spf.qiye.aliyun.com -all"
    ; no _dmarc TXT
    ```

    ## Fix
    Unsafe: add `_dmarc TXT "v=DMARC1; p=none"`, a policy that only
    reports. The owner chooses when to tighten it.
    """
    from zonefix.edits import NewRecord

    view = mail_view(zone)
    have: set[str] = set()
    misplaced: set[str] = set()
    for _, owner, value in _dmarc_records(zone):
        if owner.startswith("_dmarc."):
            have.add(owner[len("_dmarc.") :] or ".")  # "_dmarc.": the root's
        elif is_dmarc(value):
            misplaced.add(owner)
    origin = zone.origin
    for domain in view.domains:
        if domain.name in misplaced or not domain.mx:
            continue
        name = dns.name.from_text(domain.name)
        covered = False
        while True:
            if name.to_text().lower() in have:
                covered = True
                break
            if origin is None or name == origin or len(name) <= len(origin):
                break
            name = name.parent()
        if covered:
            continue
        fix = None
        try:
            dmarc = dns.name.Name(("_dmarc",)) + dns.name.from_text(domain.name)
        except dns.exception.DNSException:
            pass  # _dmarc under a name of 250 octets is over 255: no fix
        else:
            new = NewRecord(dmarc, "TXT", ('"v=DMARC1; p=none"',))
            fix = insert_fix(
                zone, [new], 'add _dmarc TXT "v=DMARC1; p=none"', Applicability.UNSAFE
            )
        yield zone.finding_at_record(
            DMARC_MISSING,
            f"mail domain {domain.name} has no DMARC record",
            domain.anchor,
            fix,
        )


@rule(DMARC_SYNTAX, FixAvailability.SAFE)
def dmarc_syntax(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Checks each DMARC record (TXT at a `_dmarc` name, or a `v=DMARC1`
    record misplaced elsewhere, which ZF404 moves) against RFC 7489:
    `v=DMARC1` first, `p=` present and right after it, known values for
    `p`, `sp`, `adkim`, `aspf`, `pct`, `fo`, and `rua`/`ruf` as `mailto:`
    URIs. One finding per problem.

    ## Why it matters
    Receivers ignore a DMARC record they cannot read: no policy applies
    and no reports arrive.

    ## Example
    ```
    $TTL 3600
    _dmarc  TXT  "v=DMARC1; p=quarantine; rua=dmarc@example.net"
    ```

    ## Fix
    Safe where unambiguous: add the missing `mailto:` to a bare address.
    None for a missing `p=`: the owner must choose the policy.
    """
    from zonefix.edits import CannotEdit, txt_value_edits, txt_value_span

    for i, owner, value in _dmarc_records(zone):
        for problem in dmarc_problems(value):
            fix = None
            if problem.fixed is not None and problem.replacement is not None:
                tag = problem.fixed
                try:
                    edits = txt_value_edits(
                        zone,
                        i,
                        tag.start,
                        tag.start + len(tag.text),
                        problem.replacement,
                    )
                    fix = Fix("add 'mailto:'", Applicability.SAFE, edits)
                except CannotEdit:
                    pass
            span = None
            if problem.tag is not None:
                text = problem.tag.text
                start = problem.tag.start + len(text) - len(text.lstrip())
                span = txt_value_span(zone, i, start, start + len(text.strip()))
            yield zone.finding_at_span(
                DMARC_SYNTAX, f"DMARC at {owner}: {problem.message}", i, span, fix
            )


@rule(DMARC_MULTIPLE)
def dmarc_multiple(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a `_dmarc` name with more than one `v=DMARC1` record, once,
    at the first.

    ## Why it matters
    RFC 7489 §6.6.3: with several records, receivers apply no DMARC
    policy at all.

    ## Example
    ```
    $TTL 3600
    _dmarc  TXT  "v=DMARC1; p=none"
    _dmarc  TXT  "v=DMARC1; p=reject"
    ```

    ## Fix
    None: keep the one whose policy you mean.
    """
    by_owner: dict[str, list[int]] = {}
    for i, owner, value in _dmarc_records(zone):
        if owner.startswith("_dmarc.") and is_dmarc(value):
            by_owner.setdefault(owner, []).append(i)
    for owner, records in by_owner.items():
        if len(records) > 1:
            yield zone.finding_at_record(
                DMARC_MULTIPLE,
                f"{len(records)} DMARC records at {owner} (receivers use none)",
                records[0],
            )


@rule(DMARC_MISPLACED, FixAvailability.UNSAFE)
def dmarc_misplaced(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a `v=DMARC1` TXT record that is not at a `_dmarc` name: at the
    apex, where receivers never look for it.

    ## Why it matters
    The domain has no DMARC policy in effect, though its owner believes
    it has one.

    ## Example
    ```
    $TTL 3600
    @  TXT  "v=DMARC1; p=reject; rua=mailto:dmarc@example.net"
    ```

    ## Fix
    Unsafe: move it to `_dmarc` by rewriting its owner in place. None
    where the line has no owner of its own or the next line repeats it.
    """
    for i, owner, value in _dmarc_records(zone):
        if owner.startswith("_dmarc.") or not is_dmarc(value):
            continue
        yield zone.finding_at_record(
            DMARC_MISPLACED,
            f"DMARC record at {owner}, not at _dmarc.{owner}",
            i,
            _move_to_dmarc(zone, i),
        )


def _move_to_dmarc(zone: Zone, index: int) -> Fix | None:
    from zonefix.edits import next_record, replace_field
    from zonefix.syntax.nodes import fields_between

    table = zone.table
    if table.document[index] != 0 or index in table.generated:
        return None
    text = zone.tree.text
    start, end = zone.tree.span(table.entry[index])
    if text[start] in " \t":
        return None  # a blank owner: the line would have to write one
    following = next_record(zone, index)
    if following is not None:
        next_start = zone.tree.span(table.entry[following])[0]
        if text[next_start] in " \t":
            return None  # the next line repeats this owner
    owner = fields_between(text, start, end)[0]
    word = owner.text
    moved = "_dmarc" if word == "@" else f"_dmarc.{word}"
    return Fix(
        f"move it to {moved}",
        Applicability.UNSAFE,
        (replace_field(text, owner, moved),),
    )


@rule(DKIM_SYNTAX)
def dkim_syntax(zone: Zone) -> Iterator[Diagnostic]:
    """
    ## What it does
    Checks TXT key records at `<selector>._domainkey` names (RFC 6376
    §3.6.1): known tags, `v=DKIM1` first if present, a known `k=` (rsa,
    ed25519), `p=` in base64, and an RSA key of at least 1024 bits, the
    size read from the key itself. An empty `p=` is a valid revoked key.
    One finding per record.

    ## Why it matters
    Receivers cannot verify signatures with a broken key, and RFC 8301
    tells them to reject RSA keys under 1024 bits: the domain's mail
    fails DKIM.

    ## Example
    ```
    $TTL 3600
    sel._domainkey  TXT  "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAL..."
    ```

    ## Fix
    None: publish the key the mail system generates (2048 bits).
    """
    view = mail_view(zone)
    index = zone.index
    for i in view.txt_records:
        owner = index.owner_key(i)
        if "._domainkey." not in owner or owner.startswith("_domainkey."):
            continue
        value = view.txt_value(i)
        if "=" not in value:
            continue
        problems = dkim_problems(value)
        if problems:
            yield zone.finding_at_record(
                DKIM_SYNTAX, f"DKIM key at {owner}: {'; '.join(problems)}", i
            )
