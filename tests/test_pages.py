"""Client pages written by worker processes are the pages written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest
from conftest import ProjectDir

from crmgen import pages
from crmgen.loader import load_project
from crmgen.model import Client
from crmgen.render import environment
from crmgen.site import Site, prepare

CLIENT = """\
    ---
    name: Client {n}
    stage: lead
    owner: ann
    first_contact: 2026-03-0{n}
    ---
    Notes with **bold** text.

    ## Log

    ### 2026-03-1{n} call: intro
    Spoke with them.
    """


def _seven_clients(
    project: ProjectDir,
) -> tuple[jinja2.Environment, Site, list[Client]]:
    """A project of seven clients, loaded and prepared for rendering."""
    for n in range(1, 8):
        project.client(f"client-{n}", CLIENT.format(n=n))
    loaded = load_project(project.root, dt.date(2027, 1, 15), cache=False)
    env = environment(project.root)
    return env, prepare(env, loaded), list(loaded.clients)


def _pages(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (folder / "clients").iterdir()}


def test_pages_from_workers_equal_pages_written_here(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env, site, clients = _seven_clients(project)
    pages.write_pages(env, site, clients, tmp_path / "here")
    monkeypatch.setattr(pages, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pages, "CHUNK", 2)
    with pages.PagePool(env, site, clients, tmp_path / "workers") as pool:
        assert pool.workers, "the workers did not start"
        pool.finish()
    here = _pages(tmp_path / "here")
    assert _pages(tmp_path / "workers") == here
    assert len(here) == 7 and b"Client 7" in here["client-7.html"]


def test_a_page_that_fails_in_any_process_fails_the_pool(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env, site, clients = _seven_clients(project)
    render = pages.render_client_page

    def failing(env: jinja2.Environment, site: Site, client: Client) -> str:
        if client.id == "client-6":
            raise ValueError("no page for client-6")
        return render(env, site, client)

    monkeypatch.setattr(pages, "render_client_page", failing)
    monkeypatch.setattr(pages, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pages, "CHUNK", 2)
    with (
        pytest.raises(ValueError, match="client-6"),
        pages.PagePool(env, site, clients, tmp_path) as pool,
    ):
        workers = list(pool.workers)
        assert workers, "the workers did not start"
        pool.finish()
    assert not any(worker.is_alive() for worker in workers)
    written = {p.name for p in (tmp_path / "clients").iterdir()}
    assert "client-6.html" not in written


def test_a_client_without_a_valid_stage_is_not_shown_as_closed(
    project: ProjectDir,
) -> None:
    project.client("client-1", CLIENT.format(n=1).replace("stage: lead", "stage: Lead"))
    project.client("client-2", CLIENT.format(n=2).replace("stage: lead", "stage: won"))
    assert project.run("build", "--today", "2027-01-15").status == 1
    pages = _pages(project.root / "site")
    unknown, won = pages["client-1.html"], pages["client-2.html"]
    assert b"No valid stage</span>" in unknown and b">Closed</span>" not in unknown
    assert b">Closed</span>" in won and b"No valid stage" not in won
