"""Week over week from a scripted repository, and from the files alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitproject import GitProject

from crmgen.loader import load_project
from crmgen.weekly import Tally, WeekOverWeek
from crmgen.weeklygit import weekly


def client(
    name: str,
    owner: str | None,
    first: str,
    stage: str,
    value: int,
    extra: str = "",
    log: str = "",
) -> str:
    owner_line = f"owner: {owner}\n" if owner else ""
    return (
        f"---\nname: {name}\n{owner_line}first_contact: {first}\n"
        f"stage: {stage}\nvalue: {value}\n{extra}---\n## Log\n{log}"
    )


ACME_LOG = "### 2026-09-08 stage: lead -> qualified\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitProject:
    project = GitProject(tmp_path / "project")
    project.client(
        "acme",
        client(
            "Acme", "ann", "2026-09-01", "lead", 1000, "expected_close: 2026-10-15\n"
        ),
    )
    project.client("beta", client("Beta", "bob", "2026-09-01", "proposal", 5000))
    project.commit("start", "2026-09-01T10:00:00+02:00")
    project.client(
        "acme",
        client(
            "Acme",
            "ann",
            "2026-09-01",
            "qualified",
            1500,
            "expected_close: 2026-10-15\n",
            ACME_LOG,
        ),
    )
    project.client("gamma", client("Gamma", "ann", "2026-09-08", "lead", 2000))
    project.commit("week 37", "2026-09-08T10:00:00+02:00")
    project.client(
        "acme",
        client(
            "Acme",
            "ann",
            "2026-09-01",
            "lead",
            1500,
            "expected_close: 2026-11-15\n",
            ACME_LOG,
        ),
    )
    project.client(
        "beta",
        client("Beta", "bob", "2026-09-01", "won", 5000, "closed_on: 2026-09-16\n"),
    )
    project.commit("week 38", "2026-09-15T10:00:00+02:00")
    project.client(
        "gamma",
        client(
            "Gamma",
            "ann",
            "2026-09-08",
            "lost",
            2000,
            "lost_reason: price\nclosed_on: 2026-09-22\n",
        ),
    )
    project.client("delta", client("Delta", None, "2026-09-22", "negotiation", 300))
    project.commit("week 39", "2026-09-22T10:00:00+02:00")
    return project


def counts(tally: Tally) -> dict[str, object]:
    """The non-zero counts and amounts of a tally, in one flat dict."""
    found: dict[str, object] = {k: v for k, v in tally.counts.items() if v}
    found.update({f"{k} EUR": v["EUR"] for k, v in tally.amounts.items() if v})
    return found


def table(report: WeekOverWeek) -> list[tuple[str, str, dict[str, object]]]:
    rows = []
    for week in report.weeks:
        rows.append((week.label, "total", counts(week.total)))
        rows += [(week.label, owner, counts(t)) for owner, t in week.owners.items()]
    return rows


def test_from_git_every_committed_change_in_its_week(repo: GitProject) -> None:
    project = load_project(repo.root, dt.date(2026, 9, 23))
    report = weekly(project, use_git=True, weeks=3)
    assert report.source == "git"
    assert report.owners == ("(no owner)", "ann", "bob")
    assert [(w.label, w.start, w.end) for w in report.weeks] == [
        ("2026-W37", dt.date(2026, 9, 7), dt.date(2026, 9, 13)),
        ("2026-W38", dt.date(2026, 9, 14), dt.date(2026, 9, 20)),
        ("2026-W39", dt.date(2026, 9, 21), dt.date(2026, 9, 27)),
    ]
    assert table(report) == [
        ("2026-W37", "total", {"added": 2, "forward": 1, "added EUR": 2500.0}),
        ("2026-W37", "(no owner)", {}),
        ("2026-W37", "ann", {"added": 2, "forward": 1, "added EUR": 2500.0}),
        ("2026-W37", "bob", {}),
        ("2026-W38", "total", {"won": 1, "back": 1, "slipped": 1, "won EUR": 5000.0}),
        ("2026-W38", "(no owner)", {}),
        ("2026-W38", "ann", {"back": 1, "slipped": 1}),
        ("2026-W38", "bob", {"won": 1, "won EUR": 5000.0}),
        (
            "2026-W39",
            "total",
            {"added": 1, "lost": 1, "added EUR": 300.0, "lost EUR": 2000.0},
        ),
        ("2026-W39", "(no owner)", {"added": 1, "added EUR": 300.0}),
        ("2026-W39", "ann", {"lost": 1, "lost EUR": 2000.0}),
        ("2026-W39", "bob", {}),
    ]


def test_without_git_from_the_files_alone(repo: GitProject) -> None:
    project = load_project(repo.root, dt.date(2026, 9, 23))
    report = weekly(project, use_git=False, weeks=3)
    assert report.source == "log"
    assert [
        (label, owner, found)
        for label, owner, found in table(report)
        if owner == "total"
    ] == [
        ("2026-W37", "total", {"added": 1, "forward": 1, "added EUR": 2000.0}),
        ("2026-W38", "total", {"won": 1, "won EUR": 5000.0}),
        (
            "2026-W39",
            "total",
            {"added": 1, "lost": 1, "added EUR": 300.0, "lost EUR": 2000.0},
        ),
    ]


def test_outside_a_repository_the_files_are_used(tmp_path: Path) -> None:
    from conftest import ProjectDir

    plain = ProjectDir(tmp_path / "plain")
    plain.client("acme", client("Acme", "ann", "2026-09-22", "lead", 10))
    report = weekly(
        load_project(plain.root, dt.date(2026, 9, 23)), use_git=True, weeks=1
    )
    assert report.source == "log"
    assert counts(report.weeks[0].total) == {"added": 1, "added EUR": 10.0}


def page_rows(html: str, table: int = 0) -> list[list[str]]:
    """The cells of one table of weekly.html, tags removed, spaces squeezed."""
    import re

    body = html.split("<tbody>")[table + 1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]

    def text(cell: str) -> str:  # the en dash of a date range as a plain hyphen
        return " ".join(re.sub(r"<[^>]+>", "", cell).split()).replace("\u2013", "-")

    return [[text(cell) for cell in row] for row in cells]


def test_the_site_shows_the_weeks_newest_first(
    repo: GitProject, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = repo.run("build", "--today", "2026-09-23", "--out", str(out))
    assert result.status == 0, result
    html = (out / "weekly.html").read_text()
    assert "From the client files and their git history" in html
    assert page_rows(html)[:3] == [
        ["2026-W39 21 Sep - 27 Sep", "€300 (1)", "0", "1 €2,000", "0", "0", "0"],
        ["2026-W38 14 Sep - 20 Sep", "—", "1 €5,000", "0", "0", "1", "1"],
        ["2026-W37 7 Sep - 13 Sep", "€2,500 (2)", "0", "0", "1", "0", "0"],
    ]
    assert '<h2 class="weekly-title" id="weekly-owner-2">ann</h2>' in html
    assert page_rows(html, 2)[1] == [
        "2026-W38 14 Sep - 20 Sep",
        "—",
        "0",
        "0",
        "0",
        "1",
        "1",
    ]
    assert (
        '<a href="weekly.html">Week over week</a>' in (out / "index.html").read_text()
    )


def test_the_site_without_git_says_so(repo: GitProject, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = repo.run("--no-git", "build", "--today", "2026-09-23", "--out", str(out))
    assert result.status == 0, result
    html = (out / "weekly.html").read_text()
    assert "From the client files alone" in html
    assert page_rows(html)[1] == [
        "2026-W38 14 Sep - 20 Sep",
        "—",
        "1 €5,000",
        "0",
        "0",
        "0",
        "—",
    ]


@pytest.mark.parametrize(
    "args",
    [("--no-git", "build"), ("build", "--no-git")],
)
def test_no_git_before_or_after_the_command(
    repo: GitProject, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = tmp_path / "site"
    result = repo.run(*args, "--today", "2026-09-23", "--out", str(out))
    assert result.status == 0, result
    assert "From the client files alone" in (out / "weekly.html").read_text()


def test_files_committed_once_give_the_files_alone_page(tmp_path: Path) -> None:
    import shutil

    from conftest import REPO

    sample = GitProject(tmp_path / "sample")
    shutil.copytree(REPO / "clients", sample.root / "clients", dirs_exist_ok=True)
    shutil.copy(REPO / "crmgen.toml", sample.root / "crmgen.toml")
    sample.commit("the whole project", "2026-12-01T09:00:00+00:00")
    project = load_project(sample.root, dt.date(2026, 12, 1))
    with_git, files_alone = weekly(project, use_git=True), weekly(project, False)
    assert (with_git.source, files_alone.source) == ("git", "log")
    assert table(with_git) == table(files_alone)
    assert ("2026-W48", "total", {"won": 1, "won EUR": 19400.0}) in [
        (label, owner, {k: v for k, v in found.items() if k.startswith("won")})
        for label, owner, found in table(with_git)
    ]


WEST_MAIN = "  - title: Main\n    stage: lead\n    value: 800\n"
WEST_EXTRA = "  - title: Extra\n    stage: lead\n    value: 300\n"
NORTH_LOG = "### 2026-10-19 stage: qualified -> proposal\n"


def west(*deals: str) -> str:
    return (
        "---\nname: West\nowner: carl\nfirst_contact: 2026-09-01\ndeals:\n"
        + "".join(deals)
        + "---\n"
    )


@pytest.fixture
def weeks_repo(tmp_path: Path) -> GitProject:
    """Four commits, one a week from W41; the last is after today (21 Oct)."""
    project = GitProject(tmp_path / "weeks")
    north = "expected_close: 2026-11-30\n"
    project.client("north", client("North", "ann", "2026-09-01", "lead", 1000, north))
    project.client("south", client("South", "bob", "2026-10-07", "proposal", 4000))
    project.client("west", west(WEST_MAIN))
    project.commit("start", "2026-10-06T10:00:00+00:00")
    north = "expected_close: 2026-12-31\n"
    project.client(
        "north", client("North", "ann", "2026-09-01", "qualified", 1000, north)
    )
    project.client("south", client("South", "bob", "2026-10-07", "proposal", 6000))
    project.client("east", client("East", "ann", "2026-10-02", "lead", 500))
    project.client("west", west(WEST_MAIN, WEST_EXTRA))
    project.commit("week 42", "2026-10-13T10:00:00+00:00")
    north_now = client("North", "ann", "2026-09-01", "proposal", 1000, north, NORTH_LOG)
    project.client("north", north_now)
    won = "closed_on: 2026-10-16\n"
    project.client("south", client("South", "bob", "2026-10-07", "won", 6000, won))
    project.client("west", west(WEST_MAIN))
    project.commit("week 43", "2026-10-20T10:00:00+00:00")
    project.client("north", north_now.replace("value: 1000", "value: 9000"))
    project.commit("after today", "2026-10-23T10:00:00+00:00")
    return project


def test_git_adds_only_what_the_files_cannot_date(weeks_repo: GitProject) -> None:
    project = load_project(weeks_repo.root, dt.date(2026, 10, 21))
    report = weekly(project, use_git=True, weeks=3)
    assert [row for row in table(report) if row[1] == "total"] == [
        # South opened on 7 Oct at its first committed value; nothing else in
        # the first commit counts as added on the commit's day.
        ("2026-W41", "total", {"added": 1, "added EUR": 4000.0}),
        # South raised by 2,000 and West's Extra (gone today, no date in the
        # files) added in this week's commit; North moved without a stage
        # entry and slipped; South won on its closed_on, not its commit day.
        (
            "2026-W42",
            "total",
            {
                "added": 2,
                "won": 1,
                "forward": 1,
                "slipped": 1,
                "added EUR": 2300.0,
                "won EUR": 6000.0,
            },
        ),
        # North's logged move counts once, on its entry's date; the value
        # raised in a commit after today does not count.
        ("2026-W43", "total", {"forward": 1}),
    ]
    assert report.owners == ("ann", "bob", "carl")


def test_the_same_files_alone(weeks_repo: GitProject) -> None:
    project = load_project(weeks_repo.root, dt.date(2026, 10, 21))
    report = weekly(project, use_git=False, weeks=3)
    assert [row for row in table(report) if row[1] == "total"] == [
        ("2026-W41", "total", {"added": 1, "added EUR": 6000.0}),
        ("2026-W42", "total", {"won": 1, "won EUR": 6000.0}),
        ("2026-W43", "total", {"forward": 1}),
    ]


def test_a_close_without_closed_on_counts_on_its_commit(tmp_path: Path) -> None:
    project = GitProject(tmp_path / "p")
    project.client("acme", client("Acme", "ann", "2026-09-01", "proposal", 700))
    project.commit("start", "2026-10-06T10:00:00+00:00")
    project.client("acme", client("Acme", "ann", "2026-09-01", "won", 700))
    project.commit("won, no closed_on", "2026-10-14T10:00:00+00:00")
    loaded = load_project(project.root, dt.date(2026, 10, 21))
    with_git = weekly(loaded, use_git=True, weeks=2)
    assert [row for row in table(with_git) if row[1] == "total"] == [
        ("2026-W42", "total", {"won": 1, "won EUR": 700.0}),
        ("2026-W43", "total", {}),
    ]
    files_alone = weekly(loaded, use_git=False, weeks=2)
    assert [counts(week.total) for week in files_alone.weeks] == [{}, {}]
