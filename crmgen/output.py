"""Write a site folder, redoing only what changed since the last build.

A client page whose key is unchanged is the last build's file. When only a
few pages changed, the last build's folder is updated in place: the files
whose bytes differ are rewritten, each atomically, and nothing else is
touched. Otherwise the new site is written beside the old one (unchanged
pages hard-linked) and swapped in whole (see crmgen.build.Staging).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import jinja2

from crmgen.build import MARKER, Staging, clean_leftovers, encoded
from crmgen.files import Staged, discard, put_in_place, stage_all
from crmgen.fragments import Fragments
from crmgen.gitfacts import GitFacts
from crmgen.loader import Project
from crmgen.model import Client
from crmgen.pages import PagePool, page_name
from crmgen.render import environment, static_source
from crmgen.reuse import Record, page_context, page_key, templates_digest
from crmgen.site import (
    STATIC_FILES,
    Site,
    machine_streams,
    prepare,
    render_client_page,
    summary_streams,
)

# In place when at most this share of the client pages must be rendered.
IN_PLACE_SHARE = 0.05
# Updating in place, each group of these pages is rendered in a process of its
# own: they need nothing kept for the next build, and each group takes about
# as long as what is left here (the board, data.json, the changed pages).
APART = (("followups.html", "problems.html", "weekly.html"), ("reports.html",))


@dataclass(frozen=True, slots=True)
class Written:
    """What write_site wrote: every file's name, the client pages' keys, the
    pages reused from the last build as they were (their stamps unchanged)
    and the page context the keys were made with (see reuse.page_context)."""

    names: list[str]
    keys: dict[str, bytes]
    reused: list[str]
    context: bytes


@dataclass(frozen=True, slots=True)
class Plan:
    """What a build must render: the client pages whose key changed.

    keys: every client page's key, made with context; reused: the last
    build's file of each page whose key is unchanged; pending: the clients to
    render; old_data: the last build's data.json if it is untouched, to take
    lines from.
    """

    env: jinja2.Environment
    site: Site
    context: bytes
    keys: dict[str, bytes]
    reused: dict[str, str]
    pending: list[Client]
    old_data: Path | None = None


def plan(
    project: Project,
    previous: Record | None,
    fragments: Fragments | None = None,
    compiled: bool = False,
) -> Plan:
    """Derive the site and sort its client pages into reused and to render;
    fragments: the pieces kept between builds; compiled: keep compiled
    templates in the project's cache."""
    env = environment(project.root, compiled)
    site = prepare(env, project, fragments)
    context = page_context(site, templates_digest(project.root))
    keys: dict[str, bytes] = {}
    reused: dict[str, str] = {}
    pending: list[Client] = []
    for client in project.clients:
        name = page_name(client)
        keys[name] = page_key(context, project, client.path)
        old = previous.reusable(name, keys[name]) if previous else None
        if old is None:
            pending.append(client)
        else:
            reused[name] = old
    old_data = previous.untouched("data.json") if previous else None
    return Plan(env, site, context, keys, reused, pending, old_data)


def write_site(
    project: Project,
    previous: Record | None,
    folder: Path,
    history: GitFacts | None = None,
    fragments: Fragments | None = None,
) -> Written:
    """Write the site into folder; fragments: the pieces kept between builds,
    if any."""
    if previous is not None and previous.output != str(folder):
        previous = None
    work = plan(project, previous, fragments, compiled=fragments is not None)
    few = len(work.pending) <= IN_PLACE_SHARE * len(project.clients)
    reused = list(work.reused)
    if previous is not None and few and (folder / MARKER).is_file():
        names = write_in_place(work, folder, previous, history, fragments)
    else:
        clean_leftovers(folder)
        with Staging(folder) as staging:
            names = write_staged(work, staging, history, fragments)
            staging.commit()
        reused = [name for name in reused if name not in staging.copied]
    return Written(sorted(names), work.keys, reused, work.context)


