"""zonefix against dnspython's own zone parser, in one run.

For zones of 1k, 100k and 1M records (benchmarks/genzone.py), it times
``zonefix FILE`` (read, parse, check every rdata, report) against
``dns.zone.from_file(FILE)`` on the same file, each in a fresh process, and
reads each process's peak memory from the kernel (``wait4``). Then it times
cold start: ``zonefix`` on a 20-record zone against
``python -c "import dns.zone"``. Machines here are noisy, so it reports
ratios, taking the median of several runs.

    python benchmarks/bench_parse.py                   # all sizes
    python benchmarks/bench_parse.py --sizes 1000,100000 --repeat 5
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from genzone import generate  # noqa: E402

# Targets from the foundation issue.
WALL_TARGET = 0.8  # zonefix / dnspython wall time, at 100k and 1M records
MEMORY_TARGET = 0.5  # zonefix / dnspython peak memory, at 100k and 1M records
COLD_TARGET = 1.2  # zonefix on 20 records / python -c "import dns.zone"


def zonefix_command() -> list[str]:
    script = Path(sys.executable).parent / "zonefix"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zonefix"]


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {stderr}")
    return elapsed, usage.ru_maxrss * 1024  # ru_maxrss is in KiB on Linux


def median_run(command: list[str], repeat: int) -> tuple[float, int]:
    runs = [measure(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def bench_size(path: Path, records: int, repeat: int) -> dict[str, float]:
    loader = f"import dns.zone; dns.zone.from_file({str(path)!r})"
    # Alternate the two so that load on the machine falls on both alike.
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(measure([*zonefix_command(), "--quiet", str(path)]))
        theirs.append(measure([sys.executable, "-c", loader]))
    zf_wall = statistics.median(r[0] for r in ours)
    dp_wall = statistics.median(r[0] for r in theirs)
    zf_mem = max(r[1] for r in ours)
    dp_mem = max(r[1] for r in theirs)
    return {
        "records": records,
        "zonefix_s": zf_wall,
        "dnspython_s": dp_wall,
        "zonefix_rps": records / zf_wall,
        "dnspython_rps": records / dp_wall,
        "wall_ratio": zf_wall / dp_wall,
        "zonefix_mb": zf_mem / 2**20,
        "dnspython_mb": dp_mem / 2**20,
        "memory_ratio": zf_mem / dp_mem,
    }


def bench_cold_start(path: Path, repeat: int) -> dict[str, float]:
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(measure([*zonefix_command(), "--quiet", str(path)])[0])
        theirs.append(measure([sys.executable, "-c", "import dns.zone"])[0])
    return {
        "zonefix_ms": statistics.median(ours) * 1000,
        "import_dns_zone_ms": statistics.median(theirs) * 1000,
        "ratio": statistics.median(ours) / statistics.median(theirs),
        "zonefix_min_ms": min(ours) * 1000,
        "import_dns_zone_min_ms": min(theirs) * 1000,
        "ratio_of_minimums": min(ours) / min(theirs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (1M: 1)")
    parser.add_argument("--cold-repeat", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    # Compiled modules, as an installed package has them (a checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise recompile zonefix every start).
    import zonefix

    compileall.compile_dir(Path(zonefix.__file__).parent, quiet=1)

    results: dict[str, object] = {"python": sys.version.split()[0]}
    rows = []
    with tempfile.TemporaryDirectory(prefix="zonefix-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"db.example-{size}.net"
            path.write_text(generate(size), encoding="utf-8")
            repeat = 1 if size >= 1_000_000 else args.repeat
            print(f"{size} records ...", file=sys.stderr, flush=True)
            rows.append(bench_size(path, size, repeat))
        small = Path(tmp) / "db.example.net"
        small.write_text(generate(20), encoding="utf-8")
        print("cold start ...", file=sys.stderr, flush=True)
        cold = bench_cold_start(small, args.cold_repeat)
    results["sizes"] = rows
    results["cold_start"] = cold

    print(
        "| records | zonefix | dnspython | wall ratio | zonefix rec/s | dnspython rec/s "
        "| zonefix peak | dnspython peak | memory ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['records']:,} | {r['zonefix_s']:.2f} s | {r['dnspython_s']:.2f} s "
            f"| {r['wall_ratio']:.2f} | {r['zonefix_rps']:,.0f} | {r['dnspython_rps']:,.0f} "
            f"| {r['zonefix_mb']:.0f} MB | {r['dnspython_mb']:.0f} MB "
            f"| {r['memory_ratio']:.2f} |"
        )
    print()
    print(
        f"cold start, 20 records: zonefix {cold['zonefix_ms']:.0f} ms, "
        f"python -c 'import dns.zone' {cold['import_dns_zone_ms']:.0f} ms: "
        f"ratio {cold['ratio']:.2f} (of the fastest runs: {cold['ratio_of_minimums']:.2f})"
    )
    print()
    print(
        f"targets: wall <= {WALL_TARGET}, memory <= {MEMORY_TARGET} (100k and 1M); "
        f"cold start <= {COLD_TARGET}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
