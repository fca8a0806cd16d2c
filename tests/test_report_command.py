"""`crmgen report`: tables in the terminal, one JSON document with --json."""

from __future__ import annotations

import json

from conftest import ProjectDir
from reportkit import deal_client

from crmgen.reports import REPORTS


def _project(project: ProjectDir) -> None:
    deal_client(
        project,
        "a",
        "stage: proposal",
        "value: 1234.5",
        "owner: ann",
        "expected_close: 2026-07-10",
    )
    deal_client(
        project,
        "b",
        "stage: lost",
        "lost_reason: price",
        "value: 99",
        "closed_on: 2026-05-02",
        "owner: bo",
        log=("2026-05-02 stage: qualified -> lost",),
    )


def test_json_holds_every_report(project: ProjectDir) -> None:
    _project(project)
    result = project.run("report", "--json", "--today", "2026-06-01")
    assert result.status == 0, result
    document = json.loads(result.out)
    assert document["version"] == 1
    assert document["today"] == "2026-06-01"
    assert list(document["reports"]) == list(REPORTS)
    total = document["reports"]["forecast"]["total"][0]
    assert (total["value"], total["weighted"]) == (1234.5, 740.7)


def test_one_report_for_one_owner(project: ProjectDir) -> None:
    _project(project)
    result = project.run(
        "report", "reasons", "--owner", "bo", "--json", "--today", "2026-06-01"
    )
    assert result.status == 0, result
    document = json.loads(result.out)
    assert document["owner"] == "bo"
    assert list(document["reports"]) == ["reasons"]
    assert document["reports"]["reasons"]["reasons"][0]["stage_when_lost"] == {
        "qualified": 1
    }


def test_tables_show_the_same_figures(project: ProjectDir) -> None:
    _project(project)
    result = project.run("report", "--today", "2026-06-01")
    assert result.status == 0, result
    assert "1,234.50" in result.out and "740.70" in result.out, result
    assert "Why clients say no" in result.out
    assert "price" in result.out


def test_unknown_report_is_a_usage_error(project: ProjectDir) -> None:
    _project(project)
    result = project.run("report", "pipeline")
    assert result.status == 2
    assert "invalid choice" in result.err, result


def test_errors_in_the_files_are_noted_off_stdout(project: ProjectDir) -> None:
    _project(project)
    project.write("clients/broken.md", "---\nname: [\n---\n")
    result = project.run("report", "--json", "--today", "2026-06-01")
    assert result.status == 0, result
    assert json.loads(result.out)["reports"]["forecast"]["total"][0]["deals"] == 1
    assert "1 error(s) in the files" in result.err, result
