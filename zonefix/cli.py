"""The ``zonefix`` command (SPEC §1): a thin layer over the library."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, NamedTuple

import click

import zonefix
from zonefix.config import (
    DEFAULT_INCLUDE,
    Config,
    ConfigError,
    find_config,
    load_config,
)
from zonefix.diagnostics import Diagnostic
from zonefix.mail import MailSettings
from zonefix.report import (
    FORMATS,
    render_github,
    render_json,
    render_rule_doc,
    render_rule_list,
    render_sarif,
    render_text,
)
from zonefix.rules import UnknownCode, all_rules, run_rules, select_rules
from zonefix.zone import Zone, ZoneFileError, parse_file, parse_text

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class UsageError(click.UsageError):
    exit_code = EXIT_ERROR


class Target(NamedTuple):
    """One file to check: a path, or standard input under a name."""

    name: str
    path: Path | None


def iter_targets(
    paths: Sequence[str],
    stdin_filename: str | None,
    include_for: Callable[[Path], Sequence[str]] = lambda _: DEFAULT_INCLUDE,
) -> Iterator[Target | str]:
    """Files to check in the order given; a directory gives its zone files
    (names matching *include_for* it) in sorted order. A path that does not
    exist yields an error message."""
    for raw in paths:
        if raw == "-":
            yield Target(stdin_filename or "-", None)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _zone_files(path, include_for(path))
        elif path.exists() or path.is_symlink():
            yield Target(raw, path)
        else:
            yield f"{raw}: no such file or directory"


def _zone_files(directory: Path, include: Sequence[str]) -> Iterator[Target]:
    for root, dirs, files in os.walk(directory):
        # Hidden folders (.git, .venv) hold no zones to check.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if any(fnmatch(name, pattern) for pattern in include):
                path = Path(root) / name
                yield Target(str(path), path)


def check_target(
    target: Target, origin: str | None, config: Config | None = None
) -> tuple[Zone | None, str | None]:
    """Parse one file: the zone, or an error message (exit 2)."""
    config = config or Config()
    try:
        if target.path is None:
            data = sys.stdin.buffer.read()
            zone = parse_text(
                data,
                origin,
                target.name if target.name != "-" else None,
                include_root=config.include_root,
                limits=config.limits,
            )
        else:
            zone = parse_file(
                target.path,
                origin or config.origin_for(target.path),
                include_root=config.include_root,
                limits=config.limits,
            )
    except ZoneFileError as error:
        return None, f"{target.name}: cannot read: {error.strerror}"
    return zone, None


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default=None,
    help="How to print findings (github is the default under GitHub Actions).",
)
@click.option(
    "--origin", metavar="NAME", help="Zone origin when the file does not say it."
)
@click.option(
    "--stdin-filename",
    metavar="NAME",
    help="With PATH '-': the name of the zone read from standard input.",
)
@click.option(
    "--select",
    metavar="CODES",
    multiple=True,
    help="Run only these rules: codes or prefixes (ZF1, ZF107), comma-separated.",
)
@click.option(
    "--ignore", metavar="CODES", multiple=True, help="Do not run these rules."
)
@click.option(
    "--extend-select",
    metavar="CODES",
    multiple=True,
    help="Run these rules on top of the selection.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print the patch --write would apply; write nothing.",
)
@click.option(
    "--write", "--fix", "write", is_flag=True, help="Apply fixes in place, atomically."
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe.")
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Use this configuration file (else the nearest one above each file).",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--list-rules", is_flag=True, help="Print the rule catalogue.")
@click.option(
    "--mail-provider",
    metavar="ID",
    help="The mail provider of the zone's apex (see --list-providers).",
)
@click.option(
    "--list-providers", is_flag=True, help="Print the mail provider profiles."
)
@click.option("--explain", metavar="CODE", help="Print one rule's documentation.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--color/--no-color", default=None, help="Colour (default: on a terminal)."
)
@click.version_option(zonefix.__version__, "--version", prog_name="zonefix")
def command(
    paths: tuple[str, ...],
    output_format: str | None,
    origin: str | None,
    stdin_filename: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    show_diff: bool,
    write: bool,
    unsafe_fixes: bool,
    config_file: str | None,
    no_config: bool,
    list_rules: bool,
    mail_provider: str | None,
    list_providers: bool,
    explain: str | None,
    quiet: bool,
    color: bool | None,
) -> int:
    """Lint DNS zone files: BIND master files, by path or directory."""
    if list_rules:
        click.echo(render_rule_list(all_rules()), nl=False)
        return EXIT_CLEAN
    if list_providers:
        return _list_providers(config_file, no_config)
    if explain is not None:
        return _explain(explain)
    if not paths:
        raise UsageError("give one or more zone files or directories (or '-')")
    if stdin_filename and "-" not in paths:
        raise UsageError("--stdin-filename goes with the path '-'")
    if origin is not None:
        _check_origin(origin)
    if output_format is None:
        output_format = (
            "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        )
    if show_diff and write:
        raise UsageError("--diff shows what --write would do; give one of them")
    if config_file and no_config:
        raise UsageError("--config and --no-config contradict each other")
    _CONFIGS.clear()  # read configuration files afresh on every run
    configs = _configs(config_file, no_config)
    try:
        # Codes on the command line are checked before any file is read.
        select_rules(_codes(select), _codes(ignore), _codes(extend_select))
    except UnknownCode as unknown:
        raise UsageError(str(unknown)) from None
    if mail_provider is not None:
        from zonefix.providers import OTHER, all_profiles

        known = all_profiles(_cwd_profiles(configs))
        if mail_provider != OTHER and mail_provider not in known:
            raise UsageError(
                f"--mail-provider '{mail_provider}' names no profile; "
                "see --list-providers"
            )
    job = Job(
        origin,
        tuple(_codes(select)),
        tuple(_codes(ignore)),
        tuple(_codes(extend_select)),
        show_diff,
        write,
        unsafe_fixes,
        config_file,
        no_config,
        mail_provider,
    )
    diagnostics: list[Diagnostic] = []
    errors: list[str] = []
    patches: list[str] = []
    files = changed = 0
    targets = list(iter_targets(paths, stdin_filename, configs.include_for))
    for outcome in _run_all(targets, job):
        diagnostics.extend(outcome.diagnostics)
        errors.extend(outcome.errors)
        patches.append(outcome.patch)
        files += outcome.checked
        changed += outcome.changed

    for message in errors:
        click.echo(f"zonefix: error: {message}", err=True)
    # The patch, or a zone written to standard out, owns standard out; the
    # findings left then go to standard error.
    to_stderr = show_diff or (write and any(t == "-" for t in paths))
    if show_diff:
        click.echo("".join(patches), nl=False)
    if output_format == "json":
        click.echo(render_json(diagnostics), nl=False, err=to_stderr)
    elif output_format == "sarif":
        sarif = render_sarif(diagnostics, all_rules(), errors)
        click.echo(sarif, nl=False, err=to_stderr)
    elif output_format == "github":
        click.echo(render_github(diagnostics), nl=False, err=to_stderr)
    else:
        colour = (
            (sys.stderr if to_stderr else sys.stdout).isatty()
            if color is None
            else color
        )
        summary = render_text(diagnostics, files, colour=colour, quiet=quiet)
        if write and changed:
            summary += f"Fixed and wrote {changed} file{'s' if changed != 1 else ''}.\n"
        click.echo(summary, nl=False, color=colour, err=to_stderr)
    if errors:
        return EXIT_ERROR
    if show_diff and any(patches):
        return EXIT_FINDINGS
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


def _list_providers(config_file: str | None, no_config: bool) -> int:
    """Each profile: id, name, MX hosts and SPF include (SPEC §1)."""
    from zonefix.providers import all_profiles

    configs = _configs(config_file, no_config)
    profiles = all_profiles(_cwd_profiles(configs))
    lines = [f"{'id':<24} {'kind':<8} {'MX (priority host)':<58} SPF include"]
    for p in profiles.values():
        mx = "; ".join(
            ", ".join(
                f"{mx.priority} {mx.host}{'' if mx.required else ' (optional)'}"
                for mx in s
            )
            for s in p.mx_sets
        )
        lines.append(f"{p.id:<24} {p.kind:<8} {mx:<58} {p.spf_include or '-'}")
        when = f"checked {p.checked}" if p.checked else "from configuration"
        lines.append(f"{'':<24} {p.name} ({when})")
    click.echo("\n".join(lines))
    return EXIT_CLEAN


def _patch_path(name: str) -> str:
    """The file's path as a patch names it: relative, with / separators."""
    path = Path(name)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            path = path.relative_to(Path.cwd())
    return path.as_posix().lstrip("/")


