"""The project as it was at a past date or commit: `export json --as-of`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitproject import GitProject

CLIENT = """\
    ---
    name: Acme
    first_contact: 2026-09-01
    stage: {stage}
    value: {value}
    ---
    """


@pytest.fixture
def repo(tmp_path: Path) -> GitProject:
    project = GitProject(tmp_path / "project")
    project.write("crmgen.toml", 'currency = "USD"\n')
    project.client("acme", CLIENT.format(stage="lead", value=1000))
    project.commit("acme", "2026-09-01T09:00:00+02:00")
    project.client("acme", CLIENT.format(stage="proposal", value=2000))
    beta = CLIENT.format(stage="lead", value=10).replace("Acme", "Beta")
    project.client("beta", beta)
    # Committed late on 30 September in UTC-5: already 1 October in UTC.
    project.commit("beta", "2026-09-30T22:00:00-05:00")
    project.write("crmgen.toml", 'currency = "GBP"\n')
    project.client("acme", CLIENT.format(stage="won", value=2500))
    project.commit("won", "2026-10-05T09:00:00+02:00")
    project.client("acme", CLIENT.format(stage="lost", value=1))  # not committed
    return project


def board(repo: GitProject, *args: str) -> list[tuple[str, str, float, str]]:
    result = repo.run("export", "json", *args)
    assert result.status == 0, result
    document = json.loads(result.out)
    return [
        (c["id"], d["stage"], d["value"], d["currency"])
        for c in document["clients"]
        for d in c["deals"]
    ] + [("today", document["today"], 0.0, "")]


def test_as_of_a_date_takes_the_last_commit_on_or_before_that_day(
    repo: GitProject,
) -> None:
    assert board(repo, "--as-of", "2026-09-29") == [
        ("acme", "lead", 1000.0, "USD"),
        ("today", "2026-09-29", 0.0, ""),
    ]
    assert board(repo, "--as-of", "2026-09-30") == [
        ("acme", "proposal", 2000.0, "USD"),
        ("beta", "lead", 10.0, "USD"),
        ("today", "2026-09-30", 0.0, ""),
    ]
    assert board(repo, "--as-of", "2026-12-01") == [
        ("acme", "won", 2500.0, "GBP"),
        ("beta", "lead", 10.0, "GBP"),
        ("today", "2026-12-01", 0.0, ""),
    ]


def test_as_of_a_revision_uses_its_commit_date_as_today(repo: GitProject) -> None:
    assert board(repo, "--as-of", "HEAD~1") == [
        ("acme", "proposal", 2000.0, "USD"),
        ("beta", "lead", 10.0, "USD"),
        ("today", "2026-09-30", 0.0, ""),
    ]


def test_today_still_wins_over_the_as_of_date(repo: GitProject) -> None:
    assert board(repo, "--as-of", "HEAD~1", "--today", "2026-11-11")[-1] == (
        "today",
        "2026-11-11",
        0.0,
        "",
    )


def test_without_as_of_the_working_tree_is_read(repo: GitProject) -> None:
    assert board(repo, "--today", "2026-12-01")[0] == ("acme", "lost", 1.0, "GBP")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "2026-08-31"), "no commit on or before 2026-08-31"),
        (("--as-of", "nope"), "`nope` is not a commit"),
        (("--as-of", "2026-02-30"), "not a real date"),
    ],
)
def test_unknown_dates_and_revisions_are_usage_errors(
    repo: GitProject, args: tuple[str, ...], message: str
) -> None:
    result = repo.run("export", "json", *args)
    assert result.status == 2 and message in result.err, result
    assert result.out == "", result


def test_as_of_refuses_no_git(repo: GitProject) -> None:
    result = repo.run("--no-git", "export", "json", "--as-of", "HEAD")
    assert result.status == 2 and "--no-git" in result.err, result


def test_as_of_outside_git_says_so(tmp_path: Path) -> None:
    from conftest import ProjectDir

    project = ProjectDir(tmp_path / "plain")
    result = project.run("export", "json", "--as-of", "HEAD")
    assert result.status == 2, result
    assert (
        "is not in a git repository with commits; --as-of reads git history"
        in result.err
    ), result


def test_build_as_of_builds_the_site_as_it_was(
    repo: GitProject, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = repo.run("build", "--as-of", "2026-09-30", "--out", str(out))
    assert result.status == 0, result
    exported = repo.run("export", "json", "--as-of", "2026-09-30")
    assert json.loads((out / "data.json").read_text()) == json.loads(exported.out)
    board = (out / "index.html").read_text()
    assert 'datetime="2026-09-30"' in board
    assert sorted(p.name for p in (out / "clients").iterdir()) == [
        "acme.html",
        "beta.html",
    ]


def test_build_as_of_refuses_no_git(repo: GitProject, tmp_path: Path) -> None:
    result = repo.run(
        "--no-git", "build", "--as-of", "HEAD", "--out", str(tmp_path / "site")
    )
    assert result.status == 2 and "--no-git" in result.err, result
    assert not (tmp_path / "site").exists()
