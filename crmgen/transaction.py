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


def _originals(root: Path, updates: Sequence[tuple[str, str, str]]
               ) -> dict[str, bytes]:
    """Each file to update as it is now; raises FileChangedError if one changed
    since the import read it."""
    originals = {}
    for relative, _, before in updates:
        data = (root / relative).read_bytes()
        if digest(data) != before:
            raise FileChangedError(f"{relative} changed while importing; run the "
                                   f"import again")
        originals[relative] = data
    return originals


def commit(root: Path, creates: Sequence[tuple[str, str]],
           updates: Sequence[tuple[str, str, str]]) -> None:
    """Create the new files and apply the updates (path, text, digest when read),
    all or nothing: on failure every file is as it was before."""
    originals = _originals(root, updates)
    create_all(root, creates)
    done: list[str] = []
    try:
        for relative, text, _ in updates:
            write_atomic(root / relative, text.encode("utf-8"))
            done.append(relative)
    except BaseException:
        for relative in done:
            write_atomic(root / relative, originals[relative])
        for relative, _ in creates:
            with contextlib.suppress(FileNotFoundError):
                (root / relative).unlink()
        raise
    log.info("updated %d client files", len(done))