class Job(NamedTuple):
    """What to do with each file: the command line, minus the paths."""

    origin: str | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    show_diff: bool
    write: bool
    unsafe_fixes: bool
    config_file: str | None
    no_config: bool
    mail_provider: str | None = None


class Outcome(NamedTuple):
    """What checking (and fixing) one file gave."""

    diagnostics: list[Diagnostic]
    errors: list[str]
    patch: str = ""
    checked: bool = False
    changed: bool = False


#: Files enough to be worth spreading over the cores.
PARALLEL_FROM = 16


def _run_all(targets: list[Target | str], job: Job) -> list[Outcome]:
    """Each target's outcome, in the order given. Many files are spread over
    the cores (forked workers start with everything already imported)."""
    files = [t for t in targets if isinstance(t, Target) and t.path is not None]
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM or workers < 2:
        return [_check_one(t, job) for t in targets]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        done = dict(
            zip(
                files,
                pool.map(_check_one, files, [job] * len(files), chunksize=8),
                strict=True,
            )
        )
    # Standard input, and paths that do not exist, stay in this process.
    return [
        done[t] if isinstance(t, Target) and t in done else _check_one(t, job)
        for t in targets
    ]


def _check_one(target: Target | str, job: Job) -> Outcome:
    """Check one file, and fix it as the job asks."""
    if isinstance(target, str):
        return Outcome([], [target])
    configs = _configs(job.config_file, job.no_config)
    try:
        config = configs.for_file(target.path or Path.cwd() / "-")
        rules = select_rules(
            job.select or config.select,
            (
                *config.ignore,
                *job.ignore,
                *config.ignored_for(target.path or Path("-")),
            ),
            (*config.extend_select, *job.extend_select),
        )
    except ConfigError as error:
        return Outcome([], [str(error)])
    except UnknownCode as error:
        return Outcome([], [f"{config.path}: {error}"])
    zone, problem = check_target(target, job.origin, config)
    if problem is not None:
        return Outcome([], [problem])
    assert zone is not None
    zone.mail_settings = MailSettings(
        (
            *config.mail_providers,
            *((("@", job.mail_provider),) if job.mail_provider else ()),
        ),
        config.profiles,
    )
    if not (job.show_diff or job.write):
        return Outcome(run_rules(zone, rules), [], checked=True)

    # Only fixing needs these (tempfile and difflib among them).
    from zonefix.diff import unified_diff
    from zonefix.fixer import fix
    from zonefix.writeback import write_atomic

    result = fix(
        zone,
        rules=rules,
        unsafe=job.unsafe_fixes,
        bump_serial=config.bump_serial,
        limits=config.limits,
    )
    errors = [f"{target.name}: {result.problem}"] if result.problem else []
    if job.show_diff:
        patch = unified_diff(
            _patch_path(target.name), zone.tree.text, result.text, result.applied
        )
        # The reader has the file as it is: findings placed in it.
        return Outcome(list(result.remaining_in_original), errors, patch, checked=True)
    if target.path is None:
        # --write with standard input: the fixed zone goes to standard out.
        sys.stdout.buffer.write(zone.source.encode(result.text))
        sys.stdout.flush()
    elif result.changed:
        try:
            write_atomic(target.path, zone.source.encode(result.text))
        except OSError as error:
            errors.append(f"{target.name}: not written: {error}")
            return Outcome(result.remaining, errors, checked=True)
        return Outcome(result.remaining, errors, checked=True, changed=True)
    return Outcome(result.remaining, errors, checked=True)


