"""`import --update`: add what an existing client file lacks, as text edits
that keep every other byte (its BOM, line endings, comments and order).

Only additions: keys the file does not have, deals whose title it does not
have, log entries it does not have. Nothing is changed or removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmgen.checks import check_client
from crmgen.model import Client
from crmgen.parse import parse_client
from crmgen.writer import ClientText, format_value, render

if TYPE_CHECKING:
    from crmgen.grouping import Draft
    from crmgen.loader import Project

_ORDER = ("title", "stage", "probability", "value", "currency", "opened",
          "expected_close", "closed_on", "lost_reason")


def _closing(lines: list[str]) -> int:
    """The index of the front matter's closing `---` line."""
    return next(i for i in range(1, len(lines)) if lines[i].rstrip("\r\n ") == "---")


def _deals_end(lines: list[str], start: int, closing: int) -> tuple[int, str]:
    """Where the `deals` block ends (the next top-level line) and its item indent."""
    indent = "  "
    for index in range(start + 1, closing):
        line = lines[index]
        item = re.match(r"^(\s*)- ", line)
        if item and index == start + 1:
            indent = item.group(1)
        if line.strip() and not line[0].isspace() and not line.startswith("-"):
            return index, indent
    return closing, indent


def _new_keys(client: Client, draft: Draft) -> list[str]:
    # A draft's deal keys live in its deals, so only client keys come from here.
    return [f"{key}: {format_value(value)}" for key, value in draft.client.items()
            if key not in client.front_matter]


def _new_deals(client: Client, draft: Draft, indent: str) -> list[str]:
    titles = {deal.title for deal in client.deals}
    lines = []
    for deal in draft.deals:
        if deal.get("title", draft.name) in titles:
            continue
        for index, key in enumerate(k for k in _ORDER if k in deal):
            lead = f"{indent}- " if index == 0 else f"{indent}  "
            lines.append(f"{lead}{key}: {format_value(deal[key])}")
    return lines


def _new_entries(client: Client, draft: Draft) -> str:
    seen = {(e.date, e.kind, e.summary) for e in client.log}
    fresh = [e for e in draft.log if (e.date, e.kind, " ".join(e.summary.split()))
             not in seen]
    if not fresh:
        return ""
    text = render(ClientText([], None, "", fresh))
    body = text.split("---\n", 2)[-1].lstrip("\n")
    if client.log_line is None:
        return body
    return body.split("## Log\n", 1)[1].lstrip("\n")


@dataclass(frozen=True, slots=True)
class Merge:
    """The merged text (None when nothing changes) and what to tell the user."""

    text: str | None
    note: str = ""


def merge_text(data: bytes, client: Client, draft: Draft, project: Project) -> Merge:
    """The client file (data) with the draft's additions; no text when nothing is
    new or the result would have more errors than the file has now."""
    text = data.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split("\n")
    closing = _closing(lines)
    added = _new_keys(client, draft)
    note = ""
    if "deals" in client.front_matter:
        start = client.key_lines["deals"] - 1
        end, indent = _deals_end(lines, start, closing)
        insert_deals = _new_deals(client, draft, indent)
        lines[end:end] = [line + newline.rstrip("\n") for line in insert_deals]
        closing += len(insert_deals)
    elif _new_deals(client, draft, ""):
        note = (f"its deals are not added: {client.path} has top-level deal keys, "
                f"so it cannot take a `deals` list without changing them")
    lines[closing:closing] = [line + newline.rstrip("\n") for line in added]
    merged = "\n".join(lines)
    entries = _new_entries(client, draft)
    if entries:
        merged = merged.rstrip("\r\n") + newline + newline + entries.replace(
            "\n", newline)
    if merged == text:
        return Merge(None, note or f"{client.path} already has everything these "
                                   f"rows give")
    problem = _new_error(client, merged, project)
    if problem:
        return Merge(None, f"merging would make {client.path} fail check: {problem}")
    return Merge(merged, note)


def _new_error(client: Client, text: str, project: Project) -> str:
    """The first error the merged text has beyond the file's own, else ""."""
    before = {p.message for p in client.problems if p.severity == "error"}
    merged, problems = parse_client(client.path, text.encode("utf-8"), project.config)
    if merged is not None:
        problems += check_client(merged, project.config, project.today)
    return next((p.message for p in problems
                 if p.severity == "error" and p.message not in before), "")
