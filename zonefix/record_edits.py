"""Record edits: what a fix does, in DNS terms ("delete this record",
"replace this value"), which the file's Document lowers into text edits in
the file's own style (see zonefix.document, which names them too).

A format that cannot make an edit (a record in an included file, a Locked
Alibaba record, an edit that would change what another record means)
raises CannotEdit with the reason, and the finding is reported without that
fix. (PERF: a module of their own, imported where a fix is built, not by
every lint.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import dns.name
    import dns.rdata
    import dns.rdatatype


class DeleteRecord(NamedTuple):
    """Delete record *record* (one value of its RRset; the whole entry where
    it is the last)."""

    record: int


class ReplaceRdata(NamedTuple):
    """Write *rdata* in place of record *record*'s value (same type)."""

    record: int
    rdata: dns.rdata.Rdata


class ReplaceTxtText(NamedTuple):
    """Write *text* over value[start:end] of TXT (or SPF) record *record*,
    where value is its strings joined as SPF and DMARC read them. A format
    changes only those characters where it can (BIND: inside one string
    written without escapes), else writes the value again."""

    record: int
    start: int
    end: int
    text: str


class ReplaceTTL(NamedTuple):
    """Give *records* the TTL *ttl*. Where the format has one TTL per
    RRset, *records* is the whole RRset."""

    records: tuple[int, ...]
    ttl: int


class RenameOwner(NamedTuple):
    """Move record *record* to owner *owner* (same type and value): a name,
    or the text dnspython writes for it (absolute; PERF: a rule names a
    plain name so, without dnspython, and BIND renames it by its text; see
    owner_name)."""

    record: int
    owner: dns.name.Name | str


def owner_name(owner: dns.name.Name | str) -> dns.name.Name:
    """A RenameOwner's owner as a name."""
    if not isinstance(owner, str):
        return owner
    import dns.name

    return dns.name.from_text(owner)


class InsertRecords(NamedTuple):
    """Add records of one owner and type, in the file's style: beside their
    RRset where one exists (joining its TTL), else where the format puts a
    new name (BIND: beside the records of that type; octoDNS: at the name's
    sorted place)."""

    owner: dns.name.Name
    rdtype: dns.rdatatype.RdataType
    rdatas: tuple[dns.rdata.Rdata, ...]
    #: The TTL to give a new RRset (None: the format's default in force).
    ttl: int | None = None


RecordEdit = (
    DeleteRecord
    | ReplaceRdata
    | ReplaceTxtText
    | ReplaceTTL
    | RenameOwner
    | InsertRecords
)


class CannotEdit(Exception):
    """The format cannot make the edit here; the message says why."""


# ------------------------------------------------------------ new records


class NewRecord(NamedTuple):
    """A record a fix adds, its rdata as the words of its presentation
    format (RFC 1035 §5.1, as dnspython writes and reads them), names
    absolute: record_of makes its rdata."""

    owner: dns.name.Name
    rdtype: str
    rdata: tuple[str, ...]


#: A quoted string (escapes inside kept) or a plain word of rdata text.
_RDATA_WORD = re.compile(r'"(?:\\.|[^"\\])*"|\S+')


def rdata_words(rdata: dns.rdata.Rdata) -> tuple[str, ...]:
    """*rdata* as the words of its presentation format, names absolute."""
    return tuple(_RDATA_WORD.findall(rdata.to_text()))


def record_of(new: NewRecord) -> dns.rdata.Rdata:
    """The rdata a NewRecord's words write."""
    import dns.name
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    rdtype = dns.rdatatype.from_text(new.rdtype)
    return dns.rdata.from_text(
        dns.rdataclass.IN, rdtype, " ".join(new.rdata), dns.name.root, relativize=False
    )