def write_staged(
    work: Plan,
    staging: Staging,
    history: GitFacts | None,
    fragments: Fragments | None = None,
) -> list[str]:
    """Every file of the site into staging, client pages by worker processes."""
    env, site = work.env, work.site
    for name, old in work.reused.items():
        staging.link(name, old)
    names = list(work.keys)
    with PagePool(env, site, work.pending, staging.path) as pool:
        for name in STATIC_FILES:
            names.append(f"static/{name}")
            staging.write(names[-1], static_source(env, name))
        for name, texts in summary_streams(env, site, history).items():
            names.append(name)
            staging.write_pieces(name, encoded(texts))
        machine = machine_streams(
            site.project, fragments=fragments, old_data=work.old_data
        )
        for name, pieces in machine.items():
            names.append(name)
            staging.write_pieces(name, pieces)
        pool.finish()
    return names


def write_in_place(
    work: Plan,
    folder: Path,
    previous: Record,
    history: GitFacts | None,
    fragments: Fragments | None = None,
) -> list[str]:
    """Replace, each atomically, the files of the last build whose bytes change.

    Every file is streamed into a temporary file beside it and compared with
    it on the way; the changed ones are renamed into place only once all are
    written, so a template error leaves the site as it was.
    """
    env, site = work.env, work.site
    streams: dict[str, Iterable[bytes]] = {
        f"static/{name}": (static_source(env, name),) for name in STATIC_FILES
    }
    for name, texts in summary_streams(env, site, history).items():
        streams[name] = encoded(texts)
    streams.update(
        machine_streams(site.project, fragments=fragments, old_data=work.old_data)
    )
    for client in work.pending:
        streams[page_name(client)] = _page(env, site, client)
    # The follow-ups page is rendered in a process of its own, whose pieces
    # are lost with it: the last build's are kept for the next one here.
    site.briefs.carry(site.project.clients)
    put_in_place(_stage_beside(folder, streams, APART))
    names = [*work.keys, *streams]
    current = set(names)
    for name in previous.files:
        if name not in current:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / name)
    return names


def _stage_beside(
    folder: Path,
    streams: Mapping[str, Iterable[bytes]],
    groups: Iterable[Iterable[str]],
) -> Staged:
    """Stage the streams that change a file; each group of them in a forked
    process of its own meanwhile, where there is a core to spare (they must
    keep nothing for the next build: what a process keeps is lost with it)."""
    here = dict(streams)
    if (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return stage_all(folder, here)
    children: list[tuple[int, int, dict[str, Iterable[bytes]]]] = []
    staged: Staged = []
    try:
        for group in groups:
            away = {name: here.pop(name) for name in group if name in here}
            forked = _fork_stager(folder, away) if away else None
            if forked is not None:
                children.append((*forked, away))
            else:  # no process to spare: these are staged here too
                here.update(away)
        staged = stage_all(folder, here)
        while children:
            child, reading, away = children.pop(0)
            done = _child_staged(child, reading)
            # A failed process left nothing: its pages are made here, where
            # an error is reported with its details.
            staged += done if done is not None else stage_all(folder, away)
    except BaseException:
        for child, reading, _ in children:
            discard(_child_staged(child, reading) or [])
        discard(staged)
        raise
    return staged


def _fork_stager(
    folder: Path, streams: Mapping[str, Iterable[bytes]]
) -> tuple[int, int] | None:
    """A forked process staging streams, and the pipe it reports on; None
    when no process can be forked."""
    reading, writing = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return None
    if child == 0:
        os.close(reading)
        _stage_in_child(folder, streams, writing)
    os.close(writing)
    return child, reading


def _stage_in_child(
    folder: Path, streams: Mapping[str, Iterable[bytes]], writing: int
) -> NoReturn:
    """The forked process: stage, report the files staged, and exit."""
    gc.disable()  # short-lived: collecting would only copy the shared pages
    code = 1
    try:
        staged = stage_all(folder, streams)
        report = "\0".join(f"{temporary}\0{path}" for temporary, path in staged)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(report.encode())
        code = 0
    finally:
        os._exit(code)


def _child_staged(child: int, reading: int) -> Staged | None:
    """What the forked process staged, None if it failed."""
    with os.fdopen(reading, "rb") as pipe:
        report = pipe.read().decode()
    _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    names = report.split("\0") if report else []
    return [(Path(t), Path(p)) for t, p in zip(names[::2], names[1::2], strict=True)]


def _page(env: jinja2.Environment, site: Site, client: Client) -> Iterator[bytes]:
    """A client page's bytes, rendered when first read."""
    yield render_client_page(env, site, client).encode("utf-8")
