"""The BIND facts many parts of zonefix ask (zonefix/bind/facts.py), each
worked out once (issue 12): the cases where the copies they replaced
disagreed, the TXT escapes held to dnspython's tokenizer, and checks that
no second copy of the blank-owner or the editable test, nor a second walk
of the $ORIGIN/$TTL state, comes back."""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path

import dns.exception
import dns.name
import dns.tokenizer
from hypothesis import given
from hypothesis import strategies as st

import zonefix
from tests.conftest import ROOT
from zonefix.bind.edits import NewRecord, insert_records
from zonefix.bind.facts import txt_bytes
from zonefix.fixer import fix

HEAD = "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n"


def _codes(text: str) -> list[tuple[str, int]]:
    zone = zonefix.parse_text(text, origin="example.net.")
    return [(d.code.code, d.line) for d in zonefix.check(zone, select=["ZF0"])]


# ------------------------------------------------------------------ $ORIGIN


def test_a_quoted_origin_is_refused_as_bind_and_dnspython_refuse_it() -> None:
    # named-checkzone: "unbalanced quotes"; dnspython: "expecting an
    # identifier". It was read with its quotes stripped.
    text = HEAD + '$ORIGIN "lab.example.net."\nhost A 192.0.2.1\n'
    assert _codes(text) == [("ZF001", 6)]
    zone = zonefix.parse_text(text, origin="example.net.")
    # Refused, it changes nothing: the origin before it stays in force.
    assert zone.records[-1].owner == dns.name.from_text("host.example.net.")


def test_a_quoted_include_origin_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "lab.inc").write_text("host A 192.0.2.1\n")
    top = tmp_path / "db.example.net"
    top.write_text(HEAD + '$INCLUDE lab.inc "lab.example.net."\n')
    zone = zonefix.parse_file(top)
    assert [(d.code.code, d.line) for d in zone.diagnostics] == [("ZF001", 6)]


def test_an_insertion_after_a_refused_origin_is_written_for_the_origin_read() -> None:
    # "$ORIGIN a. b." is refused (ZF001) and leaves example.net. in force;
    # the insertion took lab.example.net. from it and wrote "db", which
    # reads back as db.example.net.
    text = HEAD + "www A 192.0.2.1\n$ORIGIN lab.example.net. extra.example.net.\n"
    zone = zonefix.parse_text(text, origin="example.net.")
    meant = dns.name.from_text("db.lab.example.net.")
    # No CNAME yet: the new one goes at the end, past the directive.
    (edit,) = insert_records(zone, [NewRecord(meant, "CNAME", ("mx.example.org.",))])
    fixed = text[: edit.start] + edit.text + text[edit.end :]
    owners = [r.owner for r in zonefix.parse_text(fixed, origin="example.net.").records]
    assert meant in owners


def test_an_insertion_after_a_refused_ttl_takes_the_default_still_in_force() -> None:
    # "$TTL soon" is refused and the default (1h) stays, as a record
    # without a TTL there reads; the insertion took the last TTL (300).
    text = HEAD + "www 300 A 192.0.2.1\n$TTL soon\n"
    zone = zonefix.parse_text(text, origin="example.net.")
    mail = dns.name.from_text("mail.example.net.")
    (edit,) = insert_records(zone, [NewRecord(mail, "CNAME", ("mx.example.org.",))])
    fixed = text[: edit.start] + edit.text + text[edit.end :]
    inserted = zonefix.parse_text(fixed, origin="example.net.").records[-1]
    assert inserted.owner == mail
    assert inserted.ttl == 3600


# ------------------------------------------------------------------ blank owner


def test_a_line_starting_with_a_lone_carriage_return_repeats_the_owner_everywhere() -> (
    None
):
    # A lone CR ends an (empty) line, as in BIND, and the blank owner after
    # it repeats line 7's owner past the $TTL. Deleting the duplicate would
    # leave it none: no fix. (When the grammar read the CR as a blank, the
    # delete fix tested blanks as space and tab only and offered it.)
    text = HEAD + "a A 192.0.2.2\na A 192.0.2.2\n$TTL 300\n\r A 192.0.2.4\n"
    zone = zonefix.parse_text(text, origin="example.net.")
    assert zone.table.owner_ref[-1] == zone.table.owner_ref[-2]
    (duplicate,) = [d for d in zonefix.check(zone) if d.code.code == "ZF107"]
    assert duplicate.fix is None


# ------------------------------------------------------------------ TXT escapes


