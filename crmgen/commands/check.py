"""`crmgen check`: validate client files and print each problem with its line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from crmgen.commands.base import (
    UsageError,
    add_no_cache,
    add_today,
    print_problems,
    project_root,
)
from crmgen.loader import CLIENTS_DIR, Project, is_skipped, load_project
from crmgen.words import plural


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "check",
        help="validate client files",
        description="Validate the client files and crmgen.toml. Prints one line per "
        "problem (path:line: severity: message) and a summary. Exit "
        "status 0 without errors, 1 with errors (or warnings with "
        "--strict), 2 on bad usage.",
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="check only these client files (plus the project-wide "
        "rules that involve them)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--json", action="store_true", help="print the problems as a JSON list instead"
    )
    add_today(parser)
    add_no_cache(parser)
    parser.set_defaults(run=run)


def _relative(root: Path, files: list[str]) -> list[str] | None:
    """The FILE arguments as project-relative paths; None means all files."""
    if not files:
        return None
    paths = []
    for name in files:
        path = Path(name).resolve()
        try:
            relative = path.relative_to(root)
        except ValueError:
            raise UsageError(f"{name} is not inside the project {root}") from None
        if relative.parts[:1] == (CLIENTS_DIR,) and path.suffix == ".md":
            if not any(is_skipped(part) for part in relative.parts):
                paths.append(relative.as_posix())
        elif relative.as_posix() != "crmgen.toml":
            raise UsageError(f"{name} is not a client file under {CLIENTS_DIR}/")
        if not path.is_file():
            raise UsageError(f"{name}: no such file")
    return paths


def summary(project: Project) -> str:
    """`checked 36 client files: 0 errors, 2 warnings`."""
    return (
        f"checked {plural(project.files, 'client file')}: "
        f"{plural(project.errors, 'error')}, {plural(project.warnings, 'warning')}"
    )


def run(args: argparse.Namespace) -> int:
    root = project_root(args)
    project = load_project(
        root, args.today, _relative(root, args.files), cache=args.cache
    )
    if args.json:
        print(
            json.dumps(
                [p.as_json() for p in project.problems], indent=2, ensure_ascii=False
            )
        )
    else:
        print_problems(project.problems)
        print(summary(project))
    failed = project.errors > 0 or (args.strict and project.warnings > 0)
    return 1 if failed else 0
