"""Terminal tables: the same figures, formatted once."""

from __future__ import annotations

from crmgen.report_text import amount, percent, table


def test_amounts_and_shares() -> None:
    assert amount(1234567.5) == "1,234,567.50"
    assert amount(None) == "—"
    assert percent(0.4395) == "44.0%"
    assert percent(None) == "—"


def test_numbers_right_text_left_first_column_left() -> None:
    lines = table(
        ["stage", "deals", "owner"], [["0-10", "5", "ann"], ["10-20", "12", "bo"]]
    )
    assert lines == [
        "  stage  deals  owner",
        "  -----  -----  -----",
        "  0-10       5  ann",
        "  10-20     12  bo",
    ]


def test_an_empty_table_keeps_its_headings() -> None:
    assert table(["owner", "deals"], []) == ["  owner  deals", "  (none)"]
