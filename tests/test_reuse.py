"""Builds after the first: nothing changed means nothing done, and unchanged
client pages are carried over, never stale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ProjectDir

from crmgen import reuse
from crmgen.build import build
from crmgen.cache import CACHE_DIR

TODAY = "2027-01-15"
OLD = 1_600_000_000  # a file time long past, so stamps are trusted

CLIENT = """\
    ---
    name: {name}
    stage: lead
    first_contact: 2026-03-01
    ---

    ## Log

    ### 2026-03-02 call: intro
    Spoke with {name}.
    """


@pytest.fixture
def sample(project: ProjectDir) -> ProjectDir:
    for name in ("Acme", "Birch", "Cedar"):
        project.client(name.lower(), CLIENT.format(name=name))
    age(project)
    return project


def age(project: ProjectDir) -> None:
    """Date every input in the past, so that stamps are trusted."""
    for path in (project.root / "clients").rglob("*.md"):
        os.utime(path, (OLD, OLD))


def inode(project: ProjectDir, client_id: str) -> int:
    return (project.root / "site" / "clients" / f"{client_id}.html").stat().st_ino


def page(project: ProjectDir, client_id: str) -> str:
    return (project.root / "site" / "clients" / f"{client_id}.html").read_text()


def test_a_build_with_nothing_changed_does_nothing(sample: ProjectDir) -> None:
    first = sample.run("build", "--today", TODAY)
    before = inode(sample, "acme")
    second = sample.run("build", "--today", TODAY)
    assert second.status == first.status == 0, second
    assert "nothing changed" in second.out, second
    assert inode(sample, "acme") == before
    assert "3 client pages" in second.out, second


def test_another_day_builds_again(sample: ProjectDir) -> None:
    sample.run("build", "--today", TODAY)
    again = sample.run("build", "--today", "2027-01-16")
    assert "nothing changed" not in again.out, again
    assert "16 Jan 2027" in page(sample, "acme")


def test_an_edit_renders_that_page_and_links_the_others(sample: ProjectDir) -> None:
    sample.run("build", "--today", TODAY)
    birch, cedar = inode(sample, "birch"), inode(sample, "cedar")
    quote = "\n    ### 2026-03-09 email: Asked for a quote\n"
    sample.client("acme", CLIENT.format(name="Acme") + quote)
    age(sample)
    result = sample.run("build", "--today", TODAY)
    assert "built 3 client pages" in result.out, result
    assert "Asked for a quote" in page(sample, "acme")
    assert (inode(sample, "birch"), inode(sample, "cedar")) == (birch, cedar)
    # The linked pages are recorded with the stamps they kept: nothing to do.
    assert "nothing changed" in sample.run("build", "--today", TODAY).out


def test_a_new_problem_leaves_the_other_pages_and_shows_on_them(
    sample: ProjectDir,
) -> None:
    sample.run("build", "--today", TODAY)
    birch = inode(sample, "birch")
    problems = sample.root / "site" / "problems.css"
    assert "content" not in problems.read_text()
    sample.client("acme", CLIENT.format(name="Acme").replace("lead", "leed"))
    age(sample)
    sample.run("build", "--today", TODAY)
    assert inode(sample, "birch") == birch
    assert "../problems.css" in page(sample, "birch")
    assert 'content: "1 error"' in problems.read_text()


def test_a_moved_file_renders_its_page_again(sample: ProjectDir) -> None:
    # The same bytes under another path: the page names the file it comes from.
    sample.run("build", "--today", TODAY)
    archive = sample.root / "clients" / "archive"
    archive.mkdir()
    (sample.root / "clients" / "birch.md").rename(archive / "birch.md")
    age(sample)
    sample.run("build", "--today", TODAY)
    assert "clients/archive/birch.md" in page(sample, "birch")


def test_a_page_changed_by_hand_is_rendered_again(sample: ProjectDir) -> None:
    sample.run("build", "--today", TODAY)
    good = page(sample, "birch")
    (sample.root / "site" / "clients" / "birch.html").write_text("vandalised")
    result = sample.run("build", "--today", TODAY)
    assert "nothing changed" not in result.out, result
    assert page(sample, "birch") == good


def test_a_changed_template_renders_every_page(sample: ProjectDir) -> None:
    sample.run("build", "--today", TODAY)
    bundled = Path(reuse.default_templates()) / "base.html"
    sample.write("templates/base.html", bundled.read_text() + "<!-- mine -->\n")
    sample.run("build", "--today", TODAY)
    assert page(sample, "cedar").endswith("<!-- mine -->\n")


@pytest.mark.parametrize("damage", [b"", b"garbage", reuse.MAGIC + b"\x80junk"])
def test_a_damaged_record_means_a_full_build(sample: ProjectDir, damage: bytes) -> None:
    sample.run("build", "--today", TODAY)
    good = page(sample, "acme")
    (sample.root / CACHE_DIR / reuse.SITE_FILE).write_bytes(damage)
    result = sample.run("build", "--today", TODAY)
    assert "built 3 client pages" in result.out, result
    assert page(sample, "acme") == good


def test_no_cache_renders_everything_and_records_nothing(sample: ProjectDir) -> None:
    result = sample.run("build", "--today", TODAY, "--no-cache")
    assert result.status == 0, result
    assert not (sample.root / CACHE_DIR).exists()


def test_the_result_without_loading_keeps_the_problems(sample: ProjectDir) -> None:
    sample.client("dud", "no front matter\n")
    age(sample)
    first = build(sample.root, None, None)
    second = build(sample.root, None, None)
    assert first.project is not None and second.project is None
    assert second.problems == first.problems and second.errors == 1
    assert second.clients == first.clients == 3
