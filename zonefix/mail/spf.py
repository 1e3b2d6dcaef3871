"""SPF records (RFC 7208), read term by term with each term's place in the
record's text, so that a fix can replace one term and leave the rest.

The reader is forgiving where people are: words pasted from a provider's
documentation (``include the following:spf.sg.aliyun.com``) become a Prose
span with the term it meant, and a blank after ``include:`` is read as the
mistake it is. What it cannot read stays a term with its problem named.

Reading is linear in the record's length: a 100 KB record of pasted words is
read in one pass (each word is classified once; a run of prose is found by
jumping to the next word that could end it).
"""

from __future__ import annotations

import re

from zonefix.addresses import address_version
from zonefix.plain import Plain

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

# PERF: the patterns of terms most records lack (modifiers, a CIDR length
# after a domain) are compiled, and cached by re, on first use.
_MODIFIER_NAME = r"[A-Za-z][A-Za-z0-9_.-]*\Z"
_MACRO = re.compile(r"%(?:\{[slodiphcrtvSLODIPHCRTV][0-9]*[rR]?[.\-+,/_=]*\}|%|_|-)")
#: Macro letters RFC 7208 §7.2 allows only in explanation text (the TXT an
#: ``exp=`` names), never in a record's own terms.
_EXP_ONLY_MACRO = re.compile(r"%\{[crtCRT]")
#: A trailing dual-cidr-length (RFC 7208 §5.6): "/N", "//N" or "/N//N".
_TRAILING_CIDR = r"(?:/[0-9]+)?(?://[0-9]+)?\Z"
_CIDR_LENGTH = re.compile(r"0|[1-9][0-9]*")
_TOPLABEL = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\Z")
_PROSE_WORD = re.compile(r"[^\W\d_][^\W_]*[:\uff1a]?\Z")


class Term(Plain):
    """One directive or modifier, where it stands in the record's text."""

    _fields = (
        "text",
        "start",
        "qualifier",
        "name",
        "value",
        "modifier",
        "problem",
        "meant",
    )
    __slots__ = _fields
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
    problem: str | None
    #: The term meant, where that is unambiguous.
    meant: str | None

    def __init__(
        self,
        text: str,
        start: int,
        qualifier: str,
        name: str,
        value: str | None,
        modifier: bool,
        problem: str | None = None,
        meant: str | None = None,
    ) -> None:
        self.text = text
        self.start = start
        self.qualifier = qualifier
        self.name = name
        self.value = value
        self.modifier = modifier
        self.problem = problem
        self.meant = meant

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class Prose(Plain):
    """Words pasted from documentation, and the SPF term they meant."""

    _fields = ("text", "start", "meant")
    __slots__ = _fields
    text: str
    start: int
    meant: str | None

    def __init__(self, text: str, start: int, meant: str | None) -> None:
        self.text = text
        self.start = start
        self.meant = meant

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class SpfRecord(Plain):
    _fields = ("text", "version", "terms", "prose", "problems")
    __slots__ = _fields
    text: str
    #: The version tag as written, when the record starts with it.
    version: str
    terms: tuple[Term, ...]
    prose: tuple[Prose, ...]
    #: Problems of the record as a whole (not of one term).
    problems: tuple[str, ...]

    def __init__(
        self,
        text: str,
        version: str,
        terms: tuple[Term, ...],
        prose: tuple[Prose, ...],
        problems: tuple[str, ...],
    ) -> None:
        self.text = text
        self.version = version
        self.terms = terms
        self.prose = prose
        self.problems = problems

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

    def is_written(self, term: Term | Prose) -> bool:
        """True when *term* stands in this record's text as it is (a term or
        prose as written, not the term some text meant)."""
        return self.text[term.start : term.end] == term.text

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


