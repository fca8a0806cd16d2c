"""The few git commands crmgen needs, batched: one `log`, one `cat-file` per run.

Paths given and returned are relative to the project root, which may be a
sub-folder of the repository.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# One record per commit: \x01 then the header fields separated by NULs.
_FORMAT = "%x01%H%x00%aI%x00%cI%x00%an%x00%s"
_REGULAR_MODES = ("100644", "100755")


class GitError(Exception):
    """git is missing, the folder is no repository, or a revision is unknown."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file's change in a commit: status A, M, D or R (renamed from old_path).

    blob: the file's new blob id; None when the file was deleted.
    """

    status: str
    path: str
    blob: str | None
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit on the first-parent line, with the client files it changed.

    authored/committed: the dates with the author's and committer's own offsets.
    """

    id: str
    authored: dt.datetime
    committed: dt.datetime
    author: str
    subject: str
    changes: tuple[FileChange, ...]


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in root and return its output; GitError with git's message."""
    if shutil.which("git") is None:
        raise GitError("git is not installed or not on PATH")
    done = subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def is_repository(root: Path) -> bool:
    """Whether root is inside a git work tree with at least one commit."""
    try:
        git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        return False
    return True


def require_repository(root: Path, purpose: str) -> None:
    """GitError saying what needs git when root is not in a repository."""
    if not is_repository(root):
        raise GitError(
            f"{root} is not in a git repository with commits; {purpose} "
            f"reads git history"
        )


def resolve(root: Path, rev: str) -> str:
    """The full commit id of a revision; GitError when git does not know it."""
    try:
        return (
            git(
                root,
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                f"{rev}^{{commit}}",
            )
            .decode()
            .strip()
        )
    except GitError:
        raise GitError(f"`{rev}` is not a commit in this repository") from None


def is_shallow(root: Path) -> bool:
    """Whether the clone is shallow, so history stops before the first commit."""
    return git(root, "rev-parse", "--is-shallow-repository").strip() == b"true"


def history(root: Path, rev: str, paths: tuple[str, ...]) -> list[Commit]:
    """Commits on rev's first-parent line touching paths, oldest first.

    A merge counts as the change it made to its first parent, so the result is
    one straight line of project states, the way the team's main branch saw them.
    """
    output = git(
        root,
        "log",
        "--relative",
        "-z",
        "--raw",
        "--no-abbrev",
        "--find-renames",
        "--first-parent",
        "--diff-merges=first-parent",
        f"--format={_FORMAT}",
        resolve(root, rev),
        "--",
        *paths,
    )
    commits = [_commit(record) for record in output.split(b"\x01") if record]
    commits.reverse()
    log.debug("read %d commits from git", len(commits))
    return commits


def _commit(record: bytes) -> Commit:
    fields = record.decode("utf-8", "replace").split("\0")
    commit_id, authored, committed, author, subject = fields[:5]
    return Commit(
        commit_id,
        dt.datetime.fromisoformat(authored),
        dt.datetime.fromisoformat(committed),
        author,
        subject,
        tuple(_changes(fields[5:])),
    )


def _changes(tokens: list[str]) -> Iterable[FileChange]:
    """Parse `--raw -z` entries: `:mode mode blob blob STATUS` then one or two paths."""
    index = 0
    while index < len(tokens):
        meta = tokens[index].lstrip("\n")
        index += 1
        if not meta.startswith(":"):
            continue
        _old_mode, new_mode, _old_blob, new_blob, status = meta[1:].split(" ")
        kind = status[0]
        old_path = tokens[index] if kind in "RC" else None
        index += 1 if old_path is None else 2
        path = tokens[index - 1]
        if kind == "D":
            yield FileChange("D", path, None)
        elif new_mode in _REGULAR_MODES:
            yield FileChange(
                "R" if kind == "R" else "A" if kind in "AC" else "M",
                path,
                new_blob,
                old_path if kind == "R" else None,
            )


def tree(root: Path, rev: str, paths: tuple[str, ...]) -> dict[str, str]:
    """Every regular file under paths at rev, as relative path -> blob id."""
    output = git(root, "ls-tree", "-r", "-z", resolve(root, rev), "--", *paths)
    files: dict[str, str] = {}
    for entry in output.decode("utf-8", "replace").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, blob = meta.split(" ")
        if kind == "blob" and mode in _REGULAR_MODES:
            files[path] = blob
    return files


def index(root: Path, paths: tuple[str, ...]) -> dict[str, str]:
    """Every regular file under paths as staged for the next commit: path -> blob."""
    output = git(root, "ls-files", "--stage", "-z", "--", *paths)
    files: dict[str, str] = {}
    for entry in output.decode("utf-8", "replace").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, blob, _stage = meta.split(" ")
        if mode in _REGULAR_MODES:
            files[path] = blob
    return files


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """The contents of many blobs through one `git cat-file --batch` process."""
    wanted = sorted(set(blobs))
    if not wanted:
        return {}
    output = git(root, "cat-file", "--batch", stdin="\n".join(wanted).encode() + b"\n")
    contents: dict[str, bytes] = {}
    position = 0
    for blob in wanted:
        end = output.index(b"\n", position)
        header = output[position:end].split(b" ")
        if len(header) != 3:
            raise GitError(f"git cannot read blob {blob}")
        size = int(header[2])
        contents[blob] = output[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return contents


def mainline(root: Path, rev: str) -> list[tuple[str, dt.datetime]]:
    """(commit id, committer date) of rev's first-parent line, newest first."""
    output = git(root, "log", "--first-parent", "--format=%H %cI", resolve(root, rev))
    pairs = (line.split(" ", 1) for line in output.decode().splitlines() if line)
    return [(commit, dt.datetime.fromisoformat(date)) for commit, date in pairs]
