"""Follow-up calendars: all-day events with stable UIDs, the same bytes every time."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from conftest import ProjectDir
from hypothesis import given
from hypothesis import strategies as st
from icalendar.parser import content_line
from siteproject import TODAY, write_project

from crmgen.calendar import calendars, owner_files
from crmgen.loader import load_project


def files_of(project: ProjectDir) -> dict[str, bytes]:
    loaded = load_project(project.root, dt.date.fromisoformat(TODAY))
    return calendars(loaded.clients, "Test", loaded.today)


def test_an_all_day_event_per_open_client_with_a_date(project: ProjectDir) -> None:
    files = files_of(write_project(project))
    cal = icalendar.Calendar.from_ical(files["followups.ics"])
    events = cal.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [
        "evil-corp-followup@crmgen",
        "acme-tools-followup@crmgen",
        "beta-cafes-followup@crmgen",
        "delta-group-followup@crmgen",
    ]
    acme = events[1]
    assert acme.decoded("dtstart") == dt.date(2026, 11, 25)
    assert acme.decoded("dtend") == dt.date(2026, 11, 26)
    assert str(acme["summary"]) == "Follow up: Acme Tools"
    assert "Phone: +353 1 555 0100" in str(acme["description"])
    assert "clients/acme-tools.html" in str(acme["description"])
    assert b"DTSTART;VALUE=DATE:20261125" in files["followups.ics"]


def test_the_stamp_comes_from_today_not_the_clock(project: ProjectDir) -> None:
    write_project(project)
    first = files_of(project)
    assert first == files_of(project)
    assert b"DTSTAMP:20261201T000000Z" in first["followups.ics"]


def test_one_calendar_per_owner_with_only_their_clients(project: ProjectDir) -> None:
    files = files_of(write_project(project))
    names = sorted(files)
    assert "followups-anna.ics" in names and "followups-carla-diaz.ics" in names
    assert all(name.replace("-", "").replace(".", "").isalnum() for name in names)
    anna = icalendar.Calendar.from_ical(files["followups-anna.ics"])
    assert [str(e["uid"]) for e in anna.walk("VEVENT")] == [
        "acme-tools-followup@crmgen"
    ]


def test_owner_file_names_stay_unique() -> None:
    assert owner_files(["Ann B", "ann-b", "日本"]) == {
        "Ann B": "followups-ann-b.ics",
        "ann-b": "followups-ann-b-2.ics",
        "日本": "followups-owner.ics",
    }


def test_quick_folding_is_in_effect_and_folds_as_icalendar_does() -> None:
    quick = vars(content_line)["_foldline"]
    original = quick.original
    assert original is icalendar.parser.string._foldline
    # Lines around the limit in characters and in UTF-8 bytes, with escapes
    # at the boundary that icalendar keeps together.
    for text in ("a", "é", "€", "😀", "\\", "ab\\,", "x^"):
        for count in range(1, 100):
            line = text * count
            assert quick(line) == original(line), repr(line)
            assert quick(line, 20, "\r\n\t") == original(line, 20, "\r\n\t")


@given(st.text(alphabet=st.characters(exclude_characters="\n"), max_size=200))
def test_quick_folding_equals_icalendar_on_any_line(line: str) -> None:
    quick = vars(content_line)["_foldline"]
    try:
        expected = quick.original(line)
    except UnicodeEncodeError:  # a lone surrogate: both refuse it
        with pytest.raises(UnicodeEncodeError):
            quick(line)
        return
    assert quick(line) == expected
