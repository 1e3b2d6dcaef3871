"""Write a fixed zone back: atomically, and only where it is safe (SPEC §4).

The new bytes go to a temporary file in the same folder, are flushed to
disk, get the old file's mode, and replace the old file with one rename, so
a reader sees the old zone or the new one, never half of either. A link is
followed only to a file in the link's own folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class WriteRefused(OSError):
    """The file is not one zonefix will write."""


def write_atomic(path: Path, data: bytes) -> None:
    """Replace *path*'s contents with *data*, atomically."""
    target = path
    if path.is_symlink():
        target = path.resolve()
        folder = path.parent.resolve()
        if target.parent != folder:
            raise WriteRefused(f"{path} is a link out of its folder ({target})")
    mode = target.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".zonefix", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # The rename itself is durable once the folder is synced.
    with contextlib.suppress(OSError):
        folder_handle = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder_handle)
        finally:
            os.close(folder_handle)
