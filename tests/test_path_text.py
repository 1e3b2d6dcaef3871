"""Paths as text (zonefix/reading.py): a lint imports no pathlib (issue 11,
cold start), so the few things it did with pathlib are done on strings.
Each is held to pathlib's answer: names in findings and messages, the
folder a relative $INCLUDE is read from, the folders searched for a
configuration file, a file's extension."""

from __future__ import annotations

import itertools
import os
from pathlib import Path, PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from zonefix.reading import (
    default_include_root,
    find_config,
    folder_of,
    git_work_tree,
    name_of,
    pure_path,
    suffix_of,
)

# The pieces paths are made of where pathlib and plain text could differ:
# roots, repeated and trailing slashes, ".", "..", dots in names.
PIECES = ["", "/", "//", "///", ".", "..", "a", "b.c", ".d", "e.", "f.g.h", " ", "-"]


def _same_as_pathlib(text: str) -> None:
    pure = PurePosixPath(text)
    assert pure_path(text) == str(pure), text
    assert folder_of(text) == str(pure.parent), text
    assert name_of(text) == pure.name, text
    assert suffix_of(text) == pure.suffix, text


def test_every_short_path_reads_as_pathlib_reads_it() -> None:
    for length in range(1, 5):
        for pieces in itertools.product(PIECES, repeat=length):
            _same_as_pathlib("".join(pieces))


@given(st.text(alphabet="/.ab-_ \\:", max_size=24))
def test_any_path_reads_as_pathlib_reads_it(text: str) -> None:
    _same_as_pathlib(text)


def test_a_path_object_is_taken_as_its_text() -> None:
    assert pure_path(Path("zones//db.example.net")) == "zones/db.example.net"
    assert folder_of(Path("db.example.net")) == "."


def test_the_folders_searched_are_pathlibs(tmp_path: Path) -> None:
    """The work tree, the configuration found and the include root are the
    ones pathlib's parents gave, from a file given relatively, absolutely,
    and through a "." and a repeated slash."""
    repo = tmp_path / "repo"
    zones = repo / "etc" / "zones"
    zones.mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / "etc" / "zonefix.toml").write_text("")
    (zones / "db.example.net").write_text("")
    here = os.getcwd()
    try:
        os.chdir(repo)
        for given_path in (
            "etc/zones/db.example.net",
            "./etc//zones/db.example.net",
            str(zones / "db.example.net"),
        ):
            assert git_work_tree(folder_of(given_path)) == str(repo)
            assert find_config(given_path) == str(repo / "etc" / "zonefix.toml")
            assert default_include_root(given_path) == str(repo / "etc")
        os.chdir(zones)
        assert find_config("-") == str(repo / "etc" / "zonefix.toml")
        assert git_work_tree("db.example.net") == str(repo)
    finally:
        os.chdir(here)


def test_a_file_outside_any_work_tree_is_its_own_root(tmp_path: Path) -> None:
    (tmp_path / "db.example.net").write_text("")
    if git_work_tree(tmp_path) is None and find_config(tmp_path / "x") is None:
        assert default_include_root(tmp_path / "db.example.net") == str(tmp_path)
