"""Week over week with git history: the files date what they can, and git adds
only what they cannot date (value changes, slipped close dates, unlogged moves)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from crmgen.config import Config
from crmgen.githistory import DealChange, read_changes, title_today, until
from crmgen.loader import Project
from crmgen.model import Client, Deal
from crmgen.weekly import (
    NO_OWNER,
    WEEKS,
    Event,
    Opening,
    WeekOverWeek,
    from_files,
    log_events,
    week_over_week,
)

DealKey = tuple[str, str]  # (client id, deal title today)


def _stage_event(change: DealChange, config: Config) -> str | None:
    """won, lost, forward or back for a stage move between two known stages."""
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


class Today:
    """Today's clients, to find the deal a change concerns and what its file dates."""

    def __init__(self, project: Project) -> None:
        self.clients = {client.id: client for client in project.clients}

    def deal(self, change: DealChange) -> tuple[Client, Deal] | None:
        """The client and its deal today, None when the deal is gone."""
        client = self.clients.get(change.client)
        if client is None:
            return None
        title = title_today(client, change)
        deal = next((d for d in client.deals if d.title == title), None)
        return None if deal is None else (client, deal)

    def dates_opening(self, change: DealChange) -> bool:
        """Whether the files date the deal's opening (`opened` or first contact)."""
        found = self.deal(change)
        return (
            found is not None
            and (found[1].opened or found[0].first_contact) is not None
        )

    def dates_close(self, change: DealChange) -> bool:
        """Whether the files date the deal's close (closed today, with `closed_on`)."""
        found = self.deal(change)
        return (
            found is not None
            and not found[1].is_open
            and found[1].closed_on is not None
        )


def _added(change: DealChange, config: Config, today: Today) -> float | None:
    """The value a change adds to the open pipeline that the files cannot date."""
    if change.appeared and not change.initial and not today.dates_opening(change):
        stage = config.stage(str(change.after))
        return (
            change.value if stage is not None and stage.open and change.value else None
        )
    if change.field == "value" and isinstance(change.after, float):
        before = change.before if isinstance(change.before, float) else 0.0
        return change.after - before if change.after > before else None
    return None


def _kind(change: DealChange, config: Config, today: Today) -> str | None:
    """The stage event git alone knows: an unlogged move, or an undated close."""
    kind = _stage_event(change, config) if change.is_move else None
    if kind in ("won", "lost"):
        return None if today.dates_close(change) else kind
    return None if change.logged else kind


def git_events(project: Project, changes: Iterable[DealChange]) -> Iterator[Event]:
    """The events only git history shows, each on its commit's date."""
    config, today = project.config, Today(project)
    for change in changes:
        owner, deal = change.owner or NO_OWNER, (change.client, change.deal)
        added = _added(change, config, today)
        if added is not None:
            yield Event(change.date, owner, "added", *deal, added, change.currency)
        kind = _kind(change, config, today)
        if kind is not None:
            amount = change.value if kind in ("won", "lost") else None
            yield Event(change.date, owner, kind, *deal, amount, change.currency)
        if change.pushed_out:
            yield Event(change.date, owner, "slipped", *deal)


def openings(project: Project, changes: Iterable[DealChange]) -> Opening:
    """The value each of today's deals had in its first committed version (today's
    value for a deal git has never seen), so later raises count on their own."""
    today = Today(project)
    first: dict[DealKey, DealChange] = {}
    for change in changes:
        found = today.deal(change) if change.appeared else None
        if found is not None:
            first.setdefault((found[0].id, found[1].title), change)

    def opening(client: Client, deal: Deal) -> tuple[float | None, str]:
        seen = first.get((client.id, deal.title))
        return (
            (deal.value, deal.currency) if seen is None else (seen.value, seen.currency)
        )

    return opening


def from_changes(
    project: Project, changes: tuple[DealChange, ...] | None, weeks: int = WEEKS
) -> WeekOverWeek:
    """The figures from the files and the deal changes read from git up to
    today, or from the files alone when changes is None."""
    if changes is None:
        return from_files(project, weeks)
    known = until(changes, project.today)
    events = [
        *log_events(project, openings(project, known)),
        *git_events(project, known),
    ]
    return week_over_week(events, project.today, weeks, "git")


def weekly(
    project: Project, use_git: bool, weeks: int = WEEKS, rev: str = "HEAD"
) -> WeekOverWeek:
    """The week-over-week figures, with git history up to rev when the project
    is in a repository and git may be used, else from the files alone."""
    changes = read_changes(project.root, project.config, use_git, rev)
    return from_changes(project, changes, weeks)
