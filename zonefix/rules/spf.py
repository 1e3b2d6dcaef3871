"""ZF3: SPF records (RFC 7208), read term by term (zonefix/mail/spf.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from zonefix import rrtypes
from zonefix.diagnostics import Applicability, Code, Diagnostic, Edit, Fix, Severity
from zonefix.mail import printable
from zonefix.mail.domains import MailDomain, MailView
from zonefix.mail.spf import (
    QUALIFIERS,
    Prose,
    SpfRecord,
    Term,
    parse_spf,
)
from zonefix.mail.spf_lookups import (
    LOOKUP_LIMIT,
    Edge,
    Lookups,
    count_lookups,
    followed_terms,
    target_key,
)
from zonefix.rules.mail import applicability as mail_applicability
from zonefix.rules.mail import provenance
from zonefix.rules.registry import (
    FixAvailability,
    delete_fix,
    insert_fix,
    rule,
    txt_rdata,
)

if TYPE_CHECKING:
    import dns.exception
    import dns.name
    import dns.rdatatype

    from zonefix.bind.edits import TxtLayout
    from zonefix.providers import Profile
    from zonefix.rules.context import RuleContext
    from zonefix.zone import Zone


_STRICTNESS = {"-": 0, "~": 1, "?": 2, "+": 3, "": 3}


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


SPF_MISSING = Code("ZF301", "spf-missing", Severity.ERROR, "a mail domain with no SPF")


@rule(SPF_MISSING, FixAvailability.SAFE)
def spf_missing(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a mail domain that sends mail and has no SPF record, at its
    first MX: the apex, a name configured with a mail provider, or a name
    whose provider sends from it (a mailbox provider, or a sending
    service's MAIL FROM domain). A name whose MX only receive - a per-host
    MX to your own server, a wildcard MX, a provider's inbound routes, a
    spam trap - is not told to publish SPF.

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
    -all`): safe when the provider is configured, unsafe when it is
    inferred, none when no provider (or only a third-party description of
    one) is known.
    """
    zone = ctx.zone
    view = ctx.mail
    for domain in view.domains:
        if domain.spf or not domain.sends or _has_type99(zone, domain):
            continue
        provider = domain.provider
        fix = None
        message = f"mail domain {domain.name} has no SPF record"
        if provider is not None and provider.spf_include and provider.writes_records:
            value = f"v=spf1 include:{provider.spf_include} {provider.spf_all}"
            import dns.name

            from zonefix.record_edits import NewRecord

            new = NewRecord(dns.name.from_text(domain.name), "TXT", (f'"{value}"',))
            fix = insert_fix(
                zone, [new], f'add TXT "{value}"', mail_applicability(domain)
            )
            message += f'; {provider.id} gives "{value}" ({provenance(domain)})'
        yield zone.finding_at_record(SPF_MISSING, message, domain.anchor, fix)


def _has_type99(zone: Zone, domain: MailDomain) -> bool:
    return any(zone.table.rdtype[i] == rrtypes.SPF for i in domain.records)


SPF_MULTIPLE = Code(
    "ZF302",
    "spf-multiple",
    Severity.ERROR,
    "more than one SPF record at a name (permerror)",
)


