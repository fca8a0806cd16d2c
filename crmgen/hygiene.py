"""The data hygiene list: deals whose record needs a person's attention."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from crmgen.config import Config
from crmgen.reportdata import NO_OWNER, DealRow, ReportInput

ISSUES = {
    "past-expected-close": "expected close {expected} has passed",
    "no-expected-close": "open deal without expected_close",
    "no-value": "open deal without value",
    "no-next-step": "open client without next_follow_up",
    "default-probability": "probability {probability}% is the default of {left}, "
    "a stage the deal has moved past",
    "no-lost-reason": "lost deal without lost_reason",
}


def left_default(row: DealRow, config: Config) -> str | None:
    """The stage the deal moved past whose default its written probability still is."""
    return _left_default(row, config, passed_open(config))


def passed_open(config: Config) -> dict[str, list[str]]:
    """For each stage, the open stages before it in the pipeline."""
    names = config.stage_names
    return {
        name: [s.name for s in config.open_stages if names.index(s.name) < index]
        for index, name in enumerate(names)
    }


def _left_default(
    row: DealRow, config: Config, passed_by_stage: dict[str, list[str]]
) -> str | None:
    deal = row.deal
    if not deal.probability_written:
        return None
    current = config.stage(deal.stage)
    if current is None or deal.probability == current.probability:
        return None
    moved = [e.before for e in row.history if e.before and e.before != deal.stage]
    passed = [*passed_by_stage[deal.stage], *moved]
    for name in passed:
        stage = config.stage(name)
        if stage is not None and stage.probability == deal.probability:
            return name
    return None


def _deal_issues(
    row: DealRow, data: ReportInput, passed_by_stage: dict[str, list[str]]
) -> Iterator[tuple[str, str]]:
    deal = row.deal
    if deal.is_open:
        if deal.expected_close is not None and deal.expected_close < data.today:
            yield "past-expected-close", deal.expected_close.isoformat()
        if deal.expected_close is None:
            yield "no-expected-close", ""
        if deal.value is None:
            yield "no-value", ""
        left = _left_default(row, data.config, passed_by_stage)
        if left is not None:
            yield "default-probability", left
    elif row.lost and not deal.lost_reason:
        yield "no-lost-reason", ""


def hygiene(data: ReportInput) -> dict[str, Any]:
    """The hygiene report as a JSON-ready document (see docs/reports.md)."""
    items: list[dict[str, Any]] = []
    passed_by_stage = passed_open(data.config)
    for row in data.rows:
        for issue, detail in _deal_issues(row, data, passed_by_stage):
            message = ISSUES[issue].format(
                expected=detail, left=detail, probability=row.deal.probability
            )
            items.append(
                {"issue": issue, **row.as_ref(), "owner": row.owner, "message": message}
            )
    for client in data.clients:
        if data.facts[client.id].no_next_step:
            items.append(
                {
                    "issue": "no-next-step",
                    "client": client.id,
                    "name": client.name,
                    "deal": None,
                    "path": client.path,
                    "line": client.key_lines.get("next_follow_up", 1),
                    "owner": client.owner or NO_OWNER,
                    "message": ISSUES["no-next-step"],
                }
            )
    order = {issue: rank for rank, issue in enumerate(ISSUES)}
    items.sort(key=lambda i: (order[i["issue"]], i["path"], i["line"]))
    found = Counter(i["issue"] for i in items)
    counts = {issue: found[issue] for issue in ISSUES}
    return {"counts": counts, "items": items}
