"""What an import report adds once the files are planned: new clients that got
the import date, and lost reasons the project does not list."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator

from crmgen.grouping import Draft
from crmgen.importplan import Plan
from crmgen.loader import Project
from crmgen.mapping import Mapping
from crmgen.merge import new_deals
from crmgen.writer import Value


def date_columns(mapping: Mapping, header: tuple[str, ...]) -> list[str]:
    """The file's columns a client's first contact date is looked for in."""
    targets = ("first_contact", "opened", "closed_on", "last_contact")
    read = [c for target in targets for c in mapping.columns(target)]
    read += [spec.date for spec in mapping.log]
    read = [c for c in dict.fromkeys(read) if c in header]
    close = [c for c in mapping.columns("close") if c in header and c not in read]
    words = [f"`{c}`" for c in read]
    if close:
        words.append(", ".join(f"`{c}`" for c in close) + " (of a won or lost deal)")
    return words


def undated_notice(
    undated: list[Draft], plan: Plan, columns: list[str], today: dt.date
) -> None:
    """Say how many new clients got the import date, and which columns were read."""
    count = sum(1 for _, _, draft in plan.creates if any(draft is u for u in undated))
    if not count:
        return
    clients, their = (
        ("1 new client has", "its")
        if count == 1
        else (f"{count} new clients have", "their")
    )
    where = (
        f"none of {their} rows has one in {', '.join(columns)}"
        if columns
        else "the file has none of the columns the mapping reads dates from"
    )
    plan.notices.append(
        f"{clients} no date for `first_contact`: {where}; it is set to the "
        f"import date, {today}"
    )


def _written_deals(plan: Plan, project: Project) -> Iterator[dict[str, Value]]:
    """The deals the import writes: every new file's, and those merged in."""
    for _, _, draft in plan.creates:
        yield from draft.deals
    clients = {client.path: client for client in project.clients}
    for path, _, _, draft in plan.updates:
        if "deals" in clients[path].front_matter:
            yield from new_deals(clients[path], draft)


def lost_reasons_notice(plan: Plan, project: Project) -> None:
    """Name the written lost reasons crmgen.toml's `lost_reasons` lacks, with
    the line that lists them, since check warns on every such deal."""
    listed = project.config.lost_reasons
    if not listed:
        return  # no list: any reason is fine
    unlisted = Counter(
        reason
        for deal in _written_deals(plan, project)
        if (reason := str(deal.get("lost_reason", ""))) and reason not in listed
    )
    if not unlisted:
        return
    count = sum(unlisted.values())
    deals = "1 lost deal has" if count == 1 else f"{count} lost deals have"
    reasons = ", ".join(f"{r!r} ({n})" for r, n in unlisted.most_common())
    # TOML's basic strings escape as JSON's do.
    items = ", ".join(json.dumps(r, ensure_ascii=False) for r in (*listed, *unlisted))
    plan.notices.append(
        f"{deals} a reason crmgen.toml's `lost_reasons` does not list: "
        f"{reasons}; `crmgen check` warns on each until crmgen.toml says: "
        f"lost_reasons = [{items}]"
    )
