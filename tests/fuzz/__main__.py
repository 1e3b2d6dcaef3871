"""``make fuzz``: a million mutated zones over the cores, and a summary.

    python -m tests.fuzz [--inputs N] [--jobs J] [--seed S] [--out DIR]

Each input is a seed fixture with 1-8 random mutation steps (see engine).
Progress goes to standard error every 10,000 inputs; at the end, the
summary: inputs, properties broken by kind, fix runs refused by reason,
the slowest input. Every input that broke a property is written to DIR
(default .cache/fuzz) with what it broke, to become a regression test.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.fuzz.engine import KINDS, PROVIDERS, check_input, mutate, seeds

CHUNK = 500


def _work(
    task: tuple[int, int],
) -> tuple[int, Counter[str], Counter[str], list[dict[str, object]], float]:
    """Check inputs start..start+count-1 (each its own random stream)."""
    start, count = task
    all_seeds = seeds()
    broken: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    failures: list[dict[str, object]] = []
    slowest = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for number in range(start, start + count):
            rng = random.Random(number)
            name, data = all_seeds[rng.randrange(len(all_seeds))]
            steps = [
                (
                    rng.randrange(len(KINDS)),
                    rng.randrange(1 << 16),
                    rng.randrange(1 << 16),
                )
                for _ in range(rng.randint(1, 8))
            ]
            provider = PROVIDERS[rng.randrange(len(PROVIDERS))]
            mutated = mutate(data, steps)
            verdict = check_input(mutated, name, Path(folder), provider)
            slowest = max(slowest, verdict.seconds)
            if verdict.refused:
                refused[verdict.refused] += 1
            for what in verdict.broken:
                kind = what.split(":")[0]
                broken[kind] += 1
                if broken[kind] <= 20:  # enough of each kind to study
                    failures.append(
                        {
                            "input": number,
                            "seed": name,
                            "provider": provider,
                            "steps": steps,
                            "broken": what,
                            "data": mutated.decode("latin-1"),
                        }
                    )
    return count, broken, refused, failures, slowest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="first input number")
    parser.add_argument("--out", default=".cache/fuzz")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [
        (args.seed + at, min(CHUNK, args.inputs - at))
        for at in range(0, args.inputs, CHUNK)
    ]
    done = 0
    broken: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    slowest = 0.0
    started = time.time()
    failures_file = out / "failures.jsonl"

    def summary() -> str:
        return json.dumps(
            {
                "inputs": done,
                "seconds": round(time.time() - started),
                "broken": dict(broken),
                "refused": dict(refused),
                "slowest check (s)": round(slowest, 3),
                "failures": str(failures_file),
            },
            indent=2,
        )

    # Stopped by a signal (kill, or Ctrl-C where the shell did not ignore
    # it for a background job): the summary of what was done so far.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    with (
        multiprocessing.get_context("fork").Pool(args.jobs, _work_init) as pool,
        failures_file.open("w", encoding="utf-8") as failures,
    ):
        try:
            for count, b, r, found, slow in pool.imap_unordered(_work, tasks):
                done += count
                broken.update(b)
                refused.update(r)
                slowest = max(slowest, slow)
                for failure in found:
                    failures.write(json.dumps(failure) + "\n")
                failures.flush()
                if done % 10_000 < CHUNK:
                    rate = done / (time.time() - started)
                    print(
                        f"{done:,} inputs, {sum(broken.values())} broken, {rate:.0f}/s",
                        file=sys.stderr,
                        flush=True,
                    )
                    (out / "summary.json").write_text(summary() + "\n")
        except KeyboardInterrupt:
            pool.terminate()
            print("interrupted", file=sys.stderr)
    print(summary())
    (out / "summary.json").write_text(summary() + "\n")
    return 1 if broken else 0


def _work_init() -> None:
    # The pool's workers leave stopping to the parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
