"""Date columns: read in the one form that fits, refused when two forms fit."""

from __future__ import annotations

import datetime as dt

import pytest

from crmgen.datecols import AmbiguousDatesError, DateCell, detect_format, parse_date


def _cells(*texts: str) -> list[DateCell]:
    return [DateCell(number, text) for number, text in enumerate(texts, start=1)]


def test_iso_with_or_without_a_time() -> None:
    assert detect_format("d", _cells("2024-01-02", "2024-01-03 10:00")) == "%Y-%m-%d"
    assert parse_date("2024-01-03T10:00:00Z", "%Y-%m-%d") == dt.date(2024, 1, 3)


def test_one_unambiguous_date_settles_the_column() -> None:
    assert detect_format("d", _cells("03/04/2024", "25/12/2024")) == "%d/%m/%Y"
    assert detect_format("d", _cells("03/04/2024", "12/25/2024")) == "%m/%d/%Y"
    assert detect_format("d", _cells("03.04.2024")) == "%d.%m.%Y"


def test_ambiguous_column_names_itself_and_a_row() -> None:
    with pytest.raises(AmbiguousDatesError, match=r"column `Close`: dates such as "
                                                  r"'03/04/2024' \(row 1\)"):
        detect_format("Close", _cells("03/04/2024", "05/06/2024"))


def test_two_digit_years_and_impossible_dates() -> None:
    assert parse_date("03/04/24", "%d/%m/%y") == dt.date(2024, 4, 3)
    assert parse_date("03/04/24", "%d/%m/%Y") is None
    assert parse_date("31/02/2024", "%d/%m/%Y") is None
    assert parse_date("1 Mar 2024", "%d %b %Y") == dt.date(2024, 3, 1)
