"""The ecosystem check: zonefix over the zones real organisations keep in
git (../shared/realworld), against a reviewed snapshot of its findings.

``findings.tsv`` holds every finding zonefix gives on those zones (file,
line, column, code, message) with the team's verdict on it: ``right``
(an operator would agree, by the RFCs and the providers' documentation),
``noise`` (true but not worth the owner's time) or ``wrong``. A change of
finding fails tests/test_ecosystem.py until the snapshot is reviewed again:
``python -m tests.ecosystem --update`` writes the new findings, keeping the
verdicts of those that did not change and marking the others
``unreviewed``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import zonefix
import zonefix.rules

if TYPE_CHECKING:
    from zonefix.formats.bridge import Bridged
from zonefix.diagnostics import Diagnostic, once_per_place
from zonefix.fixer import fix
from zonefix.rules import select_rules

ROOT = Path(__file__).resolve().parent.parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld"
SNAPSHOT = Path(__file__).resolve().parent / "findings.tsv"
VERDICTS = ("right", "noise", "wrong", "unreviewed")
HEADER = ["file", "line", "column", "code", "message", "verdict", "note"]


class Zone(NamedTuple):
    """One row of the manifest: a zone file and how to read it."""

    file: str
    origin: str
    pass_origin: bool
    kind: str

    @property
    def path(self) -> Path:
        return REALWORLD / "zones" / self.file

    @property
    def repository(self) -> Path:
        """The folder of the repository the zone comes from (its include
        root, as the repository's git work tree would be)."""
        return REALWORLD / "zones" / self.file.split("/", 1)[0]


class Finding(NamedTuple):
    file: str
    line: int
    column: int
    code: str
    message: str

    @property
    def key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


class Reviewed(NamedTuple):
    finding: Finding
    verdict: str
    note: str


def manifest() -> list[Zone]:
    rows = []
    with open(REALWORLD / "manifest.tsv", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            file, origin, pass_origin, kind = line.rstrip("\n").split("\t")
            rows.append(Zone(file, origin, pass_origin == "yes", kind))
    return rows


def parse(zone: Zone) -> zonefix.Zone:
    return zonefix.parse_file(
        zone.path,
        origin=zone.origin if zone.pass_origin else None,
        include_root=zone.repository,
    )


def findings(zone: Zone, parsed: zonefix.Zone | None = None) -> list[Finding]:
    """zonefix's findings on *zone*, every rule, no configuration."""
    return [_finding(d) for d in zonefix.check(parsed or parse(zone))]


def _finding(d: Diagnostic, base: Path = REALWORLD / "zones") -> Finding:
    file = Path(d.file).resolve().relative_to(base.resolve()).as_posix()
    return Finding(file, d.line, d.column, d.code.code, d.message)


def format_files() -> list[Path]:
    """The real exports of a format zonefix recognises (exports/octodns/
    holds octoDNS zones and a Google Cloud DNS export)."""
    from zonefix.formats import is_zone_file

    folder = REALWORLD / "exports"
    return sorted(p for p in folder.glob("*/*/*") if is_zone_file(p))


def read_format(path: Path) -> Bridged:
    """One real export, read by the reader its name and content call for,
    with the bridge to the rules."""
    from zonefix.document import ReadSettings
    from zonefix.formats import HEAD, bridge, reader_for

    data = path.read_bytes()
    reader = reader_for(path.name, data[:HEAD])
    assert reader is not None, path
    return bridge.Bridged(reader(str(path), data, ReadSettings()))


def format_findings(path: Path) -> list[Diagnostic]:
    """zonefix's findings on one export, every rule, no configuration."""
    from zonefix.formats import bridge

    return bridge.check(read_format(path), select_rules(), None)


def all_findings() -> list[Finding]:
    """Every zone's findings, as one run over the repositories reports them:
    a line of a file several zones include, once (once_per_place); then the
    octoDNS zones' (their files named from realworld/, exports/octodns/...)."""
    zones = manifest()
    found = [d for zone in zones for d in zonefix.check(parse(zone))]
    tops = {str(zone.path) for zone in zones}
    octo = [_finding(d, REALWORLD) for p in format_files() for d in format_findings(p)]
    return [_finding(d) for d in once_per_place(found, tops)] + octo


def read_snapshot(path: Path = SNAPSHOT) -> list[Reviewed]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == HEADER, f"{path}: unexpected header"
    rows = []
    for line in lines[1:]:
        file, row, col, code, message, verdict, note = line.split("\t")
        finding = Finding(file, int(row), int(col), code, _unescape(message))
        rows.append(Reviewed(finding, verdict, note))
    return rows


def write_snapshot(rows: list[Reviewed], path: Path = SNAPSHOT) -> None:
    lines = ["\t".join(HEADER)]
    for row in rows:
        f = row.finding
        fields = [f.file, str(f.line), str(f.column), f.code, _escape(f.message)]
        lines.append("\t".join([*fields, row.verdict, row.note]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _escape(text: str) -> str:
    """One line, no tab: a message's backslashes, tabs and line ends
    written as escapes (a finding quotes the zone, which may hold them)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"t": "\t", "n": "\n"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def updated(found: list[Finding], old: list[Reviewed]) -> list[Reviewed]:
    """*found* with the verdicts *old* gave the same findings; a finding
    that is new, or whose message changed, is unreviewed."""
    verdicts = {r.finding.key: r for r in old}
    # A finding that only moved (same file, code and message) keeps its
    # verdict too: a line added above it is no change of judgement.
    moved = {(r.finding.file, r.finding.code, r.finding.message): r for r in old}
    rows = []
    for f in found:
        known = verdicts.get(f.key) or moved.get((f.file, f.code, f.message))
        rows.append(
            Reviewed(f, known.verdict, known.note)
            if known is not None
            else Reviewed(f, "unreviewed", "")
        )
    return rows


def table(rows: list[Reviewed]) -> str:
    """The judgement table: findings by code and verdict (markdown)."""
    by_code: dict[str, Counter[str]] = {}
    for row in rows:
        by_code.setdefault(row.finding.code, Counter())[row.verdict] += 1
    lines = [
        "| code | findings | right | noise | wrong | unreviewed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    total: Counter[str] = Counter()
    for code in sorted(by_code):
        counts = by_code[code]
        total.update(counts)
        lines.append(
            f"| {code} | {sum(counts.values())} | "
            + " | ".join(str(counts[v]) for v in VERDICTS)
            + " |"
        )
    lines.append(
        f"| **all** | **{sum(total.values())}** | "
        + " | ".join(f"**{total[v]}**" for v in VERDICTS)
        + " |"
    )
    return "\n".join(lines) + "\n"


def named_checkzone(zone: Zone, text: bytes | None = None) -> bool:
    """Whether BIND loads the zone (as written, or with *text* in its place),
    run from the zone's folder as the repository's own checks run it."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / zone.repository.name
        shutil.copytree(zone.repository, copy)
        target = copy / zone.file.split("/", 1)[1]
        target.chmod(0o644)
        if text is not None:
            target.write_bytes(text)
        result = subprocess.run(
            ["named-checkzone", zone.origin, target.name],
            cwd=target.parent,
            capture_output=True,
            check=False,
        )
        return result.returncode == 0


def fixed_text(zone: Zone, unsafe: bool = False) -> tuple[bytes, zonefix.Zone]:
    """What --write (with --unsafe-fixes when asked) makes of the zone."""
    parsed = parse(zone)
    result = fix(parsed, rules=select_rules(), unsafe=unsafe)
    return parsed.source.encode(result.text), parsed


def unreviewed(rows: list[Reviewed]) -> Iterator[Reviewed]:
    return (r for r in rows if r.verdict not in VERDICTS[:3])
