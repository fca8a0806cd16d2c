"""Activity per ISO week over the last twelve, and the longest silences."""

from __future__ import annotations

import datetime as dt

from conftest import ProjectDir
from reportkit import deal_client, selection

from crmgen.activity import activity, week_starts


def test_twelve_weeks_end_with_todays() -> None:
    starts = week_starts(dt.date(2026, 6, 3))  # a Wednesday
    assert (starts[0], starts[-1], len(starts)) == (
        dt.date(2026, 3, 16),
        dt.date(2026, 6, 1),
        12,
    )


def test_entries_by_week_kind_and_owner(project: ProjectDir) -> None:
    deal_client(
        project,
        "a",
        "stage: lead",
        "owner: ann",
        "last_contact: 2026-03-01",
        first="2026-02-01",
        log=("2026-03-15 call", "2026-03-16 call", "2026-06-03 email"),
    )
    deal_client(
        project,
        "b",
        "stage: lead",
        first="2026-05-01",
        log=("2026-06-01 note", "2026-06-02 call"),
    )
    deal_client(project, "c", "stage: won", "closed_on: 2026-01-05", first="2026-01-01")
    report = activity(selection(project, "2026-06-03"))
    weeks = {w["week"]: w for w in report["weeks"]}
    assert report["kinds"] == ["call", "email", "note"]
    assert weeks["2026-W12"]["entries"] == 1  # 03-15 is a Sunday of W11
    assert weeks["2026-W23"]["kinds"] == {"call": 1, "email": 1, "note": 1}
    assert weeks["2026-W23"]["owners"] == {"(no owner)": 2, "ann": 1}
    # Silences: open clients only; a note is no contact.
    assert [(s["client"], s["days"]) for s in report["silences"]] == [
        ("b", 1),
        ("a", 0),
    ]


def test_silences_keep_the_ten_longest_ties_by_client_id(project: ProjectDir) -> None:
    for number in range(12):
        deal_client(
            project,
            f"c{number:02d}",
            "stage: lead",
            first=f"2026-05-{number // 2 + 1:02d}",
        )
    silences = activity(selection(project, "2026-06-03"))["silences"]
    assert [(s["client"], s["days"]) for s in silences] == [
        ("c00", 33),
        ("c01", 33),
        ("c02", 32),
        ("c03", 32),
        ("c04", 31),
        ("c05", 31),
        ("c06", 30),
        ("c07", 30),
        ("c08", 29),
        ("c09", 29),
    ]
