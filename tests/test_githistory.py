"""Deal changes recovered from scripted git histories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitproject import GitProject

from crmgen.config import Config
from crmgen.githistory import DealChange, deal_changes, pushes, unlogged
from crmgen.gitrepo import GitError

D = dt.date

ACME = """\
    ---
    name: Acme
    first_contact: 2026-09-01
    stage: {stage}
    value: {value}
    expected_close: {close}{extra}
    ---
    ## Log
    {log}
    """

BETA = """\
    ---
    name: Beta
    first_contact: 2026-09-01
    deals:
      - title: Espresso
        stage: proposal
        value: 5000
      - title: Grinder
        stage: lead
    ---
    """

BETA_WON = """\
    ---
    name: Beta
    first_contact: 2026-09-01
    deals:
      - title: Espresso
        stage: won
        value: 5000
        closed_on: 2026-09-25
    ---
    """


def acme(stage: str, value: int, close: str, extra: str = "", log: str = "") -> str:
    return ACME.format(stage=stage, value=value, close=close, extra=extra, log=log)


@pytest.fixture
def repo(tmp_path: Path) -> GitProject:
    project = GitProject(tmp_path / "project")
    project.client("acme", acme("lead", 1000, "2026-10-15"))
    project.client("beta", BETA)
    project.commit("two clients", "2026-09-01T09:00:00+02:00")
    project.client(
        "acme",
        acme(
            "qualified",
            1200,
            "2026-10-15",
            log="### 2026-09-10 stage: lead -> qualified",
        ),
    )
    project.commit("acme qualified", "2026-09-10T09:00:00+02:00")
    project.client(
        "acme",
        acme(
            "proposal",
            1200,
            "2026-11-15",
            "\n    probability: 70",
            log="### 2026-09-10 stage: lead -> qualified",
        ),
    )
    project.client("beta", "---\nname: [Beta\n---\n")
    project.commit("acme proposal, beta broken", "2026-09-20T09:00:00+02:00")
    project.remove("clients/acme.md")
    project.client(
        "acme-corp",
        acme(
            "proposal",
            1200,
            "2026-12-01",
            "\n    probability: 70",
            log="### 2026-09-10 stage: lead -> qualified",
        ),
    )
    project.client("beta", BETA_WON)
    project.commit("rename acme, beta won", "2026-09-25T23:30:00-05:00")
    project.remove("clients/beta.md")
    project.commit("beta archived", "2026-10-02T09:00:00+02:00")
    return project


def test_every_tracked_change_in_commit_order(repo: GitProject) -> None:
    changes = deal_changes(repo.root, Config())
    found = [
        (c.client, c.deal, c.key, c.field, c.before, c.after, c.date, c.logged)
        for c in changes
    ]
    assert found == [
        ("acme-corp", "Acme", None, "stage", None, "lead", D(2026, 9, 1), False),
        (
            "beta",
            "Espresso",
            "Espresso",
            "stage",
            None,
            "proposal",
            D(2026, 9, 1),
            False,
        ),
        ("beta", "Grinder", "Grinder", "stage", None, "lead", D(2026, 9, 1), False),
        ("acme-corp", "Acme", None, "stage", "lead", "qualified", D(2026, 9, 10), True),
        ("acme-corp", "Acme", None, "value", 1000.0, 1200.0, D(2026, 9, 10), False),
        (
            "acme-corp",
            "Acme",
            None,
            "stage",
            "qualified",
            "proposal",
            D(2026, 9, 20),
            False,
        ),
        ("acme-corp", "Acme", None, "probability", 40, 70, D(2026, 9, 20), False),
        (
            "acme-corp",
            "Acme",
            None,
            "expected_close",
            D(2026, 10, 15),
            D(2026, 11, 15),
            D(2026, 9, 20),
            False,
        ),
        # Authored at 23:30 in UTC-5: the author's own date, not UTC's next day.
        (
            "acme-corp",
            "Acme",
            None,
            "expected_close",
            D(2026, 11, 15),
            D(2026, 12, 1),
            D(2026, 9, 25),
            False,
        ),
        (
            "beta",
            "Espresso",
            "Espresso",
            "stage",
            "proposal",
            "won",
            D(2026, 9, 25),
            False,
        ),
        ("beta", "Grinder", "Grinder", "stage", "lead", None, D(2026, 9, 25), False),
        ("beta", "Espresso", "Espresso", "stage", "won", None, D(2026, 10, 2), False),
    ]


def test_commit_ids_are_the_commits_that_made_each_change(repo: GitProject) -> None:
    ids = repo.git("log", "--format=%H", "--reverse").split()
    changes = deal_changes(repo.root, Config())
    assert [c.commit for c in changes] == [ids[0]] * 3 + [ids[1]] * 2 + [ids[2]] * 3 + [
        ids[3]
    ] * 3 + [ids[4]]


def test_unlogged_leaves_out_what_a_stage_entry_records(repo: GitProject) -> None:
    stage_moves = [
        (c.before, c.after)
        for c in unlogged(deal_changes(repo.root, Config()))
        if c.client == "acme-corp" and c.field == "stage"
    ]
    assert stage_moves == [(None, "lead"), ("qualified", "proposal")]


def test_pushes_count_later_expected_close_dates(repo: GitProject) -> None:
    assert pushes(deal_changes(repo.root, Config())) == {("acme-corp", None): 2}


def test_history_up_to_a_revision(repo: GitProject) -> None:
    changes = deal_changes(repo.root, Config(), "HEAD~3")
    assert {c.date for c in changes} == {D(2026, 9, 1), D(2026, 9, 10)}
    # The file was still acme.md then.
    assert {c.client for c in changes} == {"acme", "beta"}


def test_project_in_a_sub_folder_of_the_repository(tmp_path: Path) -> None:
    repo = GitProject(tmp_path / "repo")
    sub = repo.root / "crm"
    (sub / "clients").mkdir(parents=True)
    (repo.root / "clients").rmdir()
    (sub / "clients" / "acme.md").write_text(
        "---\nname: Acme\nfirst_contact: 2026-09-01\nstage: lead\n---\n"
    )
    (repo.root / "other.md").write_text("not a client\n")
    repo.commit("start", "2026-09-01T09:00:00+00:00")
    changes = deal_changes(sub, Config())
    assert [(c.client, c.after) for c in changes] == [("acme", "lead")]


def test_outside_git_is_an_error_the_caller_can_catch(tmp_path: Path) -> None:
    with pytest.raises(GitError):
        deal_changes(tmp_path, Config())


def test_a_deal_change_knows_when_it_pushes_out() -> None:
    later = DealChange(
        "a",
        "A",
        None,
        "expected_close",
        D(2026, 1, 1),
        D(2026, 2, 1),
        D(2026, 1, 1),
        "x",
    )
    earlier = DealChange(
        "a",
        "A",
        None,
        "expected_close",
        D(2026, 2, 1),
        D(2026, 1, 1),
        D(2026, 1, 1),
        "x",
    )
    assert later.pushed_out and not earlier.pushed_out


def test_changes_carry_the_deal_value_and_currency_of_the_time(
    repo: GitProject,
) -> None:
    won = [c for c in deal_changes(repo.root, Config()) if c.after == "won"]
    assert [(c.deal, c.value, c.currency, c.owner) for c in won] == [
        ("Espresso", 5000.0, "EUR", None)
    ]


def test_a_merged_branch_counts_on_the_merge_commit(tmp_path: Path) -> None:
    project = GitProject(tmp_path / "project")
    project.client("acme", acme("lead", 1000, "2026-10-15"))
    project.commit("start", "2026-09-01T09:00:00+00:00")
    project.git("checkout", "-q", "-b", "topic")
    project.client("acme", acme("qualified", 1000, "2026-10-15"))
    project.commit("on a branch", "2026-09-02T09:00:00+00:00")
    project.client("acme", acme("proposal", 1000, "2026-10-15"))
    project.commit("still on the branch", "2026-09-03T09:00:00+00:00")
    project.git("checkout", "-q", "main")
    project.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge topic",
        "topic",
        env={
            "GIT_AUTHOR_DATE": "2026-09-05T09:00:00+00:00",
            "GIT_COMMITTER_DATE": "2026-09-05T09:00:00+00:00",
        },
    )
    changes = deal_changes(project.root, Config())
    assert [(c.before, c.after, c.date) for c in changes] == [
        (None, "lead", D(2026, 9, 1)),
        ("lead", "proposal", D(2026, 9, 5)),
    ]


def test_an_entry_written_in_a_later_commit_still_records_the_move(
    tmp_path: Path,
) -> None:
    project = GitProject(tmp_path / "project")
    project.client("acme", acme("lead", 1000, "2026-10-15"))
    project.commit("start", "2026-09-01T09:00:00+00:00")
    project.client("acme", acme("qualified", 1000, "2026-10-15"))
    project.commit("moved, no entry yet", "2026-09-10T09:00:00+00:00")
    project.client(
        "acme",
        acme("lead", 1000, "2026-10-15", log="### 2026-09-10 stage: lead -> qualified"),
    )
    project.commit(
        "back to lead, the entry for the first move", "2026-09-12T09:00:00+00:00"
    )
    project.client(
        "acme",
        acme(
            "qualified",
            1000,
            "2026-10-15",
            log="### 2026-09-10 stage: lead -> qualified",
        ),
    )
    project.commit("qualified again, no entry", "2026-10-20T09:00:00+00:00")
    moves = [
        (c.before, c.after, c.date, c.logged)
        for c in deal_changes(project.root, Config())
        if c.before
    ]
    assert moves == [
        ("lead", "qualified", D(2026, 9, 10), True),
        ("qualified", "lead", D(2026, 9, 12), False),
        # The 10 September entry is taken, and too old for this move anyway.
        ("lead", "qualified", D(2026, 10, 20), False),
    ]


def test_a_deal_first_committed_is_no_move(tmp_path: Path) -> None:
    project = GitProject(tmp_path / "p")
    text = "---\nname: Acme\nfirst_contact: 2026-09-01\nstage: {}\n---\n"
    project.client("acme", text.format("proposal"))
    project.commit("start", "2026-09-01T09:00:00+00:00")
    project.client("beta", text.replace("Acme", "Beta").format("lead"))
    project.commit("a new client", "2026-09-05T09:00:00+00:00")
    project.client("acme", text.format("won"))
    project.commit("won, unlogged", "2026-09-09T09:00:00+00:00")
    found = deal_changes(project.root, Config())
    assert [
        (c.client, c.date, c.before, c.after, c.appeared, c.is_move, c.initial)
        for c in found
    ] == [
        ("acme", D(2026, 9, 1), None, "proposal", True, False, True),
        ("beta", D(2026, 9, 5), None, "lead", True, False, False),
        ("acme", D(2026, 9, 9), "proposal", "won", False, True, False),
    ]
