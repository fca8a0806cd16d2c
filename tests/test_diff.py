"""`crmgen diff` over a scripted repository: exact text and Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitproject import GitProject

from crmgen.diff import escape_markdown, money

ACME = """\
    ---
    name: Acme
    first_contact: 2026-09-01
    next_follow_up: {follow}
    stage: {stage}
    value: {value}
    expected_close: {close}{extra}
    ---
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

BETA_NOW = """\
    ---
    name: Beta
    first_contact: 2026-09-01
    deals:
      - title: Espresso
        stage: won
        value: 5000
        closed_on: 2026-09-12
      - title: Filters
        stage: lead
    ---
    """


def simple(name: str, stage: str, extra: str = "") -> str:
    return f"---\nname: {name}\nfirst_contact: 2026-09-01\nstage: {stage}\n{extra}---\n"


def acme(stage: str, value: int, close: str, follow: str, extra: str = "") -> str:
    return ACME.format(
        stage=stage, value=value, close=close, follow=follow, extra=extra
    )


@pytest.fixture
def repo(tmp_path: Path) -> GitProject:
    project = GitProject(tmp_path / "project")
    project.client("acme", acme("lead", 1000, "2026-10-15", "2026-09-05"))
    project.client("beta", BETA)
    project.client("gamma", simple("Gamma", "qualified"))
    project.client("old", simple("Old", "lead"))
    project.client("epsilon", simple("Epsilon", "lead"))
    project.commit("start", "2026-09-01T09:00:00+02:00")
    project.client("acme", acme("lead", 1200, "2026-10-31", "2026-09-05"))
    project.commit("acme later", "2026-09-10T09:00:00+02:00")
    # The working tree, not committed:
    project.client(
        "acme",
        acme("qualified", 1200, "2026-11-30", "2026-09-20", "\n    probability: 55"),
    )
    project.client("beta", BETA_NOW)
    project.client(
        "gamma", simple("Gamma", "lost", "lost_reason: price\nclosed_on: 2026-09-12\n")
    )
    project.client("delta", simple("Delta_ & <Co>", "lead", "value: 700\n"))
    project.remove("clients/old.md")
    project.client("epsilon", "---\nname: [Epsilon\n---\n")
    return project


def short(repo: GitProject, rev: str) -> str:
    return repo.git("rev-parse", rev).strip()[:10]


def test_last_commit_against_the_working_tree(repo: GitProject) -> None:
    result = repo.run("diff")
    assert result.status == 0, result
    assert (
        result.out
        == f"""\
Pipeline: 1 new client, 1 removed client, 1 new deal, 1 removed deal, 1 won, \
1 lost, 1 stage move, 1 probability change, 1 close date pushed out, \
1 follow-up change, 1 file not compared

From HEAD ({short(repo, "HEAD")}, 2026-09-10) to the working tree.

New clients:
- Delta_ & <Co>: delta, lead, 700 EUR

Removed clients:
- Old: old, was lead, no value

New deals:
- Beta / Filters: lead, no value

Removed deals:
- Beta / Grinder: was lead

Won:
- Beta / Espresso: 5,000 EUR (was proposal)

Lost:
- Gamma: price (was qualified)

Stage moves:
- Acme: lead -> qualified (forward)

Probability changes:
- Acme: 25% -> 55%

Expected close pushed out:
- Acme: 2026-10-31 -> 2026-11-30 (pushed 2 times in all)

Follow-ups:
- Acme: moved 2026-09-05 -> 2026-09-20

Not compared:
- clients/epsilon.md: has errors in one version; run crmgen check
"""
    ), result


def test_two_commits_count_pushes_up_to_the_newer_one(repo: GitProject) -> None:
    result = repo.run("diff", "HEAD~1", "HEAD")
    assert (
        result.out
        == f"""\
Pipeline: 1 value change, 1 close date pushed out

From HEAD~1 ({short(repo, "HEAD~1")}, 2026-09-01) to HEAD ({short(repo, "HEAD")}, \
2026-09-10).

Value changes:
- Acme: 1,000 -> 1,200 EUR

Expected close pushed out:
- Acme: 2026-10-15 -> 2026-10-31 (pushed 1 time in all)
"""
    ), result


def test_dates_pick_the_last_commit_on_or_before_them(repo: GitProject) -> None:
    by_date = repo.run("diff", "2026-09-05", "2026-09-30")
    by_rev = repo.run("diff", "HEAD~1", "HEAD")
    assert by_date.status == 0, by_date
    assert by_date.out.splitlines()[0] == by_rev.out.splitlines()[0]
    assert "From 2026-09-05 (" in by_date.out, by_date


def test_no_changes(repo: GitProject) -> None:
    result = repo.run("diff", "HEAD", "HEAD")
    assert result.out.splitlines()[0] == "Pipeline: no changes", result


def test_markdown_escapes_names_for_a_pull_request_comment(repo: GitProject) -> None:
    result = repo.run("diff", "--markdown")
    assert result.status == 0, result
    lines = result.out.splitlines()
    assert lines[0].startswith("**Pipeline: 1 new client, "), result
    assert "#### New clients" in lines
    assert r"- **Delta\_ \& \<Co\>**: delta, lead, 700 EUR" in lines, result
    assert "- **Gamma**: price (was qualified)" in lines, result


def test_diff_writes_a_file(repo: GitProject, tmp_path: Path) -> None:
    target = tmp_path / "message.txt"
    result = repo.run("diff", "HEAD~1", "HEAD", "-o", str(target))
    assert result.status == 0 and result.out == "", result
    assert target.read_text().startswith("Pipeline: 1 value change")


def test_diff_needs_git(repo: GitProject, tmp_path: Path) -> None:
    result = repo.run("--no-git", "diff")
    assert result.status == 2 and "--no-git" in result.err, result
    from conftest import ProjectDir

    plain = ProjectDir(tmp_path / "plain").run("diff")
    assert plain.status == 2 and "diff reads git history" in plain.err, plain


def test_unknown_revision(repo: GitProject) -> None:
    result = repo.run("diff", "no-such-branch")
    assert result.status == 2, result
    assert "`no-such-branch` is not a commit" in result.err, result


def test_money_and_escaping() -> None:
    assert money(12500, "EUR") == "12,500 EUR"
    assert money(12500.5, "EUR") == "12,500.50 EUR"
    assert money(None, "EUR") == "no value"
    assert (
        escape_markdown("a*b_[c](d) <e> `f` | ~g~ & h\\")
        == r"a\*b\_\[c\](d) \<e\> \`f\` \| \~g\~ \& h\\"
    )


def test_staged_compares_the_index_not_the_working_tree(repo: GitProject) -> None:
    repo.git("add", "clients/gamma.md")  # staged: gamma lost; the rest is not
    result = repo.run("diff", "--staged")
    assert result.status == 0, result
    assert result.out.splitlines()[:3] == [
        "Pipeline: 1 lost",
        "",
        f"From HEAD ({short(repo, 'HEAD')}, 2026-09-10) to the staged changes.",
    ], result
    both = repo.run("diff", "--staged", "HEAD", "HEAD")
    assert both.status == 2 and "not both" in both.err, both


def test_summary_words_for_several_items() -> None:
    from crmgen.diff import Item, summary

    items = [Item("Expected close pushed out", "A", "x")] * 2 + [
        Item("Won", "B", "y")
    ] * 3
    assert summary(items) == "Pipeline: 3 won, 2 close dates pushed out"