_CONFIGS: dict[tuple[str | None, bool], _Configs] = {}


def _configs(config_file: str | None, no_config: bool) -> _Configs:
    """The configurations of this process (loaded once per file)."""
    key = (config_file, no_config)
    if key not in _CONFIGS:
        _CONFIGS[key] = _Configs(config_file, no_config)
    return _CONFIGS[key]


class _Configs:
    """The configuration for each file: --config's, none, or the nearest."""

    def __init__(self, explicit: str | None, disabled: bool) -> None:
        self.explicit = load_config(Path(explicit)) if explicit else None
        self.disabled = disabled
        self._loaded: dict[Path | None, Config] = {}

    def for_file(self, path: Path) -> Config:
        if self.explicit is not None:
            return self.explicit
        if self.disabled:
            return Config()
        found = find_config(path)
        if found not in self._loaded:
            self._loaded[found] = load_config(found) if found else Config()
        return self._loaded[found]

    def include_for(self, directory: Path) -> Sequence[str]:
        return self.for_file(directory / "-").include


def _codes(values: tuple[str, ...]) -> list[str]:
    """Codes from repeated and comma-separated option values."""
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _explain(code: str) -> int:
    rules = {r.code.code: r for r in all_rules()}
    found = rules.get(code.strip().upper())
    if found is None:
        raise UsageError(f"'{code}' is not a rule code; see --list-rules")
    click.echo(render_rule_doc(found), nl=False)
    return EXIT_CLEAN


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


def _cwd_profiles(configs: _Configs) -> tuple[Any, ...]:
    """The profiles the configuration of the working directory adds."""
    try:
        return configs.for_file(Path.cwd() / "-").profiles
    except ConfigError as error:
        raise UsageError(str(error)) from None
