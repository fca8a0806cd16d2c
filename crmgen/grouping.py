"""Gathering read rows into clients: the rows of one account become one client
with a list of deals; a second row for the same client is reported."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from crmgen.csvread import Row
from crmgen.dedupe import normal
from crmgen.ids import slugify
from crmgen.importrows import RowData
from crmgen.mapping import Mapping
from crmgen.writer import Entry, Value


@dataclass
class Draft:
    """A client about to be written.

    client: front-matter values (deal keys too when `single`).
    deals: each deal's keys; one item and `single` for a client written with
        top-level deal keys.
    client_id: the id the source asks for (the `id` field), else "".
    """

    client: dict[str, Value]
    deals: list[dict[str, Value]]
    rows: list[Row]
    deal_ids: list[str]
    notes: str = ""
    log: list[Entry] = field(default_factory=list)
    client_id: str = ""
    id_parts: tuple[str, ...] = ()
    log_text: str = ""

    @property
    def name(self) -> str:
        """The client's name, for messages."""
        return str(self.client["name"])

    @property
    def single(self) -> bool:
        """Whether the client is one deal written with top-level keys."""
        return len(self.deals) == 1 and self.deals[0].get("title", self.name) == \
            self.name

    @property
    def where(self) -> str:
        """`row 3` or `rows 3-9` (the first and last), for messages."""
        first, last = self.rows[0].number, self.rows[-1].number
        return f"row {first}" if first == last else f"rows {first}-{last}"


def group_key(data: RowData, mapping: Mapping, client_id: str) -> tuple[str, ...]:
    """The normalised values of the mapping's group_by fields."""
    def value(name: str) -> str:
        found = client_id if name == "id" else data.client.get(name, "")
        return normal(found if isinstance(found, str) else str(found))

    return tuple(value(name) for name in mapping.group_by)


def _id_parts(data: RowData, mapping: Mapping) -> tuple[str, ...]:
    """The name, then the other group_by values the name does not already say
    (but not an email): `Cancity` with owner `Moses Frase` is
    `cancity-moses-frase`."""
    name = str(data.client["name"])
    parts = [name]
    for field_name in mapping.group_by:
        value = data.client.get(field_name)
        if isinstance(value, str) and field_name not in ("name", "email") and \
                slugify(value) not in slugify(name):
            parts.append(value)
    return tuple(parts)


def _absorb(draft: Draft, data: RowData) -> None:
    """Add a later row's deal, fill the client keys it lacks, keep the dates right."""
    for key, value in data.client.items():
        old = draft.client.get(key)
        if old is None:
            draft.client[key] = value
        elif key == "first_contact" and isinstance(value, dt.date) and \
                isinstance(old, dt.date):
            draft.client[key] = min(old, value)
        elif key == "last_contact" and isinstance(value, dt.date) and \
                isinstance(old, dt.date):
            draft.client[key] = max(old, value)
        elif key == "tags" and isinstance(value, list) and isinstance(old, list):
            draft.client[key] = old + [tag for tag in value if tag not in old]
    draft.notes = draft.notes or data.notes
    draft.log_text = draft.log_text or data.log_text
    draft.log.extend(data.log)
    draft.rows.append(data.row)


def group_rows(datas: list[tuple[RowData, str]], mapping: Mapping
               ) -> tuple[list[Draft], list[tuple[Row, str]]]:
    """Drafts in the order their first row came, and the rows that repeat one.

    datas: each read row with the client id its source gives ("" for none).
    """
    drafts: dict[tuple[str, ...], Draft] = {}
    repeats: list[tuple[Row, str]] = []
    fields = " and ".join(f"`{name}`" for name in mapping.group_by)
    for data, client_id in datas:
        key = group_key(data, mapping, client_id)
        if not any(key):  # nothing to group on: the row is a client of its own
            key = (f"row {data.row.number}",)
        draft = drafts.get(key)
        if draft is None:
            drafts[key] = Draft(dict(data.client), [data.deal] if data.deal else [],
                                [data.row], [data.deal_id], data.notes, list(data.log),
                                client_id, _id_parts(data, mapping), data.log_text)
        elif not mapping.rows_are_deals:
            repeats.append((data.row, f"duplicate of row {draft.rows[0].number}: the "
                                      f"same {fields}"))
        elif data.deal_id and data.deal_id in draft.deal_ids:
            first = draft.rows[draft.deal_ids.index(data.deal_id)].number
            repeats.append((data.row, f"duplicate of row {first}: the same deal id "
                                      f"{data.deal_id!r}"))
        else:
            _absorb(draft, data)
            if data.deal:
                draft.deals.append(data.deal)
                draft.deal_ids.append(data.deal_id)
    for draft in drafts.values():
        _distinct_titles(draft)
    return list(drafts.values()), repeats


def _distinct_titles(draft: Draft) -> None:
    """Give every deal sharing a title the source's deal id (or row) in brackets."""
    counts = Counter(str(deal.get("title")) for deal in draft.deals)
    for deal, deal_id, row in zip(draft.deals, draft.deal_ids, draft.rows, strict=True):
        title = str(deal.get("title"))
        if counts[title] > 1:
            deal["title"] = f"{title} ({deal_id or f'row {row.number}'})"
