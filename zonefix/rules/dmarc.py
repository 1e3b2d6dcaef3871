"""ZF4: DMARC (RFC 7489) and DKIM key records (RFC 6376)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import compress, repeat
from operator import and_, attrgetter, contains, itemgetter, not_, or_
from typing import TYPE_CHECKING

from zonefix.bind.facts import plain_name_match
from zonefix.diagnostics import Applicability, Code, Diagnostic, Fix, Severity
from zonefix.mail import printable
from zonefix.mail.dmarc import Problem, dmarc_problems, is_dmarc
from zonefix.mail.domains import MailDomain, MailView
from zonefix.rules.registry import FixAvailability, insert_fix, rule

if TYPE_CHECKING:
    import dns.name

    from zonefix.bind.edits import TxtLayout
    from zonefix.document import CannotEdit, RenameOwner
    from zonefix.rules.context import RuleContext
    from zonefix.zone import Zone


def _dmarc_records(ctx: RuleContext) -> Iterator[tuple[int, str, str]]:
    """TXT records that say v=DMARC1, or stand at a _dmarc name: (record,
    owner key, value)."""
    return iter(ctx.mail.dmarc_records)


DMARC_MISSING = Code(
    "ZF401", "dmarc-missing", Severity.WARNING, "a mail domain with no _dmarc record"
)


@rule(DMARC_MISSING, FixAvailability.UNSAFE)
def dmarc_missing(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an organisational domain (RFC 7489 §3.2: the zone's apex, as a
    rule) whose mail domains have no DMARC record: none at `_dmarc` of the
    organisational domain, nor of each mail domain or a name between them.
    Once, at the organisational domain's first MX (else at its highest mail
    domain), not again at each subdomain with MX: receivers fall back to
    the organisational domain's record (RFC 7489 §6.6.3), so one record
    there is the one fix. A record at a name between the two counts, as
    DMARCbis's tree walk reads it (RFC 7489's receivers look only at the
    exact name and the organisational domain), so zonefix errs toward
    silence there. A zone below its organisational domain
    (`lists.example.net` as a zone of its own) is left alone: the record
    belongs to the parent's zone, which zonefix does not see. A DMARC
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
    Unsafe: add `_dmarc TXT "v=DMARC1; p=none"` at the organisational
    domain, a policy that only reports; the owner chooses when to tighten
    it. For a domain whose SPF says it sends no mail (`v=spf1 -all`),
    `p=reject`, which tells receivers the same.
    """
    zone = ctx.zone
    view = ctx.mail
    if zone.origin_text is None or not view.domains:
        return
    apex = ctx.index.apex_key
    have: set[str] = set()
    for _, owner, value in _dmarc_records(ctx):
        if owner.startswith("_dmarc."):
            have.add(owner[len("_dmarc.") :] or ".")  # "_dmarc.": the root's
        elif is_dmarc(value):
            have.add(owner)  # ZF404 moves it to _dmarc there
    groups = uncovered(view.domains, apex, have)
    for org, domains in groups.items():
        import dns.name

        from zonefix.record_edits import NewRecord

        at = next((d for d in domains if d.name == org), None)
        if at is None:
            at = min(domains, key=lambda d: (d.name.count("."), d.anchor or 0))
        # A wildcard has no _dmarc of its own to add: only the
        # organisational domain's serves it.
        others = ", ".join(
            d.name for d in domains if d is not at and not d.name.startswith("*.")
        )
        # A domain that says it sends no mail (v=spf1 -all) is best told
        # so to receivers too: p=reject (M3AAWG's parked-domain advice).
        policy = "reject" if _sends_nothing(view, org) else "none"
        fix = None
        record = f"_dmarc.{org}" if org != "." else "_dmarc."
        try:
            dmarc = dns.name.from_text("_dmarc", dns.name.from_text(org))
        except dns.name.NameTooLong:
            pass  # no record can be written there: the finding stands alone
        else:
            new = NewRecord(dmarc, "TXT", (f'"v=DMARC1; p={policy}"',))
            fix = insert_fix(
                zone,
                [new],
                f'add {record} TXT "v=DMARC1; p={policy}"',
                Applicability.UNSAFE,
            )
        if at.name == org:
            message = f"mail domain {org} has no DMARC record at {record}"
            if others:
                message += f", nor have its mail domains {others} one of their own"
        else:
            message = f"no DMARC record at {record} for mail domain {at.name}"
            if others:
                message += f", nor for {others}"
        if policy == "reject":
            message += "; its SPF says it sends no mail, which p=reject tells receivers"
        yield zone.finding_at_record(DMARC_MISSING, message, at.anchor, fix)


