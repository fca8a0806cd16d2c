"""Reading a column of dates whose form nobody wrote down: ISO, day-first or
month-first, decided over the whole column and refused when it cannot be."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A time after the date (`2017-03-01 10:00`, `2017-03-01T10:00:00Z`) is dropped.
_DATE_PART = re.compile(r"^\s*([^\sT]+)(?:[\sT].*)?$")

ISO = "%Y-%m-%d"
DAY_FIRST = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y")
MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")
FORMATS = (ISO, "%Y/%m/%d", *DAY_FIRST, *MONTH_FIRST)


class AmbiguousDatesError(Exception):
    """A date column that reads equally well day-first and month-first."""


@dataclass(frozen=True, slots=True)
class DateCell:
    """One non-empty cell of a date column: its row number and its text."""

    row: int
    text: str


_PARTS = {"%Y": r"(?P<Y>\d{4})", "%y": r"(?P<y>\d{2})", "%m": r"(?P<m>\d{1,2})",
          "%d": r"(?P<d>\d{1,2})"}


@functools.cache
def _pattern(fmt: str) -> re.Pattern[str] | None:
    """A regular expression for a format made of %Y %y %m %d and separators only
    (strptime is slow, and the formats read columns of thousands of dates)."""
    pieces = re.split(r"(%.)", fmt)
    if any(p.startswith("%") and p not in _PARTS for p in pieces):
        return None
    return re.compile("".join(_PARTS.get(p, re.escape(p)) for p in pieces) + "$")


def parse_date(text: str, fmt: str) -> dt.date | None:
    """The date in text under the strptime format, or None."""
    match = _DATE_PART.match(text)
    if match is None:
        return None
    # A time after the date is dropped, unless the format itself has spaces.
    written = text.strip() if " " in fmt else match.group(1)
    pattern = _pattern(fmt)
    if pattern is None:
        try:
            return dt.datetime.strptime(written, fmt).date()
        except ValueError:
            return None
    parts = pattern.match(written)
    if parts is None:
        return None
    found = parts.groupdict()
    year = int(found["Y"]) if "Y" in found else _century(int(found["y"]))
    try:
        return dt.date(year, int(found["m"]), int(found["d"]))
    except ValueError:
        return None


def _century(year: int) -> int:
    """Two-digit years the way strptime reads them: 69-99 are 1900s."""
    return year + (1900 if year >= 69 else 2000)


def _order(fmt: str) -> str:
    return "day-first" if fmt in DAY_FIRST else "month-first" if fmt in MONTH_FIRST \
        else "year-first"


def detect_format(column: str, cells: Sequence[DateCell]) -> str:
    """The one format that reads the most cells of the column.

    Raises AmbiguousDatesError when a day-first and a month-first format read
    the column equally well (every day is 12 or less), naming an example row.
    """
    counts = {fmt: sum(1 for cell in cells if parse_date(cell.text, fmt))
              for fmt in FORMATS}
    best = max(counts.values(), default=0)
    if best == 0:
        return ISO
    winners = [fmt for fmt in FORMATS if counts[fmt] == best]
    orders = {_order(fmt) for fmt in winners}
    if {"day-first", "month-first"} <= orders:
        example = next(cell for cell in cells
                       if parse_date(cell.text, winners[0]) is not None)
        day_first = next(fmt for fmt in winners if _order(fmt) == "day-first")
        month_first = next(fmt for fmt in winners if _order(fmt) == "month-first")
        raise AmbiguousDatesError(
            f"column `{column}`: dates such as {example.text!r} (row {example.row}) "
            f"read both day-first and month-first, and no date in the column "
            f"settles it; pass --date-format {day_first} or --date-format "
            f"{month_first}")
    return winners[0]
