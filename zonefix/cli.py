"""The ``zonefix`` command (SPEC §1): a thin layer over the library."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import NamedTuple

import click

import zonefix
from zonefix.diagnostics import Diagnostic
from zonefix.report import FORMATS, render_json, render_text
from zonefix.zone import Zone, ZoneFileError, parse_file, parse_text

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

#: Files a directory argument contributes (SPEC §1).
DEFAULT_INCLUDE = ("db.*", "*.zone", "*.db")


class UsageError(click.UsageError):
    exit_code = EXIT_ERROR


class Target(NamedTuple):
    """One file to check: a path, or standard input under a name."""

    name: str
    path: Path | None


def iter_targets(
    paths: Sequence[str], stdin_filename: str | None
) -> Iterator[Target | str]:
    """Files to check in the order given; a directory gives its zone files
    in sorted order. A path that does not exist yields an error message."""
    for raw in paths:
        if raw == "-":
            yield Target(stdin_filename or "-", None)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _zone_files(path)
        elif path.exists() or path.is_symlink():
            yield Target(raw, path)
        else:
            yield f"{raw}: no such file or directory"


def _zone_files(directory: Path) -> Iterator[Target]:
    for root, dirs, files in os.walk(directory):
        # Hidden folders (.git, .venv) hold no zones to check.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if any(fnmatch(name, pattern) for pattern in DEFAULT_INCLUDE):
                path = Path(root) / name
                yield Target(str(path), path)


def check_target(target: Target, origin: str | None) -> tuple[Zone | None, str | None]:
    """Parse and check one file: the zone, or an error message (exit 2)."""
    try:
        if target.path is None:
            data = sys.stdin.buffer.read()
            zone = parse_text(data, origin, target.name if target.name != "-" else None)
        else:
            zone = parse_file(target.path, origin)
    except ZoneFileError as error:
        return None, f"{target.name}: cannot read: {error.strerror}"
    return zone, None


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    help="How to print findings.",
)
@click.option(
    "--origin", metavar="NAME", help="Zone origin when the file does not say it."
)
@click.option(
    "--stdin-filename",
    metavar="NAME",
    help="With PATH '-': the name of the zone read from standard input.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--color/--no-color", default=None, help="Colour (default: on a terminal)."
)
@click.version_option(zonefix.__version__, "--version", prog_name="zonefix")
def command(
    paths: tuple[str, ...],
    output_format: str,
    origin: str | None,
    stdin_filename: str | None,
    quiet: bool,
    color: bool | None,
) -> int:
    """Lint DNS zone files: BIND master files, by path or directory."""
    if stdin_filename and "-" not in paths:
        raise UsageError("--stdin-filename goes with the path '-'")
    if origin is not None:
        _check_origin(origin)
    diagnostics: list[Diagnostic] = []
    errors: list[str] = []
    files = 0
    for target in iter_targets(paths, stdin_filename):
        if isinstance(target, str):
            errors.append(target)
            continue
        zone, error = check_target(target, origin)
        if error is not None:
            errors.append(error)
            continue
        assert zone is not None
        files += 1
        diagnostics.extend(zonefix.check(zone))

    for error in errors:
        click.echo(f"zonefix: error: {error}", err=True)
    if output_format == "json":
        click.echo(render_json(diagnostics), nl=False)
    else:
        colour = sys.stdout.isatty() if color is None else color
        click.echo(
            render_text(diagnostics, files, colour=colour, quiet=quiet),
            nl=False,
            color=colour,
        )
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


def _check_origin(origin: str) -> None:
    import dns.exception
    import dns.name

    try:
        dns.name.from_text(origin)
    except dns.exception.DNSException as error:
        raise UsageError(f"--origin '{origin}' is not a domain name: {error}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status. Never lets a traceback out."""
    try:
        result = command.main(
            args=list(argv) if argv is not None else None,
            prog_name="zonefix",
            standalone_mode=False,
        )
    except click.exceptions.Exit as done:  # --help, --version
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (zonefix ... | head): nothing more to say.
        sys.stderr.close()
        return EXIT_ERROR
    except Exception as error:  # a bug: say so plainly, never a traceback
        click.echo(
            f"zonefix: internal error: {type(error).__name__}: {error}\n"
            "Please report this with the file that caused it.",
            err=True,
        )
        return EXIT_ERROR
    return int(result) if isinstance(result, int) else EXIT_CLEAN


if __name__ == "__main__":
    raise SystemExit(main())
