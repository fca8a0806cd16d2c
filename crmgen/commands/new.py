"""`crmgen new`: create a client file from a name, never overwriting one."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from crmgen.commands.base import add_today, parse_date, print_problems, project_root
from crmgen.config import load_config
from crmgen.ids import slugify
from crmgen.loader import CLIENTS_DIR, discover, parse_and_check, resolve_today
from crmgen.yamltext import format_list, format_scalar, format_text

# Options in the order their keys are written, and how each is written.
TEXT_OPTIONS = {
    "company": "C",
    "contact": "P",
    "email": "E",
    "phone": "T",
    "owner": "O",
    "source": "S",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "new",
        help="create a client file",
        description="Create clients/<id>.md, the id made from NAME (lowercase ASCII "
        "letters, digits and hyphens, accents folded), with "
        "`first_contact` today, the first configured stage unless "
        "--stage is given, and an empty `## Log`. Prints the path. "
        "Never overwrites: an id that clashes with an existing client "
        "(in any sub-folder or letter case) is refused.",
    )
    parser.add_argument("name", metavar="NAME", help="the client's name")
    for option, metavar in TEXT_OPTIONS.items():
        parser.add_argument(
            f"--{option}", metavar=metavar, help=f"the client's `{option}`"
        )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="a tag (repeat for several)",
    )
    parser.add_argument("--value", metavar="V", help="the expected deal value")
    parser.add_argument(
        "--stage", metavar="S", help="the stage (default: the first configured one)"
    )
    parser.add_argument(
        "--next", type=parse_date, metavar="YYYY-MM-DD", help="the next follow-up date"
    )
    add_today(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = project_root(args)
    config, _problems = load_config(root)
    today = resolve_today(config, args.today)
    client_id = slugify(args.name)
    if not client_id:
        return _fail(
            f"the name {args.name!r} has no letters or digits to make an id "
            f"from; give the client a name with some"
        )
    clash = _existing(root, client_id)
    if clash is not None:
        return _fail(
            f"a client with the id `{client_id}` already exists: {clash}; "
            f"nothing was written"
        )
    path = f"{CLIENTS_DIR}/{client_id}.md"
    data = _text(args, today.isoformat(), args.stage or config.stage_names[0])
    client, problems = parse_and_check(path, data, config, today)
    errors = [problem for problem in problems if problem.severity == "error"]
    if client is None or errors:
        print(
            f"crmgen: not creating {path}: the values given would be errors",
            file=sys.stderr,
        )
        print_problems(errors or problems)
        return 1
    if not _create(root / path, data):
        return _fail(
            f"{path} appeared while crmgen was writing it; nothing was written"
        )
    print(path)
    print_problems(problems)
    return 0


def _fail(message: str) -> int:
    """Say why nothing was created; exit status 1."""
    print(f"crmgen: error: {message}", file=sys.stderr)
    return 1


def _existing(root: Path, client_id: str) -> str | None:
    """The path of a client whose id is client_id in any letter case, if any."""
    for path in discover(root):
        if path.rsplit("/", 1)[-1][:-3].lower() == client_id:
            return path
    return None


def _text(args: argparse.Namespace, today: str, stage: str) -> bytes:
    """The new file: front matter with the given keys, then an empty log."""
    lines = ["---", f"name: {format_text(args.name.strip())}"]
    for option in TEXT_OPTIONS:
        value = getattr(args, option)
        if value:
            lines.append(f"{option}: {format_text(value.strip())}")
    if args.tag:
        lines.append(f"tags: {format_list([tag.strip() for tag in args.tag])}")
    lines.append(f"first_contact: {today}")
    if args.next is not None:
        lines.append(f"next_follow_up: {args.next.isoformat()}")
    lines.append(f"stage: {format_text(stage)}")
    if args.value:
        lines.append(f"value: {format_scalar(args.value.strip())}")
    lines += ["---", "", "## Log", ""]
    return "\n".join(lines).encode("utf-8")


def _create(path: Path, data: bytes) -> bool:
    """Write a new file whole, or not at all; False when it already exists.

    The data goes to a temporary file first, which is then hard-linked to the
    name: linking fails rather than replace a file made meanwhile.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (some network or FAT file systems)
            return _create_exclusive(path, data)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Create the file with O_EXCL, where hard links are not available."""
    try:
        with open(path, "xb") as stream:
            stream.write(data)
    except FileExistsError:
        return False
    return True
