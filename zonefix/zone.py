"""The public objects: a parsed Zone and its Records (SPEC §9)."""

from __future__ import annotations

import os
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, overload

from zonefix.bind.facts import NeedOrigin, repeats_owner
from zonefix.bind.fastpath import build_rdata
from zonefix.bind.resolver import (
    LONG_STRING,
    Document,
    GenerateSpec,
    Limits,
    RecordTable,
    ResolvedZone,
    Resolver,
    generate_spec,
    load_document,
    rdata_text_of,
    split_fields,
    to_dns_text,
    txt_with_long_strings,
    unquote,
)
from zonefix.bind.syntax.nodes import (
    EntryKind,
    Field,
    SyntaxTree,
    fields_between,
    last_field_end,
)
from zonefix.diagnostics import SYNTAX_ERROR, Code, Diagnostic, Fix
from zonefix.origin import Origin, argument_origin, read_name
from zonefix.reading import PathText, name_of, pure_path
from zonefix.rrtypes import IN
from zonefix.settings import MailSettings
from zonefix.source import BOM, NotTextError, SourceFile, decode

if TYPE_CHECKING:
    # PERF: dnspython is imported where a name or rdata is built, so that a
    # zone whose records all take the fast path is linted without it.
    import dns.name
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    from zonefix.bind.edits import TxtLayout
    from zonefix.carried import Carried
    from zonefix.diagnostics import Edit
    from zonefix.document import Capabilities, RecordEdit
    from zonefix.index import ZoneIndex
    from zonefix.record_edits import NewRecord


class Record(NamedTuple):
    """One resource record, with its meaning and where it is written."""

    #: Absolute owner name.
    owner: dns.name.Name
    ttl: int
    rdclass: dns.rdataclass.RdataClass
    rdtype: dns.rdatatype.RdataType
    rdata: dns.rdata.Rdata
    #: 1-based line and column where the record starts.
    line: int
    column: int
    #: The file that holds it (an $INCLUDE'd file names itself).
    file: str
    #: The record comes from a $GENERATE line (line and column are the line's).
    generated: bool = False


