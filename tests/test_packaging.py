"""A non-editable install from a clean checkout works: the grammar ships."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT


def _clean_checkout(target: Path) -> None:
    """The files a clone would have: tracked and not-ignored ones."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_wheel_ships_grammar_and_tables(tmp_path: Path) -> None:
    source, dist, site = tmp_path / "src", tmp_path / "dist", tmp_path / "site"
    source.mkdir()
    _clean_checkout(source)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(source),
        ],
        check=True,
    )
    (wheel,) = dist.glob("zonefix-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True
    )
    assert (site / "zonefix" / "grammars" / "zone.lark").is_file()

    probe = (
        "import zonefix, sys\n"
        "from zonefix.bind.syntax.grammar import grammar_path\n"
        f"assert zonefix.__file__.startswith({str(site)!r}), zonefix.__file__\n"
        f"assert str(grammar_path()).startswith({str(site)!r})\n"
        f"zone = zonefix.parse_file({str(FIXTURES / 'parse' / 'basic.zone')!r})\n"
        "assert zonefix.check(zone) == [] and len(zone.records) == 14\n"
        "from zonefix.cli import main\n"
        f"sys.exit(main([{str(FIXTURES / 'parse' / 'basic.zone')!r}, '-q']))\n"
    )
    # Run away from the source tree, so only the installed copy can import.
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_make_demo_installs_zonefix_alone() -> None:
    # A stranger's first command: no test tools (pytest, mypy, ruff,
    # pre-commit) to download before the demo runs.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = next(line for line in makefile.splitlines() if line.startswith("demo:"))
    assert demo.split() == ["demo:", "$(APP_STAMP)"]
    recipe = makefile[makefile.index("$(APP_STAMP): pyproject.toml") :]
    recipe = recipe[: recipe.index("\n\n")]
    assert "-e ." in recipe
    assert "[test]" not in recipe
    assert "--upgrade pip" not in recipe
