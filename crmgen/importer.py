"""Planning an import: CSV rows in, new client files (as text) and a report of
every row that was not taken out. Nothing is written here; see transaction."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path

from crmgen.csvread import CsvError, Table, read_table
from crmgen.dedupe import Identity, Index
from crmgen.fields import CLIENT_KEYS, DEAL_WRITE_ORDER
from crmgen.grouping import Draft, group_rows
from crmgen.ids import is_valid_id, slugify
from crmgen.importnotices import date_columns, lost_reasons_notice, undated_notice
from crmgen.importplan import ImportRefusedError, Options, Plan, Skip
from crmgen.importrows import RowError, RowReader
from crmgen.importtable import (
    check_columns,
    date_formats,
    distinct,
    fitting,
    join_table,
    replace_values,
)
from crmgen.loader import CLIENTS_DIR, Project, discover, parse_and_check
from crmgen.mapping import Mapping
from crmgen.merge import merge_text
from crmgen.model import Client, Problem
from crmgen.transaction import digest
from crmgen.writer import ClientText, render

__all__ = ["ImportRefusedError", "Options", "Plan", "Skip", "plan_import"]

log = logging.getLogger(__name__)

CLIENT_ORDER = CLIENT_KEYS


def draft_text(draft: Draft) -> str:
    """The new file's text: client keys in the format's order, then the deals."""
    front = [(k, draft.client[k]) for k in CLIENT_ORDER if k in draft.client]
    front += [(k, v) for k, v in draft.client.items() if k not in CLIENT_ORDER]
    currencies = {deal.get("currency") for deal in draft.deals}
    shared = currencies.pop() if len(currencies) == 1 else None
    if shared is not None:
        front.append(("currency", shared))
    deals = [
        [
            (k, deal[k])
            for k in DEAL_WRITE_ORDER
            if k in deal and not (k == "currency" and shared is not None)
        ]
        for deal in draft.deals
    ]
    if draft.single:
        front += [(k, v) for k, v in deals[0] if k not in ("title", "opened")]
        return render(ClientText(front, None, draft.notes, draft.log, draft.log_text))
    return render(ClientText(front, deals, draft.notes, draft.log, draft.log_text))


def _verify(path: str, text: str, project: Project) -> list[Problem]:
    """The problems crmgen check would report in the new file."""
    _client, problems = parse_and_check(
        path, text.encode("utf-8"), project.config, project.today
    )
    return problems


def _first_contact(drafts: list[Draft], today: dt.date) -> list[Draft]:
    """Give clients without a first contact date their earliest deal, contact
    or log date, else the import date; returns the drafts that got the latter."""
    fallback = []
    for draft in drafts:
        if "first_contact" in draft.client:
            continue
        dates = [
            d
            for deal in draft.deals
            for k in ("opened", "closed_on")
            if isinstance(d := deal.get(k), dt.date)
        ]
        dates += [entry.date for entry in draft.log]
        if isinstance(last := draft.client.get("last_contact"), dt.date):
            dates.append(last)
        draft.client["first_contact"] = min(dates, default=today)
        if not dates:
            fallback.append(draft)
    return fallback


# Ids become file names, which most file systems cap at 255 bytes.
MAX_ID = 80


def _unique_id(draft: Draft, taken: set[str]) -> str:
    """The client's id: the source's when valid, else from its name; never taken."""
    base = (
        draft.client_id
        if is_valid_id(draft.client_id)
        else slugify(" ".join(draft.id_parts))[:MAX_ID].rstrip("-") or "client"
    )
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


def _place(drafts: list[Draft], project: Project, options: Options, plan: Plan) -> None:
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
            _matched_existing(
                draft, by_path[found[0].label], found[1], options, plan, project
            )
            continue
        earlier = in_file.match(identity)
        if earlier is not None:
            for row in draft.rows:
                plan.skipped.append(
                    Skip(
                        row,
                        f"duplicate of {earlier[0].label} "
                        f"(`{draft.name}`): {earlier[1]}",
                    )
                )
            continue
        path = f"{CLIENTS_DIR}/{_unique_id(draft, taken)}.md"
        text = draft_text(draft)
        errors = [p for p in _verify(path, text, project) if p.severity == "error"]
        if errors:
            for row in draft.rows:
                plan.skipped.append(
                    Skip(
                        row,
                        f"the client file would not pass check: {errors[0].message}",
                    )
                )
            continue
        in_file.add(identity)
        plan.creates.append((path, text, draft))


def _matched_existing(
    draft: Draft,
    client: Client,
    reason: str,
    options: Options,
    plan: Plan,
    project: Project,
) -> None:
    """Report a draft matching an existing client, or merge it with --update."""
    why = f"`{draft.name}` is already {client.path} ({reason})"
    if not options.update:
        plan.skipped += [
            Skip(row, f"{why}; not imported (use --update to merge)")
            for row in draft.rows
        ]
        return
    earlier = next((d for path, _, _, d in plan.updates if path == client.path), None)
    if earlier is not None:
        # One merge per file and run: a second would be made from the old text.
        plan.skipped += [
            Skip(
                row,
                f"{why}, and this import already merges "
                f"{earlier.where} into it; import again with "
                f"--update for these",
            )
            for row in draft.rows
        ]
        return
    data = (project.root / client.path).read_bytes()
    merge = merge_text(data, client, draft, project)
    if merge.text is None:
        plan.skipped += [Skip(row, f"{why}; {merge.note}") for row in draft.rows]
        return
    if merge.note:
        plan.notices.append(f"{draft.where}: {merge.note}")
    plan.updates.append((client.path, merge.text, digest(data), draft))


def _complete(mapping: Mapping, project: Project, plan: Plan) -> Mapping:
    """The mapping with the project's custom fields and, when it gives no
    stage, the project's first stage (said once in the report)."""
    mapping = mapping.with_custom_fields(tuple(project.config.custom_fields))
    if "stage" not in mapping.fields and "stage" not in mapping.defaults:
        first = project.config.stage_names[0]
        mapping = replace(mapping, defaults={**mapping.defaults, "stage": first})
        plan.notices.append(
            f"the mapping gives no stage: every deal starts at `{first}`"
        )
    return mapping


