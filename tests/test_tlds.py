"""zonefix.tlds against the publicsuffixlist package, whose list it reads:
the same top-level domains and organisational domains, on names made from
every rule of the list's ICANN section (wildcards, exceptions, IDNA and
Unicode forms) and on generated names."""

from __future__ import annotations

import contextlib
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from publicsuffixlist import PublicSuffixList

from zonefix import tlds

PACKAGE = PublicSuffixList(only_icann=True)
RULES = sorted(tlds._suffixes().rules)


def package_tld(label: str) -> bool:
    label = label.lower().rstrip(".")
    if not label or "." in label:
        return False
    return PACKAGE.publicsuffix("x." + label, accept_unknown=False) is not None


def package_organisational(name: str) -> str | None:
    text = name.rstrip(".")
    if not text:
        return None
    found = PACKAGE.privatesuffix(text)
    return None if found is None else f"{found}."


def names_from(rule: str) -> list[str]:
    """Names at, below and above *rule*, in both of its forms."""
    bare = rule.lstrip("!").replace("*", "x")
    forms = {bare}
    with contextlib.suppress(UnicodeError):
        forms.add(bare.encode("idna").decode("ascii"))
    names = []
    for form in forms:
        names += [form, "a." + form, "b.a." + form, form.split(".", 1)[-1]]
        names += [form.upper() + ".", "*." + form]
    return names


def test_every_rule_reads_as_the_package_reads_it() -> None:
    differ = []
    for rule in RULES:
        for name in names_from(rule):
            if tlds.organisational_domain(name) != package_organisational(name):
                differ.append((name, "organisational"))
        for label in {rule.rsplit(".", 1)[-1], rule.lstrip("!*.")}:
            if tlds.is_tld(label) != package_tld(label):
                differ.append((label, "tld"))
    assert differ == []
    assert len(RULES) > 5000


LABELS = st.one_of(
    st.sampled_from(["com", "net", "uk", "co", "jp", "kobe", "ck", "www", "xn--p1ai"]),
    st.sampled_from(["рф", "公司", "Example", "", "mesh", "*", "!"]),
    st.text(string.ascii_lowercase + "-", max_size=6),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(LABELS, max_size=5), st.booleans())
def test_generated_names_read_as_the_package_reads_them(
    labels: list[str], dot: bool
) -> None:
    name = ".".join(labels) + ("." if dot else "")
    assert tlds.organisational_domain(name) == package_organisational(name)
    if labels:
        assert tlds.is_tld(labels[-1]) == package_tld(labels[-1])


def test_names_below_an_apex_have_their_organisational_domain() -> None:
    """organisational_domain_below, which answers once for every name below
    an apex that no rule names a name below, gives organisational_domain's
    answer for names below (and at) apexes made from every rule of the list
    (wildcards, exceptions, IDNA and Unicode forms)."""
    differ = []
    asked = 0
    for rule in RULES:
        names = {n.lower().rstrip(".") + "." for n in names_from(rule)}
        names |= {f"xn--p1ai.{n}" for n in names}
        # Each name's parents as apexes (the rule's own, "ck" of "!www.ck").
        apexes = {n.split(".", k)[-1] for n in names for k in range(1, 4)}
        for apex in apexes - {""}:
            for name in names:
                if not name.endswith(f".{apex}"):
                    continue
                asked += 1
                if tlds.organisational_domain_below(
                    name, apex
                ) != tlds.organisational_domain(name):
                    differ.append((name, apex))
                common = tlds.common_organisational_domain(apex)
                if common is not None and _read_by_apex(name):
                    assert tlds.organisational_domain(name) == common, (name, apex)
    assert differ == []
    assert asked > 50_000


def _read_by_apex(name: str) -> bool:
    """organisational_domain_below reads *name* (below its apex) by the
    apex: no empty label, no IDNA label."""
    return not name.startswith(".") and ".." not in name and "xn--" not in name