@rule(SPF_MULTIPLE, FixAvailability.SAFE)
def spf_multiple(ctx: RuleContext) -> Iterator[Diagnostic]:
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
    Merge into the first record in file order (terms in file order,
    duplicates dropped, the strictest `all` kept) and delete the others.
    Safe only when the records agree on their `all` and their modifiers
    and the merged record passes the SPF checks (syntax, prose, the 10
    lookups); unsafe otherwise, since the merge then changes what one of
    the records said. No fix where one record cannot say what they say:
    two different `redirect=` or `exp=`, or a `redirect=` beside an `all`
    (receivers would ignore the redirect).
    """
    zone = ctx.zone
    view = ctx.mail
    for name, records, _ in _spf_names(view):
        if len(records) < 2:
            continue
        # PERF: the editing modules only for a name with records to merge.
        from zonefix.document import CannotEdit, DeleteRecord, RecordEdit, ReplaceRdata

        value, _ = merged_spf(view, records)
        applicability, why = _merge_applicability(view, records, value)
        fix = None
        try:
            if applicability is None:
                raise CannotEdit(why)
            merged = txt_rdata(zone.table.rdtype[records[0]], value)
            edits: tuple[RecordEdit, ...] = (
                ReplaceRdata(records[0], merged),
                *(DeleteRecord(i) for i in records[1:]),
            )
            lowered = zone.lower(edits)
            if not _overlap(list(lowered)):
                fix = Fix(
                    f'merge into one record: "{value}"',
                    applicability,
                    lowered,
                    record_edits=edits,
                )
        except CannotEdit:
            pass
        message = (
            f"{len(records)} SPF records at {name} (a permanent error: receivers "
            "apply none of them)"
        )
        if why:
            message += f"; {why}"
        yield zone.finding_at_record(SPF_MULTIPLE, message, records[0], fix)


def _merge_applicability(
    view: MailView, records: list[int], merged: str
) -> tuple[Applicability | None, str]:
    """Whether merging *records* into *merged* may apply unseen, and why
    not: only when the records agree on their ``all`` and their modifiers,
    and the merged record passes the SPF checks. None (no fix) where one
    record cannot say what they say: two different ``redirect=`` or
    ``exp=``, or a ``redirect=`` that an ``all`` would make receivers
    ignore."""
    parsed = [view.spf(i) for i in records]
    alls: dict[str | None, None] = {}
    modifiers: dict[str, list[str]] = {}
    for record in parsed:
        last = record.all_term()
        alls[None if last is None else last.text.lower().lstrip("+")] = None
        for term in record.effective():
            if term.modifier:
                modifiers.setdefault(term.name, []).append((term.value or "").lower())
    for name in ("redirect", "exp"):
        if len(set(modifiers.get(name, ()))) > 1:
            return None, f"they name different '{name}=': no fix can merge them"
    if "redirect" in modifiers and set(alls) - {None}:
        return None, "one redirects, another ends in 'all': no fix can merge them"
    result = parse_spf(merged)
    followed = followed_terms(result)
    lookups = len(followed) + sum(
        view.nested_lookups.get((t.value or "").lower().rstrip("."), 0)
        for t in followed
        if t.name in ("include", "redirect")
    )
    if len(alls) > 1:
        shown = ", ".join(a or "no all" for a in alls)
        return Applicability.UNSAFE, f"they disagree on 'all' ({shown})"
    if any(len(values) != len(records) for values in modifiers.values()):
        return Applicability.UNSAFE, "they disagree on their modifiers"
    if result.problems or result.prose or any(t.problem for t in result.terms):
        return Applicability.UNSAFE, "the merged record would not be valid SPF"
    if lookups > LOOKUP_LIMIT:
        return Applicability.UNSAFE, f"the merged record would make {lookups} lookups"
    return Applicability.SAFE, ""


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
    spots: _Spots | None = None,
) -> Fix | None:
    from zonefix.document import CannotEdit, ReplaceTxtText

    edits = (ReplaceTxtText(index, start, end, text),)
    layouts = {index: spots.layout} if spots is not None else None
    try:
        return Fix(
            message,
            applicability,
            zone.lower(edits, layouts),
            record_edits=edits,
        )
    except CannotEdit:
        return None


def _meant_fix(
    zone: Zone, index: int, written: Term | Prose, spots: _Spots | None = None
) -> Fix | None:
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
        spots=spots,
    )


class _Spots:
    """Where the terms of one SPF record are written in its file: its
    strings are read once for all the findings at its terms (PERF: a long
    record with many bad terms was read again per term)."""

    def __init__(self, zone: Zone, index: int) -> None:
        self.zone = zone
        self.index = index
        self._layout: TxtLayout | None = None
        self._whole: tuple[int, int] | None = None

    @property
    def layout(self) -> TxtLayout:
        if self._layout is None:
            self._layout = self.zone.txt_layout(self.index)
        return self._layout

    def whole(self) -> tuple[int, int]:
        """The record, from its line's start to its last field's end (as
        finding_at_record places a finding)."""
        if self._whole is None:
            self._whole = self.zone.record_span(self.index)
        return self._whole

    def of(self, term: Term | Prose) -> tuple[int, int]:
        return self.layout.span(term.start, term.end) or self.whole()


def _at_term(
    ctx: RuleContext,
    code: Code,
    message: str,
    records: list[int],
    term: Term | Prose | None,
    fix: Fix | None = None,
    spots: _Spots | None = None,
) -> Diagnostic:
    """A finding at *term* where the file writes it (one record, a term as
    written, in a string without escapes), else at the record."""
    zone = ctx.zone
    index = records[0]
    if term is not None and len(records) == 1 and ctx.mail.spf(index).is_written(term):
        spots = spots or _Spots(zone, index)
        return zone.finding_at_span(code, message, index, spots.of(term), fix)
    if spots is not None:
        return zone.finding_at_span(code, message, index, spots.whole(), fix)
    return zone.finding_at_record(code, message, index, fix)


SPF_SYNTAX = Code("ZF303", "spf-syntax", Severity.ERROR, "not valid RFC 7208")


@rule(SPF_SYNTAX, FixAvailability.SAFE)
def spf_syntax(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports SPF text that RFC 7208 does not allow: an unknown mechanism, a
    bad qualifier or CIDR length, a CIDR length on `include`, `exists` or
    `ptr`, a domain that is no domain name, a malformed macro or a
    character outside printable ASCII, the macros `%{c}`, `%{r}` and
    `%{t}` in a mechanism's domain or in `redirect=` or `exp=` (RFC 7208
    §7.2 keeps them for the explanation text an `exp=` names; an unknown
    modifier is never expanded, so only its syntax counts), a mechanism
    missing its domain,
    `v=spf1` not first, a repeated `redirect=` or `exp=`. One finding per
    bad term; a run of plain words that mean no term (a note pasted into
    the record) is one finding. Prose pasted from documentation is ZF304's.

    A domain-spec is a macro-string, whose literal characters include `:`
    and `/` (§7.1): `a:foo:bar/baz.example.com` is valid, and only a
    trailing `/N` or `//N` of `a` and `mx` is a CIDR length (§5.6).

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
    `include:host`, a full-width colon a plain one, `ip:` with an address
    `ip4:` or `ip6:` by its kind, a dash pasted from a document (an en
    dash before `all`) the `-` qualifier. Otherwise none.
    """
    zone = ctx.zone
    view = ctx.mail
    for i, record in _each_spf(view):
        spots = _Spots(zone, i)
        for problem in record.problems:
            yield _at_term(
                ctx, SPF_SYNTAX, printable(f"SPF: {problem}"), [i], None, spots=spots
            )
        words = _words_of_a_note(record.terms)
        for k, term in enumerate(record.terms):
            if term.problem is None or k in words:
                continue
            if k + 1 in words:
                # A sentence pasted after the terms: one finding, not one
                # per word (one root cause).
                end = k
                while end + 1 in words:
                    end += 1
                sentence = " ".join(t.text for t in record.terms[k : end + 1])
                yield _at_term(
                    ctx,
                    SPF_SYNTAX,
                    printable(
                        f"SPF holds words that are no SPF terms: '{sentence}' "
                        "(a note? it belongs outside the record)"
                    ),
                    [i],
                    term,
                    None,
                    spots,
                )
                continue
            meant = f"; meant '{term.meant}'" if term.meant else ""
            yield _at_term(
                ctx,
                SPF_SYNTAX,
                printable(f"SPF term '{term.text}': {term.problem}{meant}"),
                [i],
                term,
                _meant_fix(zone, i, term, spots),
                spots,
            )
    # "v=spf1" written, but not first: no SPF record to receivers.
    for i in view.spf_not_first:
        yield zone.finding_at_record(
            SPF_SYNTAX, "SPF: 'v=spf1' is not the record's first word", i
        )


