"""The options of commands that can read the project from git history."""

from __future__ import annotations

import argparse
from pathlib import Path

from crmgen.asof import load_project_at
from crmgen.commands.base import UsageError
from crmgen.loader import Project, load_project


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """The --as-of option: the project as it was at a date or commit."""
    parser.add_argument(
        "--as-of",
        metavar="DATE|REV",
        help="use the project as committed at REV, or at the last "
        "commit on or before DATE (YYYY-MM-DD, committer date); "
        "today becomes that date unless --today is given",
    )


def uses_git(args: argparse.Namespace) -> bool:
    """Whether git history may be read: not with the global --no-git."""
    return not getattr(args, "no_git", False)


def load(args: argparse.Namespace, root: Path) -> Project:
    """The project from the working tree, or from git with --as-of."""
    if args.as_of is None:
        return load_project(root, args.today)
    if not uses_git(args):
        raise UsageError("--as-of reads git history and cannot be used with --no-git")
    return load_project_at(root, args.as_of, args.today)
