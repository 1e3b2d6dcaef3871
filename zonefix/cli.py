"""The ``zonefix`` command (SPEC §1): a thin layer over the library."""

# ruff: noqa: E402 (the collector is set up before the imports, see PERF)

from __future__ import annotations

import gc

# PERF (issue 11): start-up makes some 25,000 objects that live as long as
# the process (modules, classes, functions). The collector's youngest
# generation, collected every 700 allocations, walked them over and over:
# every 100,000 leaves start-up alone, and a zone of 100,000 records read
# and checked by every rule (some 27,000 more, none of them garbage in a
# cycle) too; it holds little garbage on a bigger zone.
gc.set_threshold(100_000, *gc.get_threshold()[1:])

import errno
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatch
from typing import TYPE_CHECKING, Any, NoReturn

import click

import zonefix
from zonefix.config import (
    DEFAULT_INCLUDE,
    Config,
    ConfigError,
    find_config,
    load_config,
)
from zonefix.diagnostics import Diagnostic, once_per_place
from zonefix.document import Limits
from zonefix.plain import Plain
from zonefix.reading import folder_of, pure_path, suffix_of
from zonefix.report import (
    FORMATS,
    Summary,
    render_github,
    render_json,
    render_rule_doc,
    render_rule_list,
    render_sarif,
    render_statistics,
    render_summary,
    render_text,
)
from zonefix.rules import Rule, UnknownCode, all_rules, run_rules, select_rules
from zonefix.settings import MailSettings, Settings
from zonefix.source import shown

if TYPE_CHECKING:
    # PERF: the reading engine (and dnspython) is imported on first use,
    # so that --version and --help start without it.
    from zonefix.fixer import FixResult
    from zonefix.formats.bridge import FormatFixResult
    from zonefix.zone import Zone

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class UsageError(click.UsageError):
    exit_code = EXIT_ERROR


class Target(Plain):
    """One file to check: a path, or standard input under a name."""

    _fields = ("name", "path", "scanned", "argument")
    __slots__ = _fields
    #: The name it is reported under: the path as given, normalised.
    name: str
    path: str | None
    #: Found in a directory given on the command line (not named itself):
    #: a file there that is not text is passed by with a note.
    scanned: bool
    #: The command-line argument it came from.
    argument: str

    def __init__(
        self, name: str, path: str | None, scanned: bool = False, argument: str = ""
    ) -> None:
        self.name = name
        self.path = path
        self.scanned = scanned
        self.argument = argument


def iter_targets(
    paths: Sequence[str],
    stdin_filename: str | None,
    include_for: Callable[[str], Sequence[str]] = lambda _: DEFAULT_INCLUDE,
) -> Iterator[Target | str]:
    """Files to check in the order given, each once; a directory gives its
    zone files (names matching *include_for* it) in sorted order, less the
    files another of them $INCLUDEs. A path that does not exist yields an
    error message."""
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            if "-" not in seen:  # standard input is read once
                seen.add("-")
                name = os.path.normpath(stdin_filename) if stdin_filename else "-"
                yield Target(name, None, argument=raw)
            continue
        path = pure_path(raw)
        if os.path.isdir(path):
            found = list(_zone_files(path, include_for(path), raw))
            for target in _not_included(found, path):
                if target.name not in seen:
                    seen.add(target.name)
                    yield target
        elif os.path.lexists(path):
            name = os.path.normpath(raw)
            if name not in seen:
                seen.add(name)
                yield Target(name, pure_path(name), argument=raw)
        else:
            yield f"{raw}: {_not_found(path)}"


def _not_found(path: str) -> str:
    """Why *path* is no file to check: missing, or what the system says (a
    name too long, a folder on the way that cannot be searched)."""
    try:
        os.lstat(path)
    except OSError as error:
        if error.errno not in (errno.ENOENT, errno.ENOTDIR) and error.strerror:
            return error.strerror[:1].lower() + error.strerror[1:]
    return "no such file or directory"


