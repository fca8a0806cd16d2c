"""The derived facts: last contact, overdue, stale, no next step."""

from __future__ import annotations

import datetime as dt
import textwrap

from crmgen.config import Config, Stage
from crmgen.derive import facts, newest_entry, newest_first
from crmgen.model import Client
from crmgen.parse import parse_client

CONFIG = Config(
    stages=(
        Stage("lead", 25, True),
        Stage("proposal", 60, True, 5),
        Stage("won", 100, False),
        Stage("lost", 0, False),
    )
)
TODAY = dt.date(2026, 3, 20)


def client(front: str, log: str = "") -> Client:
    text = (
        "---\nname: Acme\nfirst_contact: 2026-01-05\n"
        + textwrap.dedent(front)
        + "---\n## Log\n"
        + textwrap.dedent(log)
    )
    parsed, problems = parse_client("clients/acme.md", text.encode(), CONFIG)
    assert parsed is not None, problems
    return parsed


def test_last_contact_is_the_later_of_key_and_contact_entries() -> None:
    c = client(
        "stage: lead\nlast_contact: 2026-03-01\n",
        "### 2026-03-10 note: internal\n### 2026-03-05 call\n",
    )
    fact = facts(c, CONFIG, TODAY)
    assert fact.last_contact == dt.date(2026, 3, 5)
    assert fact.days_since_contact == 15
    assert fact.last_entry is not None and fact.last_entry.kind == "note"
    c = client("stage: lead\nlast_contact: 2026-03-08\n", "### 2026-03-05 call\n")
    assert facts(c, CONFIG, TODAY).last_contact == dt.date(2026, 3, 8)


def test_a_contact_dated_after_today_is_not_one_yet() -> None:
    """A future entry or key is a plan (check warns of it): the last contact
    is the one before, and the days since it are never negative."""
    c = client(
        "stage: lead\nlast_contact: 2026-03-25\n",
        "### 2026-03-24 call: planned\n### 2026-03-12 call\n",
    )
    fact = facts(c, CONFIG, TODAY)
    assert (fact.last_contact, fact.days_since_contact) == (dt.date(2026, 3, 12), 8)
    assert fact.last_entry is not None and fact.last_entry.summary == "planned"
    # First contact on 2026-01-05, still to come on 2026-01-01.
    fact = facts(client("stage: lead\n"), CONFIG, dt.date(2026, 1, 1))
    assert (fact.last_contact, fact.days_since_contact, fact.stale) == (
        None,
        None,
        False,
    )


def test_newest_first_keeps_the_files_order_within_a_day() -> None:
    """As `crmgen log` writes it: an email logged after a 09:00 call goes
    above it and is the newest, though it has no time; entries that have a
    time are in time order among themselves."""

    def order(log: str) -> list[str]:
        entries = newest_first(client("stage: lead\n", log))
        # The newest entry, found the quick way, is the same.
        assert newest_entry(client("stage: lead\n", log)) == entries[0]
        return [entry.summary for entry in entries]

    mixed = "### 2026-03-10 email: sent\n### 2026-03-10 09:00 call: spoke\n"
    assert order(mixed) == ["sent", "spoke"]  # one day only: read newest first
    c = client("stage: lead\n", mixed + "### 2026-03-01 call: first\n")
    assert [e.summary for e in newest_first(c)] == ["sent", "spoke", "first"]
    last = facts(c, CONFIG, TODAY).last_entry
    assert last is not None and last.summary == "sent"
    swapped = (
        "### 2026-03-01 call: first\n### 2026-03-10 15:00 meeting: afternoon\n"
        "### 2026-03-10 note: between\n### 2026-03-10 09:00 call: morning\n"
    )  # oldest first, but the afternoon written before the morning
    assert order(swapped) == ["afternoon", "between", "morning", "first"]
    assert order(swapped.replace("note: between", "09:30 note: between")) == [
        "afternoon",
        "between",
        "morning",
        "first",
    ]
    # Written above the email, the timed call stays above it.
    early = "### 2026-03-10 08:00 call: early\n### 2026-03-10 email: later\n"
    assert order(early) == ["early", "later"]


def test_follow_up_states() -> None:
    for follow, state in (
        ("2026-03-19", "overdue"),
        ("2026-03-20", "today"),
        ("2026-03-21", "scheduled"),
    ):
        fact = facts(client(f"stage: lead\nnext_follow_up: {follow}\n"), CONFIG, TODAY)
        assert (fact.follow_up, fact.overdue) == (state, state == "overdue")
    fact = facts(client("stage: lead\n"), CONFIG, TODAY)
    assert (fact.follow_up, fact.no_next_step) == ("none", True)


def test_closed_clients_are_never_overdue_stale_or_without_next_step() -> None:
    fact = facts(
        client("stage: won\nclosed_on: 2026-02-01\nnext_follow_up: 2026-01-01\n"),
        CONFIG,
        TODAY,
    )
    assert (fact.overdue, fact.stale, fact.no_next_step) == (False, False, False)


def test_stale_counts_from_first_contact_and_per_stage() -> None:
    assert facts(client("stage: lead\n"), CONFIG, TODAY).stale is True  # 74 days
    fresh = client("stage: lead\n", "### 2026-03-10 call\n")
    assert facts(fresh, CONFIG, TODAY).stale is False  # 10 days <= 14
    tight = client("stage: proposal\n", "### 2026-03-10 call\n")
    assert facts(tight, CONFIG, TODAY).stale is True  # 10 days > 5 for proposal
    exactly = client("stage: lead\n", "### 2026-03-06 call\n")
    assert facts(exactly, CONFIG, TODAY).stale is False  # 14 days is not more than 14
