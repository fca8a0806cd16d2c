"""The markup built in Python (badges, folded rows, log entries) is what the
Jinja macros it replaced made, for any text a client file can hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmgen.board import Card
from crmgen.derive import Facts
from crmgen.followups import Row
from crmgen.model import Client, Deal, LogEntry
from crmgen.render import environment
from crmgen.totals import totals

TODAY = dt.date(2026, 12, 1)

# The macros as the templates had them before these pieces moved to Python.
MACROS = (Path(__file__).parent / "macros_before.html").read_text(encoding="utf-8")

# Text a user may type, hostile or not.
TEXT = st.sampled_from(["", "Acme", "a<b>&\"c'", "Zoë & Co", "<script>x</script>"])
DATES = st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
CENTS = st.floats(0, 10**7).map(lambda v: round(v, 2))
MONEY = st.none() | st.integers(0, 10**7) | CENTS
BODIES = st.sampled_from(
    ["", "  \n", "Called back.", "Some **bold** & <b onclick=x>b</b>", "- [x] done"]
)


def env_for(tmp_path: Path) -> tuple[jinja2.Environment, jinja2.runtime.TemplateModule]:
    """The site's environment, and the old macros compiled in it."""
    env = environment(tmp_path)
    env.globals["today"] = TODAY
    return env, env.from_string(MACROS).module


@st.composite
def cards(draw: st.DrawFn) -> Card:
    """A card with any follow-up state, deal and text."""
    deal = Deal(
        title=draw(TEXT),
        stage=draw(st.sampled_from(["lead", "proposal"])),
        probability=draw(st.integers(0, 100)),
        probability_written=True,
        value=draw(MONEY),
        currency=draw(st.sampled_from(["EUR", "CHF", "<&>"])),
        is_open=True,
    )
    client = Client(
        id=draw(st.sampled_from(["acme", "a&b"])),
        path="clients/acme.md",
        name=draw(TEXT),
        front_matter={"company": draw(TEXT), "contact": draw(TEXT)},
        key_lines={},
        deals=(deal,),
        log=(),
        next_follow_up=draw(st.none() | DATES),
        owner=draw(st.none() | TEXT),
        tags=tuple(draw(st.lists(TEXT, max_size=2))),
    )
    facts = Facts(
        last_contact=draw(st.none() | DATES),
        last_entry=None,
        days_since_contact=draw(st.none() | st.integers(0, 900)),
        follow_up=draw(st.sampled_from(["overdue", "today", "scheduled", "none"])),
        overdue=draw(st.booleans()),
        stale=draw(st.booleans()),
        no_next_step=draw(st.booleans()),
    )
    return Card(client, deal, facts, draw(st.booleans()))


@settings(max_examples=150, deadline=None)
@given(card=cards())
def test_badges_and_folded_rows_match_the_old_macros(
    tmp_path_factory: pytest.TempPathFactory, card: Card
) -> None:
    env, old = env_for(tmp_path_factory.mktemp("t"))
    client, facts = card.client, card.facts
    render = env.from_string(
        "{{ follow_up_badge_html(c.client, c.facts) }}|{{ stale_badge_html(c.facts) }}"
        "|{{ brief_card_html(c) }}|{{ brief_row_html(row) }}"
    )
    row = Row(client, facts, client.deals, totals(client.deals, "EUR"))
    expected = "|".join(
        [
            old.follow_up_badge(client, facts),
            old.stale_badge(facts),
            old.brief_card(card),
            old.brief_row(row),
        ]
    )
    assert render.render(c=card, row=row) == expected
    # The bundled macros of those names, for project templates that import them.
    kept = env.from_string(
        '{% from "_macros.html" import follow_up_badge, stale_badge %}'
        '{% from "_card.html" import brief_card %}'
        "{{ follow_up_badge(c.client, c.facts) }}|{{ stale_badge(c.facts) }}"
        "|{{ brief_card(c) }}"
    )
    assert kept.render(c=card) == expected.rsplit("|", 1)[0]


@settings(max_examples=100, deadline=None)
@given(
    day=DATES,
    time=st.none() | st.sampled_from(["09:30", "<b>"]),
    kind=TEXT,
    summary=TEXT,
    body=BODIES,
    line=st.integers(1, 999),
)
def test_log_entries_match_the_old_template(
    tmp_path_factory: pytest.TempPathFactory,
    day: dt.date,
    time: str | None,
    kind: str,
    summary: str,
    body: str,
    line: int,
) -> None:
    env, old = env_for(tmp_path_factory.mktemp("t"))
    entry = LogEntry(day, time, kind, summary, body, line)
    new = env.from_string("{{ log_entry_html(entry) }}").render(entry=entry)
    assert new == old.log_entry(entry)
