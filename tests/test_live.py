"""The live site: after each change the folder is what a fresh build writes,
and the page being edited is written before anything else."""

from __future__ import annotations

import datetime as dt
import gc
import os
import weakref
from collections.abc import Iterable
from pathlib import Path

import jinja2
import pytest
from conftest import ProjectDir
from siteproject import TODAY, write_project

from crmgen import files as files_module
from crmgen import live as live_module
from crmgen.live import LiveSite
from crmgen.watch import Changes

DAY = dt.date.fromisoformat(TODAY)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _fresh_build(project: ProjectDir, out: Path) -> dict[str, bytes]:
    project.run("build", "--today", TODAY, "--no-git", "--out", str(out))
    return _files(out)


def _append(project: ProjectDir, client_id: str, text: str) -> str:
    path = project.root / "clients" / f"{client_id}.md"
    path.write_text(path.read_text("utf-8") + text, encoding="utf-8")
    return f"clients/{client_id}.md"


@pytest.fixture
def site(project: ProjectDir, tmp_path: Path) -> LiveSite:
    write_project(project)
    return LiveSite(project.root, DAY, tmp_path / "live", use_git=False)


def test_the_edited_page_is_written_first_and_the_site_is_a_fresh_builds(
    site: LiveSite,
    project: ProjectDir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[str] = []
    atomic = live_module.write_atomic

    def spy(path: Path, data: bytes) -> None:
        written.append(str(path.relative_to(site.folder)))
        atomic(path, data)

    stage = files_module.stage_if_changed

    def spy_stream(path: Path, pieces: Iterable[bytes]) -> Path | None:
        staged = stage(path, pieces)
        if staged is not None:
            written.append(str(path.relative_to(site.folder)))
        return staged

    monkeypatch.setattr(live_module, "write_atomic", spy)
    monkeypatch.setattr(files_module, "stage_if_changed", spy_stream)
    changed = _append(project, "acme-tools", "\nA new line of notes.\n")
    rebuilt = site.update(Changes(clients={changed}))
    assert written[0] == "clients/acme-tools.html"
    assert "clients/beta-cafes.html" not in written
    assert rebuilt.written == len(written)
    assert "data.json" in written  # the client's line shows the new notes
    assert _files(site.folder) == _fresh_build(project, tmp_path / "fresh")


def test_data_json_lines_come_from_the_file_while_it_is_the_one_written(
    site: LiveSite, project: ProjectDir, tmp_path: Path
) -> None:
    data = site.folder / "data.json"
    changed = _append(project, "acme-tools", "\nFirst.\n")
    site.update(Changes(clients={changed}))
    # Touched by hand: every line is made again, none is read from it.
    data.write_bytes(data.read_bytes().replace(b'"Beta', b'"Bxta'))
    changed = _append(project, "acme-tools", "\nSecond.\n")
    site.update(Changes(clients={changed}))
    assert b'"Bxta' not in data.read_bytes()
    assert _files(site.folder) == _fresh_build(project, tmp_path / "fresh")
    # With its stamp put back, a hand edit passes for the file written last:
    # the line that shows it proves unchanged lines are read from the file.
    status = data.stat()
    data.write_bytes(data.read_bytes().replace(b'"Beta', b'"Bxta'))
    os.utime(data, ns=(status.st_atime_ns, status.st_mtime_ns))
    changed = _append(project, "acme-tools", "\nThird.\n")
    site.update(Changes(clients={changed}))
    assert b'"Bxta' in data.read_bytes()


def test_a_new_problem_rewrites_the_banners_but_not_every_client_page(
    site: LiveSite, project: ProjectDir, tmp_path: Path
) -> None:
    # The summary pages show the counts; the client pages take them from
    # problems.css, so the other clients' pages are left as they are.
    other = site.folder / "clients" / "beta-cafes.html"
    before = other.stat().st_ino, (site.folder / "problems.css").read_bytes()
    changed = _append(project, "acme-tools", "\n## Log\n\n### 2026-13-40 call: bad\n")
    rebuilt = site.update(Changes(clients={changed}))
    assert other.stat().st_ino == before[0]
    assert (site.folder / "problems.css").read_bytes() != before[1]
    assert rebuilt.written < 10
    assert _files(site.folder) == _fresh_build(project, tmp_path / "fresh")


def test_an_edit_that_changes_every_page_rewrites_them_all(
    site: LiveSite, project: ProjectDir, tmp_path: Path
) -> None:
    # A new title shows at the top of every page.
    other = site.folder / "clients" / "beta-cafes.html"
    before = other.read_bytes()
    config = project.root / "crmgen.toml"
    config.write_text(config.read_text().replace("Test pipeline", "Our pipeline"))
    site.update(Changes(config=True))
    assert b"Our pipeline" in other.read_bytes() != before
    assert _files(site.folder) == _fresh_build(project, tmp_path / "fresh")


def test_a_new_client_leaves_the_other_client_pages(
    site: LiveSite, project: ProjectDir, tmp_path: Path
) -> None:
    other = site.folder / "clients" / "beta-cafes.html"
    before = other.stat().st_ino
    project.client("zeta", "---\nname: Zeta\nstage: lead\n---\n")
    rebuilt = site.update(Changes(clients={"clients/zeta.md"}))
    assert other.stat().st_ino == before
    assert (site.folder / "clients" / "zeta.html").is_file()
    assert rebuilt.written < 10
    assert _files(site.folder) == _fresh_build(project, tmp_path / "fresh")


def test_watch_starts_from_the_last_build_without_rendering_it_again(
    project: ProjectDir, tmp_path: Path
) -> None:
    write_project(project)
    out = tmp_path / "site"
    built = _fresh_build(project, out)
    before = (out / "clients" / "beta-cafes.html").stat().st_ino
    site = LiveSite(project.root, DAY, out, use_git=False)
    # The unchanged page is the last build's file, linked into the new folder.
    assert (site.folder / "clients" / "beta-cafes.html").stat().st_ino == before
    assert _files(site.folder) == built


def test_a_template_error_writes_nothing(site: LiveSite, project: ProjectDir) -> None:
    before = _files(site.folder)
    project.write("templates/followups.html", "{% extends 'base.html' %}{% block x %}")
    # A new error: every page's banner would change.
    changed = _append(project, "acme-tools", "\n## Log\n\n### 2026-13-40 call: bad\n")
    with pytest.raises(jinja2.TemplateSyntaxError):
        site.update(Changes(clients={changed}, templates=True))
    after = _files(site.folder)  # a temporary file left behind would show here
    assert after.keys() == before.keys()
    assert after == before


def test_what_a_template_change_replaces_is_freed(site: LiveSite) -> None:
    """The built site is frozen out of the cycle collector between whole
    builds; the template environment a template change replaces (its
    templates and it point at each other) is collected all the same."""
    old = weakref.ref(site.env)
    site.update(Changes(templates=True))
    assert site.env is not old()
    gc.collect()
    assert old() is None