def uncovered(
    domains: list[MailDomain], apex: str, have: set[str]
) -> dict[str, list[MailDomain]]:
    """The mail *domains* with MX that no DMARC record covers (*have*: the
    names with one; _covered), by their organisational domain, where that
    is in the zone at *apex*; in the order of *domains*."""
    groups: dict[str, list[MailDomain]] = {}
    # The mail domains with MX, but those covered by a record of their own,
    # wherever their organisational domain lies (PERF: told at C speed, and
    # the Public Suffix List not read for them).
    pending = list(compress(domains, map(attrgetter("mx"), domains)))
    names: list[str] = list(map(attrgetter("name"), pending))
    pending = list(compress(pending, map(not_, map(have.__contains__, names))))
    if not pending:
        return groups
    orgs = _OrgDomains(apex)  # PERF: with the first name asked
    if orgs.common is not None and orgs.common in have:
        # PERF: a name orgs reads by the apex alone (read_by_apex) has the
        # common organisational domain, and one whose labels hold no escape
        # is covered by its record there (_covered walks up to it as
        # text): all told at C speed (most of a zone's).
        names = list(map(attrgetter("name"), pending))
        # PERF: where no name holds an empty label, IDNA or an escape, nor
        # starts with a dot (the usual zone), told by a search of them all
        # joined, as one text (a name ends with its dot: a line break
        # between two makes no empty label).
        joined = "\n".join(names)
        if joined.startswith(".") or any(map(contains, repeat(joined), _ODD)):
            by_apex = map(
                and_,
                map(str.endswith, names, repeat(orgs.below)),
                map(not_, map(str.startswith, names, repeat("."))),
            )
            odd = map(
                or_,
                map(
                    or_,
                    map(contains, names, repeat("..")),
                    map(contains, names, repeat("xn--")),
                ),
                map(contains, names, repeat("\\")),
            )
            covered = map(and_, by_apex, map(not_, odd))
        else:
            covered = map(str.endswith, names, repeat(orgs.below))
        pending = list(compress(pending, map(not_, covered)))
    for domain in pending:
        name = domain.name
        org, inside = orgs.of(name)
        if not inside:
            continue  # its DMARC lives in a parent zone
        if not _covered(name, org, have):
            groups.setdefault(org, []).append(domain)
    return groups


# What no name may hold for uncovered to tell it covered by the apex's
# record by its end alone: an empty label, IDNA, an escape, a name starting
# with a dot (after another's line break).
_ODD = ("..", "xn--", "\\", "\n.")


class _OrgDomains:
    """Mail domains' organisational domains in a zone (the name's own where
    it has none), and whether each is at or below the apex. PERF: a name
    below the apex whose organisational domain is every such name's
    (tlds.common_organisational_domain: the usual zone's names) is told by
    a few string searches, with no look-up in the suffix list, and the
    answer about the apex is worked out once per organisational domain."""

    def __init__(self, apex: str) -> None:
        # PERF: the suffix list's module, with the first name asked.
        from zonefix.tlds import common_organisational_domain, read_by_apex

        self.read_by_apex = read_by_apex
        self.apex = apex
        self.below = f".{apex}"
        self.common = common_organisational_domain(apex)
        self.inside: dict[str, bool] = {}

    def of(self, name: str) -> tuple[str, bool]:
        """The organisational domain of mail domain *name* (canonical), and
        whether it is at or below the apex."""
        if self.common is not None and self.read_by_apex(name, self.below):
            org = self.common  # organisational_domain_below's answer
        else:
            from zonefix.tlds import organisational_domain_below

            org = organisational_domain_below(name, self.apex) or name
        inside = self.inside.get(org)
        if inside is None:
            inside = self.inside[org] = _at_or_below(org, self.apex)
        return org, inside


