"""Render findings for people (text) and for programs (json, sarif, github)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from zonefix.diagnostics import Applicability, Diagnostic, Severity

if TYPE_CHECKING:
    from zonefix.rules import Rule
from zonefix.source import printable

FORMATS = ("text", "json", "sarif", "github")

_SEVERITY_COLOUR = {
    Severity.ERROR: "red",
    Severity.WARNING: "yellow",
    Severity.INFO: "blue",
}


def render_text(
    diagnostics: Sequence[Diagnostic], files: int, *, colour: bool, quiet: bool
) -> str:
    """One ``file:line:col: CODE message`` line per finding, then a summary."""
    lines = []
    for d in diagnostics:
        where = f"{printable(d.file)}:{d.line}:{d.column}:"
        code = d.code.code
        if colour:
            where = click.style(where, bold=True)
            code = click.style(code, fg=_SEVERITY_COLOUR[d.code.severity], bold=True)
        # [*]: --write fixes this one without asking (SPEC §1).
        safe = d.fix is not None and d.fix.applicability is Applicability.SAFE
        lines.append(f"{where} {code} {'[*] ' if safe else ''}{d.message}")
    if not quiet:
        checked = f"{files} file{'s' if files != 1 else ''} checked"
        if diagnostics:
            count = len(diagnostics)
            lines.append(
                f"Found {count} finding{'s' if count != 1 else ''} ({checked})."
            )
        else:
            lines.append(f"All clean ({checked}).")
    return "".join(line + "\n" for line in lines)


def as_json(d: Diagnostic) -> dict[str, object]:
    """The SPEC §1 JSON object for one finding."""
    return {
        "file": printable(d.file),
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "code": d.code.code,
        "name": d.code.name,
        "severity": d.code.severity.value,
        "message": d.message,
        "fix": None
        if d.fix is None
        else {"applicability": d.fix.applicability.value, "message": d.fix.message},
    }


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    import json

    return (
        json.dumps([as_json(d) for d in diagnostics], indent=2, ensure_ascii=False)
        + "\n"
    )


def render_rule_list(rules: Sequence[Rule]) -> str:
    """The catalogue: code, name, severity, fix, summary; one rule a line."""
    lines = [f"{'code':<6} {'name':<24} {'severity':<8} {'fix':<6} summary"]
    for r in rules:
        c = r.code
        lines.append(
            f"{c.code:<6} {c.name:<24} {c.severity.value:<8} {r.fix.value:<6} {c.summary}"
        )
    return "\n".join(lines) + "\n"


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
        properties = ",".join(
            (
                f"file={_escape_property(printable(d.file))}",
                f"line={d.line}",
                f"col={d.column}",
                f"endLine={d.end_line}",
                f"endColumn={d.end_column}",
                f"title={_escape_property(f'{d.code.code} {d.code.name}')}",
            )
        )
        message = _escape_data(f"{d.code.code} {d.message}")
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
                            {"level": "error", "message": {"text": e}} for e in errors
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
    result: dict[str, object] = {
        "ruleId": d.code.code,
        "level": _SARIF_LEVEL[d.code.severity],
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {
                        "startLine": d.line,
                        "startColumn": d.column,
                        "endLine": d.end_line,
                        "endColumn": d.end_column,
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
                "description": {"text": d.fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact,
                        "replacements": [
                            {
                                "deletedRegion": {
                                    "charOffset": e.start,
                                    "charLength": e.end - e.start,
                                },
                                "insertedContent": {"text": e.text},
                            }
                            for e in d.fix.edits
                        ],
                    }
                ],
                "properties": {"applicability": d.fix.applicability.value},
            }
        ]
    return result


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
