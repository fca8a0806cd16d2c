"""Activity: log entries per ISO week by kind and owner, and the longest silences."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from typing import Any

from crmgen.reportdata import NO_OWNER, ReportInput

WEEKS = 12
SILENCES = 10


def week_starts(today: dt.date, count: int = WEEKS) -> list[dt.date]:
    """Mondays of the `count` ISO weeks ending with today's, oldest first."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def week_label(day: dt.date) -> str:
    """The ISO week of a day, like `2026-W49`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _silences(data: ReportInput) -> list[dict[str, Any]]:
    """Open clients, longest without contact first."""
    silent = (
        (client, fact)
        for client in data.clients
        if client.is_open
        and (fact := data.facts[client.id]).days_since_contact is not None
    )
    longest = heapq.nsmallest(
        SILENCES, silent, key=lambda cf: (-(cf[1].days_since_contact or 0), cf[0].id)
    )
    return [
        {
            "client": client.id,
            "name": client.name,
            "path": client.path,
            "owner": client.owner or NO_OWNER,
            "last_contact": fact.last_contact.isoformat()
            if fact.last_contact
            else None,
            "days": fact.days_since_contact,
        }
        for client, fact in longest
    ]


def activity(data: ReportInput) -> dict[str, Any]:
    """The activity report as a JSON-ready document (see docs/reports.md)."""
    starts = week_starts(data.today)
    labels = [week_label(day) for day in starts]
    kinds: dict[str, Counter[str]] = {label: Counter() for label in labels}
    owners: dict[str, Counter[str]] = {label: Counter() for label in labels}
    # The week of every day in range, so each log entry costs one lookup.
    days = range((data.today - starts[0]).days + 1)
    week_of = {
        day: week_label(day) for day in (starts[0] + dt.timedelta(n) for n in days)
    }
    for client in data.clients:
        owner = client.owner or NO_OWNER
        for entry in client.log:
            label = week_of.get(entry.date)
            if label is not None:
                kinds[label][entry.kind] += 1
                owners[label][owner] += 1
    all_kinds = sorted({k for counter in kinds.values() for k in counter})
    all_owners = sorted({o for counter in owners.values() for o in counter})
    weeks = [
        {
            "week": label,
            "start": start.isoformat(),
            "entries": sum(kinds[label].values()),
            "kinds": {k: kinds[label][k] for k in all_kinds},
            "owners": {o: owners[label][o] for o in all_owners},
        }
        for label, start in zip(labels, starts, strict=True)
    ]
    return {
        "from": starts[0].isoformat(),
        "to": data.today.isoformat(),
        "kinds": all_kinds,
        "owners": all_owners,
        "weeks": weeks,
        "silences": _silences(data),
    }