# A word of a sentence: letters, and the punctuation a sentence has (not
# digits: "moo1 moo2" are bad terms, each its own finding). PERF: compiled
# (and cached by re) only for a record with plain words in it.
_NOTE_WORD = r"[^\W\d_](?:[^\W\d_]|['\u2019.,;!?()-])*"


def _words_of_a_note(terms: Sequence[Term]) -> set[int]:
    """Indexes of the words of runs of two or more plain words that are no
    SPF term and mean none (a sentence pasted into the record), but the
    first word of each run."""
    plain = [
        t.problem is not None
        and t.problem.startswith("unknown mechanism")
        and t.meant is None
        and re.fullmatch(_NOTE_WORD, t.text) is not None
        for t in terms
    ]
    words: set[int] = set()
    for k in range(1, len(terms)):
        if plain[k] and plain[k - 1]:
            words.add(k)
    return words


SPF_PROSE = Code(
    "ZF304", "spf-prose", Severity.ERROR, "prose pasted from documentation"
)


@rule(SPF_PROSE, FixAvailability.SAFE)
def spf_prose(ctx: RuleContext) -> Iterator[Diagnostic]:
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
    zone = ctx.zone
    for i, record in _each_spf(ctx.mail):
        spots = _Spots(zone, i)
        for prose in record.prose:
            meant = f"; meant '{prose.meant}'" if prose.meant else ""
            yield _at_term(
                ctx,
                SPF_PROSE,
                printable(f"SPF holds prose '{prose.text}'{meant}"),
                [i],
                prose,
                _meant_fix(zone, i, prose, spots),
                spots,
            )