def spf_word_not_first(value: str) -> bool:
    """*value* (a TXT value) holds ``v=spf1`` as a word, in any case, but
    does not start with it."""
    lowered = value.lower()
    # PERF: searched only where "pf1" is written: no other character
    # matches "p" or "f" ignoring case (as the long s, U+017F, matches "s";
    # a test holds it).
    return (
        "pf1" in lowered
        and not lowered.startswith("v=spf1")
        and re.search(r"(?i)(^|\s)v=spf1(\s|$)", value) is not None
    )


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
    runs = _ProseRuns(words)
    i = 0
    while i < len(words):
        span = runs.at(i)
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
    """One directive or modifier (RFC 7208 §4.6.1).

    The name ends at the first ``:``, ``=`` or ``/``; a ``=`` there makes a
    modifier. After a mechanism's ``:`` comes a domain-spec, a macro-string
    whose literal characters include ``:`` and ``/`` (RFC 7208 §7.1,
    ``a:foo:bar/baz.example.com`` is valid): only a trailing ``/N`` or
    ``//N`` of ``a`` and ``mx`` is a CIDR length (§5.6). ``include``,
    ``exists`` and ``ptr`` take none.
    """
    name_end = len(word)
    for sep in (":", "=", "/"):
        at = word.find(sep)
        if at != -1:
            name_end = min(name_end, at)
    head = word[:name_end]
    rest = word[name_end:]
    if rest.startswith("=") and re.match(_MODIFIER_NAME, head):
        name = head.lower()
        argument = rest[1:]
        problem = None
        if name in ("redirect", "exp"):
            problem = _domain_spec_problem(argument)
        else:
            # An unknown modifier is ignored, never expanded (§6): only
            # its syntax counts.
            problem = _macro_string_problem(argument)
        return Term(word, start, "", name, argument, True, problem)
    qualifier = head[0] if head[:1] and head[0] in QUALIFIERS else ""
    name = head[len(qualifier) :].lower()
    kind = MECHANISMS.get(name)
    if kind is None:
        meant = (
            _fullwidth_fix(word) or _dash_fix(word) or _ip_fix(qualifier, name, rest)
        )
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
        spec = rest[1:]
        if kind in ("ip4", "ip6"):
            value, slash, after = spec.partition("/")
            cidr = slash + after
        elif name in ("a", "mx"):
            value, cidr = _split_cidr(spec)
        else:
            value = spec
    elif rest.startswith("/"):
        cidr = rest
    elif rest:
        return Term(word, start, qualifier, name, None, False, f"bad term '{word}'")
    problem = _mechanism_problem(name, kind, value, cidr, word)
    return Term(word, start, qualifier, name, value, False, problem)


def _split_cidr(spec: str) -> tuple[str, str]:
    """A domain-spec and its trailing dual-cidr-length."""
    match = re.search(_TRAILING_CIDR, spec)
    at = match.start() if match is not None else len(spec)
    return spec[:at], spec[at:]


def _mechanism_problem(
    name: str, kind: str, value: str | None, cidr: str, word: str
) -> str | None:
    if kind == "none":
        return f"'{name}' takes no value" if value is not None or cidr else None
    if kind == "required" and not value:
        return f"'{name}' needs a domain ('{name}:example.com')"
    if kind in ("required", "optional"):
        if cidr and name == "ptr":
            return "'ptr' takes no CIDR length"
        if value is not None:
            problem = _domain_spec_problem(value)
            if problem and name in ("include", "exists", "ptr"):
                base, trailing = _split_cidr(value)
                if trailing and _domain_spec_problem(base) is None:
                    return f"'{name}' takes no CIDR length"
            if problem:
                return problem
        return _dual_cidr_problem(cidr) if cidr else None
    # ip4 / ip6
    if not value:
        return f"'{name}' needs an address"
    if address_version(value) != int(name[-1]):
        return f"'{value}' is not an IPv{name[-1]} address"
    if cidr:
        limit = 32 if name == "ip4" else 128
        length = cidr[1:]
        if not _CIDR_LENGTH.fullmatch(length) or int(length) > limit:
            return f"bad CIDR length '{cidr}' in '{word}'"
    return None


def _dual_cidr_problem(cidr: str) -> str | None:
    # "/24", "//64" or "/24//64" (RFC 7208 §5.6), no leading zeros.
    match = re.fullmatch(r"(?:/([0-9]+))?(?://([0-9]+))?", cidr)
    if match is None:
        return f"bad CIDR length '{cidr}'"
    for length, limit in ((match.group(1), 32), (match.group(2), 128)):
        if length is not None and (
            not _CIDR_LENGTH.fullmatch(length) or int(length) > limit
        ):
            return f"bad CIDR length '{cidr}'"
    return None


def _domain_spec_problem(value: str) -> str | None:
    """What keeps *value* from being a domain-spec (RFC 7208 §7.1):
    ``macro-string domain-end``, where domain-end is ``.`` and a top label
    (a final dot allowed), or a macro."""
    if not value:
        return "a domain is missing"
    problem = _macro_string_problem(value)
    if problem:
        return problem
    exp_only = _EXP_ONLY_MACRO.search(value)
    if exp_only is not None:
        macro = value[exp_only.start() : value.index("}", exp_only.start()) + 1]
        return (
            f"macro '{macro}' is allowed only in explanation text (the TXT "
            f"'exp=' names), not in a record's terms (RFC 7208 §7.2)"
        )
    # Each macro stands for some label text; "%" is no letter, so a top
    # label made by a macro is only allowed as the whole domain-end.
    literal = _MACRO.sub("%", value)
    last_macro_end = -1
    for match in _MACRO.finditer(value):
        last_macro_end = match.end()
    if last_macro_end == len(value):
        labels = literal.split(".")
        return f"'{value}' has an empty label" if "" in labels[:-1] else None
    body = literal[:-1] if literal.endswith(".") else literal
    labels = body.split(".")
    if "" in labels[:-1]:
        return f"'{value}' has an empty label"
    if any(len(label) > 63 and "%" not in label for label in labels):
        return f"'{value}' has a label longer than 63 characters"
    if len(labels) < 2 or not _TOPLABEL.match(labels[-1]):
        return f"'{value}' is not a domain name"
    return None


