"""SPF records (RFC 7208), read term by term with each term's place in the
record's text, so that a fix can replace one term and leave the rest.

The reader is forgiving where people are: words pasted from a provider's
documentation (``include the following:spf.sg.aliyun.com``) become a Prose
span with the term it meant, and a blank after ``include:`` is read as the
mistake it is. What it cannot read stays a term with its problem named.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

#: Mechanisms and whether they take a domain-spec (required, optional).
MECHANISMS = {
    "all": "none",
    "include": "required",
    "a": "optional",
    "mx": "optional",
    "ptr": "optional",
    "ip4": "ip4",
    "ip6": "ip6",
    "exists": "required",
}
#: Terms that cost a DNS lookup (RFC 7208 §4.6.4). The address lookups an
#: ``mx`` makes have their own limit and do not count here.
LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})
QUALIFIERS = "+-?~"
_FULLWIDTH_COLON = "\uff1a"

_MODIFIER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
_MACRO = re.compile(r"%(?:\{[slodiphcrtvSLODIPHCRTV][0-9]*[rR]?[.\-+,/_=]*\}|%|_|-)")
_TOPLABEL = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\Z")
_PROSE_WORD = re.compile(r"[^\W\d_][^\W_]*[:\uff1a]?\Z")


class Term(NamedTuple):
    """One directive or modifier, where it stands in the record's text."""

    text: str
    start: int
    #: "+", "-", "?", "~" as written, "" when none is.
    qualifier: str
    #: Mechanism or modifier name, lower-case ("" when there is none).
    name: str
    #: After ":" (mechanism) or "=" (modifier); None when absent.
    value: str | None
    modifier: bool
    #: What is wrong with it (RFC 7208), or None.
    problem: str | None = None
    #: The term meant, where that is unambiguous.
    meant: str | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class Prose(NamedTuple):
    """Words pasted from documentation, and the SPF term they meant."""

    text: str
    start: int
    meant: str | None

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class SpfRecord(NamedTuple):
    text: str
    #: The version tag as written, when the record starts with it.
    version: str
    terms: tuple[Term, ...]
    prose: tuple[Prose, ...]
    #: Problems of the record as a whole (not of one term).
    problems: tuple[str, ...]

    def effective(self) -> list[Term]:
        """The terms the record means: those written, and the terms its
        prose meant, in order; terms with a problem keep what they meant."""
        found: list[tuple[int, Term]] = [(t.start, t) for t in self.terms]
        for p in self.prose:
            if p.meant is not None:
                term = parse_term(p.meant, p.start)
                found.append((p.start, term))
        out = []
        for _, term in sorted(found, key=lambda x: x[0]):
            if term.problem is not None and term.meant is not None:
                term = parse_term(term.meant, term.start)
            if term.problem is None:
                out.append(term)
        return out

    def all_term(self) -> Term | None:
        return next((t for t in self.effective() if t.name == "all"), None)

    def modifier(self, name: str) -> Term | None:
        return next(
            (t for t in self.effective() if t.modifier and t.name == name), None
        )

    def includes(self) -> list[str]:
        return [
            t.value.lower().rstrip(".")
            for t in self.effective()
            if t.name == "include" and t.value
        ]


def is_spf(text: str) -> bool:
    """True for a TXT value that is an SPF record (RFC 7208 §4.5): it begins
    with ``v=spf1`` and a blank or its end, in any case."""
    return text[:6].lower() == "v=spf1" and (len(text) == 6 or text[6] == " ")


