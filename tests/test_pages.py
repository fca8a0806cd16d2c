"""Client pages rendered by worker processes are the pages rendered here."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ProjectDir

from crmgen import pages
from crmgen.loader import load_project
from crmgen.render import environment
from crmgen.site import prepare

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


def test_pages_from_workers_equal_pages_rendered_here(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 8):
        project.client(f"client-{n}", CLIENT.format(n=n))
    loaded = load_project(project.root, dt.date(2027, 1, 15), cache=False)
    env = environment(project.root)
    site = prepare(env, loaded)
    clients = list(loaded.clients)
    here = pages.render_serially(env, site, clients)
    monkeypatch.setattr(pages, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pages, "CHUNK", 2)
    with pages.PagePool(env, site, clients) as pool:
        assert pool.pool is not None, "the workers did not start"
        from_workers = pool.pages()
    assert from_workers == here
    assert b"Client 7" in from_workers[-1]