def _zone_files(directory: str, include: Sequence[str], raw: str) -> Iterator[Target]:
    for root, dirs, files in os.walk(directory):
        # Hidden folders (.git, .venv) hold no zones to check.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.normpath(os.path.join(root, name))
            if any(fnmatch(name, pattern) for pattern in include) or _is_export(path):
                yield Target(path, pure_path(path), scanned=True, argument=raw)


def _is_export(path: str) -> bool:
    """A zone of another format (a provider's export, an octoDNS zone),
    recognised by its name and content."""
    from zonefix.formats import is_zone_file

    return is_zone_file(path)


# A directive starts its line; the file name may be quoted. (PERF: compiled,
# and cached by re, only when a directory is scanned.)
_INCLUDE_LINE = rb'(?im)^\$INCLUDE[ \t]+("[^"\r\n]*"|[^\s;]+)'
#: Bytes of a file read to find its $INCLUDEs (a zone is rarely bigger).
_INCLUDE_SCAN_LIMIT = 16 << 20


def _not_included(targets: list[Target], directory: str) -> list[Target]:
    """*targets* less the files another of them $INCLUDEs: a piece of a
    zone is checked as part of it, not as a zone of its own. (Only files
    inside the directory's repository are read for this; a link out of it
    is refused when it is checked.)"""
    if len(targets) < 2:
        return targets
    from zonefix.reading import git_work_tree, read_file

    repository = git_work_tree(directory) or directory

    by_real = {os.path.realpath(t.name): t for t in targets}
    included: set[str] = set()
    for target in targets:
        try:
            data = read_file(target.name, (repository,), _INCLUDE_SCAN_LIMIT).data
        except OSError:
            continue
        for match in re.finditer(_INCLUDE_LINE, data):
            word = match.group(1).strip(b'"').decode("utf-8", "surrogateescape")
            real = os.path.realpath(os.path.join(folder_of(target.name), word))
            if real in by_real and by_real[real] is not target:
                included.add(real)
    return [t for t in targets if os.path.realpath(t.name) not in included]


def check_target(
    target: Target, origin: str | None, config: Config | None = None
) -> tuple[Zone | None, str | None]:
    """Parse one file: the zone, or an error message (exit 2)."""
    from zonefix.zone import ZoneFileError, parse_file, parse_text

    config = config or Config()
    try:
        if target.path is None:
            data = sys.stdin.buffer.read()
            name = target.name if target.name != "-" else None
            zone = parse_text(
                data,
                origin or (config.origin_for(name) if name else None),
                name,
                include_root=config.root_for(name or "-"),
                limits=config.limits,
            )
        else:
            zone = parse_file(
                target.path,
                origin or config.origin_for(target.path),
                include_root=config.root_for(target.path),
                limits=config.limits,
            )
    except ZoneFileError as error:
        verb = "not read" if not error.errno else "cannot read"
        return None, f"{target.name}: {verb}: {error.strerror}"
    return zone, None


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"zonefix, version {zonefix.__version__}", color=ctx.color)
        ctx.exit()


class _Command(click.Command):
    """click's command, with its --help option made without gettext.

    PERF (issue 11): click's --help and --version options ask gettext for
    their help text as they are made, and gettext's first look-up imports
    locale and searches for message catalogues: some 4.8M instructions, 2%
    of a pre-commit run on a small zone. zonefix speaks English only, so
    both options are made here with the text click would give them.
    """

    _english_help: click.Option | None = None

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        if self._english_help is None:
            # Made once: click orders eager options by identity.
            self._english_help = click.Option(
                names,
                is_flag=True,
                expose_value=False,
                is_eager=True,
                help="Show this message and exit.",
                callback=_show_help,
            )
        return self._english_help


