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


def build_sections(
    clients: tuple[Client, ...],
    facts: Mapping[str, Facts],
    config: Config,
    today: dt.date,
) -> tuple[Section, ...]:
    """The report's sections in the order a salesperson works through them."""
    rows = _rows(clients, facts, config.currency)
    week = today + dt.timedelta(days=WEEK)

    def due(row: Row) -> dt.date:
        assert row.client.next_follow_up is not None
        return row.client.next_follow_up

    def section(
        key: str,
        title: str,
        hint: str,
        keep: Callable[[Row], bool],
        order: Callable[[Row], tuple[object, ...]],
    ) -> Section:
        return Section(key, title, hint, tuple(sorted(filter(keep, rows), key=order)))

    def scheduled(row: Row) -> bool:
        return row.facts.follow_up == "scheduled"

    return (
        section(
            "overdue",
            "Overdue",
            "follow-up date has passed; most valuable first",
            lambda r: r.facts.overdue,
            _most_valuable,
        ),
        section(
            "today",
            "Due today",
            "most valuable first",
            lambda r: r.facts.follow_up == "today",
            _most_valuable,
        ),
        section(
            "week",
            "Next 7 days",
            "by date",
            lambda r: scheduled(r) and due(r) <= week,
            _soonest,
        ),
        section(
            "later",
            "Later",
            "by date",
            lambda r: scheduled(r) and due(r) > week,
            _soonest,
        ),
        section(
            "no-next-step",
            "No next step",
            "open, but no follow-up date set",
            lambda r: r.facts.no_next_step,
            _most_valuable,
        ),
        section(
            "stale",
            "Stale",
            "no contact for longer than the stage allows",
            lambda r: r.facts.stale,
            _longest_silent,
        ),
    )
