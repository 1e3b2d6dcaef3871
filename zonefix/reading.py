"""Reading a file zonefix was pointed at, safely (SPEC §7).

A repository being checked may be hostile: a symlink `db.x -> /etc/shadow`,
an `$INCLUDE /dev/zero`, a FIFO named like a zone, a link swapped for
another between a check and the read. So a file is opened once, and what
was opened is checked, not the name: it must be a regular file (a FIFO is
opened without blocking and never read), its real path must lie inside one
of the allowed roots, and its size must be under the limit, all before a
byte of it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence

from zonefix.plain import Plain

#: A path as the API takes it: text, or an os.PathLike (a pathlib.Path).
#: Inside, paths are text (PERF: a lint imports no pathlib, whose imports
#: cost a twentieth of a small zone's run).
PathText = str | os.PathLike[str]

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once, and is refused
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class ReadRefused(OSError):
    """The file is not one zonefix reads; strerror says why."""


class FileRead(Plain):
    """What read_file read."""

    _fields = ("data", "real")
    __slots__ = _fields
    data: bytes
    #: The real path of the file that was read.
    real: str

    def __init__(self, data: bytes, real: str) -> None:
        self.data = data
        self.real = real


def read_file(path: PathText, roots: Sequence[PathText], limit: int) -> FileRead:
    """*path*'s bytes, when it is a regular file of at most *limit* bytes
    whose real path lies inside one of *roots*. ReadRefused (an OSError)
    otherwise, without reading it; other OSErrors as open() gives them."""
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if error.errno != errno.ENXIO:
            raise
        # A socket cannot be opened: say what it is, where that is known.
        try:
            mode = os.stat(path).st_mode
        except OSError:
            raise error from None
        raise ReadRefused(0, f"it is {_kind(mode)}, not a regular file") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise ReadRefused(0, f"it is {_kind(info.st_mode)}, not a regular file")
        real = _real_path(handle, path, info)
        if not any(inside(real, root) for root in roots):
            raise ReadRefused(
                0, "it lies outside the repository (give --include-root to allow it)"
            )
        if info.st_size > limit:
            raise ReadRefused(
                0, f"larger than the limit of {limit} bytes ([limits] file-size)"
            )
        chunks = []
        size = 0
        while True:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise ReadRefused(
                    0, f"larger than the limit of {limit} bytes ([limits] file-size)"
                )
        return FileRead(b"".join(chunks), real)
    finally:
        os.close(handle)


def inside(real: str, root: PathText) -> bool:
    """Whether the real path *real* is *root* or lies below it."""
    top = os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _real_path(handle: int, path: PathText, info: os.stat_result) -> str:
    """The real path of the open file: from /proc where there is one, else
    the name resolved and checked to be the very file that is open (a link
    swapped after the open then fails the check, instead of being trusted)."""
    try:
        real = os.readlink(f"/proc/self/fd/{handle}")
        if real.startswith("/") and not real.endswith(" (deleted)"):
            return real
    except OSError:
        pass
    real = os.path.realpath(path)
    try:
        now = os.stat(real)
    except OSError:
        now = None
    if now is None or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
        raise ReadRefused(0, "it changed while it was opened")
    return real


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def pure_path(path: PathText) -> str:
    """*path* as ``str(pathlib.PurePosixPath(path))`` writes it: repeated
    slashes and "." parts dropped, ".." kept, "." for nothing (a leading
    "//" stays, as POSIX leaves its meaning open). Names in findings and
    messages are written this way. tests/test_reading.py holds it (and
    folder_of) to pathlib's."""
    root, parts = _split(path)
    return root + "/".join(parts) if root or parts else "."


def folder_of(path: PathText) -> str:
    """The folder *path* lies in, as ``str(PurePosixPath(path).parent)``."""
    root, parts = _split(path)
    parent = root + "/".join(parts[:-1])
    return parent or "."


def name_of(path: PathText) -> str:
    """The last part of *path*, as ``PurePosixPath(path).name``."""
    parts = _split(path)[1]
    return parts[-1] if parts else ""


def suffix_of(path: PathText) -> str:
    """The last part's extension, as ``PurePosixPath(path).suffix``."""
    name = name_of(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _split(path: PathText) -> tuple[str, list[str]]:
    text = os.fspath(path)
    root = ""
    if text.startswith("/"):
        stripped = text.lstrip("/")
        root = "//" if len(text) - len(stripped) == 2 else "/"
        text = stripped
    return root, [part for part in text.split("/") if part and part != "."]


def _ancestors(folder: str) -> list[str]:
    """*folder* (absolute) and the folders above it, nearest first."""
    found = [folder]
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            return found
        found.append(parent)
        folder = parent


def git_work_tree(start: PathText) -> str | None:
    """The git work tree *start* lies in: the nearest folder at or above it
    holding `.git` (a folder, or a worktree's file). No git process."""
    for directory in _ancestors(os.path.abspath(start)):
        if os.path.lexists(os.path.join(directory, ".git")):
            return directory
    return None


#: Configuration files, nearest first in each folder.
FILE_NAMES = ("zonefix.toml", ".zonefix.toml", "pyproject.toml")


def default_include_root(
    file: PathText, config: str | None = None, *, searched: bool = False
) -> str:
    """The repository of *file*, where $INCLUDE may read by default: the
    folder of the nearest configuration file, else the git work tree, else
    the file's own folder. A configuration file above the git work tree
    (a user's own) does not widen it past the work tree.

    *config* is the configuration file found for *file* (when *searched*;
    otherwise it is looked for here)."""
    folder = os.path.dirname(os.path.abspath(file))
    if not searched:
        config = find_config(file)
    tree = git_work_tree(folder)
    candidates = [c for c in (folder_of(config) if config else None, tree) if c]
    if not candidates:
        return folder
    # Both hold the file: the deeper one is the narrower.
    return max(candidates, key=_depth)


def _depth(folder: str) -> int:
    """How many folders deep *folder* lies (its absolute path's parts)."""
    return sum(1 for part in os.path.abspath(folder).split(os.sep) if part)


def find_config(start: PathText) -> str | None:
    """The nearest configuration file at or above *start*'s folder."""
    folder = os.path.realpath(start if os.path.isdir(start) else folder_of(start))
    for directory in _ancestors(folder):
        for name in FILE_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and (
                name != "pyproject.toml" or _has_zonefix_table(candidate)
            ):
                return candidate
    return None


def _has_zonefix_table(path: str) -> bool:
    import tomllib  # PERF: only where a pyproject.toml is met

    try:
        with open(path, encoding="utf-8") as file:
            data = tomllib.loads(file.read())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "zonefix" in data["tool"]
