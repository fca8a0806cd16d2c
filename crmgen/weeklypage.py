"""The week-over-week page of the site: `weekly.html`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from crmgen.weekly import Tally, Week, WeekOverWeek

PAGE = "weekly.html"


def week_total(week: Week) -> tuple[Week, Tally]:
    """A table row of every owner together."""
    return week, week.total


def week_of(week: Week, owner: str) -> tuple[Week, Tally]:
    """A table row of one owner (an empty tally when the owner did nothing)."""
    return week, week.owners[owner]


def render_weekly(
    env: jinja2.Environment, common: Mapping[str, Any], report: WeekOverWeek
) -> str:
    """The page, given the variables every page of the site gets."""
    env.filters.setdefault("week_total", week_total)
    env.filters.setdefault("week_of", week_of)
    return env.get_template(PAGE).render(dict(common), weekly=report)
