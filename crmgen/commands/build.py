"""`crmgen build`: write the static site (board, follow-ups, client pages)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from crmgen.build import OutputFolderError, build
from crmgen.commands.base import (
    UsageError,
    add_no_cache,
    add_today,
    print_problems,
    project_root,
    shown_path,
)
from crmgen.commands.history_options import add_as_of, plan
from crmgen.words import plural


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "build",
        help="build the static site",
        description="Build the site: the pipeline board (index.html), the follow-up "
        "report, the reports, week over week, a page per client, the problems "
        "page, data.json and follow-up calendars (.ics). Open index.html in "
        "a browser; it works straight from the folder. Exit status 0 when the files "
        "have no errors, 1 when they do (the site is written all the "
        "same), 2 on bad usage.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write the site to DIR (default: crmgen.toml's "
        "[site] output, else site/ in the project)",
    )
    add_today(parser)
    add_as_of(parser)
    add_no_cache(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = project_root(args)
    try:
        chosen = plan(args, root)
        result = build(
            root, chosen.today, args.out, chosen.source, chosen.rev, cache=args.cache
        )
    except OutputFolderError as error:
        raise UsageError(str(error)) from None
    except Exception as error:
        # Jinja2 is imported here, not at the top: a build with nothing to do
        # never loads it, and start-up is most of that build's time.
        import jinja2

        if not isinstance(error, jinja2.TemplateError):
            raise
        where = getattr(error, "filename", None) or getattr(error, "name", None)
        line = getattr(error, "lineno", None)
        place = f" ({where}{':' + str(line) if line else ''})" if where else ""
        raise UsageError(
            f"a template failed{place}: {error}; the previous site was left as it was"
        ) from None
    print_problems(result.problems)
    shown = shown_path(result.output)
    counts = f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')}"
    pages = plural(result.clients, "client page")
    if result.project is not None:
        done = f"built {pages} into {shown}{os.sep}"
    elif result.updated:
        edited = plural(result.updated, "client page")
        done = f"updated {edited} of {result.clients:,} in {shown}{os.sep}"
    else:
        done = f"nothing changed: {shown}{os.sep} is up to date with {pages}"
    print(f"{done} ({counts}): open {os.path.join(shown, 'index.html')}")
    return 1 if result.errors else 0
