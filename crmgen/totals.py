"""Sums of deal values per currency: euros are never added to pounds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from crmgen.model import Deal


@dataclass(frozen=True, slots=True)
class Amount:
    """The deals of one currency summed: value and weighted value, to the cent.

    count: how many of the deals carry a value in this currency.
    """

    currency: str
    value: float
    weighted: float
    count: int


def shown_currency(deals: Iterable[Deal], configured: str) -> str:
    """The currency totals lead with, in which an empty total reads zero:
    crmgen.toml's (EUR by default) while any deal is in it, else the one most
    deals are in (by code on a tie). A team whose every client says
    `currency: USD` sees dollars, never `€0 + $37,500`."""
    used = Counter(deal.currency for deal in deals)
    if not used or configured in used:
        return configured
    return min(used, key=lambda code: (-used[code], code))


def totals(deals: Iterable[Deal], primary: str) -> tuple[Amount, ...]:
    """One Amount per currency; the project's currency first, then by code.

    Deals without a value add nothing; the primary currency is always present,
    so an empty column shows a total of zero in the currency the team uses.
    """
    sums: dict[str, list[float]] = {primary: [0.0, 0.0, 0]}
    for deal in deals:
        if deal.value is None:
            continue
        found = sums.setdefault(deal.currency, [0.0, 0.0, 0])
        found[0] += deal.value
        found[1] += deal.weighted_value or 0.0
        found[2] += 1
    order = sorted(sums, key=lambda code: (code != primary, code))
    return tuple(
        Amount(
            code, round(sums[code][0], 2), round(sums[code][1], 2), int(sums[code][2])
        )
        for code in order
    )


def primary_weighted(amounts: tuple[Amount, ...]) -> tuple[float, float]:
    """A sort key for "most valuable": weighted value in the project's currency,
    then the others' weighted values together (only to break ties)."""
    if not amounts:
        return (0.0, 0.0)
    return (amounts[0].weighted, sum(a.weighted for a in amounts[1:]))
