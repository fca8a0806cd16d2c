"""The reports page: charts and tables made from the same report document as JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from crmgen.charts import Chart, Series, figure
from crmgen.derive import Facts
from crmgen.history import StageEvent
from crmgen.loader import Project
from crmgen.render import money
from crmgen.report_text import amount, percent, plain
from crmgen.reports import report_document


def in_currency(currency: str) -> Callable[[float | None], str]:
    """Amounts the way the rest of the site shows them: `€7,380`."""
    return lambda value: money(value, currency)


def whole(currency: str) -> Callable[[float | None], str]:
    """Axis amounts without cents: `€200,000`."""
    return lambda value: money(None if value is None else round(value), currency)


def count(value: float | None) -> str:
    """A whole number of deals or entries, or a dash."""
    return plain(None if value is None else int(value))


def _forecast(report: dict[str, Any]) -> list[Markup]:
    charts: list[Markup] = []
    for currency in report["currencies"]:
        rows = [r for r in report["rows"] if r["currency"] == currency]
        charts.append(
            figure(
                Chart(
                    key=f"forecast-{currency}",
                    title=f"Weighted forecast by expected close, {currency}",
                    x_label="Expected close",
                    y_label=f"Weighted value ({currency})",
                    categories=tuple(r["bucket"] for r in rows),
                    series=(
                        Series("Weighted value", tuple(r["weighted"] for r in rows)),
                    ),
                    ranges=tuple((r["p10"], r["p50"], r["p90"]) for r in rows),
                    axis_fmt=whole(currency),
                    whole=True,
                    fmt=in_currency(currency),
                )
            )
        )
    return charts


def _winloss(report: dict[str, Any]) -> list[Markup]:
    quarters = report["quarters"]
    labels = tuple(q["quarter"] for q in quarters)
    won = tuple(q["won"] for q in quarters)
    lost = tuple(q["lost"] for q in quarters)
    charts = [
        figure(
            Chart(
                key="winloss-deals",
                title="Deals won and lost per quarter of closing",
                x_label="Quarter",
                y_label="Closed deals",
                categories=labels,
                series=(Series("Won", won), Series("Lost", lost)),
                stacked=True,
                fmt=count,
                whole=True,
            )
        )
    ]
    for currency in report["currencies"]:
        value_won = tuple(_value(q, currency, "won") for q in quarters)
        charts.append(
            figure(
                Chart(
                    key=f"winloss-value-{currency}",
                    title=f"Value won per quarter, {currency}",
                    x_label="Quarter",
                    y_label=f"Value won ({currency})",
                    categories=labels,
                    series=(Series("Won", value_won),),
                    axis_fmt=whole(currency),
                    whole=True,
                    fmt=in_currency(currency),
                )
            )
        )
    return charts


def _value(group: dict[str, Any], currency: str, key: str) -> float:
    return next((v[key] for v in group["value"] if v["currency"] == currency), 0.0)


def _reasons(report: dict[str, Any]) -> list[Markup]:
    rows = report["reasons"]
    return [
        figure(
            Chart(
                key="reasons-lost",
                title="Lost deals by reason",
                x_label="Lost deals",
                y_label="Reason",
                categories=tuple(r["reason"] for r in rows),
                series=(Series("Lost deals", tuple(r["deals"] for r in rows)),),
                horizontal=True,
                fmt=count,
                whole=True,
            )
        )
    ]


def _funnel(report: dict[str, Any]) -> list[Markup]:
    stages = report["stages"]
    return [
        figure(
            Chart(
                key="funnel-reached",
                title="Deals that reached each stage",
                x_label="Deals",
                y_label="Stage",
                categories=tuple(s["stage"] for s in stages),
                series=(Series("Reached", tuple(s["reached"] for s in stages)),),
                horizontal=True,
                fmt=count,
                whole=True,
            )
        )
    ]


def _activity(report: dict[str, Any]) -> list[Markup]:
    weeks = report["weeks"]
    return [
        figure(
            Chart(
                key="activity-kinds",
                title="Log entries per week by kind",
                x_label="ISO week",
                y_label="Log entries",
                categories=tuple(w["week"][5:] for w in weeks),
                series=tuple(
                    Series(kind, tuple(w["kinds"][kind] for w in weeks))
                    for kind in report["kinds"]
                ),
                stacked=True,
                fmt=count,
                whole=True,
            )
        )
    ]


def _calibration(report: dict[str, Any]) -> list[Markup]:
    buckets = report["buckets"]
    return [
        figure(
            Chart(
                key="calibration-buckets",
                title="Probability before closing against share won",
                x_label="Probability bucket, % (closed deals in it)",
                y_label="Share",
                # How many deals each share rests on: "—" is a bucket too thin.
                categories=tuple(f"{b['bucket']} ({b['deals']})" for b in buckets),
                series=(
                    Series("Predicted", tuple(b["predicted"] for b in buckets)),
                    Series("Observed", tuple(b["observed"] for b in buckets)),
                ),
                fmt=percent,
            )
        )
    ]


LIST_LIMIT = 100  # rows of a long list on the page; the terminal and JSON keep all


def hygiene_shown(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The first LIST_LIMIT hygiene items of each issue, in the report's order."""
    shown: dict[str, list[dict[str, Any]]] = {issue: [] for issue in report["counts"]}
    for item in report["items"]:
        mine = shown.setdefault(item["issue"], [])
        if len(mine) < LIST_LIMIT:
            mine.append(item)
    return shown


CHARTS = {
    "forecast": _forecast,
    "winloss": _winloss,
    "reasons": _reasons,
    "funnel": _funnel,
    "activity": _activity,
    "calibration": _calibration,
}


def render_reports(
    env: jinja2.Environment,
    common: dict[str, Any],
    project: Project,
    extra: Iterable[StageEvent] = (),
    known: Mapping[str, Facts] | None = None,
) -> str:
    """`reports.html`: the site's common template variables plus the reports;
    extra: stage moves recovered from git; known: the clients' facts, by id,
    when the caller has derived them already."""
    context = reports_context(project, extra, known)
    return env.get_template("reports.html").render(common, **context)


def reports_context(
    project: Project,
    extra: Iterable[StageEvent] = (),
    known: Mapping[str, Facts] | None = None,
) -> dict[str, Any]:
    """What templates/reports.html needs beyond the site's common variables."""
    document = report_document(project, extra=extra, known=known)
    reports = document["reports"]
    charts = {name: make(reports[name]) for name, make in CHARTS.items()}
    return {
        "document": document,
        "reports": reports,
        "charts": charts,
        "hygiene_shown": hygiene_shown(reports["hygiene"]),
        "amount": amount,
        "share": percent,
        "plain": plain,
        "limit": LIST_LIMIT,
    }
