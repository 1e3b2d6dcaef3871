"""Write a fixed zone back: atomically, and only where it is safe (SPEC §4).

The new bytes go to a temporary file in the same folder, are flushed to
disk, get the old file's mode, owner and group, and replace the old file
with one rename, so a reader sees the old zone or the new one, never half
of either. A link is followed only to a file in the link's own folder.

What the file was is kept, or it is not written:

- a file that changed on disk since zonefix read it is refused (someone's
  edit is never lost);
- a read-only file (no write permission for anyone) is refused: the mode
  says it is not to be edited, even by root;
- a file with several hard links is written in place, so that every name
  keeps seeing one zone (a rename would leave the other names with the old
  one). The new bytes are first written out in full to a temporary file
  (a full disk fails there, with the file untouched), then over the file in
  one write and a truncate;
- a file whose owner or group zonefix cannot give the new file (it is
  someone else's, and zonefix is not root) is written in place too, which
  keeps them.

Temporary files are named ``.NAME.PID.XXXXXXXX.zonefix``. One left behind by
a process that no longer runs (killed mid-write) is removed by the next
write to NAME.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

_SUFFIX = ".zonefix"
#: A temporary file without a process id in its name is stale after this.
_STALE_AFTER = 3600.0


class WriteRefused(OSError):
    """The file is not one zonefix will write."""


def write_atomic(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace *path*'s contents with *data*. With *expected* (the bytes
    zonefix read), refuse when the file no longer holds them."""
    target = path
    if path.is_symlink():
        target = path.resolve()
        folder = path.parent.resolve()
        if target.parent != folder:
            raise WriteRefused(f"{path} is a link out of its folder ({target})")
    info = target.stat()
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(f"{path} is not a regular file")
    if not info.st_mode & 0o222:
        raise WriteRefused(
            f"{path} is read-only (mode {stat.S_IMODE(info.st_mode):04o}); "
            "make it writable to let zonefix fix it"
        )
    if expected is not None and _read(target) != expected:
        raise WriteRefused(
            f"{path} changed on disk since zonefix read it; run zonefix again"
        )
    remove_stale_temporaries(target)
    staged: str | None = _stage(target, data, info)
    assert staged is not None
    try:
        if info.st_nlink > 1 or not _same_owner(staged, info):
            _write_in_place(target, data)
            return
        os.replace(staged, target)
        staged = None
    finally:
        if staged is not None:
            with contextlib.suppress(OSError):
                os.unlink(staged)
    # The rename itself is durable once the folder is synced.
    with contextlib.suppress(OSError):
        folder_handle = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder_handle)
        finally:
            os.close(folder_handle)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _stage(target: Path, data: bytes, info: os.stat_result) -> str:
    """A temporary file beside *target* holding *data*, flushed to disk,
    with *target*'s mode and (where zonefix may give them) owner and group."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=_SUFFIX, dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        mine = os.stat(temporary)
        if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
            # Root may give any owner; others their own groups only.
            with contextlib.suppress(OSError):
                os.chown(temporary, info.st_uid, info.st_gid)
                # chown may clear set-id bits: set the mode again.
                os.chmod(temporary, stat.S_IMODE(info.st_mode))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _same_owner(temporary: str, info: os.stat_result) -> bool:
    mine = os.stat(temporary)
    return (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid)


def _write_in_place(target: Path, data: bytes) -> None:
    """Write *data* over *target*'s own inode: every hard link, the owner
    and the group stay as they were."""
    handle = os.open(target, os.O_WRONLY)
    try:
        view = memoryview(data)
        written = 0
        while written < len(view):
            written += os.pwrite(handle, view[written:], written)
        os.ftruncate(handle, len(data))
        os.fsync(handle)
    finally:
        os.close(handle)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files an earlier zonefix left beside *target*
    when it was killed mid-write; return them."""
    pattern = re.compile(
        re.escape(f".{target.name}.") + r"(?:(\d+)\.)?[^/]*" + re.escape(_SUFFIX)
    )
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        leftover = target.parent / name
        if not _stale(leftover, match.group(1)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


def _stale(path: Path, pid: str | None) -> bool:
    """Whether the process that made *path* has gone (a file of a running
    zonefix is being written)."""
    if pid is not None:
        if int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it runs, as another user
        return False
    try:
        return time.time() - path.lstat().st_mtime > _STALE_AFTER
    except OSError:
        return False