def _sends_nothing(view: MailView, name: str) -> bool:
    """The SPF of *name* authorises no server at all (``v=spf1 -all``)."""
    records = view.spf_by_owner.get(name, [])
    if len(records) != 1:
        return False
    terms = view.spf(records[0]).effective()
    return [t.text.lower() for t in terms] == ["-all"]


def _covered(name: str, org: str, have: set[str]) -> bool:
    """A DMARC record applies to mail domain *name*: at its own ``_dmarc``,
    or at one of a name above it up to its organisational domain *org*
    (canonical keys)."""
    if "\\" in name or "\\" in org or "." in (name, org):
        # A label holding a dot (escaped) or the root: dnspython counts.
        import dns.name

        current, top = dns.name.from_text(name), dns.name.from_text(org)
        while True:
            if current.to_text().lower() in have:
                return True
            if current == top or len(current) <= len(top):
                return False
            current = current.parent()
    labels = org.count(".")
    # PERF: keys are walked as text (a mail domain each, 30,000 on a big
    # hosting zone).
    while True:
        if name in have:
            return True
        if name == org or name.count(".") <= labels:
            return False
        name = name.partition(".")[2]


def _at_or_below(key: str, top: str) -> bool:
    """Name *key* is *top* or below it (canonical keys)."""
    if "\\" in key or "\\" in top:
        import dns.name

        return dns.name.from_text(key).is_subdomain(dns.name.from_text(top))
    return top == "." or key == top or key.endswith("." + top)


DMARC_SYNTAX = Code(
    "ZF402", "dmarc-syntax", Severity.ERROR, "a DMARC record RFC 7489 does not allow"
)


