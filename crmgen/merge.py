"""`import --update`: add what an existing client file lacks, as text edits
that keep every other byte (its BOM, line endings, comments and order).

Only additions: keys the file does not have, deals whose title it does not
have, log entries it does not have. Nothing is changed or removed. The edits
use the editor's line tools (keyedit, logedit), as `crmgen set` and `log` do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmgen import keyedit
from crmgen import yamlnodes as yn
from crmgen.editor import EditError
from crmgen.fields import DEAL_WRITE_ORDER
from crmgen.loader import parse_and_check
from crmgen.logedit import NewEntry, add_entry
from crmgen.model import Client
from crmgen.textlines import TextLines
from crmgen.writer import Value, format_value

if TYPE_CHECKING:
    from crmgen.grouping import Draft
    from crmgen.loader import Project


@dataclass(frozen=True, slots=True)
class Merge:
    """The merged text (None when nothing changes) and what to tell the user."""

    text: str | None
    note: str = ""


def _add_keys(text: TextLines, client: Client, draft: Draft) -> None:
    """Add the client keys the file lacks after its last top-level key."""
    # A draft's deal keys live in its deals, so only client keys come from here.
    for key, value in draft.client.items():
        if key not in client.front_matter:
            keyedit.set_key(text, keyedit.top_level(text), key, format_value(value))


def new_deals(client: Client, draft: Draft) -> list[dict[str, Value]]:
    """The draft's deals whose title the client does not have."""
    titles = {deal.title for deal in client.deals}
    return [
        dict(deal)
        for deal in draft.deals
        if deal.get("title", draft.name) not in titles
    ]


def _add_deals(text: TextLines, deals: list[dict[str, Value]]) -> None:
    """Append deals to the end of the `deals` list, indented like its items."""
    spans = keyedit.key_spans(text, keyedit.top_level(text).node)
    span = spans["deals"]
    items = span.value
    if (
        not isinstance(items, yn.SequenceNode)
        or items.flow_style
        or not items.value
        or not isinstance(items.value[0], yn.MappingNode)
    ):
        raise EditError("its `deals` list is not a block list of mappings")
    first = items.value[0]
    dash = " " * max(0, int(first.start_mark.column) - 2)
    lines = []
    for deal in deals:
        for index, key in enumerate(k for k in DEAL_WRITE_ORDER if k in deal):
            lead = f"{dash}- " if index == 0 else f"{dash}  "
            lines.append(f"{lead}{key}: {format_value(deal[key])}")
    text.insert(span.last + 1, lines)


def _add_entries(text: TextLines, client: Client, draft: Draft) -> None:
    """Add the log entries the file lacks where its own order puts them."""
    seen = {(e.date, e.kind, e.summary) for e in client.log}
    for entry in draft.log:
        summary = " ".join(entry.summary.split())
        if (entry.date, entry.kind, summary) not in seen:
            add_entry(
                text,
                client,
                NewEntry(entry.date, None, entry.kind, summary, entry.body),
            )
            seen.add((entry.date, entry.kind, summary))


def merge_text(data: bytes, client: Client, draft: Draft, project: Project) -> Merge:
    """The client file (data) with the draft's additions; no text when nothing is
    new or the result would have more errors than the file has now."""
    text = TextLines.from_bytes(data)
    note = ""
    deals = new_deals(client, draft)
    try:
        # Entries first: they use the parsed client's lines, which front-matter
        # additions would shift.
        _add_entries(text, client, draft)
        if deals and "deals" in client.front_matter:
            _add_deals(text, deals)
        elif deals:
            note = (
                f"its deals are not added: {client.path} has top-level deal "
                f"keys, so it cannot take a `deals` list without changing them"
            )
        _add_keys(text, client, draft)
    except EditError as error:
        return Merge(None, f"cannot merge into {client.path}: {error}")
    merged = text.to_bytes()
    if merged == data:
        return Merge(
            None, note or f"{client.path} already has everything these rows give"
        )
    problem = _new_error(client, merged, project)
    if problem:
        return Merge(None, f"merging would make {client.path} fail check: {problem}")
    return Merge(merged.decode("utf-8"), note)


def _new_error(client: Client, data: bytes, project: Project) -> str:
    """The first error the merged file has beyond the file's own, else ""."""
    before = {p.message for p in client.problems if p.severity == "error"}
    _merged, problems = parse_and_check(
        client.path, data, project.config, project.today
    )
    return next(
        (
            p.message
            for p in problems
            if p.severity == "error" and p.message not in before
        ),
        "",
    )
