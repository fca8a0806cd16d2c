"""What git history adds to the reports and the site: stage moves no `stage`
entry records (source "git"), and the week-over-week figures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from crmgen import gitrepo
from crmgen.githistory import (
    DealChange,
    read_changes,
    title_today,
    unlogged,
    until,
)
from crmgen.history import StageEvent
from crmgen.loader import Project
from crmgen.weekly import WeekOverWeek
from crmgen.weeklygit import from_changes


class GitFacts:
    """The facts of one reading of the history.

    moves: stage moves only git knows, for the stage history of the reports.
    weekly: the week-over-week figures (from the files alone without git),
        worked out when first asked for: only the weekly page needs them.
    """

    def __init__(
        self,
        moves: tuple[StageEvent, ...],
        project: Project,
        changes: tuple[DealChange, ...] | None,
    ) -> None:
        self.moves = moves
        self._project, self._changes = project, changes
        self._weekly: WeekOverWeek | None = None

    @property
    def weekly(self) -> WeekOverWeek:
        if self._weekly is None:
            self._weekly = from_changes(self._project, self._changes)
        return self._weekly


def stage_events(
    project: Project, changes: Iterable[DealChange]
) -> Iterator[StageEvent]:
    """The unlogged stage moves of today's deals up to today, oldest first, each
    with a probability change made in the same commit.

    Only moves between two committed versions count: a deal's first version
    says which stage it was in, never when it entered that stage.
    """
    clients = {client.id: client for client in project.clients}
    found = unlogged(until(changes, project.today))
    odds = {(c.commit, c.client, c.key): c for c in found if c.field == "probability"}
    for change in found:
        client = clients.get(change.client)
        if client is None or not change.is_move:
            continue
        title = title_today(client, change)
        if title is None:
            continue
        chance = odds.get((change.commit, change.client, change.key))
        yield StageEvent(
            client.id,
            title,
            change.date,
            None if change.before is None else str(change.before),
            str(change.after),
            _percent(chance.before) if chance else None,
            _percent(chance.after) if chance else None,
            "git",
            0,
        )


def _percent(value: object) -> int | None:
    return value if isinstance(value, int) else None


def git_facts(project: Project, use_git: bool, rev: str = "HEAD") -> GitFacts:
    """Read the history once (when git may be used) for both kinds of facts."""
    changes = read_changes(project.root, project.config, use_git, rev)
    moves = () if changes is None else tuple(stage_events(project, changes))
    return GitFacts(moves, project, changes)


class HistoryCache:
    """Git facts for a site rebuilt again and again (watch, serve): the history
    is read again only when HEAD moves, the facts are redone for each project."""

    def __init__(self, use_git: bool) -> None:
        self.use_git = use_git
        self.head: str | None = None
        self.changes: tuple[DealChange, ...] | None = None

    def facts(self, project: Project) -> GitFacts:
        """The facts for the project as it is now."""
        head = self._head(project)
        if head != self.head:
            self.head = head
            self.changes = read_changes(project.root, project.config, head is not None)
        moves = () if self.changes is None else stage_events(project, self.changes)
        return GitFacts(tuple(moves), project, self.changes)

    def _head(self, project: Project) -> str | None:
        if not self.use_git or not gitrepo.is_repository(project.root):
            return None
        return gitrepo.resolve(project.root, "HEAD")
