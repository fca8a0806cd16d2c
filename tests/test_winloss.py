"""Win and loss, and why clients say no, on closed deals worked out by hand."""

from __future__ import annotations

from conftest import ProjectDir
from reportkit import deal_client, selection

from crmgen.winloss import reasons, winloss


def _project(project: ProjectDir) -> None:
    deal_client(
        project,
        "w1",
        "stage: won",
        "value: 1000",
        "closed_on: 2026-02-10",
        "owner: ann",
        "source: web",
        first="2026-01-01",
    )
    project.client(
        "w2",
        """\
        ---
        name: W2
        first_contact: 2026-01-01
        owner: ann
        source: referral
        deals:
          - title: Grinder
            stage: won
            value: 500
            opened: 2026-04-01
            closed_on: 2026-05-01
        ---
        """,
    )
    deal_client(
        project,
        "l1",
        "stage: lost",
        "lost_reason: price",
        "value: 2000",
        "closed_on: 2026-03-31",
        "owner: bo",
        "source: web",
        first="2026-03-01",
        log=(
            "2026-03-10 stage: lead -> proposal",
            "2026-03-31 stage: proposal -> lost",
        ),
    )
    deal_client(
        project,
        "l2",
        "stage: lost",
        "lost_reason: timing",
        "closed_on: 2026-04-01",
        "owner: bo",
        first="2026-03-02",
    )
    deal_client(project, "w3", "stage: won", "value: 300", "owner: bo")
    deal_client(project, "open", "stage: proposal", "value: 7000", "owner: bo")


def test_win_rates_counts_and_values(project: ProjectDir) -> None:
    _project(project)
    report = winloss(selection(project, "2026-06-01"))
    total = report["total"]
    assert (total["closed"], total["won"], total["lost"]) == (5, 3, 2)
    assert total["win_rate"] == 0.6
    # Four closed deals carry a value: too few for a rate by value.
    assert total["value"] == [
        {"currency": "EUR", "deals": 4, "won": 1800.0, "lost": 2000.0, "win_rate": None}
    ]
    quarters = {q["quarter"]: q for q in report["quarters"]}
    assert list(quarters) == ["2026-Q1", "2026-Q2"]
    assert (quarters["2026-Q1"]["won"], quarters["2026-Q1"]["lost"]) == (1, 1)
    assert quarters["2026-Q1"]["win_rate"] is None  # 2 deals: suppressed
    assert quarters["2026-Q2"]["value"][0]["won"] == 500.0
    assert report["no_close_date"] == {"won": 1, "lost": 0}
    owners = {o["owner"]: (o["closed"], o["won"]) for o in report["owners"]}
    assert owners == {"ann": (2, 2), "bo": (3, 1)}
    sources = {s["source"]: s["closed"] for s in report["sources"]}
    assert sources == {"web": 2, "referral": 1, "(no source)": 2}


def test_days_to_close_start_at_opened_else_first_contact(project: ProjectDir) -> None:
    _project(project)
    days = winloss(selection(project, "2026-06-01"))["days_to_close"]
    # w1: 2026-01-01 -> 02-10 = 40; w2: opened 04-01 -> 05-01 = 30; w3 has no date.
    assert days["won"] == {"n": 2, "mean": 35.0, "median": 35.0}
    # l1: 03-01 -> 03-31 = 30; l2: 03-02 -> 04-01 = 30.
    assert days["lost"] == {"n": 2, "mean": 30.0, "median": 30.0}


def test_reasons_largest_first_with_the_stage_when_lost(project: ProjectDir) -> None:
    _project(project)
    report = reasons(selection(project, "2026-06-01"))
    assert report["lost"] == 2
    assert [
        (r["reason"], r["deals"], r["value"], r["stage_when_lost"])
        for r in report["reasons"]
    ] == [
        ("price", 1, [{"currency": "EUR", "amount": 2000.0}], {"proposal": 1}),
        ("timing", 1, [{"currency": "EUR", "amount": 0.0}], {"(unknown)": 1}),
    ]
    assert [(r["quarter"], r["reason"]) for r in report["quarters"]] == [
        ("2026-Q1", "price"),
        ("2026-Q2", "timing"),
    ]
    assert {r["owner"] for r in report["owners"]} == {"bo"}
