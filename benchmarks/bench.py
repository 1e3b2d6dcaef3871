"""Every benchmark of issue 11, then its targets with the measured ratios.

Runs bench_parse.py (big zones, cold start, --write) and bench_many.py
(many small files) in one go and ends with a markdown table: each target,
the ratio measured in this run, and whether it holds. `make bench` runs it;
`make bench BENCH_SIZES=1000,100000` leaves out the 1M zone (minutes).

    python benchmarks/bench.py [--sizes 1000,100000,1000000] [--timeout 600]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_many  # noqa: E402
import bench_parse  # noqa: E402
from measure import Measured, ratio  # noqa: E402

# The columns of bench_parse's size rows.
ALL_RULES, READING, BIND = 0, 1, 2


def target_rows(
    parsed: bench_parse.Results, many: list[Measured], files: int, records: int
) -> list[tuple[str, str, float | None, float, str | None]]:
    """(target, what is divided by what, ratio, limit, why there is none)."""
    rows = []

    def size(
        records: int, ours: int, theirs: int, what: str
    ) -> tuple[float | None, str | None]:
        measured = parsed.sizes.get(records)
        if measured is None:
            return None, "not run"
        a, b = measured[ours], measured[theirs]
        failed = a.failed or b.failed
        if failed:
            return None, failed
        value = a.peak if what == "peak" else a.cpu
        other = b.peak if what == "peak" else b.cpu
        return ratio(value, other), None

    value, why = size(1_000_000, ALL_RULES, BIND, "cpu")
    rows.append(
        (
            "1M records, every rule: CPU",
            "zonefix / named-checkzone -i none",
            value,
            5.0,
            why,
        )
    )
    value, why = size(1_000_000, READING, BIND, "cpu")
    rows.append(
        (
            "1M records, reading only (ZF0): CPU",
            "zonefix / named-checkzone -i none",
            value,
            2.0,
            why,
        )
    )
    value, why = size(100_000, ALL_RULES, READING, "cpu")
    rows.append(
        ("100k records, every rule: CPU", "every rule / reading only", value, 1.5, why)
    )
    value, why = size(1_000_000, ALL_RULES, BIND, "peak")
    rows.append(
        (
            "1M records, every rule: peak memory",
            "zonefix / named-checkzone",
            value,
            1.0,
            why,
        )
    )
    cold = parsed.cold
    rows.append(
        (
            "cold start, 20 records, every rule: wall",
            'zonefix / python -c "import dns.zone"',
            ratio(cold[ALL_RULES].wall, cold[3].wall),
            0.7,
            cold[ALL_RULES].failed,
        )
    )
    lint, write = parsed.write
    rows.append(
        (
            f"--write at {parsed.write_records:,} records, a dozen fixes "
            f"({parsed.write_select}): CPU",
            "--write / lint",
            ratio(write.cpu, lint.cpu),
            1.5,
            write.failed or lint.failed,
        )
    )
    rows.append(
        (
            f"{files} files of ~{records} records: wall",
            "zonefix / named-checkzone loop",
            ratio(many[0].wall, many[1].wall),
            0.5,
            many[0].failed or many[1].failed,
        )
    )
    # Not a target of the issue, but what the fast path was for.
    value, why = size(100_000, READING, BIND, "cpu")
    rows.append(
        (
            "100k records, reading only (ZF0): CPU (for reference)",
            "zonefix / named-checkzone -i none",
            value,
            2.0,
            why,
        )
    )
    return rows


def targets_table(
    rows: list[tuple[str, str, float | None, float, str | None]],
) -> list[str]:
    lines = [
        "| target | ratio | measured | limit | result |",
        "|---|---|---:|---:|---|",
    ]
    for target, what, value, limit, why in rows:
        if value is None:
            measured, result = "-", why or "no figure"
        else:
            measured = f"{value:.2f}"
            result = "pass" if value <= limit else "FAIL"
        lines.append(f"| {target} | {what} | {measured} | ≤ {limit:g} | {result} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    bench_parse.add_arguments(parser)
    bench_many.add_arguments(parser)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    parsed = bench_parse.run(args)
    many = bench_many.run(args)
    lines = [
        f"zonefix benchmarks, {date.today()}, Python {platform.python_version()}, "
        f"{platform.machine()}",
        "",
        *bench_parse.report(parsed),
        *bench_many.report(args, many),
        "",
        "Targets of issue 11",
        "",
        *targets_table(target_rows(parsed, many, args.files, args.records)),
    ]
    print("\n".join(lines))
    if args.json:
        figures = {
            "sizes": {str(k): [asdict(m) for m in v] for k, v in parsed.sizes.items()},
            "cold_start": [asdict(m) for m in parsed.cold],
            "write": [asdict(m) for m in parsed.write],
            "many": [asdict(m) for m in many],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
