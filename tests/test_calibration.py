"""Calibration: the probability before closing against the outcome, by hand."""

from __future__ import annotations

from conftest import ProjectDir
from reportkit import deal_client, selection

from crmgen.calibration import calibration

CLOSED = ("closed_on: 2026-05-01",)


def _project(project: ProjectDir) -> None:
    deal_client(
        project,
        "d1",
        "stage: won",
        *CLOSED,
        log=("2026-05-01 stage: negotiation -> won, 70% -> 100%",),
    )
    deal_client(
        project,
        "d2",
        "stage: lost",
        "lost_reason: price",
        *CLOSED,
        log=(
            "2026-04-01 stage: lead -> qualified, 25% -> 45%",
            "2026-05-01 stage: qualified -> lost",
        ),
    )
    deal_client(
        project, "d3", "stage: won", *CLOSED, log=("2026-05-01 stage: proposal -> won",)
    )
    deal_client(
        project,
        "d4",
        "stage: lost",
        "lost_reason: price",
        *CLOSED,
        log=("2026-05-01 stage: proposal -> lost",),
    )
    deal_client(
        project,
        "d5",
        "stage: won",
        *CLOSED,
        log=("2026-05-01 stage: negotiation -> won",),
    )
    deal_client(project, "d6", "stage: lost", "lost_reason: price", *CLOSED)


def test_buckets_and_brier(project: ProjectDir) -> None:
    _project(project)
    report = calibration(selection(project, "2026-06-01"))
    # d1 70 won (written), d2 45 lost (previous move), d3 60 won and d4 60 lost
    # (proposal default), d5 80 won (negotiation default); d6 has no history.
    assert (report["closed"], report["deals"], report["without_history"]) == (6, 5, 1)
    buckets = {b["bucket"]: b for b in report["buckets"] if b["deals"]}
    assert {name: (b["deals"], b["won"]) for name, b in buckets.items()} == {
        "40-50": (1, 0),
        "60-70": (2, 1),
        "70-80": (1, 1),
        "80-90": (1, 1),
    }
    assert buckets["60-70"]["predicted"] == 0.6
    assert buckets["60-70"]["observed"] is None  # 2 deals: suppressed
    # (0.3² + 0.45² + 0.4² + 0.6² + 0.2²) / 5 = 0.8525 / 5
    assert report["brier"] == 0.1705


def test_observed_win_rate_per_stage(project: ProjectDir) -> None:
    _project(project)
    stages = {
        s["stage"]: s for s in calibration(selection(project, "2026-06-01"))["stages"]
    }
    assert (stages["lead"]["deals"], stages["lead"]["won"]) == (6, 3)
    assert stages["lead"]["observed"] == 0.5
    assert stages["lead"]["default"] == 0.25
    # qualified: the three won, d2 (moved through it) and d4 (reached proposal).
    assert (stages["qualified"]["deals"], stages["qualified"]["observed"]) == (5, 0.6)
    assert (stages["proposal"]["deals"], stages["proposal"]["observed"]) == (4, None)


def test_too_few_deals_suppress_the_score(project: ProjectDir) -> None:
    deal_client(
        project,
        "d1",
        "stage: won",
        *CLOSED,
        log=("2026-05-01 stage: negotiation -> won",),
    )
    report = calibration(selection(project, "2026-06-01"))
    assert report["deals"] == 1
    assert report["brier"] is None
