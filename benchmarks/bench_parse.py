"""zonefix against BIND, Knot and dnspython on big zones, in one run.

For zones of 1k, 100k and 1M records (benchmarks/zones.py), it times, each
as a fresh process and alternated: ``zonefix FILE`` (every rule),
``zonefix --select ZF0 FILE`` (reading only), ``named-checkzone -i none``,
``kzonecheck`` and ``dns.zone.from_file``. Then cold start on a 20-record
zone against ``python -c pass`` and ``python -c "import dns.zone"``, and
``zonefix --write`` on a 100k zone with a dozen fixable findings against
the lint of that zone. CPU and wall medians, peak memory, ratios.

    python benchmarks/bench_parse.py                         # all sizes
    python benchmarks/bench_parse.py --sizes 1000,100000 --repeat 5
    python benchmarks/bench_parse.py --zonefix "python -m zonefix"

A run over its time limit (--timeout) is killed and shown as "timeout".
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import (  # noqa: E402
    Measured,
    Tool,
    alternate,
    compile_zonefix,
    megabytes,
    progress,
    ratio,
    seconds,
    shown,
    zonefix_command,
)
from zones import ORIGIN, changes, generator_name, make  # noqa: E402

#: zonefix exits 1 when it finds something: a finished run all the same.
FOUND = (0, 1)


@dataclass
class Options:
    zonefix: list[str]
    repeat: int
    timeout: float


def big_zone_tools(path: Path, options: Options) -> list[Tool]:
    loader = f"import dns.zone; dns.zone.from_file({str(path)!r})"
    return [
        Tool("zonefix, every rule", [*options.zonefix, "--quiet", str(path)], FOUND),
        Tool(
            "zonefix, reading (ZF0)",
            [*options.zonefix, "--quiet", "--select", "ZF0", str(path)],
            FOUND,
        ),
        Tool(
            "named-checkzone -i none",
            ["named-checkzone", "-q", "-i", "none", ORIGIN, str(path)],
        ),
        Tool("kzonecheck", ["kzonecheck", "-o", ORIGIN, str(path)]),
        Tool("dns.zone.from_file", [sys.executable, "-c", loader]),
    ]


def bench_size(folder: Path, records: int, options: Options) -> list[Measured]:
    path = folder / f"db.{ORIGIN}-{records}"
    make(path, records)
    progress(f"{records:,} records ")
    repeat = 1 if records >= 1_000_000 else options.repeat
    try:
        return alternate(big_zone_tools(path, options), repeat, options.timeout)
    finally:
        path.unlink()


def bench_cold_start(folder: Path, options: Options, repeat: int) -> list[Measured]:
    path = folder / f"db.{ORIGIN}"
    make(path, 20)
    progress("cold start ")
    return alternate(
        [
            Tool(
                "zonefix, every rule", [*options.zonefix, "--quiet", str(path)], FOUND
            ),
            Tool(
                "zonefix, reading (ZF0)",
                [*options.zonefix, "--quiet", "--select", "ZF0", str(path)],
                FOUND,
            ),
            Tool("python -c pass", [sys.executable, "-c", "pass"]),
            Tool(
                'python -c "import dns.zone"', [sys.executable, "-c", "import dns.zone"]
            ),
        ],
        repeat,
        options.timeout,
    )


def bench_write(
    folder: Path, records: int, select: str, options: Options
) -> tuple[list[Measured], int]:
    """--write on a zone with a dozen fixable findings, against the lint of
    the same zone; and how many hunks the write changed."""
    original = folder / "broken.zone"
    make(original, records, fixable=12)
    path = folder / f"db.{ORIGIN}"

    def fresh_copy() -> None:
        shutil.copyfile(original, path)

    selection = ["--select", select]
    progress(f"--write at {records:,} records ")
    results = alternate(
        [
            Tool(
                f"zonefix {select} (lint)",
                [*options.zonefix, "--quiet", *selection, str(path)],
                FOUND,
                fresh_copy,
            ),
            Tool(
                f"zonefix {select} --write",
                [*options.zonefix, "--quiet", "--write", *selection, str(path)],
                FOUND,
                fresh_copy,
            ),
        ],
        options.repeat,
        options.timeout,
    )
    # The last run was a --write: what it changed.
    changed = changes(original, path) if results[1].ok else 0
    return results, changed


def size_table(records: int, results: list[Measured]) -> list[str]:
    """A markdown table of one size, with ratios to named-checkzone."""
    bind = results[2]
    lines = [
        f"{records:,} records ({generator_name()})",
        "",
        "| tool | CPU | wall | peak memory | CPU / BIND | wall / BIND | memory / BIND |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {seconds(r.cpu, r.failed)} | {seconds(r.wall, r.failed)} "
            f"| {megabytes(r.peak, r.failed)} | {shown(ratio(r.cpu, bind.cpu))} "
            f"| {shown(ratio(r.wall, bind.wall))} | {shown(ratio(r.peak, bind.peak))} |"
        )
    return lines


def plain_table(title: str, results: list[Measured], against: Measured) -> list[str]:
    lines = [
        title,
        "",
        f"| tool | CPU | wall | peak memory | wall / {against.name} |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {seconds(r.cpu, r.failed)} | {seconds(r.wall, r.failed)} "
            f"| {megabytes(r.peak, r.failed)} | {shown(ratio(r.wall, against.wall))} |"
        )
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool (1M: 1)")
    parser.add_argument("--cold-repeat", type=int, default=30)
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds before a run is killed"
    )
    parser.add_argument(
        "--write-records", type=int, default=100_000, help="the --write zone's size"
    )
    parser.add_argument(
        "--write-select",
        default="ZF0,ZF1",
        help="the rules of the --write comparison (the generated zones' mail "
        "records draw hundreds of mail fixes: ZF to see them all)",
    )
    parser.add_argument(
        "--zonefix", help="the zonefix command (default: the one beside this Python)"
    )


def options_from(args: argparse.Namespace) -> Options:
    command = shlex.split(args.zonefix) if args.zonefix else zonefix_command()
    compile_zonefix(command)
    return Options(command, args.repeat, args.timeout)


@dataclass
class Results:
    sizes: dict[int, list[Measured]]
    cold: list[Measured]
    write: list[Measured]
    write_changes: int
    write_records: int
    write_select: str


def run(args: argparse.Namespace) -> Results:
    options = options_from(args)
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="zonefix-bench-") as tmp:
        folder = Path(tmp)
        for records in (int(s) for s in args.sizes.split(",") if s):
            sizes[records] = bench_size(folder, records, options)
        cold = bench_cold_start(folder, options, args.cold_repeat)
        write, changes = bench_write(
            folder, args.write_records, args.write_select, options
        )
    return Results(sizes, cold, write, changes, args.write_records, args.write_select)


def report(results: Results) -> list[str]:
    lines: list[str] = []
    for records, measured in results.sizes.items():
        lines += [*size_table(records, measured), ""]
    lines += [
        *plain_table("Cold start, 20 records", results.cold, results.cold[3]),
        "",
        *plain_table(
            f"--write at {results.write_records:,} records with a dozen fixable "
            f"findings ({results.write_changes} places changed)",
            results.write,
            results.write[0],
        ),
        "",
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    print("\n".join(report(run(parser.parse_args()))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