@rule(DMARC_SYNTAX, FixAvailability.SAFE)
def dmarc_syntax(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Checks each DMARC record (TXT at a `_dmarc` name, or a `v=DMARC1`
    record misplaced elsewhere, which ZF404 moves) against RFC 7489 §6.3
    and §6.4, one finding per problem, at the tag:

    - the record starts with `v=DMARC1` (the version in capitals, a `;`
      after it, no blank before it: receivers discard, §6.6.3, a record
      that does not start so, and a record that is not DMARC at all is that
      one finding). A TXT at a `_dmarc` name beside a DMARC record is not
      judged: receivers discard it;
    - `p=` present, right after `v=DMARC1`; every part a `tag=value` pair
      (`v=DMARC1; p=none; reject` is not); no tag twice;
    - known values for `p`, `sp`, `adkim`, `aspf`, `pct` (0-100), `ri`,
      `fo`, and `rf` (report formats separated by `:`, and only `afrf` is
      registered: a receiver may ignore a record with another; `iodef`
      never was);
    - `rua`/`ruf` as URIs, each with an optional `!size`. A bare address is
      an error. Any URI scheme is allowed (§6.3), but receivers need
      support only `mailto:`: another scheme (`https:`), or a `mailto:`
      with no address (`mailto://host`), is a warning, since no reports
      come;
    - tag names in lower case: a warning, since the grammar allows any
      case but receivers that read tags as DKIM does (case-sensitive) do
      not know `P=` or `V=`.

    ## Why it matters
    Receivers ignore a DMARC record they cannot read: no policy applies
    and no reports arrive.

    ## Example
    ```
    $TTL 3600
    _dmarc  TXT  "v=DMARC1; p=quarantine; rua=dmarc@example.net"
    ```

    ## Fix
    Safe where the intent is unambiguous: add the missing `mailto:` to a
    bare address, delete a blank before `v=DMARC1`, write `DMARC1` in
    capitals or a tag name in lower case, keep only `afrf` in an `rf=`
    that has it. None for a missing `p=` or a bare word: the owner must
    choose the policy.
    """
    zone = ctx.zone
    # PERF: each text judged once (a zone's DMARC records share a few: the
    # same policy at thousands of names); a problem is no record's own.
    judged: dict[str, list[Problem]] = {}
    for i, owner, value in _judged_dmarc_records(ctx):
        layout: TxtLayout | None = None
        problems = judged.get(value)
        if problems is None:
            problems = judged[value] = dmarc_problems(value)
        for problem in problems:
            # PERF: the editing modules only for a record with a problem.
            from zonefix.document import CannotEdit, ReplaceTxtText

            layout = layout or zone.txt_layout(i)
            fix = None
            if problem.edit is not None:
                start, end, text = problem.edit
                try:
                    edits = (ReplaceTxtText(i, start, end, text),)
                    fix = Fix(
                        problem.fix_message,
                        Applicability.SAFE,
                        zone.lower(edits, {i: layout}),
                        record_edits=edits,
                    )
                except CannotEdit:
                    pass
            span = None
            if problem.tag is not None:
                text = problem.tag.text
                start = problem.tag.start + len(text) - len(text.lstrip())
                span = layout.span(start, start + len(text.strip()))
            code = DMARC_SYNTAX
            if problem.warning:
                code = DMARC_SYNTAX._replace(severity=Severity.WARNING)
            yield zone.finding_at_span(
                code, printable(f"DMARC at {owner}: {problem.message}"), i, span, fix
            )


def _judged_dmarc_records(ctx: RuleContext) -> Iterator[tuple[int, str, str]]:
    """The DMARC records ZF402 reads: every ``v=DMARC1`` record, and a
    ``_dmarc`` TXT that is not one only where no DMARC record stands beside
    it (receivers discard it, RFC 7489 §6.6.3: the one beside is in force)."""
    records = list(_dmarc_records(ctx))
    with_dmarc = {owner for _, owner, value in records if is_dmarc(value)}
    for i, owner, value in records:
        if is_dmarc(value) or owner not in with_dmarc:
            yield i, owner, value


DMARC_MULTIPLE = Code(
    "ZF403",
    "dmarc-multiple",
    Severity.ERROR,
    "more than one DMARC record at a name",
)


@rule(DMARC_MULTIPLE)
def dmarc_multiple(ctx: RuleContext) -> Iterator[Diagnostic]:
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
    zone = ctx.zone
    by_owner: dict[str, list[int]] = {}
    for i, owner, value in _dmarc_records(ctx):
        if owner.startswith("_dmarc.") and is_dmarc(value):
            by_owner.setdefault(owner, []).append(i)
    for owner, records in by_owner.items():
        if len(records) > 1:
            yield zone.finding_at_record(
                DMARC_MULTIPLE,
                f"{len(records)} DMARC records at {owner} (receivers use none)",
                records[0],
            )


DMARC_MISPLACED = Code(
    "ZF404",
    "dmarc-misplaced",
    Severity.ERROR,
    "a v=DMARC1 record not at a _dmarc name",
)


@rule(DMARC_MISPLACED, FixAvailability.UNSAFE)
def dmarc_misplaced(ctx: RuleContext) -> Iterator[Diagnostic]:
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
    zone = ctx.zone
    # PERF: placed together (findings_at_records): a zone may hold the
    # same misplaced record at thousands of names.
    yield from zone.findings_at_records(
        (
            DMARC_MISPLACED,
            f"DMARC record at {owner}, not at _dmarc.{owner}",
            i,
            _move_to_dmarc(zone, i, owner) if ctx.fixes else None,
        )
        for i, owner, value in _dmarc_records(ctx)
        if not owner.startswith("_dmarc.") and is_dmarc(value)
    )


def _move_to_dmarc(zone: Zone, index: int, key: str) -> Fix | None:
    """RenameOwner to `_dmarc` under the owner (whose key is *key*: PERF,
    the mail view's, not read again); None where the format cannot write
    it (BIND: a line without an owner of its own, or one whose owner the
    next line repeats)."""
    CannotEdit, RenameOwner = _renaming()
    owner: dns.name.Name | str | None = _dmarc_name(key)
    try:
        if owner is None:
            import dns.exception
            import dns.name

            try:
                owner = dns.name.Name((b"_dmarc", *zone.records.owner(index).labels))
            except dns.exception.DNSException:
                return None
        edits = (RenameOwner(index, owner),)
        lowered = zone.lower(edits)
    except CannotEdit:
        return None
    # Named as the file writes it (the line the rename rewrites writes its
    # owner: a blank one cannot be renamed).
    word = zone.written_owner(index)
    if word is None:
        return None
    moved = "_dmarc" if word == "@" else f"_dmarc.{word}"
    return Fix(f"move it to {moved}", Applicability.UNSAFE, lowered, record_edits=edits)


@cache
def _renaming() -> tuple[type[CannotEdit], type[RenameOwner]]:
    """What _move_to_dmarc makes its fix with: imported with the first
    misplaced record (PERF: not at start), and bound once, not imported
    again for each (a zone may hold thousands)."""
    from zonefix.document import CannotEdit, RenameOwner

    return CannotEdit, RenameOwner


def _dmarc_name(key: str) -> str | None:
    """`_dmarc` under the owner whose key is *key*, as the text dnspython
    writes for it, where the owner is a plain name (its key is its text:
    see PLAIN_NAME) and the name fits in 255 bytes (its key's length and 1,
    and 7 for the label `_dmarc`); else None (PERF: no dnspython name for
    the usual owner)."""
    if key == "." or len(key) + 1 + 7 > 255 or not plain_name_match(key):
        return None
    return f"_dmarc.{key}"


DKIM_SYNTAX = Code(
    "ZF405",
    "dkim-syntax",
    Severity.ERROR,
    "a DKIM key record RFC 6376 does not allow, or an RSA key under 1024 bits",
)


@rule(DKIM_SYNTAX)
def dkim_syntax(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Checks DKIM key records (RFC 6376 §3.6.1): `v=DKIM1` first if present,
    every part a `tag=value` pair, no tag twice, a known `k=` (rsa,
    ed25519), an `h=` that allows SHA-256, `p=` in base64, and an RSA key
    of at least 1024 bits, the size read from the key itself. An empty
    `p=` is a valid revoked key; unknown tags are ignored, as verifiers
    ignore them. One finding per record.

    A key record is a TXT at `<selector>._domainkey.<domain>`: the name a
    verifier asks for the key of a signature's `s=` selector (§3.6.2.1),
    so whatever TXT stands there is read as the key. The selector is one
    label or more, none starting with `_` (selectors are host-name labels,
    §3.1; a wildcard `*` is read as a key too). Not key records, and not
    judged: TXT at `_domainkey.<domain>` itself (the policy record of the
    old DomainKeys, RFC 4870: `t=y; o=~`), and at names whose selector
    part starts with `_` (`_adsp._domainkey`, the ADSP policy of RFC 5617;
    `_report._domainkey`, RFC 6651's reporting address).

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
    zone = ctx.zone
    view = ctx.mail
    keys = key_records(view.domainkey_records)
    if not keys:
        return
    # PERF: the DKIM module (and base64) only for a zone with a key.
    from zonefix.mail.dkim import dkim_problems

    # PERF: placed together (findings_at_records).
    yield from zone.findings_at_records(
        (DKIM_SYNTAX, printable(f"DKIM key at {owner}: {'; '.join(problems)}"), i, None)
        for i, owner in keys
        if (problems := dkim_problems(view.txt_value(i)))
    )


def key_records(records: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Those of *records* (record, owner key: the mail view's TXT records
    below a ``_domainkey`` label) whose owner is_key_name. PERF: where the
    owners joined hold "._" once each (their "._domainkey.") and no owner
    starts with "_" or ".", every one is (told at C speed: a zone's keys,
    thousands, are nearly all so); else each is asked."""
    joined = "\n".join(map(itemgetter(1), records))
    if (
        joined.count("._") == len(records)
        and not joined.startswith(("_", "."))
        and "\n_" not in joined
        and "\n." not in joined
    ):
        return list(records)
    return [(i, owner) for i, owner in records if is_key_name(owner)]


def is_key_name(owner: str) -> bool:
    """True for ``<selector>._domainkey.<domain>``, the selector's labels
    not starting with ``_`` (RFC 6376 §3.1, §3.6.2.1)."""
    selector, found, _ = owner.partition("._domainkey.")
    if not found or not selector:
        return False
    # A label starts with "_" where the selector does or a dot precedes it.
    return not (selector.startswith("_") or "._" in selector)
