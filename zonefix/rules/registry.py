"""The rule registry: each rule declared beside its function (SPEC §3).

A rule is a check function in its family's module (``syntax.py`` for ZF0,
``structure.py`` for ZF1, ...), registered with ``@rule`` under its public
Code. Its docstring is its documentation, under the headings What it does,
Why it matters, Example and Fix: ``--explain`` prints it, and a test checks
every rule has them. Codes are public API: never renumber or reuse one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from zonefix.diagnostics import Applicability, Code, Diagnostic, Fix, Severity
from zonefix.plain import Plain

if TYPE_CHECKING:
    import dns.rdata

    from zonefix.record_edits import NewRecord
    from zonefix.rules.context import RuleContext
    from zonefix.zone import Zone

#: A rule's check: the findings for one run's context.
Check = Callable[["RuleContext"], Iterable[Diagnostic]]


class FixAvailability(enum.Enum):
    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"


class Rule(Plain):
    _fields = ("code", "fix", "check")
    __slots__ = _fields
    code: Code
    fix: FixAvailability
    check: Check

    def __init__(self, code: Code, fix: FixAvailability, check: Check) -> None:
        self.code = code
        self.fix = fix
        self.check = check

    @property
    def name(self) -> str:
        return self.code.name

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def summary(self) -> str:
        return self.code.summary

    @property
    def doc(self) -> str:
        """The rule's documentation: its check function's docstring."""
        return _dedent(self.check.__doc__ or "")


REGISTRY: dict[str, Rule] = {}


def rule(
    code: Code, fix: FixAvailability = FixAvailability.NONE
) -> Callable[[Check], Check]:
    """Register a check function as the rule for *code* (its code, name,
    severity and summary), whose fixes are *fix* at best (tests/
    test_catalogue.py holds it to what the rule emits)."""

    def register(check: Check) -> Check:
        if code.code in REGISTRY:
            raise ValueError(f"{code.code} is registered twice")
        REGISTRY[code.code] = Rule(code, fix, check)
        return check

    return register


def delete_fix(
    zone: Zone,
    index: int,
    message: str,
    applicability: Applicability = Applicability.SAFE,
) -> Fix | None:
    """A fix that deletes record *index*; None where no plain edit can (a
    record from $GENERATE or in an included file)."""
    from zonefix.document import CannotEdit, DeleteRecord

    edits = (DeleteRecord(index),)
    try:
        return Fix(message, applicability, zone.lower(edits), record_edits=edits)
    except CannotEdit:
        return None


def replace_field_fix(
    zone: Zone,
    index: int,
    position: int,
    text: str,
    message: str,
    applicability: Applicability = Applicability.UNSAFE,
) -> Fix | None:
    """A fix writing *text* (as dnspython writes it, names absolute) over
    rdata field *position* of record *index*: stated as the record's new
    rdata (ReplaceRdata), lowered into that field's text; None where no
    plain edit can."""
    made = zone.field_replaced(index, position, text)
    if made is None:
        return None
    edits, record_edits = made
    return Fix(message, applicability, edits, record_edits=record_edits)


def finding_at_field(
    zone: Zone,
    code: Code,
    message: str,
    index: int,
    position: int,
    fix: Fix | None = None,
) -> Diagnostic:
    """A finding at rdata field *position* of record *index* (the MX host,
    the CNAME target), else at the whole record."""
    field = zone.written_rdata_field(index, position)
    span = (field.start, field.end) if field is not None else None
    return zone.finding_at_span(code, message, index, span, fix)


def insert_fix(
    zone: Zone, records: Sequence[NewRecord], message: str, applicability: Applicability
) -> Fix | None:
    """A fix adding *records* (one owner and type) in the file's style."""
    import dns.exception

    from zonefix.document import CannotEdit, InsertRecords
    from zonefix.record_edits import record_of

    first = records[0] if records else None
    if first is None or any(
        r.owner != first.owner or r.rdtype != first.rdtype for r in records
    ):
        raise ValueError("records inserted at one point share owner and type")
    try:
        rdatas = tuple(record_of(r) for r in records)
    except dns.exception.DNSException:
        # Words no record can have: written as they are, so that the fixer
        # names the fix when it refuses what it would write.
        try:
            return Fix(message, applicability, zone.inserted_as_written(records))
        except CannotEdit:
            return None
    edits = (InsertRecords(first.owner, rdatas[0].rdtype, rdatas),)
    try:
        return Fix(message, applicability, zone.lower(edits), record_edits=edits)
    except CannotEdit:
        return None


def txt_rdata(rdtype: int, value: str) -> dns.rdata.Rdata:
    """A TXT (or SPF) rdata holding *value*, cut into strings of at most
    255 bytes, never inside a character (as zone files cut them)."""
    import dns.rdataclass
    import dns.rdatatype
    from dns.rdtypes.ANY.SPF import SPF
    from dns.rdtypes.ANY.TXT import TXT

    strings: list[bytes] = []
    piece = b""
    for char in value:
        encoded = char.encode("utf-8", "surrogateescape")
        if len(piece) + len(encoded) > 255:
            strings.append(piece)
            piece = b""
        piece += encoded
    strings.append(piece)
    cls = SPF if rdtype == dns.rdatatype.SPF else TXT
    return cls(dns.rdataclass.IN, dns.rdatatype.RdataType(rdtype), strings)


def _dedent(doc: str) -> str:
    lines = doc.strip("\n").splitlines()
    indents = [len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()]
    cut = min(indents, default=0)
    return "\n".join([lines[0].strip(), *(x[cut:] for x in lines[1:])]).strip() + "\n"