def _macro_string_problem(value: str) -> str | None:
    """What keeps *value* from being a macro-string (RFC 7208 §7.1):
    printable ASCII but ``%`` outside a well-formed macro."""
    rest = _MACRO.sub("", value)
    for char in rest:
        if not 0x21 <= ord(char) <= 0x7E:
            return f"'{value}' holds {_show(char)}, which SPF does not allow"
    if "%" in rest:
        return f"malformed macro in '{value}'"
    return None


def _show(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        # A byte that is not UTF-8, kept as read (surrogateescape): the file
        # holds the byte, written as BIND escapes it.
        return f"the byte \\{code - 0xDC00:03d} (not UTF-8)"
    return f"U+{code:04X}" if code > 0x7F or code < 0x20 or code == 0x7F else repr(char)


def _fullwidth_fix(word: str) -> str | None:
    """``include`` and a host joined by a full-width colon (U+FF1A) meant
    ``include:host``."""
    if _FULLWIDTH_COLON in word:
        candidate = word.replace(_FULLWIDTH_COLON, ":")
        if parse_term(candidate, 0).problem is None:
            return candidate
    return None


#: Dashes a word processor writes for the "-" qualifier.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"


def _dash_fix(word: str) -> str | None:
    """``\u2013all`` (an en dash, pasted from a document) meant ``-all``."""
    if word[:1] in _DASHES:
        candidate = "-" + word[1:]
        if parse_term(candidate, 0).problem is None:
            return candidate
    return None


def _ip_fix(qualifier: str, name: str, rest: str) -> str | None:
    """``ip:`` and an address meant ``ip4:`` or ``ip6:`` by the address."""
    if name != "ip" or not rest.startswith(":"):
        return None
    address = rest[1:].partition("/")[0]
    version = address_version(address)
    if version is None:
        return None
    candidate = f"{qualifier}ip{version}{rest}"
    return candidate if parse_term(candidate, 0).problem is None else None


class _ProseRuns:
    """Where words pasted from documentation start, for every word of a
    record, in linear time: each word is classified once, and a run is
    followed by jumping to the first later word that could end it."""

    def __init__(self, words: list[tuple[str, int]]) -> None:
        self.words = words
        count = len(words)
        #: stop[j]: the first k >= j whose word has a colon or is no
        #: (non-leading) prose word; count when there is none.
        stop = [count] * (count + 1)
        for j in range(count - 1, -1, -1):
            word = words[j][0]
            if _split_colon(word)[1] or not _is_prose_word(word, leading=False):
                stop[j] = j
            else:
                stop[j] = stop[j + 1]
        self.stop = stop

    def at(self, i: int) -> tuple[int, str | None] | None:
        """The run of prose starting at word *i*: the end of the run and
        the term it meant. A run is words that are no SPF term, ending at a
        word that carries the host after a colon (or the host after a word
        ending in a colon); the term meant takes the run's mechanism (its
        first word when that names one, else ``include``) and that host."""
        words = self.words
        first = words[i][0]
        if not _is_prose_word(first, leading=True):
            return None
        mechanism = first.rstrip(":" + _FULLWIDTH_COLON).lower()
        if mechanism not in MECHANISMS or mechanism == "all":
            mechanism = "include"
        # The first word may end in a colon; else the run goes on to the
        # first later word that has one or is no prose.
        j = i if _split_colon(first)[1] else self.stop[i + 1]
        if j == len(words):
            return None
        head, sep, host = _split_colon(words[j][0])
        if not sep:
            return None  # a word that is no prose ends the run unfinished
        if host:
            if j == i and head.lower() in MECHANISMS:
                return None  # "include:host", or with a full-width colon: a term
            return j + 1, _meant(mechanism, host)
        if j + 1 < len(words) and _looks_like_host(words[j + 1][0]):
            if j == i and head.lower() in MECHANISMS:
                return None  # "include: host": ZF303's, not prose
            return j + 2, _meant(mechanism, words[j + 1][0])
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