SPF_INCLUDE_MISSING = Code(
    "ZF305",
    "spf-provider-include-missing",
    Severity.ERROR,
    "SPF lacks the mail provider's include",
)


@rule(SPF_INCLUDE_MISSING, FixAvailability.SAFE)
def spf_provider_include_missing(ctx: RuleContext) -> Iterator[Diagnostic]:
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
    record names only the site in use. Safe when the provider is
    configured; unsafe when it is only inferred.
    """
    zone = ctx.zone
    view = ctx.mail
    for name, records, record in _spf_names(view):
        domain = view.domain_of(name)
        provider = domain.provider if domain is not None else None
        if (
            domain is None
            or provider is None
            or not provider.spf_include
            or not provider.writes_records
        ):
            continue
        if set(provider.includes) & set(_includes(view, record)):
            continue
        if not zone.capabilities.complete and _reaches_unseen(
            view, record, zone.origin
        ):
            # Part of a zone: the include may be in the zone's SPF the
            # file does not hold (``include:_spf.example.net``).
            continue
        fix = None
        term = f"include:{provider.spf_include}"
        applicability = mail_applicability(domain)
        message = f"SPF at {domain.name} lacks '{term}' ({provenance(domain)})"
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
        yield _at_term(ctx, SPF_INCLUDE_MISSING, message, records, sibling, fix)


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
    """The domains the record includes, and those the SPF records it names
    in this zone include in turn (through ``include:`` or ``redirect=``):
    ``include:_spf.example.net`` reaches Google's include when the zone's
    ``_spf`` record has it."""
    found: list[str] = []
    seen: set[str] = set()
    pending = [record]
    while pending:
        current = pending.pop()
        for term in current.effective():
            if term.name not in ("include", "redirect") or not term.value:
                continue
            target = term.value.lower().rstrip(".")
            if term.name == "include":
                found.append(target)
            if target in seen:
                continue  # a loop, or a name already read
            seen.add(target)
            for i in view.spf_by_owner.get(target + ".", ())[:1]:
                pending.append(view.spf(i))
    return found


def _reaches_unseen(
    view: MailView, record: SpfRecord, origin: dns.name.Name | None
) -> bool:
    """The record includes or redirects (itself, or through the zone's SPF
    records it names) to a name of the zone with no SPF in the file."""
    import dns.exception
    import dns.name

    seen: set[str] = set()
    pending = [record]
    while pending:
        current = pending.pop()
        for term in current.effective():
            if term.name not in ("include", "redirect") or not term.value:
                continue
            target = term.value.lower().rstrip(".") + "."
            if target in seen:
                continue
            seen.add(target)
            found = view.spf_by_owner.get(target, ())
            if not found:
                try:
                    name = dns.name.from_text(target)
                except dns.exception.DNSException:
                    continue
                if origin is not None and name.is_subdomain(origin):
                    return True
            pending.extend(view.spf(i) for i in found[:1])
    return False


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


SPF_PERMISSIVE_ALL = Code(
    "ZF306",
    "spf-permissive-all",
    Severity.WARNING,
    "+all (error), ?all, or no all/redirect (warning)",
)


@rule(SPF_PERMISSIVE_ALL, FixAvailability.UNSAFE)
def spf_permissive_all(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an SPF record that ends in `+all` (error: it authorises every
    server on the internet), `?all` (no opinion), or has neither `all` nor
    `redirect=` (warning). `?all` is left alone where the domain's
    provider advises it. A missing `all` is not reported where ZF303
    reports the term that was meant as it (`-allArray`, `-all.`): one root
    cause, one finding.

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
    zone = ctx.zone
    view = ctx.mail
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
        if last is None and any(_bad_all(view.spf(i)) for i in records):
            continue  # ZF303 reports the term meant as 'all' ('-allArray')
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
        yield _at_term(ctx, code, message, records, last, fix)


def _bad_all(record: SpfRecord) -> bool:
    """True when a term ZF303 reports was meant as the ``all``: ``-allArray``,
    ``-all.``, ``-all:x``, ``\x96all``. The record then has no ``all`` for
    one root cause, which ZF303 names."""
    for term in record.terms:
        if term.problem is not None and not term.modifier:
            bare = term.text.lstrip(QUALIFIERS).lower()
            if bare.startswith("all") or bare.endswith("all"):
                return True
    return False


SPF_LOOKUP_LIMIT = Code(
    "ZF307",
    "spf-lookup-limit",
    Severity.ERROR,
    "more than 10 DNS-querying terms",
)


@rule(SPF_LOOKUP_LIMIT)
def spf_lookup_limit(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Counts the terms of an SPF record that make DNS lookups (`include`,
    `a`, `mx`, `ptr`, `exists`, and `redirect=` where there is no `all`;
    RFC 7208 §4.6.4), with those of the records they reach, and reports
    more than 10. An `include` or `redirect=` whose target has its SPF
    record in this zone counts that record's lookups, recursively; one a
    provider profile knows counts what the profile says; any other counts
    as one, and the message says so. Where the excess lies in an in-zone
    target that is itself reported, only the target is (one root cause,
    one finding).

    It also reports, as permanent errors in reach of the zone alone:

    - an `include`/`redirect=` chain through records of this zone that
      comes back to a name it passed (a loop: evaluation runs into the
      limit), once per loop, at its first name in the file;
    - an `mx` whose domain has more than 10 MX records in this zone: each
      `mx` counts one lookup toward the 10, and its address lookups have a
      limit of their own, 10 per `mx` (§4.6.4).

    ## Why it matters
    Past 10 lookups the check is a permanent error: the record protects
    nothing, and receivers treat the domain as having no usable SPF.

    ## Example
    ```
    $TTL 3600
    @     TXT  "v=spf1 a include:_spf.example.net a -all"
    _spf  TXT  ( "v=spf1 a:m1.example.net a:m2.example.net a:m3.example.net"
                 " a:m4.example.net a:m5.example.net a:m6.example.net"
                 " a:m7.example.net a:m8.example.net" )
    ```

    ## Fix
    None: drop senders you no longer use, replace includes with `ip4:`
    and `ip6:` ranges, and break a loop where it comes back.
    """
    zone = ctx.zone
    view = ctx.mail
    names = {name: (records, record) for name, records, record in _spf_names(view)}
    counts = count_lookups(
        {name: record for name, (_, record) in names.items()},
        lambda include: view.nested_lookups.get(include),
    )
    reported_loops: set[frozenset[str]] = set()
    mx_counts: dict[str, int] = {}
    for name, (records, record) in names.items():
        found = counts[name]
        if found.loop:
            members = frozenset(found.loop)
            if name in members and members not in reported_loops:
                reported_loops.add(members)
                yield _loop_finding(ctx, name, records, found.loop, found.edges)
        elif found.over:
            yield _over_limit_finding(zone, name, records, found)
        for term in followed_terms(record):
            if term.name != "mx" or "%" in (term.value or ""):
                continue
            key = (target_key(term) if term.value else name) or ""
            count = mx_counts.get(key)
            if count is None:
                count = mx_counts[key] = mx_record_count(zone, key)
            if count > LOOKUP_LIMIT:
                yield _at_term(
                    ctx,
                    SPF_LOOKUP_LIMIT,
                    f"SPF at {name}: '{term.text}' finds {count} MX records at "
                    f"{key}; receivers look up the addresses of at most "
                    f"{LOOKUP_LIMIT} (a permanent error)",
                    records,
                    term,
                )


