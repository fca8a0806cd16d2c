"""Stage moves only git knows, joined to the reports' stage history."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from gitproject import GitProject

from crmgen.gitfacts import git_facts
from crmgen.loader import load_project

D = dt.date


def acme(stage: str, extra: str = "", log: str = "") -> str:
    return (
        f"---\nname: Acme\nfirst_contact: 2026-09-01\nstage: {stage}\n{extra}"
        f"---\n## Log\n{log}"
    )


def beta(stage: str) -> str:
    return (
        "---\nname: Beta\nfirst_contact: 2026-09-01\ndeals:\n"
        f"  - title: Espresso\n    stage: {stage}\n---\n"
    )


ENTRY = "### 2026-09-20 stage: qualified -> proposal\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitProject:
    project = GitProject(tmp_path / "project")
    project.client("acme", acme("lead"))
    project.client("beta", beta("lead"))
    project.client("gone", acme("lead").replace("Acme", "Gone"))
    project.commit("start", "2026-09-01T09:00:00+00:00")
    project.client("acme", acme("qualified", "probability: 55\n"))
    project.client("beta", beta("proposal"))
    project.remove("clients/gone.md")
    project.commit("moves without entries", "2026-09-10T09:00:00+00:00")
    project.client("acme", acme("proposal", "probability: 55\n", ENTRY))
    project.commit("a move with its entry", "2026-09-20T09:00:00+00:00")
    return project


def test_moves_no_entry_records_become_git_events(repo: GitProject) -> None:
    project = load_project(repo.root, D(2026, 9, 30))
    moves = git_facts(project, use_git=True).moves
    assert [
        (
            m.client,
            m.deal,
            m.date,
            m.before,
            m.after,
            m.probability_before,
            m.probability_after,
            m.source,
        )
        for m in moves
    ] == [
        ("acme", "Acme", D(2026, 9, 10), "lead", "qualified", 25, 55, "git"),
        ("beta", "Espresso", D(2026, 9, 10), "lead", "proposal", None, None, "git"),
    ]
    assert git_facts(project, use_git=True).weekly.source == "git"


def test_without_git_there_are_none(repo: GitProject) -> None:
    project = load_project(repo.root, D(2026, 9, 30))
    facts = git_facts(project, use_git=False)
    assert facts.moves == () and facts.weekly.source == "log"


def test_reports_count_the_moves_of_each_source(repo: GitProject) -> None:
    result = repo.run("report", "funnel", "--json", "--today", "2026-09-30")
    assert result.status == 0, result
    assert json.loads(result.out)["stage_moves"] == {"log": 1, "git": 2}
    plain = repo.run("--no-git", "report", "funnel", "--json", "--today", "2026-09-30")
    assert json.loads(plain.out)["stage_moves"] == {"log": 1, "git": 0}
    text = repo.run("report", "funnel", "--today", "2026-09-30")
    assert (
        "Stage moves in the history: 1 from `stage` log entries, 2 recovered from git"
        in text.out
    ), text


def test_the_site_reports_page_uses_them(repo: GitProject, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = repo.run("build", "--today", "2026-09-30", "--out", str(out))
    assert result.status == 0, result
    page = (out / "reports.html").read_text()
    assert "1 from <code>stage</code> log entries, 2 recovered from git" in page


def test_reports_as_of_a_date_read_history_up_to_then(repo: GitProject) -> None:
    result = repo.run("report", "funnel", "--json", "--as-of", "2026-09-15")
    assert result.status == 0, result
    document = json.loads(result.out)
    assert document["today"] == "2026-09-15"
    assert document["stage_moves"] == {"log": 0, "git": 2}


def test_watch_and_serve_read_the_history_again_after_a_commit(
    repo: GitProject, tmp_path: Path
) -> None:
    from crmgen.live import LiveSite
    from crmgen.watch import Changes

    out = tmp_path / "site"
    live = LiveSite(repo.root, D(2026, 9, 30), out)
    weekly = (out / "weekly.html").read_text()
    assert "From the client files and their git history" in weekly
    assert (
        "1 from <code>stage</code> log entries, 2 recovered from git"
        in (out / "reports.html").read_text()
    )
    repo.client("beta", beta("negotiation"))
    repo.commit("beta negotiating", "2026-09-29T09:00:00+00:00")
    live.update(Changes(clients={"clients/beta.md"}))
    assert (
        "1 from <code>stage</code> log entries, 3 recovered from git"
        in (out / "reports.html").read_text()
    )
    plain = LiveSite(repo.root, D(2026, 9, 30), tmp_path / "plain", use_git=False)
    assert plain.project.clients
    assert (
        "From the client files alone"
        in (tmp_path / "plain" / "weekly.html").read_text()
    )


def sample(tmp_path: Path) -> GitProject:
    """The sample project of the repository, as a fresh git repository."""
    from conftest import REPO

    project = GitProject(tmp_path / "sample")
    shutil.copytree(REPO / "clients", project.root / "clients", dirs_exist_ok=True)
    shutil.copy(REPO / "crmgen.toml", project.root / "crmgen.toml")
    return project


def reports(project: GitProject, *args: str) -> dict[str, object]:
    result = project.run(*args, "report", "--json")
    assert result.status == 0, result
    document: dict[str, object] = json.loads(result.out)
    return document


def test_files_committed_once_give_the_reports_of_the_files_alone(
    tmp_path: Path,
) -> None:
    project = sample(tmp_path)
    project.commit("the whole project", "2026-11-20T09:00:00+00:00")
    with_git, files_alone = reports(project), reports(project, "--no-git")
    assert with_git["stage_moves"] == {"log": 91, "git": 0}
    assert with_git == files_alone


def test_a_commit_after_today_adds_nothing(tmp_path: Path) -> None:
    project = sample(tmp_path)
    project.commit("the whole project", "2026-11-20T09:00:00+00:00")
    bakery = project.root / "clients" / "bluebell-bakeries.md"
    bakery.write_text(bakery.read_text().replace("stage: proposal", "stage: won"))
    project.commit("after the sample's today", "2026-12-03T09:00:00+00:00")
    bakery.write_text(bakery.read_text().replace("stage: won", "stage: proposal"))
    assert reports(project) == reports(project, "--no-git")


def test_a_later_unlogged_stage_change_is_the_one_git_move(tmp_path: Path) -> None:
    project = sample(tmp_path)
    project.commit("the whole project", "2026-11-20T09:00:00+00:00")
    bakery = project.root / "clients" / "bluebell-bakeries.md"
    bakery.write_text(
        bakery.read_text().replace("stage: proposal", "stage: negotiation")
    )
    project.commit("bluebell negotiating", "2026-11-27T09:00:00+00:00")
    with_git, files_alone = reports(project), reports(project, "--no-git")
    assert with_git["stage_moves"] == {"log": 91, "git": 1}
    assert files_alone["stage_moves"] == {"log": 91, "git": 0}
    loaded = load_project(project.root, D(2026, 12, 1))
    moves = git_facts(loaded, use_git=True).moves
    assert [(m.client, m.date, m.before, m.after, m.source) for m in moves] == [
        ("bluebell-bakeries", D(2026, 11, 27), "proposal", "negotiation", "git")
    ]


def test_a_deal_first_committed_later_is_no_move(repo: GitProject) -> None:
    repo.client("delta", acme("qualified").replace("Acme", "Delta"))
    repo.commit("a new client", "2026-09-25T09:00:00+00:00")
    project = load_project(repo.root, D(2026, 9, 30))
    moves = git_facts(project, use_git=True).moves
    assert [(m.client, m.date) for m in moves] == [
        ("acme", D(2026, 9, 10)),
        ("beta", D(2026, 9, 10)),
    ]
