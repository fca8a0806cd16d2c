"""The public Maven CRM data set imported end to end: every opportunity lands
in a client file, `check` passes, and data.json adds up to the CSV."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from typing import Any

import pytest
from conftest import REPO, ProjectDir, Result

DATA = REPO.parent / "shared" / "data" / "maven-crm"
MAPPING = REPO / "docs" / "examples" / "maven-crm.toml"
STAGES = {"Prospecting": "lead", "Engaging": "qualified", "Won": "won", "Lost": "lost"}

pytestmark = pytest.mark.skipif(
    not DATA.is_dir() and not os.environ.get("CI"),
    reason=f"the maven-crm data set is not at {DATA}")


def _pipeline() -> list[dict[str, str]]:
    with (DATA / "sales_pipeline.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


ARGS = ("import", "csv", str(DATA / "sales_pipeline.csv"), "--map", str(MAPPING),
        "--today", "2026-12-03")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectDir, Result]:
    """One import of the data set and its site, shared by the tests (it takes
    seconds); the result is the import's."""
    project = ProjectDir(tmp_path_factory.mktemp("maven") / "project")
    result = project.run(*ARGS)
    built = project.run("build", "--out", str(project.root / "site"),
                        "--today", "2026-12-03")
    assert built.status == 0, built
    return project, result


def test_maven_import_matches_the_csv(imported: tuple[ProjectDir, Result]) -> None:
    project, result = imported
    assert result.status == 0, result
    assert "skipped 0 of 8800 rows" in result.out, result
    assert "replaced 'GTXPro' with 'GTX Pro' on 1480 rows" in result.out, result
    assert "replaced 'technolgy' with 'technology'" in result.out, result

    check = project.run("check", "--today", "2026-12-03")
    assert check.status == 0, check
    assert " 0 errors" in check.out, check

    document = json.loads((project.root / "site/data.json").read_text("utf-8"))
    deals = [deal for client in document["clients"] for deal in client["deals"]]
    rows = _pipeline()
    assert len(deals) == len(rows) == 8800
    assert Counter(d["stage"] for d in deals) == Counter(
        STAGES[r["deal_stage"]] for r in rows)
    assert Counter(d["stage"] for d in deals)["won"] == 4238

    won_by_owner: Counter[str] = Counter()
    for client in document["clients"]:
        for deal in client["deals"]:
            if deal["stage"] == "won":
                won_by_owner[client["owner"]] += int(deal["value"])
    expected: Counter[str] = Counter()
    for row in rows:
        if row["deal_stage"] == "Won":
            expected[row["sales_agent"]] += int(row["close_value"])
    assert won_by_owner == expected
    assert sum(won_by_owner.values()) == 10_005_534


def test_maven_unassigned_opportunities_are_kept(
        imported: tuple[ProjectDir, Result]) -> None:
    project, _ = imported
    unassigned = sorted((project.root / "clients").glob("unassigned-*.md"))
    deals = sum(path.read_text("utf-8").count("\n  - title: ")
                for path in unassigned)
    assert deals == 1425
    assert len(unassigned) == len({r["sales_agent"] for r in _pipeline()
                                   if not r["account"]})


@pytest.mark.browser
def test_maven_site_opens_in_the_browser(imported: tuple[ProjectDir, Result],
                                         chromium: Any) -> None:
    project, _ = imported
    site = (project.root / "site").resolve()
    errors: list[str] = []
    page = chromium.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"file://{site}/index.html")
    assert "Cancity" in page.inner_text("body")
    page.goto(f"file://{site}/clients/cancity-moses-frase.html")
    assert "GTX Plus Basic" in page.inner_text("body")
    page.close()
    assert errors == []


def test_maven_reimport_reports_every_row_as_duplicate(
        imported: tuple[ProjectDir, Result]) -> None:
    project, _ = imported
    before = sorted(p.read_bytes() for p in (project.root / "clients").glob("*.md"))
    again = project.run(*ARGS)
    assert again.status == 1, again
    assert "created 0 clients" in again.out and "skipped 8800 of 8800" in again.out
    assert "(the same company name); not imported" in again.out
    after = sorted(p.read_bytes() for p in (project.root / "clients").glob("*.md"))
    assert before == after