@click.command(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "--output-format",
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
    help="With PATH '-': the zone read from standard input is checked as "
    "this file (its configuration, origin and per-file ignores).",
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
    help="Use this configuration file (else the nearest one above each file).",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option(
    "--include-root",
    metavar="DIR",
    help="Where $INCLUDE may read (default: the repository). Unlike "
    "include-root in a configuration, it may reach outside the repository.",
)
@click.option("--list-rules", is_flag=True, help="Print the rule catalogue.")
@click.option(
    "--input-format",
    metavar="NAME",
    help="Read every file as this format (see --list-formats), not as its "
    "name and content say.",
)
@click.option(
    "--list-formats", is_flag=True, help="Print the file formats zonefix reads."
)
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
    "--statistics", is_flag=True, help="Print how many findings of each code."
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when there are findings (errors still exit 2).",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour (default: on a terminal, unless NO_COLOR is set).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    help="Show the version and exit.",
    callback=_show_version,
)
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
    include_root: str | None,
    list_rules: bool,
    input_format: str | None,
    list_formats: bool,
    mail_provider: str | None,
    list_providers: bool,
    explain: str | None,
    quiet: bool,
    statistics: bool,
    exit_zero: bool,
    color: bool | None,
) -> int:
    """Lint DNS zone files: BIND master files, by path or directory."""
    if list_rules:
        as_json = output_format == "json"
        click.echo(render_rule_list(all_rules(), as_json), nl=False)
        return EXIT_CLEAN
    if list_formats:
        return _list_formats()
    if input_format is not None:
        from zonefix.formats import NAMES

        if input_format not in NAMES:
            raise UsageError(
                f"--input-format '{input_format}' names no format; see --list-formats"
            )
    if config_file and no_config:
        raise UsageError("--config and --no-config contradict each other")
    _CONFIGS.clear()  # read configuration files afresh on every run
    try:
        configs = _configs(config_file, no_config)
        if list_providers:
            return _list_providers(configs)
    except ConfigError as error:
        return _config_error(error)
    if explain is not None:
        return _explain(explain)
    if not paths:
        raise UsageError("give one or more zone files or directories (or '-')")
    if stdin_filename and "-" not in paths:
        raise UsageError("--stdin-filename goes with the path '-'")
    if origin is not None:
        _check_origin(origin)
    if include_root is not None and not os.path.isdir(include_root or "."):
        raise UsageError(f"--include-root '{include_root}' is not a folder")
    if output_format is None:
        output_format = (
            "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        )
    if show_diff and write:
        raise UsageError("--diff shows what --write would do; give one of them")
    try:
        # Codes on the command line are checked before any file is read.
        if select or ignore or extend_select:
            select_rules(_codes(select), _codes(ignore), _codes(extend_select))
    except UnknownCode as unknown:
        raise UsageError(str(unknown)) from None
    if mail_provider is not None:
        from zonefix.providers import OTHER, all_profiles

        try:
            known = all_profiles(_cwd_profiles(configs))
        except ConfigError as error:
            return _config_error(error)
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
        os.path.realpath(include_root) if include_root else None,
        input_format,
    )
    diagnostics: list[Diagnostic] = []
    errors: list[str] = []
    notes: list[str] = []
    patches: list[bytes] = []
    files = changed = 0
    try:
        targets = list(iter_targets(paths, stdin_filename, configs.include_for))
    except ConfigError as error:
        return _config_error(error)
    checked_from: dict[str, int] = {}
    for target, outcome in zip(targets, _run_all(targets, job), strict=True):
        diagnostics.extend(outcome.diagnostics)
        errors.extend(outcome.errors)
        notes.extend(outcome.notes)
        patches.append(outcome.patch)
        files += outcome.checked
        changed += outcome.changed
        if isinstance(target, Target):
            checked_from[target.argument] = checked_from.get(target.argument, 0) + (
                outcome.checked or bool(outcome.errors)
            )
    # A file several zones include is read with each: its findings once.
    tops = {t.name for t in targets if isinstance(t, Target)}
    diagnostics = list(once_per_place(diagnostics, tops))
    for raw in paths:
        if raw != "-" and os.path.isdir(raw or ".") and not checked_from.get(raw):
            errors.append(f"no zone files found in {raw}")

    errors = list(dict.fromkeys(errors))  # a configuration's error, once
    for message in notes:
        click.echo(f"zonefix: note: {shown(message)}", err=True)
    for message in errors:
        click.echo(f"zonefix: error: {shown(message)}", err=True)
    # The patch, or a zone written to standard out, owns standard out; the
    # findings left then go to standard error.
    to_stderr = show_diff or (write and any(t == "-" for t in paths))
    patch = b"".join(patches)
    if patch:
        # The file's own bytes: escape sequences, a BOM and all, so that
        # git apply takes the patch (never click.echo, which strips them).
        sys.stdout.flush()
        sys.stdout.buffer.write(patch)
        sys.stdout.buffer.flush()
    summary = Summary(
        diagnostics,
        files,
        errors=len(errors),
        patched=bool(patch),
        written=changed,
        linting=not (show_diff or write),
    )
    _report(output_format, summary, errors, statistics, quiet, color, to_stderr)
    if errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    if show_diff and patch:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


