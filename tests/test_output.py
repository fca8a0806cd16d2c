"""A build that changes few pages rewrites only the files whose bytes change,
in the last build's folder; one that changes many swaps a new folder in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ProjectDir

from crmgen.files import put_in_place, stage_all

TODAY = "2027-01-15"
OLD = 1_600_000_000  # a file time long past, so stamps are trusted
CLIENTS = 40

CLIENT = """\
    ---
    name: {name}
    stage: lead
    first_contact: 2026-03-01
    next_follow_up: 2027-01-20
    ---

    ## Log

    ### 2026-03-02 call: intro
    Spoke with {name}.
    """


def age(project: ProjectDir) -> None:
    """Date every input in the past, so that stamps are trusted."""
    for path in (project.root / "clients").rglob("*.md"):
        os.utime(path, (OLD, OLD))


@pytest.fixture
def built(project: ProjectDir) -> ProjectDir:
    for number in range(CLIENTS):
        project.client(f"client-{number:02}", CLIENT.format(name=f"Client {number}"))
    age(project)
    assert project.run("build", "--today", TODAY).status == 0
    return project


def inodes(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): path.stat().st_ino
        for path in folder.rglob("*")
        if path.is_file()
    }


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def fresh(project: ProjectDir, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "fresh"
    project.run("build", "--today", TODAY, "--no-cache", "--out", str(out))
    return files(out)


def test_one_edit_rewrites_only_what_it_changes(
    built: ProjectDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forks = []
    fork = os.fork

    def counted() -> int:
        child = fork()
        if child:
            forks.append(child)
        return child

    monkeypatch.setattr(os, "fork", counted)
    site = built.root / "site"
    folder, before = site.stat().st_ino, inodes(site)
    built.client("client-07", CLIENT.format(name="Renamed Seven"))
    age(built)
    assert built.run("build", "--today", TODAY).status == 0
    after = inodes(site)
    rewritten = {name for name in after if after[name] != before.get(name)}
    # The page, the board and follow-ups that show the name, data.json and
    # the calendar; never the other clients' pages nor the folder.
    assert "clients/client-07.html" in rewritten
    assert {"index.html", "followups.html", "data.json", "followups.ics"} <= rewritten
    assert not any(
        name.startswith("clients/") for name in rewritten - {"clients/client-07.html"}
    )
    assert site.stat().st_ino == folder
    assert len(forks) == 2, "the summary pages were not shared with two processes"
    assert files(site) == fresh(built, tmp_path)


def test_a_renamed_client_moves_its_page_in_place(
    built: ProjectDir, tmp_path: Path
) -> None:
    site = built.root / "site"
    folder = site.stat().st_ino
    clients = built.root / "clients"
    (clients / "client-03.md").rename(clients / "client-99.md")
    assert built.run("build", "--today", TODAY).status == 0
    assert site.stat().st_ino == folder
    assert not (site / "clients" / "client-03.html").exists()
    assert (site / "clients" / "client-99.html").is_file()
    assert files(site) == fresh(built, tmp_path)


def test_many_changed_pages_swap_a_new_folder_in(
    built: ProjectDir, tmp_path: Path
) -> None:
    site = built.root / "site"
    folder = site.stat().st_ino
    for number in range(0, CLIENTS, 2):
        built.client(f"client-{number:02}", CLIENT.format(name=f"New {number}"))
    age(built)
    assert built.run("build", "--today", TODAY).status == 0
    assert site.stat().st_ino != folder
    assert files(site) == fresh(built, tmp_path)


# The follow-ups and the reports are rendered in processes of their own, the
# board in the build's: a failure in any leaves no file of the others behind.
@pytest.mark.parametrize("template", ["followups.html", "reports.html", "board.html"])
def test_a_template_error_leaves_the_site_as_it_was(
    built: ProjectDir, template: str
) -> None:
    site = built.root / "site"
    before = files(site)  # with any temporary file left behind, they differ
    built.write(f"templates/{template}", "{% extends 'base.html' %}{% block x %}")
    built.client("client-07", CLIENT.format(name="Renamed Seven"))
    age(built)
    result = built.run("build", "--today", TODAY)
    assert result.status != 0, result
    assert files(site) == before


def test_without_a_process_to_spare_the_update_is_made_here(
    built: ProjectDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    built.client("client-07", CLIENT.format(name="Renamed Seven"))
    age(built)
    assert built.run("build", "--today", TODAY).status == 0
    assert files(built.root / "site") == fresh(built, tmp_path)


def test_a_rename_that_fails_leaves_no_staged_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.html", "b.html", "c.html"):
        (tmp_path / name).write_text("old")
    staged = stage_all(tmp_path, {n: (b"new",) for n in ("a.html", "b.html", "c.html")})
    renamed = []

    def replace(source: Path, target: Path) -> None:
        if renamed:
            raise OSError(28, "No space left on device")
        renamed.append(target)
        os.rename(source, target)

    monkeypatch.setattr("crmgen.files.os.replace", replace)
    with pytest.raises(OSError):
        put_in_place(staged)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html", "c.html"]
    assert [(tmp_path / n).read_text() for n in ("a.html", "b.html", "c.html")] == [
        "new",
        "old",
        "old",
    ]
