"""Timing whole processes: CPU, wall and peak memory, from the kernel.

Each run is a fresh process (start-up counts, as it does for a user), timed
from its start to its end; its CPU time and peak resident memory come from
``os.wait4``, which on Linux includes the processes it started and waited
for (a shell loop's named-checkzone runs, zonefix's worker processes).
Several tools are measured in one run, alternated, so that load on a shared
machine falls on all of them alike; the medians are reported. A run that
passes its time limit is killed (with its process group) and reported as
"timeout", not waited for.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    """One process: seconds of wall and CPU time, peak resident bytes."""

    wall: float
    cpu: float
    peak: int


@dataclass
class Measured:
    """The runs of one command; failed is why it has none ("timeout", ...)."""

    name: str
    runs: list[Run] = field(default_factory=list)
    failed: str | None = None

    @property
    def wall(self) -> float | None:
        return statistics.median(r.wall for r in self.runs) if self.ok else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(r.cpu for r in self.runs) if self.ok else None

    @property
    def peak(self) -> int | None:
        return max(r.peak for r in self.runs) if self.ok else None

    @property
    def ok(self) -> bool:
        return self.failed is None and bool(self.runs)


class Failed(Exception):
    """A run did not finish as it should (killed at its time limit, or an
    exit status that means it could not do its work)."""


def run_once(
    command: Sequence[str],
    timeout: float,
    ok_status: Sequence[int] = (0,),
    before: Callable[[], None] | None = None,
) -> Run:
    """Run *command* once; *before* prepares its input (untimed).

    The process is forked (not spawned with vfork, as subprocess does), so
    the peak memory the kernel reports for it starts from this process's
    current size, a dozen megabytes, not from its peak.
    """
    if before is not None:
        before()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child: its own process group, so a kill takes all
            try:
                os.setsid()
                devnull = os.open(os.devnull, os.O_RDWR)
                os.dup2(devnull, 0)
                os.dup2(devnull, 1)
                os.dup2(errors.fileno(), 2)
                os.execvp(command[0], list(command))
            finally:
                os._exit(127)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if killed.is_set():
        raise Failed("timeout")
    if code not in ok_status:
        last = stderr.strip().splitlines()[-1:] or [""]
        raise Failed(f"exit {code}: {last[0][:80]}")
    # ru_maxrss is in KiB on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


@dataclass
class Tool:
    """A command to measure, and what it needs before each run."""

    name: str
    command: list[str]
    ok_status: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None


def alternate(tools: Sequence[Tool], repeat: int, timeout: float) -> list[Measured]:
    """Run each tool *repeat* times, one of each in turn. A tool that fails
    once is not run again."""
    results = [Measured(t.name) for t in tools]
    for _ in range(repeat):
        for tool, result in zip(tools, results, strict=True):
            if result.failed is not None:
                continue
            try:
                result.runs.append(
                    run_once(tool.command, timeout, tool.ok_status, tool.before)
                )
            except Failed as failure:
                result.failed = str(failure)
            progress(".")
    progress("\n")
    return results


def progress(text: str) -> None:
    print(text, end="", file=sys.stderr, flush=True)


def compile_zonefix(command: Sequence[str]) -> None:
    """Byte-compile zonefix's modules, as an installed package has them (a
    checkout would otherwise compile them on the first runs). In a process
    of its own, to keep this one small."""
    python = command[0] if "python" in Path(command[0]).name else sys.executable
    script = (
        "import compileall, os, zonefix; "
        "compileall.compile_dir(os.path.dirname(zonefix.__file__), quiet=1)"
    )
    os.spawnv(os.P_WAIT, python, [python, "-c", script])


def zonefix_command() -> list[str]:
    """zonefix as installed beside this Python (the virtualenv's script)."""
    script = Path(sys.executable).parent / "zonefix"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zonefix"]


def seconds(value: float | None, failed: str | None = None) -> str:
    if value is None:
        return failed or "-"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def megabytes(value: int | None, failed: str | None = None) -> str:
    if value is None:
        return failed or "-"
    return f"{value / 2**20:.0f} MB"


def ratio(ours: float | int | None, theirs: float | int | None) -> float | None:
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


def shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
