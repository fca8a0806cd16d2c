"""The follow-up report's sections and their order."""

from __future__ import annotations

import datetime as dt

from conftest import ProjectDir
from siteproject import TODAY, write_project

from crmgen.derive import facts
from crmgen.followups import build_sections
from crmgen.loader import load_project


def sections_of(project: ProjectDir) -> dict[str, list[str]]:
    loaded = load_project(project.root, dt.date.fromisoformat(TODAY))
    found = {c.id: facts(c, loaded.config, loaded.today) for c in loaded.clients}
    sections = build_sections(loaded.clients, found, loaded.config, loaded.today)
    return {s.key: [row.client.id for row in s.rows] for s in sections}


def test_every_open_client_lands_in_its_sections(project: ProjectDir) -> None:
    assert sections_of(write_project(project)) == {
        "overdue": ["acme-tools", "evil-corp"],
        "today": ["beta-cafes"],
        "week": ["delta-group"],
        "later": [],
        "no-next-step": ["gamma-hotel"],
        "stale": ["gamma-hotel", "evil-corp"],
    }


def test_the_most_valuable_overdue_call_comes_first(project: ProjectDir) -> None:
    for name, value, due in (
        ("cheap", 500, "2026-11-01"),
        ("dear", 9000, "2026-11-30"),
        ("middling", 3000, "2026-11-15"),
    ):
        project.client(
            name,
            f"""
            ---
            name: {name.title()}
            first_contact: 2026-11-01
            next_follow_up: {due}
            stage: proposal
            value: {value}
            ---
        """,
        )
    assert sections_of(project)["overdue"] == ["dear", "middling", "cheap"]


def test_scheduled_follow_ups_split_at_a_week(project: ProjectDir) -> None:
    for name, due in (
        ("soon", "2026-12-08"),
        ("later", "2026-12-09"),
        ("closed", "2026-12-02"),
    ):
        stage = "won" if name == "closed" else "lead"
        project.client(
            name,
            f"""
            ---
            name: {name.title()}
            first_contact: 2026-11-30
            next_follow_up: {due}
            stage: {stage}
            ---
        """,
        )
    found = sections_of(project)
    assert (found["week"], found["later"]) == (["soon"], ["later"])