def parse_spf(text: str) -> SpfRecord:
    """Read *text* (a TXT value, strings joined) as an SPF record."""
    problems: list[str] = []
    words = [(m.group(), m.start()) for m in re.finditer(r"[^ ]+", text)]
    version = ""
    if words and words[0][0].lower() == "v=spf1":
        version = words[0][0]
        words = words[1:]
    else:
        problems.append("'v=spf1' is not the record's first word")
    terms: list[Term] = []
    prose: list[Prose] = []
    i = 0
    while i < len(words):
        span = _prose_at(words, i)
        if span is not None:
            end, meant = span
            start = words[i][1]
            stop = words[end - 1][1] + len(words[end - 1][0])
            prose.append(Prose(text[start:stop], start, meant))
            i = end
            continue
        word, start = words[i]
        term = parse_term(word, start)
        if (
            term.problem is not None
            and term.name in ("include", "exists", "redirect", "exp")
            and not term.value
            and i + 1 < len(words)
            and word.endswith((":", "="))
        ):
            # "include: host": the blank is the only mistake.
            nxt, _ = words[i + 1]
            joined = parse_term(word + nxt, start)
            if joined.problem is None:
                whole = text[start : words[i + 1][1] + len(nxt)]
                term = term._replace(
                    text=whole,
                    problem=f"a blank after '{word}' splits the term",
                    meant=word + nxt,
                )
                i += 1
        terms.append(term)
        i += 1
    seen: set[str] = set()
    for t in terms:
        if t.modifier and t.name in ("redirect", "exp") and t.problem is None:
            if t.name in seen:
                problems.append(f"'{t.name}=' appears more than once")
            seen.add(t.name)
    return SpfRecord(text, version, tuple(terms), tuple(prose), tuple(problems))


def parse_term(word: str, start: int) -> Term:
    """One directive or modifier (RFC 7208 §4.6.1)."""
    name_end = len(word)
    for sep in (":", "=", "/"):
        at = word.find(sep)
        if at != -1:
            name_end = min(name_end, at)
    head = word[:name_end]
    rest = word[name_end:]
    if rest.startswith("=") and _MODIFIER_NAME.match(head):
        name = head.lower()
        argument = rest[1:]
        problem = None
        if name in ("redirect", "exp"):
            problem = _domain_spec_problem(argument)
        elif not _macro_string_ok(argument):
            problem = f"malformed macro in '{word}'"
        return Term(word, start, "", name, argument, True, problem)
    qualifier = head[0] if head[:1] and head[0] in QUALIFIERS else ""
    name = head[len(qualifier) :].lower()
    kind = MECHANISMS.get(name)
    if kind is None:
        meant = _fullwidth_fix(word)
        return Term(
            word,
            start,
            qualifier,
            name,
            None,
            False,
            f"unknown mechanism '{head[len(qualifier) :] or word}'",
            meant,
        )
    value: str | None = None
    cidr = ""
    if rest.startswith(":"):
        value, slash, after = rest[1:].partition("/")
        if slash:
            cidr = "/" + after
    elif rest.startswith("/"):
        cidr = rest
    elif rest:
        return Term(word, start, qualifier, name, None, False, f"bad term '{word}'")
    problem = _mechanism_problem(name, kind, value, cidr, word)
    return Term(word, start, qualifier, name, value, False, problem)


def _mechanism_problem(
    name: str, kind: str, value: str | None, cidr: str, word: str
) -> str | None:
    if kind == "none":
        return f"'{name}' takes no value" if value is not None or cidr else None
    if kind == "required" and not value:
        return f"'{name}' needs a domain ('{name}:example.com')"
    if kind in ("required", "optional"):
        if value is not None:
            problem = _domain_spec_problem(value)
            if problem:
                return problem
        if cidr and name == "ptr":
            return "'ptr' takes no CIDR length"
        if cidr and name in ("include", "exists"):
            return f"'{name}' takes no CIDR length"
        return _dual_cidr_problem(cidr) if cidr else None
    # ip4 / ip6
    if not value:
        return f"'{name}' needs an address"
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return f"'{value}' is not an IPv{name[-1]} address"
    if address.version != int(name[-1]):
        return f"'{value}' is not an IPv{name[-1]} address"
    if cidr:
        limit = 32 if name == "ip4" else 128
        length = cidr[1:]
        if not length.isdigit() or int(length) > limit or length != str(int(length)):
            return f"bad CIDR length '{cidr}' in '{word}'"
    return None


