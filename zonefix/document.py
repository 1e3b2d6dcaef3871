"""The format seam: what a zone file format gives the rules, and takes back.

A zone reaches the rules as records (owner, TTL, class, type, rdata) and
the span each came from; it goes back as *record edits* ("delete this
record", "replace this value"), which the file's Document lowers into text
edits in the file's own style. Nothing above this seam reads a format's
syntax: BIND's `$ORIGIN`, blank owners and parentheses, or octoDNS's YAML
keys, are the Document's business alone.

Conventions, one for every format:

- **Offsets** are indices into the file's *decoded text* (``str``): the
  bytes read as UTF-8 with ``surrogateescape``, a UTF-8 BOM set aside (see
  ``zonefix.source``). A Span names its file, so a record read through
  BIND's ``$INCLUDE`` points into the file that holds it. A finding, too,
  is a span of its file; line and column are worked out only where it is
  printed, from the file's ``LineIndex`` (``Document.line_index``).
- **Records are numbered** in the order the Document reads them (file
  order; an included file's records where the ``$INCLUDE`` stands), from 0.
  Record edits name records by that number.
- **Names are absolute** ``dns.name.Name``; rdata are ``dns.rdata.Rdata``.
  How a format writes them (relative to an origin, without the final dot,
  ``\\;`` in TXT) is its own business, in both directions.

A new format is one module: a ``Format`` (``sniff`` + ``read``) whose
``read`` returns an object meeting the ``Document`` protocol below.
"""

# PERF: no `from __future__ import annotations`: a NamedTuple's string
# annotations cost a compile() each when the class is made (issue 11).

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol

from zonefix.diagnostics import Diagnostic, Edit
from zonefix.plain import Plain

if TYPE_CHECKING:
    import dns.name
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    from zonefix.positions import LineIndex
    from zonefix.reading import PathText
    from zonefix.source import SourceFile

__all__ = [
    "CannotEdit",
    "Capabilities",
    "DeleteRecord",
    "Document",
    "Edit",
    "Format",
    "InsertRecords",
    "Limits",
    "ReadSettings",
    "RecordEdit",
    "RenameOwner",
    "ReplaceRdata",
    "ReplaceTTL",
    "ReplaceTxtText",
    "SourceRecord",
    "Span",
]


class Span(NamedTuple):
    """Where something is written: text[start:end] of *file* (decoded-text
    offsets, see the module docstring)."""

    file: str
    start: int
    end: int


class Limits(NamedTuple):
    """Bounds on what one zone may make zonefix do. All are configurable."""

    #: Records one $GENERATE may expand to.
    generate: int = 65536
    #: How deep $INCLUDE may nest.
    include_depth: int = 16
    #: Characters in one physical line (a 10 MB line is refused, not read).
    line_length: int = 1 << 20
    #: Bytes in one file, the top file or an included one (refused unread).
    file_size: int = 128 << 20
    #: Records $GENERATE and $INCLUDE may add to a zone, all together.
    records: int = 1 << 17


class ReadSettings(Plain):
    """What a Format's ``read`` is given besides the bytes."""

    _fields = ("origin", "include_root", "limits")
    __slots__ = _fields
    #: The zone's apex when the caller knows it (``--origin``, configured);
    #: None: the format works it out (BIND: SPEC §2; octoDNS: the file name).
    origin: "dns.name.Name | None"
    #: Where a format that reads other files (BIND's $INCLUDE) may read.
    include_root: "PathText | None"
    limits: Limits

    def __init__(
        self,
        origin: "dns.name.Name | None" = None,
        include_root: "PathText | None" = None,
        limits: Limits = Limits(),  # noqa: B008 (a NamedTuple: immutable)
    ) -> None:
        self.origin = origin
        self.include_root = include_root
        self.limits = limits


class Capabilities(Plain):
    """What a format can hold. Rules consult these, never the format's name:
    a rule about SOA runs only where ``has_soa_ns``."""

    _fields = (
        *("format", "has_soa_ns", "ttl_per", "comments", "suppression_comments"),
        *("automatic_ttls", "includes", "serial", "cname_flattening", "complete"),
    )
    __slots__ = _fields
    #: "bind", "cloudflare" (BIND text a provider wrote), "octodns", ...
    format: str
    #: The file states the zone's SOA and apex NS (a provider's export
    #: leaves them to the provider, or writes placeholders).
    has_soa_ns: bool
    #: "record": each record has its own TTL (BIND); "rrset": one TTL per
    #: name and type (octoDNS, Route 53), so TTLs cannot disagree in one.
    ttl_per: Literal["record", "rrset"]
    #: The format has comments (BIND ``;``, YAML ``#``).
    comments: bool
    #: ``zonefix: ignore[...]`` comments are honoured (needs comments).
    suppression_comments: bool
    #: TTL values that mean "automatic" (Cloudflare's 1), never "fixed".
    automatic_ttls: frozenset[int]
    #: The format reads other files (BIND's $INCLUDE): records may come
    #: from, and findings point into, files other than the one named.
    includes: bool
    #: A SOA serial to bump when a fix changes the zone.
    serial: bool
    #: The provider answers a CNAME beside other data (or at the apex) by
    #: flattening it (Cloudflare): a warning there, not BIND's error.
    cname_flattening: bool
    #: The file holds the whole zone. False where it holds part of it (a
    #: Route 53 change batch lists only what changes; a listing page with
    #: ``IsTruncated`` leaves the rest to later pages): a record missing
    #: from the file may be in the zone, so no finding rests on one being
    #: absent.
    complete: bool

    def __init__(
        self,
        format: str,
        has_soa_ns: bool = True,
        ttl_per: Literal["record", "rrset"] = "record",
        comments: bool = True,
        suppression_comments: bool = True,
        automatic_ttls: frozenset[int] = frozenset(),
        includes: bool = False,
        serial: bool = True,
        cname_flattening: bool = False,
        complete: bool = True,
    ) -> None:
        self.format = format
        self.has_soa_ns = has_soa_ns
        self.ttl_per = ttl_per
        self.comments = comments
        self.suppression_comments = suppression_comments
        self.automatic_ttls = automatic_ttls
        self.includes = includes
        self.serial = serial
        self.cname_flattening = cname_flattening
        self.complete = complete


