"""Week over week: what each ISO week added to, won from, lost from and moved in
the pipeline, per owner, from the dates the files carry (weeklygit adds what only
git history knows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from crmgen.config import Config
from crmgen.loader import Project
from crmgen.model import Client, Deal

NO_OWNER = "(no owner)"
WEEKS = 8  # how many weeks the page shows
KINDS = ("added", "won", "lost", "forward", "back", "slipped")

# The value and currency a deal was added at, given the client and the deal today.
Opening = Callable[[Client, Deal], tuple[float | None, str]]


@dataclass(frozen=True, slots=True)
class Event:
    """One countable thing that happened to a deal on a day.

    kind: one of KINDS. amount: the value it concerns (added value, the value
    won or lost) in `currency`, None when it has none.
    """

    date: dt.date
    owner: str
    kind: str
    client: str
    deal: str
    amount: float | None = None
    currency: str = ""


@dataclass(frozen=True, slots=True)
class Tally:
    """One week's counts, and the amounts per currency for added, won and lost."""

    counts: dict[str, int]
    amounts: dict[str, dict[str, float]]


@dataclass(frozen=True, slots=True)
class Week:
    """An ISO week (Monday to Sunday): the total and each owner's tally."""

    label: str
    start: dt.date
    end: dt.date
    total: Tally
    owners: dict[str, Tally]


@dataclass(frozen=True, slots=True)
class WeekOverWeek:
    """The last weeks, oldest first, and where the facts came from.

    source: "git" (the files' dates, and what only git history knows) or "log"
        (the files alone: slipped close dates cannot be known then).
    """

    weeks: tuple[Week, ...]
    owners: tuple[str, ...]
    source: str


def today_value(client: Client, deal: Deal) -> tuple[float | None, str]:
    """The value a deal was added at when nothing older is known: today's."""
    return deal.value, deal.currency


def _deal_events(client: Client, opening: Opening) -> Iterator[Event]:
    """Deals opened (by `opened`, else first contact) and closed (`closed_on`)."""
    owner = client.owner or NO_OWNER
    for deal in client.deals:
        opened = deal.opened or client.first_contact
        value, currency = opening(client, deal)
        if opened is not None and value:
            yield Event(opened, owner, "added", client.id, deal.title, value, currency)
        if not deal.is_open and deal.closed_on is not None:
            kind = "won" if deal.stage == "won" else "lost"
            yield Event(
                deal.closed_on,
                owner,
                kind,
                client.id,
                deal.title,
                deal.value,
                deal.currency,
            )


def _move_events(client: Client, config: Config) -> Iterator[Event]:
    """Moves between open stages that `stage` log entries record."""
    for entry in client.log:
        change = entry.change
        stage = config.stage(change.after) if change is not None else None
        if change is None or stage is None or not stage.open:
            continue
        order = config.stage_names
        if change.before in order and change.before != change.after:
            ahead = order.index(change.after) > order.index(change.before)
            yield Event(
                entry.date,
                client.owner or NO_OWNER,
                "forward" if ahead else "back",
                client.id,
                change.deal or client.name,
            )


def log_events(project: Project, opening: Opening = today_value) -> Iterator[Event]:
    """The events the files date: deals opened and closed, and logged moves.

    opening: the value (and currency) each deal was added at.
    """
    for client in project.clients:
        yield from _deal_events(client, opening)
        yield from _move_events(client, project.config)


def tally(events: Iterable[Event]) -> Tally:
    """Count events by kind and sum their amounts by kind and currency."""
    counts = dict.fromkeys(KINDS, 0)
    amounts: dict[str, dict[str, float]] = {"added": {}, "won": {}, "lost": {}}
    for event in events:
        counts[event.kind] += 1
        if event.amount is not None and event.kind in amounts:
            sums = amounts[event.kind]
            sums[event.currency] = round(
                sums.get(event.currency, 0.0) + event.amount, 2
            )
    return Tally(counts, amounts)


def week_start(day: dt.date) -> dt.date:
    """The Monday of day's ISO week."""
    return day - dt.timedelta(days=day.weekday())


def week_over_week(
    events: list[Event], today: dt.date, weeks: int, source: str
) -> WeekOverWeek:
    """The last `weeks` ISO weeks up to and including today's, oldest first."""
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    last = first + dt.timedelta(weeks=weeks, days=-1)
    shown = [event for event in events if first <= event.date <= last]
    owners = tuple(sorted({e.owner for e in shown}))
    result = []
    for index in range(weeks):
        start = first + dt.timedelta(weeks=index)
        end = start + dt.timedelta(days=6)
        inside = [event for event in shown if start <= event.date <= end]
        year, number, _day = start.isocalendar()
        result.append(
            Week(
                f"{year}-W{number:02d}",
                start,
                end,
                tally(inside),
                {
                    owner: tally(e for e in inside if e.owner == owner)
                    for owner in owners
                },
            )
        )
    return WeekOverWeek(tuple(result), owners, source)


def from_files(project: Project, weeks: int = WEEKS) -> WeekOverWeek:
    """The week-over-week figures from the files alone (no git)."""
    return week_over_week(list(log_events(project)), project.today, weeks, "log")
