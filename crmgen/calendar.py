"""Follow-ups as iCalendar files a calendar app can subscribe to.

Each event is all-day (a DATE, no time zone to get wrong), and its UID is the
client's id, so a subscribed calendar moves the event when the date changes
instead of adding a second one. DTSTAMP comes from "today", not the clock, so
the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import icalendar
from icalendar.parser import content_line

from crmgen.ids import owner_files
from crmgen.model import Client

PRODID = "-//crmgen//follow-ups//EN"


def _quick_folding(fold: Callable[..., str]) -> Callable[..., str]:
    """icalendar's line folding, returning a line that needs no folding as it
    is: the original walks every character of every line, most of an event's
    cost. A line folds only once it reaches the limit in UTF-8 bytes."""

    def folded(line: str, limit: int = 75, fold_sep: str = "\r\n ") -> str:
        if len(line.encode()) < limit:
            return line
        return fold(line, limit, fold_sep)

    folded.original = fold  # type: ignore[attr-defined]
    return folded


# Where icalendar (7.x) looks its folding up; elsewhere nothing is changed.
_icalendar_names = vars(content_line)
if callable(_icalendar_names.get("_foldline")):
    _icalendar_names["_foldline"] = _quick_folding(_icalendar_names["_foldline"])


def event_uid(client: Client) -> str:
    """A UID that stays the client's for as long as its id does."""
    return f"{client.id}-followup@crmgen"


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


Memo = Callable[[bytes, Callable[[], bytes]], bytes]
"""A store of made pieces: memo(key, make) is the piece for key, made if new."""

# Each event's text, by everything it shows: a rebuild after one edit
# serialises only the events that changed (icalendar is slow at scale).
_EVENTS: dict[bytes, bytes] = {}


def _remembered(key: bytes, make: Callable[[], bytes]) -> bytes:
    """The in-process memo: for watch, which keeps running."""
    text = _EVENTS.get(key)
    if text is None:
        if len(_EVENTS) > 200_000:
            _EVENTS.clear()
        text = _EVENTS[key] = make()
    return text


def _event_text(client: Client, stamp: dt.datetime, memo: Memo) -> bytes:
    """The event's lines, `BEGIN:VEVENT` to `END:VEVENT`, from memo if made before."""
    shown = (
        client.id,
        client.name,
        client.text("phone"),
        client.text("email"),
        client.owner,
        client.next_follow_up,
        stamp,
    )
    return memo(
        b"ics\0" + repr(shown).encode(), lambda: _event(client, stamp).to_ical()
    )


def calendar(
    clients: Iterable[Client], title: str, today: dt.date, memo: Memo | None = None
) -> bytes:
    """An ICS file with an event per open client that has a follow-up date;
    memo keeps the events made (by default for as long as this process runs)."""
    memo = memo or _remembered
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    chosen = [c for c in clients if c.is_open and c.next_follow_up is not None]
    events = b"".join(
        _event_text(client, stamp, memo)
        for client in sorted(chosen, key=lambda c: (c.next_follow_up, c.id))
    )
    # The calendar's own lines end with END:VCALENDAR; the events go before it,
    # exactly where icalendar would put its sub-components.
    head: bytes = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return head[: -len(end)] + events + end


def calendars(
    clients: tuple[Client, ...], title: str, today: dt.date, memo: Memo | None = None
) -> dict[str, bytes]:
    """`followups.ics` for everyone and one `followups-<owner>.ics` per owner."""
    files = {"followups.ics": calendar(clients, f"{title}: follow-ups", today, memo)}
    by_owner: dict[str, list[Client]] = {}
    for client in clients:
        if client.owner:
            by_owner.setdefault(client.owner, []).append(client)
    for owner, name in owner_files(by_owner).items():
        owned = by_owner[owner]
        files[name] = calendar(owned, f"{title}: {owner}'s follow-ups", today, memo)
    return files
