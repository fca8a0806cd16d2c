"""What an import will do, before anything is written: the plan and its parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crmgen.csvread import Row
from crmgen.grouping import Draft


class ImportRefusedError(Exception):
    """An import that cannot start: unreadable file, bad mapping, ambiguous dates."""


@dataclass(frozen=True, slots=True)
class Skip:
    """A row that was not imported and why; `row` knows its number and lines."""

    row: Row
    reason: str


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line adds to the mapping."""

    encoding: str | None = None
    date_format: str | None = None
    update: bool = False


@dataclass
class Plan:
    """What an import will do.

    creates: (path relative to the root, text, the draft) of each new file.
    updates: (path, new text, digest of the file as read, the draft) of each
        existing file --update merges.
    """

    source: Path
    rows: int = 0
    creates: list[tuple[str, str, Draft]] = field(default_factory=list)
    updates: list[tuple[str, str, str, Draft]] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def deals_created(self) -> int:
        """How many deals the new files hold."""
        return sum(len(draft.deals) for _, _, draft in self.creates)