def _loop_finding(
    ctx: RuleContext,
    name: str,
    records: list[int],
    loop: tuple[str, ...],
    edges: tuple[Edge, ...],
) -> Diagnostic:
    """The loop through *name*, told from *name* round to it again, at the
    term of *name*'s record that goes on round the loop."""
    at = loop.index(name)
    path = [*loop[at:], *loop[:at], name]
    following = path[1]
    term = next((e.term for e in edges if e.target == following), None)
    return _at_term(
        ctx,
        SPF_LOOKUP_LIMIT,
        f"SPF at {name} comes back to itself: {' -> '.join(path)} "
        f"(a loop: receivers run out of lookups, a permanent error)",
        records,
        term,
    )


def _over_limit_finding(
    zone: Zone, name: str, records: list[int], found: Lookups
) -> Diagnostic:
    count = "999 or more" if found.total >= 999 else str(found.total)
    notes = []
    if found.edges:
        followed = ", ".join(f"'{e.term.text}'" for e in found.edges)
        their = "its record" if len(found.edges) == 1 else "their records"
        notes.append(f"{followed} counted through {their} in this zone")
    if found.unknown:
        plural = "s" if found.unknown != 1 else ""
        notes.append(
            f"{found.unknown} include{plural} zonefix does not know counted as "
            f"one lookup each"
        )
    note = f"; {'; '.join(notes)}" if notes else ""
    return zone.finding_at_record(
        SPF_LOOKUP_LIMIT,
        f"SPF at {name} makes {count} DNS lookups, over the limit of "
        f"{LOOKUP_LIMIT}{note}",
        records[0],
    )


