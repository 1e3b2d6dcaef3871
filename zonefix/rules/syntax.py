"""ZF0: the file itself. These findings come from reading the zone
(zonefix.bind.resolver); the rules here select them and document them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from zonefix.diagnostics import (
    GENERATE_LIMIT,
    INCLUDE_REFUSED,
    INVALID_RDATA,
    SYNTAX_ERROR,
    UNKNOWN_ORIGIN,
    Code,
    Diagnostic,
)
from zonefix.rules.registry import rule

if TYPE_CHECKING:
    from zonefix.rules.context import RuleContext
    from zonefix.zone import Zone


def _read(zone: Zone, code: Code) -> Iterator[Diagnostic]:
    return (d for d in zone.diagnostics if d.code is code)


@rule(SYNTAX_ERROR)
def syntax_error(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports text that is not a zone file: an unterminated `(` or `"`, a `)`
    with no `(`, an unknown directive, a TTL or type that is not one, a class
    other than the zone's, a record with no TTL to take, a first record with
    no owner, a line longer than the limit, or a file that is not text.

    ## Why it matters
    BIND refuses to load the whole zone over one such line, so every other
    record in it stops being served at the next reload.

    ## Example
    ```
    www  1hr  IN  A  192.0.2.80    ; "1hr" is not a TTL
    txt  TXT  "v=spf1 -all         ; the quote is never closed
    ```

    ## Fix
    None: zonefix cannot know what was meant. A file with ZF001 is never
    written by `--write`.
    """
    zone = ctx.zone
    return _read(zone, SYNTAX_ERROR)


@rule(INVALID_RDATA)
def invalid_rdata(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports record data that dnspython rejects for the record's type: an
    IPv4 address with a part over 255, an MX with no preference, a CAA with
    no value, and so on. Meta types (OPT, ANY, TYPE128-255) and TYPE0 are
    refused in zone data, as BIND refuses them.

    ## Why it matters
    BIND refuses to load a zone with such a record.

    ## Example
    ```
    mail  IN  A   192.0.2.300
    mx    IN  MX  mail.example.net.
    ```

    ## Fix
    None. Other fixes may still apply to the file; the invalid record is
    left exactly as it was.
    """
    zone = ctx.zone
    return _read(zone, INVALID_RDATA)


@rule(UNKNOWN_ORIGIN)
def unknown_origin(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a file that uses relative names (`@`, `www`, a blank owner) when
    no origin can be found: no `--origin`, no `$ORIGIN` before the first
    record, no absolute SOA owner, and a file name that names no zone
    (`zone.txt`). Reported once, at line 1; no other rule runs on the file.

    ## Why it matters
    Without an origin, `www` means nothing; every other finding would be a
    guess.

    ## Example
    ```
    ; zone.txt
    @  SOA  ns hostmaster 1 2 3 4 5
    ```

    ## Fix
    None. Add `$ORIGIN example.net.` at the top, name the file
    `db.example.net`, or pass `--origin`.
    """
    zone = ctx.zone
    return _read(zone, UNKNOWN_ORIGIN)


@rule(INCLUDE_REFUSED)
def include_refused(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports an `$INCLUDE` that names a missing file, a directory, a file
    outside the include root (by default the folder of the zone file; links
    are followed before the check), a file already being read (a cycle), or
    one nested deeper than the limit. A refused file is never read, so
    nothing of it is ever printed.

    ## Why it matters
    A missing include loses records; an include outside the repository can
    read any file on the machine (`$INCLUDE /etc/passwd`).

    ## Example
    ```
    $INCLUDE /etc/passwd
    $INCLUDE ../../secrets/keys.db
    ```

    ## Fix
    None. Keep included files beside the zone, or widen the include root.
    """
    zone = ctx.zone
    return _read(zone, INCLUDE_REFUSED)


@rule(GENERATE_LIMIT)
def generate_limit(ctx: RuleContext) -> Iterator[Diagnostic]:
    """
    ## What it does
    Reports a `$GENERATE` whose range would make more records than the limit
    (65,536 by default), without expanding it.

    ## Why it matters
    `$GENERATE 1-100000000` is one short line that makes a hundred million
    records: a typo that takes a server, or a linter, down with it.

    ## Example
    ```
    $GENERATE 1-100000000 host$ A 10.0.0.1
    ```

    ## Fix
    None. Narrow the range, or raise the limit if the zone really is that
    large.
    """
    zone = ctx.zone
    return _read(zone, GENERATE_LIMIT)
