"""The forecast: open deals' value and weighted value by expected-close month.

Buckets: `overdue` (expected close before today), the twelve calendar months
starting with today's (`YYYY-MM`), `later`, and `no-date`. Amounts are per
currency. Beside the weighted sums, a seeded Monte Carlo gives P10/P50/P90.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from functools import cache
from typing import Any

from crmgen import montecarlo
from crmgen.reportdata import (
    DealRow,
    ReportInput,
    cents,
    currency_order,
    money,
    weighted_cents,
)

MONTHS = 12
OVERDUE, LATER, NO_DATE = "overdue", "later", "no-date"


def months(today: dt.date, count: int = MONTHS) -> list[str]:
    """`YYYY-MM` of the `count` calendar months starting with today's."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index, index + count)]


@cache
def _near(today: dt.date) -> frozenset[str]:
    """The months of `months(today)`, asked once per open deal."""
    return frozenset(months(today))


def buckets(today: dt.date) -> list[str]:
    """Every bucket in display order."""
    return [OVERDUE, *months(today), LATER, NO_DATE]


def bucket_of(expected: dt.date | None, today: dt.date) -> str:
    """The bucket of an expected-close date."""
    if expected is None:
        return NO_DATE
    if expected < today:
        return OVERDUE
    month = f"{expected.year:04d}-{expected.month:02d}"
    return month if month in _near(today) else LATER


Amounts = dict[int, tuple[int, int]]
"""Value and weighted value in cents of each placed row, by the row's id()."""


def _amounts(placed: list[tuple[str, DealRow]]) -> Amounts:
    """Each placed row's value and weighted value in cents, worked out once."""
    return {
        id(r): (cents(r.deal.value or 0), weighted_cents(r.deal)) for _, r in placed
    }


def _sums(rows: Iterable[DealRow], amounts: Amounts) -> dict[str, Any]:
    """Deals, value and weighted value (in cents) of some rows of one currency."""
    chosen = [amounts[id(r)] for r in rows]
    return {
        "deals": len(chosen),
        "value": sum(value for value, _ in chosen),
        "weighted": sum(weighted for _, weighted in chosen),
    }


def _row(sums: dict[str, Any], **labels: Any) -> dict[str, Any]:
    """A JSON row: its labels, then deals and amounts in currency units."""
    return {
        **labels,
        "deals": sums["deals"],
        "value": money(sums["value"]),
        "weighted": money(sums["weighted"]),
    }


def _with_range(row: dict[str, Any], quantiles: tuple[int, ...]) -> dict[str, Any]:
    return {
        **row,
        **{
            name: money(v)
            for name, v in zip(("p10", "p50", "p90"), quantiles, strict=True)
        },
    }


def _seed_text(rows: list[tuple[str, DealRow]]) -> str:
    """What the simulation's seed is made from: every drawn deal, in order."""
    return "\n".join(
        f"{b}|{r.client.id}|{r.deal.title}|{r.deal.currency}|"
        f"{cents(r.deal.value or 0)}|{r.deal.probability}"
        for b, r in rows
    )


def _grouped(
    placed: list[tuple[str, DealRow]], key: Callable[[str, DealRow], Hashable]
) -> dict[Any, list[DealRow]]:
    """The placed rows grouped by key(bucket, row), in their original order."""
    groups: dict[Any, list[DealRow]] = {}
    for bucket, row in placed:
        groups.setdefault(key(bucket, row), []).append(row)
    return groups


def forecast(data: ReportInput) -> dict[str, Any]:
    """The forecast report as a JSON-ready document (see docs/reports.md)."""
    names = buckets(data.today)
    placed = [
        (bucket_of(r.deal.expected_close, data.today), r)
        for r in data.rows
        if r.deal.is_open
    ]
    currencies = currency_order(data.config, (r.deal.currency for _, r in placed))
    amounts = _amounts(placed)
    seed = montecarlo.seed_for(_seed_text(placed))
    cells = _grouped(placed, lambda b, r: (r.deal.currency, b))
    rows: list[dict[str, Any]] = []
    totals: list[dict[str, Any]] = []
    for index, currency in enumerate(currencies):
        mine = {b: cells.get((currency, b), []) for b in names}
        draws = {
            b: [(amounts[id(r)][0], r.deal.probability) for r in mine[b]] for b in names
        }
        per_bucket, total = montecarlo.ranges(draws, seed + index)
        for b in names:
            rows.append(
                _with_range(
                    _row(_sums(mine[b], amounts), bucket=b, currency=currency),
                    per_bucket[b],
                )
            )
        every = [r for b in names for r in mine[b]]
        totals.append(
            _with_range(_row(_sums(every, amounts), currency=currency), total)
        )
    return {
        "buckets": names,
        "currencies": currencies,
        "rows": rows,
        "total": totals,
        "by_owner": _by_owner(placed, currencies, amounts),
        "without_value": sum(1 for _, r in placed if r.deal.value is None),
        "simulation": {"trials": montecarlo.TRIALS, "seed": seed},
    }


def _by_owner(
    placed: list[tuple[str, DealRow]], currencies: list[str], amounts: Amounts
) -> list[dict[str, Any]]:
    """Per owner and currency: totals, the overdue and next-12-months parts."""
    # Per (owner, currency): deals, value, weighted, weighted overdue, weighted
    # in the next twelve months, all in cents, summed in one pass.
    sums: dict[tuple[str, str], list[int]] = {}
    for bucket, r in placed:
        value, weighted = amounts[id(r)]
        cell = sums.setdefault((r.owner, r.deal.currency), [0, 0, 0, 0, 0])
        cell[0] += 1
        cell[1] += value
        cell[2] += weighted
        if bucket == OVERDUE:
            cell[3] += weighted
        elif bucket not in (LATER, NO_DATE):
            cell[4] += weighted
    result: list[dict[str, Any]] = []
    for owner in sorted({owner for owner, _ in sums}):
        for currency in currencies:
            found = sums.get((owner, currency))
            if found is None:
                continue
            deals, value, weighted, overdue, near = found
            row = _row(
                {"deals": deals, "value": value, "weighted": weighted},
                owner=owner,
                currency=currency,
            )
            row["weighted_overdue"] = money(overdue)
            row["weighted_12_months"] = money(near)
            result.append(row)
    return result