def mx_record_count(zone: Zone, key: str) -> int:
    """How many MX records owner *key* has (the same record written twice
    is one; the null MX is none): what an ``mx`` term finds there. PERF:
    only the names an ``mx`` term asks about are looked at, not every MX
    of the zone."""
    if not key:
        return 0
    index = zone.index
    types = zone.table.rdtype
    found = set()
    for i in index.records_named(key):
        if types[i] != rrtypes.MX:
            continue
        host = index.target_key(i, 1)
        if host is not None and host != ".":
            found.add((index.rdata_words(i)[0], host))
    return len(found)


SPF_RR_TYPE = Code(
    "ZF308", "spf-rr-type", Severity.WARNING, "the obsolete SPF RR type (99)"
)


@rule(SPF_RR_TYPE, FixAvailability.SAFE)
def spf_rr_type(ctx: RuleContext) -> Iterator[Diagnostic]:
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
    zone = ctx.zone
    view = ctx.mail
    zone_index = zone.index
    for i in zone_index.of_type(rrtypes.SPF):
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
    """The record made TXT: deleted and inserted again as a TXT with its
    strings (BIND rewrites the line's type in place)."""
    import dns.rdatatype
    import dns.rdtypes.ANY.TXT

    from zonefix.document import CannotEdit, DeleteRecord, InsertRecords, RecordEdit

    old = zone.index.rdata(index)
    strings = old.strings  # type: ignore[attr-defined]
    txt = dns.rdtypes.ANY.TXT.TXT(old.rdclass, dns.rdatatype.TXT, strings)
    edits: tuple[RecordEdit, ...] = (
        DeleteRecord(index),
        InsertRecords(zone.records.owner(index), dns.rdatatype.TXT, (txt,)),
    )
    try:
        lowered = zone.lower(edits)
    except CannotEdit:
        return None
    return Fix(
        f'turn it into TXT "{value}"',
        Applicability.SAFE,
        lowered,
        record_edits=edits,
    )


SPF_PTR = Code("ZF309", "spf-ptr", Severity.WARNING, "the ptr mechanism")


@rule(SPF_PTR)
def spf_ptr(ctx: RuleContext) -> Iterator[Diagnostic]:
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
    for name, records, record in _spf_names(ctx.mail):
        for term in record.effective():
            if term.name == "ptr" and not term.modifier:
                yield _at_term(
                    ctx, SPF_PTR, f"SPF at {name} uses '{term.text}'", records, term
                )


SPF_STALE_INCLUDE = Code(
    "ZF310",
    "spf-stale-include",
    Severity.WARNING,
    "includes a mailbox provider that no MX at that name uses",
)


