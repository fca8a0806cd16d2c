"""Calibration: do the probabilities people type match what happens?"""

from __future__ import annotations

from typing import Any

from crmgen.config import Config
from crmgen.funnel import furthest
from crmgen.reportdata import MIN_DEALS, DealRow, ReportInput, rate

BUCKETS = tuple(f"{low}-{low + 10}" for low in range(0, 100, 10))


def _default(config: Config, stage: str | None) -> int | None:
    found = config.stage(stage) if stage is not None else None
    return found.probability if found is not None else None


def before_close(row: DealRow, config: Config) -> int | None:
    """The probability the closed deal carried just before it closed, in percent.

    From the move into its closed stage: the probability written before the
    move, else the one the previous move set, else the default of the stage it
    left. A history without that move counts its last move. None without history.
    """
    history = row.history
    closing = [i for i, event in enumerate(history) if event.after == row.deal.stage]
    if not closing:
        if not history:
            return None
        last = history[-1]
        return (
            last.probability_after
            if last.probability_after is not None
            else _default(config, last.after)
        )
    index = closing[-1]
    event = history[index]
    previous = history[index - 1] if index > 0 else None
    if event.probability_before is not None:
        return event.probability_before
    if previous is not None and previous.probability_after is not None:
        return previous.probability_after
    left = event.before or (previous.after if previous is not None else None)
    return _default(config, left)


def bucket(probability: int) -> int:
    """Index of the 10-point bucket: 0-10 is [0, 10), ..., 90-100 is [90, 100]."""
    return min(probability // 10, len(BUCKETS) - 1)


def _buckets(pairs: list[tuple[int, bool]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for index, name in enumerate(BUCKETS):
        mine = [(p, won) for p, won in pairs if bucket(p) == index]
        won = sum(1 for _, w in mine if w)
        mean = round(sum(p for p, _ in mine) / len(mine) / 100, 4) if mine else None
        rows.append(
            {
                "bucket": name,
                "deals": len(mine),
                "won": won,
                "predicted": mean,
                "observed": rate(won, len(mine)),
            }
        )
    return rows


def _brier(pairs: list[tuple[int, bool]]) -> float | None:
    """Mean squared gap between probability and outcome; None on too few deals."""
    if len(pairs) < MIN_DEALS:
        return None
    total = sum((p / 100 - (1 if won else 0)) ** 2 for p, won in pairs)
    return round(total / len(pairs), 4)


def _stages(data: ReportInput, closed: list[DealRow]) -> list[dict[str, Any]]:
    """Per open stage: its default against the win rate of deals that reached it."""
    reach = [furthest(row, data.config) for row in closed]
    rows: list[dict[str, Any]] = []
    for index, stage in enumerate(data.config.open_stages):
        mine = [row for row, far in zip(closed, reach, strict=True) if far >= index]
        won = sum(1 for row in mine if row.won)
        rows.append(
            {
                "stage": stage.name,
                "default": stage.probability / 100,
                "deals": len(mine),
                "won": won,
                "observed": rate(won, len(mine)),
            }
        )
    return rows


def calibration(data: ReportInput) -> dict[str, Any]:
    """The calibration report as a JSON-ready document (see docs/reports.md)."""
    closed = [row for row in data.rows if not row.deal.is_open]
    pairs: list[tuple[int, bool]] = []
    for row in closed:
        probability = before_close(row, data.config)
        if probability is not None:
            pairs.append((probability, row.won))
    return {
        "min_deals": MIN_DEALS,
        "closed": len(closed),
        "deals": len(pairs),
        "without_history": len(closed) - len(pairs),
        "buckets": _buckets(pairs),
        "brier": _brier(pairs),
        "stages": _stages(data, closed),
    }
