"""`crmgen log`: add an entry to a client's log in the file's own order."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter

from crmgen import keyedit
from crmgen.commands.base import UsageError, add_today, parse_date
from crmgen.commands.editing import add_client, run_edit
from crmgen.editor import ClientFile, EditError, prove
from crmgen.loader import Project
from crmgen.logedit import NewEntry, add_entry
from crmgen.logparse import TIME_RE
from crmgen.model import Client


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "log",
        help="add an entry to a client's log",
        description="Add `### DATE [TIME] KIND[: SUMMARY]` to the client's log, in "
        "the order the file uses (newest-first in a new log), creating "
        "`## Log` if missing. A contact kind moves an older "
        "`last_contact` key forward, never past today. Exit status 0 when "
        "written, 1 when refused, 2 on bad usage.",
    )
    add_client(parser)
    parser.add_argument("kind", metavar="KIND", help="the entry's kind, e.g. call")
    parser.add_argument(
        "summary",
        nargs="?",
        default="",
        metavar="SUMMARY",
        help="a one-line summary for the heading",
    )
    parser.add_argument(
        "--date",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="the entry's date (default: today)",
    )
    parser.add_argument("--time", metavar="HH:MM", help="the entry's time")
    parser.add_argument(
        "--body",
        metavar="TEXT",
        help="the entry's text; `-` reads it from standard input",
    )
    parser.add_argument(
        "--next",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="also set `next_follow_up` to this date",
    )
    add_today(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.time is not None and not TIME_RE.match(args.time):
        raise UsageError(
            f"--time must be HH:MM from 00:00 to 23:59, found {args.time!r}"
        )
    if "\n" in args.summary or "\r" in args.summary:
        raise UsageError("the summary must be one line; put the rest in --body")
    body = sys.stdin.read() if args.body == "-" else (args.body or "")
    return run_edit(args, lambda project, edit: _change(project, edit, args, body))


def _change(
    project: Project, edit: ClientFile, args: argparse.Namespace, body: str
) -> str:
    """Add the entry, then move `next_follow_up` and `last_contact` as asked."""
    config = project.config
    kind = args.kind.lower()
    if kind not in config.kinds:
        close = difflib.get_close_matches(kind, config.kinds, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise UsageError(
            f"unknown log kind `{args.kind}` (one of {', '.join(config.kinds)}){hint}"
        )
    entry = NewEntry(
        args.date or edit.today, args.time, kind, args.summary.strip(), body
    )
    add_entry(edit.text, edit.client, entry)
    moved: dict[str, str] = {}  # the keys set too, and their new values
    if args.next is not None:
        moved["next_follow_up"] = args.next.isoformat()
    last = edit.client.last_contact_key
    # A contact to come is a plan: it does not move `last_contact` ahead of today.
    recent = last is not None and last < entry.date <= edit.today
    if kind in config.contact_kinds and recent:
        moved["last_contact"] = entry.date.isoformat()
    for key, value in moved.items():
        keyedit.set_key(edit.text, keyedit.top_level(edit.text), key, value)
    _verify(edit.client, prove(edit)[0], entry)
    also = "".join(f"; {key}: {value}" for key, value in moved.items())
    return f"added {entry.heading()}{also}"


def _verify(before: Client, after: Client, entry: NewEntry) -> None:
    """The log reads as before plus the new entry, or the edit is refused."""

    def entries(client: Client) -> Counter[tuple[object, ...]]:
        return Counter((e.date, e.time, e.kind, e.summary, e.body) for e in client.log)

    expected = entries(before)
    expected[
        (
            entry.date,
            entry.time,
            entry.kind,
            entry.summary,
            "\n".join(entry.body_lines()),
        )
    ] += 1
    if entries(after) != expected or before.notes != after.notes:
        raise EditError(
            "the entry cannot be written as typed: a line of its body "
            "or summary would read as a heading or a code fence; "
            "nothing was written"
        )
