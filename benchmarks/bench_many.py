"""One zonefix call on many zone files against shell loops of BIND and Knot.

A DNS repository holds many small zones; a pre-commit run or a CI job checks
them all. This writes 500 zone files of about 50 records each (zones.py:
each its own seed), then times, alternated: ``zonefix --quiet DIR`` (every
rule, spread over the cores), ``for f in ...; do named-checkzone -i none
ZONE f; done`` and the same loop of ``kzonecheck``, over the same files, and
prints the ratios (target: zonefix at most 0.5 of the named-checkzone loop,
in wall time). The zones are realistic, so zonefix finds things in them
(mail domains without DMARC, for one): it exits 1, which is a finished run.

    python benchmarks/bench_many.py [--files 500] [--records 50] [--many-repeat 3]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
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
from zones import generator_name, make_many  # noqa: E402

TARGET = 0.5


def run(args: argparse.Namespace) -> list[Measured]:
    command = shlex.split(args.zonefix) if args.zonefix else zonefix_command()
    compile_zonefix(command)
    with tempfile.TemporaryDirectory(prefix="zonefix-many-") as tmp:
        folder = Path(tmp)
        progress(f"writing {args.files} zones\n")
        make_many(folder, args.files, args.records)

        def loop(checker: str) -> list[str]:
            script = (
                f"cd {shlex.quote(str(folder))} && for f in db.*; do "
                f'{checker} "$f" || exit 1; done'
            )
            return ["bash", "-c", script]

        progress(f"{args.files} files ")
        return alternate(
            [
                Tool(
                    "zonefix, one call",
                    [*command, "--quiet", str(folder)],
                    (0, 1),
                ),
                Tool(
                    "named-checkzone -i none, a loop",
                    loop('named-checkzone -q -i none "${f#db.}"'),
                ),
                Tool("kzonecheck, a loop", loop('kzonecheck -o "${f#db.}"')),
            ],
            args.many_repeat,
            args.many_timeout,
        )


def report(args: argparse.Namespace, results: list[Measured]) -> list[str]:
    bind = results[1]
    lines = [
        f"{args.files} files of {args.records} records ({generator_name()})",
        "",
        "| tool | wall | CPU | peak memory | wall / BIND loop |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {seconds(r.wall, r.failed)} | {seconds(r.cpu, r.failed)} "
            f"| {megabytes(r.peak, r.failed)} | {shown(ratio(r.wall, bind.wall))} |"
        )
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--records", type=int, default=50)
    parser.add_argument("--many-repeat", type=int, default=3)
    parser.add_argument("--many-timeout", type=float, default=600)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    parser.add_argument("--zonefix", help="the zonefix command")
    args = parser.parse_args()
    results = run(args)
    print("\n".join(report(args, results)))
    zonefix, bind = results[0], results[1]
    print(f"\nratio {shown(ratio(zonefix.wall, bind.wall))} (target <= {TARGET})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
