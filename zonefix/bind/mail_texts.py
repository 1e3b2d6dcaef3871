"""What the mail view reads of a BIND file's text, at C speed.

The mail view (zonefix.mail.domains) looks at every TXT and MX record of a
zone; it asks the zone (Zone.txt_reads, Zone.txt_joined,
Zone.mx_preference_words), and this is BIND's answer, read from the
entries' text without building records: the TXT records it can pass over
by their text alone, the TXT values written plainly, the MX preferences as
written. Each holds to the general way (the record's rdata read, its owner
resolved): tests/test_mail_fastpath.py.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from itertools import accumulate, compress, repeat
from operator import add, getitem
from typing import TYPE_CHECKING

from zonefix.bind.facts import ESCAPE, txt_joined
from zonefix.bind.resolver import SPLIT_ODD
from zonefix.columns import items_at

if TYPE_CHECKING:
    from zonefix.zone import Zone


def txt_reads(
    zone: Zone, records: Sequence[int], known: Mapping[int, str]
) -> Iterator[tuple[int, str | None]]:
    """Each TXT record of *records* the mail view must read, with its value
    where it is in *known* or written plainly (plain_txt_value), else None.

    PERF: a record whose entry writes its owner, and neither it nor its
    origin a ``_dmarc`` or ``_domainkey`` label, nor its value ``pf1`` or
    ``dmarc1`` (of v=spf1, v=DMARC1), is none the view keeps: it is passed
    by its text alone (passed_by_text), its owner and value unread (most
    TXT records of a zone: site verifications, notes)."""
    table = zone.table
    origins = table.origin
    owner_refs = table.owner_ref
    rdata_fields = table.rdata_field
    name_key = zone.index.name_key
    # Origins whose text names _dmarc or _domainkey (by origin id).
    mail_origins: dict[int, bool] = {}
    for i, segment, by_text in _txt_entries(zone, records):
        if by_text and owner_refs[i] == i:
            origin = origins[i]
            named = mail_origins.get(origin)
            if named is None:
                named = mail_origins[origin] = _names_mail_label(name_key("@", i))
            if not named:
                continue
        value = known.get(i)
        if value is None and segment is not None:
            value = plain_txt_value(segment, rdata_fields[i])
        yield i, value


def txt_value(zone: Zone, index: int) -> str:
    """TXT record *index*'s strings joined, read from its fields where they
    are plain strings (else from its rdata)."""
    if index not in zone.table.generated:
        value = txt_joined(zone.index.rdata_words(index))
        if value is not None:
            return value
    rdata = zone.index.rdata(index)
    strings = getattr(rdata, "strings", ())
    return b"".join(strings).decode("utf-8", "replace")


# TXT records whose entries are read at once (PERF: their texts are
# held a few thousand at a time, not all: a zone's TXT records may hold
# tens of megabytes).
_AT_ONCE = 4096


def _txt_entries(
    zone: Zone, records: Sequence[int]
) -> Iterator[tuple[int, str | None, bool]]:
    """Each TXT record with its entry's text (entry_texts) and whether it
    is passed by it (all_passed_by_text), a few thousand at a time."""
    for first in range(0, len(records), _AT_ONCE):
        part = records[first : first + _AT_ONCE]
        texts = entry_texts(zone, part)
        yield from zip(part, texts, all_passed_by_text(texts), strict=True)


def mx_preference_words(zone: Zone, records: Sequence[int]) -> list[str]:
    """Each of MX *records*' first rdata field (its preference) as written:
    as ZoneIndex.rdata_words gives it ("" where it has none), read from
    the entry's text where it is plain (PERF: the usual MX line, sliced
    with the others at once, is split, without the calls of the general
    way)."""
    rdata_fields = zone.table.rdata_field
    rdata_words = zone.index.rdata_words
    texts = entry_texts(zone, records)
    fields = list(items_at(rdata_fields, records))
    if None not in texts:
        joined = "".join(texts)  # type: ignore[arg-type]
        if joined.isascii() and not any(char in joined for char in _NOT_WORDS):
            # PERF: every line plain (the usual zone), told by a search of
            # them all for each character, and split at C speed, each no
            # further than its preference.
            splits = map(add, fields, repeat(1))
            lines = map(str.split, texts, repeat(None), splits)  # type: ignore[arg-type]
            try:
                return list(map(getitem, lines, fields))
            except IndexError:
                pass  # a line with fewer words: each read below
    found = []
    for i, entry, field in zip(records, texts, fields, strict=True):
        if (
            entry is not None
            and entry.isascii()
            and not any(char in entry for char in _NOT_WORDS)
        ):
            # The fields are the runs of what is not a blank or a line
            # break; a comment comes after them all (the entry's one line).
            words = entry.split()
            if field < len(words):
                found.append(words[field])
                continue
        words = rdata_words(i)
        found.append(words[0] if words else "")
    return found


# The characters str.split() splits on but the grammar does not (PERF: a
# set, no pattern compiled at start).
_ODD_BLANKS = frozenset(SPLIT_ODD)
# What str.split() does not split as the grammar does: quotes, escapes,
# parentheses, and the odd blanks.
_NOT_WORDS = _ODD_BLANKS | frozenset('"\\()')


def entry_texts(zone: Zone, records: Sequence[int]) -> list[str | None]:
    """The text of each of *records*' entries (of the top file; None for a
    record of an included file or made by $GENERATE). PERF: sliced at C
    speed (map over the table's columns), no Python step per record."""
    table = zone.table
    documents = table.document
    generated = table.generated
    if generated or any(items_at(documents, records)):
        kept = [not documents[i] and i not in generated for i in records]
        texts = iter(_top_entry_texts(zone, list(compress(records, kept))))
        return [next(texts) if keep else None for keep in kept]
    return list(_top_entry_texts(zone, records))


def _top_entry_texts(zone: Zone, records: Sequence[int]) -> list[str]:
    """entry_texts of records of the top file's own entries."""
    if not records:
        return []
    tree = zone.tree
    text, starts = tree.text, tree.entry_starts
    last = len(starts) - 1
    # PERF: the columns' items taken by itemgetters (items_at), not a map
    # of their __getitem__ (a call through a wrapper each).
    entries = list(items_at(zone.table.entry, records))
    # Each entry ends where the next begins; the last one at the text's end.
    following = map(add, entries, repeat(1))
    if max(entries) == last:
        following = map(min, following, repeat(last))
    ends = items_at(starts, list(following))
    found = list(map(text.__getitem__, map(slice, items_at(starts, entries), ends)))
    at = -1
    while last in entries[at + 1 :]:
        at = entries.index(last, at + 1)
        found[at] = text[starts[last] :]
    return found


def all_passed_by_text(entries: Sequence[str | None]) -> list[bool]:
    """passed_by_text of each of *entries* (False for None), or False where
    an escape makes that unsure. PERF: the usual entries (ASCII, no
    parenthesis, no escape of digits) are lower-cased, their quotes, blanks
    and backslashes deleted and searched all at once, as one text (a NUL
    between two: no entry holds one, and no word searched for);
    passed_by_text is asked only of the others. A backslash deleted leaves
    the character it escapes (and an escaped backslash, which is none of
    the words searched for, gone: a word may then be found that is not
    there, never missed)."""
    # PERF: a few searches of a text (at C speed) are quicker than one
    # pass over its characters.
    usual = [
        entry is not None
        and not ("(" in entry or ")" in entry or "\0" in entry)
        and ("\\" not in entry or not _ESCAPED_DIGIT(entry))
        and entry.isascii()
        for entry in entries
    ]
    # (The usual entries that are not empty, picked at C speed.)
    joined = "\0".join(filter(None, compress(entries, usual)))
    squeezed = joined.lower().encode("ascii").translate(None, _BETWEEN_WORDS)
    # Where each usual entry ends in the squeezed text (and the NUL after).
    ends = list(accumulate(map(add, map(len, squeezed.split(b"\0")), repeat(1))))
    suspect: set[int] = set()  # the usual entries' places among them
    for word in MAIL_WORDS:
        at = squeezed.find(word)
        while at >= 0:
            suspect.add(bisect_right(ends, at))
            at = squeezed.find(word, at + 1)
    found = []
    place = 0  # among the usual entries that are not empty
    for entry, plain in zip(entries, usual, strict=True):
        if entry is None:
            found.append(False)
        elif not plain:
            found.append(passed_by_text(entry))
        elif not entry:
            found.append(True)
        else:
            found.append(place not in suspect)
            place += 1
    return found


# What passed_by_text looks for in an entry, quotes and blanks deleted (an
# owner's _dmarc or _domainkey is there as written).
MAIL_WORDS = (b"pf1", b"dmarc1", b"_dmarc", b"_domainkey")


@cache
def _escape_patterns() -> tuple[Callable[[str], re.Match[str] | None], re.Pattern[str]]:
    """A backslash no escape reads, or \\DDD over 255 (or a backslash
    escaped before digits: PERF, not told apart, read by the general way);
    and an escape as BIND reads it: \\DDD (a byte) or \\X (the character
    X). Compiled on first use (PERF: not at start)."""
    broken = r"\\(?:[0-9]{1,2}(?![0-9])|[3-9][0-9]{2}|2[6-9][0-9]|25[6-9]|$)"
    return re.compile(broken).search, re.compile(ESCAPE, re.DOTALL)


# What may stand between two characters of an entry's TXT value (where no
# comment does): quotes, blanks, line breaks and parentheses (deleted; PERF:
# bytes.translate, at C speed).
_BETWEEN_STRINGS = b'" \t\r\n()'


# What all_passed_by_text deletes: _BETWEEN_STRINGS, and backslashes.
_BETWEEN_WORDS = _BETWEEN_STRINGS + b"\\"
# An escape of a byte by its digits (\DDD), or what may start one.
_ESCAPED_DIGIT = re.compile(r"\\[0-9]").search


def _escaped(match: re.Match[str]) -> str:
    digits = match.group(1)
    return chr(int(digits)) if digits is not None else match.group(2)


def passed_by_text(entry: str) -> bool:
    """True where a TXT record whose owner its entry writes (as *entry*) is
    surely none the mail view keeps: its owner, as written, holds no
    ``_dmarc`` or ``_domainkey``, and its value no ``pf1`` or ``dmarc1``
    (in any case), the parts of v=spf1 and v=DMARC1 every test of the
    view asks for. False says nothing.

    Read from the entry's text, its escapes read: in an ASCII entry with
    no comment between two fields (none but at the end of its one line:
    no parentheses), the characters of the value are the entry's, in
    order, with only what _BETWEEN_STRINGS deletes between two of them."""
    if not entry.isascii() or ("(" in entry and ";" in entry):
        return False
    if "\\" in entry:
        broken, escape = _escape_patterns()
        if broken(entry) is not None:
            return False
        entry = escape.sub(_escaped, entry)
    # Latin-1: an escape reads one byte.
    joined = entry.lower().encode("latin-1").translate(None, _BETWEEN_STRINGS)
    # PERF: the words looked for at C speed (no generator).
    return not any(map(joined.__contains__, MAIL_WORDS))


def _names_mail_label(key: str) -> bool:
    """An origin's key holds ``_dmarc`` or ``_domainkey`` (a name written
    relative to it may be a DMARC or DKIM name)."""
    return "_dmarc" in key or "_domainkey" in key


def plain_txt_value(entry: str, rdata_field: int) -> str | None:
    """The TXT value (strings joined: txt_joined of its rdata fields) of a
    record whose entry is *entry*, read from the text where its rdata are
    quoted strings without escapes (nor line breaks), separated by blanks,
    line breaks or parentheses, and only comments and blank lines follow
    them (and no quote in those comments); else None. PERF: the entry is
    not split into fields: those before the first quote are counted, to
    know it opens the rdata; an entry with a backslash anywhere (nearly
    always in its strings, which send it there anyway) is left to the
    general way at once, before the work of cutting it."""
    if "\\" in entry:
        return None
    # PERF: cut at its quotes at once: what comes before the first is the
    # first piece, the strings are every other piece after it, and what
    # stands between two of them must be blanks or parentheses.
    pieces = entry.split('"')
    if len(pieces) % 2 == 0:
        return None  # a quote not closed
    if len(pieces) == 1:
        return None  # no string
    head = pieces[0]
    # (A comment, or a blank the grammar does not split at, in the head:
    # one search, PERF.)
    if not head.isascii() or (_odd_in_head or _compile_odd_in_head())(head):
        return None
    if len(head.replace("(", " ").replace(")", " ").split()) != rdata_field:
        return None
    # PERF: the pieces between two strings searched as one, and the
    # strings as their value (no generator over them).
    if "".join(pieces[2:-1:2]).strip(" \t\r\n()"):
        return None  # a word or a comment between two strings
    value = "".join(pieces[1::2])
    if "\r" in value or "\n" in value:
        return None
    # Then blanks and comments to the end (a comment to its line's end).
    rest = pieces[-1].lstrip(" \t\r\n()")
    while rest := rest.lstrip(" \t\r\n"):
        if rest[0] != ";":
            return None
        ends = [at for at in (rest.find("\r"), rest.find("\n")) if at >= 0]
        rest = rest[min(ends) :] if ends else ""
    return value


# What plain_txt_value refuses in an entry's text before its first string:
# a comment, or a blank str.split() splits at but the grammar does not
# (PERF: compiled on first use and kept here, not at start).
_odd_in_head: Callable[[str], re.Match[str] | None] | None = None


def _compile_odd_in_head() -> Callable[[str], re.Match[str] | None]:
    global _odd_in_head
    _odd_in_head = re.compile(f"[;{re.escape(SPLIT_ODD)}]").search
    return _odd_in_head