def _report(
    output_format: str,
    summary: Summary,
    errors: list[str],
    statistics: bool,
    quiet: bool,
    color: bool | None,
    to_stderr: bool,
) -> None:
    diagnostics = summary.diagnostics
    if statistics:
        out = render_statistics(diagnostics, as_json=output_format == "json")
        click.echo(out, nl=False, err=to_stderr)
        return
    if output_format == "json":
        click.echo(render_json(diagnostics), nl=False, err=to_stderr)
    elif output_format == "sarif":
        sarif = render_sarif(diagnostics, all_rules(), errors)
        click.echo(sarif, nl=False, err=to_stderr)
    elif output_format == "github":
        click.echo(render_github(diagnostics), nl=False, err=to_stderr)
    else:
        if color is None:
            # https://no-color.org: set and not empty means no colour.
            stream = sys.stderr if to_stderr else sys.stdout
            color = stream.isatty() and not os.environ.get("NO_COLOR")
        text = render_text(diagnostics, summary.files, colour=color, quiet=True)
        if not quiet:
            text += "".join(line + "\n" for line in render_summary(summary))
        click.echo(text, nl=False, color=color, err=to_stderr)


def _list_formats() -> int:
    from zonefix.formats import FORMATS

    lines = [f"{'name':<12} {'recognised by':<62} format"]
    lines += [f"{f.name:<12} {f.recognised:<62} {f.description}" for f in FORMATS]
    click.echo("\n".join(lines))
    return EXIT_CLEAN


def _config_error(error: ConfigError) -> int:
    click.echo(f"zonefix: error: {shown(str(error))}", err=True)
    return EXIT_ERROR


def _list_providers(configs: _Configs) -> int:
    """Each profile: id, name, MX hosts and SPF include (SPEC §1)."""
    from zonefix.providers import all_profiles

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
    path = pure_path(name)
    if path.startswith("/"):
        here = pure_path(os.getcwd())
        if path == here:
            path = "."
        elif path.startswith(here.rstrip("/") + "/"):
            path = path[len(here.rstrip("/")) + 1 :]
    return path.lstrip("/")


