"""How two versions of a client differ, deal by deal: the comparison behind
history from git and `crmgen diff`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from crmgen.model import Client, Deal

# The deal keys whose changes history follows, in the order they are reported.
TRACKED = ("stage", "probability", "value", "expected_close")

Value = str | int | float | dt.date | None


def is_push(name: str, before: Value, after: Value) -> bool:
    """Whether a change of `name` moves an expected close to a later date."""
    return (
        name == "expected_close"
        and isinstance(before, dt.date)
        and isinstance(after, dt.date)
        and after > before
    )


@dataclass(frozen=True, slots=True)
class Difference:
    """One deal key that differs between an older and a newer client version.

    deal: the deal (the newer version's, the older one's when it went away).
    """

    key: str | None
    deal: Deal
    field: str
    before: Value
    after: Value


def deal_key(client: Client, deal: Deal) -> str | None:
    """A deal's identity within its client: its title, or None for the only deal."""
    return deal.title if "deals" in client.front_matter else None


def _deals(client: Client | None) -> dict[str | None, Deal]:
    if client is None:
        return {}
    return {deal_key(client, deal): deal for deal in client.deals}


def _value(deal: Deal, name: str) -> Value:
    value: Value = getattr(deal, name)
    return value


def compare_clients(old: Client | None, new: Client | None) -> Iterator[Difference]:
    """The tracked deal keys that differ from old to new (None: no such file)."""
    before, after = _deals(old), _deals(new)
    for key in [*after, *(key for key in before if key not in after)]:
        was, now = before.get(key), after.get(key)
        if was is None or now is None:
            deal = now or was
            assert deal is not None  # the key came from one of the two
            yield Difference(
                key,
                deal,
                "stage",
                None if was is None else was.stage,
                None if now is None else now.stage,
            )
            continue
        for name in TRACKED:
            if name == "probability" and not (
                was.probability_written or now.probability_written
            ):
                continue  # it follows the stage; the stage change says it all
            if _value(was, name) != _value(now, name):
                yield Difference(key, now, name, _value(was, name), _value(now, name))
