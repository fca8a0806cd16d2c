"""`crmgen report`: forecast, win and loss, funnel, activity, calibration, hygiene."""

from __future__ import annotations

import argparse
import json
import sys

from crmgen.commands.base import add_today, project_root, write_output
from crmgen.loader import load_project
from crmgen.report_text import document_text
from crmgen.reports import REPORTS, report_document


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "report",
        help="print the reports (forecast, win/loss, funnel, ...)",
        description="Print the reports as tables, or as one JSON document with "
        "--json. Every figure is defined in docs/reports.md.",
    )
    parser.add_argument(
        "name",
        nargs="?",
        choices=list(REPORTS),
        metavar="NAME",
        help=f"one report: {', '.join(REPORTS)} (default: all)",
    )
    parser.add_argument(
        "--owner", metavar="OWNER", help="only the clients whose `owner` is OWNER"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document instead of tables"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output",
    )
    add_today(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(project_root(args), args.today)
    names = [args.name] if args.name else None
    document = report_document(project, names, args.owner)
    if args.json:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = document_text(document)
    write_output(text, args.output)
    if project.errors:
        # The figures stand on the files that could be read; say so, off stdout.
        print(
            f"crmgen: {project.errors} error(s) in the files; the reports leave "
            f"out what could not be read (run `crmgen check`)",
            file=sys.stderr,
        )
    return 0
