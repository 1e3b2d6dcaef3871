"""Is a label a delegated top-level domain? What is a name's registered
(organisational) domain?

The answers come from the Public Suffix List's ICANN section, as the
publicsuffixlist package ships it (the package republishes the list as it
changes). The package's own reader encodes every rule to IDNA while it
loads, a fifth of a second; this one reads the same file, matches as the
package does (tests/test_tlds.py holds it to the package), and encodes the
few non-ASCII rules only when a name asked about holds an IDNA label.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache

_BEGIN = "// ===BEGIN ICANN DOMAINS==="
_END = "// ===END ICANN DOMAINS==="
# A rule: a line's first word, on a line that is no comment.
_RULE = re.compile(r"^(?!//)\S+", re.MULTILINE)


def _list_file() -> str:
    """The list the publicsuffixlist package ships (found without
    importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("publicsuffixlist")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the publicsuffixlist package is not installed")
    folder = next(iter(spec.submodule_search_locations))
    return os.path.join(folder, "public_suffix_list.dat")


class _Suffixes:
    """The rules of the list's ICANN section: ``net``, ``*.ck``, ``!www.ck``,
    lower-case, as written (Unicode where the list writes it)."""

    def __init__(self, text: str) -> None:
        # Each line's first word, but comments (PERF: one search at C speed,
        # not a step per line: 20 ms -> 5 ms).
        rules = frozenset(_RULE.findall(_icann_section(text)))
        self.rules = rules
        self.max_labels = max((r.count(".") + 1 for r in rules), default=0)
        self._encoded: frozenset[str] | None = None
        self._lines: str | None = None

    def _with_idna(self) -> frozenset[str]:
        """The rules, and the non-ASCII ones also in their IDNA form."""
        if self._encoded is None:
            encoded = set(self.rules)
            for rule in self.rules:
                if not rule.isascii():
                    bare = rule.lstrip("!")
                    prefix = "!" if rule.startswith("!") else ""
                    encoded.add(prefix + bare.encode("idna").decode("ascii"))
            self._encoded = frozenset(encoded)
        return self._encoded

    def names_below(self, name: str) -> bool:
        """Some rule ends with a dot and *name* (``ck`` of ``*.ck`` and
        ``!www.ck``): it names a name below *name*. PERF: one search of
        the rules written one a line, not a pass over them."""
        if self._lines is None:
            self._lines = "\n".join(self.rules) + "\n"
        return f".{name}\n" in self._lines

    def public_labels(self, labels: list[str], accept_unknown: bool) -> int:
        """How many labels at the end of *labels* are a public suffix (0:
        none known, with *accept_unknown* False)."""
        count = len(labels)
        if not count:
            return 0
        if count == 1 and accept_unknown:
            return 1
        rules = self.rules
        if any(label.startswith("xn--") for label in labels):
            rules = self._with_idna()
        # Longest first; an exception, then a wildcard, then the name itself
        # (a wildcard's parent is public too, as the list's linter requires).
        for i in range(max(0, count - (self.max_labels + 1)), count):
            depth = count - i
            suffix = ".".join(labels[i:])
            if "!" + suffix in rules:
                return depth - 1
            if "*." + suffix in rules:
                return depth + 1 if i > 0 else depth
            if suffix in rules:
                return depth
        return 1 if accept_unknown else 0


def _icann_section(text: str) -> str:
    """The list's ICANN section (between its markers: PERF, the rest is
    not looked at), lower-case."""
    begin = text.find(_BEGIN)
    end = text.find(_END, begin)
    return text[begin + len(_BEGIN) : end].lower() if 0 <= begin < end else ""


@cache
def _suffixes() -> _Suffixes:
    with open(_list_file(), encoding="utf-8") as file:
        return _Suffixes(file.read())


class _Lines:
    """The rules of the list's ICANN section asked about one at a time in
    its text, not read into a set (PERF: _public_below asks about a dozen
    rules, once per zone; the set costs some 9 ms to read, the text, as
    bytes, under 1). A rule is a line's first word, on a line that is no
    comment (_RULE), lower-case: each line that may start with one asked
    about (or end it) is found by a search of the bytes, its ASCII letters
    lower-cased, and read as _RULE reads it."""

    def __init__(self, section: bytes) -> None:
        # A line break first: every line, the first too, follows one.
        # (str.lower() makes ASCII of no other character than the Kelvin
        # sign: where the list holds one, it is lower-cased as text.)
        if "\u212a".encode() in section:
            section = section.decode("utf-8", "replace").lower().encode()
        self.text = b"\n" + section.lower()

    def _words_at(self, needle: bytes) -> Iterator[str]:
        """The rules of the lines that hold *needle*."""
        text = self.text
        at = text.find(needle)
        while at >= 0:
            start = text.rfind(b"\n", 0, at + 1) + 1
            end = text.find(b"\n", at + len(needle))
            end = len(text) if end < 0 else end
            line = text[start:end].decode("utf-8", "replace")
            if line and not line[0].isspace() and not line.startswith("//"):
                yield line.split(None, 1)[0]
            at = text.find(needle, end)

    def has(self, rule: str) -> bool:
        """*rule* (ASCII) is one of the section's rules."""
        return rule in self._words_at(b"\n" + rule.encode("ascii"))

    def names_below(self, name: str) -> bool:
        """_Suffixes.names_below: some rule ends with a dot and *name*
        (ASCII)."""
        below = f".{name}"
        words = self._words_at(below.encode("ascii"))
        return any(word.endswith(below) for word in words)

    def public_labels(self, labels: list[str]) -> int:
        """_Suffixes.public_labels(*labels*, accept_unknown=True) of two
        ASCII labels or more, no IDNA one, none empty (the rules as the
        list writes them). Each suffix is tried, longest first: one of
        more labels than any rule has is none (the set's bound)."""
        count = len(labels)
        for i in range(count):
            depth = count - i
            suffix = ".".join(labels[i:])
            if self.has("!" + suffix):
                return depth - 1
            if self.has("*." + suffix):
                return depth + 1 if i > 0 else depth
            if self.has(suffix):
                return depth
        return 1


@cache
def _lines() -> _Lines:
    with open(_list_file(), "rb") as file:
        text = file.read()
    begin = text.find(_BEGIN.encode())
    end = text.find(_END.encode(), begin)
    return _Lines(text[begin + len(_BEGIN) : end] if 0 <= begin < end else b"")


def _labels(name: str) -> list[str] | None:
    """*name*'s labels, lower-case, without the final dot; None for a name
    with an empty label."""
    if name.endswith("."):
        name = name[:-1]
    labels = name.lower().split(".")
    return None if "" in labels else labels


def is_tld(label: str) -> bool:
    """True when *label* (``net``, ``xn--p1ai``) is a top-level domain."""
    label = label.lower().rstrip(".")
    if not label or "." in label:
        return False
    labels = _labels("x." + label)
    if labels is None:
        return False
    public = _suffixes().public_labels(labels, accept_unknown=False)
    return 0 < public <= len(labels)


def organisational_domain(name: str) -> str | None:
    """The organisational domain of *name* (RFC 7489 §3.2): the public
    suffix plus one label (``example.co.uk.`` for ``mail.example.co.uk.``),
    lower-case, IDNA or Unicode as given, with a final dot; None when *name* is itself
    a public suffix. An unknown top-level domain (a private ``.mesh``)
    counts as a public suffix."""
    text = name.rstrip(".")
    if not text:
        return None
    labels = _labels(text)
    if labels is None:
        return None
    public = _suffixes().public_labels(labels, accept_unknown=True)
    if not public or len(labels) < public + 1:
        return None
    return ".".join(labels[-(public + 1) :]) + "."


def read_by_apex(name: str, below: str) -> bool:
    """Name *name* (canonical) ends with *below* (a dot and an apex) and
    is one organisational_domain_below reads by that apex alone: no empty
    label, no IDNA label (whose Unicode form the list may name)."""
    return (
        name.endswith(below)
        and not name.startswith(".")
        and ".." not in name
        and "xn--" not in name
    )


def organisational_domain_below(name: str, apex: str) -> str | None:
    """organisational_domain(*name*), where *name* (canonical) may be below
    *apex* (canonical, a zone's apex). PERF: a name below an apex that no
    rule of the list names a name below (``net``'s ``example.net``; not
    ``ck``, where ``*.ck`` and ``!www.ck`` do) has the public suffix of
    every name below it: one label and the apex, as the list reads it,
    worked out once; the name's organisational domain is then the apex's
    (or as many of its last labels)."""
    if read_by_apex(name, f".{apex}"):
        public = _public_below(apex)
        if public is not None:
            labels = name[:-1].split(".")
            if len(labels) < public + 1:
                return None
            return ".".join(labels[-(public + 1) :]) + "."
    return organisational_domain(name)


def common_organisational_domain(apex: str) -> str | None:
    """The organisational domain of every name below *apex* (canonical)
    that organisational_domain_below reads by its apex (a name ending with
    a dot and the apex, with no empty label and no IDNA label), where that
    is one answer: the apex's last labels, when it has more than the public
    suffix of the names below it; else None (the answer is the name's)."""
    public = _public_below(apex)
    if public is None:
        return None
    labels = apex[:-1].split(".")
    if len(labels) < public + 1:
        return None
    return ".".join(labels[-(public + 1) :]) + "."


@cache
def _public_below(apex: str) -> int | None:
    """How many labels at the end of every name below *apex* are a public
    suffix (public_labels, unknown ones accepted), where that is one answer:
    no rule of the list ends with a dot and the apex (none names a name
    below it), and the apex's labels are ASCII (the rules matched are the
    same whatever the name's labels); else None."""
    labels = _labels(apex)
    if labels is None or not apex.isascii() or "xn--" in apex or apex == ".":
        return None
    # PERF: asked of the list's text, the set of rules not read (a zone
    # whose mail domains are all below its apex needs no more of the list).
    # The rules a name below the apex meets are those at or above the
    # apex, met as by one label and the apex.
    lines = _lines()
    if lines.names_below(".".join(labels)):
        return None
    return lines.public_labels(["x", *labels])
