"""Stage history: every recorded move of every deal, oldest first, in one place.

Today the moves come from `stage` log entries (source "log"). Facts recovered
from earlier versions of the files (source "git") join here, so every report
that reads history reads it through `stage_history`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from crmgen.derive import newest_first
from crmgen.model import Client, Deal, LogEntry

DealKey = tuple[str, str]  # (client id, deal title)


@dataclass(frozen=True, slots=True)
class StageEvent:
    """One move of one deal.

    client/deal: the client's id and the deal's title.
    before/after: stage names; before is None when the record does not say.
    probability_before/after: percents recorded with the move, when recorded.
    source: where the fact comes from: "log" (a `stage` entry) or "git".
    line: the entry's line in the client file (0 when not from the file).
    """

    client: str
    deal: str
    date: dt.date
    before: str | None
    after: str
    probability_before: int | None
    probability_after: int | None
    source: str
    line: int


def _deal_for(client: Client, named: str | None) -> Deal | None:
    """The deal a stage entry speaks of: the named one, else the only one."""
    if named is None:
        return client.deals[0] if len(client.deals) == 1 else None
    for deal in client.deals:
        if deal.title == named:
            return deal
    folded = named.casefold()
    return next((d for d in client.deals if d.title.casefold() == folded), None)


def _ordered(client: Client) -> list[LogEntry]:
    """The client's entries oldest first, in the order the pages show them."""
    return newest_first(client)[::-1]


def log_events(client: Client) -> Iterable[StageEvent]:
    """The moves recorded by the client's `stage` entries, oldest first."""
    if not any(entry.change is not None for entry in client.log):
        return
    for entry in _ordered(client):
        change = entry.change
        if change is None:
            continue
        deal = _deal_for(client, change.deal)
        if deal is None:
            continue
        yield StageEvent(
            client.id,
            deal.title,
            entry.date,
            change.before,
            change.after,
            change.probability_before,
            change.probability_after,
            "log",
            entry.line,
        )


def stage_history(
    clients: Iterable[Client], extra: Iterable[StageEvent] = ()
) -> dict[DealKey, tuple[StageEvent, ...]]:
    """Each deal's moves, oldest first; deals without any are absent.

    extra: moves from elsewhere (source "git"); on the same day they follow
    the moves the log records.
    """
    history: dict[DealKey, list[StageEvent]] = {}
    for client in clients:
        for event in log_events(client):
            history.setdefault((event.client, event.deal), []).append(event)
    for event in extra:
        history.setdefault((event.client, event.deal), []).append(event)
    return {
        key: tuple(sorted(events, key=lambda e: e.date))
        for key, events in history.items()
    }
