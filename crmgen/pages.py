"""Render and write many client pages over every core while this process does
the rest.

Worker processes are forked after the site is prepared, so they start with the
project, its facts and the template environment already in memory; each claims
a range of clients at a time and writes their pages straight into the folder
being built, so no page's bytes travel between processes or wait in memory.
One core is left to this process, which renders the other pages of the site
meanwhile and then claims ranges too: no more processes run than there are
cores.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from crmgen.model import Client
from crmgen.site import Site, render_client_page

log = logging.getLogger(__name__)

# Below this many pages, forking costs more than it saves.
PARALLEL_FROM = 400
CHUNK = 200

# What the forked workers render from: set just before they start.
_work: PagePool | None = None


def page_name(client: Client) -> str:
    """A client page's path in the site."""
    return f"clients/{client.id}.html"


def write_pages(
    env: jinja2.Environment, site: Site, clients: list[Client], folder: Path
) -> int:
    """Render the clients' pages and write each under folder, in this process."""
    (folder / "clients").mkdir(parents=True, exist_ok=True)
    for client in clients:
        page = render_client_page(env, site, client).encode("utf-8")
        (folder / page_name(client)).write_bytes(page)
    return len(clients)


def _work_in_worker() -> None:
    """A worker's life: claim ranges until none is left; exit 1 on any error
    (finish() renders that range again here, where the error is reported)."""
    assert _work is not None, "set before the workers were forked"
    try:
        _work.claim_all()
    except Exception as error:
        log.debug("a page worker failed: %s", error)
        os._exit(1)


class PagePool:
    """Client pages being written by workers, then by this process too.

    Use as a context manager: the workers start on entry, this process is free
    for other pages meanwhile, and finish() joins in, then waits until every
    page is written.
    """

    def __init__(
        self, env: jinja2.Environment, site: Site, clients: list[Client], folder: Path
    ):
        self.env, self.site, self.clients, self.folder = env, site, clients, folder
        self.ranges = (len(clients) + CHUNK - 1) // CHUNK
        self.workers: list[BaseProcess] = []
        self.claimed: Synchronized[int] | None = None
        self.done: Any = None  # a shared array of flags, one per range

    def __enter__(self) -> PagePool:
        cores = os.cpu_count() or 1
        workers = min(cores - 1, self.ranges - 1)
        if len(self.clients) < PARALLEL_FROM or workers < 1:
            return self
        if "fork" not in multiprocessing.get_all_start_methods():
            return self
        global _work
        _work = self
        gc.freeze()  # keep the collector from touching (and copying) shared pages
        context = multiprocessing.get_context("fork")
        try:
            self.claimed = context.Value("l", 0)
            self.done = context.RawArray("b", self.ranges)
            for _ in range(workers):
                worker = context.Process(target=_work_in_worker, daemon=True)
                worker.start()
                self.workers.append(worker)
        except (OSError, RuntimeError) as error:
            log.info("rendering in one process: %s", error)
            self._stop()
        return self

    def claim_all(self) -> None:
        """Render range after range, each claimed so that no other process does."""
        assert self.claimed is not None
        while True:
            with self.claimed.get_lock():
                index = self.claimed.value
                self.claimed.value = index + 1
            if index >= self.ranges:
                return
            self._write_range(index)

    def _write_range(self, index: int) -> None:
        clients = self.clients[index * CHUNK : (index + 1) * CHUNK]
        write_pages(self.env, self.site, clients, self.folder)
        if self.done is not None:
            self.done[index] = 1

    def finish(self) -> None:
        """Write the pages no worker has claimed, then wait for the workers."""
        if not self.workers:
            write_pages(self.env, self.site, self.clients, self.folder)
            return
        self.claim_all()
        for worker in self.workers:
            worker.join()
        # A worker that failed left its range undone: rendering it here raises
        # the error with its details, or writes the pages if it was passing.
        for index in range(self.ranges):
            if not self.done[index]:
                self._write_range(index)

    def _stop(self) -> None:
        for worker in self.workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        self.workers = []

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        global _work
        self._stop()
        _work = None
        gc.unfreeze()
