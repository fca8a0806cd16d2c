"""`crmgen import csv` on files the way spreadsheets break them: every row is
written or reported with its number, and nothing is left half done."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import ProjectDir

from crmgen.config import Config
from crmgen.parse import parse_client

MAPPING = """
    [fields]
    name = "Company"
    contact = "Contact"
    email = "Email"
    phone = "Phone"
    stage = "Stage"
    value = "Value"
    first_contact = "Created"
    notes = "Notes"

    [stages]
    "Closed Won" = "won"
    New = "lead"

    [defaults]
    stage = "lead"
"""
TODAY = ("--today", "2026-12-03")


@pytest.fixture(autouse=True)
def _in_project(project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the project folder, so reports name files as the user typed them."""
    monkeypatch.chdir(project.root)


def _csv(project: ProjectDir, text: str | bytes, name: str = "in.csv") -> str:
    if isinstance(text, str):
        text = textwrap.dedent(text).lstrip("\n").encode("utf-8")
    project.write(name, text)
    return name


def _import(project: ProjectDir, csv_path: str, *extra: str) -> object:
    project.write("map.toml", MAPPING)
    return project.run("import", "csv", csv_path, "--map",
                       str(project.root / "map.toml"), *TODAY, *extra)


def _client(project: ProjectDir, client_id: str) -> dict[str, object]:
    path = f"clients/{client_id}.md"
    client, problems = parse_client(path, (project.root / path).read_bytes(), Config())
    assert client is not None, problems
    assert not [p for p in problems if p.severity == "error"], problems
    return dict(client.front_matter)


def _files(project: ProjectDir) -> dict[str, bytes]:
    return {p.relative_to(project.root).as_posix(): p.read_bytes()
            for p in (project.root / "clients").rglob("*") if p.is_file()}


def test_utf8_bom_and_leading_zero_phone(project: ProjectDir) -> None:
    path = _csv(project, "\ufeffCompany,Email,Phone,Created\n"
                         "Harbour Dental,ann@harbour.example,0871234567,2024-03-05\n")
    result = _import(project, path)
    assert result.status == 0, result
    client = _client(project, "harbour-dental")
    assert client["phone"] == "0871234567"
    assert client["first_contact"] == "2024-03-05"
    assert 'phone: "0871234567"' in (project.root / "clients/harbour-dental.md"
                                     ).read_text("utf-8")


def test_windows_1252_with_semicolons_and_euro_amounts(project: ProjectDir) -> None:
    text = "Company;Contact;Value;Created\nCafé Élan;Zoë;€1.200,50;25/03/2024\n"
    result = _import(project, _csv(project, text.encode("cp1252")))
    assert result.status == 0, result
    assert "read as windows-1252" in result.out, result
    client = _client(project, "cafe-elan")
    assert client["name"] == "Café Élan"
    assert client["contact"] == "Zoë"
    assert client["value"] == 1200.5


def test_amounts_in_european_and_english_forms(project: ProjectDir) -> None:
    text = "Company;Value\nA;1.200\nB;1.200,5\nC;1200,5\nD;1 200\n"
    assert _import(project, _csv(project, text)).status == 0
    values = {c: _client(project, c)["value"] for c in "abcd"}
    assert values == {"a": 1200, "b": 1200.5, "c": 1200.5, "d": 1200}
    text = "Company,Value\nE,\"1,200\"\nF,1200.5\nG,$1.5\n"
    assert _import(project, _csv(project, text, "en.csv")).status == 0
    assert [_client(project, c)["value"] for c in "efg"] == [1200, 1200.5, 1.5]


def test_tabs_embedded_newlines_and_doubled_quotes(project: ProjectDir) -> None:
    path = _csv(project, 'Company\tNotes\tStage\n'
                         'Osprey\t"First line\nHe said ""call me"""\tNew\n'
                         'Bad Stage Ltd\tx\tPending\n')
    result = _import(project, path)
    assert result.status == 1, result
    assert "in.csv:4: row 2: skipped: column `Stage`: stage 'Pending'" in result.out
    body = (project.root / "clients/osprey.md").read_text("utf-8")
    assert 'First line\nHe said "call me"' in body