def _dual_cidr_problem(cidr: str) -> str | None:
    # "/24", "//64" or "/24//64" (RFC 7208 §5.6).
    match = re.fullmatch(r"(?:/(\d+))?(?://(\d+))?", cidr)
    if (
        match is None
        or (match.group(1) is not None and int(match.group(1)) > 32)
        or (match.group(2) is not None and int(match.group(2)) > 128)
    ):
        return f"bad CIDR length '{cidr}'"
    return None


def _domain_spec_problem(value: str) -> str | None:
    if not value:
        return "a domain is missing"
    if not _macro_string_ok(value):
        return f"malformed macro in '{value}'"
    if "%" in value:
        return None  # a macro expands to the domain end
    labels = value.rstrip(".").split(".")
    if len(labels) < 2 or not _TOPLABEL.match(labels[-1]) or "" in labels:
        return f"'{value}' is not a domain name"
    return None


def _macro_string_ok(value: str) -> bool:
    rest = _MACRO.sub("", value)
    return "%" not in rest and all(0x21 <= ord(c) <= 0x7E for c in rest)


def _fullwidth_fix(word: str) -> str | None:
    """``include`` and a host joined by a full-width colon (U+FF1A) meant
    ``include:host``."""
    if _FULLWIDTH_COLON in word:
        candidate = word.replace(_FULLWIDTH_COLON, ":")
        if parse_term(candidate, 0).problem is None:
            return candidate
    return None


def _prose_at(words: list[tuple[str, int]], i: int) -> tuple[int, str | None] | None:
    """Where words pasted from documentation start at *i*: the end of the
    run and the term it meant. A run is words that are no SPF term, ending
    at a word that carries the host after a colon (or the host after a word
    ending in a colon); the term meant takes the run's mechanism (its first
    word when that names one, else ``include``) and that host."""
    first = words[i][0]
    if not _is_prose_word(first, leading=True):
        return None
    mechanism = first.rstrip(":" + _FULLWIDTH_COLON).lower()
    if mechanism not in MECHANISMS or mechanism == "all":
        mechanism = "include"
    j = i
    while j < len(words):
        word = words[j][0]
        head, sep, host = _split_colon(word)
        if sep and host:
            if j == i and head.lower() in MECHANISMS:
                return None  # "include:host", or with a full-width colon: a term
            return j + 1, _meant(mechanism, host)
        if sep and not host:
            if j + 1 < len(words) and _looks_like_host(words[j + 1][0]):
                if j == i and head.lower() in MECHANISMS:
                    return None  # "include: host": ZF303's, not prose
                return j + 2, _meant(mechanism, words[j + 1][0])
            return None
        if not _is_prose_word(word, leading=j == i):
            return None
        j += 1
    return None


def _meant(mechanism: str, host: str) -> str | None:
    term = f"{mechanism}:{host}"
    return term if parse_term(term, 0).problem is None else None


def _split_colon(word: str) -> tuple[str, str, str]:
    for sep in (":", _FULLWIDTH_COLON):
        head, found, host = word.partition(sep)
        if found:
            return head, found, host
    return word, "", ""


def _is_prose_word(word: str, *, leading: bool) -> bool:
    """A word of prose: letters only, no SPF term. The first may be a bare
    mechanism name (``include`` with nothing after it)."""
    if not _PROSE_WORD.match(word):
        return False
    bare = word.rstrip(":" + _FULLWIDTH_COLON).lower()
    if bare in ("all", "a", "mx", "ptr") or bare.lstrip(QUALIFIERS) in ("all",):
        return False
    return leading or bare not in MECHANISMS


def _looks_like_host(word: str) -> bool:
    return _domain_spec_problem(word) is None and "%" not in word