class Job(Plain):
    """What to do with each file: the command line, minus the paths."""

    _fields = (
        *("origin", "select", "ignore", "extend_select", "show_diff", "write"),
        *("unsafe_fixes", "config_file", "no_config", "mail_provider"),
        *("include_root", "input_format"),
    )
    __slots__ = _fields
    origin: str | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    show_diff: bool
    write: bool
    unsafe_fixes: bool
    config_file: str | None
    no_config: bool
    mail_provider: str | None
    include_root: str | None
    input_format: str | None

    def __init__(
        self,
        origin: str | None,
        select: tuple[str, ...],
        ignore: tuple[str, ...],
        extend_select: tuple[str, ...],
        show_diff: bool,
        write: bool,
        unsafe_fixes: bool,
        config_file: str | None,
        no_config: bool,
        mail_provider: str | None = None,
        include_root: str | None = None,
        input_format: str | None = None,
    ) -> None:
        self.origin = origin
        self.select = select
        self.ignore = ignore
        self.extend_select = extend_select
        self.show_diff = show_diff
        self.write = write
        self.unsafe_fixes = unsafe_fixes
        self.config_file = config_file
        self.no_config = no_config
        self.mail_provider = mail_provider
        self.include_root = include_root
        self.input_format = input_format


class Outcome(Plain):
    """What checking (and fixing) one file gave."""

    _fields = ("diagnostics", "errors", "patch", "checked", "changed", "notes")
    __slots__ = _fields
    diagnostics: list[Diagnostic]
    errors: list[str]
    patch: bytes
    checked: bool
    changed: bool
    notes: tuple[str, ...]

    def __init__(
        self,
        diagnostics: list[Diagnostic],
        errors: list[str],
        patch: bytes = b"",
        checked: bool = False,
        changed: bool = False,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.diagnostics = diagnostics
        self.errors = errors
        self.patch = patch
        self.checked = checked
        self.changed = changed
        self.notes = notes


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

    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_ignore_interrupts)
    try:
        done = dict(
            zip(
                files,
                pool.starmap(_check_one, [(f, job) for f in files], chunksize=8),
                strict=True,
            )
        )
        pool.close()
    except BaseException:
        # Ctrl-C: the workers ignore it; they are stopped here.
        pool.terminate()
        raise
    finally:
        pool.join()
    # Standard input, and paths that do not exist, stay in this process.
    return [
        done[t] if isinstance(t, Target) and t in done else _check_one(t, job)
        for t in targets
    ]


def _ignore_interrupts() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_one(target: Target | str, job: Job) -> Outcome:
    """Check one file, and fix it as the job asks. A bug met on one file is
    that file's error: the others are still checked."""
    if isinstance(target, str):
        return Outcome([], [target])
    try:
        return _check_and_fix(target, job)
    except ConfigError as error:
        return Outcome([], [str(error)])
    except Exception as error:  # a bug: say so plainly, and go on
        return Outcome(
            [],
            [
                f"{target.name}: zonefix failed on this file ({type(error).__name__}: "
                f"{error}); please report it, with the file"
            ],
        )


def _check_and_fix(target: Target, job: Job) -> Outcome:
    configs = _configs(job.config_file, job.no_config)
    # Standard input is checked as the file --stdin-filename names.
    as_path = target.path or pure_path(target.name)
    config = configs.for_file(as_path)
    if job.include_root:
        config = config._replace(include_root=job.include_root)
    try:
        rules = select_rules(
            job.select or config.select,
            (*config.ignore, *job.ignore),
            (*config.extend_select, *job.extend_select),
            always_ignore=config.ignored_for(as_path),
        )
    except UnknownCode as error:
        return Outcome([], [f"{config.path}: {error}"])
    settings = _settings(config, job)
    read = _read_format(target, job, config)
    if isinstance(read, str):
        return Outcome([], [read])
    if isinstance(read, Diagnostic):
        return Outcome([read], [], checked=True)
    if read is not None:
        return _check_format(read, target, job, rules, settings)
    zone, problem = check_target(target, job.origin, config)
    if problem is not None:
        return Outcome([], [problem])
    assert zone is not None
    if target.scanned and zone.source.raw is not None and not _named_encoding(zone):
        # A directory's inventory.db is no zone: passed by, not a finding.
        return Outcome([], [], notes=(f"{target.name}: skipped: not a text file",))
    if not (job.show_diff or job.write):
        return Outcome(run_rules(zone, rules, settings), [], checked=True)

    # Only fixing needs it (tempfile and difflib come with it).
    from zonefix.fixer import fix

    result = fix(
        zone,
        rules=rules,
        unsafe=job.unsafe_fixes,
        bump_serial=config.bump_serial,
        limits=config.limits,
        settings=settings,
    )
    return _deliver(target, job, result, zone.to_bytes(), zone.source.encode)


