"""The records everything else reads: problem, log entry, stage change, deal, client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """Something wrong in a user's file, found where it was written.

    path: the file, relative to the project root, with forward slashes.
    line: 1-based line in that file (1 for a problem of the whole file).
    severity: "error" fails `check`; "warning" only does with --strict.
    code: a stable identifier for scripts and docs, e.g. "duplicate-key".
    message: what was expected, what was found and how to fix it.
    """

    path: str
    line: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        """Render as `path:line: severity: message`, the form editors jump to."""
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        """The problem as the JSON object of `check --json` and `data.json`."""
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


def count(problems: Iterable[Problem], severity: Severity) -> int:
    """How many of the problems have that severity."""
    return sum(1 for problem in problems if problem.severity == severity)


@dataclass(frozen=True, slots=True)
class StageChange:
    """A move recorded by a `stage` log entry: `from -> to[, P% -> Q%]`.

    deal: the deal's title for a multi-deal client, else None (the only deal).
    before/after: stage names; before may be None for a deal's first stage.
    probability_before/after: percents written in the entry, when written.
    """

    deal: str | None
    before: str | None
    after: str
    probability_before: int | None
    probability_after: int | None


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One `### YYYY-MM-DD [HH:MM] kind[: summary]` entry of a client's log.

    time: "HH:MM" when written, else None.
    body: the entry's Markdown, without its heading, trailing blank lines removed.
    line: the heading's line in the file.
    change: the parsed move when kind is `stage` and the summary reads as one.
    """

    date: dt.date
    time: str | None
    kind: str
    summary: str
    body: str
    line: int
    change: StageChange | None = None


@dataclass(frozen=True, slots=True)
class Deal:
    """One opportunity: a client's top-level deal keys or one item of `deals`.

    probability: percent in effect (written, else the stage's default).
    probability_written: whether the file states the probability itself.
    value: expected value in `currency`, None when not given.
    is_open: whether the stage is an open one in the project's configuration.
    line: where the deal starts (its `title`/first key, or the `stage` key).
    """

    title: str
    stage: str
    probability: int
    probability_written: bool
    value: float | None
    currency: str
    is_open: bool
    opened: dt.date | None = None
    expected_close: dt.date | None = None
    closed_on: dt.date | None = None
    lost_reason: str | None = None
    line: int = 1

    @property
    def weighted_value(self) -> float | None:
        """Value times probability, in the deal's currency, to the cent."""
        if self.value is None:
            return None
        return round(self.value * self.probability / 100, 2)


@dataclass(frozen=True, slots=True)
class Client:
    """One client file, parsed.

    id: the file's stem, the client's address in the site.
    path: the file relative to the project root, with forward slashes.
    front_matter: every key as written, in file order, dates as YYYY-MM-DD text,
        YAML 1.1 coercions undone (a text field keeps the text the user typed).
    key_lines: the line of each top-level key.
    last_contact_key: the `last_contact` key's date; see derive for the fact.
    notes: the Markdown before `## Log`.
    log: entries in file order.
    log_line: the line of `## Log`, None when the file has none.
    newest_first: the log's order; None when it holds fewer than two dates.
    problems: this file's own problems, from parsing and from the checks.
    """

    id: str
    path: str
    name: str
    front_matter: Mapping[str, Any]
    key_lines: Mapping[str, int]
    deals: tuple[Deal, ...]
    log: tuple[LogEntry, ...]
    first_contact: dt.date | None = None
    last_contact_key: dt.date | None = None
    next_follow_up: dt.date | None = None
    owner: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    log_line: int | None = None
    newest_first: bool | None = None
    problems: tuple[Problem, ...] = field(default=())

    def text(self, key: str) -> str | None:
        """A text field such as `email` or `phone`, None when not given."""
        value = self.front_matter.get(key)
        return value if isinstance(value, str) and value else None

    @property
    def is_open(self) -> bool:
        """Whether any of the client's deals is still open."""
        return any(deal.is_open for deal in self.deals)
