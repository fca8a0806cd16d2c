# ruff: noqa: E501 - the inline CSV exports keep their real, long header lines
"""The shipped presets read their CRM's exports into clients that pass check."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ProjectDir

from crmgen.mapping import MappingError, load_mapping, parse_mapping, presets

TODAY = ("--today", "2026-12-03")


def _run(project: ProjectDir, preset: str, text: str) -> dict[str, Any]:
    path = project.write("export.csv", text)
    result = project.run("import", "csv", str(path), "--preset", preset, *TODAY)
    check = project.run("check", *TODAY)
    assert check.status == 0, f"{result}\n{check}"
    document = json.loads(project.run("export", "json", *TODAY).out)
    return {"result": result, "clients": {c["id"]: c for c in document["clients"]}}


def test_every_preset_loads() -> None:
    assert {"hubspot-deals", "hubspot-contacts", "pipedrive-deals",
            "pipedrive-contacts", "crmgen"} <= set(presets())
    for name in presets():
        assert load_mapping(name, None).fields["name"]


def test_hubspot_deals(project: ProjectDir) -> None:
    found = _run(project, "hubspot-deals", '''
        Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,Associated Company,Closed Lost Reason,Deal Description
        101,Espresso bar,Presentation Scheduled,"1,200.50",2027-01-15 00:00,2026-10-02 09:15,Anna Byrne,Harbour Dental,,"Wants a demo; ""soon"""
        102,Service plan,Closed Lost,300,2026-06-01 00:00,2026-05-01 10:00,Anna Byrne,Harbour Dental,Price,
        103,Solo deal,closedwon,900,2026-04-01 00:00,2026-03-01 10:00,Ben Ryan,,,
        ''')
    clients = found["clients"]
    assert set(clients) == {"harbour-dental", "solo-deal"}, found["result"]
    deals = {d["title"]: d for d in clients["harbour-dental"]["deals"]}
    assert deals["Espresso bar"]["stage"] == "proposal"
    assert deals["Espresso bar"]["value"] == 1200.5
    assert deals["Espresso bar"]["expected_close"] == "2027-01-15"
    assert deals["Service plan"]["lost_reason"] == "Price"
    assert clients["harbour-dental"]["owner"] == "Anna Byrne"
    assert clients["harbour-dental"]["log"][0]["body"] == 'Wants a demo; "soon"'
    assert clients["solo-deal"]["deals"][0]["closed_on"] == "2026-04-01"


def test_pipedrive_deals_status_wins_over_stage(project: ProjectDir) -> None:
    found = _run(project, "pipedrive-deals", """
        Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,Deal - Stage,Deal - Status,Deal - Owner,Deal - Deal created,Deal - Won time,Deal - Lost time,Deal - Lost reason
        1,Bar,500,EUR,Osprey,Proposal Made,open,Cara,2026-01-02 10:00:00,,,
        2,Cafe,700,EUR,Osprey,Proposal Made,won,Cara,2026-01-03 10:00:00,2026-02-03 11:00:00,,
        3,Kiosk,100,EUR,Osprey,Qualified,lost,Cara,2026-01-04 10:00:00,,2026-03-01 09:00:00,No budget
        4,Gone,100,EUR,Osprey,Qualified,deleted,Cara,2026-01-04 10:00:00,,,
        """)
    deals = {d["title"]: d for d in found["clients"]["osprey"]["deals"]}
    assert {t: d["stage"] for t, d in deals.items()} == {
        "Bar": "proposal", "Cafe": "won", "Kiosk": "lost"}
    assert deals["Cafe"]["closed_on"] == "2026-02-03"
    assert deals["Kiosk"]["lost_reason"] == "No budget"
    assert "row 4: skipped: column `Deal - Status`: stage 'deleted'" in \
        found["result"].out


def test_hubspot_contacts(project: ProjectDir) -> None:
    found = _run(project, "hubspot-contacts", """
        Record ID,First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage,Create Date,Contact owner,Became a Customer Date
        1,Ann,Byrne,ann@harbour.example,0871234567,Harbour Dental,Sales Qualified Lead,2026-01-02 10:00,Cara,
        2,Ben,,ben@osprey.example,,Osprey,customer,2026-01-03 10:00,Cara,2026-02-01 12:00
        3,Ann,Byrne,ANN@harbour.example,,Harbour Dental,lead,2026-01-04 10:00,Cara,
        """)
    clients = found["clients"]
    assert clients["ann-byrne"]["phone"] == "0871234567"
    assert clients["ann-byrne"]["deals"][0]["stage"] == "qualified"
    assert clients["ben"]["deals"][0]["closed_on"] == "2026-02-01"
    assert "row 3: skipped: duplicate of row 1: the same `email`" in \
        found["result"].out


def test_pipedrive_contacts(project: ProjectDir) -> None:
    found = _run(project, "pipedrive-contacts", """
        Person - Name,Person - Email,Person - Phone,Person - Organization,Person - Owner,Person - Person created,Person - Labels
        Cara Doyle,cara@x.example,+353 1 555,Doyle & Co,Dan,2026-01-02 10:00:00,"hot, vip"
        """)
    client = found["clients"]["cara-doyle"]
    assert client["company"] == "Doyle & Co" and client["tags"] == ["hot", "vip"]
    assert client["deals"][0]["stage"] == "lead"


def test_mapping_errors_name_the_problem() -> None:
    with pytest.raises(MappingError, match="at least `name`"):
        parse_mapping("[fields]\nemail = 'E'\n", "m.toml")
    with pytest.raises(MappingError, match="`nmae` is not a field"):
        parse_mapping("[fields]\nname = 'N'\nnmae = 'X'\n", "m.toml")
    with pytest.raises(MappingError, match="group_by names `owner`"):
        parse_mapping("group_by = ['owner']\n[fields]\nname = 'N'\n", "m.toml")
    with pytest.raises(MappingError, match="no preset named `hubspot`"):
        load_mapping("hubspot", None)
