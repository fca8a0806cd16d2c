"""The reports as plain-text tables for the terminal, read from the report document."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

DASH = "—"
NUMERIC = set("0123456789,.%/-" + DASH)


def amount(value: float | None) -> str:
    """An amount with thousands separators and cents, or a dash."""
    return DASH if value is None else f"{value:,.2f}"


def percent(share: float | None) -> str:
    """A share 0-1 as a percentage with one decimal, or a dash when suppressed."""
    return DASH if share is None else f"{share * 100:.1f}%"


def plain(value: Any) -> str:
    """Any other cell: a dash for None, else the value as text."""
    return DASH if value is None else str(value)


def _numeric(cell: str) -> bool:
    return bool(cell) and all(ch in NUMERIC for ch in cell)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell; numbers right-aligned, text left."""
    if not rows:
        return ["  " + "  ".join(h for h in headers if h), "  (none)"]
    columns = list(zip(headers, *rows, strict=True))
    widths = [max(len(cell) for cell in column) for column in columns]
    # The first column names the row: always left-aligned.
    right = [
        i > 0 and all(_numeric(c) for c in col[1:]) for i, col in enumerate(columns)
    ]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if r else cell.ljust(w)
            for cell, w, r in zip(cells, widths, right, strict=True)
        ]
        return "  " + "  ".join(parts).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *map(line, rows)]


def _values(values: list[dict[str, Any]]) -> str:
    return (
        ", ".join(
            f"{amount(v['won'])} {v['currency']} won of "
            f"{amount(v['won'] + v['lost'])} ({percent(v['win_rate'])})"
            for v in values
        )
        or DASH
    )


def _cells(row: dict[str, Any], label: str, *keys: str) -> list[str]:
    """A row's label, then its deal count and the amounts under `keys`."""
    return [label, str(row["deals"]), *(amount(row[key]) for key in keys)]


FORECAST_KEYS = ("value", "weighted", "p10", "p50", "p90")
OWNER_KEYS = ("value", "weighted", "weighted_overdue", "weighted_12_months")


def forecast_text(report: dict[str, Any]) -> list[str]:
    lines = ["Forecast: open deals by expected close"]
    if not report["currencies"]:
        lines.append("  no open deals")
    for currency in report["currencies"]:
        rows = [
            _cells(r, r["bucket"], *FORECAST_KEYS)
            for r in report["rows"]
            if r["currency"] == currency and r["deals"]
        ]
        total = next(t for t in report["total"] if t["currency"] == currency)
        rows.append(_cells(total, "total", *FORECAST_KEYS))
        headers = ["month", "deals", "value", "weighted", "P10", "P50", "P90"]
        lines += ["", f" {currency}", *table(headers, rows)]
    owners = [
        _cells(r, f"{r['owner']} ({r['currency']})", *OWNER_KEYS)
        for r in report["by_owner"]
    ]
    headers = ["owner", "deals", "value", "weighted", "overdue", "next 12 months"]
    sim = report["simulation"]
    return [
        *lines,
        "",
        " By owner",
        *table(headers, owners),
        f"  {report['without_value']} open deal(s) without a value; range "
        f"from {sim['trials']:,} seeded trials (seed {sim['seed']})",
    ]


def _groups(rows: list[dict[str, Any]], label: str) -> list[list[str]]:
    return [
        [
            r[label],
            str(r["closed"]),
            str(r["won"]),
            str(r["lost"]),
            percent(r["win_rate"]),
            _values(r["value"]),
        ]
        for r in rows
    ]


def winloss_text(report: dict[str, Any]) -> list[str]:
    headers = ["closed", "won", "lost", "win rate", "value"]
    total = report["total"]
    lines = [
        "Win and loss",
        *table(["", *headers], _groups([{**total, "": "all"}], "")),
    ]
    for key, title in (
        ("quarters", "quarter"),
        ("owners", "owner"),
        ("sources", "source"),
    ):
        lines += ["", *table([title, *headers], _groups(report[key], title))]
    days = report["days_to_close"]
    lines += [
        "",
        *table(
            ["days to close", "deals", "mean", "median"],
            [
                [kind, str(d["n"]), plain(d["mean"]), plain(d["median"])]
                for kind, d in days.items()
            ],
        ),
    ]
    missing = report["no_close_date"]
    lines.append(
        f"  without closed_on (left out of quarters): {missing['won']} won, "
        f"{missing['lost']} lost"
    )
    return lines


def _reason_rows(rows: list[dict[str, Any]], *first: str) -> list[list[str]]:
    return [
        [
            *(r[key] for key in first),
            r["reason"],
            str(r["deals"]),
            ", ".join(f"{amount(v['amount'])} {v['currency']}" for v in r["value"]),
            ", ".join(f"{s} {n}" for s, n in r["stage_when_lost"].items()),
        ]
        for r in rows
    ]


