"""DMARC records (RFC 7489 §6.3, §6.4): tag-value lists at ``_dmarc`` names."""

from __future__ import annotations

import re
from collections.abc import Callable

from zonefix.plain import Plain

_POLICIES = ("none", "quarantine", "reject")
#: The failure report formats IANA registered for ``rf=`` (RFC 7489 §11.3).
_REPORT_FORMATS = ("afrf",)
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SIZE = re.compile(r"![0-9]+[kmgtKMGT]?\Z")
# PERF: compiled, and cached by re, for the rare address without "mailto:".
_BARE_ADDRESS = r"[^\s:@!,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
_ADDRESS = re.compile(r"[^@\s]+@[^@\s.][^@\s]*")
_WSP = " \t"


class Tag(Plain):
    _fields = ("name", "value", "start", "text")
    __slots__ = _fields
    #: The tag's name and value as written, blanks around them stripped
    #: (the name is the whole part where there is no "=").
    name: str
    value: str
    #: Offset of the tag's text (the part between ";") in the record.
    start: int
    text: str

    def __init__(self, name: str, value: str, start: int, text: str) -> None:
        self.name = name
        self.value = value
        self.start = start
        self.text = text

    @property
    def has_value(self) -> bool:
        """True when the part is ``name=value`` (the value may be empty)."""
        return "=" in self.text

    @property
    def value_start(self) -> int:
        """Offset of the value (as stripped) in the record."""
        at = self.text.index("=") + 1
        return self.start + at + len(self.text[at:]) - len(self.text[at:].lstrip())


class Problem(Plain):
    _fields = ("message", "tag", "edit", "fix_message", "warning")
    __slots__ = _fields
    message: str
    #: The tag the problem is in (None: the record as a whole).
    tag: Tag | None
    #: record[start:end] -> text, where the intent is unambiguous.
    edit: tuple[int, int, str] | None
    #: What the edit does, said to the user.
    fix_message: str
    #: Allowed by RFC 7489, but it will not work as meant.
    warning: bool

    def __init__(
        self,
        message: str,
        tag: Tag | None = None,
        edit: tuple[int, int, str] | None = None,
        fix_message: str = "",
        warning: bool = False,
    ) -> None:
        self.message = message
        self.tag = tag
        self.edit = edit
        self.fix_message = fix_message
        self.warning = warning


def is_dmarc(text: str) -> bool:
    """A TXT value that claims to be DMARC: it starts with ``v=DMARC1``."""
    return (_dmarc_start or _compile_dmarc_start())(text) is not None


# PERF: compiled on first use and kept here (every TXT record of a zone is
# asked, and re's cache look-up cost as much as the match).
_dmarc_start: Callable[[str], re.Match[str] | None] | None = None


def _compile_dmarc_start() -> Callable[[str], re.Match[str] | None]:
    global _dmarc_start
    _dmarc_start = re.compile(r"\s*v\s*=\s*DMARC1\b", re.IGNORECASE).match
    return _dmarc_start


def parse_tags(text: str) -> list[Tag]:
    """``tag=value`` pairs separated by ``;`` (RFC 7489 §6.4, RFC 6376 §3.2);
    a part without ``=`` is kept as a tag with no value."""
    tags = []
    at = 0
    for part in text.split(";"):
        name, eq, value = part.partition("=")
        if part.strip():
            tags.append(
                Tag(name.strip() if eq else part.strip(), value.strip(), at, part)
            )
        at += len(part) + 1
    return tags


def dmarc_problems(text: str) -> list[Problem]:
    """What makes *text* not a valid DMARC record (RFC 7489 §6.3, §6.4),
    each with its fix where the intent is unambiguous.

    A record that does not start with ``v=DMARC1`` is no DMARC record to
    receivers (§6.6.3 discards it): that is its one problem, since nothing
    else in it is read.
    """
    tags = parse_tags(text)
    problems: list[Problem] = []
    version = _version_problem(text, tags)
    if version is not None:
        return [version]
    blanks = len(text) - len(text.lstrip(_WSP))
    if blanks:
        problems.append(
            Problem(
                "a blank before 'v=DMARC1': the record must start with it "
                "(RFC 7489 §6.4), and receivers that find DMARC records by "
                "their first characters (§6.6.3) see none here",
                tags[0],
                (0, blanks, ""),
                "delete the blank",
            )
        )
    names = [t.name.lower() for t in tags if t.has_value]
    bare = [t for t in tags[1:] if not t.has_value]
    for tag in bare:
        missing = " (and the record has no 'p=' policy)" if "p" not in names else ""
        problems.append(Problem(f"'{tag.name}' is not a tag=value pair{missing}", tag))
    if "p" not in names and not bare:
        problems.append(
            Problem("no 'p=' policy: choose p=none, p=quarantine or p=reject")
        )
    elif "p" in names and names.index("p") != 1:
        problems.append(Problem("'p=' must follow 'v=DMARC1' directly"))
    seen: set[str] = set()
    for tag in tags:
        if not tag.has_value:
            continue
        name = tag.name.lower()
        if name in seen:
            problems.append(Problem(f"tag '{name}' appears more than once", tag=tag))
        seen.add(name)
        if not _TAG.match(tag.name):
            problems.append(
                Problem(f"'{tag.text.strip()}' is not a tag=value pair", tag=tag)
            )
            continue
        if tag.name != name and name in _KNOWN_TAGS:
            problems.append(_case_problem(tag))
        problems.extend(p._replace(tag=tag) for p in _tag_problems(tag))
    return problems


_KNOWN_TAGS = ("v", "p", "sp", "adkim", "aspf", "pct", "ri", "fo", "rf", "rua", "ruf")


