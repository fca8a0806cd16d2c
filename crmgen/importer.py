"""Planning an import: CSV rows in, new client files (as text) and a report of
every row that was not taken out. Nothing is written here; see transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from crmgen.checks import check_client
from crmgen.config import Config
from crmgen.csvread import CsvError, Row, Table, read_table
from crmgen.datecols import AmbiguousDatesError, DateCell, detect_format
from crmgen.dedupe import Identity, Index
from crmgen.grouping import Draft, group_rows
from crmgen.ids import is_valid_id, slugify
from crmgen.importrows import RowError, RowReader
from crmgen.loader import CLIENTS_DIR, Project, discover
from crmgen.mapping import DATE_TARGETS, Mapping, source_columns
from crmgen.merge import merge_text
from crmgen.model import Client, Problem
from crmgen.parse import parse_client
from crmgen.transaction import digest
from crmgen.writer import ClientText, render

log = logging.getLogger(__name__)


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


def _fitting(table: Table, plan: Plan) -> Table:
    """The rows as wide as the header; the others are reported."""
    width = len(table.header)
    for row in table.rows:
        if row.width != width:
            plan.skipped.append(Skip(row, f"the row has {row.width} cells but the "
                                          f"header has {width}; a delimiter or quote "
                                          f"is probably out of place"))
    return replace(table, rows=tuple(r for r in table.rows if r.width == width))


def _distinct(table: Table, plan: Plan) -> Table:
    """The rows without exact repeats (a row pasted twice); repeats are reported."""
    seen: dict[tuple[str, ...], int] = {}
    rows = []
    for row in table.rows:
        cells = tuple(row.values.values())
        if cells in seen:
            plan.skipped.append(Skip(row, f"identical to row {seen[cells]}"))
        else:
            seen[cells] = row.number
            rows.append(row)
    return replace(table, rows=tuple(rows))


def _join_index(other: Table, key: str, plan: Plan) -> dict[str, dict[str, str]]:
    """The joined file's rows by key; rows that do not fit or repeat a key are
    reported (the first row of a key is used)."""
    index: dict[str, dict[str, str]] = {}
    first: dict[str, int] = {}
    name = other.path.name
    for row in other.rows:
        value = row.values[key].strip()
        if row.width != len(other.header):
            plan.notices.append(f"{name}:{row.line}: {row.where}: not used: it has "
                                f"{row.width} cells but the header has "
                                f"{len(other.header)}")
        elif value in first:
            plan.notices.append(f"{name}:{row.line}: {row.where}: not used: `{key}` "
                                f"{value!r} is already on row {first[value]}")
        else:
            first[value] = row.number
            index[value] = row.values
    return index


def _join(table: Table, mapping: Mapping, options: Options, plan: Plan) -> Table:
    """The table with each row's matching row of the [join] file added."""
    join = mapping.join
    if join is None:
        return table
    other = read_table(table.path.parent / join.file, options.encoding)
    if join.key not in other.header:
        raise ImportRefusedError(f"{other.path.name} has no column `{join.key}` to "
                                 f"join on")
    index = _join_index(other, join.key, plan)
    rows, missing = [], Counter[str]()
    for row in table.rows:
        key = row.values.get(join.on, "").strip()
        extra = index.get(key)
        if key and extra is None:
            missing[key] += 1
        merged = {**(extra or dict.fromkeys(other.header, "")), **row.values}
        rows.append(replace(row, values=merged))
    for key, count in sorted(missing.items()):
        plan.notices.append(f"{table.path.name}: `{join.on}` {key!r} on {count} rows "
                            f"is not in {other.path.name}; those rows get no "
                            f"{other.path.name} columns")
    header = table.header + tuple(c for c in other.header if c not in table.header)
    return replace(table, header=header, rows=tuple(rows))


def _replace(table: Table, mapping: Mapping, plan: Plan) -> Table:
    """Apply the mapping's [replace] corrections, reporting how often each applied."""
    if not mapping.replace:
        return table
    used = Counter[tuple[str, str]]()
    rows = []
    for row in table.rows:
        values = dict(row.values)
        for column, fixes in mapping.replace.items():
            if values.get(column) in fixes:
                used[(column, values[column])] += 1
                values[column] = fixes[values[column]]
        rows.append(replace(row, values=values))
    for (column, old), count in sorted(used.items()):
        plan.notices.append(f"column `{column}`: replaced {old!r} with "
                            f"{mapping.replace[column][old]!r} on {count} rows "
                            f"(the mapping's [replace])")
    return replace(table, rows=tuple(rows))