def test_row_spanning_lines_is_reported_with_its_lines(project: ProjectDir) -> None:
    path = _csv(project, 'Company,Notes,Value\n'
                         'Ok Co,fine,10\n'
                         'Broken Co,"two\nlines",lots\n')
    result = _import(project, path)
    assert "in.csv:3: row 2, lines 3-4: skipped: column `Value`: 'lots' is not an " \
           "amount" in result.out, result


def test_bad_rows_are_each_reported_with_their_number(project: ProjectDir) -> None:
    path = _csv(project, """
        Company,Email,Stage,Value,Created
        Good Co,good@x.example,New,100,2024-01-02
        ,nobody@x.example,New,5,2024-01-02
        Short Co,short@x.example
        Value Co,value@x.example,New,-5,2024-01-02
        Date Co,date@x.example,New,5,2024-02-30
        """)
    result = _import(project, path)
    assert result.status == 1, result
    lines = result.out.splitlines()
    assert lines[0].startswith("in.csv:3: row 2: skipped: no client name"), result
    assert lines[1].startswith("in.csv:4: row 3: skipped: the row has 2 cells but "
                               "the header has 5"), result
    assert lines[2].startswith("in.csv:5: row 4: skipped: column `Value`"), result
    assert lines[3].startswith("in.csv:6: row 5: skipped: column `Created`: "
                               "'2024-02-30' is not a date"), result
    assert "created 1 client with 1 deal" in lines[-1], result
    assert "skipped 4 of 5 rows" in lines[-1], result


def test_ambiguous_dates_are_refused(project: ProjectDir) -> None:
    path = _csv(project, "Company,Created\nA,03/04/2024\nB,05/06/2024\n")
    result = _import(project, path)
    assert result.status == 2, result
    assert "column `Created`" in result.err and "'03/04/2024' (row 1)" in result.err
    assert "--date-format %d/%m/%Y" in result.err, result
    assert _files(project) == {}


def test_day_first_is_detected_when_a_day_settles_it(project: ProjectDir) -> None:
    path = _csv(project, "Company,Created\nA,03/04/2024\nB,25/12/2024\n")
    assert _import(project, path).status == 0
    assert _client(project, "a")["first_contact"] == "2024-04-03"


def test_date_format_option_settles_an_ambiguous_column(project: ProjectDir) -> None:
    path = _csv(project, "Company,Created\nA,03/04/2024\nB,05/06/2024\n")
    assert _import(project, path, "--date-format", "%m/%d/%Y").status == 0
    assert _client(project, "a")["first_contact"] == "2024-03-04"


def test_dry_run_writes_nothing_and_reports_the_same(project: ProjectDir) -> None:
    path = _csv(project, "Company,Stage\nA,New\nB,Nope\n")
    dry = _import(project, path, "--dry-run")
    assert _files(project) == {}
    real = _import(project, path)
    assert dry.out.replace("dry run: would create", "created") == real.out
    assert set(_files(project)) == {"clients/a.md"}