#: zonefix.formats.EXTENSIONS (a test holds them equal), here so that a BIND
#: file is read without importing the other formats' registry (PERF).
EXPORT_SUFFIXES = (".json", ".csv", ".yaml", ".yml")


def _read_format(target: Target, job: Job, config: Config) -> Any:
    """For a file of another format than BIND (by --input-format, or by
    name and content; zonefix.formats): its Document and how to read it
    again, or why it cannot be read (a message, or one finding for a .json
    or .csv file of no format zonefix reads). None: the BIND reader's."""
    suffix = suffix_of(target.name).lower()
    if job.input_format in ("bind", "cloudflare", "azure-zone"):
        return None
    if job.input_format is None and suffix not in EXPORT_SUFFIXES:
        return None
    # PERF: a BIND file is read without these (nor dnspython, where its
    # names are plain).
    import dns.exception
    import dns.name

    from zonefix.document import ReadSettings
    from zonefix.formats import HEAD, reader_for, unrecognised

    as_path = target.path or pure_path(target.name)
    origin_text = job.origin or config.origin_for(as_path)
    try:
        origin = dns.name.from_text(origin_text) if origin_text else None
    except dns.exception.DNSException as error:
        return f"{target.name}: bad origin '{origin_text}': {error}"
    if target.path is None:
        data = sys.stdin.buffer.read()
    else:
        from zonefix.reading import ReadRefused, git_work_tree, read_file

        path = target.path
        folder = folder_of(path)
        allowed = [git_work_tree(folder) or folder, config.root_for(path)]
        try:
            data = read_file(path, allowed, (config.limits or Limits()).file_size).data
        except ReadRefused as error:
            return f"{target.name}: not read: {error.strerror}"
        except OSError as error:
            return f"{target.name}: cannot read: {error.strerror}"
    reader = reader_for(target.name, data[:HEAD], job.input_format)
    if reader is None:
        return unrecognised(target.name)
    settings = ReadSettings(origin=origin)
    return reader(target.name, data, settings), reader, settings


def _check_format(
    read: tuple[Any, Any, Any],
    target: Target,
    job: Job,
    rules: list[Rule],
    settings: Settings,
) -> Outcome:
    """_check_and_fix for a file of another format (zonefix.formats: its
    Document through the bridge to the rules)."""
    from zonefix.formats import bridge

    document, reader, read_settings = read
    bridged = bridge.Bridged(document)
    said = tuple(f"{target.name}: {n}" for n in getattr(document, "notes", ()))
    if not (job.show_diff or job.write):
        found = bridge.check(bridged, rules, settings)
        return Outcome(found, [], checked=True, notes=said)

    result = bridge.fix(
        bridged,
        rules=rules,
        unsafe=job.unsafe_fixes,
        settings=settings,
        reread=lambda data: reader(document.name, data, read_settings),
    )
    notes = said + tuple(f"{target.name}: {b}" for b in result.blocked)
    before = bridged.to_bytes()
    return _deliver(target, job, result, before, document.source.encode, notes)


