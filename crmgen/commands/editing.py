"""What the editing commands share: finding the client, reporting refusals."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from crmgen.commands.base import UsageError, print_problems, project_root
from crmgen.editor import ClientFile, EditError, EditRefusedError, open_client, save
from crmgen.loader import Project, load_project
from crmgen.lookup import ClientNotFoundError, candidates, find_client


def add_client(parser: argparse.ArgumentParser) -> None:
    """The CLIENT argument of every command that edits one client."""
    parser.add_argument(
        "client",
        metavar="CLIENT",
        help="the client's id, a unique start of it, or its name (any letter case)",
    )


def open_named(args: argparse.Namespace) -> tuple[Project, ClientFile]:
    """Load the project and open the client CLIENT names for editing."""
    root: Path = project_root(args)
    project = load_project(root, args.today)
    try:
        found = find_client(args.client, candidates(project))
    except ClientNotFoundError as error:
        raise UsageError(str(error)) from None
    return project, open_client(root, found.path, project.config, project.today)


def run_edit(
    args: argparse.Namespace, change: Callable[[Project, ClientFile], str]
) -> int:
    """Open the client, apply change (which returns what it did), save, report.

    Exit status 0 when written, 1 when refused (the problems are printed).
    """
    try:
        project, edit = open_named(args)
        done = change(project, edit)
        warnings = save(edit)
    except EditRefusedError as error:
        print(f"crmgen: {error}", file=sys.stderr)
        print_problems(error.problems)
        return 1
    except EditError as error:
        print(f"crmgen: error: {error}", file=sys.stderr)
        return 1
    print(f"{edit.path}: {done}")
    print_problems(warnings)
    return 0
