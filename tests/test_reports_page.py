"""The reports page shows the figures of `crmgen report --json`, to the cent."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from conftest import ProjectDir
from reportkit import deal_client

from crmgen.loader import load_project
from crmgen.render import money
from crmgen.reports_page import hygiene_shown
from crmgen.site import render_site


def _render(project: ProjectDir, today: str) -> str:
    """reports.html as `crmgen build` writes it."""
    loaded = load_project(project.root, dt.date.fromisoformat(today))
    return render_site(loaded)["reports.html"].decode("utf-8")


def _project(project: ProjectDir) -> None:
    deal_client(
        project,
        "a",
        "stage: proposal",
        "value: 1234.56",
        "owner: ann",
        "expected_close: 2026-07-10",
    )
    deal_client(
        project,
        "b",
        "stage: negotiation",
        "value: 99.99",
        "owner: bo",
        "expected_close: 2026-05-01",
    )
    deal_client(project, "c", "stage: lead", "value: 500", "currency: GBP", "owner: bo")
    deal_client(
        project,
        "d",
        "stage: lost",
        "lost_reason: price",
        "value: 10",
        "closed_on: 2026-05-02",
        "owner: bo",
        log=("2026-05-02 stage: qualified -> lost",),
    )


def _rows(html: str, element_id: str) -> dict[str, list[tuple[str, str]]]:
    """Row label -> (data-value, shown text) of each cell, in the element's table."""
    match = re.search(rf'id="{element_id}".*?</table>', html, re.S)
    assert match, element_id
    rows: dict[str, list[tuple[str, str]]] = {}
    for label, cells in re.findall(
        r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', match.group(0), re.S
    ):
        rows[label] = re.findall(r'<td data-value="([^"]*)">([^<]*)</td>', cells)
    return rows


def test_forecast_on_the_page_equals_the_json(project: ProjectDir) -> None:
    _project(project)
    document: dict[str, Any] = json.loads(
        project.run("report", "--json", "--today", "2026-06-01").out
    )
    html = _render(project, "2026-06-01")
    forecast = document["reports"]["forecast"]
    for currency in forecast["currencies"]:
        shown = _rows(html, f"forecast-{currency}")
        for row in forecast["rows"]:
            if row["currency"] != currency:
                continue
            figures = [row[k] for k in ("weighted", "p10", "p50", "p90")]
            assert shown[row["bucket"]] == [
                (repr(v), money(v, currency)) for v in figures
            ]
    total = _rows(html, "forecast-total")
    for row in forecast["total"]:
        figures = [row[k] for k in ("value", "weighted", "p10", "p50", "p90")]
        assert total[row["currency"]][1:] == [
            (str(v), money(v, row["currency"])) for v in figures
        ]
    assert total["EUR"][1][1] == "€1,334.55"  # 1,234.56 + 99.99, to the cent


def test_calibration_says_how_many_deals_each_share_rests_on(
    project: ProjectDir,
) -> None:
    _project(project)
    document: dict[str, Any] = json.loads(
        project.run("report", "--json", "--today", "2026-06-01").out
    )
    buckets = document["reports"]["calibration"]["buckets"]
    assert any(b["deals"] for b in buckets)
    shown = _rows(_render(project, "2026-06-01"), "calibration-buckets")
    assert list(shown) == [f"{b['bucket']} ({b['deals']})" for b in buckets]


def test_a_forecast_of_deals_without_values_labels_its_axis_once_each(
    project: ProjectDir,
) -> None:
    deal_client(project, "a", "stage: proposal", "expected_close: 2026-07-10")
    html = _render(project, "2026-06-01")
    chart = re.search(r'id="forecast-EUR".*?</svg>', html, re.S)
    assert chart, "no forecast chart"
    ticks = re.findall(r'text-anchor="end"[^>]*>(€[^<]*)</text>', chart.group(0))
    assert ticks == ["€0", "€1", "€2", "€3", "€4"]


def test_user_text_is_escaped(project: ProjectDir) -> None:
    deal_client(
        project,
        "x",
        "stage: lost",
        "lost_reason: '<img src=x onerror=alert(1)>'",
        "closed_on: 2026-05-02",
        "owner: '<b>bo</b>'",
    )
    html = _render(project, "2026-06-01")
    assert "<img src=x" not in html and "<b>bo</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize(
    "section",
    ["forecast", "winloss", "reasons", "funnel", "activity", "calibration", "hygiene"],
)
def test_every_report_has_its_section(project: ProjectDir, section: str) -> None:
    _project(project)
    assert f'<section class="report" id="{section}"' in _render(project, "2026-06-01")


def test_long_lists_are_cut_on_the_page(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("crmgen.reports_page.LIST_LIMIT", 1)
    deal_client(project, "a", "stage: lead")
    deal_client(project, "b", "stage: lead")
    html = _render(project, "2026-06-01")
    table = re.search(r'id="hygiene-no-value".*?</table>', html, re.S)
    assert table, html
    assert "no-value: 2 (the first 1 shown" in table.group(0)
    assert table.group(0).count("<tr><td>") == 1


def test_every_id_on_the_page_is_unique(project: ProjectDir) -> None:
    _project(project)
    ids = re.findall(r'\sid="([^"]+)"', _render(project, "2026-06-01"))
    assert ids and sorted(ids) == sorted(set(ids))


def test_hygiene_lists_each_issue_in_order_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("crmgen.reports_page.LIST_LIMIT", 2)
    items = [{"issue": "no-value", "n": n} for n in range(3)]
    items.append({"issue": "no-next-step", "n": 3})
    report = {"counts": {"no-value": 3, "no-next-step": 1, "no-lost-reason": 0}}
    assert hygiene_shown({**report, "items": items}) == {
        "no-value": items[:2],
        "no-next-step": items[3:],
        "no-lost-reason": [],
    }
