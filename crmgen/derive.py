"""The derived facts of the format, computed in exactly one place.

Every output (site, terminal, JSON, calendar) asks these functions, so two
outputs can never disagree about who is overdue or stale.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from crmgen.config import Config
from crmgen.model import Client, LogEntry

FollowUp = str  # "overdue", "today", "scheduled" or "none"


@dataclass(frozen=True, slots=True)
class Facts:
    """What today's date and the configuration make of one client.

    last_contact: the later of `last_contact` and the newest contact-kind entry,
        on or before today.
    last_entry: the newest log entry of any kind (what was said last).
    days_since_contact: from the last contact (or first contact) to today.
    follow_up: "overdue", "today", "scheduled" or "none".
    """

    last_contact: dt.date | None
    last_entry: LogEntry | None
    days_since_contact: int | None
    follow_up: FollowUp
    overdue: bool
    stale: bool
    no_next_step: bool


def last_contact(client: Client, config: Config, today: dt.date) -> dt.date | None:
    """The later of the `last_contact` key and the newest contact-kind entry,
    as of today: a date after it is a plan, not a contact (`check` warns of
    one), and would make the days since contact negative."""
    dates = [entry.date for entry in client.log if entry.kind in config.contact_kinds]
    if client.last_contact_key is not None:
        dates.append(client.last_contact_key)
    return max((date for date in dates if date <= today), default=None)


def newest_first(client: Client) -> list[LogEntry]:
    """The log newest first, each day's entries as _within_day orders them."""
    entries = list(client.log)
    if client.newest_first is False:
        entries.reverse()
    entries.sort(key=lambda entry: entry.date, reverse=True)  # stable: file order
    days = itertools.groupby(entries, key=lambda entry: entry.date)
    return [entry for _date, day in days for entry in _within_day(list(day))]


def newest_entry(client: Client) -> LogEntry | None:
    """The newest log entry: the first of newest_first, found from the newest
    day alone (this runs for every client on every build)."""
    if not client.log:
        return None
    newest = max(entry.date for entry in client.log)
    day = [entry for entry in client.log if entry.date == newest]
    if client.newest_first is False:
        day.reverse()
    return _within_day(day)[0]


def _within_day(day: list[LogEntry]) -> list[LogEntry]:
    """One day's entries, newest first from the file's order (read the way
    `crmgen log` writes it: newest first unless the dates run the other way).

    That order stands, since an entry without a time happened at an unknown
    moment of its day and where it was written says what came after what;
    entries with a time are put in time order among the places they hold.
    """
    timed = [place for place, entry in enumerate(day) if entry.time]
    if len(timed) > 1:
        ordered = sorted((day[place] for place in timed), key=_time, reverse=True)
        for place, entry in zip(timed, ordered, strict=True):
            day[place] = entry
    return day


def _time(entry: LogEntry) -> str:
    return entry.time or ""


def stale_days(client: Client, config: Config) -> int:
    """The stale threshold of the client: the tightest among its open deals' stages."""
    stages = [deal.stage for deal in client.deals if deal.is_open]
    return min(
        (config.stale_days_for(stage) for stage in stages), default=config.stale_days
    )


def facts(client: Client, config: Config, today: dt.date) -> Facts:
    """Derive the client's facts for today."""
    contact = last_contact(client, config, today)
    since = contact or client.first_contact
    # A first contact still to come is none yet: no days, not negative ones.
    days = (today - since).days if since is not None and since <= today else None
    is_open = client.is_open
    follow = client.next_follow_up
    if follow is None:
        state = "none"
    elif follow < today:
        state = "overdue"
    elif follow == today:
        state = "today"
    else:
        state = "scheduled"
    return Facts(
        last_contact=contact,
        last_entry=newest_entry(client),
        days_since_contact=days,
        follow_up=state,
        overdue=is_open and state == "overdue",
        stale=is_open and days is not None and days > stale_days(client, config),
        no_next_step=is_open and follow is None,
    )
