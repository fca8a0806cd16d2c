"""What changed in the pipeline between two versions of the project, as a list of
items a person reads: new clients, stage moves, deals won and lost, and so on."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from crmgen.compare import Difference, Value, compare_clients
from crmgen.loader import Project
from crmgen.model import Client, Deal

# Section titles in the order they are printed, with the summary's words for
# one item and for several.
SECTIONS = {
    "New clients": ("new client", "new clients"),
    "Removed clients": ("removed client", "removed clients"),
    "New deals": ("new deal", "new deals"),
    "Removed deals": ("removed deal", "removed deals"),
    "Won": ("won", "won"),
    "Lost": ("lost", "lost"),
    "Stage moves": ("stage move", "stage moves"),
    "Probability changes": ("probability change", "probability changes"),
    "Value changes": ("value change", "value changes"),
    "Expected close pushed out": ("close date pushed out", "close dates pushed out"),
    "Expected close brought forward": (
        "close date brought forward",
        "close dates brought forward",
    ),
    "Follow-ups": ("follow-up change", "follow-up changes"),
    "Not compared": ("file not compared", "files not compared"),
}

Pushes = dict[tuple[str, str | None], int]


@dataclass(frozen=True, slots=True)
class Item:
    """One line of the summary: its section, what it is about, and the change."""

    section: str
    label: str
    detail: str


def money(value: float | None, currency: str) -> str:
    """`12,500 EUR`, `12,500.50 EUR`, or `no value`."""
    if value is None:
        return "no value"
    amount = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{amount} {currency}"


def _date(value: Value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else "none"


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _deal_text(deal: Deal, several: bool) -> str:
    text = f"{deal.stage}, {money(deal.value, deal.currency)}"
    return f"{deal.title}: {text}" if several else text


def describe(client: Client) -> str:
    """The client's deals in one line: `lead, 1,000 EUR` or `A: lead, ...; B: ...`."""
    several = "deals" in client.front_matter
    return "; ".join(_deal_text(deal, several) for deal in client.deals) or "no deal"


def _label(client: Client, diff: Difference) -> str:
    return client.name if diff.key is None else f"{client.name} / {diff.deal.title}"


def _stage_item(client: Client, diff: Difference, stages: tuple[str, ...]) -> Item:
    label = _label(client, diff)
    deal = diff.deal if diff.after else None
    if diff.before is None:
        assert deal is not None
        return Item("New deals", label, _deal_text(deal, False))
    if deal is None:
        return Item("Removed deals", label, f"was {diff.before}")
    if deal.stage == "won":
        return Item(
            "Won", label, f"{money(deal.value, deal.currency)} (was {diff.before})"
        )
    if deal.stage == "lost":
        reason = deal.lost_reason or "no reason given"
        return Item("Lost", label, f"{reason} (was {diff.before})")
    order = {name: index for index, name in enumerate(stages)}
    way = (
        "forward"
        if order.get(deal.stage, 0) > order.get(str(diff.before), 0)
        else "back"
    )
    return Item("Stage moves", label, f"{diff.before} -> {deal.stage} ({way})")


def _deal_item(
    client: Client, diff: Difference, stages: tuple[str, ...], pushes: Pushes
) -> Item | None:
    label = _label(client, diff)
    if diff.field == "stage":
        return _stage_item(client, diff, stages)
    if diff.field == "probability":
        return Item("Probability changes", label, f"{diff.before}% -> {diff.after}%")
    if diff.field == "value":
        currency = diff.deal.currency
        before = money(_number(diff.before), currency).removesuffix(f" {currency}")
        after = money(_number(diff.after), currency)
        return Item("Value changes", label, f"{before} -> {after}")
    if not isinstance(diff.before, dt.date) or not isinstance(diff.after, dt.date):
        return None  # a close date set or removed is neither pushed nor pulled
    if diff.after > diff.before:
        times = pushes.get((client.id, diff.key), 1)
        plural = "time" if times == 1 else "times"
        return Item(
            "Expected close pushed out",
            label,
            f"{_date(diff.before)} -> {_date(diff.after)} "
            f"(pushed {times} {plural} in all)",
        )
    return Item(
        "Expected close brought forward",
        label,
        f"{_date(diff.before)} -> {_date(diff.after)}",
    )


