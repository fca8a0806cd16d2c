"""`crmgen export csv|vcf`, and the round trip: export csv, import it into an
empty project, and `export json` says the same apart from the log."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import vobject
from conftest import REPO, ProjectDir

TODAY = ("--today", "2026-12-03")
CONFIG = """
    [fields]
    industry = "text"
    employees = "integer"
"""
ACME = """
    ---
    name: Acme
    company: Acme Ltd
    contact: Ann O'Brien
    email: ann@acme.example
    phone: "0871234567"
    tags: [retail, key-account]
    first_contact: 2026-01-05
    next_follow_up: 2026-12-10
    industry: retail
    employees: 40
    call_window: "10:30"
    currency: USD
    deals:
      - title: Espresso bar
        stage: proposal
        probability: 55
        value: 1200.5
        opened: 2026-02-01
        expected_close: 2027-01-15
      - title: Service plan
        stage: lost
        value: 300
        closed_on: 2026-06-01
        lost_reason: price
    ---

    Café on the quay; "quoted" text, commas, and
    two lines.

    ## Log

    ### 2026-11-20 call: talked prices

    Long body the CSV does not carry.
"""
BETA = """
    ---
    name: Beta
    first_contact: 2026-03-01
    last_contact: 2026-03-04
    stage: won
    value: 900
    closed_on: 2026-04-01
    ---
"""


def _project(project: ProjectDir) -> ProjectDir:
    project.write("crmgen.toml", CONFIG)
    project.client("acme", ACME)
    project.client("beta", BETA)
    return project


def _document(project: ProjectDir) -> dict[str, Any]:
    """export json without what the round trip cannot keep: lines and paths."""
    result = project.run("export", "json", *TODAY)
    assert result.status == 0, result
    document = json.loads(result.out)
    for client in document["clients"]:
        del client["path"]
        for entry in client["log"]:
            del entry["line"]
        for deal in client["deals"]:
            del deal["line"]
    for problem in document["problems"]:
        del problem["line"], problem["path"]
    # Sub-folders are not carried, so path order may differ: key clients by id.
    document["clients"] = {client["id"]: client for client in document["clients"]}
    return document


def test_csv_has_one_row_per_deal_with_client_fields(project: ProjectDir) -> None:
    result = _project(project).run("export", "csv", *TODAY)
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["id"], r["deal"], r["stage"]) for r in rows] == [
        ("acme", "Espresso bar", "proposal"), ("acme", "Service plan", "lost"),
        ("beta", "Beta", "won")]
    assert rows[0]["phone"] == rows[1]["phone"] == "0871234567"
    assert rows[0]["tags"] == "retail; key-account"
    assert rows[0]["last_contact"] == "2026-11-20"
    assert rows[0]["call_window"] == "10:30" and rows[0]["employees"] == "40"
    assert rows[0]["probability"] == "55" and rows[1]["probability"] == ""


def test_excel_csv_has_a_bom_semicolons_and_decimal_commas(project: ProjectDir
                                                           ) -> None:
    _project(project).run("export", "csv", "--excel", "-o",
                          str(project.root / "out.csv"), *TODAY)
    text = (project.root / "out.csv").read_bytes().decode("utf-8")
    assert text.startswith("\ufeffid;name;")
    assert ";1200,5;" in text


def test_vcf_is_one_vcard_4_per_client(project: ProjectDir) -> None:
    result = _project(project).run("export", "vcf", *TODAY)
    cards = list(vobject.readComponents(result.out))
    assert [card.fn.value for card in cards] == ["Ann O'Brien", "Beta"]
    assert all(card.version.value == "4.0" for card in cards)
    assert cards[0].tel.value == "0871234567"
    assert cards[0].org.value == ["Acme Ltd"]
    assert cards[1].kind.value == "org"


def test_export_csv_then_import_gives_the_same_json_log_included(project: ProjectDir,
                                                    tmp_path: Any) -> None:
    exported = _project(project).run("export", "csv", "-o", str(tmp_path / "x.csv"),
                                     *TODAY)
    assert exported.status == 0, exported
    empty = ProjectDir(tmp_path / "empty")
    empty.write("crmgen.toml", CONFIG)
    result = empty.run("import", "csv", str(tmp_path / "x.csv"), "--preset", "crmgen",
                       *TODAY)
    assert result.status == 0, result
    assert "created 2 clients with 3 deals" in result.out, result
    assert _document(empty) == _document(project)


def test_the_sample_pipeline_survives_the_csv_round_trip(tmp_path: Any) -> None:
    sample = ProjectDir(REPO)
    sample_csv = tmp_path / "sample.csv"
    assert sample.run("export", "csv", "-o", str(sample_csv), *TODAY).status == 0
    empty = ProjectDir(tmp_path / "empty")
    empty.write("crmgen.toml", (REPO / "crmgen.toml").read_bytes())
    result = empty.run("import", "csv", str(sample_csv), "--preset", "crmgen", *TODAY)
    assert result.status == 0, result
    assert _document(empty) == _document(sample)


def test_ics_is_the_sites_follow_up_calendar(project: ProjectDir) -> None:
    import icalendar

    _project(project)
    result = project.run("export", "ics", *TODAY)
    assert result.status == 0, result
    events = icalendar.Calendar.from_ical(result.out).walk("VEVENT")
    assert [(str(e["summary"]), e.decoded("dtstart").isoformat()) for e in events] \
        == [("Follow up: Acme", "2026-12-10")]
    built = project.run("build", "--out", str(project.root / "out"), *TODAY)
    assert built.status == 0, built
    assert (project.root / "out/followups.ics").read_bytes() == result.out.encode()
