"""Comparing two versions of a client, deal by deal."""

from __future__ import annotations

import datetime as dt
import textwrap

from crmgen.compare import compare_clients, is_push
from crmgen.config import Config
from crmgen.model import Client
from crmgen.parse import parse_client


def client(text: str) -> Client:
    parsed, problems = parse_client(
        "clients/acme.md", textwrap.dedent(text).lstrip().encode(), Config()
    )
    assert parsed is not None and not problems, problems
    return parsed


ONE = """\
    ---
    name: Acme
    first_contact: 2026-09-01
    stage: {stage}
    value: 100
    expected_close: 2026-10-01
    {extra}
    ---
    """

SEVERAL = """\
    ---
    name: Acme
    first_contact: 2026-09-01
    deals:
      - title: Espresso
        stage: {first}
      - title: {second}
        stage: lead
    ---
    """


def found(old: Client | None, new: Client | None) -> list[tuple[object, ...]]:
    return [
        (d.key, d.deal.title, d.field, d.before, d.after)
        for d in compare_clients(old, new)
    ]


def test_a_probability_that_follows_its_stage_is_not_a_change() -> None:
    old = client(ONE.format(stage="lead", extra=""))
    new = client(ONE.format(stage="proposal", extra=""))
    assert found(old, new) == [(None, "Acme", "stage", "lead", "proposal")]


def test_a_written_probability_is_compared() -> None:
    old = client(ONE.format(stage="lead", extra=""))
    new = client(ONE.format(stage="lead", extra="probability: 30"))
    assert found(old, new) == [(None, "Acme", "probability", 25, 30)]


def test_deals_are_matched_by_title_and_appear_or_go() -> None:
    old = client(SEVERAL.format(first="lead", second="Grinder"))
    new = client(SEVERAL.format(first="proposal", second="Filters"))
    assert found(old, new) == [
        ("Espresso", "Espresso", "stage", "lead", "proposal"),
        ("Filters", "Filters", "stage", None, "lead"),
        ("Grinder", "Grinder", "stage", "lead", None),
    ]


def test_a_new_or_deleted_file_is_every_deal_appearing_or_going() -> None:
    new = client(ONE.format(stage="lead", extra=""))
    assert found(None, new) == [(None, "Acme", "stage", None, "lead")]
    assert found(new, None) == [(None, "Acme", "stage", "lead", None)]


def test_a_push_is_a_later_expected_close() -> None:
    early, late = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    assert is_push("expected_close", early, late)
    assert not is_push("expected_close", late, early)
    assert not is_push("expected_close", None, late)
    assert not is_push("value", early, late)
