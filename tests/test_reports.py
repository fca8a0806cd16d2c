"""The report document: the same figures whether the facts come along or not."""

from __future__ import annotations

import dataclasses
import datetime as dt

from conftest import ProjectDir
from reportkit import deal_client

from crmgen.derive import facts
from crmgen.loader import load_project
from crmgen.reports import report_document

TODAY = dt.date(2026, 6, 3)


def _project(project: ProjectDir) -> None:
    deal_client(
        project,
        "a",
        "stage: proposal",
        "value: 1200",
        "owner: ann",
        "expected_close: 2026-05-10",
        log=("2026-05-02 call",),
    )
    deal_client(project, "b", "stage: lead", "value: 300", first="2026-04-01")
    deal_client(
        project,
        "c",
        "stage: lost",
        "closed_on: 2026-05-20",
        log=("2026-05-20 stage: qualified -> lost",),
    )


def test_known_facts_give_the_same_document(project: ProjectDir) -> None:
    _project(project)
    loaded = load_project(project.root, TODAY)
    known = {c.id: facts(c, loaded.config, TODAY) for c in loaded.clients}
    assert report_document(loaded, known=known) == report_document(loaded)


def test_known_facts_are_taken_and_missing_ones_derived(project: ProjectDir) -> None:
    _project(project)
    loaded = load_project(project.root, TODAY)
    by_id = {c.id: c for c in loaded.clients}
    # A fact no file supports shows that the given facts are read, not redone.
    told = dataclasses.replace(
        facts(by_id["a"], loaded.config, TODAY), days_since_contact=999
    )
    document = report_document(loaded, ["activity"], known={"a": told})
    silences = document["reports"]["activity"]["silences"]
    assert [(s["client"], s["days"]) for s in silences] == [("a", 999), ("b", 63)]
