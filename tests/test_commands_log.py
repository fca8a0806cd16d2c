"""`crmgen log`: entries in the file's order and style, nothing else touched."""

from __future__ import annotations

import io

import pytest
from conftest import ProjectDir
from linediff import line_diff

NEWEST_FIRST = """
    ---
    name: Acme Corp
    stage: lead
    first_contact: 2026-01-02
    last_contact: 2026-01-03  # from the trade fair
    ---

    Notes about Acme.

    ## Log

    ### 2026-02-01 call: pricing
    Talked.

    ### 2026-01-20 email
    Sent deck.
    """


def test_newest_first_entry_goes_on_top(project: ProjectDir) -> None:
    path = project.client("acme", NEWEST_FIRST)
    before = path.read_bytes()
    result = project.run(
        "log",
        "acme",
        "call",
        "follow-up",
        "--body",
        "All good.",
        "--today",
        "2026-02-10",
    )
    assert result.status == 0, result
    assert "clients/acme.md" in result.out
    removed, added = line_diff(before, path.read_bytes())
    assert removed == [b"last_contact: 2026-01-03  # from the trade fair\n"]
    assert added == [
        b"last_contact: 2026-02-10  # from the trade fair\n",
        b"### 2026-02-10 call: follow-up\n",
        b"All good.\n",
        b"\n",
    ]
    assert path.read_text().index("2026-02-10 call") < path.read_text().index(
        "2026-02-01 call"
    )


def test_oldest_first_entry_goes_after_the_last_body(project: ProjectDir) -> None:
    path = project.client(
        "acme",
        """
        ---
        name: Acme Corp
        stage: lead
        first_contact: 2026-01-02
        ---

        ## Log

        ### 2026-01-20 email
        Sent deck.

        ### 2026-02-01 call: pricing
        Talked.


        ## Other section
        """,
    )
    result = project.run("log", "acme", "note", "--today", "2026-02-10")
    assert result.status == 0, result
    assert path.read_text().endswith(
        "### 2026-02-01 call: pricing\nTalked.\n\n### 2026-02-10 note\n\n\n"
        "## Other section\n"
    )


def test_an_older_date_goes_where_its_date_belongs(project: ProjectDir) -> None:
    path = project.client("acme", NEWEST_FIRST)
    result = project.run(
        "log", "acme", "meeting", "--date", "2026-01-25", "--today", "2026-02-10"
    )
    assert result.status == 0, result
    text = path.read_text()
    assert (
        text.index("### 2026-02-01")
        < text.index("### 2026-01-25 meeting\n\n")
        < text.index("### 2026-01-20")
    )
    assert "last_contact: 2026-01-25  # from" in text  # older than the entry: moved


def test_a_call_dated_after_today_leaves_last_contact_alone(
    project: ProjectDir,
) -> None:
    """A contact to come is a plan (check warns of it): logged anyway, it
    does not move `last_contact` ahead of today."""
    path = project.client("acme", NEWEST_FIRST)
    result = project.run(
        "log", "acme", "call", "--date", "2026-02-20", "--today", "2026-02-10"
    )
    assert result.status == 0, result
    text = path.read_text()
    assert "### 2026-02-20 call\n" in text
    assert "last_contact: 2026-01-03  # from" in text


def test_an_entry_logged_later_the_same_day_is_the_newest_everywhere(
    project: ProjectDir,
) -> None:
    """An email logged after a 09:00 call has no time, yet it came later: it
    tops the client page and is the last thing said on the call list."""
    project.client("acme", NEWEST_FIRST)
    day = ("--today", "2026-02-10")
    assert (
        project.run("log", "acme", "call", "spoke", "--time", "09:00", *day).status == 0
    )
    assert project.run("log", "acme", "email", "sent the contract", *day).status == 0
    assert project.run("build", *day, "--no-git").status == 0
    client_page = (project.root / "site" / "clients" / "acme.html").read_text()
    assert client_page.index("sent the contract") < client_page.index("spoke")
    listed = project.run("today", "--today", "2026-03-20").out
    assert "2026-02-10 email: sent the contract" in listed, listed


def test_a_non_contact_kind_leaves_last_contact_alone(project: ProjectDir) -> None:
    path = project.client("acme", NEWEST_FIRST)
    result = project.run("log", "acme", "note", "--today", "2026-02-10")
    assert result.status == 0, result
    assert "last_contact: 2026-01-03  # from" in path.read_text()


def test_a_log_is_created_when_missing(project: ProjectDir) -> None:
    path = project.client(
        "acme",
        b"---\r\nname: Acme\r\nstage: lead\r\n"
        b"first_contact: 2026-01-02\r\n---\r\nNotes.",
    )
    result = project.run("log", "acme", "call", "--today", "2026-02-10")
    assert result.status == 0, result
    assert path.read_bytes() == (
        b"---\r\nname: Acme\r\nstage: lead\r\n"
        b"first_contact: 2026-01-02\r\n---\r\nNotes.\r\n\r\n"
        b"## Log\r\n\r\n### 2026-02-10 call"
    )


def test_next_sets_the_follow_up(project: ProjectDir) -> None:
    path = project.client("acme", NEWEST_FIRST)
    result = project.run(
        "log",
        "acme",
        "call",
        "--next",
        "2026-03-01",
        "--time",
        "09:30",
        "--today",
        "2026-02-10",
    )
    assert result.status == 0, result
    text = path.read_text()
    assert (
        "last_contact: 2026-02-10  # from the trade fair\nnext_follow_up: "
        "2026-03-01\n---\n" in text
    )
    assert "### 2026-02-10 09:30 call\n\n### 2026-02-01" in text
    # The keys it set too are said, not changed silently.
    assert result.out.strip() == (
        "clients/acme.md: added ### 2026-02-10 09:30 call; "
        "next_follow_up: 2026-03-01; last_contact: 2026-02-10"
    )


def test_body_from_standard_input(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project.client("acme", NEWEST_FIRST)
    monkeypatch.setattr("sys.stdin", io.StringIO("line one\nline two\n"))
    result = project.run("log", "acme", "email", "--body", "-", "--today", "2026-02-10")
    assert result.status == 0, result
    assert (
        "### 2026-02-10 email\nline one\nline two\n\n### 2026-02-01" in path.read_text()
    )


def test_a_body_that_would_start_a_heading_is_refused(project: ProjectDir) -> None:
    path = project.client("acme", NEWEST_FIRST)
    before = path.read_bytes()
    result = project.run(
        "log",
        "acme",
        "call",
        "--body",
        "## Not a log any more",
        "--today",
        "2026-02-10",
    )
    assert result.status == 1, result
    assert path.read_bytes() == before


def test_an_unknown_kind_is_refused_with_a_suggestion(project: ProjectDir) -> None:
    path = project.client("acme", NEWEST_FIRST)
    before = path.read_bytes()
    result = project.run("log", "acme", "cal", "--today", "2026-02-10")
    assert result.status == 2, result
    assert "did you mean `call`?" in result.err
    assert path.read_bytes() == before


def test_a_bad_time_is_refused(project: ProjectDir) -> None:
    project.client("acme", NEWEST_FIRST)
    result = project.run("log", "acme", "call", "--time", "25:00")
    assert result.status == 2, result
    assert "HH:MM" in result.err
