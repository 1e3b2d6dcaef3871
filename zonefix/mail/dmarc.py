"""DMARC records (RFC 7489 §6.3): tag-value lists at ``_dmarc`` names."""

from __future__ import annotations

import re
from typing import NamedTuple

_POLICIES = ("none", "quarantine", "reject")
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


class Tag(NamedTuple):
    name: str
    value: str
    #: Offset of the tag's text in the record.
    start: int
    text: str


class Problem(NamedTuple):
    message: str
    #: The tag's fixed text, where the intent is unambiguous.
    fixed: Tag | None = None
    replacement: str | None = None
    #: The tag the problem is in (None: the record as a whole).
    tag: Tag | None = None


def is_dmarc(text: str) -> bool:
    """A TXT value that claims to be DMARC: it starts with ``v=DMARC1``."""
    return re.match(r"\s*v\s*=\s*DMARC1\b", text, re.IGNORECASE) is not None


def parse_tags(text: str) -> list[Tag]:
    """``tag=value`` pairs separated by ``;`` (RFC 7489 §6.4, RFC 6376 §3.2)."""
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
    """What makes *text* not a valid DMARC record, each with its fix where
    one is unambiguous."""
    tags = parse_tags(text)
    problems: list[Problem] = []
    if not tags or tags[0].name != "v" or tags[0].value != "DMARC1":
        problems.append(Problem("'v=DMARC1' must be the first tag, exactly so"))
    names = [t.name.lower() for t in tags]
    if "p" not in names:
        problems.append(
            Problem("no 'p=' policy: choose p=none, p=quarantine or p=reject")
        )
    elif names.index("p") != 1 and names[0] == "v":
        problems.append(Problem("'p=' must follow 'v=DMARC1' directly"))
    seen: set[str] = set()
    for tag in tags[1:]:
        name = tag.name.lower()
        if name in seen:
            problems.append(Problem(f"tag '{name}' appears more than once", tag=tag))
        seen.add(name)
        if not _TAG.match(tag.name):
            problems.append(
                Problem(f"'{tag.text.strip()}' is not a tag=value pair", tag=tag)
            )
            continue
        problems.extend(p._replace(tag=tag) for p in _tag_problems(tag))
    return problems


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
        if not value.isdigit():
            return [Problem(f"'ri={value}' is not a number of seconds")]
    elif name == "fo":
        if not all(part.strip() in ("0", "1", "d", "s") for part in value.split(":")):
            return [Problem(f"'fo={value}' is not a list of 0, 1, d, s")]
    elif name in ("rua", "ruf"):
        return _uri_problems(tag)
    return []


def _uri_problems(tag: Tag) -> list[Problem]:
    uris = [u.strip() for u in tag.value.split(",")]
    if all(u.lower().startswith("mailto:") and "@" in u for u in uris):
        return []
    fixed = []
    for uri in uris:
        if uri.lower().startswith("mailto:"):
            fixed.append(uri)
        elif re.fullmatch(
            r"[^\s:@!,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:![0-9]+[kmgt]?)?", uri
        ):
            fixed.append("mailto:" + uri)
        else:
            return [Problem(f"'{tag.name}=' holds '{uri}', not a mailto: URI")]
    if fixed == uris:
        # Each has its mailto: already, and one is no address: a fix that
        # adds nothing would be proposed again on every pass.
        bad = next(u for u in uris if "@" not in u)
        return [Problem(f"'{tag.name}=' holds '{bad}', which is no mail address")]
    value = ",".join(fixed)
    leading = tag.text[: len(tag.text) - len(tag.text.lstrip())]
    return [
        Problem(
            f"'{tag.name}=' addresses need 'mailto:' ({tag.value})",
            tag,
            f"{leading}{tag.name}={value}",
        )
    ]
