"""The template environment: filters, embedded JSON and the template folders."""

from __future__ import annotations

import datetime as dt
import json
import re

from conftest import ProjectDir

from crmgen.render import (
    amounts,
    code_spans,
    date,
    days,
    environment,
    mailto,
    money,
    percent,
    script_json,
    static_source,
    tel,
    web_url,
)
from crmgen.totals import Amount


def test_money_shows_cents_only_when_there_are_some() -> None:
    assert money(54000, "EUR") == "€54,000"
    assert money(1250.5, "GBP") == "£1,250.50"
    assert money(900, "CHF") == "CHF 900"
    assert money(None, "EUR") == "—"


def test_amounts_in_several_currencies_are_listed_not_added() -> None:
    totals = (Amount("EUR", 9000, 4500, 2), Amount("GBP", 300, 30, 1))
    assert amounts(totals) == "€9,000 + £300"
    assert amounts(totals, weighted=True) == "€4,500 + £30"


def test_dates_percent_and_days() -> None:
    assert date(dt.date(2026, 12, 3)) == "3 Dec 2026"
    assert date(None) == "—"
    assert date("2026-12-01") == "1 Dec 2026"  # ISO text, as in report documents
    assert percent(60) == "60%"
    assert (days(0), days(1), days(12), days(None)) == (
        "today",
        "1 day",
        "12 days",
        "never",
    )


def test_contact_targets_cannot_become_other_links() -> None:
    assert tel("+353 (1) 555-0100") == "+35315550100"
    assert tel("javascript:alert(1)") == "1"
    assert tel("no digits") == ""
    assert mailto('a@b.example"><script>') == "a@b.example%22%3E%3Cscript%3E"
    assert web_url("https://acme.example/x") == "https://acme.example/x"
    assert web_url("javascript:alert(1)") is None
    assert web_url("acme.example") is None


def test_problem_messages_quote_code_and_escape_the_rest() -> None:
    assert str(code_spans("key `<b>` is <i>odd</i>")) == (
        "key <code>&lt;b&gt;</code> is &lt;i&gt;odd&lt;/i&gt;"
    )


def test_embedded_json_cannot_end_its_script_element() -> None:
    value = {"owner": "</script><script>alert(1)</script>", "x": "a&b\u2028\u2029<!--"}
    text = str(script_json(value))
    assert not re.search(r"[<>&\u2028\u2029]", text), text
    assert json.loads(text) == value


def test_project_templates_come_first(project: ProjectDir) -> None:
    project.write("templates/problems.html", "mine {{ 1 + 1 }} {{ '<b>' }}")
    project.write("templates/static/site.css", "body { color: red }")
    env = environment(project.root)
    assert env.get_template("problems.html").render() == "mine 2 &lt;b&gt;"
    assert static_source(env, "site.css") == b"body { color: red }"
    assert env.loader is not None
    assert "{% block content %}" in env.loader.get_source(env, "base.html")[0]
