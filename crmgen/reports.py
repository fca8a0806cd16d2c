"""Every report, computed in one place: the document the terminal, JSON and site show.

Each report is a pure function of the selected deals (see reportdata) that
returns a JSON-ready mapping; docs/reports.md defines every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from crmgen.activity import activity
from crmgen.calibration import calibration
from crmgen.forecast import forecast
from crmgen.funnel import funnel
from crmgen.hygiene import hygiene
from crmgen.loader import Project
from crmgen.reportdata import ReportInput, report_input
from crmgen.winloss import reasons, winloss

VERSION = 1

REPORTS: dict[str, Callable[[ReportInput], dict[str, Any]]] = {
    "forecast": forecast,
    "winloss": winloss,
    "reasons": reasons,
    "funnel": funnel,
    "activity": activity,
    "calibration": calibration,
    "hygiene": hygiene,
}


def report_document(
    project: Project, names: Sequence[str] | None = None, owner: str | None = None
) -> dict[str, Any]:
    """The chosen reports (all by default) for the project, or one owner's clients."""
    data = report_input(project, owner)
    chosen = list(REPORTS) if not names else list(names)
    return {
        "version": VERSION,
        "today": project.today.isoformat(),
        "owner": owner,
        "currency": project.config.currency,
        "reports": {name: REPORTS[name](data) for name in chosen},
    }
