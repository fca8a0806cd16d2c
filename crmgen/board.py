"""The pipeline board's view: columns of open deals, totals, recent closes.

Everything here is arranged from the model and the derived facts; no fact is
computed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from crmgen.config import Config, Stage
from crmgen.derive import Facts
from crmgen.model import Client, Deal
from crmgen.totals import Amount, totals

RECENT_DAYS = 90
# A column of thousands of cards helps nobody and slows the page down: the most
# urgent ones show, the rest sit in a folded <details> (still in the page, so
# the board stays complete without JavaScript and the filters still find them).
COLUMN_LIMIT = 200
CLOSED_LIMIT = 8
# Cards within a column: the calls to make first, then the biggest expectations.
URGENCY = {"overdue": 0, "today": 1, "none": 2, "scheduled": 3}


@dataclass(frozen=True, slots=True)
class Card:
    """One open deal on the board.

    show_title: whether the client has several deals, so the title tells them apart.
    """

    client: Client
    deal: Deal
    facts: Facts
    show_title: bool


@dataclass(frozen=True, slots=True)
class Column:
    """An open stage with its cards in urgency order and their totals."""

    stage: Stage
    cards: tuple[Card, ...]
    totals: tuple[Amount, ...]

    @property
    def first(self) -> tuple[Card, ...]:
        """The most urgent cards, shown open."""
        return self.cards[:COLUMN_LIMIT]

    @property
    def rest(self) -> tuple[Card, ...]:
        """The cards beyond COLUMN_LIMIT, folded away until asked for."""
        return self.cards[COLUMN_LIMIT:]


@dataclass(frozen=True, slots=True)
class Closed:
    """Deals of one closed stage closed in the last RECENT_DAYS days, newest first."""

    stage: Stage
    cards: tuple[Card, ...]
    totals: tuple[Amount, ...]

    @property
    def first(self) -> tuple[Card, ...]:
        """The newest closes, listed."""
        return self.cards[:CLOSED_LIMIT]

    @property
    def rest(self) -> tuple[Card, ...]:
        """Older closes, folded away."""
        return self.cards[CLOSED_LIMIT:]


@dataclass(frozen=True, slots=True)
class Board:
    """The whole board: open columns, pipeline totals and recent closes.

    overdue, stale: how many clients are overdue, and stale (see derive).
    """

    columns: tuple[Column, ...]
    totals: tuple[Amount, ...]
    closed: tuple[Closed, ...]
    since: dt.date
    overdue: int
    stale: int

    @property
    def deals(self) -> int:
        """How many open deals the board shows."""
        return sum(len(column.cards) for column in self.columns)


def card_order(card: Card) -> tuple[int, float, str, str, str]:
    """Overdue, due today, no next step, scheduled; then largest weighted value."""
    weighted = card.deal.weighted_value or 0.0
    return (
        URGENCY[card.facts.follow_up],
        -weighted,
        card.client.name.casefold(),
        card.client.id,
        card.deal.title,
    )


def _cards(clients: tuple[Client, ...], facts: Mapping[str, Facts]) -> list[Card]:
    """A card for every deal of every client."""
    return [
        Card(client, deal, facts[client.id], len(client.deals) > 1)
        for client in clients
        for deal in client.deals
    ]


def _recent(
    cards: list[Card], stage: Stage, since: dt.date, today: dt.date, currency: str
) -> Closed:
    """The stage's deals closed between since and today, newest first."""
    chosen = [
        card
        for card in cards
        if card.deal.stage == stage.name
        and card.deal.closed_on is not None
        and since <= card.deal.closed_on <= today
    ]
    chosen.sort(
        key=lambda card: (card.deal.closed_on, -(card.deal.value or 0.0)), reverse=True
    )
    return Closed(stage, tuple(chosen), totals((c.deal for c in chosen), currency))


def build_board(
    clients: tuple[Client, ...],
    facts: Mapping[str, Facts],
    config: Config,
    today: dt.date,
    currency: str | None = None,
) -> Board:
    """Arrange the clients' deals into the board; currency: the one totals lead
    with (crmgen.toml's by default)."""
    currency = currency or config.currency
    cards = _cards(clients, facts)
    by_stage: dict[str, list[Card]] = {stage.name: [] for stage in config.open_stages}
    for card in cards:
        if card.deal.is_open and card.deal.stage in by_stage:
            by_stage[card.deal.stage].append(card)
    columns = []
    for stage in config.open_stages:
        ordered = tuple(sorted(by_stage[stage.name], key=card_order))
        columns.append(
            Column(stage, ordered, totals((c.deal for c in ordered), currency))
        )
    open_deals = (card.deal for column in columns for card in column.cards)
    since = today - dt.timedelta(days=RECENT_DAYS)
    closed = tuple(
        _recent(cards, stage, since, today, currency)
        for stage in config.stages
        if not stage.open
    )
    overdue = sum(1 for found in facts.values() if found.overdue)
    stale = sum(1 for found in facts.values() if found.stale)
    return Board(
        tuple(columns), totals(open_deals, currency), closed, since, overdue, stale
    )