def test_a_failure_midway_leaves_no_new_file(project: ProjectDir,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import crmgen.transaction as transaction

    real_place, calls = transaction._place, []

    def failing(temporary: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_place(temporary, target)

    monkeypatch.setattr(transaction, "_place", failing)
    project.client("existing", "---\nname: Existing\nfirst_contact: 2024-01-01\n"
                               "stage: lead\n---\n")
    before = _files(project)
    path = _csv(project, "Company\nA\nB\nC\nD\n")
    result = _import(project, path)
    assert result.status == 2, result
    assert "wrote nothing new" in result.err and "No space left" in result.err
    assert _files(project) == before
    assert [p.name for p in (project.root / "clients").iterdir()] == ["existing.md"]


def test_reimport_reports_duplicates_and_changes_nothing(project: ProjectDir) -> None:
    project.client("anna", "---\nname: Anna's Bakery\nemail: ANNA@Example.com\n"
                           "first_contact: 2024-01-01\nstage: lead\n---\n")
    path = _csv(project, """
        Company,Email
        Anna Bakes,anna@example.com
        New One,new@example.com
        New One Again,NEW@example.com
        """)
    before = _files(project)["clients/anna.md"]
    result = _import(project, path)
    assert result.status == 1, result
    assert "row 1: skipped: `Anna Bakes` is already clients/anna.md (the same " \
           "email); not imported (use --update to merge)" in result.out, result
    assert "in.csv:4: row 3: skipped: duplicate of row 2: the same `email`" \
        in result.out, result
    assert _files(project)["clients/anna.md"] == before


def test_update_adds_missing_keys_and_keeps_every_byte(project: ProjectDir) -> None:
    original = (b"---\r\nname: Anna's Bakery   # the shop\r\n"
                b"email: anna@example.com\r\nfirst_contact: 2024-01-01\r\n"
                b"stage: lead\r\n---\r\n\r\nNotes.\r\n")
    project.client("anna", original)
    path = _csv(project, "Company,Email,Phone\nAnna Bakes,anna@example.com,087 1\n")
    result = _import(project, path, "--update")
    assert result.status == 0, result
    assert "merged 1 row into 1 existing client" in result.out, result
    text = (project.root / "clients/anna.md").read_bytes()
    assert text == original.replace(b"stage: lead\r\n---",
                                    b'stage: lead\r\nphone: "087 1"\r\n---')


def test_yaml_surprises_are_quoted(project: ProjectDir) -> None:
    path = _csv(project, "Company,Contact,Phone\nNo,12:30,0123\nOn,yes,+353 1\n")
    assert _import(project, path).status == 0
    assert _client(project, "no") | {} == {
        "name": "No", "contact": "12:30", "phone": "0123",
        "first_contact": "2026-12-03", "stage": "lead"}


def test_ids_are_unique_against_files_and_each_other(project: ProjectDir) -> None:
    project.client("muller", "---\nname: Other\nfirst_contact: 2024-01-01\n"
                             "stage: lead\nemail: other@x.example\n---\n")
    path = _csv(project, "Company,Email\nMüller,a@x.example\nMuller,b@x.example\n")
    result = _import(project, path)
    assert result.status == 0, result
    assert {"clients/muller-2.md", "clients/muller-3.md"} <= set(_files(project))


def test_a_missing_name_column_is_refused(project: ProjectDir) -> None:
    result = _import(project, _csv(project, "Firma,Email\nA,a@x.example\n"))
    assert result.status == 2, result
    assert "none of the columns the mapping names clients by (Company)" in result.err


def test_a_row_pasted_twice_is_reported(project: ProjectDir) -> None:
    result = _import(project, _csv(project, "Company,Value\nA,1\nB,2\nA,1\n"))
    assert "in.csv:4: row 3: skipped: identical to row 1" in result.out, result


def test_multi_line_cells_in_single_line_fields(project: ProjectDir) -> None:
    path = _csv(project, 'Company,Contact\n"Big\nCo","Ann\n  Byrne"\n')
    assert _import(project, path).status == 0
    assert _client(project, "big-co")["contact"] == "Ann Byrne"


def test_update_adds_new_deals_and_log_entries_only(project: ProjectDir) -> None:
    original = textwrap.dedent("""\
        ---
        name: Osprey
        first_contact: 2024-01-01
        deals:
        - title: Bar
          stage: lead
        owner: cara
        ---

        ## Log

        ### 2024-01-02 note: deal created: Bar
        """)
    project.client("osprey", original)
    project.write("map.toml", """
        [fields]
        name = "Org"
        deal_title = "Deal"
        stage = "Stage"
        [[log]]
        date = "Created"
        summary = "deal created: {Deal}"
        """)
    path = _csv(project, """
        Org,Deal,Stage,Created
        Osprey,Bar,won,2024-01-02
        Osprey,Kiosk,lead,2024-02-03
        """)
    result = project.run("import", "csv", path, "--map",
                         str(project.root / "map.toml"), "--update", *TODAY)
    assert result.status == 0, result
    text = (project.root / "clients/osprey.md").read_text("utf-8")
    # A one-entry log has no order yet: new entries go on top, as `crmgen log`
    # puts them.
    assert text == original.replace(
        "  stage: lead\n", "  stage: lead\n- title: Kiosk\n  stage: lead\n"
    ).replace("## Log\n", "## Log\n\n### 2024-02-03 note: deal created: Kiosk\n")
    assert project.run("check", *TODAY).status == 0


def test_update_with_nothing_new_says_so(project: ProjectDir) -> None:
    project.client("anna", "---\nname: Anna\nemail: anna@example.com\n"
                           "first_contact: 2024-01-01\nstage: lead\n---\n")
    path = _csv(project, "Company,Email\nAnna,anna@example.com\n")
    result = _import(project, path, "--update")
    assert "clients/anna.md already has everything these rows give" in result.out


def test_join_adds_columns_and_reports_what_it_cannot_use(project: ProjectDir
                                                         ) -> None:
    project.write("map.toml", """
        notes = ["sector"]
        [join]
        file = "accounts.csv"
        on = "account"
        [fields]
        name = ["account", "Unassigned ({agent})"]
        owner = "agent"
        tags = "sector"
        """)
    _csv(project, "account,sector\nAcme,retail\nAcme,medical\nBeta\n", "accounts.csv")
    path = _csv(project, "account,agent\nAcme,Ann\nGamma,Ann\n,Bo\n")
    result = project.run("import", "csv", path, "--map",
                         str(project.root / "map.toml"), *TODAY)
    assert result.status == 0, result
    assert "accounts.csv:3: row 2: not used: `account` 'Acme' is already on row 1" \
        in result.out, result
    assert "accounts.csv:4: row 3: not used: it has 1 cells" in result.out, result
    assert "`account` 'Gamma' on 1 rows is not in accounts.csv" in result.out, result
    assert _client(project, "acme")["tags"] == ["retail"]
    assert _client(project, "unassigned-bo")["owner"] == "Bo"


def test_update_keeps_bom_order_and_missing_final_newline(project: ProjectDir
                                                          ) -> None:
    original = ("\ufeff---\nname: Osprey\nfirst_contact: 2024-01-01\nstage: lead\n"
                "---\n\n## Log\n\n### 2024-01-02 call\n\n### 2024-01-05 call"
                ).encode("utf-8")
    project.client("osprey", original)
    project.write("map.toml", """
        [fields]
        name = "Org"
        email = "Email"
        [[log]]
        date = "When"
        kind = "email"
        """)
    path = _csv(project, "Org,Email,When\nOsprey,o@x.example,2024-02-01\n")
    result = project.run("import", "csv", path, "--map",
                         str(project.root / "map.toml"), "--update", *TODAY)
    assert result.status == 0, result
    text = (project.root / "clients/osprey.md").read_bytes().decode("utf-8")
    assert text == ("\ufeff---\nname: Osprey\nfirst_contact: 2024-01-01\n"
                    "stage: lead\nemail: o@x.example\n---\n\n## Log\n\n"
                    "### 2024-01-02 call\n\n### 2024-01-05 call\n\n"
                    "### 2024-02-01 email")


def test_a_missing_join_file_is_named(project: ProjectDir) -> None:
    project.write("map.toml", '[join]\nfile = "accounts.csv"\non = "a"\n'
                              '[fields]\nname = "a"\n')
    path = _csv(project, "a\nAcme\n")
    result = project.run("import", "csv", path, "--map",
                         str(project.root / "map.toml"), *TODAY)
    assert result.status == 2, result
    assert "accounts.csv (the mapping's [join]): cannot read the file" in result.err


def test_a_very_long_name_gets_a_short_id(project: ProjectDir) -> None:
    result = _import(project, _csv(project, "Company\n" + "Word " * 100 + "\n"))
    assert result.status == 0, result
    (path,) = (project.root / "clients").glob("*.md")
    assert len(path.stem) <= 80 and not path.stem.endswith("-")


def test_two_groups_matching_one_client_merge_once(project: ProjectDir) -> None:
    project.client("acme", "---\nname: Acme\nfirst_contact: 2024-01-01\n"
                           "stage: lead\n---\n")
    path = _csv(project, "Company,Email,Phone\nAcme,a@acme.example,1\n"
                         "ACME Ltd,b@acme.example,2\n")
    result = _import(project, path, "--update")
    assert "row 2: skipped: `ACME Ltd` is already clients/acme.md (the same company " \
           "name), and this import already merges row 1 into it" in result.out, result
    text = (project.root / "clients/acme.md").read_text("utf-8")
    assert "email: a@acme.example" in text and "b@acme" not in text