def reasons_text(report: dict[str, Any]) -> list[str]:
    headers = ["reason", "deals", "value", "stage when lost"]
    return [
        "Why clients say no",
        *table(headers, _reason_rows(report["reasons"])),
        "",
        *table(["quarter", *headers], _reason_rows(report["quarters"], "quarter")),
        "",
        *table(["owner", *headers], _reason_rows(report["owners"], "owner")),
        f"  lost deals without closed_on (left out of quarters): "
        f"{report['no_close_date']}",
    ]


def _deal_name(ref: dict[str, Any]) -> str:
    """The client's name, and the deal's title when it differs."""
    same = ref["deal"] in (None, ref["name"])
    return ref["name"] if same else f"{ref['name']} / {ref['deal']}"


def funnel_text(report: dict[str, Any]) -> list[str]:
    rows = [
        [
            s["stage"],
            str(s["reached"]),
            percent(s["to_next"]),
            f"{s['won']}/{s['closed']}",
            percent(s["to_won"]),
            str(s["stays"]),
            plain(s["median_days"]),
        ]
        for s in report["stages"]
    ]
    stuck = [
        [
            _deal_name(d),
            d["owner"],
            d["stage"],
            d["since"],
            str(d["days"]),
            plain(d["median"]),
        ]
        for d in report["stuck"]
    ]
    return [
        "Funnel and velocity",
        *table(
            [
                "stage",
                "reached",
                "to next",
                "won/closed",
                "to won",
                "stays",
                "median days",
            ],
            rows,
        ),
        f"  {report['with_history']} of {report['deals']} deals have stage history",
        "",
        " Stuck deals (over twice their stage's median)",
        *table(["deal", "owner", "stage", "since", "days", "median"], stuck),
    ]


def activity_text(report: dict[str, Any]) -> list[str]:
    kinds, owners = report["kinds"], report["owners"]
    rows = [
        [w["week"], str(w["entries"]), *(str(w["kinds"][k]) for k in kinds)]
        for w in report["weeks"]
    ]
    by_owner = [
        [w["week"], *(str(w["owners"][o]) for o in owners)] for w in report["weeks"]
    ]
    silent = [
        [s["name"], s["owner"], plain(s["last_contact"]), str(s["days"])]
        for s in report["silences"]
    ]
    weeks = [
        *table(["week", "entries", *kinds], rows),
        "",
        *table(["week", *owners], by_owner),
    ]
    if not kinds:
        weeks = ["  no log entries in these weeks"]
    return [
        f"Activity {report['from']} to {report['to']}",
        *weeks,
        "",
        " Longest silences",
        *table(["client", "owner", "last contact", "days"], silent),
    ]


def calibration_text(report: dict[str, Any]) -> list[str]:
    rows = [
        [
            b["bucket"],
            str(b["deals"]),
            str(b["won"]),
            percent(b["predicted"]),
            percent(b["observed"]),
        ]
        for b in report["buckets"]
    ]
    stages = [
        [
            s["stage"],
            percent(s["default"]),
            f"{s['won']}/{s['deals']}",
            percent(s["observed"]),
        ]
        for s in report["stages"]
    ]
    brier = plain(report["brier"])
    return [
        "Calibration: probability before closing against outcome",
        *table(["probability", "deals", "won", "predicted", "observed"], rows),
        f"  Brier score {brier} over {report['deals']} closed deals "
        f"({report['without_history']} without stage history left out); "
        f"{DASH} rests on fewer than {report['min_deals']} deals",
        "",
        *table(["stage", "default", "won/closed", "observed"], stages),
    ]


def hygiene_text(report: dict[str, Any]) -> list[str]:
    rows = [
        [f"{i['path']}:{i['line']}", i["issue"], i["message"]] for i in report["items"]
    ]
    return ["Data hygiene", *table(["where", "issue", "what"], rows)]


RENDERERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "forecast": forecast_text,
    "winloss": winloss_text,
    "reasons": reasons_text,
    "funnel": funnel_text,
    "activity": activity_text,
    "calibration": calibration_text,
    "hygiene": hygiene_text,
}


def document_text(document: dict[str, Any]) -> str:
    """Every report of the document, one after another."""
    owner = f" for {document['owner']}" if document["owner"] else ""
    lines = [f"Reports{owner}, today {document['today']}"]
    for name, report in document["reports"].items():
        lines += ["", *RENDERERS[name](report)]
    return "\n".join(lines) + "\n"