@settings(max_examples=500, deadline=None)
@given(st.lists(LABELS, max_size=4), st.lists(LABELS, min_size=1, max_size=3))
def test_generated_names_below_an_apex_have_their_organisational_domain(
    apex_labels: list[str], below: list[str]
) -> None:
    apex = ".".join(apex_labels).lower() + "."
    name = ".".join(below).lower() + "." + apex.lstrip(".")
    assert tlds.organisational_domain_below(name, apex) == tlds.organisational_domain(
        name
    )
    # Every name below the apex read by it has the one answer, where there is.
    common = tlds.common_organisational_domain(apex)
    if common is not None and _read_by_apex(name):
        assert tlds.organisational_domain(name) == common


def test_the_rules_are_the_first_words_of_the_lines_that_are_no_comments() -> None:
    # The list's own format: one rule a line, up to the first blank;
    # comments start with //. Read line by line, as the format says.
    with open(tlds._list_file(), encoding="utf-8") as file:
        text = file.read()
    section = text[text.index(tlds._BEGIN) : text.index(tlds._END)].lower()
    rules = set()
    for line in section.splitlines()[1:]:
        rule = line.split(" ", 1)[0].strip()
        if rule and not rule.startswith("//"):
            rules.add(rule)
    assert tlds._suffixes().rules == rules
    assert len(rules) > 5000


_ODD_LIST = (
    "// a header\n"
    "outside-before.net\n"
    f"{tlds._BEGIN}\n"
    "// comment.net\n"
    "//x.comment.org\n"
    "net\n"
    "  indented.info\n"
    "\tTabbed.info\n"
    "Example.NET\tcomment words\n"
    "*.ck\n"
    "!www.ck\n"
    "\u212aelvin.net\n"
    "\u00fccret.com.tr\n"
    "ab.net\u00a0after a no-break space\n"
    "cr.net\r\n"
    "sp.net more\n"
    "\u0130i.org\n"
    "last.tld"
    f"\n{tlds._END}\n"
    "outside.net\n"
)
_ODD_ASKED = [
    "net", "indented.info", "tabbed.info", "info", "example.net", "*.ck",
    "!www.ck", "ck", "kelvin.net", "elvin.net", "ab.net", "cr.net", "sp.net",
    "comment.net", "comment.org", "x.comment.org", "org", "i.org", "com.tr",
    "tr", "outside.net", "outside-before.net", "last.tld", "tld", "more",
]  # fmt: skip


def test_rules_asked_of_the_text_are_the_sets() -> None:
    """_Lines, which reads a rule of the list where it is asked about, on
    a list of odd lines (comments, lines starting with a blank, capitals,
    a Kelvin sign, which lower-cases to "k", a no-break space or a carriage
    return after a rule, rules outside the section): the rules, the names
    below and the public labels the set of rules gives."""
    suffixes = tlds._Suffixes(_ODD_LIST)
    begin = _ODD_LIST.index(tlds._BEGIN) + len(tlds._BEGIN)
    section = _ODD_LIST[begin : _ODD_LIST.index(tlds._END)].encode()
    lines = tlds._Lines(section)
    for asked in _ODD_ASKED:
        assert lines.has(asked) == (asked in suffixes.rules), asked
        assert lines.names_below(asked) == suffixes.names_below(asked), asked
        labels = ["x", *asked.lstrip("!*.").split(".")]
        assert lines.public_labels(labels) == suffixes.public_labels(
            labels, accept_unknown=True
        ), asked


def test_rules_asked_of_the_lists_text_are_the_sets() -> None:
    """_Lines on the list itself: every ASCII rule is one, and the names
    below each rule's name and (for every tenth rule: organisational_domain
    _below's test asks of every one) its public labels are the set's."""
    suffixes = tlds._suffixes()
    lines = tlds._lines()
    for n, rule in enumerate(RULES):
        if not rule.isascii():
            continue
        assert lines.has(rule), rule
        name = rule.lstrip("!*.")
        assert lines.names_below(name) == suffixes.names_below(name), rule
        if "xn--" not in name and n % 10 == 0:
            labels = ["x", *name.split(".")]
            assert lines.public_labels(labels) == suffixes.public_labels(
                labels, accept_unknown=True
            ), rule
