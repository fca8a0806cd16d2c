"""`crmgen check`: discovery, cross-file rules, output, exit status, --json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO, ProjectDir, run_cli

GOOD = """
    ---
    name: {name}
    first_contact: 2026-01-05
    stage: lead
    ---
    """


def test_the_sample_project_passes() -> None:
    result = run_cli("-C", str(REPO), "check")
    assert result.status == 0, result
    assert "0 errors" in result.out


def test_problems_are_sorted_with_a_summary(project: ProjectDir) -> None:
    project.client(
        "b", "---\nname: B\nfirst_contact: 2026-01-05\nstage: lead\nfoo: 1\n---\n"
    )
    project.client("a", "---\nname: A\nfirst_contact: 2026-02-30\nstage: lead\n---\n")
    result = project.run("check")
    assert result.status == 1
    assert result.out.splitlines() == [
        "clients/a.md:3: error: `first_contact` is 2026-02-30, which is not a real "
        "date; check the month and day",
        "clients/b.md:5: warning: unknown key `foo`; declare it under [fields] in "
        "crmgen.toml if it is yours",
        "checked 2 client files: 1 error, 1 warning",
    ], result


def test_warnings_pass_unless_strict(project: ProjectDir) -> None:
    project.client(
        "b", "---\nname: B\nfirst_contact: 2026-01-05\nstage: lead\nfoo: 1\n---\n"
    )
    assert project.run("check").status == 0
    assert project.run("check", "--strict").status == 1


def test_json_output(project: ProjectDir) -> None:
    project.client(
        "a", "---\nname: A\nfirst_contact: 2026-01-05\nstage: lead\nstage: won\n---\n"
    )
    result = project.run("check", "--json")
    assert json.loads(result.out) == [
        {
            "path": "clients/a.md",
            "line": 5,
            "severity": "error",
            "code": "duplicate-key",
            "message": "`stage` is given twice (first on line 4); keep one",
        }
    ]


def test_leftovers_are_skipped_and_subfolders_read(project: ProjectDir) -> None:
    project.write("clients/archive/2024/old-co.md", GOOD.format(name="Old"))
    for name in (
        "x.md~",
        ".x.md.swp",
        ".#x.md",
        "_draft.md",
        "4913",
        ".hidden/y.md",
        "_templates/z.md",
        "notes.txt",
    ):
        project.write(f"clients/{name}", "garbage")
    result = project.run("check")
    assert result.out.splitlines() == ["checked 1 client file: 0 errors, 0 warnings"]


def test_id_clash_across_folders_and_case(project: ProjectDir) -> None:
    project.write("clients/acme.md", GOOD.format(name="A"))
    project.write("clients/old/ACME.md", GOOD.format(name="B"))
    result = project.run("check")
    assert result.status == 1
    assert (
        "clients/acme.md:1: error: client id `acme` clashes with "
        "clients/old/ACME.md; ids must be unique across sub-folders and letter "
        "case, so rename one of them"
    ) in result.out
    assert (
        "clients/old/ACME.md:1: error: client id `ACME` clashes with "
        "clients/acme.md" in result.out
    )


def test_file_arguments_check_only_those_and_their_clashes(project: ProjectDir) -> None:
    project.write("clients/good.md", GOOD.format(name="Good"))
    project.write("clients/bad.md", "no front matter\n")
    project.write("clients/x/good.md", GOOD.format(name="Twin"))
    os.chdir(project.root)
    result = run_cli("check", "clients/x/good.md")
    assert result.out.splitlines() == [
        "clients/x/good.md:1: error: client id `good` clashes with clients/good.md; "
        "ids must be unique across sub-folders and letter case, so rename one of them",
        "checked 1 client file: 1 error, 0 warnings",
    ], result


def test_runs_from_a_sub_folder(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write("clients/deep/a.md", GOOD.format(name="A"))
    monkeypatch.chdir(project.root / "clients" / "deep")
    result = run_cli("check")
    assert result.status == 0, result


def test_bad_usage_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.status == 2
    assert "no crmgen project" in result.err
    assert run_cli("check", "--today", "yesterday").status == 2
    assert run_cli("-C", str(tmp_path / "nope"), "check").status == 2


def test_every_command_has_help() -> None:
    from crmgen.cli import build_parser

    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    for name in actions[0].choices:  # type: ignore[union-attr]
        result = run_cli(name, "--help")
        assert result.status == 0, (name, result)
        assert "usage: crmgen" in result.out


def test_ten_thousand_generated_clients_finish(tmp_path: Path) -> None:
    import subprocess
    import sys

    generator = REPO.parent / "shared" / "tools" / "gen_corpus.py"
    if not generator.exists():
        pytest.skip("shared/ is not beside the project")
    subprocess.run(
        [sys.executable, str(generator), "--clients", "2000", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    result = run_cli("-C", str(tmp_path), "check", "--today", "2027-01-01")
    assert result.status == 0, result.out[-2000:]
    assert "checked 2000 client files: 0 errors, 0 warnings" in result.out
