"""Win and loss: win rates, days to close, value won, and why clients say no."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from crmgen.reportdata import (
    MIN_DEALS,
    DealRow,
    ReportInput,
    cents,
    currency_order,
    day_stats,
    money,
    rate,
)

NO_REASON = "(no reason)"
UNKNOWN = "(unknown)"


def _values(rows: list[DealRow], currencies: list[str]) -> list[dict[str, Any]]:
    """Per currency: won and lost value and the win rate by value."""
    sums: dict[str, list[int]] = {}  # currency: deals, won and lost cents
    for r in rows:
        if r.deal.value is None:
            continue
        cell = sums.setdefault(r.deal.currency, [0, 0, 0])
        cell[0] += 1
        if r.won:
            cell[1] += cents(r.deal.value)
        if r.lost:
            cell[2] += cents(r.deal.value)
    result: list[dict[str, Any]] = []
    for currency in currencies:
        if currency not in sums:
            continue
        deals, won, lost = sums[currency]
        enough = deals >= MIN_DEALS and won + lost > 0
        share = round(won / (won + lost), 4) if enough else None
        result.append(
            {
                "currency": currency,
                "deals": deals,
                "won": money(won),
                "lost": money(lost),
                "win_rate": share,
            }
        )
    return result


def _group(rows: list[DealRow], currencies: list[str], **labels: Any) -> dict[str, Any]:
    """Counts, the win rate by count and the values of some closed deals."""
    won = sum(1 for r in rows if r.won)
    return {
        **labels,
        "closed": len(rows),
        "won": won,
        "lost": len(rows) - won,
        "win_rate": rate(won, len(rows)),
        "value": _values(rows, currencies),
    }


def _by(
    rows: list[DealRow],
    key: Callable[[DealRow], str],
    currencies: list[str],
    label: str,
) -> list[dict[str, Any]]:
    """One group per distinct key, in key order."""
    groups: dict[str, list[DealRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return [_group(groups[k], currencies, **{label: k}) for k in sorted(groups)]


def _closed(data: ReportInput) -> list[DealRow]:
    return [r for r in data.rows if not r.deal.is_open]


def _days(rows: Iterable[DealRow]) -> list[int]:
    """Days from start to close of the rows that have both dates."""
    return [
        (r.deal.closed_on - r.started).days
        for r in rows
        if r.deal.closed_on is not None and r.started is not None
    ]


def winloss(data: ReportInput) -> dict[str, Any]:
    """The win-and-loss report as a JSON-ready document (see docs/reports.md)."""
    closed = _closed(data)
    currencies = currency_order(data.config, (r.deal.currency for r in closed))
    dated = [r for r in closed if r.deal.closed_on is not None]
    return {
        "currencies": currencies,
        "total": _group(closed, currencies),
        "quarters": _by(dated, lambda r: r.closed_quarter, currencies, "quarter"),
        "owners": _by(closed, lambda r: r.owner, currencies, "owner"),
        "sources": _by(closed, lambda r: r.source, currencies, "source"),
        "days_to_close": {
            "won": day_stats(_days(r for r in closed if r.won)),
            "lost": day_stats(_days(r for r in closed if r.lost)),
        },
        "no_close_date": {
            "won": sum(1 for r in closed if r.won) - sum(1 for r in dated if r.won),
            "lost": sum(1 for r in closed if r.lost) - sum(1 for r in dated if r.lost),
        },
    }


def stage_when_lost(row: DealRow) -> str:
    """The stage the deal was in when it was lost, from its stage history."""
    history = row.history
    for index in range(len(history) - 1, -1, -1):
        event = history[index]
        if event.after == row.deal.stage:
            if event.before is not None:
                return event.before
            if index > 0:
                return history[index - 1].after
            return UNKNOWN
    return UNKNOWN


def _reason_rows(
    rows: list[DealRow], currencies: list[str], **labels: Any
) -> list[dict[str, Any]]:
    """Per reason: deals, value per currency, the stages reached; largest first."""
    result: list[dict[str, Any]] = []
    for reason in sorted({r.deal.lost_reason or NO_REASON for r in rows}):
        mine = [r for r in rows if (r.deal.lost_reason or NO_REASON) == reason]
        value = [
            {
                "currency": c,
                "amount": money(
                    sum(cents(r.deal.value or 0) for r in mine if r.deal.currency == c)
                ),
            }
            for c in currencies
            if any(r.deal.currency == c for r in mine)
        ]
        reached = Counter(stage_when_lost(r) for r in mine)
        result.append(
            {
                **labels,
                "reason": reason,
                "deals": len(mine),
                "value": value,
                "stage_when_lost": dict(sorted(reached.items())),
            }
        )
    first = currencies[0] if currencies else ""
    return sorted(result, key=lambda row: (-row["deals"], -_amount(row, first)))


def _amount(row: dict[str, Any], currency: str) -> float:
    return next((v["amount"] for v in row["value"] if v["currency"] == currency), 0.0)


def reasons(data: ReportInput) -> dict[str, Any]:
    """Lost deals by reason: overall, per quarter and per owner."""
    lost = [r for r in data.rows if r.lost]
    currencies = currency_order(data.config, (r.deal.currency for r in lost))
    dated = [r for r in lost if r.deal.closed_on is not None]
    quarters = sorted({r.closed_quarter for r in dated})
    owners = sorted({r.owner for r in lost})
    return {
        "currencies": currencies,
        "lost": len(lost),
        "reasons": _reason_rows(lost, currencies),
        "quarters": [
            row
            for q in quarters
            for row in _reason_rows(
                [r for r in dated if r.closed_quarter == q], currencies, quarter=q
            )
        ],
        "owners": [
            row
            for o in owners
            for row in _reason_rows(
                [r for r in lost if r.owner == o], currencies, owner=o
            )
        ],
        "no_close_date": len(lost) - len(dated),
    }
