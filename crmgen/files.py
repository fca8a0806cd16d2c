"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
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
            mode = _default_mode()
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


def stage_if_changed(path: Path, pieces: Iterable[bytes]) -> Path | None:
    """Write pieces to a new temporary file beside path, comparing them with
    path's bytes on the way; the temporary file, to be renamed over path, or
    None (and no file) when path holds exactly these bytes already.

    Neither the new bytes nor the old are ever whole in memory. The caller
    renames or removes the file; if writing fails, it is removed here.
    """
    with contextlib.ExitStack() as stack:
        try:
            old: BinaryIO | None = stack.enter_context(open(path, "rb"))
        except OSError:
            old = None
        mode = os.fstat(old.fileno()).st_mode & 0o7777 if old else _default_mode()
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            same = old is not None
            with os.fdopen(handle, "wb") as stream:
                for piece in pieces:
                    stream.write(piece)
                    if same and old is not None:
                        same = old.read(len(piece)) == piece
            if same and old is not None and old.read(1) == b"":
                os.unlink(temporary)
                return None
            os.chmod(temporary, mode)
            return Path(temporary)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


Staged = list[tuple[Path, Path]]
"""Temporary files written beside the files they are to replace."""


def stage_all(folder: Path, streams: Mapping[str, Iterable[bytes]]) -> Staged:
    """stage_if_changed for each stream, by its path under folder; on an error
    the files staged so far are removed."""
    staged: Staged = []
    try:
        for name, pieces in streams.items():
            temporary = stage_if_changed(folder / name, pieces)
            if temporary is not None:
                staged.append((temporary, folder / name))
    except BaseException:
        discard(staged)
        raise
    return staged


def put_in_place(staged: Staged) -> None:
    """Rename each staged file over the file it replaces; on an error the
    files not yet renamed are removed."""
    for done, (temporary, path) in enumerate(staged):
        try:
            os.replace(temporary, path)
        except BaseException:
            discard(staged[done:])
            raise


def discard(staged: Staged) -> None:
    """Remove staged files that will not be used."""
    for temporary, _ in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _default_mode() -> int:
    """The permissions a new file gets under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
