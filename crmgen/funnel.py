"""Funnel and velocity: how far deals get, how long they stay, who is stuck."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from crmgen.config import Config
from crmgen.reportdata import MIN_DEALS, DealRow, ReportInput, median_days, rate

STUCK_FACTOR = 2  # a deal is stuck after twice its stage's median stay


def furthest(row: DealRow, config: Config) -> int:
    """Index among the open stages of the furthest one the deal reached.

    Every deal reached the first open stage; a won deal reached them all.
    """
    return reached(row, open_positions(config))


def open_positions(config: Config) -> dict[str, int]:
    """Each open stage's index among the open stages, by name."""
    positions: dict[str, int] = {}
    for stage in config.open_stages:
        positions.setdefault(stage.name, len(positions))
    return positions


def reached(row: DealRow, positions: dict[str, int]) -> int:
    """furthest(), given the open stages' positions once for many deals."""
    if row.won:
        return len(positions) - 1
    seen = {row.deal.stage}
    for event in row.history:
        seen.update(name for name in (event.before, event.after) if name is not None)
    return max((positions[name] for name in seen if name in positions), default=0)


def stays(row: DealRow) -> list[tuple[str, int]]:
    """Completed stays (stage, days) read from the deal's stage history."""
    history = row.history
    found: list[tuple[str, int]] = []
    first = history[0] if history else None
    start = row.started
    if first and first.before and start is not None and first.date >= start:
        found.append((first.before, (first.date - start).days))
    for event, following in itertools.pairwise(history):
        found.append((event.after, (following.date - event.date).days))
    return found


def entered_current(row: DealRow) -> dt.date | None:
    """When an open deal entered its current stage, None when the record is silent."""
    if not row.history:
        return row.started
    last = row.history[-1]
    return last.date if last.after == row.deal.stage else None


def medians(data: ReportInput) -> dict[str, tuple[int, float | None]]:
    """Per open stage: how many completed stays, and their median in days."""
    days: dict[str, list[int]] = {s.name: [] for s in data.config.open_stages}
    for row in data.rows:
        for stage, length in stays(row):
            if stage in days:
                days[stage].append(length)
    return {
        name: (
            len(found),
            median_days(found) if len(found) >= MIN_DEALS else None,
        )
        for name, found in days.items()
    }


def _stuck(
    data: ReportInput, median: dict[str, tuple[int, float | None]]
) -> list[dict[str, Any]]:
    """Open deals that have sat in their stage over STUCK_FACTOR x its median."""
    stuck: list[dict[str, Any]] = []
    for row in data.rows:
        entered = entered_current(row) if row.deal.is_open else None
        typical = median.get(row.deal.stage, (0, None))[1]
        if entered is None or typical is None:
            continue
        days = (data.today - entered).days
        if days > STUCK_FACTOR * typical:
            stuck.append(
                {
                    **row.as_ref(),
                    "owner": row.owner,
                    "stage": row.deal.stage,
                    "since": entered.isoformat(),
                    "days": days,
                    "median": typical,
                }
            )
    return sorted(stuck, key=lambda item: (-item["days"], item["client"], item["deal"]))


def funnel(data: ReportInput) -> dict[str, Any]:
    """The funnel report as a JSON-ready document (see docs/reports.md)."""
    open_stages = data.config.open_stages
    positions = open_positions(data.config)
    reach = [reached(row, positions) for row in data.rows]
    median = medians(data)
    stages: list[dict[str, Any]] = []
    for index, stage in enumerate(open_stages):
        mine = [row for row, far in zip(data.rows, reach, strict=True) if far >= index]
        closed = [row for row in mine if not row.deal.is_open]
        won = sum(1 for row in closed if row.won)
        after = (
            sum(1 for far in reach if far > index)
            if index + 1 < len(open_stages)
            else won
        )
        stages.append(
            {
                "stage": stage.name,
                "reached": len(mine),
                "next_reached": after,
                "to_next": rate(after, len(mine)),
                "closed": len(closed),
                "won": won,
                "to_won": rate(won, len(closed)),
                "stays": median[stage.name][0],
                "median_days": median[stage.name][1],
            }
        )
    return {
        "deals": len(data.rows),
        "with_history": sum(1 for r in data.rows if r.history),
        "stages": stages,
        "stuck": _stuck(data, median),
    }
