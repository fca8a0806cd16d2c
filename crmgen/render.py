"""Templates to text: the Jinja2 environment, its filters and the template folders.

A project's own `templates/` folder comes first, so any template (or the CSS and
script under `static/`) can be replaced by a file of the same name there.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from crmgen.board import Card
from crmgen.bundled import TEMPLATES_DIR, default_templates
from crmgen.bytecode import BytecodeCache
from crmgen.derive import Facts
from crmgen.followups import Row
from crmgen.fragments import Briefs
from crmgen.markdown import to_html
from crmgen.model import Client, Deal, LogEntry
from crmgen.totals import Amount
from crmgen.words import ago

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "INR": "₹"}
MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
# Characters that could end a <script> element or an HTML comment, or break
# JavaScript parsers older than ES2019, written as JSON escapes instead.
JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def money(value: float | None, currency: str) -> str:
    """`€54,000`, `£1,250.50` or `CHF 900`; a dash when there is no value."""
    if value is None:
        return "—"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


def amounts(totals: Iterable[Amount], weighted: bool = False) -> str:
    """Totals in several currencies, never added together: `€9,000 + £300`.
    A currency no deal gives a value in shows only when none does: `$500`,
    not `€0 + $500`."""
    listed = list(totals)
    shown = [a for a in listed if a.count] or listed[:1]
    parts = [money(a.weighted if weighted else a.value, a.currency) for a in shown]
    return " + ".join(parts) if parts else money(0, "")


def date(value: dt.date | str | None) -> str:
    """`3 Dec 2026` from a date or an ISO date string; a dash for no date."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@jinja2.pass_environment
def short_date(env: jinja2.Environment, value: dt.date | None) -> str:
    """`3 Dec` within the year of the site's `today`, else `3 Dec 2027`."""
    today = env.globals.get("today")
    if value is None or not isinstance(today, dt.date) or value.year != today.year:
        return date(value)
    return f"{value.day} {MONTHS[value.month - 1]}"


def percent(value: int | None) -> str:
    """`60%`."""
    return "—" if value is None else f"{value}%"


def days(value: int | None) -> str:
    """`today`, `1 day`, `12 days`."""
    if value is None:
        return "never"
    if value == 0:
        return "today"
    return f"{value} day{'' if abs(value) == 1 else 's'}"


def tel(phone: str | None) -> str:
    """A phone number as a `tel:` target: digits and a leading plus only."""
    digits = re.sub(r"[^0-9]", "", phone or "")
    if not digits:
        return ""
    return f"+{digits}" if (phone or "").strip().startswith("+") else digits


def mailto(email: str) -> str:
    """An address as a `mailto:` target, percent-encoded so it stays one address."""
    return quote(email.strip(), safe="@.+-_~")


