"""The data hygiene list: what needs a person's attention, and where."""

from __future__ import annotations

from conftest import ProjectDir
from reportkit import deal_client, selection

from crmgen.hygiene import hygiene


def test_every_kind_of_gap_is_listed_where_it_is(project: ProjectDir) -> None:
    deal_client(
        project,
        "h1",
        "stage: proposal",
        "probability: 25",
        "expected_close: 2026-05-01",
        "value: 100",
        "next_follow_up: 2026-06-10",
    )
    deal_client(project, "h2", "stage: lead")
    deal_client(project, "h3", "stage: lost", "closed_on: 2026-05-01")
    deal_client(
        project,
        "h4",
        "stage: lead",
        "value: 10",
        "expected_close: 2026-07-01",
        "next_follow_up: 2026-06-10",
    )
    deal_client(
        project,
        "h5",
        "stage: negotiation",
        "probability: 40",
        "value: 5",
        "expected_close: 2026-07-01",
        "next_follow_up: 2026-06-10",
        log=("2026-05-01 stage: qualified -> negotiation",),
    )
    report = hygiene(selection(project, "2026-06-01"))
    found = [(i["issue"], i["client"], i["path"], i["line"]) for i in report["items"]]
    assert found == [
        ("past-expected-close", "h1", "clients/h1.md", 4),
        ("no-expected-close", "h2", "clients/h2.md", 4),
        ("no-value", "h2", "clients/h2.md", 4),
        ("no-next-step", "h2", "clients/h2.md", 1),
        ("default-probability", "h1", "clients/h1.md", 4),
        ("default-probability", "h5", "clients/h5.md", 4),
        ("no-lost-reason", "h3", "clients/h3.md", 4),
    ]
    assert "default of lead," in report["items"][4]["message"]
    assert "default of qualified," in report["items"][5]["message"]
    assert report["counts"]["no-next-step"] == 1