class SourceRecord(Plain):
    """One resolved record, with where it is written."""

    _fields = ("owner", "ttl", "rdclass", "rdtype", "rdata", "span", "extras")
    __slots__ = _fields
    owner: "dns.name.Name"
    ttl: int
    rdclass: "dns.rdataclass.RdataClass"
    rdtype: "dns.rdatatype.RdataType"
    rdata: "dns.rdata.Rdata"
    span: Span
    #: Format facts that are no part of DNS but change what a rule may say:
    #: Cloudflare ``proxied``, Alibaba ``line``/``status``/``locked``,
    #: Route 53 ``set_identifier``, octoDNS ``octodns`` settings.
    #: Empty for plain BIND records.
    extras: Mapping[str, object]

    def __init__(
        self,
        owner: "dns.name.Name",
        ttl: int,
        rdclass: "dns.rdataclass.RdataClass",
        rdtype: "dns.rdatatype.RdataType",
        rdata: "dns.rdata.Rdata",
        span: Span,
        extras: Mapping[str, object] = {},
    ) -> None:
        self.owner = owner
        self.ttl = ttl
        self.rdclass = rdclass
        self.rdtype = rdtype
        self.rdata = rdata
        self.span = span
        self.extras = extras


# ------------------------------------------------------------ record edits
#
# What a fix does, in DNS terms: zonefix.record_edits (DeleteRecord,
# ReplaceRdata, ReplaceTxtText, ReplaceTTL, RenameOwner, InsertRecords,
# RecordEdit, CannotEdit), named here too. PERF: imported on first use (a
# fix built), not by every lint.

_RECORD_EDITS = frozenset(
    {
        "CannotEdit",
        "DeleteRecord",
        "InsertRecords",
        "RecordEdit",
        "RenameOwner",
        "ReplaceRdata",
        "ReplaceTTL",
        "ReplaceTxtText",
    }
)

if TYPE_CHECKING:
    from zonefix.record_edits import CannotEdit as CannotEdit
    from zonefix.record_edits import DeleteRecord as DeleteRecord
    from zonefix.record_edits import InsertRecords as InsertRecords
    from zonefix.record_edits import RecordEdit as RecordEdit
    from zonefix.record_edits import RenameOwner as RenameOwner
    from zonefix.record_edits import ReplaceRdata as ReplaceRdata
    from zonefix.record_edits import ReplaceTTL as ReplaceTTL
    from zonefix.record_edits import ReplaceTxtText as ReplaceTxtText
else:

    def __getattr__(name: str) -> object:
        if name not in _RECORD_EDITS:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from zonefix import record_edits

        value = getattr(record_edits, name)
        globals()[name] = value
        return value


# ---------------------------------------------------------------- document


class Document(Protocol):
    """One zone as written in one format: read, and written back."""

    @property
    def name(self) -> str:
        """The file findings are reported under (a path, or --stdin-filename)."""
        ...

    @property
    def source(self) -> "SourceFile":
        """The decoded text and how to encode it back to the same bytes
        (BOM, surrogate-escaped bytes)."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def origin(self) -> "dns.name.Name | None":
        """The zone's apex (None: it could not be determined, ZF003)."""
        ...

    @property
    def records(self) -> Sequence[SourceRecord]:
        """The resolved records in reading order (may be built on access:
        a million-record zone need not hold a million objects)."""
        ...

    @property
    def diagnostics(self) -> Sequence[Diagnostic]:
        """Findings of reading (ZF001-ZF005), spans of the file with its
        ``line_index``. A file that is not of this format at all gives one
        ZF001, not one per line."""
        ...

    def line_index(self, file: str) -> "LineIndex":
        """The lines of *file* (the document's own file, or one it read):
        the one a finding there carries, to be printed with."""
        ...

    def position(self, file: str, offset: int) -> tuple[int, int]:
        """1-based line and column of *offset* in *file* (its line_index's)."""
        ...

    def lower(self, edits: "Sequence[RecordEdit]") -> tuple[Edit, ...]:
        """Text edits of the document's own file that make *edits* (one
        fix's), in the file's style, touching nothing they do not name.
        Raises CannotEdit where the format cannot."""
        ...

    def ignored(self, file: str, start: int, end: int) -> frozenset[str] | None:
        """Codes (or prefixes) a suppression comment silences for text
        [start:end] of *file* ("ZF" prefixes; None: nothing silenced)."""
        ...


class Format(Protocol):
    """A format zonefix reads: recognised by name and content, then read."""

    @property
    def name(self) -> str: ...

    def sniff(self, filename: str, head: bytes) -> bool:
        """True when a file so named, starting with *head* (its first few
        KB), is in this format (by extension and content)."""
        ...

    def read(self, filename: str, data: bytes, settings: ReadSettings) -> Document:
        """The Document of *data*. Never raises for bad content: what is
        wrong inside a file is a finding."""
        ...
