"""The forecast: buckets by expected close, per currency and owner, with a range."""

from __future__ import annotations

import datetime as dt

from conftest import ProjectDir
from reportkit import deal_client, selection

from crmgen.forecast import bucket_of, forecast, months


def test_months_wrap_the_year() -> None:
    found = months(dt.date(2026, 12, 5))
    assert found[0] == "2026-12"
    assert found[1] == "2027-01"
    assert found[-1] == "2027-11"
    assert len(found) == 12


def test_buckets_of_dates() -> None:
    today = dt.date(2026, 3, 15)
    assert bucket_of(dt.date(2026, 3, 14), today) == "overdue"
    assert bucket_of(dt.date(2026, 3, 15), today) == "2026-03"
    assert bucket_of(dt.date(2027, 2, 28), today) == "2027-02"
    assert bucket_of(dt.date(2027, 3, 1), today) == "later"
    assert bucket_of(None, today) == "no-date"


def _project(project: ProjectDir) -> None:
    deal_client(
        project,
        "a",
        "stage: proposal",
        "probability: 50",
        "value: 1000",
        "expected_close: 2026-03-20",
        "owner: ann",
    )
    deal_client(
        project,
        "b",
        "stage: lead",
        "value: 2000",
        "expected_close: 2026-03-01",
        "owner: ann",
    )
    deal_client(
        project,
        "c",
        "stage: qualified",
        "value: 100.50",
        "expected_close: 2027-02-28",
        "owner: bo",
    )
    deal_client(
        project,
        "d",
        "stage: negotiation",
        "value: 300",
        "expected_close: 2027-03-01",
        "owner: bo",
    )
    deal_client(
        project, "e", "stage: proposal", "value: 999.99", "currency: USD", "owner: ann"
    )
    deal_client(
        project,
        "f",
        "stage: won",
        "value: 5000",
        "closed_on: 2026-03-01",
        "expected_close: 2026-03-20",
    )
    deal_client(project, "g", "stage: lead", "expected_close: 2026-04-10")


def _row(report: dict[str, object], bucket: str, currency: str) -> dict[str, object]:
    rows = report["rows"]
    assert isinstance(rows, list)
    return next(r for r in rows if r["bucket"] == bucket and r["currency"] == currency)


def test_forecast_sums_by_bucket_currency_and_owner(project: ProjectDir) -> None:
    _project(project)
    report = forecast(selection(project, "2026-03-15"))
    assert report["currencies"] == ["EUR", "USD"]
    assert len(report["buckets"]) == 15
    march = _row(report, "2026-03", "EUR")
    assert (march["deals"], march["value"], march["weighted"]) == (1, 1000.0, 500.0)
    overdue = _row(report, "overdue", "EUR")
    assert (overdue["deals"], overdue["value"], overdue["weighted"]) == (1, 2000, 500)
    assert _row(report, "2027-02", "EUR")["weighted"] == 40.2  # 100.50 x 40 %
    assert _row(report, "later", "EUR")["weighted"] == 240.0
    april = _row(report, "2026-04", "EUR")
    assert (april["deals"], april["value"], april["weighted"]) == (1, 0.0, 0.0)
    usd = _row(report, "no-date", "USD")
    assert (usd["value"], usd["weighted"]) == (999.99, 599.99)  # 599.994 to the cent
    eur, dollars = report["total"]
    assert (eur["deals"], eur["value"], eur["weighted"]) == (5, 3400.5, 1280.2)
    assert (dollars["deals"], dollars["weighted"]) == (1, 599.99)
    assert report["without_value"] == 1
    ann = next(
        r for r in report["by_owner"] if r["owner"] == "ann" and r["currency"] == "EUR"
    )
    assert (ann["deals"], ann["value"], ann["weighted"]) == (2, 3000.0, 1000.0)
    assert (ann["weighted_overdue"], ann["weighted_12_months"]) == (500.0, 500.0)


def test_range_is_deterministic_and_bounded(project: ProjectDir) -> None:
    _project(project)
    first = forecast(selection(project, "2026-03-15"))
    again = forecast(selection(project, "2026-03-15"))
    assert first == again
    for row in [*first["rows"], *first["total"]]:
        assert 0 <= row["p10"] <= row["p50"] <= row["p90"] <= row["value"], row
    # One deal at 50 %: P10 is nothing, P90 the whole value.
    march = _row(first, "2026-03", "EUR")
    assert (march["p10"], march["p90"]) == (0.0, 1000.0)


def test_owner_filter_keeps_only_their_clients(project: ProjectDir) -> None:
    _project(project)
    report = forecast(selection(project, "2026-03-15", owner="bo"))
    assert report["currencies"] == ["EUR"]
    assert report["total"][0]["weighted"] == 280.2
