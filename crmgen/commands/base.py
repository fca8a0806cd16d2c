"""What the commands share: finding the project, reading dates, writing output."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

from crmgen.loader import Project, find_root
from crmgen.model import Problem


class UsageError(Exception):
    """Bad command-line usage: printed without a traceback, exit status 2."""


def parse_date(text: str) -> dt.date:
    """An argparse type for YYYY-MM-DD dates."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise argparse.ArgumentTypeError(
                f"{text} is not a real date; check the month and day"
            ) from None
        raise argparse.ArgumentTypeError(
            f"expected a date YYYY-MM-DD, found {text!r}"
        ) from None


def add_no_cache(parser: argparse.ArgumentParser) -> None:
    """The --no-cache option of every command that loads the project."""
    parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="parse every client file again, without reading or writing .crmgen-cache/",
    )


def add_today(parser: argparse.ArgumentParser) -> None:
    """The --today option of every command whose output depends on the date."""
    parser.add_argument(
        "--today",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="the date to treat as today (default: crmgen.toml's "
        "`today`, else the clock)",
    )


def project_root(args: argparse.Namespace) -> Path:
    """The project root: -C DIR if given, else the nearest one above the cwd."""
    start = Path(args.directory) if args.directory else Path.cwd()
    if args.directory and not start.is_dir():
        raise UsageError(f"-C {args.directory}: no such folder")
    return find_root(start)


def check_owner(project: Project, owner: str | None) -> None:
    """Refuse an --owner that no client has (owners compare ignoring case)."""
    if owner is None:
        return
    owners = sorted({c.owner for c in project.clients if c.owner}, key=str.casefold)
    if owner.casefold() not in {name.casefold() for name in owners}:
        known = ", ".join(owners) or "none"
        raise UsageError(f"no client has owner {owner!r} (owners: {known})")


def shown_path(folder: Path) -> str:
    """A folder as messages name it: relative to here, unless that climbs out
    of more than one folder (then absolute)."""
    shown = os.path.relpath(folder)
    return str(folder) if shown.startswith(os.path.join("..", "..")) else shown


def print_problems(problems: list[Problem] | tuple[Problem, ...]) -> None:
    """The one formatter of problems for the terminal: `path:line: severity: msg`."""
    for problem in problems:
        print(problem.format())


def write_output(text: str, output: str | None) -> None:
    """Write text to the -o file atomically, or to standard output."""
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    from crmgen.files import write_atomic

    write_atomic(Path(output), text.encode("utf-8"))