class RecordList(Sequence[Record]):
    """A zone's records in file order, built one at a time when asked for.

    A Record holds dnspython objects worth a few hundred bytes; a list of a
    million of them is what makes loading a big zone slow and heavy. The
    resolver keeps compact arrays instead, and this view rebuilds each Record
    from the text on access.
    """

    def __init__(self, resolved: ResolvedZone) -> None:
        self._resolved = resolved

    def __len__(self) -> int:
        return len(self._resolved.table)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self._build(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("record index out of range")
        return self._build(index)

    def __iter__(self) -> Iterator[Record]:
        for index in range(len(self)):
            yield self._build(index)

    def _build(self, index: int) -> Record:
        resolved = self._resolved
        table = resolved.table
        document = resolved.documents[table.document[index]]
        line, column = document.tree.position(document.tree.span(table.entry[index])[0])
        rdata = self.rdata(index)
        return Record(
            owner=self.owner(index),
            ttl=table.ttl[index],
            rdclass=rdata.rdclass,
            rdtype=rdata.rdtype,
            rdata=rdata,
            line=line,
            column=column,
            file=document.source.name,
            generated=index in table.generated,
        )

    def rdata(self, index: int) -> dns.rdata.Rdata:
        """The rdata of record *index*, read again from its text."""
        resolved = self._resolved
        table = resolved.table
        tree = resolved.documents[table.document[index]].tree
        start, end = tree.span(table.entry[index])
        counter = table.generated.get(index)
        origin = _name_of(resolved.in_force[table.origin[index]])
        long_string = table.flags[index] & LONG_STRING
        if counter is None:
            first = table.rdata_field[index]
            words = split_fields(tree.text, start, end)
            if not long_string and table.rdclass[index] == IN:
                # The common types are built without dnspython's text parser.
                built = build_rdata(table.rdtype[index], words[first:], origin)
                if built is not None:
                    return built
            rdata_text = rdata_text_of(tree.text, start, end, words, first)
        else:
            rdata_text = _generated_texts(tree, start, end, counter)[1]
        import dns.rdata
        import dns.rdataclass
        import dns.rdatatype

        rdclass = dns.rdataclass.RdataClass(table.rdclass[index])
        rdtype = dns.rdatatype.RdataType(table.rdtype[index])
        if long_string:
            rdata = txt_with_long_strings(rdclass, rdtype, rdata_text)
            assert not isinstance(rdata, str)
            return rdata
        return dns.rdata.from_text(
            rdclass, rdtype, to_dns_text(rdata_text), origin, relativize=False
        )

    def origin(self, index: int) -> dns.name.Name | None:
        """The $ORIGIN in force where record *index* is written."""
        resolved = self._resolved
        return _name_of(resolved.in_force[resolved.table.origin[index]])

    def owner(self, index: int) -> dns.name.Name:
        """The absolute owner name of record *index*."""
        import dns.name

        resolved = self._resolved
        table = resolved.table
        ref = table.owner_ref[index]
        if ref < 0:
            doc, entry, origin_id = table.anchors[-3 - ref]
            tree = resolved.documents[doc].tree
            word = split_fields(tree.text, *tree.span(entry))[0]
            origin = _name_of(resolved.in_force[origin_id])
            return dns.name.from_text(to_dns_text(word), origin)
        tree = resolved.documents[table.document[ref]].tree
        start, end = tree.span(table.entry[ref])
        counter = table.generated.get(ref)
        if counter is None:
            word = split_fields(tree.text, start, end)[0]
        else:
            word = _generated_texts(tree, start, end, counter)[0]
        return dns.name.from_text(
            to_dns_text(word), _name_of(resolved.in_force[table.origin[ref]])
        )


def _owner_facts_again(resolved: ResolvedZone, count: int) -> None:
    """The owner facts (OWNER_BITS) of the first *count* records, read
    before a later $ORIGIN made the zone's apex known, worked out again
    under that apex (they were worked out without one)."""
    import dns.exception

    from zonefix.bind.resolver import OWNER_BITS, owner_flags

    assert resolved.apex is not None
    apex = resolved.apex.name
    records = RecordList(resolved)
    flags = resolved.table.flags
    for i in range(count):
        try:
            owner = records.owner(i)
        except dns.exception.DNSException:
            continue  # as read: its owner cannot be named again
        flags[i] = (flags[i] & ~OWNER_BITS) | owner_flags(owner, apex)


def _name_of(origin: Origin | None) -> dns.name.Name | None:
    return None if origin is None else origin.name


def _generated_texts(
    tree: SyntaxTree, start: int, end: int, counter: int
) -> tuple[str, str]:
    from zonefix.bind.generate import substitute

    fields = fields_between(tree.text, start, end)
    assert isinstance(generate_spec(fields), GenerateSpec)
    return (
        substitute(unquote(fields[2].text), counter),
        substitute(unquote(fields[-1].text), counter),
    )


class Zone:
    """A parsed zone file: its syntax tree, its records and its findings."""

    def __init__(self, resolved: ResolvedZone) -> None:
        self._resolved = resolved
        self.records = RecordList(resolved)
        #: Kept for callers of the API that set it: the mail settings
        #: zonefix.check and fixer.fix use when given no config or settings.
        #: Nothing in zonefix sets or reads it otherwise (settings travel
        #: with each run, in the rules' RuleContext).
        self.mail_settings: MailSettings = MailSettings()
        #: Where $INCLUDE could read (the same for the zone a fix gives).
        self.include_root: str | None = None
        #: "$ORIGIN ." means the zone's apex (a Cloudflare export), as the
        #: resolver read it; edits that write names read it the same way.
        self.root_is_apex = False
        #: The origin was given (--origin, configuration, the caller), not
        #: found in the file: a fix cannot move it.
        self.origin_given = False
        self._fields: tuple[int, list[Field]] | None = None
        #: What the format the zone was written in can hold, where it is not
        #: a BIND file (zonefix.formats reads the others into BIND text).
        self.format_capabilities: Capabilities | None = None
        #: Per record index: format facts beyond DNS (SourceRecord.extras),
        #: set by the reader of a format that has them.
        self.record_extras: dict[int, Mapping[str, object]] = {}
        #: The origin the resolver started from, and the limits it read
        #: under (parse_text, parse_file): what zonefix.bind.reread needs to read
        #: the zone again after edits as they would. None: read otherwise.
        self.read_origin: Origin | None = None
        self.read_limits: Limits | None = None
        #: The path find_origin was given when it found read_origin (the
        #: origin was not given): the fixer asks again only for another.
        self.origin_found_for: str | None = None
        #: Read again after a fix's edits (zonefix.bind.reread): what its
        #: index may take over from the zone it was read from.
        self.carried: Carried | None = None

    @property
    def document(self) -> Document:
        """The top file."""
        return self._resolved.documents[0]

    def document_of(self, index: int) -> Document:
        """The file record *index* is written in."""
        return self._resolved.documents[self._resolved.table.document[index]]

    def fields_of(self, index: int) -> list[Field]:
        """Record *index*'s fields as written in its file, with their
        offsets there (a $GENERATE record: the directive's)."""
        cached = self._fields
        if cached is not None and cached[0] == index:
            return list(cached[1])
        tree = self.document_of(index).tree
        fields = fields_between(
            tree.text, *tree.span(self._resolved.table.entry[index])
        )
        # One record kept: rules ask for the same record's fields once per
        # SPF term, and lexing a long record each time is quadratic.
        self._fields = (index, fields)
        return list(fields)

    @property
    def includes(self) -> list[Document]:
        """Files read through $INCLUDE, in the order they were read."""
        return self._resolved.documents[1:]

    @property
    def source(self) -> SourceFile:
        return self.document.source

    @property
    def tree(self) -> SyntaxTree:
        return self.document.tree

    @property
    def filename(self) -> str:
        return self.document.source.name

    @cached_property
    def dialect(self) -> str:
        """How the file is written: "bind", or "cloudflare" for Cloudflare's
        BIND export (a provider's record list: its SOA and NS are the
        provider's, not the file's)."""
        return "cloudflare" if _cloudflare_origin(self.source.text) else "bind"

    @property
    def origin(self) -> dns.name.Name | None:
        """The zone's apex, as SPEC §2 determines it (None: unknown)."""
        return self._resolved.origin

    @property
    def origin_text(self) -> str | None:
        """The apex as its Name prints (``str(zone.origin)``), read without
        dnspython where it is a plain name."""
        apex = self._resolved.apex
        return None if apex is None else apex.text

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Findings raised while reading (ZF001-ZF005), in file order."""
        return sorted(self._resolved.diagnostics, key=lambda d: d.sort_key)

    @cached_property
    def index(self) -> ZoneIndex:
        """Owner names and rdata for rules that compare records."""
        from zonefix.index import ZoneIndex

        return ZoneIndex(self)

    @property
    def capabilities(self) -> Capabilities:
        if self.format_capabilities is not None:
            return self.format_capabilities
        return self._bind_capabilities

    @cached_property
    def _bind_capabilities(self) -> Capabilities:
        """What the zone's format can hold: a BIND file its SOA and NS and
        anything else; Cloudflare's export leaves SOA and NS to Cloudflare
        (it writes placeholders) and writes TTL 1 for "automatic"."""
        from zonefix.document import Capabilities

        if self.dialect == "cloudflare":
            return Capabilities(
                "cloudflare",
                has_soa_ns=False,
                automatic_ttls=frozenset({1}),
                includes=True,
                cname_flattening=True,
                serial=False,
            )
        return Capabilities("bind", includes=True)

    @property
    def table(self) -> RecordTable:
        """The records as compact arrays (types, TTLs, owner facts), for rules
        that look at every record without building each one."""
        return self._resolved.table

    def finding_at_record(
        self, code: Code, message: str, index: int | None, fix: Fix | None = None
    ) -> Diagnostic:
        """A finding at record *index* (at line 1 of the zone for None): from
        the start of its line to the end of its last field."""
        if index is None:
            return Diagnostic(code, message, self.filename)
        return self.finding_at_span(code, message, index, self.record_span(index), fix)

    def record_span(self, index: int) -> tuple[int, int]:
        """Where record *index* is written in its file: from the start of
        its entry to the end of its last field (comments left out)."""
        tree = self.document_of(index).tree
        start, end = tree.span(self.table.entry[index])
        return start, last_field_end(tree.text, start, end)

    def lower(
        self,
        edits: Sequence[RecordEdit],
        layouts: Mapping[int, TxtLayout] | None = None,
    ) -> tuple[Edit, ...]:
        """Text edits of the zone's top file that make *edits* (one fix's),
        in the file's style, touching nothing they do not name; CannotEdit
        where the file cannot take them. *layouts*: TXT records' layouts
        already read, by record (a fix editing many terms of one record
        reads it once)."""
        from zonefix.bind.edits import lower

        return lower(self, edits, layouts)

    def editable(self, index: int) -> bool:
        """Whether a fix may edit record *index* where it is written (not
        in an included file, nor made by $GENERATE)."""
        from zonefix.bind.facts import editable

        return editable(self, index)

    def txt_layout(self, index: int) -> TxtLayout:
        """How TXT record *index*'s value lies in its strings: the span in
        the file of a part of the value, and its edits."""
        from zonefix.bind.edits import TxtLayout

        return TxtLayout(self, index)

    def field_replaced(
        self, index: int, position: int, text: str
    ) -> tuple[tuple[Edit, ...], tuple[RecordEdit, ...]] | None:
        """The text edit that writes *text* over rdata field *position* of
        record *index*, with the record edit it makes where lowering that
        gives the same (bind.edits.field_replaced); None where no plain
        edit can."""
        from zonefix.bind.edits import field_replaced

        return field_replaced(self, index, position, text)

    def inserted_as_written(self, records: Sequence[NewRecord]) -> tuple[Edit, ...]:
        """Text edits adding *records* (one owner and type) with their words
        written as they are, in the file's style: for words no record can
        have, so that the fixer names the fix when it refuses what it would
        write. CannotEdit where the file cannot take them."""
        from zonefix.bind.edits import insert_records

        return insert_records(self, records)

    def long_strings_split(self, index: int) -> tuple[Edit, ...]:
        """Text edits cutting record *index*'s strings of over 255 bytes at
        255 bytes, as the text alone says them."""
        from zonefix.bind.edits import split_long_strings

        return split_long_strings(self, index)

    # What the mail view reads of every TXT and MX record (PERF: BIND's
    # answers from the entries' text, zonefix.bind.mail_texts; imported on
    # first use, as the mail rules are).

    def txt_reads(
        self, records: Sequence[int], known: Mapping[int, str]
    ) -> Iterator[tuple[int, str | None]]:
        """Each TXT record of *records* the mail view must read (those
        whose owner and value surely hold no ``_dmarc``, ``_domainkey``,
        ``pf1`` or ``dmarc1`` left out), with its value where it is in
        *known* or plainly written, else None."""
        from zonefix.bind.mail_texts import txt_reads

        return txt_reads(self, records, known)

    def txt_joined(self, index: int) -> str:
        """TXT record *index*'s strings joined, as SPF, DMARC and DKIM read
        them, read again at each call (the mail view keeps them:
        MailView.txt_value)."""
        from zonefix.bind.mail_texts import txt_value

        return txt_value(self, index)

    def mx_preference_words(self, records: Sequence[int]) -> list[str]:
        """Each of MX *records*' preference as written ("" where it has
        none)."""
        from zonefix.bind.mail_texts import mx_preference_words

        return mx_preference_words(self, records)

    def written_rdata_field(self, index: int, position: int) -> Field | None:
        """Rdata field *position* of record *index* as written, with its
        offsets in its file (-1: its type); None for a record $GENERATE
        made, or where the record has no such field."""
        if index in self._resolved.table.generated:
            return None
        fields = self.fields_of(index)
        at = self._resolved.table.rdata_field[index] + position
        return fields[at] if at < len(fields) else None

    def written_owner(self, index: int) -> str | None:
        """Record *index*'s owner as its file writes it ("@" for the origin,
        a name relative to it, or absolute); None where its line writes no
        owner (a blank owner repeating the one before, a record $GENERATE
        made)."""
        from zonefix.bind.facts import record_repeats_owner

        if index in self._resolved.table.generated or record_repeats_owner(self, index):
            return None
        return self.index.first_word(index)

    def findings_at_records(
        self, found: Iterable[tuple[Code, str, int | None, Fix | None]]
    ) -> Iterator[Diagnostic]:
        """finding_at_record of each (code, message, record, fix) of
        *found*, in order. PERF: a record of the top file is placed with
        that file's tree and text bound once (a mail rule may report
        thousands of domains), not looked up again for each finding; each
        is made as it is asked for (no list of them, nor of what they say,
        beside the caller's)."""
        document = self._resolved.documents[0]
        tree = document.tree
        text, starts, lines = tree.text, tree.entry_starts, tree.lines
        name = document.source.name
        table = self._resolved.table
        files, entries = table.document, table.entry
        last = len(starts) - 1
        new = tuple.__new__
        for code, message, index, fix in found:
            if index is None or files[index]:
                yield self.finding_at_record(code, message, index, fix)
                continue
            entry = entries[index]
            start = starts[entry]
            end = starts[entry + 1] if entry < last else len(text)
            segment = text[start:end]
            if '"' in segment or "\\" in segment or ";" in segment:
                stop = last_field_end(text, start, end)
            else:
                # PERF: last_field_end's answer for an entry of plain words
                # alone (an MX line: ZF204's), with no call: where the last
                # such character is.
                stop = start + len(segment.rstrip(" \t\r\n()"))
            # PERF: made as Diagnostic(...) makes it, with no call of its
            # __new__ (written in Python by NamedTuple) for each.
            yield new(
                Diagnostic,
                (
                    code,
                    message,
                    name,
                    start,
                    stop,
                    lines,
                    fix,
                ),
            )

    def finding_at_span(
        self,
        code: Code,
        message: str,
        index: int,
        span: tuple[int, int] | None,
        fix: Fix | None = None,
    ) -> Diagnostic:
        """A finding at *span* (offsets in record *index*'s file), or at the
        whole record where the span is not known."""
        if span is None:
            return self.finding_at_record(code, message, index, fix)
        document = self.document_of(index)
        name = document.source.name
        return Diagnostic(code, message, name, *span, document.tree.lines, fix)

    @property
    def parsed(self) -> bool:
        """True when the top file has no ZF001: only such a file may be written."""
        name = self.document.source.name
        return not any(
            d.code is SYNTAX_ERROR and d.file == name
            for d in self._resolved.diagnostics
        )

    def to_text(self) -> str:
        """The file's text as read (BOM included): the tree printed back."""
        source = self.document.source
        if source.raw is not None:
            return source.raw.decode("utf-8", "surrogateescape")
        text = self.document.tree.to_text()
        return BOM + text if source.bom else text

    def to_bytes(self) -> bytes:
        """The file's bytes as read."""
        source = self.document.source
        if source.raw is not None:
            return source.raw
        return source.encode(self.document.tree.to_text())


class ZoneFileError(OSError):
    """The file cannot be read at all (missing, unreadable, a directory)."""


def parse_text(
    text: str | bytes,
    origin: str | dns.name.Name | None = None,
    filename: str | None = None,
    *,
    include_root: PathText | None = None,
    limits: Limits | None = None,
) -> Zone:
    """Parse a zone from its text (or bytes).

    *filename* names the zone in findings, may tell its origin (SPEC §2), and
    locates relative $INCLUDEs (when it is a real path). $INCLUDE reads only
    inside *include_root*: by default the repository (see parse_file) of
    *filename*, or of the working directory.
    """
    name = filename or "<text>"
    data = [text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text]
    path = pure_path(filename) if filename else None
    root = _root(include_root, path or os.path.join(os.getcwd(), "-"))
    return _parse(name, data, path, origin, root, limits or Limits())


def parse_file(
    path: PathText,
    origin: str | dns.name.Name | None = None,
    *,
    include_root: PathText | None = None,
    limits: Limits | None = None,
) -> Zone:
    """Read and parse a zone file; ZoneFileError when it cannot be read.

    The file and what it $INCLUDEs are read only inside the repository: the
    folder of the nearest configuration file, else the git work tree
    (a folder holding `.git`), else the file's own folder; *include_root*
    names another folder for $INCLUDE (and for the file itself). A file is
    opened once and checked as opened: a regular file (never a FIFO or a
    device), inside those folders, under the size limit.
    """
    from zonefix.reading import ReadRefused, folder_of, git_work_tree, read_file

    path = pure_path(path)
    limits = limits or Limits()
    root = _root(include_root, path)
    # The file itself may lie anywhere in its repository, whatever the
    # include root (a configuration may narrow that to zones/inc).
    folder = folder_of(path)
    allowed = [git_work_tree(folder) or folder, root]
    if include_root is not None:
        allowed.append(_root(None, path))
    try:
        read = read_file(path, allowed, limits.file_size)
    except ReadRefused as error:
        raise ZoneFileError(0, error.strerror, path) from None
    except OSError as error:
        raise ZoneFileError(error.errno, error.strerror, path) from None
    return _parse(path, [read.data], path, origin, root, limits, read.real)


def _root(include_root: PathText | None, path: str) -> str:
    if include_root is not None:
        return pure_path(include_root)
    from zonefix.reading import default_include_root

    return default_include_root(path)


def _parse(
    name: str,
    holder: list[bytes],
    path: str | None,
    origin: str | dns.name.Name | None,
    include_root: str,
    limits: Limits,
    real: str | None = None,
) -> Zone:
    """*holder* holds the file's bytes and gives them up once decoded, so a
    big zone is not kept twice (as bytes and as text) while it is read."""
    diagnostics: list[Diagnostic] = []
    data = holder.pop()
    try:
        source = decode(name, data)
    except NotTextError as error:
        # Not parsed at all; the bytes are kept so the zone prints them back.
        source = SourceFile(name=name, text="", raw=data)
        document = Document(source, SyntaxTree("", array("q"), bytearray()), path)
        diagnostics.append(Diagnostic(SYNTAX_ERROR, error.reason, name))
        zone = Zone(ResolvedZone([document], None, RecordTable(), [None], diagnostics))
        zone.include_root = include_root
        return zone
    del data
    document = load_document(source, path, limits, diagnostics)
    given = origin is not None
    apex: Origin | None
    if isinstance(origin, str):
        apex = _given_origin(origin)
    elif origin is not None:
        apex = Origin.of(origin)
    else:
        apex = find_origin(document.tree, path)
    # A Cloudflare export writes "$ORIGIN ." and means its domain by "@".
    root_is_apex = _cloudflare_origin(source.text) is not None
    resolver = Resolver(document, apex, include_root, limits, diagnostics, root_is_apex)
    resolved = resolver.run(real)
    if resolver.records_before_apex and resolved.apex is not None:
        _owner_facts_again(resolved, resolver.records_before_apex)
    zone = Zone(resolved)
    zone.include_root = include_root
    zone.read_origin = apex
    zone.read_limits = limits
    zone.root_is_apex = root_is_apex
    zone.origin_given = given
    if not given and path is not None:
        zone.origin_found_for = path
    if root_is_apex:
        # Cloudflare's export says in a comment which records it proxies.
        from zonefix.bind.cloudflare import proxied_records

        zone.record_extras = {
            i: {"cloudflare_proxied": True} for i in proxied_records(zone)
        }
    return zone


# ------------------------------------------------------------------ origin

_ZONE_FILE_NAME = r"(?i)^(?:db\.(?P<a>.+)|(?P<b>.+)\.(?:zone|db)|(?P<c>.+))$"


_ROOT = Origin(".")


def _given_origin(text: str) -> Origin:
    """An origin given as text, as ``dns.name.from_text`` reads it (relative
    to the root)."""
    plain = read_name(text, _ROOT)
    if plain is not None:
        return plain
    import dns.name

    return Origin.of(dns.name.from_text(text))


def find_origin(tree: SyntaxTree, path: str | None) -> Origin | None:
    """The origin a file states (SPEC §2): the owner of the file's only SOA,
    when that is not the root; else a ``$ORIGIN`` before the first record,
    other than ``$ORIGIN .``; else the file's name when it ends in a real
    top-level domain. A Cloudflare export names its domain in its header."""
    # A guess made before reading, which needs the origin it finds (the
    # apex of each owner, ZF003 for a relative name without one): not the
    # resolver's walk, but each $ORIGIN read as the resolver reads it
    # (_origin_directive). It looks only at the directives and SOA lines.
    exported = _cloudflare_origin(tree.text)
    if exported is not None:
        return exported
    kinds = tree.entry_kinds
    text = tree.text
    current: Origin | None = None  # the $ORIGIN in force
    before_records: Origin | None = None
    first_record = kinds.find(EntryKind.RECORD)
    soa_owners: list[Origin | None] = []
    for index in _origin_entries(tree):
        if kinds[index] == EntryKind.DIRECTIVE:
            fields = tree.fields(index)
            if fields[0].text.upper() == "$ORIGIN":
                # One refused (ZF001) leaves the origin before it, as in reading.
                current = _origin_directive(fields, current) or current
                if (
                    not 0 <= first_record < index
                    and before_records is None
                    and current is not None
                    and not current.is_root
                ):
                    before_records = current
            continue
        start, end = tree.span(index)
        if "SOA" not in text[start:end].upper():
            continue
        words = split_fields(text, start, end)
        blank = repeats_owner(text, start)
        # owner [ttl] [class] SOA: the type is among the next three words.
        types = words[:3] if blank else words[1:4]
        if not any(w.upper() == "SOA" for w in types):
            continue
        word = _owner_before(tree, index) if blank else words[0]
        soa_owners.append(None if word is None else _name(word, current))
        if len(soa_owners) > 1:
            break  # two SOAs: the SOA names no origin
    if len(soa_owners) == 1:
        owner = soa_owners[0]
        if owner is not None and not owner.is_root:
            return owner
    if before_records is not None:
        return before_records
    return _origin_from_filename(name_of(path)) if path else None


def _origin_entries(tree: SyntaxTree) -> list[int]:
    """The entries find_origin reads, in order: the directives, and the
    records whose text may name the type SOA (all of them, in a file that is
    not ASCII). PERF: found by searches in C rather than a look at every
    entry: 1.2 s -> 0.1 s at 1M records."""
    kinds = tree.entry_kinds
    text = tree.text
    directives = [m.start() for m in re.finditer(bytes([EntryKind.DIRECTIVE]), kinds)]
    if text.isascii():
        # Upper-casing keeps offsets; a megabyte at a time keeps memory.
        found = set()
        step = 1 << 20
        for at in range(0, len(text), step):
            chunk = text[at : at + step + 2].upper()
            offset = chunk.find("SOA")
            while 0 <= offset < step:
                found.add(bisect_right(tree.entry_starts, at + offset) - 1)
                offset = chunk.find("SOA", offset + 1)
        records = [i for i in found if kinds[i] == EntryKind.RECORD]
    else:
        records = [i for i, kind in enumerate(kinds) if kind == EntryKind.RECORD]
    return sorted(directives + records)


def _owner_before(tree: SyntaxTree, index: int) -> str | None:
    """The owner a blank-owner line at entry *index* repeats."""
    text = tree.text
    for earlier in range(index - 1, -1, -1):
        if tree.entry_kinds[earlier] != EntryKind.RECORD:
            continue
        start, end = tree.span(earlier)
        if not repeats_owner(text, start):
            return split_fields(text, start, end)[0]
    return None


def _origin_directive(fields: list[Field], current: Origin | None) -> Origin | None:
    """The origin a ``$ORIGIN`` line of *fields* sets, read as the resolver
    reads it (origin.argument_origin); None where reading refuses it (ZF001
    or ZF003) and the origin before it stays in force."""
    if len(fields) != 2:
        return None
    try:
        return argument_origin(fields[1].text, current)
    except NeedOrigin:
        return None
    except Exception as error:
        import dns.exception  # PERF: only for a name that is not plain

        if isinstance(error, dns.exception.DNSException):
            return None
        raise


def _name(word: str, origin: Origin | None) -> Origin | None:
    """*word* as a name, relative to *origin*; None where it means nothing
    (a relative name without an origin, a bad name)."""
    if word == "@":
        return origin
    if origin is None and not (word.endswith(".") and not word.endswith("\\.")):
        return None
    plain = read_name(word, origin)
    if plain is not None:
        return plain
    import dns.exception
    import dns.name

    try:
        return Origin.of(dns.name.from_text(to_dns_text(word), _name_of(origin)))
    except dns.exception.DNSException:
        return None


# PERF: compiled (and cached by re) only for a file that starts with ";;".
_CLOUDFLARE_HEADER = (
    r"\A(?:;;[^\n]*\n)*?;; Domain:[ \t]+(?P<domain>[^\s;]+)[ \t]*\r?\n"
    r"(?:;;[^\n]*\n)*?;; Exported:"
)


def cloudflare_domain(text: str) -> dns.name.Name | None:
    """The domain a Cloudflare export names in its header (``;; Domain:``
    and ``;; Exported:`` among the first comment lines), if the file is one.
    Cloudflare writes ``$ORIGIN .`` and then ``@`` for that domain."""
    return _name_of(_cloudflare_origin(text))


def _cloudflare_origin(text: str) -> Origin | None:
    head = text[:4096].lstrip("\ufeff")
    if not head.startswith(";;"):
        return None
    match = re.match(_CLOUDFLARE_HEADER, head)
    if match is None:
        return None
    return _name(match.group("domain").rstrip(".") + ".", None)


def origin_from_filename(filename: str) -> dns.name.Name | None:
    """``db.example.net``, ``example.net.zone``, ``example.net.db`` or
    ``example.net`` name the zone example.net, when it ends in a real TLD."""
    return _name_of(_origin_from_filename(filename))


def _origin_from_filename(filename: str) -> Origin | None:
    match = re.match(_ZONE_FILE_NAME, filename)
    if match is None:
        return None
    candidate = (match.group("a") or match.group("b") or match.group("c")).rstrip(".")
    if "." not in candidate or not is_real_tld(candidate.rsplit(".", 1)[1]):
        return None
    plain = read_name(candidate + ".", None)
    if plain is not None:
        return plain
    import dns.exception
    import dns.name

    try:
        return Origin.of(dns.name.from_text(candidate + "."))
    except dns.exception.DNSException:
        return None


def is_real_tld(label: str) -> bool:
    """True for a delegated top-level domain (the Public Suffix List's ICANN
    section, kept current by the publicsuffixlist package)."""
    from zonefix.tlds import is_tld

    return is_tld(label)
