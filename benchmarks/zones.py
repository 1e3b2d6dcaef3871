"""The zones the benchmarks read, written by a separate process.

Zones of N records come from ../shared/bench/gen_zone.py, run in place, when
the repository sits beside ../shared (as issue 11 measured them); otherwise
from benchmarks/genzone.py, which writes zones of the same mail density.

The benchmark process asks for them through make() and friends, which run
this file: a process that once held a million-record zone's text would pass
its peak memory on to every process it starts (the kernel counts a child's
memory from before its exec), and the figures of small runs would be wrong.

    python benchmarks/zones.py zone PATH RECORDS [SEED] [FIXABLE]
    python benchmarks/zones.py many FOLDER FILES RECORDS
    python benchmarks/zones.py changes BEFORE AFTER
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED_GENERATOR = HERE.parent.parent / "shared" / "bench" / "gen_zone.py"
ORIGIN = "example.net"


def generator_name() -> str:
    return (
        "../shared/bench/gen_zone.py"
        if SHARED_GENERATOR.is_file()
        else "benchmarks/genzone.py"
    )


# ------------------------------------------------- asked for by the benchmarks


def _run(*args: object) -> str:
    return subprocess.run(
        [sys.executable, str(Path(__file__)), *(str(a) for a in args)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def make(path: Path, records: int, seed: int = 1, fixable: int = 0) -> None:
    """A zone of *records* records for example.net. at *path*, with
    *fixable* findings that have safe fixes spread through it."""
    _run("zone", path, records, seed, fixable)


def make_many(folder: Path, files: int, records: int) -> None:
    """*files* zones of *records* records, db.zone<n>.example, each from
    its own seed."""
    _run("many", folder, files, records)


def changes(before: Path, after: Path) -> int:
    """How many places (runs of changed lines) differ between two files."""
    return int(_run("changes", before, after))


# ------------------------------------------------------- done in this process


@cache
def _shared_generator() -> Any:
    """../shared/bench/gen_zone.py, loaded from where it is."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_zone", SHARED_GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def zone_text(records: int, seed: int = 1) -> str:
    if SHARED_GENERATOR.is_file():
        return str(_shared_generator().Gen(records, seed).run())
    sys.path.insert(0, str(HERE))
    from genzone import generate

    return generate(records)


def fixable_findings(count: int) -> list[str]:
    """Lines holding *count* findings with safe fixes, in turn: a record
    written twice (ZF107), an RRset with two TTLs (ZF108), a CNAME target
    meant absolute (ZF104)."""
    blocks = []
    for k in range(count):
        kind = k % 3
        if kind == 0:
            line = f"dup{k}.{ORIGIN}.\tIN\tA\t192.0.2.{k + 1}\n"
            blocks.append(line + line)
        elif kind == 1:
            blocks.append(
                f"ttl{k}.{ORIGIN}.\t300\tIN\tA\t192.0.2.{k + 1}\n"
                f"ttl{k}.{ORIGIN}.\t600\tIN\tA\t198.51.100.{k + 1}\n"
            )
        else:
            blocks.append(f"alias{k}.{ORIGIN}.\tIN\tCNAME\twww.example.org\n")
    return blocks


def with_fixable_findings(text: str, count: int) -> str:
    """*text* with fixable_findings(count) spread through it, each put
    before a line that starts a record with its own owner, outside
    parentheses (so no blank-owner line changes owner)."""
    if count == 0:
        return text
    lines = text.splitlines(keepends=True)
    starts = []
    depth = 0
    for number, line in enumerate(lines):
        if depth == 0 and line[:1].isalnum():
            starts.append(number)
        depth += _paren_change(line)
    blocks = fixable_findings(count)
    wanted = {
        starts[(k + 1) * len(starts) // (count + 1)]: block
        for k, block in enumerate(blocks)
    }
    return "".join(wanted.get(n, "") + line for n, line in enumerate(lines))


def _paren_change(line: str) -> int:
    """Parentheses opened minus closed on *line*, outside quotes and
    comments."""
    change = 0
    quoted = escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted:
            if char == ";":
                break
            change += (char == "(") - (char == ")")
    return change


def _count_changes(before: Path, after: Path) -> int:
    import difflib

    a = before.read_text(encoding="utf-8").splitlines()
    b = after.read_text(encoding="utf-8").splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(1 for op in matcher.get_opcodes() if op[0] != "equal")


def main(argv: list[str]) -> int:
    what, *args = argv
    if what == "zone":
        path, records, seed, fixable = Path(args[0]), *map(int, args[1:])
        text = with_fixable_findings(zone_text(records, seed), fixable)
        path.write_text(text, encoding="utf-8")
    elif what == "many":
        folder, files, records = Path(args[0]), int(args[1]), int(args[2])
        for n in range(files):
            text = zone_text(records, seed=n + 1).replace(ORIGIN, f"zone{n}.example")
            (folder / f"db.zone{n}.example").write_text(text, encoding="utf-8")
    elif what == "changes":
        print(_count_changes(Path(args[0]), Path(args[1])))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
