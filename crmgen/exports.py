"""The project in other tools' formats: CSV (one row per deal) and vCard 4."""

from __future__ import annotations

import csv
import io
from typing import Any

import vobject

from crmgen.derive import facts
from crmgen.fields import CLIENT_KEYS, CLIENT_SPECS
from crmgen.loader import Project
from crmgen.model import Client, Deal

CLIENT_COLUMNS = ("id", *CLIENT_KEYS)
DEAL_COLUMNS = (
    "deal",
    "stage",
    "probability",
    "value",
    "currency",
    "opened",
    "expected_close",
    "closed_on",
    "lost_reason",
)


def _text(value: Any, decimal: str = ".") -> str:
    """A written front-matter value as a cell: lists joined with `; `."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", decimal)
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    return str(value)


def _other_keys(project: Project) -> list[str]:
    """Custom and unknown front-matter keys, in the order they first appear."""
    keys: dict[str, None] = {}
    for client in project.clients:
        for key in client.front_matter:
            if key not in CLIENT_SPECS and key != "deals":
                keys.setdefault(key, None)
    return list(keys)


def log_markdown(client: Client) -> str:
    """The client's log entries as Markdown, headings and bodies, in file order."""
    parts = []
    for entry in client.log:
        time = f" {entry.time}" if entry.time else ""
        summary = f": {entry.summary}" if entry.summary else ""
        parts.append(f"### {entry.date.isoformat()}{time} {entry.kind}{summary}")
        if entry.body:
            parts.append(entry.body)
    return "\n\n".join(parts)


def _client_cells(client: Client, project: Project, others: list[str]) -> list[str]:
    fact = facts(client, project.config, project.today)
    written = client.front_matter
    cells = [client.id] + [_text(written.get(key)) for key in CLIENT_COLUMNS[1:13]]
    cells += [
        fact.last_contact.isoformat() if fact.last_contact else "",
        _text(written.get("next_follow_up")),
    ]
    return cells + [_text(written.get(key)) for key in others] + [client.notes]


def _deal_cells(
    client: Client, deal: Deal, project: Project, decimal: str
) -> list[str]:
    several = "deals" in client.front_matter
    currency = client.front_matter.get("currency") or (
        deal.currency if deal.currency != project.config.currency else ""
    )
    return [
        deal.title if several else client.name,
        deal.stage,
        str(deal.probability) if deal.probability_written else "",
        _text(deal.value, decimal),
        _text(currency),
        *(
            day.isoformat() if day else ""
            for day in (deal.opened, deal.expected_close, deal.closed_on)
        ),
        deal.lost_reason or "",
    ]


def export_csv(project: Project, excel: bool = False) -> str:
    """One row per deal, the client's fields repeated on each of its rows.

    The last column, `log`, holds the client's log as Markdown on its first row.
    excel: a UTF-8 BOM, `;` between cells and decimal commas, the form European
    spreadsheet programs open without an import dialogue.
    """
    others = _other_keys(project)
    decimal = "," if excel else "."
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";" if excel else ",")
    writer.writerow([*CLIENT_COLUMNS, *others, "notes", *DEAL_COLUMNS, "log"])
    for client in project.clients:
        cells = _client_cells(client, project, others)
        for index, deal in enumerate(client.deals):
            # The log goes on the client's first row only: it can be long.
            log = log_markdown(client) if index == 0 else ""
            writer.writerow([*cells, *_deal_cells(client, deal, project, decimal), log])
    return ("\ufeff" if excel else "") + stream.getvalue()


def client_vcard(client: Client) -> str:
    """One client's contact as a vCard 4.0."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("uid").value = f"urn:crmgen:{client.id}"
    person = client.text("contact")
    card.add("kind").value = "individual" if person else "org"
    card.add("fn").value = person or client.name
    card.add("org").value = [client.text("company") or client.name]
    for key, prop in (
        ("title", "title"),
        ("email", "email"),
        ("phone", "tel"),
        ("website", "url"),
    ):
        value = client.text(key)
        if value:
            card.add(prop).value = value
    address = client.text("address")
    if address:
        card.add("adr").value = vobject.vcard.Address(street=address)
    if client.tags:
        card.add("categories").value = list(client.tags)
    text: str = card.serialize()
    return text


def export_vcf(project: Project) -> str:
    """Every client's contact as a vCard 4.0, one after the other."""
    return "".join(client_vcard(client) for client in project.clients)
