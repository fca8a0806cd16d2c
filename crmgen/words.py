"""Counting words for people: `1 error`, `2 errors`, `3 days ago`, `today`."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """The count with `one` or `many` (by default `one` plus an s)."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def ago(days: int) -> str:
    """How long ago something was, in days: `today`, `1 day ago`, `12 days ago`."""
    return "today" if days == 0 else f"{plural(days, 'day')} ago"
