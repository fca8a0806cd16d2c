"""The body of a client file: notes, the `## Log` section and its entries."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re

from crmgen.config import STAGE_KIND
from crmgen.model import LogEntry, StageChange
from crmgen.values import DATE_RE, Context

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# lines that can be headings or fences. The literal newline lets the regex engine
# skip ahead instead of trying every position as `^` with MULTILINE would.
MARKED_LINE_RE = re.compile(r"\n( *[#`~].*)")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
OPEN_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")
ENTRY_RE = re.compile(
    r"^(?P<date>\S+)(?:[ \t]+(?P<time>\d{1,2}:\d{2}))?[ \t]+(?P<kind>[^\s:]+)"
    r"(?::[ \t]*(?P<summary>.*))?$"
)
CHANGE_RE = re.compile(
    r"^(?:(?P<deal>.+):\s+)?(?:(?P<before>[\w-]+)\s*)?(?:->|→)\s*(?P<after>[\w-]+)"
    r"(?:\s*,\s*(?:(?P<p1>\d{1,3})\s*%\s*)?(?:->|→)\s*(?P<p2>\d{1,3})\s*%)?\s*$"
)


def _headings(lines: list[str], start: int) -> list[tuple[int, int, str]]:
    """(index, level, text) of every ATX heading outside fenced code blocks."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    body = "\n" + "\n".join(lines[start:])
    index, position = start - 1, 0
    # One regex pass over the body finds the candidate lines, so the Python
    # loop runs over a few lines per file instead of every line.
    for marked in MARKED_LINE_RE.finditer(body):
        index += body.count("\n", position, marked.end(1))
        position = marked.end(1)
        line = marked.group(1)
        match = FENCE_RE.match(line)
        if fence is not None:
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not match.group(2).strip()
            ):
                fence = None
            continue
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            continue
        # Without a closing `#` run or trailing blanks to trim, a simpler
        # pattern gives the same match without the lazy group's backtracking.
        pattern = HEADING_RE if line[-1] in " \t#" else OPEN_HEADING_RE
        heading = pattern.match(line)
        if heading:
            found.append(
                (index, len(heading.group(1)), (heading.group(2) or "").strip())
            )
    return found


def headings(lines: list[str], start: int) -> list[tuple[int, int, str]]:
    """(index, level, text) of every ATX heading from lines[start] on, outside
    fenced code blocks: how the editor finds where the log and its entries end."""
    return _headings(lines, start)


def _body(
    lines: list[str], start: int, ctx: Context
) -> tuple[str, tuple[LogEntry, ...], int | None]:
    """Split the body into notes and log entries; the log runs from `## Log` to
    the next heading of level 1 or 2."""
    headings = _headings(lines, start)
    log_index = next(
        (
            i
            for i, (_n, level, text) in enumerate(headings)
            if level == 2 and text.lower() == "log"
        ),
        None,
    )
    if log_index is None:
        return _join(lines[start:]), (), None
    log_at = headings[log_index][0]
    end = next(
        (index for index, level, _t in headings[log_index + 1 :] if level <= 2),
        len(lines),
    )
    for index, level, text in headings[log_index + 1 :]:
        if level == 2 and text.lower() == "log":
            ctx.warning(
                index + 1,
                "second-log",
                f"a second `## Log` heading (the first is on line {log_at + 1});"
                f" keep every entry under one",
            )
    entries_at = [
        (index, text)
        for index, level, text in headings[log_index + 1 :]
        if index < end and level == 3
    ]
    stops = sorted({index for index, level, _t in headings if level <= 3} | {end})
    first_entry = entries_at[0][0] if entries_at else end
    notes = _join(lines[start:log_at] + lines[log_at + 1 : first_entry] + lines[end:])
    entries = []
    for index, text in entries_at:
        stop = stops[bisect.bisect_right(stops, index)]
        entry = _entry(text, index + 1, _join(lines[index + 1 : stop]), ctx)
        if entry is not None:
            entries.append(entry)
    return notes, tuple(entries), log_at + 1


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


