"""`crmgen import csv`: bring clients in from a spreadsheet or another CRM."""

from __future__ import annotations

import argparse
from pathlib import Path

from crmgen.commands.base import UsageError, add_today, project_root
from crmgen.importer import ImportRefusedError, Options, Plan, plan_import
from crmgen.loader import load_project
from crmgen.mapping import MappingError, load_mapping, presets
from crmgen.transaction import FileChangedError, commit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import", help="import clients from a CSV file",
        description="Import clients and deals. Every row is either written or "
                    "reported with its row number and the reason.")
    formats = parser.add_subparsers(dest="import_format", metavar="FORMAT",
                                    required=True)
    csv = formats.add_parser(
        "csv", help="import a CSV export",
        description="Import a CSV file through a mapping (a preset or a TOML file; "
                    "see docs/import.md). Existing clients are never overwritten. "
                    "Exit status 0 when every row was imported, 1 when some rows "
                    "were reported instead, 2 when nothing could be imported.")
    csv.add_argument("file", metavar="FILE", help="the CSV file")
    how = csv.add_mutually_exclusive_group(required=True)
    how.add_argument("--preset", choices=presets(), help="a shipped mapping")
    how.add_argument("--map", metavar="MAPPING.toml", help="a mapping file")
    csv.add_argument("--dry-run", action="store_true",
                     help="write nothing; print the same report")
    csv.add_argument("--update", action="store_true",
                     help="add what existing matching clients lack (keys, deals, "
                          "log entries) instead of skipping them; nothing is "
                          "changed or removed")
    csv.add_argument("--date-format", metavar="FMT",
                     help="the dates' form as a strptime format, e.g. %%d/%%m/%%Y "
                          "(default: detected per column)")
    csv.add_argument("--encoding", metavar="ENC",
                     help="the file's encoding (default: UTF-8 with or without BOM, "
                          "else Windows-1252)")
    add_today(csv)
    csv.set_defaults(run=run)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def details(plan: Plan) -> list[str]:
    """The rows not taken (`file:line: row N: skipped: why`), notices, merges."""
    lines = [f"{plan.source}:{s.row.line}: {s.row.where}: skipped: {s.reason}"
             for s in plan.skipped]
    lines += [f"notice: {notice}" for notice in plan.notices]
    lines += [f"{plan.source}: {draft.where}: merged into {path}"
              for path, _, _, draft in plan.updates]
    return lines


def summary(plan: Plan, dry_run: bool) -> str:
    """`created 3 clients with 9 deals, merged 0 rows into 0 existing clients, ...`."""
    merged_rows = sum(len(update[3].rows) for update in plan.updates)
    verb = "dry run: would create" if dry_run else "created"
    return (f"{verb} {_count(len(plan.creates), 'client')} with "
            f"{_count(plan.deals_created, 'deal')}, merged "
            f"{_count(merged_rows, 'row')} into "
            f"{_count(len(plan.updates), 'existing client')}, skipped "
            f"{len(plan.skipped)} of {_count(plan.rows, 'row')}")


def run(args: argparse.Namespace) -> int:
    root = project_root(args)
    project = load_project(root, args.today)
    source = Path(args.file)
    if not source.is_file():
        raise UsageError(f"{args.file}: no such file")
    try:
        mapping = load_mapping(args.preset, Path(args.map) if args.map else None,
                               tuple(project.config.custom_fields))
        options = Options(args.encoding, args.date_format, args.update)
        plan = plan_import(project, source, mapping, options)
    except (MappingError, ImportRefusedError) as error:
        raise UsageError(str(error)) from None
    if not args.dry_run:
        try:
            commit(root, [(path, text) for path, text, _ in plan.creates],
                   [(path, text, before) for path, text, before, _ in plan.updates])
        except (OSError, FileChangedError) as error:
            print("\n".join(details(plan)))
            raise UsageError(f"the import failed and wrote nothing new: {error}"
                             ) from None
    print("\n".join([*details(plan), summary(plan, args.dry_run)]))
    return 1 if plan.skipped else 0
