"""`crmgen set`: change front-matter values; a stage change is logged."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from crmgen import keyedit
from crmgen.assign import (
    Assignment,
    apply,
    is_deal_key,
    key_type,
    parse_assignment,
    reads_as,
)
from crmgen.checks import settled_probability
from crmgen.commands.base import UsageError, add_today
from crmgen.commands.editing import add_client, run_edit
from crmgen.config import STAGE_KIND, Config
from crmgen.editor import ClientFile, EditError, prove
from crmgen.fields import DEAL_ITEM_SPECS
from crmgen.loader import Project
from crmgen.logedit import NewEntry, add_entry
from crmgen.model import Deal


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "set",
        help="change front-matter values",
        description="Change front-matter values of one client, touching only their "
        "lines. An empty VALUE (`key=`) removes the key. A stage change "
        "adds a `stage` log entry with the probability before and after; "
        "a written probability is kept while the deal stays open, and set "
        "to 100 by `stage=won`, to 0 by `stage=lost`. Moving to a closed "
        "stage sets `closed_on` to today when absent; "
        "`stage=lost` needs `lost_reason=...`. Exit status 0 when "
        "written, 1 when refused, 2 on bad usage.",
    )
    add_client(parser)
    parser.add_argument(
        "assignments",
        nargs="+",
        metavar="KEY=VALUE",
        help="the values to write, e.g. stage=proposal value=12000",
    )
    parser.add_argument(
        "--deal",
        metavar="TITLE",
        help="the deal to change, for a client with a `deals` list",
    )
    add_today(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        items = [parse_assignment(text) for text in args.assignments]
    except ValueError as error:
        raise UsageError(str(error)) from None
    return run_edit(
        args, lambda project, edit: _change(project, edit, items, args.deal)
    )


def _change(
    project: Project, edit: ClientFile, items: list[Assignment], title: str | None
) -> str:
    """Apply the assignments (and a stage move's consequences); say what changed."""
    several = "deals" in edit.client.front_matter
    if several and title is None and any(is_deal_key(i.key) for i in items):
        titles = ", ".join(f"`{deal.title}`" for deal in edit.client.deals)
        raise EditError(
            f"{edit.client.name} has several deals; pick one with "
            f"--deal TITLE ({titles})"
        )
    _check_reason(project.config, items)
    deal = _deal(edit, title)
    entry, items = _stage_move(
        project.config, deal, items, edit.today, title if several else None
    )
    if entry is not None:
        add_entry(edit.text, edit.client, entry)
    expected = []
    # A deal is found by its title, so a new title is written last.
    for item in sorted(items, key=lambda item: item.key == "title"):
        in_deal = title is not None and item.key in DEAL_ITEM_SPECS
        mapping = (
            keyedit.deal(edit.text, title)
            if in_deal and title
            else keyedit.top_level(edit.text)
        )
        value = apply(
            edit.text, mapping, key_type(item.key, project.config, in_deal), item
        )
        expected.append((in_deal, item.key, value))
    _verify(edit, title, expected)
    return ", ".join(
        f"{i.key} = {i.value}" if i.value else f"removed {i.key}" for i in items
    )


def _verify(
    edit: ClientFile, title: str | None, expected: list[tuple[bool, str, Any]]
) -> None:
    """Each key reads back as written, or the edit is refused."""
    after = prove(edit)[0].front_matter
    renamed = [value for in_deal, key, value in expected if in_deal and key == "title"]
    target = renamed[0] if renamed else title
    items = after.get("deals")
    found = (
        [
            item
            for item in items
            if isinstance(item, dict) and item.get("title") == target
        ]
        if isinstance(items, list)
        else []
    )
    for in_deal, key, value in expected:
        where = (found[0] if found else None) if in_deal else after
        if not reads_as(where, key, value):
            raise EditError(
                f"`{key}` would not read back as written (is the front "
                f"matter unusual here?); nothing was written, edit it "
                f"by hand"
            )


def _check_reason(config: Config, items: list[Assignment]) -> None:
    """A lost reason typed here is one of the project's, when it lists them."""
    reasons = config.lost_reasons
    for item in items:
        if (
            item.key == "lost_reason"
            and item.value
            and reasons
            and item.value not in reasons
        ):
            raise EditError(
                f"lost reason `{item.value}` is not one of the project's "
                f"({', '.join(reasons)}); use one of them and put the "
                f"details in a log entry"
            )


def _deal(edit: ClientFile, title: str | None) -> Deal | None:
    """The deal being changed: the one titled, or a one-deal client's."""
    if title is None:
        return edit.client.deals[0] if len(edit.client.deals) == 1 else None
    if "deals" not in edit.client.front_matter:
        raise EditError("this client has no `deals` list; leave out --deal")
    found = next((deal for deal in edit.client.deals if deal.title == title), None)
    if found is None:
        titles = ", ".join(f"`{deal.title}`" for deal in edit.client.deals)
        raise EditError(f"no deal titled `{title}`; the deals are {titles}")
    return found


def _settle_probability(
    deal: Deal, stage: str, items: list[Assignment]
) -> list[Assignment]:
    """The assignments, with the probability of a deal moving to won or lost
    set to 100 or 0 when it is written and the command gives none: the
    outcome is certain, and a written 70 % on a won deal is warned about."""
    settled = settled_probability(stage)
    given = any(item.key == "probability" for item in items)
    written = deal.probability_written and deal.probability != settled
    if settled is None or given or not written:
        return items
    return [*items, Assignment("probability", str(settled))]


def _stage_move(
    config: Config,
    deal: Deal | None,
    items: list[Assignment],
    today: dt.date,
    title: str | None,
) -> tuple[NewEntry | None, list[Assignment]]:
    """The `stage` entry a stage change writes, and the assignments it implies."""
    given = {item.key: item.value for item in items}
    stage = config.stage(given.get("stage", ""))
    if deal is None or stage is None or stage.name == deal.stage:
        return None, items
    if stage.name == "lost" and not given.get("lost_reason") and not deal.lost_reason:
        reasons = (
            f" (one of {', '.join(config.lost_reasons)})" if config.lost_reasons else ""
        )
        raise EditError(f"stage=lost needs a reason: add lost_reason=...{reasons}")
    if not stage.open and deal.closed_on is None and "closed_on" not in given:
        items = [*items, Assignment("closed_on", today.isoformat())]
    items = _settle_probability(deal, stage.name, items)
    after = deal.probability if deal.probability_written else stage.probability
    written = {item.key: item.value for item in items}.get("probability", "").strip()
    if written.isdigit():
        after = int(written)
    prefix = f"{title}: " if title else ""
    summary = f"{prefix}{deal.stage} -> {stage.name}, {deal.probability}% -> {after}%"
    return NewEntry(today, None, STAGE_KIND, summary, ""), items
