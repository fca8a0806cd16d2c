"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write data to path through a temporary file in the same folder and a rename.

    The file keeps its permissions (or gets `mode`); the temporary file is
    removed if anything fails, and a crash leaves either the old or the new file.
    """
    write_atomic_with(path, lambda stream: stream.write(data), mode)


def write_atomic_with(
    path: Path, fill: Callable[[BinaryIO], object], mode: int | None = None
) -> None:
    """write_atomic of what fill writes to the open temporary file (which it may
    seek in), so that a large file need never be whole in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            fill(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
