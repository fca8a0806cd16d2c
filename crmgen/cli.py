"""The `crmgen` command line: global options, then one sub-command."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from crmgen import __version__
from crmgen.cache import one_shot
from crmgen.commands.base import UsageError
from crmgen.gitrepo import GitError
from crmgen.loader import ProjectNotFoundError

# Each command's module in crmgen.commands, by the names it registers, in the
# order --help lists them. Only the module of the command being run is
# imported: a build with nothing to do should not wait for the importer's.
COMMANDS = {
    "check": "check",
    "build": "build",
    "watch": "serve",
    "serve": "serve",
    "new": "new",
    "log": "log",
    "set": "set",
    "today": "today",
    "report": "report",
    "export": "export",
    "import": "importcsv",
    "diff": "diff",
    "schema": "schema",
}


def command_named(argv: Sequence[str]) -> str | None:
    """The command argv runs, when it can be told before parsing."""
    words = iter(argv)
    for word in words:
        if word == "-C":
            next(words, None)  # the folder, whatever it is called
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command registered, or only the one named."""
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
    parser.add_argument(
        "--no-git",
        action="store_true",
        help="never read git history, even inside a repository",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = [COMMANDS[command]] if command in COMMANDS else COMMANDS.values()
    for module in dict.fromkeys(wanted):
        importlib.import_module(f"crmgen.commands.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run crmgen; returns the exit status."""
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(command_named(words))
    args = parser.parse_args(words)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(message)s")
    try:
        status: int = args.run(args)
    except (UsageError, ProjectNotFoundError, GitError) as error:
        print(f"crmgen: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status


def run() -> NoReturn:
    """The `crmgen` program: main, then exit without tearing the heap down.

    A build of a big project leaves hundreds of thousands of records behind,
    and freeing them one by one at exit takes a quarter of a second that
    nobody waits for usefully; the operating system reclaims the memory at
    once. What is buffered for the terminal or the log is flushed first.
    The records a command loads last as long, which spares their collection
    too (see crmgen.cache.gc_paused).
    """
    one_shot()
    try:
        status = main()
    except BrokenPipeError:  # `crmgen report | head`: the reader went away
        status = 120
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader went away: the output is incomplete
        status = status or 120
    os._exit(status)