def _deliver(
    target: Target,
    job: Job,
    result: FixResult | FormatFixResult,
    before: bytes,
    encode: Callable[[str], bytes],
    notes: tuple[str, ...] = (),
) -> Outcome:
    """What a fix run gives, in every format: the refusal, the patch
    (--diff), or the fixed file written (--write; standard out for stdin)."""
    from zonefix.diff import unified_diff
    from zonefix.writeback import write_atomic

    if result.problem:
        nothing = "no patch" if job.show_diff else "nothing written"
        refused = f"{target.name}: not fixed, {nothing}: {result.problem}"
        if job.write and target.path is None:
            # A pipe (zonefix --write - < db.x > new) gets the file unchanged,
            # never nothing.
            sys.stdout.buffer.write(before)
            sys.stdout.flush()
        return Outcome(result.remaining, [refused], checked=True, notes=notes)
    after = encode(result.text)
    if job.show_diff:
        patch = unified_diff(_patch_path(target.name), before, after, result.applied)
        # The reader has the file as it is: findings placed in it.
        return Outcome(
            list(result.remaining_in_original), [], patch, checked=True, notes=notes
        )
    if target.path is None:
        # --write with standard input: the fixed file goes to standard out.
        sys.stdout.buffer.write(after)
        sys.stdout.flush()
    elif result.changed:
        from pathlib import Path  # only writing needs it

        try:
            write_atomic(Path(target.path), after, expected=before)
        except OSError as error:
            message = error.strerror or str(error)
            return Outcome(
                list(result.remaining_in_original),
                [f"{target.name}: not written: {message}"],
                checked=True,
                notes=notes,
            )
        return Outcome(result.remaining, [], checked=True, changed=True, notes=notes)
    return Outcome(result.remaining, [], checked=True, notes=notes)


def _settings(config: Config, job: Job) -> Settings:
    """The settings of a run: the configuration's, --mail-provider added."""
    return Settings(
        MailSettings(
            (
                *config.mail_providers,
                *((("@", job.mail_provider),) if job.mail_provider else ()),
            ),
            config.profiles,
        ),
        config.limits or Limits(),
    )


def _named_encoding(zone: Zone) -> bool:
    """The file is text in an encoding zonefix names (UTF-16): a zone saved
    the wrong way, reported rather than passed by."""
    return any("UTF-16" in d.message for d in zone.diagnostics)


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
        self.explicit = load_config(explicit) if explicit else None
        self.disabled = disabled
        self._loaded: dict[str | None, Config] = {}

    def for_file(self, path: str) -> Config:
        if self.explicit is not None:
            return self.explicit
        if self.disabled:
            return Config()
        found = find_config(path)
        if found not in self._loaded:
            self._loaded[found] = load_config(found) if found else Config()
        return self._loaded[found]

    def include_for(self, directory: str) -> Sequence[str]:
        return self.for_file(os.path.join(directory, "-")).include


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


def _cwd_profiles(configs: _Configs) -> tuple[Any, ...]:
    """The profiles the configuration of the working directory adds."""
    return configs.for_file(os.path.join(os.getcwd(), "-")).profiles


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status. Never lets a traceback out.
    Without *argv*, it is the process's command (``sys.argv``), which ends
    after it."""
    try:
        return _main(argv)
    finally:
        if argv is None:
            # PERF: what is left is left for the process's end: frozen, the
            # objects are not walked by the collection Python makes on its
            # way out (a tenth of a small zone's run).
            gc.freeze()


def run() -> NoReturn:
    """The ``zonefix`` program (its console script): main(), then the end
    of the process.

    PERF (issue 11): the interpreter's teardown frees every module and
    object on the way out, some 3% of a pre-commit run on a small zone, for
    nothing: the process ends. As mypy does, the output is flushed and the
    process ends at once. Nothing of zonefix's is left to run at exit: each
    file it writes is closed and renamed into place before main() returns,
    and it registers nothing with atexit. What reports at exit (a profiler,
    coverage) runs the command as ``python -m zonefix``, which ends as
    Python does.
    """
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        # The reader is gone (zonefix ... | head): Python's own exit says so.
        sys.exit(status)
    os._exit(status)


def _main(argv: Sequence[str] | None) -> int:
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
        # click's name for Ctrl-C at a prompt
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
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