def _check_columns(table: Table, mapping: Mapping, plan: Plan) -> None:
    """Refuse a mapping that names no client; note the columns it maps in vain."""
    header = set(table.header)
    if not any(set(source_columns(s)) <= header for s in mapping.fields["name"]):
        raise ImportRefusedError(
            f"{table.path.name}: none of the columns the mapping names clients by "
            f"({', '.join(mapping.fields['name'])}) is in the file; its columns are "
            f"{', '.join(table.header)}")
    for target, sources in mapping.fields.items():
        if not any(set(source_columns(s)) & header for s in sources):
            columns = ", ".join(f"`{c}`" for c in mapping.columns(target))
            plan.notices.append(f"`{target}` is not imported: the file has none of "
                                f"the columns the mapping reads it from ({columns})")


def _date_formats(table: Table, mapping: Mapping, options: Options,
                  config: Config) -> dict[str, str]:
    """The date format of every column that holds dates."""
    targets = [*DATE_TARGETS, *(k for k, t in config.custom_fields.items()
                                if t == "date")]
    columns = {c for target in targets for c in mapping.columns(target)}
    columns |= {spec.date for spec in mapping.log}
    given = options.date_format or mapping.date_format
    formats = {}
    for column in sorted(columns & set(table.header)):
        if given:
            formats[column] = given
            continue
        cells = [DateCell(row.number, row.values[column]) for row in table.rows
                 if row.values.get(column, "").strip()]
        try:
            formats[column] = detect_format(column, cells)
        except AmbiguousDatesError as error:
            raise ImportRefusedError(f"{table.path.name}: {error}") from None
    return formats


CLIENT_ORDER = ("name", "company", "contact", "title", "email", "phone", "website",
                "address", "owner", "source", "tags", "first_contact", "last_contact",
                "next_follow_up")
DEAL_ORDER = ("title", "stage", "probability", "value", "currency", "opened",
              "expected_close", "closed_on", "lost_reason")


def draft_text(draft: Draft) -> str:
    """The new file's text: client keys in the format's order, then the deals."""
    front = [(k, draft.client[k]) for k in CLIENT_ORDER if k in draft.client]
    front += [(k, v) for k, v in draft.client.items() if k not in CLIENT_ORDER]
    currencies = {deal.get("currency") for deal in draft.deals}
    shared = currencies.pop() if len(currencies) == 1 else None
    if shared is not None:
        front.append(("currency", shared))
    deals = [[(k, deal[k]) for k in DEAL_ORDER if k in deal and
              not (k == "currency" and shared is not None)] for deal in draft.deals]
    if draft.single:
        front += [(k, v) for k, v in deals[0] if k not in ("title", "opened")]
        return render(ClientText(front, None, draft.notes, draft.log))
    return render(ClientText(front, deals, draft.notes, draft.log))


def _verify(path: str, text: str, project: Project) -> list[Problem]:
    """The problems crmgen check would report in the new file."""
    client, problems = parse_client(path, text.encode("utf-8"), project.config)
    if client is not None:
        problems += check_client(client, project.config, project.today)
    return problems


def _first_contact(drafts: list[Draft], mapping: Mapping, today: dt.date,
                   plan: Plan) -> None:
    """Clients without a first contact date get their earliest deal date, else
    the import date; how many did is reported."""
    fallback = 0
    for draft in drafts:
        if "first_contact" in draft.client:
            continue
        dates = [d for deal in draft.deals for k in ("opened", "closed_on")
                 if isinstance(d := deal.get(k), dt.date)]
        if dates:
            draft.client["first_contact"] = min(dates)
        else:
            draft.client["first_contact"] = today
            fallback += 1
    if fallback:
        plan.notices.append(f"{fallback} clients have no date for `first_contact` "
                            f"(their rows carry no dates); it is set to the import "
                            f"date, {today}")


def _unique_id(draft: Draft, taken: set[str]) -> str:
    """The client's id: the source's when valid, else from its name; never taken."""
    base = draft.client_id if is_valid_id(draft.client_id) else \
        slugify(" ".join(draft.id_parts)) or "client"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate.casefold())
    return candidate


