"""Render many client pages over every core while this process does the rest.

Worker processes are forked after the site is prepared, so they start with the
project, its facts and the template environment already in memory; each
renders a range of clients and sends back the pages' bytes.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

import jinja2

from crmgen.model import Client
from crmgen.site import Site, render_client_page

log = logging.getLogger(__name__)

# Below this many pages, forking costs more than it saves.
PARALLEL_FROM = 400
CHUNK = 200

# What the forked workers render from: set just before the pool starts.
_work: tuple[jinja2.Environment, Site, list[Client]] | None = None


def _render_range(start: int, stop: int) -> list[bytes]:
    """A worker's share: the pages of clients[start:stop]."""
    assert _work is not None, "set before the workers were forked"
    env, site, clients = _work
    return [
        render_client_page(env, site, c).encode("utf-8") for c in clients[start:stop]
    ]


def render_serially(
    env: jinja2.Environment, site: Site, clients: list[Client]
) -> list[bytes]:
    """The pages, in this process."""
    return [render_client_page(env, site, c).encode("utf-8") for c in clients]


class PagePool:
    """Client pages being rendered by workers (or later, serially, if few).

    Use as a context manager: the workers start on entry, this process is free
    for other pages meanwhile, and pages() collects the results in order.
    """

    def __init__(self, env: jinja2.Environment, site: Site, clients: list[Client]):
        self.env, self.site, self.clients = env, site, clients
        self.pool: ProcessPoolExecutor | None = None
        self.jobs: list[Future[list[bytes]]] = []

    def __enter__(self) -> PagePool:
        workers = min(os.cpu_count() or 1, len(self.clients) // CHUNK)
        if len(self.clients) < PARALLEL_FROM or workers < 2:
            return self
        if "fork" not in multiprocessing.get_all_start_methods():
            return self
        global _work
        _work = (self.env, self.site, self.clients)
        gc.freeze()  # keep the collector from touching (and copying) shared pages
        try:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(workers, mp_context=context)
            self.jobs = [
                self.pool.submit(_render_range, start, start + CHUNK)
                for start in range(0, len(self.clients), CHUNK)
            ]
        except (OSError, RuntimeError) as error:
            log.info("rendering in one process: %s", error)
            self.pool = None
        return self

    def pages(self) -> list[bytes]:
        """Every client's page, in the order of clients."""
        if self.pool is not None:
            try:
                return [page for job in self.jobs for page in job.result()]
            except Exception as error:  # e.g. a template error that did not pickle
                log.info("rendering again in one process: %s", error)
        # Serially, a failing page raises its own error here, with its details.
        return render_serially(self.env, self.site, self.clients)

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
