"""Render findings for people (text) and for programs (json, sarif, github)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from zonefix.diagnostics import Applicability, Diagnostic, Severity
from zonefix.plain import Plain

if TYPE_CHECKING:
    from zonefix.rules import Rule
from zonefix.source import printable, shown

FORMATS = ("text", "json", "sarif", "github")

_SEVERITY_COLOUR = {
    Severity.ERROR: "red",
    Severity.WARNING: "yellow",
    Severity.INFO: "blue",
}


def render_text(
    diagnostics: Sequence[Diagnostic], files: int, *, colour: bool, quiet: bool
) -> str:
    """One ``file:line:col: CODE message`` line per finding, then a summary
    (see render_summary)."""
    # PERF: each file's name made safe to print once (a zone may have
    # thousands of findings).
    names = {name: shown(name) for name in {d.file for d in diagnostics}}
    lines = [_text_line(d, names[d.file], colour) for d in diagnostics]
    if not quiet:
        lines.extend(render_summary(Summary(diagnostics, files)))
    return "".join(line + "\n" for line in lines)


def _text_line(d: Diagnostic, name: str, colour: bool) -> str:
    line, column = d.position()
    where = f"{name}:{line}:{column}:"
    code = d.code.code
    if colour:
        where = click.style(where, bold=True)
        code = click.style(code, fg=_SEVERITY_COLOUR[d.code.severity], bold=True)
    # [*]: --write fixes this one without asking (SPEC §1).
    return f"{where} {code} {'[*] ' if _safe(d) else ''}{shown(d.message)}"


def _safe(d: Diagnostic) -> bool:
    return d.fix is not None and d.fix.applicability is Applicability.SAFE


def _unsafe(d: Diagnostic) -> bool:
    return d.fix is not None and d.fix.applicability is Applicability.UNSAFE


class Summary(Plain):
    """What a run did, for the lines after the findings."""

    _fields = ("diagnostics", "files", "errors", "patched", "written", "linting")
    __slots__ = _fields
    diagnostics: Sequence[Diagnostic]
    files: int
    errors: int
    #: --diff printed a patch.
    patched: bool
    #: Files --write wrote.
    written: int
    #: The findings come from linting (their fixes are still to be made).
    linting: bool

    def __init__(
        self,
        diagnostics: Sequence[Diagnostic],
        files: int,
        errors: int = 0,
        patched: bool = False,
        written: int = 0,
        linting: bool = True,
    ) -> None:
        self.diagnostics = diagnostics
        self.files = files
        self.errors = errors
        self.patched = patched
        self.written = written
        self.linting = linting


def render_summary(summary: Summary) -> list[str]:
    """The summary lines. "All clean" only when nothing at all is left to
    say: no finding, no error, no patch. Then how many findings have a safe
    fix ([*], made by --fix) and how many more an unsafe one."""
    count = len(summary.diagnostics)
    files = summary.files
    checked = f"{files} file{_s(files)} checked"
    errors = summary.errors
    also = f", and {errors} error{_s(errors)} above" if errors else ""
    lines = []
    if count:
        lines.append(f"Found {count} finding{_s(count)} ({checked}{also}).")
    elif errors:
        lines.append(f"No findings ({checked}), but {errors} error{_s(errors)} above.")
    elif summary.patched:
        lines.append(f"No findings left after the fixes of the patch ({checked}).")
    else:
        lines.append(f"All clean ({checked}).")
    if summary.linting:
        safe = sum(1 for d in summary.diagnostics if _safe(d))
        unsafe = sum(1 for d in summary.diagnostics if _unsafe(d))
        if safe:
            more = f" ({unsafe} more with --fix --unsafe-fixes)" if unsafe else ""
            lines.append(f"[*] {safe} fixable with --fix{more}.")
        elif unsafe:
            lines.append(f"{unsafe} fixable with --fix --unsafe-fixes.")
    if summary.written:
        lines.append(f"Fixed and wrote {summary.written} file{_s(summary.written)}.")
    return lines


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def render_statistics(diagnostics: Sequence[Diagnostic], as_json: bool) -> str:
    """Findings counted per code, most frequent first (ruff's --statistics):
    count, code, [*] where every one has a safe fix, name."""
    counts: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        counts.setdefault(d.code.code, []).append(d)
    rows = sorted(counts.items(), key=lambda item: (-len(item[1]), item[0]))
    if as_json:
        import json

        return (
            json.dumps(
                [
                    {
                        "code": code,
                        "name": found[0].code.name,
                        "count": len(found),
                        "fixable": sum(1 for d in found if _safe(d)),
                    }
                    for code, found in rows
                ],
                indent=2,
            )
            + "\n"
        )
    width = max((len(str(len(found))) for _, found in rows), default=1)
    return "".join(
        f"{len(found):>{width}}\t{code}\t"
        f"{'[*] ' if all(_safe(d) for d in found) else '    '}{found[0].code.name}\n"
        for code, found in rows
    )


def as_json(d: Diagnostic) -> dict[str, object]:
    """The SPEC §1 JSON object for one finding."""
    line, column = d.position()
    end_line, end_column = d.end_position()
    return {
        "file": shown(d.file),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "code": d.code.code,
        "name": d.code.name,
        "severity": d.code.severity.value,
        "message": shown(d.message),
        "fix": None
        if d.fix is None
        else {
            "applicability": d.fix.applicability.value,
            "message": shown(d.fix.message),
        },
    }


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    import json

    return (
        json.dumps([as_json(d) for d in diagnostics], indent=2, ensure_ascii=False)
        + "\n"
    )


def render_rule_list(rules: Sequence[Rule], as_json: bool = False) -> str:
    """The catalogue: code, name, severity, fix, summary; one rule a line,
    in columns as wide as their longest entry (or a JSON array)."""
    rows = [
        (r.code.code, r.code.name, r.code.severity.value, r.fix.value, r.code.summary)
        for r in rules
    ]
    if as_json:
        import json

        keys = ("code", "name", "severity", "fix", "summary")
        return (
            json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=2)
            + "\n"
        )
    head = ("code", "name", "severity", "fix", "summary")
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(4)]
    return "".join(
        "  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row[:4]))
        + f"  {row[4]}\n"
        for row in (head, *rows)
    )


def render_rule_doc(rule: Rule) -> str:
    """One rule's documentation, as --explain prints it."""
    c = rule.code
    head = f"{c.code} {c.name} ({c.severity.value}; fix: {rule.fix.value})"
    return f"{head}\n\n{c.summary}\n\n{rule.doc}"


_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for d in diagnostics:
        line, column = d.position()
        end_line, end_column = d.end_position()
        properties = ",".join(
            (
                f"file={_escape_property(shown(d.file))}",
                f"line={line}",
                f"col={column}",
                f"endLine={end_line}",
                f"endColumn={end_column}",
                f"title={_escape_property(f'{d.code.code} {d.code.name}')}",
            )
        )
        message = _escape_data(f"{d.code.code} {shown(d.message)}")
        lines.append(f"::{_GITHUB_LEVEL[d.code.severity]} {properties}::{message}")
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    # As GitHub's toolkit escapes command data.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}
#: Where code-scanning tools look the format up (SARIF 2.1.0 §3.13.3).
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render_sarif(
    diagnostics: Sequence[Diagnostic], rules: Sequence[Rule], errors: Sequence[str]
) -> str:
    """One SARIF 2.1.0 log: a run whose driver lists every rule with its
    documentation, a result per finding with its fix, and the errors that
    stopped a file as tool notifications."""
    import json

    from zonefix import __version__

    index = {r.code.code: i for i, r in enumerate(rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "zonefix",
                        "version": __version__,
                        "rules": [_sarif_rule(r) for r in rules],
                    }
                },
                # Columns count characters, as zonefix's text output does.
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not errors,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": shown(e)}}
                            for e in errors
                        ],
                    }
                ],
                "results": [_sarif_result(d, index) for d in diagnostics],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule) -> dict[str, object]:
    c = rule.code
    return {
        "id": c.code,
        "name": c.name,
        "shortDescription": {"text": c.summary},
        "fullDescription": {"text": _doc_section(rule.doc, "What it does")},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": _SARIF_LEVEL[c.severity]},
        "properties": {"fix": rule.fix.value},
    }