def _version_problem(text: str, tags: list[Tag]) -> Problem | None:
    """Why the record does not start with ``v=DMARC1``, if it does not."""
    first = tags[0] if tags else None
    if first is not None and first.has_value and first.name.lower() == "v":
        if first.value == "DMARC1":
            return None
        if first.value.lower() == "dmarc1":
            at = first.value_start
            return Problem(
                f"'v={first.value}': the version is 'DMARC1', in capitals "
                f"(RFC 7489 §6.4); receivers see no DMARC record",
                first,
                (at, at + len(first.value), "DMARC1"),
                "write 'DMARC1'",
            )
        if re.match(r"DMARC1[ \t]", first.value):
            return Problem(
                "no ';' after 'v=DMARC1': receivers read the version as "
                f"'{first.value}' and see no DMARC record",
                first,
            )
    return Problem(
        "not a DMARC record: it must start with 'v=DMARC1;' (receivers "
        "discard any other TXT here, RFC 7489 §6.6.3)",
        first,
    )


def _case_problem(tag: Tag) -> Problem:
    start = tag.start + len(tag.text) - len(tag.text.lstrip())
    return Problem(
        f"tag name '{tag.name}' is not lower case: RFC 7489's grammar allows "
        f"it, but receivers that read tags as DKIM does (case-sensitive, "
        f"RFC 6376 §3.2) do not know it",
        tag,
        (start, start + len(tag.name), tag.name.lower()),
        f"write '{tag.name.lower()}'",
        warning=True,
    )


def _tag_problems(tag: Tag) -> list[Problem]:
    name, value = tag.name.lower(), tag.value
    if name in ("p", "sp"):
        if value.lower() not in _POLICIES:
            return [Problem(f"'{name}={value}' is not none, quarantine or reject")]
    elif name in ("adkim", "aspf"):
        if value.lower() not in ("r", "s"):
            return [Problem(f"'{name}={value}' is not r or s")]
    elif name == "pct":
        if not value.isdigit() or int(value) > 100:
            return [Problem(f"'pct={value}' is not a whole number 0-100")]
    elif name == "ri":
        if not value.isdigit() or int(value) > 0xFFFFFFFF:
            return [Problem(f"'ri={value}' is not a number of seconds")]
    elif name == "fo":
        if not all(part.strip() in ("0", "1", "d", "s") for part in value.split(":")):
            return [Problem(f"'fo={value}' is not a list of 0, 1, d, s")]
    elif name == "rf":
        return _report_format_problems(tag)
    elif name in ("rua", "ruf"):
        return _uri_problems(tag)
    return []


def _report_format_problems(tag: Tag) -> list[Problem]:
    """``rf=``: report formats separated by ``:`` (§6.4), each registered
    (§6.3: only ``afrf``; ``iodef``, of DMARC's drafts, never was). A
    receiver seeing another value may ignore the whole record."""
    formats = [f.strip(_WSP) for f in tag.value.split(":")]
    unknown = [f for f in formats if f.lower() not in _REPORT_FORMATS]
    if not unknown:
        return []
    why = (
        "'iodef' was never registered"
        if any(f.lower() == "iodef" for f in unknown)
        else "report formats are separated by ':'"
        if any("," in f for f in unknown)
        else f"{', '.join(repr(f) for f in unknown)} is no report format"
    )
    message = (
        f"'rf={tag.value}': {why}; the only report format is 'afrf' "
        f"(RFC 7489 §6.3), and receivers may ignore a record with another"
    )
    if "afrf" not in (f.lower() for f in formats):
        return [Problem(message)]
    at = tag.value_start
    return [
        Problem(
            message,
            edit=(at, at + len(tag.value), "afrf"),
            fix_message="write 'rf=afrf'",
        )
    ]


def _uri_problems(tag: Tag) -> list[Problem]:
    """``rua=``/``ruf=``: URIs separated by ``,``, each with an optional
    ``!size`` (§6.4). RFC 7489 §6.3 allows any URI, but receivers need
    support only ``mailto:``: other schemes, and a ``mailto:`` with no
    address, are warnings. A bare address is an error with a fix."""
    problems: list[Problem] = []
    bare: list[str] = []
    fixed: list[str] = []
    for uri in (u.strip(_WSP) for u in tag.value.split(",")):
        size = _SIZE.search(uri)
        target = uri[: size.start()] if size is not None else uri
        scheme = _SCHEME.match(target)
        if scheme is None:
            if re.fullmatch(_BARE_ADDRESS, target):
                bare.append(uri)
                fixed.append("mailto:" + uri)
                continue
            what = "no URI" if not uri else f"'{uri}', not a URI"
            problems.append(Problem(f"'{tag.name}=' holds {what}"))
        elif scheme.group().lower() != "mailto:":
            problems.append(
                Problem(
                    f"'{tag.name}=' holds '{uri}': RFC 7489 §6.3 allows any "
                    f"URI, but receivers need support only mailto:, so most "
                    f"send no reports there",
                    warning=True,
                )
            )
        elif not _ADDRESS.fullmatch(target[scheme.end() :]):
            problems.append(
                Problem(
                    f"'{tag.name}=' holds '{uri}', a mailto: URI with no "
                    f"address: no reports can be sent there",
                    warning=True,
                )
            )
        fixed.append(uri)
    if bare:
        edit = None
        if all(p.warning for p in problems):
            at = tag.value_start
            edit = (at, at + len(tag.value), ",".join(fixed))
        problems.insert(
            0,
            Problem(
                f"'{tag.name}=' addresses need 'mailto:' ({', '.join(bare)})",
                edit=edit,
                fix_message="add 'mailto:'",
            ),
        )
    return problems