@rule(SPF_STALE_INCLUDE, FixAvailability.UNSAFE)
def spf_stale_include(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an SPF include of a mailbox provider at a name whose MX are
    all another mailbox provider's: the old provider's include left behind
    after a migration. A name whose MX include your own server or a
    forwarder (ImprovMX and the like) is left alone: its users may send
    through any provider. Sending services' includes are not judged by the
    MX.

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
    zone = ctx.zone
    view = ctx.mail
    for name, records, record in _spf_names(view):
        domain = view.domain_of(name)
        if domain is None or not domain.mx:
            continue  # a redirect target or a sending-only name: no MX to ask
        provider = domain.provider
        if provider is None or provider.kind != "mailbox":
            continue  # MX of unknown hosts, or of several providers
        has_own = set(provider.includes) & set(_includes(view, record))
        for term in record.effective():
            if term.name != "include" or not term.value:
                continue
            profile = view.mailbox_includes.get(term.value.lower().rstrip("."))
            if profile is None or profile.id == provider.id:
                continue
            if profile.family == provider.family and (
                set(profile.includes) & set(provider.includes) or not has_own
            ):
                # The same include serves the provider in use; or it is
                # another site's, which ZF305 rewrites to the provider's.
                continue
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
                ctx,
                SPF_STALE_INCLUDE,
                f"SPF at {name} includes {profile.id} ('{term.text}'), which no "
                f"MX there uses",
                records,
                term,
                fix,
            )


SPF_DOMAIN_TYPO = Code(
    "ZF311",
    "spf-domain-typo",
    Severity.ERROR,
    "an SPF domain one letter away from the zone's own, where the zone has the name meant",
)


