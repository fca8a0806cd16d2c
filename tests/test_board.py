"""The board's view: columns, card order, totals per currency, recent closes."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ProjectDir
from siteproject import TODAY, write_project

from crmgen.board import Board, build_board
from crmgen.derive import facts
from crmgen.loader import load_project
from crmgen.model import Deal
from crmgen.totals import shown_currency


def board_of(project: ProjectDir) -> Board:
    loaded = load_project(project.root, dt.date.fromisoformat(TODAY))
    found = {c.id: facts(c, loaded.config, loaded.today) for c in loaded.clients}
    return build_board(loaded.clients, found, loaded.config, loaded.today)


def cards(board: Board, stage: str) -> list[tuple[str, str]]:
    column = next(c for c in board.columns if c.stage.name == stage)
    return [(card.client.id, card.deal.title) for card in column.cards]


def test_one_column_per_open_stage_in_order(project: ProjectDir) -> None:
    board = board_of(write_project(project))
    assert [c.stage.name for c in board.columns] == [
        "lead",
        "qualified",
        "proposal",
        "negotiation",
    ]
    assert board.deals == 6


def test_cards_go_overdue_today_none_scheduled(project: ProjectDir) -> None:
    board = board_of(write_project(project))
    assert [client for client, _ in cards(board, "lead")] == [
        "evil-corp",
        "beta-cafes",
        "gamma-hotel",
    ]
    # The stats above the columns count clients, not deals.
    assert (board.overdue, board.stale) == (2, 2)


def test_then_the_largest_weighted_value_first(project: ProjectDir) -> None:
    for name, value, probability in (
        ("small", 1000, 90),
        ("big", 5000, 25),
        ("middle", 2000, 60),
        ("none", None, 50),
    ):
        project.client(
            name,
            f"""
            ---
            name: {name.title()}
            first_contact: 2026-11-01
            next_follow_up: 2026-12-10
            stage: lead
            probability: {probability}
            {"value: " + str(value) if value else ""}
            ---
        """,
        )
    board = board_of(project)
    assert [c for c, _ in cards(board, "lead")] == ["big", "middle", "small", "none"]


def test_titles_show_only_for_clients_with_several_deals(project: ProjectDir) -> None:
    board = board_of(write_project(project))
    shown = {
        (card.client.id, card.show_title)
        for column in board.columns
        for card in column.cards
    }
    assert ("beta-cafes", True) in shown and ("acme-tools", False) in shown


def test_totals_are_kept_per_currency(project: ProjectDir) -> None:
    board = board_of(write_project(project))
    eur, gbp = board.totals
    assert (eur.currency, eur.value, eur.weighted) == ("EUR", 93000, 78750)
    assert (gbp.currency, gbp.value, gbp.weighted) == ("GBP", 5000, 2000)
    qualified = next(c for c in board.columns if c.stage.name == "qualified")
    assert [(a.currency, a.value) for a in qualified.totals] == [
        ("EUR", 0),
        ("GBP", 5000),
    ]


def test_recent_closes_are_summarised_by_stage(project: ProjectDir) -> None:
    write_project(project)
    project.client(
        "old-win",
        """
        ---
        name: Old Win
        first_contact: 2025-01-01
        stage: won
        value: 999
        closed_on: 2026-09-01
        ---
    """,
    )
    board = board_of(project)
    assert board.since == dt.date(2026, 9, 2)
    won, lost = board.closed
    assert [(c.client.id, c.deal.title) for c in won.cards] == [
        ("beta-cafes", "Grinders")
    ]
    assert [c.client.id for c in lost.cards] == ["epsilon-bar"]
    assert lost.totals[0].value == 7000


def dollar_client(project: ProjectDir, name: str, value: str) -> None:
    project.client(
        name.lower(),
        f"""\
        ---
        name: {name}
        stage: proposal
        first_contact: 2026-03-01
        currency: USD
        {value}
        ---
        """,
    )


def pipeline_value(project: ProjectDir) -> str:
    assert project.run("build", "--today", TODAY, "--no-git").status == 0
    page = (project.root / "site" / "index.html").read_text(encoding="utf-8")
    start = page.index('data-show="total">') + len('data-show="total">')
    return page[start : page.index("<", start)]


def test_a_team_whose_deals_are_all_in_dollars_sees_dollars(
    project: ProjectDir,
) -> None:
    # No crmgen.toml, so its currency is EUR, but no deal is in euros.
    dollar_client(project, "Acme", "value: 30000")
    dollar_client(project, "Birch", "value: 10000")
    assert pipeline_value(project) == "$40,000"


def test_no_values_yet_read_zero_in_the_deals_currency(project: ProjectDir) -> None:
    dollar_client(project, "Acme", "")
    assert pipeline_value(project) == "$0"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("value: 5000", "€5,000 + $30,000"), ("", "$30,000")],
    ids=["valued", "no-value"],
)
def test_the_configured_currency_leads_while_a_deal_gives_a_value_in_it(
    project: ProjectDir, value: str, shown: str
) -> None:
    # Not `€0 + $30,000`: a currency no deal gives a value in adds nothing.
    dollar_client(project, "Acme", "value: 30000")
    project.client(
        "euro",
        f"""\
        ---
        name: Euro
        stage: lead
        first_contact: 2026-03-01
        {value}
        ---
        """,
    )
    assert pipeline_value(project) == shown


def test_the_shown_currency_is_the_configured_one_while_any_deal_uses_it() -> None:
    def deals(*codes: str) -> list[Deal]:
        return [Deal("x", "lead", 25, False, None, code, True) for code in codes]

    assert shown_currency(deals(), "EUR") == "EUR"
    assert shown_currency(deals("USD", "EUR", "USD"), "EUR") == "EUR"
    assert shown_currency(deals("USD", "GBP", "USD"), "EUR") == "USD"
    assert shown_currency(deals("USD", "GBP"), "EUR") == "GBP"  # a tie: by code
