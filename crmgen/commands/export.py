"""`crmgen export`: the project in formats other tools read."""

from __future__ import annotations

import argparse

from crmgen.commands.base import UsageError, add_today, project_root, write_output
from crmgen.commands.history_options import add_as_of, load
from crmgen.document import document_text

FORMATS = ("json", "csv", "vcf", "ics")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "export",
        help="export the clients as JSON, CSV, vCards or a calendar",
        description="Export the project. `json` prints the model as one JSON "
        "document (see docs/data-json.md); `csv` one row per deal with "
        "the client's fields repeated (crmgen import csv --preset "
        "crmgen reads it back); `vcf` every client's contact as a "
        "vCard 4.0; `ics` the follow-up calendar, the site's "
        "followups.ics.",
    )
    parser.add_argument("format", choices=FORMATS, help="the output format")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output",
    )
    parser.add_argument(
        "--excel",
        action="store_true",
        help="csv only: a UTF-8 BOM, `;` between cells and decimal "
        "commas, for European spreadsheet programs",
    )
    add_today(parser)
    add_as_of(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.excel and args.format != "csv":
        raise UsageError(f"--excel applies to csv only, not {args.format}")
    # Imported here: every command module loads at start-up, and icalendar and
    # vobject are slow to import for the commands that never use them.
    from crmgen.calendar import calendars
    from crmgen.exports import export_csv, export_vcf

    project = load(args, project_root(args))
    if args.format == "csv":
        text = export_csv(project, excel=args.excel)
    elif args.format == "vcf":
        text = export_vcf(project)
    elif args.format == "ics":
        # The site's own followups.ics, so the two can never differ.
        files = calendars(project.clients, project.config.title, project.today)
        text = files["followups.ics"].decode("utf-8")
    else:
        text = document_text(project)
    write_output(text, args.output)
    return 0
