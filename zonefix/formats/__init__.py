"""Zone formats other than BIND's: one Document each (zonefix.document),
all through one bridge to the rules (``bridge.py``) and one registry here.

A format module gives ``sniff(filename, head)`` (by extension and content)
and a reader returning its Document, which never raises for bad content.
``FORMATS`` lists them with the BIND dialects the BIND reader handles, for
``--list-formats`` and ``--input-format``; ``reader_for`` picks the reader
of a file.
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from zonefix.reading import PathText, name_of

if TYPE_CHECKING:
    from zonefix.diagnostics import Diagnostic
    from zonefix.document import Document, ReadSettings

#: Bytes of a file read to recognise its format.
HEAD = 8192
#: Extensions of YAML zone files.
YAML_SUFFIXES = (".yaml", ".yml")
#: Extensions a file of one of these formats has (a directory's files are
#: sniffed by content only when they have one of them).
EXTENSIONS = (".json", ".csv", *YAML_SUFFIXES)


class Format(NamedTuple):
    name: str
    #: What it is and where it comes from, for --list-formats.
    description: str
    #: How a file is recognised.
    recognised: str
    #: The module (in zonefix.formats) and its reader; None: the BIND reader.
    module: str | None = None
    reader: str = "read"


#: In the order files are sniffed: octoDNS claims the YAML no other claims.
FORMATS = (
    Format("bind", "BIND master file (RFC 1035)", "any other file"),
    Format(
        "cloudflare",
        "Cloudflare's BIND export (DNS > Records > Export)",
        "';; Domain:' and ';; Exported:' header",
    ),
    Format(
        "azure-zone",
        "az network dns zone export (BIND with blank owners)",
        "read as BIND",
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
    Format(
        "octodns",
        "octoDNS YamlProvider zone (one file per zone)",
        "any other .yaml/.yml",
        "octodns",
        "read_document",
    ),
)
NAMES = tuple(f.name for f in FORMATS)

Reader = Callable[[str, bytes, "ReadSettings"], "Document"]


def _reader(fmt: Format) -> Reader:
    assert fmt.module is not None
    module = importlib.import_module(f"zonefix.formats.{fmt.module}")
    read: Reader = getattr(module, fmt.reader)
    return read


def reader_for(filename: str, head: bytes, forced: str | None = None) -> Reader | None:
    """The reader of a file so named, starting with *head*, or None for a
    file the BIND reader reads (BIND and its dialects). *forced*
    (--input-format) names the format instead."""
    if forced is not None:
        fmt = next(f for f in FORMATS if f.name == forced)
        return None if fmt.module is None else _reader(fmt)
    lower = filename.lower()
    if not lower.endswith(EXTENSIONS):
        return None
    for fmt in FORMATS:
        if fmt.module is None:
            continue
        module = importlib.import_module(f"zonefix.formats.{fmt.module}")
        if module.sniff(filename, head):
            return _reader(fmt)
    if lower.endswith(YAML_SUFFIXES):
        # YAML that says nothing of itself: octoDNS's reader tells it once
        # when it is no zone at all.
        return _reader(FORMATS[-1])
    return None


def format_of(name: str) -> str:
    """ "octodns" or "bind" for a file so named, by its name alone (a YAML
    file, unless its content says it is another format's)."""
    if Path(name).suffix.lower() in YAML_SUFFIXES:
        return "octodns"
    return "bind"


def is_zone_file(path: PathText) -> bool:
    """A directory's file of one of these formats (by name and content)."""
    name = name_of(path)
    by_extension = name.lower().endswith(EXTENSIONS)
    head = _head(path)
    if head is None:
        return False
    if not by_extension:
        # Cloudflare names its export after the domain alone (example.com,
        # example.com.txt): its header says what it is.
        from zonefix.zone import cloudflare_domain

        return cloudflare_domain(head.decode("latin-1")) is not None
    for fmt in FORMATS:
        if fmt.module is None:
            continue
        module = importlib.import_module(f"zonefix.formats.{fmt.module}")
        if module.sniff(name, head):
            # YAML with a "type:" key is common: an octoDNS zone must also
            # be named after its zone (example.net.yaml).
            return fmt.name != "octodns" or module.origin_of(name) is not None
    return False


def _head(path: PathText) -> bytes | None:
    """The first bytes of a regular file, never of a link, FIFO or device
    (a scan neither follows links out of the repository nor blocks)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return os.read(descriptor, HEAD)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def unrecognised(filename: str) -> Diagnostic:
    """One finding for a .json or .csv file no format recognises."""
    from zonefix.diagnostics import SYNTAX_ERROR, Diagnostic

    return Diagnostic(
        SYNTAX_ERROR,
        "not a format zonefix reads: no Route 53, Google Cloud DNS, Alibaba Cloud "
        "DNS or Azure DNS export (see --list-formats; --input-format names one)",
        filename,
    )
