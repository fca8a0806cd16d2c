"""Funnel and velocity from stage history, worked out by hand."""

from __future__ import annotations

from conftest import ProjectDir
from reportkit import deal_client, selection

from crmgen.funnel import funnel
from crmgen.reportdata import median_days


def test_median_stay_and_stuck_deals(project: ProjectDir) -> None:
    # Five deals left `lead` after 10, 20, 30, 40 and 50 days: median 30.
    moves = {
        10: "2026-01-11",
        20: "2026-01-21",
        30: "2026-01-31",
        40: "2026-02-10",
        50: "2026-02-20",
    }
    for days, day in moves.items():
        deal_client(
            project,
            f"m{days}",
            "stage: qualified",
            log=(f"{day} stage: lead -> qualified",),
        )
    # Today 2026-06-30: 61 days in lead is over twice 30; 60 days is not.
    deal_client(project, "slow", "stage: lead", first="2026-04-30")
    deal_client(project, "fine", "stage: lead", first="2026-05-01")
    report = funnel(selection(project, "2026-06-30"))
    lead, qualified = report["stages"][:2]
    assert (lead["stays"], lead["median_days"]) == (5, 30)
    assert (qualified["stays"], qualified["median_days"]) == (0, None)
    assert [(s["client"], s["days"], s["median"]) for s in report["stuck"]] == [
        ("slow", 61, 30)
    ]
    assert (lead["reached"], qualified["reached"]) == (7, 5)
    assert lead["to_next"] == round(5 / 7, 4)
    assert report["with_history"] == 5


def test_reached_and_conversion_to_won(project: ProjectDir) -> None:
    deal_client(
        project,
        "w1",
        "stage: won",
        "closed_on: 2026-03-01",
        log=("2026-02-01 stage: negotiation -> won",),
    )
    deal_client(project, "w2", "stage: won", "closed_on: 2026-03-01")
    deal_client(project, "w3", "stage: won", "closed_on: 2026-03-01")
    deal_client(
        project,
        "l1",
        "stage: lost",
        "lost_reason: price",
        "closed_on: 2026-03-01",
        log=(
            "2026-02-01 stage: qualified -> proposal",
            "2026-03-01 stage: proposal -> lost",
        ),
    )
    deal_client(
        project, "l2", "stage: lost", "lost_reason: price", "closed_on: 2026-03-01"
    )
    deal_client(project, "o1", "stage: proposal")
    deal_client(project, "o2", "stage: lead")
    stages = {s["stage"]: s for s in funnel(selection(project, "2026-06-30"))["stages"]}
    # lead: all 7; qualified/proposal: 3 won + l1 + o1; negotiation: 3 won.
    assert [stages[n]["reached"] for n in stages] == [7, 5, 5, 3]
    assert stages["lead"]["to_next"] == round(5 / 7, 4)
    assert stages["qualified"]["to_next"] == 1.0
    assert stages["proposal"]["to_next"] == 0.6
    assert stages["negotiation"]["to_next"] is None  # 3 deals: suppressed
    assert (stages["lead"]["won"], stages["lead"]["closed"]) == (3, 5)
    assert stages["lead"]["to_won"] == 0.6
    assert (stages["proposal"]["won"], stages["proposal"]["closed"]) == (3, 4)
    assert stages["proposal"]["to_won"] is None


def test_a_median_of_whole_days_reads_as_whole_days() -> None:
    # As the terminal, the page and the JSON show it: 15, not 15.0.
    assert [repr(median_days(days)) for days in ([10, 20], [10, 21], [7])] == [
        "15",
        "15.5",
        "7",
    ]
