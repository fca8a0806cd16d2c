"""The options of commands that can read the project from git history."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from crmgen.asof import git_source, resolve_as_of
from crmgen.commands.base import UsageError
from crmgen.loader import Project, Source, load_project


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """The --as-of option, and --no-git after the command as well as before it."""
    parser.add_argument(
        "--no-git",
        action="store_true",
        # Unset unless given, so it never hides a global `crmgen --no-git`.
        default=argparse.SUPPRESS,
        help="never read git history (the same as `crmgen --no-git ...`)",
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE|REV",
        help="use the project as committed at REV, or at the last commit on or "
        "before DATE (YYYY-MM-DD, committer date); today becomes that date "
        "unless --today is given",
    )


def uses_git(args: argparse.Namespace) -> bool:
    """Whether git history may be read: not with the global --no-git."""
    return not getattr(args, "no_git", False)


@dataclass(frozen=True, slots=True)
class Plan:
    """Where a command reads the project from.

    today: the date to use (None: the configuration's or the clock's).
    source: the files' source, None for the working tree on disk.
    rev: the revision whose history may be read, None when git is not used.
    """

    today: dt.date | None
    source: Source | None
    rev: str | None


def plan(args: argparse.Namespace, root: Path) -> Plan:
    """The plan for --as-of, --today and --no-git."""
    as_of = getattr(args, "as_of", None)
    if not uses_git(args):
        if as_of is not None:
            raise UsageError(
                "--as-of reads git history and cannot be used with --no-git"
            )
        return Plan(args.today, None, None)
    if as_of is None:
        return Plan(args.today, None, "HEAD")
    commit, day = resolve_as_of(root, as_of)
    return Plan(args.today or day, git_source(root, commit), commit)


def load(args: argparse.Namespace, root: Path) -> Project:
    """The project from the working tree, or from git with --as-of."""
    chosen = plan(args, root)
    return load_project(root, chosen.today, source=chosen.source)