def web_url(url: str | None) -> str | None:
    """The address when it is an http(s) link, else None (shown as text only)."""
    if url and re.match(r"^https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def code_spans(text: str) -> Markup:
    """A problem message with its `quoted` parts as code, everything else escaped."""
    escaped = str(escape(text))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def script_json(value: Any) -> Markup:
    """JSON for a `<script type="application/json">` element that no value can end."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, replacement in JSON_ESCAPES.items():
        text = text.replace(char, replacement)
    return Markup(text)


def environment(root: Path, compiled: bool = False) -> jinja2.Environment:
    """The environment for a project: its templates first, then the bundled ones;
    compiled: keep compiled templates between builds (crmgen.bytecode)."""
    bundled = default_templates()
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(root / TEMPLATES_DIR),
            jinja2.FileSystemLoader(bundled),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A template edit makes a new environment (see live.py), so checking
        # every template's file on each page would only cost a stat call.
        auto_reload=False,
        bytecode_cache=BytecodeCache(root, bundled) if compiled else None,
    )
    env.filters.update(
        money=money,
        amounts=amounts,
        date=date,
        percent=percent,
        short_date=short_date,
        days=days,
        ago=ago,
        markdown=to_html,
        script_json=script_json,
        tel=tel,
        mailto=mailto,
        web_url=web_url,
        code_spans=code_spans,
    )
    env.globals.update(
        item_attributes=item_attributes,
        deal_attributes=deal_attributes,
        follow_up_badge_html=follow_up_badge,
        stale_badge_html=stale_badge,
        log_entry_html=log_entry,
        brief_card_html=brief_card,
        brief_row_html=brief_row,
    )
    return env


# The badges and attributes below are repeated for every card and row of the
# board and follow-up pages; a Jinja macro call costs several times a Python
# call, so they are built here. `_macros.html` keeps macros that call them.
BADGES = {
    "overdue": '<span class="badge badge-overdue" title="Follow-up was due {}">'
    "Overdue {}</span>",
    "scheduled": '<span class="badge badge-scheduled" title="Next follow-up {}">'
    "Follow-up {}</span>",
    "today": '<span class="badge badge-today">Due today</span>',
    "none": '<span class="badge badge-none">No next step</span>',
}


@jinja2.pass_environment
def follow_up_badge(env: jinja2.Environment, client: Client, facts: Facts) -> Markup:
    """The badge of the client's follow-up: overdue, due today, scheduled or none."""
    badge = BADGES.get(facts.follow_up, BADGES["none"])
    due = client.next_follow_up
    # Dates read as digits and month names: nothing in them needs escaping.
    return Markup(badge.format(date(due), short_date(env, due)))


def stale_badge(facts: Facts) -> Markup:
    """The stale badge when the client is stale, else nothing."""
    if not facts.stale:
        return Markup("")
    return Markup(
        '<span class="badge badge-stale" title="No contact for '
        f'{days(facts.days_since_contact)}">Stale</span>'
    )


def log_entry(entry: LogEntry) -> Markup:
    """A log entry of the client page, its Markdown body rendered, as an <article>."""
    kind, moment = escape(entry.kind), entry.date.isoformat()
    when = date(entry.date)
    if entry.time:
        moment, when = f"{moment}T{escape(entry.time)}", f"{when} {escape(entry.time)}"
    parts = [
        f'<article class="entry kind-{kind}" id="entry-{entry.line}">\n'
        '        <header class="entry-head">\n'
        f'          <time datetime="{moment}">{when}</time>\n'
        f'          <span class="kind kind-{kind}">{kind}</span>\n'
    ]
    if entry.summary:
        parts.append(
            f'          <h3 class="entry-summary">{escape(entry.summary)}</h3>\n'
        )
    parts.append("        </header>\n")
    if entry.body.strip():
        parts.append(
            f'        <div class="entry-body prose">{to_html(entry.body)}</div>\n'
        )
    parts.append("      </article>")
    return Markup("".join(parts))


@jinja2.pass_context
def brief_card(context: jinja2.runtime.Context, card: Card) -> Markup:
    """A board card folded away under "more": one line, the same data attributes."""
    client = card.client
    index = next(i for i, deal in enumerate(client.deals) if deal is card.deal)
    return _brief(context, client, index, lambda: _brief_card(context, card))


def _brief_card(context: jinja2.runtime.Context, card: Card) -> str:
    client, deal, facts = card.client, card.deal, card.facts
    stale = " data-stale" if facts.stale else ""
    title = f" · {escape(deal.title)}" if card.show_title else ""
    owner = escape(client.owner or "no owner")
    badge = follow_up_badge(context.environment, client, facts)
    return (
        f'<li class="card-brief" {item_attributes(client, deal)} data-open '
        f'data-follow-up="{escape(facts.follow_up)}"{stale} {deal_attributes(deal)}>'
        f'<a href="clients/{escape(client.id)}.html">{escape(client.name)}</a>{title} '
        f'<span class="muted">{escape(money(deal.value, deal.currency))} · '
        f"{escape(percent(deal.probability))} · {owner}</span> {badge}</li>"
    )


@jinja2.pass_context
def brief_row(context: jinja2.runtime.Context, row: Row) -> Markup:
    """A follow-up row folded away under "more": the client's name and badge."""
    return _brief(context, row.client, -1, lambda: _brief_row(context, row))


def _brief_row(context: jinja2.runtime.Context, row: Row) -> str:
    client, facts = row.client, row.facts
    return (
        f'<li {item_attributes(client)} data-follow-up="{escape(facts.follow_up)}">'
        f'<a href="clients/{escape(client.id)}.html">{escape(client.name)}</a> '
        f"{follow_up_badge(context.environment, client, facts)} "
        f'<span class="muted">{escape(client.owner or "no owner")} · weighted '
        f"{escape(amounts(row.totals, True))}</span></li>"
    )


def _brief(
    context: jinja2.runtime.Context,
    client: Client,
    index: int,
    make: Callable[[], str],
) -> Markup:
    """A one-line card or row, kept between builds where the page has the
    site's briefs (see crmgen.fragments.Briefs); make builds it as text whose
    every part is escaped."""
    briefs = context.get("briefs")
    if not isinstance(briefs, Briefs):
        return Markup(make())
    return Markup(briefs.get(client, index, make))


def deal_attributes(deal: Deal) -> Markup:
    """The data attributes board.js sums a deal's money from."""
    value = "" if deal.value is None else deal.value
    weighted = deal.weighted_value
    return Markup(
        f'data-currency="{escape(deal.currency)}" data-value="{value}" '
        f'data-weighted="{"" if weighted is None else weighted}"'
    )


def item_attributes(client: Client, deal: Deal | None = None) -> Markup:
    """The data attributes board.js filters on, for a card or a row."""
    company, contact = client.text("company") or "", client.text("contact") or ""
    words = [client.name, company, contact, deal.title if deal else ""]
    words += [client.owner or "", " ".join(client.tags)]
    return _attributes(client.id, client.owner or "", client.tags, " ".join(words))


@functools.lru_cache(maxsize=65536)
def _attributes(
    client_id: str, owner: str, tags: tuple[str, ...], search: str
) -> Markup:
    """Cached: a rebuild after one edit makes the same attributes for every
    other client, and building them is most of a big board's rendering."""
    return Markup(
        f'data-item data-client="{escape(client_id)}" data-owner="{escape(owner)}" '
        f'data-tags="{_tag_list(tags)}" data-search="{escape(search.lower())}"'
    )


@functools.lru_cache(maxsize=4096)
def _tag_list(tags: tuple[str, ...]) -> Markup:
    """The tags as a JSON list, escaped for an attribute: a few sets of tags
    recur across thousands of clients."""
    return escape(str(htmlsafe_json_dumps(list(tags))))


def static_source(env: jinja2.Environment, name: str) -> bytes:
    """A static file's bytes, found the way templates are (project first)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, f"static/{name}")
    return source.encode("utf-8")