def test_a_fix_keeps_a_byte_written_as_an_escape() -> None:
    # The SPF value is edited where the term is; past an escape the record's
    # strings are written again from the value, which read \255 as U+FFFD
    # and wrote its three bytes in place of the one.
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 h 2026112200 2h 1h 2w 5m\n"
        "@ NS ns1\nns1 A 192.0.2.53\n@ MX 5 mx1.qiye.aliyun.com.\n"
        '@ TXT "v=spf1 exp=x\\255 include: spf.qiye.aliyun.com -all"\n'
    )
    zone = zonefix.parse_text(text, origin="example.net.")
    result = fix(zone, today=datetime.date(2026, 11, 26))
    assert result.problem is None
    assert '"v=spf1 exp=x\\255 include:spf.qiye.aliyun.com -all"' in result.text


_ESCAPE = st.one_of(
    st.integers(0, 299).map(lambda n: f"\\{n:03d}"),
    st.sampled_from(["\\", "\\1", "\\12", "\\1a"]),
    st.characters(codec="utf-8", exclude_characters='\n\r"').map(lambda c: "\\" + c),
)
_PLAIN = st.characters(codec="utf-8", exclude_characters='\\"\n\r')


@given(st.lists(st.one_of(_PLAIN, _ESCAPE), max_size=12).map("".join))
def test_txt_escapes_read_as_dnspython_reads_them(inner: str) -> None:
    word = f'"{inner}"'
    try:
        token = dns.tokenizer.Tokenizer(word).get().unescape_to_bytes()
        expected = token.value if isinstance(token.value, bytes) else None
    except dns.exception.DNSException:
        expected = None
    assert txt_bytes(word) == expected


# ------------------------------------------------------------------ one copy


def _modules() -> list[Path]:
    return [
        p
        for p in (ROOT / "zonefix").rglob("*.py")
        if p != ROOT / "zonefix" / "bind" / "facts.py"
        and not p.name.startswith("_tables")
    ]


def _is_blank_owner_test(node: ast.AST) -> bool:
    """`text[start] in " \\t..."`: a character of the text tested against
    a set of blanks."""
    return (
        isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Subscript)
        and len(node.ops) == 1
        and isinstance(node.ops[0], ast.In | ast.NotIn)
        and isinstance(node.comparators[0], ast.Constant)
        and isinstance(node.comparators[0].value, str)
        and " " in node.comparators[0].value
        and "\t" in node.comparators[0].value
    )


def _is_editable_test(node: ast.AST) -> bool:
    """`table.document[i] != 0 or i in table.generated`: whether a record
    can be edited, worked out again."""
    if not isinstance(node, ast.BoolOp):
        return False
    text = ast.unparse(node)
    return bool(re.search(r"document\[\w+\] [!=]= 0", text)) and ".generated" in text


def test_no_second_copy_of_the_blank_owner_or_the_editable_test() -> None:
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if _is_blank_owner_test(node) or _is_editable_test(node):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")  # type: ignore[attr-defined]
    assert found == [], "use zonefix.bind.facts (repeats_owner, editable)"


#: The functions that may walk a file's entries reading $ORIGIN or $TTL:
#: find_origin's guess, made before reading (the resolver needs the origin
#: it finds), and the reread walk that drives a Resolver over the old
#: directives (it names them only to give up on others). The resolver
#: itself reads one directive at a time.
_WALKS_ALLOWED = {
    ("zonefix/zone.py", "find_origin"),
    ("zonefix/bind/reread.py", "_follow_to"),
}


def _names_origin_or_ttl(node: ast.AST) -> bool:
    """A comparison with the constant "$ORIGIN" or "$TTL"."""
    return isinstance(node, ast.Compare) and any(
        isinstance(c, ast.Constant) and c.value in ("$ORIGIN", "$TTL")
        for part in (node.left, *node.comparators)
        for c in ast.walk(part)
    )


def test_no_second_walk_of_the_origin_and_ttl_state() -> None:
    # Edits ask the resolver's state (ResolvedZone.marks, the origin and TTL
    # of each record) where they write a line: a function that loops over
    # entries and tells $ORIGIN or $TTL apart is working it out again.
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            loops = [
                n for n in ast.walk(function) if isinstance(n, ast.For | ast.While)
            ]
            if any(_names_origin_or_ttl(n) for loop in loops for n in ast.walk(loop)):
                where = (path.relative_to(ROOT).as_posix(), function.name)
                if where not in _WALKS_ALLOWED:
                    found.append(f"{where[0]}:{function.lineno} {function.name}")
    assert found == [], "ask the resolver (ResolvedZone.marks, RecordTable.origin)"


def test_the_walk_test_finds_the_walk_it_replaced() -> None:
    # The insertion point's walk as it was (bind/edits.py before the marks).
    source = """
def _in_force(zone, at):
    for entry in range(len(zone.tree)):
        fields = zone.tree.fields(entry)
        name = fields[0].text.upper()
        if name == "$ORIGIN":
            pass
        elif name == "$TTL":
            pass
"""
    loops = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.For)]
    assert any(_names_origin_or_ttl(n) for n in ast.walk(loops[0]))