def _entry(text: str, line: int, body: str, ctx: Context) -> LogEntry | None:
    match = ENTRY_RE.match(text)
    shape = "`### YYYY-MM-DD [HH:MM] kind[: summary]`"
    if not match:
        ctx.error(
            line,
            "bad-entry-heading",
            f"a log entry heading must read {shape}, found `### {text}`",
        )
        return None
    raw_date, time = match.group("date"), match.group("time")
    if not DATE_RE.match(raw_date):
        ctx.error(
            line,
            "bad-entry-heading",
            f"a log entry heading must start with a date YYYY-MM-DD, found "
            f"`{raw_date}`; the heading reads {shape}",
        )
        return None
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError:
        ctx.error(
            line,
            "impossible-date",
            f"the entry's date {raw_date} is not a real date; check the month and day",
        )
        return None
    if time is not None and not TIME_RE.match(time):
        ctx.error(
            line,
            "bad-time",
            f"the entry's time must be HH:MM from 00:00 to 23:59, found {time}",
        )
        return None
    kind = match.group("kind").lower()
    summary = (match.group("summary") or "").strip()
    change = _stage_change(summary, line, ctx) if kind == STAGE_KIND else None
    return LogEntry(date, time, kind, summary, body, line, change)


def _stage_change(summary: str, line: int, ctx: Context) -> StageChange | None:
    match = CHANGE_RE.match(summary)
    if not match:
        ctx.warning(
            line,
            "bad-stage-entry",
            f"a `stage` entry's summary should read `from -> to` or "
            f"`from -> to, 40% -> 60%`, found {summary!r}; reports skip it",
        )
        return None
    before = match.group("before")
    after = match.group("after").lower()
    for name in (before, after):
        if name is not None and ctx.config.stage(name.lower()) is None:
            ctx.warning(
                line,
                "unknown-stage",
                f"the stage entry names `{name}`, not a configured stage "
                f"(one of {', '.join(ctx.config.stage_names)})",
            )
            return None
    p1, p2 = match.group("p1"), match.group("p2")
    for number in (p1, p2):
        if number is not None and int(number) > 100:
            ctx.warning(
                line,
                "bad-probability",
                f"a probability in a stage entry must be 0-100%, found {number}%",
            )
            return None
    return StageChange(
        deal=match.group("deal"),
        before=before.lower() if before else None,
        after=after,
        probability_before=int(p1) if p1 is not None else None,
        probability_after=int(p2) if p2 is not None else None,
    )


def _log_order(log: tuple[LogEntry, ...], ctx: Context) -> bool | None:
    """True when newest-first, False when oldest-first, None when it cannot tell."""
    # Dates only: an entry without a time sits anywhere within its day.
    stamps = [entry.date for entry in log]
    if len(set(stamps)) < 2:
        return None
    descending = all(a >= b for a, b in itertools.pairwise(stamps))
    ascending = all(a <= b for a, b in itertools.pairwise(stamps))
    if descending or ascending:
        return descending
    newest_first = stamps[0] > stamps[-1]
    for entry, (a, b) in zip(log[1:], itertools.pairwise(stamps), strict=False):
        if (newest_first and b > a) or (not newest_first and b < a):
            order = "newest-first" if newest_first else "oldest-first"
            ctx.warning(
                entry.line,
                "log-order",
                f"this entry breaks the log's {order} order; move it so the "
                f"dates run one way",
            )
            break
    return newest_first


def parse_body(
    lines: list[str], start: int, ctx: Context
) -> tuple[str, tuple[LogEntry, ...], int | None, bool | None]:
    """Notes, log entries, the `## Log` line and the log's order (True when
    newest-first) of the body that starts at index start."""
    notes, log, log_line = _body(lines, start, ctx)
    return notes, log, log_line, _log_order(log, ctx)
