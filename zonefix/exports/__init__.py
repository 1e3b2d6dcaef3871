"""Provider exports zonefix reads and writes back: one module per format.

Each module gives ``NAME``, ``sniff(filename, head)`` (by extension and
content) and ``read(filename, data, settings)``, which returns a Document
(zonefix.document) that never raises for bad content. ``FORMATS`` lists
them with the BIND dialects the BIND reader handles, for ``--list-formats``
and ``--input-format``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from zonefix.document import ReadSettings
from zonefix.exports.base import ExportDocument

#: Bytes of a file read to recognise its format.
HEAD = 8192
#: Extensions an export may have (a directory's files are sniffed by content
#: only when they have one of these).
EXTENSIONS = (".json", ".yaml", ".yml", ".csv")


class Format(NamedTuple):
    name: str
    #: What it is and where it comes from, for --list-formats.
    description: str
    #: How a file is recognised.
    recognised: str
    #: None: the BIND reader reads it (a BIND dialect).
    module: str | None


FORMATS = (
    Format("bind", "BIND master file (RFC 1035)", "any other file", None),
    Format(
        "cloudflare",
        "Cloudflare's BIND export (DNS > Records > Export)",
        "';; Domain:' and ';; Exported:' header",
        None,
    ),
    Format(
        "azure-zone",
        "az network dns zone export (BIND with blank owners)",
        "read as BIND",
        None,
    ),
    Format(
        "route53",
        "aws route53 list-resource-record-sets, or a change batch",
        '.json with "ResourceRecordSets" or "Changes"',
        "route53",
    ),
    Format(
        "gcloud",
        "gcloud dns record-sets export (YAML)",
        ".yaml/.yml with 'kind: dns#resourceRecordSet' or name/rrdatas",
        "gcloud",
    ),
    Format(
        "alidns-json",
        "Alibaba Cloud DNS DescribeDomainRecords JSON",
        '.json with "DomainRecords"',
        "alidns_json",
    ),
    Format(
        "alidns-csv",
        "Alibaba Cloud DNS console export (CSV, Chinese or English headers)",
        ".csv whose header names type, host record, value and TTL",
        "alidns_csv",
    ),
    Format(
        "azure-json",
        "az network dns record-set list (JSON)",
        '.json with "Microsoft.Network/dnszones/" types',
        "azure_json",
    ),
)
NAMES = tuple(f.name for f in FORMATS)


def _module(fmt: Format) -> ModuleType:
    import importlib

    assert fmt.module is not None
    return importlib.import_module(f"zonefix.exports.{fmt.module}")


Reader = Callable[[str, bytes, ReadSettings], ExportDocument]


def reader_for(filename: str, head: bytes, forced: str | None = None) -> Reader | None:
    """The reader of an export so named and starting with *head*, or None
    for a file the BIND reader reads (BIND and its dialects). *forced*
    (--input-format) names the format instead."""
    if forced is not None:
        fmt = next(f for f in FORMATS if f.name == forced)
        return None if fmt.module is None else _reader(fmt)
    if not filename.lower().endswith(EXTENSIONS):
        return None
    for fmt in FORMATS:
        if fmt.module is not None and _module(fmt).sniff(filename, head):
            return _reader(fmt)
    return None


def _reader(fmt: Format) -> Reader:
    read: Reader = _module(fmt).read
    return read


def is_export(path: Path) -> bool:
    """A directory's file that is a recognised export (by name and content)."""
    if not path.name.lower().endswith(EXTENSIONS):
        return False
    try:
        with path.open("rb") as f:
            head = f.read(HEAD)
    except OSError:
        return False
    return reader_for(path.name, head) is not None


def unrecognised(filename: str) -> object:
    """One finding for a file with an export's extension that no format
    recognises."""
    from zonefix.diagnostics import SYNTAX_ERROR, Diagnostic

    return Diagnostic(
        SYNTAX_ERROR,
        "not a format zonefix reads: no Route 53, Google Cloud DNS, Alibaba Cloud "
        "DNS or Azure DNS export (see --list-formats; --input-format names one)",
        filename,
        1,
        1,
        1,
        1,
    )
