"""Each rule against its fixtures (fixtures/rules/ZFnnn/).

``<case>.zone`` must raise the rule; ``pass_<case>.zone`` must not. The
findings of every case are snapshots (tests/snapshots/rules/) a reviewer
reads like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import zonefix
from tests.conftest import FIXTURES, ROOT, load_fixture


def family(path: Path) -> list[str]:
    """The rules a fixture runs under: a ZF1 case is a zone-structure case,
    kept apart from the mail rules (which would add their own findings to
    any zone with an MX); a mail case runs every rule, since the mail
    families read one another's records."""
    code = path.parent.name
    return ["ZF0", "ZF1"] if code.startswith("ZF1") else ["ZF"]


RULE_FIXTURES = sorted(
    p
    for p in (FIXTURES / "rules").glob("ZF*/*.zone")
    if not p.name.endswith(".fixed.zone")
)


def findings_text(path: Path) -> str:
    zone = load_fixture(path)
    return "".join(
        f"{Path(d.file).relative_to(ROOT) if Path(d.file).is_absolute() else d.file}"
        f":{d.line}:{d.column}: {d.code.code} {d.message}\n"
        for d in zonefix.check(zone, select=family(path))
    )


@pytest.mark.parametrize(
    "path", RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_rule_fixture(path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    code = path.parent.name
    zone = load_fixture(path)
    codes = [d.code.code for d in zonefix.check(zone, select=family(path))]
    if path.name.startswith("pass_"):
        assert code not in codes
    else:
        assert code in codes
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots" / "rules" / code
    snapshot.assert_match(findings_text(path), path.name + ".txt")


def test_suppression_on_a_record_line_and_inside_parentheses() -> None:
    text = (
        "$ORIGIN example.net.\n$TTL 1h\n"
        "@ SOA ns hostmaster 1 2 3 4 5\n  NS ns\nns A 192.0.2.1\n"
        "www.example.org. A 192.0.2.2 ; zonefix: ignore[ZF109]\n"
        'x.example.org. TXT ( "a"   ; zonefix: ignore[ZF1]\n  "b" )\n'
        "y.example.org. A 192.0.2.3 ; zonefix: ignore[ZF111] (another code)\n"
    )
    zone = zonefix.parse_text(text)
    assert [(d.code.code, d.line) for d in zonefix.check(zone)] == [("ZF109", 9)]


def test_ignore_file_anywhere() -> None:
    text = (
        "$ORIGIN example.net.\n$TTL 1h\nns A 192.0.2.1\n"
        "; zonefix: ignore-file[ZF111, ZF113]\n"
    )
    zone = zonefix.parse_text(text)
    assert zonefix.check(zone) == []


def test_zf003_stops_every_other_rule() -> None:
    zone = zonefix.parse_text("$TTL 1h\nwww A 192.0.2.1\n", filename="zone.txt")
    assert [d.code.code for d in zonefix.check(zone)] == ["ZF003"]


def test_findings_in_an_included_file_equal_those_of_the_lines_inline(
    tmp_path: Path,
) -> None:
    # The same records read through $INCLUDE or written in the top file give
    # the same findings (code and message); only the place differs.
    head = (
        "$ORIGIN example.net.\n$TTL 1h\n@ SOA ns1 hostmaster 1 2h 1h 2w 5m\n"
        "@ NS ns1\nns1 A 192.0.2.53\n"
    )
    body = (
        "@ MX 5 mx1.qiye.aliyun.com\n"  # no final dot: ZF104, not ZF205
        "www CNAME web\n"  # no records at web: ZF117
        "www.example.net A 192.0.2.80\n"  # repeats the origin: ZF104
    )
    (tmp_path / "body.inc").write_text(body)
    (tmp_path / "db.example.net").write_text(head + "$INCLUDE body.inc\n")
    (tmp_path / "inline.example.net").write_text(head + body)
    included = zonefix.parse_file(tmp_path / "db.example.net")
    inline = zonefix.parse_file(tmp_path / "inline.example.net", "example.net.")

    def found(zone: zonefix.Zone) -> list[tuple[str, str]]:
        return sorted((d.code.code, d.message) for d in zonefix.check(zone))

    assert found(included) == found(inline)
    codes = [code for code, _ in found(inline)]
    assert "ZF104" in codes
    assert "ZF205" not in codes
    # In the included file, where it is; no fix: zonefix writes no other file.
    dotless = [d for d in zonefix.check(included) if d.code.code == "ZF104"]
    assert {Path(d.file).name for d in dotless} == {"body.inc"}
    assert all(d.fix is None for d in dotless)
