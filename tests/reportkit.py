"""Helpers for the report tests: small client files and the selection they make."""

from __future__ import annotations

import datetime as dt

from conftest import ProjectDir

from crmgen.loader import load_project
from crmgen.reportdata import ReportInput, report_input


def deal_client(
    project: ProjectDir,
    client_id: str,
    *keys: str,
    log: tuple[str, ...] = (),
    first: str = "2026-01-01",
) -> None:
    """Write a one-deal client: its front-matter lines, then its log entries."""
    lines = [
        "---",
        f"name: {client_id.title()}",
        f"first_contact: {first}",
        *keys,
        "---",
        "",
        "## Log",
        "",
    ]
    for entry in log:
        lines += [f"### {entry}", ""]
    project.write(f"clients/{client_id}.md", "\n".join(lines) + "\n")


def selection(project: ProjectDir, today: str, owner: str | None = None) -> ReportInput:
    """The report input of the project for that day."""
    loaded = load_project(project.root, dt.date.fromisoformat(today))
    return report_input(loaded, owner)
