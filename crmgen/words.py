"""Counting words for the terminal: `1 error`, `2 errors`, `3 files written`."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """The count with `one` or `many` (by default `one` plus an s)."""
    return f"{count} {one if count == 1 else many or one + 's'}"
