"""Give a parsed zone its meaning: owners, TTLs, classes, types and rdata.

The rules follow dnspython's ``Reader`` (``dns/zonefile.py``), which follows
BIND: a blank owner repeats the previous owner; TTL and class may come in
either order; a record without a TTL takes ``$TTL``, else the last TTL
written, else the SOA's minimum; ``$INCLUDE`` reads a file with the origin it
names and restores the including file's state afterwards. Every rdata is
checked: the common types in their plain shapes by zonefix.bind.fastpath, the
rest with ``dns.rdata.from_text``, which is the reference for both.

What is kept per record is what cannot be derived again cheaply: where the
record is, its owner's reference, TTL, class and type, all in typed arrays.
Names and rdata objects are rebuilt when someone asks for them
(:class:`zonefix.zone.Record`), so a million-record zone costs a few dozen
bytes per record beyond its text.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Callable
from functools import cache, partial
from itertools import chain, islice
from typing import TYPE_CHECKING, TypeVar, cast

from zonefix.bind import fastpath
from zonefix.bind.facts import LEADING_BLANKS, repeats_owner
from zonefix.bind.facts import NeedOrigin as _NeedOrigin
from zonefix.bind.facts import to_dns_text as to_dns_text  # re-exported: its old home
from zonefix.bind.facts import ttl_or_none as ttl_or_none  # re-exported: its old home
from zonefix.bind.fastpath import plain_name
from zonefix.bind.syntax.nodes import (
    EntryKind,
    Field,
    SyntaxTree,
    field_texts,
    fields_between,
)
from zonefix.bind.syntax.parser import parse_syntax
from zonefix.diagnostics import (
    GENERATE_LIMIT,
    INCLUDE_REFUSED,
    INVALID_RDATA,
    SYNTAX_ERROR,
    UNKNOWN_ORIGIN,
    Code,
    Diagnostic,
)
from zonefix.document import Limits as Limits  # re-exported: its old home
from zonefix.origin import Origin, argument_origin, plain_argument
from zonefix.plain import Plain
from zonefix.reading import ReadRefused, folder_of, inside, pure_path, read_file
from zonefix.rrtypes import BY_NAME, DNAME, IN, type_text
from zonefix.source import NotTextError, SourceFile, decode, printable

if TYPE_CHECKING:
    import dns.name
    import dns.rdata

# PERF: dnspython is imported where a name or rdata needs it, not here: a
# zone whose records all take the fast path is read without it.
SOA = fastpath.SOA

#: RecordTable.flags bits: the owner is the zone's apex; it is not at or
#: below the apex.
OWNER_APEX = 1
OWNER_OUTSIDE = 2
#: The record writes its TTL; it has none and takes the last TTL written.
TTL_WRITTEN = 4
TTL_FROM_LAST = 8
#: A TXT-like record with a character-string over 255 bytes (ZF112): kept,
#: and read as if the string were split.
LONG_STRING = 16
#: The owner is two labels or more below the apex (or the zone has no
#: apex): at or below a delegation point only such a name can be, or the
#: point itself (ZF118 looks at no other).
OWNER_DEEP = 32
#: The bits that are facts about the owner (blank-owner lines repeat them).
OWNER_BITS = OWNER_APEX | OWNER_OUTSIDE | OWNER_DEEP
#: The types whose target RecordTable.target_record lists (dotless.py's
#: TARGET_FIELDS: MX, NS, CNAME, SRV, PTR, DNAME).
TARGET_TYPES = frozenset(
    {fastpath.MX, fastpath.NS, fastpath.CNAME, fastpath.SRV, fastpath.PTR, DNAME}
)
_TXT_LIKE = {fastpath.TXT, fastpath.SPF}
#: Types whose rdata dnspython checks fully while reading; others are also
#: written to wire form once, to catch values it reads but cannot write.
_PACKS_WHAT_IT_READS = frozenset(
    {
        fastpath.A,
        fastpath.AAAA,
        fastpath.NS,
        fastpath.CNAME,
        fastpath.MX,
        fastpath.TXT,
        fastpath.SPF,
        fastpath.PTR,
        fastpath.SOA,
        fastpath.SRV,
    }
)
#: The fast path's readers of the types Resolver._usual_record reads.
_USUAL_READERS: dict[int | None, fastpath.Reader] = {
    t: read for t, read in fastpath.READERS.items() if t != SOA
}


def _twice(origin_key: str | None) -> str:
    """What the fast-path key of a name written relative that repeats the
    origin whose key is *origin_key* ends with: example.net.example.net.
    (".." under the root, which no key ends with; "" with no key, where the
    fast path reads no relative name)."""
    if origin_key is None:
        return ""
    return f"{origin_key[:-1]}.{origin_key}"


def owner_flags(name: dns.name.Name, apex: dns.name.Name | None) -> int:
    """The OWNER_BITS of an owner *name* in the zone whose apex is *apex*
    (OWNER_DEEP alone where there is none)."""
    if apex is None:
        return OWNER_DEEP
    if name == apex:
        return OWNER_APEX
    if not name.is_subdomain(apex):
        return OWNER_OUTSIDE
    return OWNER_DEEP if len(name) - len(apex) > 1 else 0


class Document:
    """One file of a zone: the top file, or one it includes."""

    __slots__ = ("path", "source", "tree")

    def __init__(self, source: SourceFile, tree: SyntaxTree, path: str | None) -> None:
        self.source = source
        self.tree = tree
        #: Where it was read from (None for text given directly).
        self.path = path


class RecordTable:
    """Resolved records as parallel typed arrays, in file order."""

    __slots__ = (
        "anchors",
        "document",
        "entry",
        "flags",
        "generated",
        "origin",
        "owner_hash",
        "owner_ref",
        "rdata_field",
        "rdata_hash",
        "rdclass",
        "rdtype",
        "relative_target",
        "repeating_owner",
        "target_key",
        "target_record",
        "ttl",
    )

    def __init__(self) -> None:
        #: Which Document, and which entry of it, holds the record.
        self.document = array("H")
        self.entry = array("I")
        #: Whose owner field names this record's owner: a record index (itself
        #: when written; an earlier one for a blank owner), or -3 - k for
        #: anchors[k].
        self.owner_ref = array("i")
        self.ttl = array("I")
        self.rdclass = array("H")
        self.rdtype = array("H")
        #: Index into ResolvedZone.origins: the origin relative names use.
        self.origin = array("I")
        #: Index of the first rdata field among the entry's fields.
        self.rdata_field = array("B")
        #: OWNER_APEX / OWNER_OUTSIDE bits about each record's owner.
        self.flags = bytearray()
        #: hash() of the owner's canonical text (ZoneIndex.owner_key) and of
        #: the rdata's key (fastpath.rdata_key), where reading worked them
        #: out (the usual record), else 0: what the rules that compare
        #: records look at first (PERF: they are in hand while reading).
        self.owner_hash = array("q")
        self.rdata_hash = array("q")
        #: $GENERATE records: record index -> the iterator's value.
        self.generated: dict[int, int] = {}
        #: (document, entry, origin) of broken records whose owner later
        #: blank-owner records inherit.
        self.anchors: list[tuple[int, int, int]] = []
        #: (These four are lists of record numbers and their keys, not a
        #: value per record as the columns above: reread splices them
        #: apart.) The records of TARGET_TYPES, in file order, and the key of each
        #: one's target as written (fastpath.name_key's: lower-case,
        #: absolute) where reading read the record the usual way, else None
        #: (read it from its fields). PERF: in hand while reading, and a
        #: dozen rules ask for targets (ZoneIndex._targets); equal keys are
        #: one string (a provider's MX host is in thousands of records).
        #: ZoneIndex._records_of takes a target type's records from here
        #: and of_type keeps them: every record of those types is listed
        #: (here, and where bind.reread splices the lists).
        self.target_record = array("I")
        self.target_key: list[str | None] = []
        #: The records among those whose target reading read the usual way
        #: that write it relative with a dot inside (www.example.net, or
        #: mail.example.com under example.net), in file order: the few ZF104
        #: may report, beside those of one label under an origin of one.
        self.relative_target = array("I")
        #: The records that write their owner relative with a dot inside
        #: and whose key ends with the origin's twice (www.example.net under
        #: example.net), and those whose owner the fast path does not read
        #: written relative with a dot inside, in file order: the owners
        #: ZF104 may report, beside those of one label under an origin of
        #: one ($GENERATE's are not written).
        self.repeating_owner = array("I")

    def __len__(self) -> int:
        return len(self.rdtype)


class DirectiveMark(Plain):
    """What a directive of the top file leaves in force after it, as the
    resolver read it: with the origin and TTL of each record (RecordTable),
    the state at any line of the file, which edits that write a line there
    ask (bind.edits) instead of reading the directives again."""

    _fields = ("entry", "origin_id", "default_ttl", "included_at")
    __slots__ = _fields
    #: The directive's entry in the top file.
    entry: int
    #: Index into ResolvedZone.in_force of the origin in force after it.
    origin_id: int
    #: The default TTL $TTL set (None: none, or only the SOA minimum's).
    default_ttl: int | None
    #: The entry of the top file's last $INCLUDE since its last $TTL (-1:
    #: none): a record with no TTL may take what the included file leaves.
    included_at: int

    def __init__(
        self, entry: int, origin_id: int, default_ttl: int | None, included_at: int
    ) -> None:
        self.entry = entry
        self.origin_id = origin_id
        self.default_ttl = default_ttl
        self.included_at = included_at


class ResolvedZone:
    """What reading a zone gave: its files, origin, records and findings."""

    __slots__ = ("apex", "diagnostics", "documents", "in_force", "marks", "table")

    def __init__(
        self,
        documents: list[Document],
        apex: Origin | None,
        table: RecordTable,
        in_force: list[Origin | None],
        diagnostics: list[Diagnostic],
        marks: list[DirectiveMark] | None = None,
    ) -> None:
        self.documents = documents
        #: The zone's origin (its dnspython Name: .origin).
        self.apex = apex
        self.table = table
        #: The origins in force across the file; records index into it
        #: (their dnspython Names: .origins).
        self.in_force = in_force
        self.diagnostics = diagnostics
        #: One per directive of the top file, in file order.
        self.marks: list[DirectiveMark] = [] if marks is None else marks

    @property
    def origin(self) -> dns.name.Name | None:
        return None if self.apex is None else self.apex.name

    @property
    def origins(self) -> list[dns.name.Name | None]:
        return [None if o is None else o.name for o in self.in_force]


class ReadState(Plain):
    """What the resolver carries from one entry of a file to the next, in a
    file of records, $ORIGIN and $TTL (no $INCLUDE or $GENERATE, which
    save and restore some of it): zonefix.bind.reread resumes a read with it."""

    _fields = (
        "origin_id",
        "last_owner",
        "last_owner_flags",
        "owner_cache",
        "last_ttl",
        "default_ttl",
        "default_ttl_from_soa",
    )
    __slots__ = _fields
    #: Index into the resolver's origins of the origin in force.
    origin_id: int
    #: The record whose owner a blank owner repeats (-1: none), and its
    #: owner's OWNER_APEX / OWNER_OUTSIDE bits.
    last_owner: int
    last_owner_flags: int
    #: (word, origin id, record, owner bits) of the last owner written.
    owner_cache: tuple[str, int, int, int] | None
    #: The last TTL a record wrote; $TTL's (or the SOA minimum's) TTL.
    last_ttl: int | None
    default_ttl: int | None
    default_ttl_from_soa: bool

    def __init__(
        self,
        origin_id: int,
        last_owner: int,
        last_owner_flags: int,
        owner_cache: tuple[str, int, int, int] | None,
        last_ttl: int | None,
        default_ttl: int | None,
        default_ttl_from_soa: bool,
    ) -> None:
        self.origin_id = origin_id
        self.last_owner = last_owner
        self.last_owner_flags = last_owner_flags
        self.owner_cache = owner_cache
        self.last_ttl = last_ttl
        self.default_ttl = default_ttl
        self.default_ttl_from_soa = default_ttl_from_soa


#: A word as a TTL, a class and a type (None where it is not one).
_Meaning = tuple[int | None, int | None, int | None]


# What words read as, for every Resolver (bounded by _CACHE_LIMIT).
_TTL_WORDS: dict[str, int | None] = {}
_CLASS_WORDS: dict[str, int | None] = {}
_TYPE_WORDS: dict[str, int | None] = {}
_MEANINGS: dict[str, _Meaning] = {"": (None, None, None)}


class _OverBudget(Exception):
    """$INCLUDE brought in more records than Limits.records allows."""


# Bounded, so a file of a million distinct words cannot grow them without end.
_CACHE_LIMIT = 4096
# Pattern strings: re compiles (and caches) them on first use, not at import.
_COMMENT = r";(?:[^\r\n]|\r(?!\n))*"  # to the LF, over a lone CR (BIND)


@cache
def _split_needs_grammar() -> Callable[[str], re.Match[str] | None]:
    # Quotes and escapes; and the characters str.split() splits on but the
    # grammar (like dnspython) does not.
    return re.compile(r'["\\\x0b\x0c\x1c-\x1f]').search


# What str.split() would not split as the grammar does (quotes, escapes,
# and the characters it splits on but the grammar does not), or would keep
# (parentheses). PERF: compiled on first use and kept here, not behind a
# cached function (whose call costs about as much as the search).
_split_as_is: Callable[[str], re.Match[str] | None] | None = None


def _compile_split_as_is() -> Callable[[str], re.Match[str] | None]:
    global _split_as_is
    _split_as_is = re.compile(r'["\\\x0b\x0c\x1c-\x1f()]').search
    return _split_as_is


# The characters str.split() splits on but the grammar does not.
SPLIT_ODD = "\x0b\x0c\x1c\x1d\x1e\x1f"


@cache
def _comments() -> Callable[[str], str]:
    return partial(re.compile(_COMMENT).sub, "")


def split_fields(text: str, start: int, end: int) -> list[str]:
    """The fields of one entry as strings (the fast path of fields_between)."""
    segment = text[start:end]
    # PERF: the usual entry, one line of plain words and maybe a comment to
    # its end, is split at once.
    if segment.isascii() and (_split_as_is or _compile_split_as_is())(segment) is None:
        cut = segment.find(";")
        if cut < 0:
            return segment.split()
        comment = segment[cut:].rstrip("\r\n")
        if "\n" not in comment and "\r" not in comment:
            return segment[:cut].split()
    if _split_needs_grammar()(segment) is not None or not segment.isascii():
        return field_texts(text, start, end)
    if ";" in segment:
        segment = _comments()(segment)
    if "(" in segment or ")" in segment:
        segment = segment.replace("(", " ").replace(")", " ")
    return segment.split()


def rdata_text_of(text: str, start: int, end: int, words: list[str], first: int) -> str:
    """The rdata fields of an entry (from field *first*) as dnspython reads
    them: one space between fields, none where the file writes none. A
    quoted value written against its key (SVCB's alpn="h3,h2") stays joined;
    separated, dnspython and BIND would both refuse it."""
    if not any(word[:1] == '"' for word in words[first:]):
        return " ".join(words[first:])
    parts: list[str] = []
    after = -1
    for field in fields_between(text, start, end)[first:]:
        if parts and field.start != after:
            parts.append(" ")
        parts.append(field.text)
        after = field.start + len(field.text)
    return "".join(parts)


def _name(word: str, origin: Origin | None) -> dns.name.Name:
    """The name *word* means. Without an origin it must be absolute; a
    word that only looks so ("x\\.", an escaped dot) needs one (ZF003)."""
    import dns.name

    name = dns.name.from_text(
        to_dns_text(word), None if origin is None else origin.name
    )
    if not name.is_absolute():
        raise _NeedOrigin
    return name


def unquote(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == '"' else word


class Resolver:
    """Walks a zone's entries in order, keeping BIND's reading state."""

    def __init__(
        self,
        top: Document,
        origin: Origin | None,
        include_root: str | None,
        limits: Limits,
        diagnostics: list[Diagnostic],
        root_is_apex: bool = False,
    ) -> None:
        self.documents = [top]
        #: "$ORIGIN ." means the zone's apex (Cloudflare's export dialect).
        self.root_is_apex = root_is_apex
        self.limits = limits
        self.include_root = include_root
        self.table = RecordTable()
        #: Findings so far (the top file's syntax problems come in here).
        self.diagnostics = diagnostics
        self.zone_origin = origin
        #: Records read before a $ORIGIN made the apex known (none given).
        self.records_before_apex = 0
        #: Records $GENERATE and $INCLUDE may still add (Limits.records).
        self.budget = limits.records
        self.origins: list[Origin | None] = [origin]
        self.origin_id = 0
        self.current_origin = origin
        # The record whose owner blank-owner lines repeat (-1: none yet).
        self.last_owner = -1
        # Facts about that owner (OWNER_APEX, OWNER_OUTSIDE), and about the
        # owner of the line being read.
        self.last_owner_flags = 0
        self._line_flags = 0
        # TTL_WRITTEN / TTL_FROM_LAST / LONG_STRING for the record being read.
        self._ttl_flags = 0
        self._long_string = 0
        #: The record entry being read: its text, start and end.
        self._entry: tuple[str, int, int] = ("", 0, 0)
        self.last_ttl: int | None = None
        self.default_ttl: int | None = None
        self.default_ttl_from_soa = False
        #: What each directive of the top file leaves in force (DirectiveMark).
        self.marks: list[DirectiveMark] = []
        self._included_at = -1
        # PERF: shared by every resolver of the process (what a word reads
        # as depends on the word alone): a run over many small files reads
        # "IN" and "A" once.
        self._ttl_cache = _TTL_WORDS
        self._class_cache = _CLASS_WORDS
        self._type_cache = _TYPE_WORDS
        # What a word reads as (see _meaning); "" stands for no word.
        self._meanings = _MEANINGS
        table = self.table
        self._appends = (
            *(table.document.append, table.entry.append, table.owner_ref.append),
            *(table.ttl.append, table.rdclass.append, table.rdtype.append),
            *(table.origin.append, table.rdata_field.append, table.flags.append),
            *(table.owner_hash.append, table.rdata_hash.append),
        )
        # The targets' columns' appends, and one copy of each key (see
        # RecordTable.target_key).
        self._add_target = table.target_record.append
        self._add_target_key = table.target_key.append
        self._add_relative_target = table.relative_target.append
        self._add_repeating_owner = table.repeating_owner.append
        # Whether the owner _owner read last may repeat the origin.
        self._owner_repeats = False
        self._one_key = cast(dict[str, str], {}).setdefault
        # (word, origin id, owner reference, flags) of the last written owner.
        self._owner_cache: tuple[str, int, int, int] | None = None
        # A record that wrote its owner, and its owner hash (see _add).
        self._hash_ref, self._hash_value = -1, 0
        # The fast path's keys of the current origin and of the zone's apex,
        # and the origins they were worked out for.
        self._keyed_origin: Origin | None = None
        self._origin_key: str | None = None
        self._keyed_apex: Origin | None = None
        self._apex_key: str | None = None
        # What _usual_record reads owners with (see _usual_origin_facts),
        # and the origin and apex it was worked out for.
        self._usual_origin: Origin | None = None
        self._usual_apex: Origin | None = None
        self._usual_facts: tuple[str | None, str, int, str] = (None, "", 0, "")

    # ------------------------------------------------------------ driving

    def run(self, top_real: str | None = None) -> ResolvedZone:
        """Read the zone; *top_real* is the real path of the top file (for
        include cycles)."""
        top = self.documents[0]
        ancestors = (top_real or os.path.realpath(top.path),) if top.path else ()
        try:
            self._read(0, ancestors)
        except _NeedOrigin:
            self.diagnostics = [d for d in self.diagnostics if d.code is SYNTAX_ERROR]
            self.diagnostics.append(
                Diagnostic(
                    UNKNOWN_ORIGIN,
                    "relative names but no origin: give --origin, add $ORIGIN, "
                    "or name the file after the zone (db.example.net)",
                    top.source.name,
                )
            )
        return ResolvedZone(
            documents=self.documents,
            apex=self.zone_origin,
            table=self.table,
            in_force=self.origins,
            diagnostics=self.diagnostics,
            marks=self.marks,
        )

    def state(self) -> ReadState:
        """The state the next entry is read in."""
        return ReadState(
            self.origin_id,
            self.last_owner,
            self.last_owner_flags,
            self._owner_cache,
            self.last_ttl,
            self.default_ttl,
            self.default_ttl_from_soa,
        )

    def resume(self, state: ReadState) -> None:
        """Read on from *state* (its origin id indexes self.origins)."""
        self.origin_id = state.origin_id
        self.current_origin = self.origins[state.origin_id]
        self.last_owner = state.last_owner
        self.last_owner_flags = state.last_owner_flags
        self._owner_cache = state.owner_cache
        self.last_ttl = state.last_ttl
        self.default_ttl = state.default_ttl
        self.default_ttl_from_soa = state.default_ttl_from_soa

    def read_entry(self, doc: int, index: int) -> None:
        """Read entry *index* of document *doc*, as _read reads it in turn
        ($INCLUDE's chain of files aside)."""
        tree = self.documents[doc].tree
        kind = tree.entry_kinds[index]
        if kind == EntryKind.RECORD:
            self._record(doc, tree, index, *tree.span(index))
        elif kind == EntryKind.DIRECTIVE:
            self._directive(doc, tree, index, ())

    def _read(self, doc: int, ancestors: tuple[str, ...]) -> None:
        tree = self.documents[doc].tree
        text = tree.text
        starts = tree.entry_starts
        # PERF: the hot loop of a big zone (a million turns), so its look-ups
        # are bound once: an entry ends where the next starts (ends is one
        # longer than starts, for a file of no entries); the usual line
        # (one line of plain words, as split_fields's first case) is split
        # here; the rest is split_fields's.
        ends = chain(islice(starts, 1, None), (len(text),))
        record_kind, directive_kind = int(EntryKind.RECORD), int(EntryKind.DIRECTIVE)
        # Whether the text holds nothing split_fields's first case leaves to
        # the rest but quotes, escapes and parentheses, which each line is
        # then searched for (PERF: four searches in C, not a regular
        # expression per line).
        plain_text = text.isascii() and not any(c in text for c in SPLIT_ODD)
        usual = self._usual_record
        for index, (kind, start, end) in enumerate(
            zip(tree.entry_kinds, starts, ends, strict=False)
        ):
            if kind == record_kind:
                segment = text[start:end]
                if (
                    plain_text
                    and '"' not in segment
                    and "\\" not in segment
                    and "(" not in segment
                    and ")" not in segment
                ):
                    # Plain words, maybe a comment: split_fields's first case.
                    if ";" not in segment:
                        words = segment.split()
                    else:
                        cut = segment.find(";")
                        comment = segment[cut:].rstrip("\r\n")
                        if "\n" in comment or "\r" in comment:
                            words = split_fields(text, start, end)
                        else:
                            words = segment[:cut].split()
                else:
                    words = split_fields(text, start, end)
                blank_owner = text[start] in LEADING_BLANKS
                if not usual(doc, index, words, blank_owner):
                    self._other_record(doc, tree, index, start, end, words, blank_owner)
            elif kind == directive_kind:
                self._directive(doc, tree, index, ancestors)

    def _report(
        self, code: Code, message: str, doc: int, start: int, end: int | None = None
    ) -> None:
        document = self.documents[doc]
        self.diagnostics.append(
            Diagnostic(
                code,
                printable(message),
                document.source.name,
                start,
                start if end is None else end,
                document.tree.lines,
            )
        )

    def _set_origin(self, origin: Origin) -> None:
        if origin != self.current_origin:
            self.current_origin = origin
            self.origins.append(origin)
            self.origin_id = len(self.origins) - 1

    # ------------------------------------------------------------ records

    def _record(
        self, doc: int, tree: SyntaxTree, index: int, start: int, end: int
    ) -> None:
        text = tree.text
        words = split_fields(text, start, end)
        blank_owner = repeats_owner(text, start)
        if not self._usual_record(doc, index, words, blank_owner):
            self._other_record(doc, tree, index, start, end, words, blank_owner)

    def _other_record(
        self,
        doc: int,
        tree: SyntaxTree,
        index: int,
        start: int,
        end: int,
        words: list[str],
        blank_owner: bool,
    ) -> None:
        """Read a record _usual_record left alone (its *words*), reporting
        what is wrong with it."""
        text = tree.text
        if not blank_owner:
            owner_ref = self._owner(doc, start, words[0])
            if owner_ref is None:
                return
            first = 1
        else:
            if self.last_owner == -1:
                # dnspython would use the origin; BIND refuses ("no owner").
                self._report(
                    SYNTAX_ERROR,
                    "the first record has no owner: a blank owner repeats the "
                    "previous record's, and there is none",
                    doc,
                    start,
                    start + 1,
                )
                return
            owner_ref = self.last_owner
            self._line_flags = self.last_owner_flags
            first = 0
        self._entry = (text, start, end)
        resolved = self._resolve_fields(words, first)
        if not isinstance(resolved, FieldProblem):
            ttl, rdclass, rdtype, rdata_field = resolved
            self._add(
                doc, index, owner_ref, ttl, rdclass, rdtype, rdata_field, words[0]
            )
            return
        self._field_problem(doc, tree, start, end, resolved)
        if owner_ref == -2:
            # The record is broken, but lines after it still inherit its
            # owner, as in BIND and dnspython.
            anchors = self.table.anchors
            anchors.append((doc, index, self.origin_id))
            self.last_owner = -3 - (len(anchors) - 1)
            self.last_owner_flags = self._line_flags
            self._owner_cache = (
                words[0],
                self.origin_id,
                self.last_owner,
                self._line_flags,
            )

    def _usual_record(
        self, doc: int, index: int, words: list[str], blank_owner: bool
    ) -> bool:
        """Add the record *words* make when it has the usual shape, as the
        rest of _record would; when it has not, change nothing and say so.

        The usual shape: an owner the fast path reads, or a blank one; then
        at most a TTL and the class IN, in either order, as words met before;
        then a type the fast path reads, but SOA (which may set the default
        TTL), and rdata it reads; and a TTL that applies. PERF: the checks of
        _owner, _resolve_fields and their helpers, and _add, in one call,
        without the problems they report (nearly every record of a big zone
        comes through here: each call and look-up saved counts a million
        times).
        """
        if (
            self.current_origin is self._usual_origin
            and self.zone_origin is self._usual_apex
        ):
            origin_key, suffix, below, twice = self._usual_facts
        else:
            origin_key, suffix, below, twice = self._usual_origin_facts()
        owner_hash = 0
        if blank_owner:
            owner_ref = self.last_owner
            if owner_ref == -1:
                return False
            line_flags = self.last_owner_flags
            i = 0
        else:
            word = words[0]
            cached = self._owner_cache
            if cached is not None and cached[0] == word and cached[1] == self.origin_id:
                owner_ref, line_flags = cached[2], cached[3]
            else:
                if suffix and (
                    (word.isalnum() and word.isascii() and len(word) < 64)
                    or (plain_name(word) is not None and word[-1] != ".")
                ):
                    # fastpath.name_key and _fast_owner_flags of the usual
                    # owner, a relative name, inlined.
                    owner_key = word.lower() + suffix
                    if len(owner_key) > 254:
                        return False
                    # Whether it may repeat the origin (see repeating_owner).
                    if below < 0:
                        flags = self._fast_owner_flags(owner_key)
                        repeats = "." in word and owner_key.endswith(twice)
                    elif "." in word:
                        flags = below | OWNER_DEEP
                        repeats = owner_key.endswith(twice)
                    else:
                        flags = below
                        repeats = False
                else:
                    other_key = fastpath.name_key(word, origin_key)
                    if other_key is None:
                        return False
                    owner_key = other_key
                    flags = self._fast_owner_flags(owner_key)
                    repeats = False  # absolute, or "@"
                if flags is None:
                    return False
                owner_ref, line_flags = -2, flags
                owner_hash = hash(owner_key)
            i = 1
        # TTL and class in either order, then the type (as _resolve_fields
        # reads them). PERF: one look-up says what a word may be.
        count = len(words)
        meanings = self._meanings
        word = words[i] if i < count else ""
        ttl, rdclass, rdtype = meanings.get(word) or self._meaning(word)
        if ttl is not None:
            i += 1
            word = words[i] if i < count else ""
            _, rdclass, rdtype = meanings.get(word) or self._meaning(word)
        if rdclass is not None:
            if rdclass != IN:
                return False
            i += 1
            word = words[i] if i < count else ""
            later_ttl, _, rdtype = meanings.get(word) or self._meaning(word)
            if ttl is None and later_ttl is not None:
                ttl = later_ttl
                i += 1
                word = words[i] if i < count else ""
                rdtype = (meanings.get(word) or self._meaning(word))[2]
        read_rdata = _USUAL_READERS.get(rdtype)
        if read_rdata is None:
            return False
        assert rdtype is not None
        i += 1
        rdata_key = read_rdata(words, i, origin_key)
        if rdata_key is None:
            return False
        if ttl is not None:
            self.last_ttl = ttl
            ttl_flags = TTL_WRITTEN
        else:
            # _implicit_ttl and _ttl_is_last.
            ttl = self.last_ttl
            if ttl is not None and (
                self.default_ttl is None or self.default_ttl_from_soa
            ):
                ttl_flags = TTL_FROM_LAST
            else:
                ttl = self.default_ttl
                if ttl is None:
                    return False
                ttl_flags = 0

        # What _add does for this record.
        if doc:
            # A record read through $INCLUDE.
            self.budget -= 1
            if self.budget < 0:
                raise _OverBudget
        table = self.table
        record = len(table.flags)
        (
            documents,
            entries,
            owners,
            ttls,
            rdclasses,
            rdtypes,
            origins,
            fields,
            flag_bytes,
            owner_hashes,
            rdata_hashes,
        ) = self._appends
        documents(doc)
        entries(index)
        if owner_ref == -2:
            owners(record)
            self._hash_ref, self._hash_value = record, owner_hash
            if repeats:
                self._add_repeating_owner(record)
            self.last_owner = record
            self._owner_cache = (words[0], self.origin_id, record, line_flags)
        else:
            owners(owner_ref)
            if owner_ref == self._hash_ref:
                owner_hash = self._hash_value
            else:
                owner_hash = table.owner_hash[owner_ref] if owner_ref >= 0 else 0
                self._hash_ref, self._hash_value = owner_ref, owner_hash
            self.last_owner = owner_ref
        owner_hashes(owner_hash)
        rdata_hashes(hash(rdata_key))
        ttls(ttl)
        rdclasses(IN)
        rdtypes(rdtype)
        origins(self.origin_id)
        fields(i if i < 255 else 255)
        flag_bytes(line_flags | ttl_flags)
        self.last_owner_flags = line_flags
        if rdtype in TARGET_TYPES:
            # Its target's key: the rdata's key (NS, CNAME, PTR) or its last
            # part (MX's exchange, SRV's target); its word the entry's last.
            target = rdata_key if type(rdata_key) is str else rdata_key[-1]
            self._add_target(record)
            self._add_target_key(self._one_key(target, target))  # type: ignore[arg-type]
            word = words[-1]
            if word[-1] != "." and "." in word:
                self._add_relative_target(record)
        return True

    def _resolve_fields(
        self, words: list[str], i: int
    ) -> tuple[int, int, int, int] | FieldProblem:
        """TTL, class, type and the index of the first rdata field, from the
        fields after the owner (at *i*); or which field is wrong and why."""
        # TTL and class, in either order (dnspython's Reader._rr_line).
        count = len(words)
        ttl = self._ttl(words[i]) if i < count else None
        if ttl is not None:
            self.last_ttl = ttl
            i += 1
        rdclass = self._class(words[i]) if i < count else None
        if rdclass is not None:
            if rdclass != IN:
                import dns.rdataclass

                text = dns.rdataclass.to_text(dns.rdataclass.RdataClass.make(rdclass))
                return FieldProblem(i, f"class {text} is not the zone's class IN")
            i += 1
        else:
            rdclass = IN
        if ttl is None and i < count:
            ttl = self._ttl(words[i])
            if ttl is not None:
                self.last_ttl = ttl
                i += 1
        if i >= count:
            return FieldProblem(None, "record has no type")
        rdtype = self._type(words[i])
        if rdtype is None:
            word = words[i]
            if word[:1].isdigit():
                return FieldProblem(i, f"bad TTL '{word}'")
            return FieldProblem(i, f"unknown record type '{word}'")
        if rdtype not in fastpath.FAST_TYPES and _meta_or_reserved(rdtype):
            # dnspython parses OPT, ANY, TYPE200 or TYPE0 (reserved) text; BIND
            # refuses them in a zone, and so does RFC 6895.
            return FieldProblem(
                i,
                f"{type_text(rdtype)} is a meta or reserved type "
                "(RFC 6895), not data a zone can hold",
                INVALID_RDATA,
            )
        i += 1

        # The common types in their plain shapes are read without dnspython
        # (which tests/test_fastpath.py holds the fast path to); the rest,
        # and every refusal, are dnspython's.
        key = fastpath.rdata_key(rdtype, words[i:], self._fast_origin())
        self._long_string = 0
        if key is not None:
            minimum = cast(int, key[6]) if rdtype == SOA else None
        else:
            rdata_text = rdata_text_of(*self._entry, words, i)
            rdata = self._rdata(rdclass, rdtype, rdata_text)
            if rdata == "string too long" and rdtype in _TXT_LIKE:
                # ZF112 reports it and splits the string; the record stays.
                rdata = txt_with_long_strings(rdclass, rdtype, rdata_text)
                self._long_string = LONG_STRING
            if isinstance(rdata, str):
                return FieldProblem(
                    i,
                    f"invalid {type_text(rdtype)} rdata "
                    f"'{_shorten(rdata_text)}': {rdata}",
                    INVALID_RDATA,
                    through_last=True,
                )
            minimum = rdata.minimum if rdtype == SOA else None  # type: ignore[attr-defined]

        if minimum is not None and self.default_ttl is None:
            # Before RFC 2308, the SOA minimum was the zone's default TTL.
            self.default_ttl = minimum
            self.default_ttl_from_soa = True
        if ttl is None:
            ttl = self._implicit_ttl()
            if ttl is None:
                return FieldProblem(
                    None, "record has no TTL, and no $TTL or earlier TTL applies"
                )
            self._ttl_flags = TTL_FROM_LAST if self._ttl_is_last() else 0
        else:
            self._ttl_flags = TTL_WRITTEN
        return ttl, rdclass, rdtype, i

    def _add(
        self,
        doc: int,
        index: int,
        owner_ref: int,
        ttl: int,
        rdclass: int,
        rdtype: int,
        rdata_field: int,
        owner_word: str | None,
        owner_hash: int = 0,
        rdata_hash: int = 0,
    ) -> int:
        """Append a record; owner_ref -2 means its owner is its own (whose
        hash is *owner_hash*, 0 where not worked out)."""
        if doc and owner_word is not None:
            # A record read through $INCLUDE ($GENERATE counts its own).
            self.budget -= 1
            if self.budget < 0:
                raise _OverBudget
        record = len(self.table.flags)
        # PERF: the columns' append methods, bound once (0.25 µs a record).
        (
            document,
            entry,
            owner,
            ttls,
            rdclasses,
            rdtypes,
            origin,
            field,
            flags,
            owner_hashes,
            rdata_hashes,
        ) = self._appends
        document(doc)
        entry(index)
        owner(record if owner_ref == -2 else owner_ref)
        if owner_ref == -2:
            self._hash_ref, self._hash_value = record, owner_hash
            if owner_word is not None and self._owner_repeats:
                self._add_repeating_owner(record)
        elif owner_ref == self._hash_ref:
            # A blank or repeated owner: the hash of the record that wrote it
            # (PERF: the last one looked up, kept).
            owner_hash = self._hash_value
        else:
            owner_hash = self.table.owner_hash[owner_ref] if owner_ref >= 0 else 0
            self._hash_ref, self._hash_value = owner_ref, owner_hash
        owner_hashes(owner_hash)
        rdata_hashes(rdata_hash)
        ttls(ttl)
        rdclasses(rdclass)
        rdtypes(rdtype)
        origin(self.origin_id)
        field(rdata_field if rdata_field < 255 else 255)
        flags(self._line_flags | self._ttl_flags | self._long_string)
        self.last_owner_flags = self._line_flags
        if rdtype in TARGET_TYPES:
            self._add_target(record)
            self._add_target_key(None)  # read from its fields when asked
        if owner_ref == -2:
            self.last_owner = record
            self._owner_cache = (
                None
                if owner_word is None
                else (owner_word, self.origin_id, record, self._line_flags)
            )
        else:
            self.last_owner = owner_ref
        return record

    def _owner(self, doc: int, start: int, word: str) -> int | None:
        """Check a written owner: -2 for "the record about to be added"."""
        cached = self._owner_cache
        if cached is not None and cached[0] == word and cached[1] == self.origin_id:
            # The same owner written again on the next line: same name.
            self._line_flags = cached[3]
            return cached[2]
        if self.current_origin is None and (word == "@" or not word.endswith(".")):
            raise _NeedOrigin
        origin_key = self._fast_origin()
        key = fastpath.name_key(word, origin_key)
        # Whether it may repeat the origin (see repeating_owner): a name the
        # fast path does not read may.
        self._owner_repeats = (
            word[-1] != "."
            and "." in word
            and (key is None or key.endswith(_twice(origin_key)))
        )
        flags = None if key is None else self._fast_owner_flags(key)
        if flags is not None:
            self._line_flags = flags
            return -2
        import dns.exception

        try:
            self._line_flags = self._owner_flags(_name(word, self.current_origin))
        except dns.exception.DNSException as error:
            self._report(
                SYNTAX_ERROR,
                f"bad owner name '{word}': {_reason(error)}",
                doc,
                start,
                start + len(word),
            )
            return None
        return -2

    def _owner_flags(self, name: dns.name.Name) -> int:
        """What rules need to know of an owner, worked out while its name is
        at hand rather than rebuilt for every record later."""
        apex = self.zone_origin
        return owner_flags(name, None if apex is None else apex.name)

    def _fast_origin(self) -> str | None:
        """The fast path's key of the origin in force."""
        origin = self.current_origin
        if origin is not self._keyed_origin:
            self._keyed_origin = origin
            self._origin_key = None if origin is None else origin.key
        return self._origin_key

    def _usual_origin_facts(self) -> tuple[str | None, str, int, str]:
        """For _usual_record, what the origin in force and the zone's apex
        say of relative owners: the origin's fast-path key; what a relative
        name's key ends with ("": no key); the _fast_owner_flags of a
        one-label name under it, to which a name of more labels adds
        OWNER_DEEP (-1: each its own, the origin not being at or below the
        apex); and what the key of a name that repeats it ends with."""
        origin_key = self._fast_origin()
        suffix = "" if origin_key is None else "." + origin_key.removeprefix(".")
        apex = self.zone_origin
        below = 0
        if apex is None:
            below = OWNER_DEEP
        else:
            apex_key = apex.key
            if apex_key is None or origin_key is None:
                below = -1
            elif origin_key != apex_key:
                # An origin below the apex makes every name under it deep.
                inside = apex_key == "." or origin_key.endswith("." + apex_key)
                below = OWNER_DEEP if inside else -1
        self._usual_origin, self._usual_apex = self.current_origin, apex
        self._usual_facts = (origin_key, suffix, below, _twice(origin_key))
        return self._usual_facts

    def _fast_owner_flags(self, key: str) -> int | None:
        """_owner_flags of the name whose fast-path key is *key* (None: ask
        _owner_flags, for an apex whose text holds escapes)."""
        apex = self.zone_origin
        if apex is None:
            return OWNER_DEEP
        if apex is not self._keyed_apex:
            self._keyed_apex = apex
            self._apex_key = apex.key
        apex_key = self._apex_key
        if apex_key is None:
            return None
        if key == apex_key:
            return OWNER_APEX
        # Below the apex: its key after a label's dot (every name is below
        # the root).
        if apex_key == ".":
            labels = key[:-1]
        elif key.endswith(apex_key) and key[-len(apex_key) - 1] == ".":
            labels = key[: -len(apex_key) - 1]
        else:
            return OWNER_OUTSIDE
        return OWNER_DEEP if "." in labels else 0

    # Words repeat (IN, A, 1h) on every line: remember what each one is.

    def _meaning(self, word: str) -> _Meaning:
        """What *word* reads as: a TTL, a class, a type (None where not).
        The type of a TTL or a class is not looked up: _usual_record reads
        no further in either case (no type, nor ANY, is usual)."""
        ttl, rdclass = self._ttl(word), self._class(word)
        rdtype = self._type(word) if ttl is None and rdclass is None else None
        meaning = (ttl, rdclass, rdtype)
        if len(self._meanings) < _CACHE_LIMIT:
            self._meanings[word] = meaning
        return meaning

    def _ttl(self, word: str) -> int | None:
        return _cached(self._ttl_cache, word, ttl_or_none)

    def _class(self, word: str) -> int | None:
        return _cached(self._class_cache, word, class_or_none)

    def _type(self, word: str) -> int | None:
        return _cached(self._type_cache, word, type_or_none)

    def _ttl_is_last(self) -> bool:
        """Whether the implicit TTL is the last one written (see below)."""
        return self.last_ttl is not None and (
            self.default_ttl is None or self.default_ttl_from_soa
        )

    def _implicit_ttl(self) -> int | None:
        # $TTL wins; without it the last TTL written; then the SOA minimum
        # (dnspython's rfc2308_ttl mode, which is BIND's behaviour).
        if self.last_ttl is not None and (
            self.default_ttl is None or self.default_ttl_from_soa
        ):
            return self.last_ttl
        return self.default_ttl

    def _rdata(
        self,
        rdclass: int,
        rdtype: int,
        rdata_text: str,
    ) -> dns.rdata.Rdata | str:
        """The rdata, or why dnspython refuses it."""
        import dns.name
        import dns.rdata
        import dns.rdataclass
        import dns.rdatatype

        origin = None if self.current_origin is None else self.current_origin.name
        try:
            rdata = dns.rdata.from_text(
                dns.rdataclass.RdataClass.make(rdclass),
                dns.rdatatype.RdataType.make(rdtype),
                to_dns_text(rdata_text),
                origin,
                relativize=False,
            )
            if rdtype not in _PACKS_WHAT_IT_READS:
                # dnspython reads some values it cannot write (a LOC altitude
                # past 42,849,672.95 m); BIND refuses them as out of range.
                rdata.to_digestable(origin or dns.name.root)
        except Exception as error:  # dnspython raises plain ValueErrors too
            return _reason(error)
        if origin is None:
            try:
                rdata.to_digestable()
            except dns.name.NeedAbsoluteNameOrOrigin:
                raise _NeedOrigin from None
        return rdata

    def _field_problem(
        self, doc: int, tree: SyntaxTree, start: int, end: int, problem: FieldProblem
    ) -> None:
        """Report *problem* at its field of the entry (the entry's start when
        it names none)."""
        fields = fields_between(tree.text, start, end)
        index = problem.field
        if index is None or index >= len(fields):
            where, until = start, (fields[-1].end if fields else start)
        else:
            where = fields[index].start
            until = fields[-1 if problem.through_last else index].end
        self._report(problem.code, problem.message, doc, where, until)

    # ------------------------------------------------------------ directives

    def _directive(
        self, doc: int, tree: SyntaxTree, index: int, ancestors: tuple[str, ...]
    ) -> None:
        self._read_directive(doc, tree, index, ancestors)
        if not doc:
            ttl = None if self.default_ttl_from_soa else self.default_ttl
            mark = DirectiveMark(index, self.origin_id, ttl, self._included_at)
            self.marks.append(mark)

    def _read_directive(
        self, doc: int, tree: SyntaxTree, index: int, ancestors: tuple[str, ...]
    ) -> None:
        start, end = tree.span(index)
        fields = fields_between(tree.text, start, end)
        name = fields[0].text.upper()
        args = fields[1:]
        if name == "$ORIGIN":
            self._origin_directive(doc, fields)
        elif name == "$TTL":
            if len(args) != 1:
                self._arity(doc, fields, "$TTL takes one TTL")
                return
            ttl = self._ttl(args[0].text)
            if ttl is None:
                self._report(
                    SYNTAX_ERROR,
                    f"bad TTL '{args[0].text}' in $TTL",
                    doc,
                    args[0].start,
                    args[0].end,
                )
                return
            self.default_ttl = ttl
            self.default_ttl_from_soa = False
            self._included_at = self._included_at if doc else -1
        elif name == "$INCLUDE":
            self._include(doc, fields, ancestors)
            self._included_at = self._included_at if doc else index
        elif name == "$GENERATE":
            self._generate(doc, index, fields)
        else:
            self._report(
                SYNTAX_ERROR,
                f"unknown directive '{fields[0].text}'",
                doc,
                fields[0].start,
                fields[0].end,
            )

    def _arity(self, doc: int, fields: list[Field], message: str) -> None:
        self._report(SYNTAX_ERROR, message, doc, fields[0].start, fields[-1].end)

    def _name_arg(self, doc: int, arg: Field, what: str) -> Origin | None:
        word = arg.text
        current = self.current_origin
        if current is None and not word.endswith("."):
            raise _NeedOrigin
        plain = plain_argument(word, current)
        if plain is not None:
            return plain
        import dns.exception

        try:
            return argument_origin(word, current)
        except dns.exception.DNSException as error:
            self._report(
                SYNTAX_ERROR,
                f"bad {what} '{arg.text}': {_reason(error)}",
                doc,
                arg.start,
                arg.end,
            )
            return None

    def _origin_directive(self, doc: int, fields: list[Field]) -> None:
        if len(fields) != 2:
            self._arity(doc, fields, "$ORIGIN takes one domain name")
            return
        origin = self._name_arg(doc, fields[1], "origin")
        if origin is None:
            return
        if self.root_is_apex and origin.is_root and self.zone_origin:
            origin = self.zone_origin
        if self.zone_origin is None:
            self.zone_origin = origin
            self.origins[0] = origin
            # Read without an apex: their owners' facts are worked out again
            # once the whole zone is read (zone.py).
            self.records_before_apex = len(self.table.flags)
        self._set_origin(origin)

    def _include(
        self, doc: int, fields: list[Field], ancestors: tuple[str, ...]
    ) -> None:
        if len(fields) not in (2, 3):
            self._arity(
                doc, fields, "$INCLUDE takes a file name and an optional origin"
            )
            return
        target = fields[1]
        new_origin = self.current_origin
        if len(fields) == 3:
            new_origin = self._name_arg(doc, fields[2], "origin")
            if new_origin is None:
                return
        including = self.documents[doc].path
        base = folder_of(including) if including else os.getcwd()
        path = pure_path(os.path.join(base, unquote(target.text)))
        shown_root = self.include_root or base

        def refuse(reason: str) -> None:
            self._report(
                INCLUDE_REFUSED,
                f"$INCLUDE '{unquote(target.text)}' refused: {reason}",
                doc,
                target.start,
                target.end,
            )

        outside = f"outside the include root '{_display(shown_root)}'"
        if not inside(os.path.realpath(path), shown_root):
            # Not opened, so nothing of it is ever printed.
            refuse(outside)
            return
        if len(ancestors) > self.limits.include_depth:
            refuse(f"includes nest deeper than {self.limits.include_depth}")
            return
        if self.budget <= 0:
            refuse(self._over_budget())
            return
        try:
            # Opened once, and the opened file checked: a link swapped since
            # the check above is caught here.
            read = read_file(path, (shown_root,), self.limits.file_size)
        except ReadRefused as error:
            message = error.strerror or "cannot be read"
            if "outside the repository" in message:
                message = outside
            refuse(message)
            return
        except OSError as error:
            refuse((error.strerror or "cannot be read").lower())
            return
        real = read.real
        if real in ancestors:
            chain = " -> ".join(os.path.basename(a) for a in (*ancestors, real))
            refuse(f"include cycle ({chain})")
            return
        try:
            source = decode(path, read.data)
        except NotTextError as error:
            refuse(error.reason)
            return
        del read
        included = load_document(source, path, self.limits, self.diagnostics)
        self.documents.append(included)
        # After the included file, the origin and the owner are the including
        # file's again; TTLs ($TTL, the last TTL written) carry on, as in
        # BIND (dnspython restores those too; BIND is the reference).
        saved = (
            self.current_origin,
            self.origin_id,
            self.last_owner,
            self.last_owner_flags,
            self._owner_cache,
        )
        if new_origin is not None:
            self._set_origin(new_origin)
        try:
            self._read(len(self.documents) - 1, (*ancestors, real))
        except _OverBudget:
            if doc:
                raise  # reported once, at the top file's $INCLUDE
            refuse(self._over_budget())
        (
            self.current_origin,
            self.origin_id,
            self.last_owner,
            self.last_owner_flags,
            self._owner_cache,
        ) = saved

    def _over_budget(self) -> str:
        return (
            f"past the zone's limit of {self.limits.records} records made by "
            "$GENERATE and read through $INCLUDE ([limits] records)"
        )

    def _generate(self, doc: int, index: int, fields: list[Field]) -> None:
        import dns.exception
        import dns.grange

        spec = generate_spec(fields, self._ttl, self._class, self._type)
        if isinstance(spec, FieldProblem):
            where = fields[min(spec.field or 0, len(fields) - 1)]
            self._report(SYNTAX_ERROR, spec.message, doc, where.start, where.end)
            return
        try:
            if "/0" in spec.range.split("-", 1)[-1].lstrip("0123456789"):
                # dns.grange checks the step with an assert, which -O drops.
                raise ValueError("the step must be at least 1")
            first, last, step = dns.grange.from_text(spec.range)
        except (dns.exception.DNSException, ValueError, AssertionError) as error:
            self._report(
                SYNTAX_ERROR,
                f"bad $GENERATE range '{spec.range}': {_reason(error)}",
                doc,
                fields[1].start,
                fields[1].end,
            )
            return
        count = max(0, (last - first) // step + 1)
        if count > self.limits.generate:
            self._report(
                GENERATE_LIMIT,
                f"$GENERATE {spec.range} would make {count} records, over the "
                f"limit of {self.limits.generate}",
                doc,
                fields[1].start,
                fields[1].end,
            )
            return
        if count > self.budget:
            self._report(
                GENERATE_LIMIT,
                f"$GENERATE {spec.range} would make {count} records, "
                + self._over_budget(),
                doc,
                fields[1].start,
                fields[1].end,
            )
            return
        self.budget -= count
        if spec.rdclass != IN:
            self._report(
                SYNTAX_ERROR,
                "$GENERATE class is not the zone's class IN",
                doc,
                fields[0].start,
                fields[-1].end,
            )
            return
        ttl = spec.ttl
        if ttl is not None:
            self.last_ttl = ttl
            self._ttl_flags = TTL_WRITTEN
        else:
            self._ttl_flags = TTL_FROM_LAST if self._ttl_is_last() else 0
            ttl = self._implicit_ttl()
            if ttl is None:
                self._report(
                    SYNTAX_ERROR,
                    "$GENERATE has no TTL, and no $TTL or earlier TTL applies",
                    doc,
                    fields[0].start,
                    fields[-1].end,
                )
                return
        lhs, rhs = fields[2], fields[-1]
        # A blank owner after $GENERATE repeats the owner before it, as in
        # BIND (dnspython would take the last generated name).
        saved_owner = (self.last_owner, self.last_owner_flags, self._owner_cache)
        try:
            self._expand(doc, index, spec, lhs, rhs, range(first, last + 1, step), ttl)
        finally:
            self.last_owner, self.last_owner_flags, self._owner_cache = saved_owner

    def _expand(
        self,
        doc: int,
        index: int,
        spec: GenerateSpec,
        lhs: Field,
        rhs: Field,
        counters: range,
        ttl: int,
    ) -> None:
        import dns.exception

        # PERF: imported with the first $GENERATE.
        from zonefix.bind.generate import GenerateError, substitute

        for counter in counters:
            try:
                owner_text = substitute(unquote(lhs.text), counter)
                rdata_text = substitute(unquote(rhs.text), counter)
                if self.current_origin is None and not owner_text.endswith("."):
                    raise _NeedOrigin
                self._line_flags = self._owner_flags(
                    _name(owner_text, self.current_origin)
                )
            except (GenerateError, dns.exception.DNSException) as error:
                self._report(
                    SYNTAX_ERROR,
                    f"$GENERATE at {counter}: {_reason(error)}",
                    doc,
                    lhs.start,
                    rhs.end,
                )
                return
            rdata = self._rdata(spec.rdclass, spec.rdtype, rdata_text)
            if isinstance(rdata, str):
                self._report(
                    INVALID_RDATA,
                    f"invalid {type_text(spec.rdtype)} rdata from "
                    f"$GENERATE at {counter} ('{rdata_text}'): {rdata}",
                    doc,
                    rhs.start,
                    rhs.end,
                )
                return
            # Its rdata is read whole (above): no long string of the record
            # before it carries over (its flag would make its rdata TXT's).
            self._long_string = 0
            record = self._add(doc, index, -2, ttl, spec.rdclass, spec.rdtype, 0, None)
            self.table.generated[record] = counter


class FieldProblem(Plain):
    """Which field of a line is wrong, and why."""

    _fields = ("field", "message", "code", "through_last")
    __slots__ = _fields
    #: Index among the line's fields (None: the line as a whole).
    field: int | None
    message: str
    code: Code
    #: The finding spans from the field to the end of the line (rdata).
    through_last: bool

    def __init__(
        self,
        field: int | None,
        message: str,
        code: Code = SYNTAX_ERROR,
        through_last: bool = False,
    ) -> None:
        self.field = field
        self.message = message
        self.code = code
        self.through_last = through_last


class GenerateSpec(Plain):
    """A $GENERATE line's parts: range lhs [ttl] [class] type rhs."""

    _fields = ("range", "ttl", "rdclass", "rdtype")
    __slots__ = _fields
    range: str
    ttl: int | None
    rdclass: int
    rdtype: int

    def __init__(self, range: str, ttl: int | None, rdclass: int, rdtype: int) -> None:
        self.range = range
        self.ttl = ttl
        self.rdclass = rdclass
        self.rdtype = rdtype


def txt_with_long_strings(
    rdclass: int, rdtype: int, text: str
) -> dns.rdata.Rdata | str:
    """A TXT-like rdata whose strings over 255 bytes are cut into 255-byte
    pieces, as ZF112's fix writes them; or why dnspython refuses it anyway."""
    import dns.exception
    import dns.rdataclass
    import dns.rdatatype
    import dns.tokenizer
    from dns.rdtypes.ANY.SPF import SPF
    from dns.rdtypes.ANY.TXT import TXT

    try:
        tokenizer = dns.tokenizer.Tokenizer(to_dns_text(text))
        strings: list[bytes] = []
        while True:
            token = tokenizer.get().unescape_to_bytes()
            if token.is_eol_or_eof():
                break
            value = token.value
            assert isinstance(value, bytes)
            strings.extend(
                value[at : at + 255] for at in range(0, len(value) or 1, 255)
            )
        cls = TXT if rdtype == fastpath.TXT else SPF
        return cls(
            dns.rdataclass.RdataClass.make(rdclass),
            dns.rdatatype.RdataType.make(rdtype),
            strings,
        )
    except (dns.exception.DNSException, ValueError) as error:
        return _reason(error)


# What dnspython reads a word as (a class, a type): decided here for the
# words of a plain zone (IN, the types zonefix.rrtypes names), by dnspython
# for the rest (a TTL: bind_facts.ttl_or_none). tests/test_cold_start.py
# holds these to dnspython.
#: dnspython's class mnemonics (RdataClass): a word that is none of these
#: and does not start with CLASS is no class.
CLASS_NAMES = frozenset(
    {"RESERVED0", "IN", "INTERNET", "CH", "CHAOS", "HS", "HESIOD", "NONE", "ANY"}
)


def class_or_none(word: str) -> int | None:
    """*word* as dns.rdataclass.from_text reads it; None where it refuses."""
    upper = word.upper()  # as dnspython compares (even past ASCII)
    if upper == "IN":
        return IN
    if upper not in CLASS_NAMES and not upper.startswith("CLASS"):
        return None
    import dns.exception
    import dns.rdataclass

    try:
        return dns.rdataclass.from_text(word)
    except (dns.exception.DNSException, ValueError):
        return None


def type_or_none(word: str) -> int | None:
    """*word* as dns.rdatatype.from_text reads it; None where it refuses."""
    fast = BY_NAME.get(word.upper())
    if fast is not None:
        return fast
    import dns.exception
    import dns.rdatatype

    try:
        return dns.rdatatype.from_text(word)
    except (dns.exception.DNSException, ValueError):
        return None


def _meta_or_reserved(rdtype: int) -> bool:
    import dns.rdatatype

    return dns.rdatatype.is_metatype(
        dns.rdatatype.RdataType.make(rdtype)
    ) or rdtype == int(dns.rdatatype.NONE)


_T = TypeVar("_T")


def _cached(
    cache: dict[str, _T | None], word: str, read: Callable[[str], _T | None]
) -> _T | None:
    if word in cache:
        return cache[word]
    value = read(word)
    if len(cache) < _CACHE_LIMIT:
        cache[word] = value
    return value


def generate_spec(
    fields: list[Field],
    ttl_of: Callable[[str], int | None] = ttl_or_none,
    class_of: Callable[[str], int | None] = class_or_none,
    type_of: Callable[[str], int | None] = type_or_none,
) -> GenerateSpec | FieldProblem:
    """Read a $GENERATE line, or say which field is wrong and why."""
    if len(fields) < 5:
        return FieldProblem(
            len(fields) - 1, "$GENERATE takes: range lhs [ttl] [class] type rhs"
        )
    i = 3
    ttl = ttl_of(fields[i].text)
    if ttl is not None:
        i += 1
    rdclass = class_of(fields[i].text) if i < len(fields) else None
    if rdclass is not None:
        i += 1
    if i >= len(fields) - 1:
        return FieldProblem(
            len(fields) - 1, "$GENERATE takes: range lhs [ttl] [class] type rhs"
        )
    rdtype = type_of(fields[i].text)
    if rdtype is None:
        return FieldProblem(i, f"unknown record type '{fields[i].text}' in $GENERATE")
    if i + 2 != len(fields):
        return FieldProblem(
            i + 2, "$GENERATE takes one rhs (quote it if it holds spaces)"
        )
    return GenerateSpec(fields[1].text, ttl, rdclass or IN, rdtype)


def reraise_interrupt(error: BaseException) -> None:
    """Raise KeyboardInterrupt when *error* was made from one: dnspython
    turns any exception inside its readers into dns.exception.SyntaxError,
    Ctrl-C included, which would otherwise become a finding."""
    seen = 0
    cause: BaseException | None = error
    while cause is not None and seen < 8:
        if isinstance(cause, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        cause, seen = cause.__cause__ or cause.__context__, seen + 1


def _display(folder: str) -> str:
    """*folder* as a message shows it: relative to the working directory
    when it lies below it (where the user is), else absolute."""
    absolute = os.path.abspath(folder)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reason(error: BaseException) -> str:
    """*error* as the end of a message; an interrupt dnspython wrapped as a
    syntax error (its ExceptionWrapper) is raised again, to stop the run."""
    reraise_interrupt(error)
    import struct  # PERF: a zone read without dnspython (or error) needs none

    if isinstance(error, struct.error | OverflowError):
        return "a value is out of range"
    text = str(error).strip().rstrip(".")
    if not text or text == error.__class__.__name__:
        doc = (error.__class__.__doc__ or "").strip().splitlines()
        text = doc[0].rstrip(".") if doc else error.__class__.__name__
    return text[:1].lower() + text[1:]


def load_document(
    source: SourceFile, path: str | None, limits: Limits, diagnostics: list[Diagnostic]
) -> Document:
    """Parse one file's text, reporting syntax problems as ZF001."""
    long_line = _long_line(source.text, limits.line_length)
    if long_line is not None:
        # Not parsed at all: kept whole, as one error entry.
        tree = SyntaxTree(source.text, array("q", [0]), bytearray([EntryKind.ERROR]))
        line, _ = tree.position(long_line)
        diagnostics.append(
            Diagnostic(
                SYNTAX_ERROR,
                f"line {line} is longer than {limits.line_length} characters; "
                "the file is not read",
                source.name,
                long_line,
                long_line,
                tree.lines,
            )
        )
        return Document(source, tree, path)
    tree, problems = parse_syntax(source.text)
    for problem in problems:
        # The offending character (never a line break: the grammar takes
        # one anywhere).
        at = problem.offset
        diagnostics.append(
            Diagnostic(
                SYNTAX_ERROR, problem.message, source.name, at, at + 1, tree.lines
            )
        )
    return Document(source, tree, path)


def _long_line(text: str, limit: int) -> int | None:
    """Offset of the first line longer than *limit*, if any.

    PERF: not every line is looked at. After the line around offset *at*,
    the next looked at is the one around *at* + *limit* (or the line after,
    if further): a longer line cannot fit between two of those, so none is
    missed, and they are met in order. A million-line zone (1 MiB lines)
    costs some forty searches, not a million.
    """
    size = len(text)
    if size <= limit:
        return None
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        # A lone CR ends a line too (the grammar's NEWLINE). PERF: rare, and
        # only then the lines split apart (at every CR: a CRLF line counts
        # one character less).
        lines = text.replace("\r", "\n").split("\n")
        if max(map(len, lines)) <= limit:
            return None
        start = 0
        for line in lines:
            if len(line) > limit:
                return start
            start += len(line) + 1  # and its line break
        return None
    at = 0
    while at < size:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            end = size
        if end - start > limit:
            return start
        at = max(at + limit, end + 1)
    return None
