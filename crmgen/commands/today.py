"""`crmgen today`: the call list in the terminal, from the derived facts."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import TextIO

from crmgen.commands.base import add_today, check_owner, project_root
from crmgen.derive import Facts, facts
from crmgen.loader import Project, load_project
from crmgen.model import Client
from crmgen.words import ago

SECTIONS = (
    ("overdue", "Overdue", "31"),
    ("today", "Due today", "33"),
    ("stale", "Stale, not listed above", "36"),
    ("none", "No next step, not listed above", "35"),
)


@dataclass(frozen=True, slots=True)
class Call:
    """One client to call today, with the facts that put it on the list."""

    client: Client
    facts: Facts

    @property
    def weighted(self) -> float:
        """The weighted value of the client's open deals, to rank by."""
        return sum(
            deal.weighted_value or 0.0 for deal in self.client.deals if deal.is_open
        )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "today",
        help="the call list: overdue, due today, stale, no next step",
        description="Print today's call list: overdue follow-ups (highest weighted "
        "value first), follow-ups due today, stale clients, then open clients "
        "with no follow-up date (highest weighted value first), each with "
        "phone, email, last contact and the newest log entry. Colour on "
        "a terminal unless NO_COLOR is set.",
    )
    parser.add_argument("--owner", metavar="O", help="only this owner's clients")
    add_today(parser)
    parser.set_defaults(run=run)


def sections(project: Project, owner: str | None) -> dict[str, list[Call]]:
    """The clients of each section, each client in the first section it fits."""
    found: dict[str, list[Call]] = {key: [] for key, _t, _c in SECTIONS}
    for client in project.clients:
        if owner is not None and (client.owner or "").casefold() != owner.casefold():
            continue
        fact = facts(client, project.config, project.today)
        call = Call(client, fact)
        if fact.overdue:
            found["overdue"].append(call)
        elif client.is_open and fact.follow_up == "today":
            found["today"].append(call)
        elif fact.stale:
            found["stale"].append(call)
        elif fact.no_next_step:
            found["none"].append(call)
    found["overdue"].sort(
        key=lambda c: (
            -c.weighted,
            c.client.next_follow_up or project.today,
            c.client.id,
        )
    )
    found["today"].sort(key=lambda c: (-c.weighted, c.client.id))
    found["stale"].sort(key=lambda c: (-(c.facts.days_since_contact or 0), c.client.id))
    found["none"].sort(key=lambda c: (-c.weighted, c.client.id))
    return found


def describe(call: Call, project: Project) -> list[str]:
    """The lines shown for one client."""
    client, fact = call.client, call.facts
    head = f"{client.name} ({client.id})"
    if fact.overdue and client.next_follow_up is not None:
        days = (project.today - client.next_follow_up).days
        head += f", follow-up {client.next_follow_up}, {days} days overdue"
    elif fact.no_next_step:  # a stale client may need a date as well as a call
        head += ", no follow-up date"
    elif fact.follow_up == "scheduled" and client.next_follow_up is not None:
        head += f", follow-up {client.next_follow_up}"  # stale meanwhile
    deals = [d for d in client.deals if d.is_open and d.weighted_value]
    if deals:
        head += f", {call.weighted:,.0f} {deals[0].currency} weighted"
    contact = [
        f"{key} {client.text(key)}"
        for key in ("contact", "phone", "email")
        if client.text(key)
    ]
    last = (
        "never"
        if fact.last_contact is None
        else f"{fact.last_contact} ({ago(fact.days_since_contact or 0)})"
    )
    lines = [head, "    " + "  ·  ".join([*contact, f"last contact {last}"])]
    entry = fact.last_entry
    if entry is not None:
        said = f": {entry.summary}" if entry.summary else ""
        first = (
            _clip(entry.body.strip().split("\n", 1)[0]) if entry.body.strip() else ""
        )
        lines.append(
            f"    {entry.date} {entry.kind}{said}" + (f" — {first}" if first else "")
        )
    return lines


def _clip(text: str, width: int = 90) -> str:
    """A line cut to width characters, with an ellipsis when it was longer."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def render(project: Project, owner: str | None, colour: bool) -> str:
    """The whole call list as text."""

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    found = sections(project, owner)
    out = [f"Call list for {project.today}" + (f", owner {owner}" if owner else "")]
    for key, title, code in SECTIONS:
        calls = found[key]
        if not calls:
            continue
        out.append("")
        out.append(paint(f"{title} ({len(calls)})", f"1;{code}"))
        for call in calls:
            first, *rest = describe(call, project)
            out += [paint("  " + first, "1"), *rest]
    if not any(found.values()):
        out.append("Nothing due: no overdue, due, stale or unplanned clients.")
    return "\n".join(out) + "\n"


def wants_colour(stream: TextIO) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def run(args: argparse.Namespace) -> int:
    project = load_project(project_root(args), args.today)
    check_owner(project, args.owner)
    sys.stdout.write(render(project, args.owner, wants_colour(sys.stdout)))
    return 0
