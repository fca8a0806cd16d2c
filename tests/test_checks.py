"""The rules about what a client means, each with an input that breaks it."""

from __future__ import annotations

import datetime as dt
import textwrap

from crmgen.checks import check_client
from crmgen.config import Config
from crmgen.model import Problem
from crmgen.parse import parse_client

TODAY = dt.date(2026, 3, 1)


def check(text: str, config: Config | None = None) -> list[Problem]:
    config = config or Config(lost_reasons=("price", "timing"))
    data = textwrap.dedent(text).lstrip("\n").encode()
    client, problems = parse_client("clients/acme.md", data, config)
    assert client is not None, problems
    return problems + check_client(client, config, TODAY)


def messages(problems: list[Problem]) -> list[tuple[int, str, str]]:
    return [(p.line, p.severity, p.message) for p in problems]


def test_lost_needs_a_reason() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lost
        closed_on: 2026-02-01
        ---
        """)
    assert messages(problems) == [
        (
            4,
            "error",
            "deal `Acme` is lost but has no "
            "`lost_reason`; add one such as "
            "`lost_reason: price`",
        )
    ]


def test_unlisted_lost_reason_is_a_warning() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lost
        closed_on: 2026-02-01
        lost_reason: they went quiet
        ---
        """)
    assert messages(problems) == [
        (
            6,
            "warning",
            "lost reason `they went quiet` is not "
            "one of the project's (price, timing); "
            "use one of them and put the details "
            "in the log",
        )
    ]


def test_won_probability_must_be_100() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: won
        probability: 90
        closed_on: 2026-02-01
        ---
        """)
    assert [(p.line, p.code) for p in problems] == [(5, "closed-probability")]


def test_closed_on_must_match_the_stage() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        closed_on: 2026-02-01
        lost_reason: price
        ---
        """)
    assert [(p.line, p.code) for p in problems] == [
        (6, "reason-not-lost"),
        (5, "closed-on-open-deal"),
    ]


def test_closed_deal_without_close_date() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        deals:
          - title: Anvils
            stage: won
        ---
        """)
    assert [(p.line, p.code) for p in problems] == [(5, "missing-closed-on")]


def test_unknown_kind_and_future_entry() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        ---
        ## Log
        ### 2026-03-05 call: planned
        ### 2026-02-01 fax: sent
        """)
    assert messages(problems) == [
        (
            8,
            "warning",
            "unknown log kind `fax`; expected one of call, email, meeting, "
            "demo, visit, message, note, stage",
        ),
        (
            7,
            "warning",
            "this entry is dated 2026-03-05, after today (2026-03-01); "
            "planned contact belongs in `next_follow_up`",
        ),
    ]


def test_stage_entry_must_name_a_deal_of_a_multi_deal_client() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        deals:
          - title: Anvils
            stage: lead
        ---
        ## Log
        ### 2026-02-01 stage: Rockets: lead -> qualified
        """)
    assert [(p.line, p.code) for p in problems] == [(9, "unknown-deal")]


def test_last_contact_before_first_contact() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        last_contact: 2025-12-01
        stage: lead
        ---
        """)
    assert [(p.line, p.code) for p in problems] == [(4, "contact-before-first")]


def test_a_last_contact_after_today_is_a_warning() -> None:
    problems = check("""
        ---
        name: Acme
        first_contact: 2026-01-05
        last_contact: 2026-03-04
        stage: lead
        ---
        """)
    assert messages(problems) == [
        (
            4,
            "warning",
            "`last_contact` is 2026-03-04, after today (2026-03-01), so it does "
            "not count yet; planned contact belongs in `next_follow_up`",
        )
    ]


def test_an_email_that_is_not_one_address_is_a_warning() -> None:
    for email in ("ann at bistro", "ann@bistro", "ann@a.example, bo@b.example"):
        problems = check(f"""
            ---
            name: Acme
            first_contact: 2026-01-05
            email: {email}
            stage: lead
            ---
            """)
        assert [(p.line, p.code) for p in problems] == [(4, "bad-email")], email
        assert f"`email` is `{email}`, which is not one address" in problems[0].message
    for email in ("ann@bistro.example", "ann.o'neill+crm@sub.bistro.ie"):
        problems = check(f"""
            ---
            name: Acme
            first_contact: 2026-01-05
            email: "{email}"
            stage: lead
            ---
            """)
        assert problems == [], email