def _prepared(csv_path: Path, mapping: Mapping, options: Options, plan: Plan) -> Table:
    """The CSV read, its misfit and repeated rows reported, the join done."""
    try:
        table = read_table(csv_path, options.encoding)
        plan.rows = len(table.rows)
        table = join_table(distinct(fitting(table, plan), plan), mapping, options, plan)
    except CsvError as error:
        raise ImportRefusedError(error.located(str(csv_path))) from None
    if table.encoding not in ("utf-8", "utf-8-sig"):
        plan.notices.append(f"{csv_path.name}: read as {table.encoding}")
    plan.notices += [f"{csv_path.name}: {note}" for note in table.notes]
    return replace_values(table, mapping, plan)


def plan_import(
    project: Project, csv_path: Path, mapping: Mapping, options: Options
) -> Plan:
    """Read the CSV and work out every file to write; raises ImportRefusedError."""
    plan = Plan(csv_path)
    mapping = _complete(mapping, project, plan)
    table = _prepared(csv_path, mapping, options, plan)
    check_columns(table, mapping, plan)
    formats = date_formats(table, mapping, options, project.config)
    reader = RowReader(
        mapping,
        project.config,
        formats,
        project.today,
        comma_decimal=table.delimiter == ";",
    )
    datas = []
    for row in table.rows:
        try:
            datas.append((reader.read(row), reader.value("id", row.values)[0]))
        except RowError as error:
            plan.skipped.append(Skip(row, str(error)))
    drafts, repeats = group_rows(datas, mapping)
    plan.skipped += [Skip(row, reason) for row, reason in repeats]
    undated = _first_contact(drafts, project.today)
    _place(drafts, project, options, plan)
    undated_notice(undated, plan, date_columns(mapping, table.header), project.today)
    lost_reasons_notice(plan, project)
    plan.skipped.sort(key=lambda skip: skip.row.number)
    return plan
