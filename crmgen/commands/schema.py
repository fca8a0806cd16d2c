"""`crmgen schema`: the JSON Schema of the front matter, for editors."""

from __future__ import annotations

import argparse
import json

from crmgen.commands.base import project_root, write_output
from crmgen.config import load_config
from crmgen.loader import ProjectNotFoundError
from crmgen.schema import front_matter_schema


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "schema",
        help="print a JSON Schema of the front matter for editors",
        description="Print a JSON Schema (draft 2020-12) of the client files' front "
        "matter, generated from the fields the checker knows and the "
        "project's stages and custom fields. Point the YAML language "
        "server at it (see docs/editors.md). Outside a project the "
        "default configuration is used.",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config, _problems = load_config(project_root(args))
    except ProjectNotFoundError:
        if args.directory:
            raise
        from crmgen.config import Config

        config = Config()
    schema = front_matter_schema(config)
    write_output(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", args.output)
    return 0
