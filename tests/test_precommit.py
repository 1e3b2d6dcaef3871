"""The hooks, run by the real pre-commit against a throwaway repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

PRE_COMMIT = shutil.which("pre-commit") or str(
    Path(sys.executable).parent / "pre-commit"
)


def _try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), hook, "--all-files", "--color", "never"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(home),
            "PRE_COMMIT_HOME": str(home / "pre-commit"),
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.net",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.net",
        },
    )


@pytest.mark.skipif(not Path(PRE_COMMIT).exists(), reason="pre-commit is not installed")
def test_lint_hook_then_fix_hook(tmp_path: Path) -> None:
    repo = tmp_path / "dns"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    zone = repo / "db.example.net"
    shutil.copy(FIXTURES / "rules" / "ZF107" / "pasted-twice.zone", zone)
    (repo / "README.md").write_text("not a zone\n")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    lint = _try_repo(repo, "zonefix", tmp_path)
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert (
        "db.example.net:6:1: ZF107 [*] duplicate of the MX record at line 5"
        in lint.stdout
    )

    fix = _try_repo(repo, "zonefix-fix", tmp_path)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # it changed the file
    assert "files were modified by this hook" in fix.stdout
    assert (
        zone.read_text()
        == (FIXTURES / "rules" / "ZF107" / "pasted-twice.fixed.zone").read_text()
    )

    again = _try_repo(repo, "zonefix", tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr


def _readme_snippet() -> str:
    """The .pre-commit-config.yaml the README gives, as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Pre-commit") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    return section[start : section.index("```", start)]


@pytest.mark.skipif(not Path(PRE_COMMIT).exists(), reason="pre-commit is not installed")
def test_the_readme_snippet_works_as_written(tmp_path: Path) -> None:
    # The hooks as a user copies them from the README, with zonefix
    # installed on the PATH (here: this environment's).
    repo = tmp_path / "dns"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / ".pre-commit-config.yaml").write_text(_readme_snippet())
    zone = repo / "db.example.net"
    shutil.copy(FIXTURES / "rules" / "ZF107" / "pasted-twice.zone", zone)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    def run(hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PRE_COMMIT, "run", hook, "--all-files", "--color", "never"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
            env={
                "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
                "HOME": str(tmp_path),
                "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
            },
        )

    lint = run("zonefix")
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert "db.example.net:6:1: ZF107 [*] duplicate of the MX record at line 5" in (
        lint.stdout
    )
    fix = run("zonefix-fix")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    fixed = (FIXTURES / "rules" / "ZF107" / "pasted-twice.fixed.zone").read_text()
    assert zone.read_text() == fixed
    again = run("zonefix")
    assert again.returncode == 0, again.stdout + again.stderr


def test_the_hooks_file_and_the_readme_agree() -> None:
    # The same files and the same commands in both.
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    snippet = _readme_snippet()
    for line in (
        "entry: zonefix\n",
        "entry: zonefix --write\n",
        "require_serial: true",
    ):
        assert line in hooks
        assert line in snippet
    files = next(x for x in hooks.splitlines() if x.strip().startswith("files:"))
    assert snippet.count(files.strip()) == 2
