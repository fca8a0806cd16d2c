"""`crmgen diff`: what changed in the pipeline between two versions."""

from __future__ import annotations

import argparse
import datetime as dt
from functools import partial
from pathlib import Path

from crmgen import gitrepo
from crmgen.asof import git_source, resolve_as_of, staged_files
from crmgen.commands.base import UsageError, add_today, project_root, write_output
from crmgen.commands.history_options import uses_git
from crmgen.compare import compare_clients, is_push
from crmgen.diff import Pushes, pipeline_diff, render_markdown, render_text
from crmgen.githistory import deal_changes, pushes
from crmgen.loader import Project, load_project


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "diff",
        help="summarise pipeline changes between two versions",
        description="Summarise what changed in the pipeline between REV_A (default "
        "HEAD, the last commit) and REV_B (default: the working tree): "
        "new and removed clients, stage moves, deals won and lost, "
        "probability and value changes, expected-close dates pushed out "
        "(with how many times in all), follow-ups. The first line is a "
        "one-line summary, so the text can serve as a commit message.",
    )
    parser.add_argument(
        "rev_a",
        nargs="?",
        default="HEAD",
        metavar="REV_A",
        help="the older version: a commit, branch, tag or DATE "
        "(YYYY-MM-DD: the last commit on or before it)",
    )
    parser.add_argument(
        "rev_b",
        nargs="?",
        metavar="REV_B",
        help="the newer version (default: the working tree)",
    )
    parser.add_argument(
        "--staged",
        action="store_true",
        help="compare with what is staged for the next commit instead of the "
        "working tree (for a commit message hook)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="write Markdown for a pull-request comment",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output",
    )
    add_today(parser)
    parser.set_defaults(run=run)


def _at(root: Path, rev: str, today: dt.date | None) -> tuple[Project, str, str]:
    """The project at a revision (a REV or DATE), its commit, and a label."""
    commit, day = resolve_as_of(root, rev)
    project = load_project(root, today or day, source=git_source(root, commit))
    return project, commit, f"{rev} ({commit[:10]}, {day.isoformat()})"


def _pushes(root: Path, new: Project, commit_b: str | None) -> Pushes:
    """Times each deal's close date was pushed out in the history up to REV_B."""
    counts = pushes(deal_changes(root, new.config, commit_b or "HEAD"))
    if commit_b is None:  # a push not committed yet counts once more
        head = _at(root, "HEAD", new.today)[0]
        before = {client.id: client for client in head.clients}
        for client in new.clients:
            for diff in compare_clients(before.get(client.id), client):
                if is_push(diff.field, diff.before, diff.after):
                    key = (client.id, diff.key)
                    counts[key] = counts.get(key, 0) + 1
    return counts


def run(args: argparse.Namespace) -> int:
    if not uses_git(args):
        raise UsageError(
            "diff compares versions from git and cannot be used with --no-git"
        )
    root = project_root(args)
    gitrepo.require_repository(root, "diff")
    old, _commit, old_label = _at(root, args.rev_a, args.today)
    commit_b: str | None = None
    if args.rev_b is not None and args.staged:
        raise UsageError("give REV_B or --staged, not both")
    if args.staged:
        new = load_project(root, args.today, source=partial(staged_files, root))
        new_label = "the staged changes"
    elif args.rev_b is None:
        new, new_label = load_project(root, args.today), "the working tree"
    else:
        new, commit_b, new_label = _at(root, args.rev_b, args.today)
    items = pipeline_diff(old, new, _pushes(root, new, commit_b))
    span = f"From {old_label} to {new_label}."
    render = render_markdown if args.markdown else render_text
    write_output(render(items, span), args.output)
    return 0
