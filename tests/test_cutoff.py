"""Builds after edits to nothing but Markdown: only the edited clients' pages
and data.json lines are written, and the site is the one a whole build makes."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ProjectDir, Result
from siteproject import TODAY, write_project

from crmgen.build import build
from crmgen.cache import CACHE_DIR, cache_key, read_sealed
from crmgen.cutoff import outline
from crmgen.fragments import FRAGMENTS_FILE
from crmgen.fragments import MAGIC as FRAGMENTS_MAGIC
from crmgen.loader import load_project
from crmgen.site import LINE_PLACE, line_key, render_site

OLD = 1_600_000_000  # a file time long past, so stamps are trusted

BODY = "She wants it *before* Friday."
NOTES = "Makes **hand tools**."


@pytest.fixture
def site(project: ProjectDir) -> ProjectDir:
    write_project(project)
    age(project)
    first = project.run("build", "--today", TODAY)
    assert done(first).startswith("built"), first
    return project


def age(project: ProjectDir) -> None:
    """Date every client file in the past, so that stamps are trusted."""
    for path in (project.root / "clients").rglob("*.md"):
        os.utime(path, (OLD, OLD))


def edit(project: ProjectDir, client_id: str, old: str, new: str) -> None:
    """Change a client file, dated in the past like the rest (its stamp still
    changes: the status change time moves), so that the build trusts stamps."""
    path = project.root / "clients" / f"{client_id}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, (OLD, OLD))


def done(result: Result) -> str:
    """What the build says it did: its last line (the problems come first)."""
    return result.out.splitlines()[-1]


def output(project: ProjectDir, name: str) -> Path:
    return project.root / "site" / name


def assert_same_as_a_fresh_build(project: ProjectDir, tmp_path: Path) -> None:
    """Every file of the site is the one a build without any cache writes."""
    fresh = tmp_path / "fresh"
    result = project.run("build", "--today", TODAY, "--no-cache", "--out", str(fresh))
    assert done(result).startswith("built"), result
    built = project.root / "site"
    names = sorted(
        str(path.relative_to(built)) for path in built.rglob("*") if path.is_file()
    )
    expected = sorted(
        str(path.relative_to(fresh)) for path in fresh.rglob("*") if path.is_file()
    )
    assert names == expected
    _match, mismatch, errors = filecmp.cmpfiles(built, fresh, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_an_edit_to_a_log_entrys_text_rewrites_its_page_alone(
    site: ProjectDir, tmp_path: Path
) -> None:
    board, other = output(site, "index.html"), output(site, "clients/delta-group.html")
    before = board.stat().st_ino, other.stat().st_ino
    edit(site, "acme-tools", BODY, "She wants it *before* Thursday.")
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("updated 1 client page of 6 in "), result
    assert (
        "<em>before</em> Thursday."
        in output(site, "clients/acme-tools.html").read_text()
    )
    assert "*before* Thursday." in output(site, "data.json").read_text()
    assert (board.stat().st_ino, other.stat().st_ino) == before
    assert_same_as_a_fresh_build(site, tmp_path)
    assert "nothing changed" in site.run("build", "--today", TODAY).out


@pytest.mark.parametrize(
    ("client_id", "old", "new"),
    [
        ("acme-tools", NOTES, "Makes <b>hand tools</b> & <script>alert(1)</script>."),
        (
            "acme-tools",
            "From the web form.",
            "From the form.\n\nA second paragraph, with a [link](https://a.example).",
        ),
        (
            "delta-group",
            "approved the budget\n",
            "approved the budget\nSigned by the CFO.\n",
        ),
        (
            "evil-corp",
            "<script>alert('notes')</script>",
            "<script>alert('other')</script>",
        ),
        ("acme-tools", BODY, BODY + "\nMore.\nAnd more."),  # moves the headings below
    ],
    ids=["notes", "paragraph", "new-body", "hostile-notes", "moved-headings"],
)
def test_markdown_edits_give_the_site_of_a_whole_build(
    site: ProjectDir, tmp_path: Path, client_id: str, old: str, new: str
) -> None:
    edit(site, client_id, old, new)
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("updated 1 client page"), result
    assert_same_as_a_fresh_build(site, tmp_path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("stage: proposal", "stage: negotiation"),
        ("next_follow_up: 2026-11-25", "next_follow_up: 2026-12-02"),
        ("## Log\n", "## Log\n\n### 2026-11-29 call: Chased the quote\n"),
        ("call: Asked for a revised quote", "call: Asked for a new quote"),
        ("### 2026-10-01 stage", "### 2026-10-01 stadium"),  # a new problem
    ],
    ids=["stage", "follow-up", "new-entry", "summary", "problem"],
)
def test_other_edits_build_the_whole_site(
    site: ProjectDir, tmp_path: Path, old: str, new: str
) -> None:
    edit(site, "acme-tools", old, new)
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("built "), result
    assert_same_as_a_fresh_build(site, tmp_path)


def test_a_problem_whose_line_moves_builds_the_whole_site(
    site: ProjectDir, tmp_path: Path
) -> None:
    edit(site, "acme-tools", "### 2026-10-01 stage", "### 2026-10-01 stadium")
    assert done(site.run("build", "--today", TODAY)).startswith("built ")
    # The problem's line moves, and the problems page shows it.
    edit(site, "acme-tools", NOTES, NOTES + "\n\nA new paragraph.")
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("built "), result
    assert_same_as_a_fresh_build(site, tmp_path)


def test_edits_to_several_files_at_once(site: ProjectDir, tmp_path: Path) -> None:
    edit(site, "acme-tools", NOTES, "Makes hand tools, and ladders.")
    edit(
        site, "delta-group", "approved the budget\n", "approved the budget\nAt last.\n"
    )
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("updated 2 client pages of 6"), result
    assert_same_as_a_fresh_build(site, tmp_path)


def test_a_whole_build_after_takes_data_json_lines_from_their_new_places(
    site: ProjectDir, tmp_path: Path
) -> None:
    # A longer line for the first client moves every line after it.
    edit(site, "acme-tools", BODY, BODY + " " + "Much longer now. " * 20)
    assert "updated" in site.run("build", "--today", TODAY).out
    data = output(site, "data.json").read_bytes()
    project = load_project(site.root, dt.date.fromisoformat(TODAY))
    pieces = read_sealed(
        site.root / CACHE_DIR / FRAGMENTS_FILE,
        FRAGMENTS_MAGIC,
        cache_key(project.config),
    )
    for client in project.clients:
        key = line_key(client.path, project.digests[client.path], project.today)
        offset, length = LINE_PLACE.unpack(pieces[key])
        line = data[offset : offset + length]
        assert line.startswith(b'{"id": "%s"' % client.id.encode()), client.id
        assert line.endswith(b"}"), client.id
    # A whole build now reads the unchanged lines from there.
    edit(site, "delta-group", "stage: negotiation", "stage: proposal")
    assert "built" in site.run("build", "--today", TODAY).out
    assert_same_as_a_fresh_build(site, tmp_path)


def test_the_last_line_of_data_json_and_edits_in_turn(
    site: ProjectDir, tmp_path: Path
) -> None:
    # The last client's line ends the list; then a longer line before it,
    # then a shorter one: each build splices where the one before left it.
    edit(site, "gamma-hotel", "stage: lead\n---\n", "stage: lead\n---\n\nNew notes.\n")
    assert done(site.run("build", "--today", TODAY)).startswith("updated 1 ")
    assert_same_as_a_fresh_build(site, tmp_path / "1")
    edit(site, "acme-tools", BODY, BODY + " Much longer now." * 10)
    assert done(site.run("build", "--today", TODAY)).startswith("updated 1 ")
    assert_same_as_a_fresh_build(site, tmp_path / "2")
    edit(site, "acme-tools", BODY + " Much longer now." * 10, BODY)
    edit(site, "gamma-hotel", "New notes.", "Newer notes.")
    assert done(site.run("build", "--today", TODAY)).startswith("updated 2 ")
    assert_same_as_a_fresh_build(site, tmp_path / "3")
    # A whole build takes the unchanged lines from where the last one put them.
    edit(site, "delta-group", "stage: negotiation", "stage: proposal")
    assert done(site.run("build", "--today", TODAY)).startswith("built ")
    assert_same_as_a_fresh_build(site, tmp_path / "4")


def test_undoing_an_edit_gives_back_the_first_site(
    site: ProjectDir, tmp_path: Path
) -> None:
    first = output(site, "clients/acme-tools.html").read_bytes()
    edit(site, "acme-tools", BODY, "Something else.")
    assert "updated" in site.run("build", "--today", TODAY).out
    edit(site, "acme-tools", "Something else.", BODY)
    assert "updated" in site.run("build", "--today", TODAY).out
    assert output(site, "clients/acme-tools.html").read_bytes() == first
    assert_same_as_a_fresh_build(site, tmp_path)


def test_a_file_saved_unchanged_writes_nothing(site: ProjectDir) -> None:
    page = output(site, "clients/acme-tools.html")
    before = page.stat().st_ino
    os.utime(site.root / "clients" / "acme-tools.md")  # saved again, same bytes
    result = site.run("build", "--today", TODAY)
    assert "nothing changed" in result.out, result
    assert page.stat().st_ino == before


def test_a_site_changed_by_hand_is_built_whole(
    site: ProjectDir, tmp_path: Path
) -> None:
    output(site, "followups.html").write_text("vandalised")
    edit(site, "acme-tools", BODY, "Something else.")
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("built"), result
    assert_same_as_a_fresh_build(site, tmp_path)


@pytest.mark.parametrize("lost", [FRAGMENTS_FILE, "site.pickle", "clients-*.pickle"])
def test_a_lost_cache_file_means_a_whole_build(
    site: ProjectDir, tmp_path: Path, lost: str
) -> None:
    for file in (site.root / CACHE_DIR).glob(lost):
        file.write_bytes(b"damaged")
    edit(site, "acme-tools", BODY, "Something else.")
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("built"), result
    assert_same_as_a_fresh_build(site, tmp_path)


def test_a_new_day_builds_the_whole_site(site: ProjectDir, tmp_path: Path) -> None:
    edit(site, "acme-tools", BODY, "Something else.")
    result = site.run("build", "--today", "2026-12-02")
    assert done(result).startswith("built"), result
    fresh = tmp_path / "fresh"
    site.run("build", "--today", "2026-12-02", "--no-cache", "--out", str(fresh))
    for name in ("index.html", "data.json", "clients/acme-tools.html"):
        assert output(site, name).read_bytes() == (fresh / name).read_bytes(), name


def test_a_new_configuration_builds_the_whole_site(
    site: ProjectDir, tmp_path: Path
) -> None:
    config = site.root / "crmgen.toml"
    config.write_text(config.read_text() + "\n# a comment\n")
    edit(site, "acme-tools", BODY, "Something else.")
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("built"), result
    assert_same_as_a_fresh_build(site, tmp_path)


SIZE_IN_PAGE = "{% block content %}{{ site.project.clients|length }} clients"


@pytest.mark.parametrize(
    ("template", "text", "whole"),
    [
        (
            "client.html",
            '{% extends "base.html" %}\n' + SIZE_IN_PAGE + "{% endblock %}",
            True,
        ),
        ("_banner.html", "{{ site.owners|length }} owners\n", True),
        (
            "board.html",
            '{% extends "base.html" %}\n' + SIZE_IN_PAGE + "{% endblock %}",
            False,
        ),
    ],
    ids=["client-page", "banner", "board"],
)
def test_own_templates_of_the_client_page_build_the_whole_site(
    site: ProjectDir, tmp_path: Path, template: str, text: str, whole: bool
) -> None:
    """A project's template may show what only a whole build loads, like how
    many clients there are: one the client page uses takes a whole build."""
    site.write(f"templates/{template}", text)
    assert done(site.run("build", "--today", TODAY)).startswith("built")
    edit(site, "acme-tools", BODY, "Something else.")
    result = site.run("build", "--today", TODAY)
    assert done(result).startswith("built" if whole else "updated 1 "), result
    assert_same_as_a_fresh_build(site, tmp_path)


def test_a_lost_write_of_the_places_never_gives_a_wrong_line(
    site: ProjectDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the pieces cannot be kept after data.json changed, no build
    after it reads a line from where the last but one put it."""

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("crmgen.fragments.write_sealed", full_disk)
    edit(site, "acme-tools", BODY, BODY + " Much longer now." * 10)
    result = build(site.root, dt.date.fromisoformat(TODAY))
    assert result.updated == 1
    assert not (site.root / CACHE_DIR / FRAGMENTS_FILE).exists()
    monkeypatch.undo()
    edit(site, "delta-group", "stage: negotiation", "stage: proposal")
    assert done(site.run("build", "--today", TODAY)).startswith("built")
    assert_same_as_a_fresh_build(site, tmp_path)


def test_no_page_but_the_clients_own_shows_its_markdown(project: ProjectDir) -> None:
    """What the cut-off rests on: a client's notes and log entry bodies show
    on its own page and in data.json, and nowhere else."""
    write_project(project)
    loaded = load_project(project.root, dt.date.fromisoformat(TODAY))
    bare = replace(loaded, clients=tuple(outline(c) for c in loaded.clients))
    full, outlined = render_site(loaded), render_site(bare)
    shown_apart = {"data.json"} | {f"clients/{c.id}.html" for c in loaded.clients}
    assert full.keys() == outlined.keys()
    for name in full.keys() - shown_apart:
        assert full[name] == outlined[name], name
    for name in ("data.json", "clients/acme-tools.html"):
        assert full[name] != outlined[name], name
