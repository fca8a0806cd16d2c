"""Adding a log entry where the file's own order puts it, in the file's style."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from crmgen.keyedit import closing_line
from crmgen.logparse import headings
from crmgen.model import Client, LogEntry
from crmgen.textlines import TextLines


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A log entry to add: `### date [time] kind[: summary]` and its body."""

    date: dt.date
    time: str | None
    kind: str
    summary: str
    body: str

    def heading(self) -> str:
        """The entry's heading line."""
        time = f" {self.time}" if self.time else ""
        summary = f": {self.summary}" if self.summary else ""
        return f"### {self.date.isoformat()}{time} {self.kind}{summary}"

    def body_lines(self) -> list[str]:
        """The body as lines, without blank lines around it."""
        body = self.body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        return [line.rstrip() for line in body.split("\n")] if body.strip() else []

    def matches(self, entry: LogEntry) -> bool:
        """Whether a parsed entry reads back as this one."""
        return (entry.date, entry.time, entry.kind, entry.summary, entry.body) == (
            self.date,
            self.time,
            self.kind,
            self.summary,
            "\n".join(self.body_lines()),
        )


def add_entry(text: TextLines, client: Client, entry: NewEntry) -> int:
    """Insert the entry; returns the line index of its heading."""
    start = closing_line(text) + 1
    found = headings(text.lines, start)
    log_at = next(
        (
            index
            for index, level, title in found
            if level == 2 and title.lower() == "log"
        ),
        None,
    )
    block = [entry.heading(), *entry.body_lines()]
    if log_at is None:
        return _new_log(text, block)
    log_end = next(
        (index for index, level, _t in found if index > log_at and level <= 2),
        len(text.lines),
    )
    heads = [
        index for index, level, _t in found if log_at < index < log_end and level == 3
    ]
    gap = _gap(text, heads, log_at)
    before = _insert_before(client, entry)
    if before is not None:
        text.insert(before, [*block, *[""] * gap])
        return before
    stops = [index for index, level, _t in found if index > log_at and level <= 3]
    last = heads[-1] if heads else log_at
    stop = next((index for index in stops if index > last), log_end)
    at = _after_content(text, last, stop)
    text.insert(at, [*[""] * (gap if heads else max(gap, 1)), *block])
    return at + (gap if heads else max(gap, 1))


def _new_log(text: TextLines, block: list[str]) -> int:
    """Append a `## Log` section holding the entry at the end of the file."""
    lead = [""] if text.lines and text.lines[-1].strip() else []
    at = len(text.lines)
    text.insert(at, [*lead, "## Log", "", *block])
    return at + len(lead) + 2


def _gap(text: TextLines, heads: list[int], log_at: int) -> int:
    """How many blank lines the file puts before an entry's heading."""

    def blanks(index: int) -> int:
        count = 0
        while index - count - 1 > log_at and not text.lines[index - count - 1].strip():
            count += 1
        return count

    gaps = Counter(blanks(index) for index in heads[1:])
    if gaps:
        return gaps.most_common(1)[0][0]
    return blanks(heads[0]) if heads else 1


def _insert_before(client: Client, new: NewEntry) -> int | None:
    """The line index of the entry the new one goes before; None: after them all."""
    newest_first = client.newest_first is not False
    for entry in client.log:
        same_day_later = (
            entry.date == new.date
            and entry.time is not None
            and new.time is not None
            and entry.time > new.time
        )
        if newest_first and (
            entry.date < new.date or (entry.date == new.date and not same_day_later)
        ):
            return entry.line - 1
        if not newest_first and (entry.date > new.date or same_day_later):
            return entry.line - 1
    return None


def _after_content(text: TextLines, start: int, stop: int) -> int:
    """The index just after the last non-blank line in lines[start:stop]."""
    at = stop
    while at > start + 1 and not text.lines[at - 1].strip():
        at -= 1
    return at
