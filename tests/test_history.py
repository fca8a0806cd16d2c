"""Stage history: moves read from `stage` entries, per deal, oldest first."""

from __future__ import annotations

import datetime as dt

from conftest import ProjectDir

from crmgen.history import StageEvent, stage_history
from crmgen.loader import load_project


def test_moves_are_per_deal_and_oldest_first_whatever_the_file_order(
    project: ProjectDir,
) -> None:
    project.client(
        "multi",
        """\
        ---
        name: Multi
        first_contact: 2026-01-01
        deals:
          - title: Coffee
            stage: proposal
          - title: Tea
            stage: lost
            lost_reason: price
            closed_on: 2026-03-01
        ---

        ## Log

        ### 2026-03-01 stage: Tea: qualified -> lost, 40% -> 0%

        ### 2026-02-01 stage: Coffee: qualified -> proposal

        ### 2026-01-15 10:00 stage: Coffee: lead -> qualified, 25% -> 45%

        ### 2026-01-15 09:00 stage: Tea: lead -> qualified

        ### 2026-01-10 stage: lead -> qualified
        """,
    )
    loaded = load_project(project.root, dt.date(2026, 6, 1))
    history = stage_history(loaded.clients)
    coffee = history[("multi", "Coffee")]
    assert [(e.date.isoformat(), e.before, e.after) for e in coffee] == [
        ("2026-01-15", "lead", "qualified"),
        ("2026-02-01", "qualified", "proposal"),
    ]
    assert coffee[0].probability_after == 45
    assert coffee[0].source == "log"
    assert coffee[0].line == 19
    tea = history[("multi", "Tea")]
    assert [e.after for e in tea] == ["qualified", "lost"]
    assert tea[1].probability_before == 40
    # An entry naming no deal cannot be placed on a client with several deals.
    assert sum(len(events) for events in history.values()) == 4


def test_a_one_deal_client_needs_no_deal_name(project: ProjectDir) -> None:
    project.client(
        "solo",
        """\
        ---
        name: Solo
        first_contact: 2026-01-01
        stage: qualified
        ---

        ## Log

        ### 2026-01-05 stage: lead -> qualified
        """,
    )
    loaded = load_project(project.root, dt.date(2026, 6, 1))
    assert list(stage_history(loaded.clients)) == [("solo", "Solo")]


def test_moves_from_elsewhere_join_in_date_order(project: ProjectDir) -> None:
    project.client(
        "solo",
        """\
        ---
        name: Solo
        first_contact: 2026-01-01
        stage: proposal
        ---

        ## Log

        ### 2026-02-01 stage: qualified -> proposal
        """,
    )
    loaded = load_project(project.root, dt.date(2026, 6, 1))
    found = [
        StageEvent(
            "solo",
            "Solo",
            dt.date(2026, 2, 1),
            "lead",
            "qualified",
            None,
            None,
            "git",
            0,
        ),
        StageEvent(
            "solo", "Solo", dt.date(2026, 1, 10), None, "lead", None, 25, "git", 0
        ),
    ]
    history = stage_history(loaded.clients, found)[("solo", "Solo")]
    assert [(e.date.isoformat(), e.after, e.source) for e in history] == [
        ("2026-01-10", "lead", "git"),
        ("2026-02-01", "proposal", "log"),
        ("2026-02-01", "qualified", "git"),
    ]
