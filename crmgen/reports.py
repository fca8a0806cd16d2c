"""Every report, computed in one place: the document the terminal, JSON and site show.

Each report is a pure function of the selected deals (see reportdata) that
returns a JSON-ready mapping; docs/reports.md defines every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from crmgen.activity import activity
from crmgen.cache import gc_paused
from crmgen.calibration import calibration
from crmgen.derive import Facts
from crmgen.forecast import forecast
from crmgen.funnel import funnel
from crmgen.history import StageEvent
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
    project: Project,
    names: Sequence[str] | None = None,
    owner: str | None = None,
    extra: Iterable[StageEvent] = (),
    known: Mapping[str, Facts] | None = None,
) -> dict[str, Any]:
    """The chosen reports (all by default) for the project, or one owner's clients.

    extra: stage moves recovered from git (see gitfacts), joined to the log's;
    known: each client's facts when the caller has derived them already.
    """
    chosen = list(REPORTS) if not names else list(names)
    # The reports build many small acyclic records: nothing for the collector.
    with gc_paused():
        data = report_input(project, owner, extra, known)
        return {
            "version": VERSION,
            "today": project.today.isoformat(),
            "owner": owner,
            "currency": project.config.currency,
            "stage_moves": move_sources(data),
            "reports": {name: REPORTS[name](data) for name in chosen},
        }


def move_sources(data: ReportInput) -> dict[str, int]:
    """How many of the selected deals' stage moves each source gave."""
    counts = {"log": 0, "git": 0}
    for row in data.rows:
        for event in row.history:
            counts[event.source] = counts.get(event.source, 0) + 1
    return counts
