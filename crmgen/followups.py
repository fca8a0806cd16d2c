"""The follow-up report's view: who to call today, in the order to call them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from crmgen.config import Config
from crmgen.derive import Facts
from crmgen.model import Client, Deal
from crmgen.totals import Amount, primary_weighted, totals

WEEK = 7


# A section of thousands of rows would make the page tens of megabytes; past
# this many, rows are listed by name only, folded away until asked for.
SECTION_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Row:
    """An open client on the report with its open deals and their totals."""

    client: Client
    facts: Facts
    deals: tuple[Deal, ...]
    totals: tuple[Amount, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the report: key (an HTML id), heading, a line saying who is in it."""

    key: str
    title: str
    hint: str
    rows: tuple[Row, ...]

    @property
    def first(self) -> tuple[Row, ...]:
        """The rows shown in full: the first SECTION_LIMIT."""
        return self.rows[:SECTION_LIMIT]

    @property
    def rest(self) -> tuple[Row, ...]:
        """The rows beyond SECTION_LIMIT, listed briefly and folded away."""
        return self.rows[SECTION_LIMIT:]


def _most_valuable(row: Row) -> tuple[float, float, str, str]:
    """The largest weighted value first; the name settles ties."""
    first, others = primary_weighted(row.totals)
    return (-first, -others, row.client.name.casefold(), row.client.id)


def _soonest(row: Row) -> tuple[dt.date, float, float, str, str]:
    """The earliest follow-up first, then the most valuable."""
    assert row.client.next_follow_up is not None
    return (row.client.next_follow_up, *_most_valuable(row))


def _longest_silent(row: Row) -> tuple[int, float, float, str, str]:
    """The longest without contact first."""
    return (-(row.facts.days_since_contact or 0), *_most_valuable(row))


def _rows(
    clients: tuple[Client, ...], facts: Mapping[str, Facts], currency: str
) -> list[Row]:
    """A row for every open client."""
    rows = []
    for client in clients:
        if client.is_open:
            deals = tuple(deal for deal in client.deals if deal.is_open)
            rows.append(Row(client, facts[client.id], deals, totals(deals, currency)))
    return rows


def _within_week(row: Row, week: dt.date) -> bool:
    """Scheduled no later than a week from today."""
    due = row.client.next_follow_up
    return row.facts.follow_up == "scheduled" and due is not None and due <= week


Keep = Callable[[Row, dt.date], bool]
Order = Callable[[Row], tuple[object, ...]]

# key, heading, who is in it, the test (given a week from today), the order.
SECTIONS: tuple[tuple[str, str, str, Keep, Order], ...] = (
    (
        "overdue",
        "Overdue",
        "follow-up date has passed; highest weighted value first",
        lambda r, week: r.facts.overdue,
        _most_valuable,
    ),
    (
        "today",
        "Due today",
        "highest weighted value first",
        lambda r, week: r.facts.follow_up == "today",
        _most_valuable,
    ),
    ("week", "Next 7 days", "by date", _within_week, _soonest),
    (
        "later",
        "Later",
        "by date",
        lambda r, week: r.facts.follow_up == "scheduled" and not _within_week(r, week),
        _soonest,
    ),
    (
        "no-next-step",
        "No next step",
        "open, but no follow-up date set",
        lambda r, week: r.facts.no_next_step,
        _most_valuable,
    ),
    (
        "stale",
        "Stale",
        "no contact for longer than the stage allows",
        lambda r, week: r.facts.stale,
        _longest_silent,
    ),
)


def build_sections(
    clients: tuple[Client, ...],
    facts: Mapping[str, Facts],
    config: Config,
    today: dt.date,
    currency: str | None = None,
) -> tuple[Section, ...]:
    """The report's sections in the order a salesperson works through them;
    currency: the one totals lead with (crmgen.toml's by default)."""
    rows = _rows(clients, facts, currency or config.currency)
    week = today + dt.timedelta(days=WEEK)
    return tuple(
        Section(
            key,
            title,
            hint,
            tuple(sorted((r for r in rows if keep(r, week)), key=order)),
        )
        for key, title, hint, keep, order in SECTIONS
    )
