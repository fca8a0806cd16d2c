"""Render and write many client pages over every core while this process does
the rest.

Worker processes are forked after the site is prepared, so they start with the
project, its facts and the template environment already in memory; each
renders a range of clients and writes the pages straight into the folder being
built, so no page's bytes travel between processes or wait in memory.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

import jinja2

from crmgen.model import Client
from crmgen.site import Site, render_client_page

log = logging.getLogger(__name__)

# Below this many pages, forking costs more than it saves.
PARALLEL_FROM = 400
CHUNK = 200

# What the forked workers render from: set just before the pool starts.
_work: tuple[jinja2.Environment, Site, list[Client], Path] | None = None


def page_name(client: Client) -> str:
    """A client page's path in the site."""
    return f"clients/{client.id}.html"


def _write_range(start: int, stop: int) -> int:
    """A worker's share: write the pages of clients[start:stop]."""
    assert _work is not None, "set before the workers were forked"
    env, site, clients, folder = _work
    return write_pages(env, site, clients[start:stop], folder)


def write_pages(
    env: jinja2.Environment, site: Site, clients: list[Client], folder: Path
) -> int:
    """Render the clients' pages and write each under folder, in this process."""
    (folder / "clients").mkdir(parents=True, exist_ok=True)
    for client in clients:
        page = render_client_page(env, site, client).encode("utf-8")
        (folder / page_name(client)).write_bytes(page)
    return len(clients)


class PagePool:
    """Client pages being written by workers (or later, serially, if few).

    Use as a context manager: the workers start on entry, this process is free
    for other pages meanwhile, and finish() waits until every page is written.
    """

    def __init__(
        self, env: jinja2.Environment, site: Site, clients: list[Client], folder: Path
    ):
        self.env, self.site, self.clients, self.folder = env, site, clients, folder
        self.pool: ProcessPoolExecutor | None = None
        self.jobs: list[Future[int]] = []

    def __enter__(self) -> PagePool:
        workers = min(os.cpu_count() or 1, len(self.clients) // CHUNK)
        if len(self.clients) < PARALLEL_FROM or workers < 2:
            return self
        if "fork" not in multiprocessing.get_all_start_methods():
            return self
        global _work
        _work = (self.env, self.site, self.clients, self.folder)
        gc.freeze()  # keep the collector from touching (and copying) shared pages
        try:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(workers, mp_context=context)
            self.jobs = [
                self.pool.submit(_write_range, start, start + CHUNK)
                for start in range(0, len(self.clients), CHUNK)
            ]
        except (OSError, RuntimeError) as error:
            log.info("rendering in one process: %s", error)
            self.pool = None
        return self

    def finish(self) -> None:
        """Wait until every client's page is written."""
        if self.pool is not None:
            try:
                for job in self.jobs:
                    job.result()
                return
            except Exception as error:  # e.g. a template error that did not pickle
                log.info("rendering again in one process: %s", error)
        # Serially, a failing page raises its own error here, with its details.
        write_pages(self.env, self.site, self.clients, self.folder)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        global _work
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        _work = None
        gc.unfreeze()
