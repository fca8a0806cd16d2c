"""Editing a client file's text in place: read, change whole lines, prove, write.

A client file belongs to its user: it is never loaded and dumped. An edit
reads the bytes, changes only the lines it means to, parses and checks the
result, refuses it if it brings an error the file did not have, and replaces
the file atomically unless it changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from crmgen.config import Config
from crmgen.files import write_atomic
from crmgen.loader import parse_and_check
from crmgen.model import Client, Problem
from crmgen.textlines import TextLines, digest_of


class EditError(Exception):
    """An edit that cannot be made; the message says why and what to do."""


class EditRefusedError(EditError):
    """The edit would leave the file with errors it did not have."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


class FileChangedError(EditError):
    """The file changed on disk between reading it and writing the edit."""


@dataclass
class ClientFile:
    """A client file opened for editing.

    path: relative to the project root, with forward slashes.
    text: the lines being edited; text.digest is the hash of the bytes read.
    client: the client as read, before any edit.
    problems: the file's problems as read (parse and checks).
    """

    root: Path
    path: str
    config: Config
    today: dt.date
    text: TextLines
    client: Client
    problems: list[Problem]

    @property
    def full_path(self) -> Path:
        """The file on disk."""
        return self.root / self.path


def open_client(root: Path, path: str, config: Config, today: dt.date) -> ClientFile:
    """Read a client file for editing; refuses one that cannot be parsed."""
    data = (root / path).read_bytes()
    client, problems = parse_and_check(path, data, config, today)
    if client is None:
        raise EditRefusedError(
            f"{path} cannot be read as a client; fix it first", problems
        )
    try:
        text = TextLines.from_bytes(data)
    except UnicodeDecodeError:  # parse reports it first; kept for safety
        raise EditError(f"{path} is not UTF-8") from None
    return ClientFile(root, path, config, today, text, client, problems)


def introduced(
    before: list[Problem], after: list[Problem], severity: str
) -> list[Problem]:
    """Problems of a severity in `after` that `before` did not have (lines aside)."""
    seen = Counter((p.code, p.message) for p in before if p.severity == severity)
    new = []
    for problem in after:
        if problem.severity != severity:
            continue
        key = (problem.code, problem.message)
        if seen[key] > 0:
            seen[key] -= 1
        else:
            new.append(problem)
    return new


def prove(edit: ClientFile) -> tuple[Client, list[Problem]]:
    """Parse the edited text; refuse when it brings new errors.

    Returns the edited client and the warnings the edit brought.
    """
    client, problems = parse_and_check(
        edit.path, edit.text.to_bytes(), edit.config, edit.today
    )
    errors = introduced(edit.problems, problems, "error")
    if client is None or errors:
        raise EditRefusedError(
            f"not changing {edit.path}: the edit would leave it with errors",
            errors or problems,
        )
    return client, introduced(edit.problems, problems, "warning")


def save(edit: ClientFile) -> list[Problem]:
    """Prove the edit and write it atomically; returns the warnings it brought."""
    _client, warnings = prove(edit)
    data = edit.text.to_bytes()
    try:
        current = edit.full_path.read_bytes()
    except FileNotFoundError:
        current = b""
    if digest_of(current) != edit.text.digest:
        raise FileChangedError(
            f"{edit.path} changed on disk while crmgen was editing "
            f"it; nothing was written, run the command again"
        )
    # Through a symbolic link, edit the file it points at and keep the link.
    target = Path(os.path.realpath(edit.full_path))
    remove_leftovers(target)
    replace_file(target, data)
    return warnings


def replace_file(path: Path, data: bytes) -> None:
    """Replace path with data atomically, keeping its permissions and owner.

    On Linux the data is written to an unnamed file (O_TMPFILE) that only gets
    a name once it is complete, so a process killed while writing leaves
    nothing behind; elsewhere files.write_atomic's named temporary is used.
    """
    status = path.stat()
    temporary = _write_unnamed(path, data, status)
    if temporary is None:
        write_atomic(path, data, status.st_mode & 0o7777)
        return
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _write_unnamed(path: Path, data: bytes, status: os.stat_result) -> Path | None:
    """Write data to an unnamed file beside path, then name it `.<name>.*.tmp`.

    Returns that name, or None where unnamed files are not available.
    """
    flag = getattr(os, "O_TMPFILE", 0)
    mode = status.st_mode & 0o7777
    try:
        handle = os.open(path.parent, flag | os.O_WRONLY, mode) if flag else -1
    except OSError:  # a file system without unnamed files
        handle = -1
    if handle < 0:
        return None
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
        with contextlib.suppress(PermissionError):  # only root may give files away
            os.fchown(handle, status.st_uid, status.st_gid)
        os.fchmod(handle, mode)
        # A directory descriptor makes os.link use linkat(AT_SYMLINK_FOLLOW), which
        # gives the unnamed file a name; plain link() would refuse.
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.link(f"/proc/self/fd/{handle}", temporary.name, dst_dir_fd=folder)
        finally:
            os.close(folder)
    finally:
        os.close(handle)
    return temporary


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot, which is not an error."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def remove_leftovers(path: Path, age: float = 60.0) -> None:
    """Remove temporary files an earlier, killed write left beside path.

    Only `.<name>.*.tmp` files older than `age` seconds: a younger one may
    belong to a write still under way.
    """
    now = dt.datetime.now().timestamp()
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > age:
                os.unlink(leftover)
