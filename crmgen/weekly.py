"""Week over week: what each ISO week added to, won from, lost from and moved in
the pipeline, per owner, from git history or, without it, from the files alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from crmgen.config import Config
from crmgen.githistory import DealChange, read_changes
from crmgen.loader import Project
from crmgen.model import Client

NO_OWNER = "(no owner)"
WEEKS = 8  # how many weeks the page shows
KINDS = ("added", "won", "lost", "forward", "back", "slipped")


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

    source: "git" (every committed change) or "log" (stage entries and the
        front matter's dates; slipped close dates cannot be known then).
    """

    weeks: tuple[Week, ...]
    owners: tuple[str, ...]
    source: str


def _stage_event(change: DealChange, config: Config) -> str | None:
    """won, lost, forward or back for a stage change between two known stages."""
    after, before = change.after, change.before
    if not isinstance(after, str) or not isinstance(before, str) or after == before:
        return None
    stage = config.stage(after)
    if stage is None:
        return None
    if not stage.open:
        return "won" if after == "won" else "lost"
    order = config.stage_names
    if before not in order:
        return None
    return "forward" if order.index(after) > order.index(before) else "back"


def _added(change: DealChange, config: Config) -> float | None:
    """The value a change adds to the open pipeline, if any."""
    if change.field == "stage" and change.before is None:
        stage = config.stage(str(change.after))
        if stage is not None and stage.open and change.value:
            return change.value
    if change.field == "value" and isinstance(change.after, float):
        before = change.before if isinstance(change.before, float) else 0.0
        if change.after > before:
            return change.after - before
    return None


def git_events(changes: Iterable[DealChange], config: Config) -> Iterator[Event]:
    """The events git history shows: every committed change, on its commit date."""
    for change in changes:
        owner = change.owner or NO_OWNER
        added = _added(change, config)
        if added is not None:
            yield Event(
                change.date,
                owner,
                "added",
                change.client,
                change.deal,
                added,
                change.currency,
            )
        if change.field == "stage":
            kind = _stage_event(change, config)
            if kind is not None:
                amount = change.value if kind in ("won", "lost") else None
                yield Event(
                    change.date,
                    owner,
                    kind,
                    change.client,
                    change.deal,
                    amount,
                    change.currency,
                )
        if change.pushed_out:
            yield Event(change.date, owner, "slipped", change.client, change.deal)


def _deal_events(client: Client) -> Iterator[Event]:
    """Deals opened (by `opened`, else first contact) and closed (`closed_on`)."""
    owner = client.owner or NO_OWNER
    for deal in client.deals:
        opened = deal.opened or client.first_contact
        if opened is not None and deal.value:
            yield Event(
                opened, owner, "added", client.id, deal.title, deal.value, deal.currency
            )
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
    order = config.stage_names
    for entry in client.log:
        change = entry.change
        stage = config.stage(change.after) if change is not None else None
        if change is None or stage is None or not stage.open:
            continue
        if change.before in order and change.before != change.after:
            ahead = order.index(change.after) > order.index(change.before)
            yield Event(
                entry.date,
                client.owner or NO_OWNER,
                "forward" if ahead else "back",
                client.id,
                change.deal or client.name,
            )


def log_events(project: Project) -> Iterator[Event]:
    """The events the files alone show: deals opened and closed, and moves."""
    for client in project.clients:
        yield from _deal_events(client)
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
    owners = tuple(sorted({e.owner for e in events if first <= e.date <= last}))
    result = []
    for index in range(weeks):
        start = first + dt.timedelta(weeks=index)
        end = start + dt.timedelta(days=6)
        inside = [event for event in events if start <= event.date <= end]
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


def weekly(
    project: Project, use_git: bool, weeks: int = WEEKS, rev: str = "HEAD"
) -> WeekOverWeek:
    """The week-over-week figures, from git history up to rev when the project
    is in a repository and git may be used, else from the files alone."""
    changes = read_changes(project.root, project.config, use_git, rev)
    return from_changes(project, changes, weeks)


def from_changes(
    project: Project, changes: tuple[DealChange, ...] | None, weeks: int = WEEKS
) -> WeekOverWeek:
    """The figures from deal changes read from git, or the files when None."""
    if changes is None:
        return from_files(project, weeks)
    events = list(git_events(changes, project.config))
    return week_over_week(events, project.today, weeks, "git")
