"""Writing an import's files as one transaction: all new files appear, or none.

New files are written into a hidden folder inside `clients/` (the loader skips
it), then renamed into place one by one; if anything fails, the files renamed
so far are removed again. Existing files are only touched by --update, each
replaced atomically, and only if it has not changed since it was read.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from crmgen.files import write_atomic
from crmgen.loader import CLIENTS_DIR

log = logging.getLogger(__name__)


class FileChangedError(Exception):
    """A file to update changed on disk after the import read it."""


def digest(data: bytes) -> str:
    """A file's fingerprint, to notice a change between reading and writing."""
    return hashlib.sha256(data).hexdigest()


def create_all(root: Path, files: Sequence[tuple[str, str]]) -> None:
    """Write every (relative path, text) as a new file, or none of them.

    Raises FileExistsError when a path is already taken, OSError on disk trouble.
    """
    clients = root / CLIENTS_DIR
    clients.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=clients))
    placed: list[Path] = []
    try:
        staged = []
        for index, (relative, text) in enumerate(files):
            temporary = staging / f"{index}.md"
            temporary.write_bytes(text.encode("utf-8"))
            staged.append((temporary, root / relative))
        for temporary, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            _place(temporary, target)
            placed.append(target)
    except BaseException:
        for target in placed:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("wrote %d new client files", len(placed))


def _place(temporary: Path, target: Path) -> None:
    """Move a staged file to its target, never replacing an existing file."""
    try:
        # link() refuses an existing target, where rename() would replace it.
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(f"{target} already exists") from None
        os.replace(temporary, target)


def update_all(root: Path, files: Sequence[tuple[str, str, str]]) -> None:
    """Replace each (relative path, new text, digest when read) atomically."""
    for relative, text, before in files:
        path = root / relative
        if digest(path.read_bytes()) != before:
            raise FileChangedError(f"{relative} changed while importing; run the "
                                   f"import again")
        write_atomic(path, text.encode("utf-8"))