@rule(SPF_DOMAIN_TYPO, FixAvailability.UNSAFE)
def spf_domain_typo(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a domain in an SPF term (`a:`, `mx:`, `include:`, `exists:`,
    `redirect=`) whose registered domain is one typing slip (a letter
    added, left out, changed, or two swapped) away from the zone's own,
    when the name with the zone's domain put back exists in the zone:
    `a:m5.noiesbridge.net` in `noisebridge.net`, which has `m5`.

    ## Why it matters
    The server meant is not authorised, so its mail fails SPF. Worse,
    whoever registers the misspelt domain decides what it authorises, and
    can then send mail that passes SPF as you.

    ## Example
    ```
    $ORIGIN example.net.
    $TTL 3600
    @    TXT  "v=spf1 a:mail.exmaple.net -all"
    mail A    192.0.2.25
    ```

    ## Fix
    Unsafe: write the zone's own domain (`a:mail.example.net`); it changes
    which servers may send as you, so the owner confirms it.
    """
    zone = ctx.zone
    origin = zone.origin_text
    if origin is None:
        return
    origin_text = origin.lower()
    origin_tails = _tails(origin_text)
    own: str | None = ""  # "": not worked out yet
    view = ctx.mail
    index = zone.index
    candidates: list[tuple[int, Term, str, str]] = []
    for records in view.spf_by_owner.values():
        for i in records:
            for term in view.spf(i).effective():
                if term.name not in ("a", "mx", "include", "exists", "redirect"):
                    continue
                value = (term.value or "").lower().rstrip(".")
                if not value or "%" in value:
                    continue
                # PERF: both registered domains are ends of the names, so
                # no slip between any ends means none between them; the
                # Public Suffix List (a fifth of a second to load) is read
                # only when there may be one.
                if not any(
                    _one_slip(mine, tail)
                    for tail in _tails(value + ".")
                    for mine in origin_tails
                ):
                    continue
                # PERF: the suffix list's module, with the first name asked.
                from zonefix.tlds import organisational_domain

                if own == "":
                    own = organisational_domain(origin_text)
                if own is None:
                    return
                theirs = organisational_domain(value + ".")
                if theirs is None or theirs == own or not _one_slip(theirs, own):
                    continue
                meant = value[: len(value) - len(theirs) + 1] + own
                candidates.append((i, term, value, meant))
    present = index.records_at([meant for *_, meant in candidates])
    for i, term, value, meant in candidates:
        if not present[meant]:
            continue
        written = meant.rstrip(".")
        new = term.text.replace(term.value or "", written, 1)
        fix = _term_fix(
            zone,
            i,
            term.start,
            term.end,
            new,
            f"write '{new}'",
            Applicability.UNSAFE,
        )
        yield _at_term(
            ctx,
            SPF_DOMAIN_TYPO,
            f"SPF term '{term.text}' names {value}., one slip from this zone's "
            f"{own}: {meant} is in the zone, and whoever holds the other "
            "domain decides what it authorises",
            [i],
            term,
            fix,
        )


def _tails(name: str) -> list[str]:
    """The ends of *name* (absolute text) from one label on:
    ``b.example.net.``, ``example.net.``, ``net.``."""
    labels = name.rstrip(".").split(".")
    return [".".join(labels[k:]) + "." for k in range(len(labels))]


def _one_slip(a: str, b: str) -> bool:
    """*a* and *b* differ by one letter added, left out, changed, or two
    neighbours swapped (Damerau-Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    k = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[k:] == long_[k + 1 :]


SPF_VOID_MECHANISM = Code(
    "ZF312",
    "spf-void-mechanism",
    Severity.WARNING,
    "an SPF a or mx that finds nothing in the zone",
)


@rule(SPF_VOID_MECHANISM)
def spf_void_mechanism(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an `a` or `mx` mechanism of an SPF record that looks up a name
    of this zone which has no address (for `a`) or no MX (for `mx`), nor a
    wildcard giving it one. A bare `a` or `mx` means the name the record is
    at (RFC 7208 §5.3, §5.4), also when the record is reached through
    `include:` or `redirect=`: `mx` in the record at `spf.example.net`
    asks for the MX of `spf.example.net`, not of the domain that
    redirected there.

    ## Why it matters
    The mechanism authorises nothing, so the servers it was written for
    fail SPF; and each such lookup is a "void lookup", of which receivers
    allow two before the whole record is a permanent error (RFC 7208
    §4.6.4).

    ## Example
    ```
    $ORIGIN example.net.
    $TTL 3600
    @    MX   10 mail
    @    TXT  "v=spf1 redirect=_spf.example.net"
    _spf TXT  "v=spf1 mx -all"     ; the MX of _spf: there are none
    mail A    192.0.2.25
    ```

    ## Fix
    None: name the domain meant (`mx:example.net`), or drop the term.
    """
    zone = ctx.zone
    origin = zone.origin_text
    if origin is None:
        return
    view = ctx.mail
    index = zone.index
    table = zone.table
    suffix = origin.lower()
    checks: list[tuple[int, Term, str, str]] = []
    for owner, records in view.spf_by_owner.items():
        for i in records:
            for term in view.spf(i).effective():
                if term.modifier or term.name not in ("a", "mx"):
                    continue
                value = (term.value or "").lower()
                if "%" in value:
                    continue
                name = value.rstrip(".") + "." if value else owner
                in_zone = name == suffix or name.endswith("." + suffix)
                if not in_zone or index.below_cut(name):
                    continue
                checks.append((i, term, name, owner))
    names = {name for *_, name, _ in checks}
    index.records_at([*names, *index.wildcard_keys(names)])
    redirected = _redirected_from(view)
    for i, term, name, owner in checks:
        if any(table.rdtype[j] == rrtypes.CNAME for j in index.records_named(name)):
            continue  # the lookup follows the alias out of what zonefix sees
        if term.name == "a":
            if index.has_address(name):
                continue
            what = "no A or AAAA"
        else:
            at_name = index.records_named(name)
            if not at_name:
                cover = index.wildcard_for(name)
                at_name = index.records_named(cover) if cover else ()
            if any(table.rdtype[j] == rrtypes.MX for j in at_name):
                continue
            what = "no MX"
        message = f"SPF term '{term.text}' at {owner} finds nothing: {name} has {what}"
        came = redirected.get(owner)
        if not term.value and came:
            message += (
                f" (a bare '{term.name}' means the name the record is at, also when "
                f"{came} reaches it through include or redirect)"
            )
        yield _at_term(ctx, SPF_VOID_MECHANISM, message, [i], term)


def _redirected_from(view: MailView) -> dict[str, str]:
    """SPF owner -> an in-zone SPF name whose include or redirect reaches it."""
    found: dict[str, str] = {}
    for owner, records in view.spf_by_owner.items():
        for i in records:
            for term in followed_terms(view.spf(i)):
                key = target_key(term) if term.name in ("include", "redirect") else None
                if key is not None and key != owner:
                    found.setdefault(key, owner)
    return found