def _follow_up(old: Client, new: Client) -> Item | None:
    before, after = old.next_follow_up, new.next_follow_up
    if before == after:
        return None
    if before is None:
        detail = f"added {_date(after)}"
    elif after is None:
        detail = f"dropped (was {_date(before)})"
    else:
        detail = f"moved {_date(before)} -> {_date(after)}"
    return Item("Follow-ups", new.name, detail)


def _broken(project: Project) -> dict[str, str]:
    """Client files that could not be read at all: id -> path."""
    readable = {client.path for client in project.clients}
    return {
        p.path.rsplit("/", 1)[-1][:-3]: p.path
        for p in project.problems
        if p.severity == "error" and p.path.endswith(".md") and p.path not in readable
    }


def pipeline_diff(old: Project, new: Project, pushes: Pushes) -> list[Item]:
    """The items that take old to new, by section, then client id."""
    before = {client.id: client for client in old.clients}
    after = {client.id: client for client in new.clients}
    broken = {**_broken(old), **_broken(new)}
    items = [
        Item("Not compared", path, "has errors in one version; run crmgen check")
        for _id, path in sorted(broken.items())
    ]
    for client_id in sorted((before.keys() | after.keys()) - broken.keys()):
        items.extend(
            _client_items(
                before.get(client_id),
                after.get(client_id),
                new.config.stage_names,
                pushes,
            )
        )
    order = list(SECTIONS)
    return sorted(items, key=lambda item: order.index(item.section))


def _client_items(
    old: Client | None, new: Client | None, stages: tuple[str, ...], pushes: Pushes
) -> Iterator[Item]:
    if old is None:
        assert new is not None
        yield Item("New clients", new.name, f"{new.id}, {describe(new)}")
        return
    if new is None:
        yield Item("Removed clients", old.name, f"{old.id}, was {describe(old)}")
        return
    for diff in compare_clients(old, new):
        item = _deal_item(new if diff.after is not None else old, diff, stages, pushes)
        if item is not None:
            yield item
    follow = _follow_up(old, new)
    if follow is not None:
        yield follow


def summary(items: list[Item]) -> str:
    """The first line: `Pipeline: 1 new client, 2 stage moves, 1 won`."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.section] = counts.get(item.section, 0) + 1
    parts = []
    for section, (one, several) in SECTIONS.items():
        count = counts.get(section, 0)
        if count:
            parts.append(f"{count} {one if count == 1 else several}")
    return "Pipeline: " + (", ".join(parts) if parts else "no changes")


def render_text(items: list[Item], span: str) -> str:
    """Plain text usable as a commit message: the summary, a blank line, details."""
    lines = [summary(items), "", span]
    section = None
    for item in items:
        if item.section != section:
            section = item.section
            lines += ["", f"{section}:"]
        lines.append(f"- {item.label}: {item.detail}")
    return "\n".join(lines) + "\n"


# Each item starts `- **`, so list and heading marks cannot start a line; what
# is left is emphasis, code, links, tables, strikethrough, HTML and entities.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def escape_markdown(text: str) -> str:
    """Backslash every character Markdown could read as syntax mid-line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(items: list[Item], span: str) -> str:
    """Markdown for a pull-request comment: names and reasons escaped."""
    lines = [f"**{escape_markdown(summary(items))}**", "", escape_markdown(span)]
    section = None
    for item in items:
        if item.section != section:
            section = item.section
            lines += ["", f"#### {section}", ""]
        lines.append(
            f"- **{escape_markdown(item.label)}**: {escape_markdown(item.detail)}"
        )
    return "\n".join(lines) + "\n"
