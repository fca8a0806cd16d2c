"""Follow-ups as iCalendar files a calendar app can subscribe to.

Each event is all-day (a DATE, no time zone to get wrong), and its UID is the
client's id, so a subscribed calendar moves the event when the date changes
instead of adding a second one. DTSTAMP comes from "today", not the clock, so
the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar

from crmgen.ids import slugify
from crmgen.model import Client

PRODID = "-//crmgen//follow-ups//EN"


def event_uid(client: Client) -> str:
    """A UID that stays the client's for as long as its id does."""
    return f"{client.id}-followup@crmgen"


def owner_slug(owner: str) -> str:
    """A file-name-safe form of an owner's name: `Anna Byrne` -> `anna-byrne`."""
    return slugify(owner) or "owner"


def owner_files(owners: Iterable[str]) -> dict[str, str]:
    """Each owner's calendar file name, unique even when two names slug alike."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for owner in sorted(set(owners)):
        slug, number = owner_slug(owner), 1
        while (candidate := slug if number == 1 else f"{slug}-{number}") in taken:
            number += 1
        taken.add(candidate)
        names[owner] = f"followups-{candidate}.ics"
    return names


def _event(client: Client, stamp: dt.datetime) -> icalendar.Event:
    """The all-day event of the client's next follow-up."""
    assert client.next_follow_up is not None
    event = icalendar.Event()
    event.add("uid", event_uid(client))
    event.add("dtstamp", stamp)
    event.add("dtstart", client.next_follow_up)
    event.add("dtend", client.next_follow_up + dt.timedelta(days=1))
    event.add("summary", f"Follow up: {client.name}")
    lines = [
        f"Phone: {client.text('phone')}" if client.text("phone") else "",
        f"Email: {client.text('email')}" if client.text("email") else "",
        f"Owner: {client.owner}" if client.owner else "",
        f"Page: clients/{client.id}.html (in the site folder)",
    ]
    event.add("description", "\n".join(line for line in lines if line))
    event.add("transp", "TRANSPARENT")
    return event


def calendar(clients: Iterable[Client], title: str, today: dt.date) -> bytes:
    """An ICS file with an event per open client that has a follow-up date."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    chosen = [c for c in clients if c.is_open and c.next_follow_up is not None]
    for client in sorted(chosen, key=lambda c: (c.next_follow_up, c.id)):
        cal.add_component(_event(client, stamp))
    data: bytes = cal.to_ical()
    return data


def calendars(
    clients: tuple[Client, ...], title: str, today: dt.date
) -> dict[str, bytes]:
    """`followups.ics` for everyone and one `followups-<owner>.ics` per owner."""
    files = {"followups.ics": calendar(clients, f"{title}: follow-ups", today)}
    by_owner: dict[str, list[Client]] = {}
    for client in clients:
        if client.owner:
            by_owner.setdefault(client.owner, []).append(client)
    for owner, name in owner_files(by_owner).items():
        files[name] = calendar(by_owner[owner], f"{title}: {owner}'s follow-ups", today)
    return files
