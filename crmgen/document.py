"""The model as one JSON document: what `crmgen export json` prints and the
site's data.json holds. Its schema is documented in docs/data-json.md."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

from crmgen.derive import facts
from crmgen.loader import Project
from crmgen.model import Client, Deal, LogEntry

VERSION = 1


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def deal_document(deal: Deal) -> dict[str, Any]:
    """One deal with its derived weighted value."""
    return {
        "title": deal.title,
        "stage": deal.stage,
        "probability": deal.probability,
        "probability_written": deal.probability_written,
        "value": deal.value,
        "currency": deal.currency,
        "weighted_value": deal.weighted_value,
        "open": deal.is_open,
        "opened": _date(deal.opened),
        "expected_close": _date(deal.expected_close),
        "closed_on": _date(deal.closed_on),
        "lost_reason": deal.lost_reason,
        "line": deal.line,
    }


def entry_document(entry: LogEntry) -> dict[str, Any]:
    """One log entry; `change` is the parsed move of a `stage` entry."""
    change = entry.change
    return {
        "date": entry.date.isoformat(),
        "time": entry.time,
        "kind": entry.kind,
        "summary": entry.summary,
        "body": entry.body,
        "line": entry.line,
        "change": None
        if change is None
        else {
            "deal": change.deal,
            "from": change.before,
            "to": change.after,
            "probability_before": change.probability_before,
            "probability_after": change.probability_after,
        },
    }


def client_document(client: Client, project: Project) -> dict[str, Any]:
    """Every front-matter key as written, then the derived facts, deals and log."""
    fact = facts(client, project.config, project.today)
    document: dict[str, Any] = {"id": client.id, "path": client.path}
    document.update(client.front_matter)
    document.update(
        {
            "id": client.id,
            "path": client.path,
            "last_contact": _date(fact.last_contact),
            "days_since_contact": fact.days_since_contact,
            "follow_up": fact.follow_up,
            "overdue": fact.overdue,
            "stale": fact.stale,
            "no_next_step": fact.no_next_step,
            "open": client.is_open,
            "deals": [deal_document(deal) for deal in client.deals],
            "notes": client.notes,
            "log": [entry_document(entry) for entry in client.log],
        }
    )
    return document


def project_document(project: Project) -> dict[str, Any]:
    """The whole model: version, today, configuration summary, clients, problems."""
    document = _frame(project)
    document["clients"] = [client_document(c, project) for c in project.clients]
    return document


def client_text(client: Client, project: Project) -> str:
    """One client's JSON as it sits in the document's `clients` list."""
    text = json.dumps(client_document(client, project), indent=2, ensure_ascii=False)
    return text.replace("\n", "\n    ")


def client_line(client: Client, project: Project) -> bytes:
    """One client's JSON on one line, in UTF-8, as the site's data.json lists it."""
    # Without indent json uses its C encoder, many times faster at scale.
    text = json.dumps(client_document(client, project), ensure_ascii=False)
    return text.encode("utf-8")


def is_line_of(client: Client, line: bytes, after: bytes) -> bool:
    """Whether line, found in a data.json followed by the byte after, is a
    whole line of client_line's for this client: a JSON object that starts
    with its id and path and ends where the line does."""
    head = json.dumps({"id": client.id, "path": client.path}, ensure_ascii=False)
    start = head.encode("utf-8")[:-1] + b", "  # more keys follow
    return line.startswith(start) and line.endswith(b"}") and after in (b",", b"\n")


def document_text(
    project: Project, text_of: Callable[[Client], str] | None = None
) -> str:
    """The document as indented JSON, the same bytes as dumping project_document;
    text_of may serve each client's text from a cache."""
    frame = json.dumps(_frame(project), indent=2, ensure_ascii=False)
    texts = [
        text_of(c) if text_of is not None else client_text(c, project)
        for c in project.clients
    ]
    listed = "[\n    " + ",\n    ".join(texts) + "\n  ]" if texts else "[]"
    # The frame holds `"clients": []` as a placeholder for the list.
    return (
        frame.replace('\n  "clients": [],\n', f'\n  "clients": {listed},\n', 1) + "\n"
    )


def site_document(
    project: Project,
    line_of: Callable[[Client], bytes] | None = None,
    placed: Callable[[Client, int, int], None] | None = None,
) -> Iterator[bytes]:
    """The site's data.json, piece by piece: the same document with each client
    on one line, several times faster to write, and a diff of two builds names
    clients; line_of may serve each client's line from a cache, and placed
    is told where each line lands in the file (client, offset, length)."""
    frame = json.dumps(_frame(project), indent=2, ensure_ascii=False)
    head, tail = frame.split(_PLACEHOLDER, 1)
    piece = head.encode() + b'\n  "clients": ['
    yield piece
    offset = len(piece)
    separator = b"\n    "
    for client in project.clients:
        line = line_of(client) if line_of is not None else client_line(client, project)
        yield separator
        yield line
        offset += len(separator)
        if placed is not None:
            placed(client, offset, len(line))
        offset += len(line)
        separator = b",\n    "
    yield (b"\n  ]" if project.clients else b"]") + b",\n" + tail.encode() + b"\n"


_PLACEHOLDER = '\n  "clients": [],\n'


def _frame(project: Project) -> dict[str, Any]:
    """The document with an empty client list."""
    config = project.config
    return {
        "version": VERSION,
        "today": project.today.isoformat(),
        "currency": config.currency,
        "stages": [
            {
                "name": s.name,
                "probability": s.probability,
                "open": s.open,
                "stale_days": config.stale_days_for(s.name),
            }
            for s in config.stages
        ],
        "clients": [],
        "problems": [problem.as_json() for problem in project.problems],
    }
