"""`crmgen export`: the project in formats other tools read."""

from __future__ import annotations

import argparse
import json

from crmgen.commands.base import add_today, project_root, write_output
from crmgen.commands.history_options import add_as_of, load
from crmgen.document import project_document


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "export",
        help="export the clients as JSON",
        description="Export the project. `json` prints the model as one JSON "
        "document (see docs/data-json.md).",
    )
    parser.add_argument("format", choices=["json"], help="the output format")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output",
    )
    add_today(parser)
    add_as_of(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = load(args, project_root(args))
    document = project_document(project)
    write_output(json.dumps(document, indent=2, ensure_ascii=False) + "\n", args.output)
    return 0
