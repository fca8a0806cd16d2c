"""The `crmgen` command line: global options, then one sub-command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from crmgen import __version__
from crmgen.commands import (
    build,
    check,
    export,
    importcsv,
    log,
    new,
    report,
    serve,
    today,
)
from crmgen.commands import set as set_command
from crmgen.commands.base import UsageError
from crmgen.loader import ProjectNotFoundError

COMMANDS = (check, build, serve, new, log, set_command, today, report, export,
            importcsv)


def build_parser() -> argparse.ArgumentParser:
    """The parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="crmgen",
        description="A plain-text CRM: Markdown client files in, a pipeline board "
        "and reports out.",
    )
    parser.add_argument("--version", action="version", version=f"crmgen {__version__}")
    parser.add_argument(
        "-C",
        dest="directory",
        metavar="DIR",
        help="run in the project at DIR instead of the current one",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="say more about what is happening (twice for debug)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run crmgen; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(message)s")
    try:
        status: int = args.run(args)
    except (UsageError, ProjectNotFoundError) as error:
        print(f"crmgen: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status
