"""What every report reads: the deals of the selected clients, with their history.

The words here are the ones docs/reports.md defines: a closed deal is won when
its stage is `won` and lost otherwise; amounts are summed in whole cents, per
currency, never across currencies.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from crmgen.config import Config
from crmgen.derive import Facts, facts
from crmgen.history import StageEvent, stage_history
from crmgen.loader import Project
from crmgen.model import Client, Deal

WON = "won"
MIN_DEALS = 5  # a rate or score resting on fewer deals is not shown
NO_OWNER = "(no owner)"
NO_SOURCE = "(no source)"


@dataclass(frozen=True, slots=True)
class DealRow:
    """One deal of one selected client, with the deal's stage history (oldest first)."""

    client: Client
    deal: Deal
    history: tuple[StageEvent, ...]

    @property
    def owner(self) -> str:
        """The client's owner, or NO_OWNER."""
        return self.client.owner or NO_OWNER

    @property
    def source(self) -> str:
        """The client's source, or NO_SOURCE."""
        return self.client.source or NO_SOURCE

    @property
    def won(self) -> bool:
        """Whether the deal is closed and won."""
        return self.deal.stage == WON

    @property
    def lost(self) -> bool:
        """Whether the deal is closed and not won."""
        return not self.deal.is_open and self.deal.stage != WON

    @property
    def started(self) -> dt.date | None:
        """When the deal started: its `opened`, else the client's first contact."""
        return self.deal.opened or self.client.first_contact

    @property
    def closed_quarter(self) -> str:
        """The quarter of `closed_on`, or "" when the deal has no close date."""
        closed = self.deal.closed_on
        return quarter(closed) if closed is not None else ""

    def as_ref(self) -> dict[str, object]:
        """How a report names the deal: client id and name, deal title, file:line."""
        return {
            "client": self.client.id,
            "name": self.client.name,
            "deal": self.deal.title,
            "path": self.client.path,
            "line": self.deal.line,
        }


@dataclass(frozen=True)
class ReportInput:
    """The selection every report works on: today, config, clients and deals.

    known: facts the caller already derived for this config and today, by
    client id (the site has them); the others are derived here.
    """

    config: Config
    today: dt.date
    owner: str | None
    clients: tuple[Client, ...]
    rows: tuple[DealRow, ...]
    known: Mapping[str, Facts] = field(default_factory=dict)

    @cached_property
    def facts(self) -> dict[str, Facts]:
        """Each selected client's derived facts for today, by client id."""
        known = self.known
        return {
            c.id: known[c.id] if c.id in known else facts(c, self.config, self.today)
            for c in self.clients
        }


def report_input(
    project: Project,
    owner: str | None = None,
    extra: Iterable[StageEvent] = (),
    known: Mapping[str, Facts] | None = None,
) -> ReportInput:
    """The project's clients (only `owner`'s when given) and their deals.

    extra: stage moves recovered from elsewhere (git), joined to the log's;
    known: facts already derived for the project's config and today.
    """
    wanted = owner.casefold() if owner is not None else None
    clients = tuple(
        c
        for c in project.clients
        if wanted is None or (c.owner or "").casefold() == wanted
    )
    history = stage_history(clients, extra)
    rows = tuple(
        DealRow(client, deal, history.get((client.id, deal.title), ()))
        for client in clients
        for deal in client.deals
    )
    return ReportInput(project.config, project.today, owner, clients, rows, known or {})


def cents(amount: float) -> int:
    """An amount in whole cents (half away from zero, as people round money)."""
    scaled = abs(amount) * 100 + 0.5
    return int(scaled) if amount >= 0 else -int(scaled)


def weighted_cents(deal: Deal) -> int:
    """The deal's weighted value in cents, exactly as `Deal.weighted_value` has it."""
    return cents(deal.weighted_value or 0)


def money(amount_cents: int) -> float:
    """Cents back to an amount with two decimals, for JSON and display."""
    return amount_cents / 100


def quarter(day: dt.date) -> str:
    """The calendar quarter of a day, like `2026-Q3`."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def currency_order(config: Config, codes: Iterable[str]) -> list[str]:
    """The project currency first, then the others alphabetically."""
    found = set(codes)
    rest = sorted(found - {config.currency})
    return [config.currency, *rest] if config.currency in found else rest


def rate(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 places; None when whole is below MIN_DEALS."""
    if whole < MIN_DEALS:
        return None
    return round(part / whole, 4)


def median_days(days: list[int]) -> int | float:
    """The median of day counts: whole days when it is, as the counts are
    (37, not 37.0), else halfway between two (48.5)."""
    median = statistics.median(days)
    return int(median) if median == int(median) else median


def day_stats(days: list[int]) -> dict[str, object]:
    """n, mean and median of a list of day counts (mean to 0.1 day)."""
    if not days:
        return {"n": 0, "mean": None, "median": None}
    return {
        "n": len(days),
        "mean": round(statistics.fmean(days), 1),
        "median": median_days(days),
    }