def _doc_section(doc: str, heading: str) -> str:
    """The text under one ``## heading`` of a rule's documentation."""
    _, _, rest = doc.partition(f"## {heading}\n")
    return " ".join(rest.split("\n## ")[0].split())


def _sarif_result(d: Diagnostic, index: dict[str, int]) -> dict[str, object]:
    artifact = {"uri": artifact_uri(d.file)}
    line, column = d.position()
    end_line, end_column = d.end_position()
    result: dict[str, object] = {
        "ruleId": d.code.code,
        "level": _SARIF_LEVEL[d.code.severity],
        "message": {"text": shown(d.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {
                        "startLine": line,
                        "startColumn": column,
                        "endLine": end_line,
                        "endColumn": end_column,
                    },
                }
            }
        ],
    }
    if d.code.code in index:
        result["ruleIndex"] = index[d.code.code]
    if d.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": shown(d.fix.message)},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact,
                        "replacements": [
                            {
                                "deletedRegion": {
                                    "charOffset": e.start,
                                    "charLength": e.end - e.start,
                                },
                                "insertedContent": _content(e.text),
                            }
                            for e in d.fix.edits
                        ],
                    }
                ],
                "properties": {"applicability": d.fix.applicability.value},
            }
        ]
    return result


def _content(text: str) -> dict[str, str]:
    """SARIF artifactContent for text a fix inserts: as text when it is
    UTF-8, else its bytes in base64 (a raw byte of the zone kept)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        import base64

        data = text.encode("utf-8", "surrogateescape")
        return {"binary": base64.b64encode(data).decode("ascii")}
    return {"text": text}


def artifact_uri(name: str) -> str:
    """A file's name as a URI reference: relative to the working directory
    where it lies under it (what code-scanning uploads expect), else a
    file: URI."""
    from pathlib import Path
    from urllib.parse import quote

    path = Path(printable(name))
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return quote(path.as_posix())