def _existing_index(project: Project) -> tuple[Index, dict[str, Client]]:
    index, by_label = Index(), {}
    for client in project.clients:
        index.add(Identity.of(client.path, client.front_matter))
        by_label[client.path] = client
    return index, by_label


def _place(drafts: list[Draft], project: Project, options: Options,
           plan: Plan) -> None:
    """Dedupe each draft against existing clients and earlier drafts, then write
    its text into the plan (or the update of the client it matches)."""
    existing, by_path = _existing_index(project)
    in_file = Index()
    taken = {client.id.casefold() for client in project.clients}
    taken |= {Path(p).stem.casefold() for p in discover(project.root)}
    for draft in drafts:
        identity = Identity.of(draft.where, draft.client)
        found = existing.match(identity)
        if found is not None:
            _matched_existing(draft, by_path[found[0].label], found[1], options, plan,
                              project)
            continue
        earlier = in_file.match(identity)
        if earlier is not None:
            for row in draft.rows:
                plan.skipped.append(Skip(row, f"duplicate of {earlier[0].label} "
                                              f"(`{draft.name}`): {earlier[1]}"))
            continue
        path = f"{CLIENTS_DIR}/{_unique_id(draft, taken)}.md"
        text = draft_text(draft)
        errors = [p for p in _verify(path, text, project) if p.severity == "error"]
        if errors:
            for row in draft.rows:
                plan.skipped.append(Skip(row, f"the client file would not pass check: "
                                              f"{errors[0].message}"))
            continue
        in_file.add(identity)
        plan.creates.append((path, text, draft))


def _matched_existing(draft: Draft, client: Client, reason: str, options: Options,
                      plan: Plan, project: Project) -> None:
    """Report a draft matching an existing client, or merge it with --update."""
    why = f"`{draft.name}` is already {client.path} ({reason})"
    if not options.update:
        plan.skipped += [Skip(row, f"{why}; not imported (use --update to merge)")
                         for row in draft.rows]
        return
    data = (project.root / client.path).read_bytes()
    merge = merge_text(data, client, draft, project)
    if merge.text is None:
        plan.skipped += [Skip(row, f"{why}; {merge.note}") for row in draft.rows]
        return
    if merge.note:
        plan.notices.append(f"{draft.where}: {merge.note}")
    plan.updates.append((client.path, merge.text, digest(data), draft))


def plan_import(project: Project, csv_path: Path, mapping: Mapping,
                options: Options) -> Plan:
    """Read the CSV and work out every file to write; raises ImportRefusedError."""
    plan = Plan(csv_path)
    mapping = mapping.with_custom_fields(tuple(project.config.custom_fields))
    if "stage" not in mapping.fields and "stage" not in mapping.defaults:
        first = project.config.stage_names[0]
        mapping = replace(mapping, defaults={**mapping.defaults, "stage": first})
        plan.notices.append(f"the mapping gives no stage: every deal starts at "
                            f"`{first}`")
    try:
        table = read_table(csv_path, options.encoding)
        plan.rows = len(table.rows)
        table = _join(_distinct(_fitting(table, plan), plan), mapping, options, plan)
    except CsvError as error:
        raise ImportRefusedError(f"{csv_path.name}: {error}") from None
    if table.encoding not in ("utf-8", "utf-8-sig"):
        plan.notices.append(f"{csv_path.name}: read as {table.encoding}")
    table = _replace(table, mapping, plan)
    _check_columns(table, mapping, plan)
    formats = _date_formats(table, mapping, options, project.config)
    reader = RowReader(mapping, project.config, formats, project.today,
                       comma_decimal=table.delimiter == ";")
    datas = []
    for row in table.rows:
        try:
            datas.append((reader.read(row), reader.value("id", row.values)[0]))
        except RowError as error:
            plan.skipped.append(Skip(row, str(error)))
    drafts, repeats = group_rows(datas, mapping)
    plan.skipped += [Skip(row, reason) for row, reason in repeats]
    _first_contact(drafts, mapping, project.today, plan)
    _place(drafts, project, options, plan)
    plan.skipped.sort(key=lambda skip: skip.row.number)
    return plan
