"""The project as it was at a past commit or date, read from git."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from crmgen import gitrepo
from crmgen.config import CONFIG_NAME
from crmgen.gitrepo import GitError
from crmgen.loader import CLIENTS_DIR, Project, Source, load_project

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def commit_on(root: Path, day: dt.date, rev: str = "HEAD") -> str:
    """The newest commit on rev's first-parent line committed on or before day.

    The committer date is read in the committer's own time zone, as `git log`
    shows it, so the answer does not depend on the machine's zone.
    """
    for commit, committed in gitrepo.mainline(root, rev):
        if committed.date() <= day:
            return commit
    raise GitError(f"no commit on or before {day.isoformat()} in this repository")


def resolve_as_of(root: Path, text: str) -> tuple[str, dt.date]:
    """A DATE or REV as (commit id, the date that is "today" at that point)."""
    gitrepo.require_repository(root, "--as-of")
    if DATE_RE.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise GitError(f"--as-of {text} is not a real date") from None
        return commit_on(root, day), day
    commit = gitrepo.resolve(root, text)
    committed = gitrepo.git(root, "show", "-s", "--format=%cI", commit).decode().strip()
    return commit, dt.datetime.fromisoformat(committed).date()


def git_files(root: Path, rev: str) -> Iterable[tuple[str, bytes]]:
    """The client files and crmgen.toml at rev, as (relative path, bytes)."""
    files = gitrepo.tree(root, rev, (CLIENTS_DIR, CONFIG_NAME))
    contents = gitrepo.read_blobs(root, files.values())
    return [(path, contents[blob]) for path, blob in sorted(files.items())]


def git_source(root: Path, rev: str) -> Source:
    """A loader source reading the project's files at rev."""
    return lambda: git_files(root, rev)


def staged_files(root: Path) -> Iterable[tuple[str, bytes]]:
    """The client files and crmgen.toml as staged for the next commit."""
    files = gitrepo.index(root, (CLIENTS_DIR, CONFIG_NAME))
    contents = gitrepo.read_blobs(root, files.values())
    return [(path, contents[blob]) for path, blob in sorted(files.items())]


def load_project_at(root: Path, as_of: str, today: dt.date | None = None) -> Project:
    """Load the project as it was at a commit or on a date (GitError if unknown).

    today: defaults to the date itself, or the commit's committer date for a REV.
    """
    commit, day = resolve_as_of(root, as_of)
    return load_project(root, today or day, source=git_source(root, commit))
