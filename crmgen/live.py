"""Keep a built site up to date while files change: the engine of watch and serve.

After the first full build, a change re-reads only the files it names and
re-renders only the client pages whose client changed, plus the pages that
summarise every client. Output files are compared with what is on disk and
only those whose bytes differ are rewritten, each atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from crmgen.build import check_output, encoded, output_folder
from crmgen.config import load_config
from crmgen.derive import facts
from crmgen.files import Staged, discard, put_in_place, stage_all, write_atomic
from crmgen.gitfacts import HistoryCache
from crmgen.loader import (
    Parsed,
    Project,
    assemble,
    discover,
    read_checked,
    read_client,
    resolve_today,
)
from crmgen.model import Client
from crmgen.output import write_site
from crmgen.pages import page_name
from crmgen.render import environment, static_source
from crmgen.reuse import FileStamp, file_stamp, page_context, read_record
from crmgen.site import (
    STATIC_FILES,
    document_reusing,
    machine_streams,
    prepare,
    render_client_page,
    summary_streams,
)
from crmgen.watch import Changes
from crmgen.words import plural

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What one rebuild did: files rewritten and removed, and how long it took."""

    project: Project
    written: int
    removed: int
    seconds: float


def _settle() -> None:
    """Tell the cycle collector to leave what is built alone until the next
    whole build.

    A watched project's records live until a change replaces them. Left to
    the collector, a full collection over them now and then would stall the
    rebuild it falls in: 0.1 s at 10,000 clients, longer than the rebuild.
    What the last settling froze is released first and the garbage collected,
    so that nothing dropped since (an old template environment, whose
    templates and environment point at each other) is kept for good.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class LiveSite:
    """A project's parsed files and its site on disk, updated change by change."""

    def __init__(
        self,
        root: Path,
        today: dt.date | None,
        out: Path | None,
        use_git: bool = True,
    ) -> None:
        self.root = root
        self.history = HistoryCache(use_git)
        self.today = today
        self.config, self.config_problems = load_config(root)
        self.day = resolve_today(self.config, today)
        self.parsed: dict[str, Parsed] = {}
        self._reparse_all()
        self.env = environment(root)
        self.project = self._assemble()
        self.folder = output_folder(self.project, out)
        check_output(self.folder, root)
        self.site = prepare(self.env, self.project)
        self.context = page_context(self.site, "")
        # Each file of the site on disk, by the digest of its bytes (empty for
        # the big files, which are compared with the disk as they are written).
        self.digests: dict[str, bytes] = {}
        # Where each client's line lies in data.json, while the file's stamp
        # is data_stamp; with the parse the line was made from.
        self.places: dict[str, tuple[Parsed, int, int]] = {}
        self.pending_places: dict[str, tuple[Parsed, int, int]] | None = None
        self.data_stamp: FileStamp | None = None
        self._first_build()
        # Client pages were rendered in other processes: compile their
        # template here now rather than on the first save.
        self.env.get_template("client.html")
        _settle()

    def _first_build(self) -> None:
        """Write the whole site as build does: over every core, reusing the pages
        of the last build that are still right."""
        previous = read_record(self.root)
        history = self.history.facts(self.project)
        # The files' digests key the pages of the last build.
        project = replace(self.project, digests=self.read_digests)
        written = write_site(project, previous, self.folder, history)
        self.digests = {
            name: _file_digest(self.folder / name) for name in written.names
        }

    def _reparse_all(self) -> None:
        paths = discover(self.root)
        self.parsed, self.read_digests = read_checked(
            self.root, paths, paths, self.config, self.day
        )

    def _assemble(self) -> Project:
        return assemble(
            self.root,
            self.config,
            self.day,
            self.config_problems,
            self.parsed,
            self.parsed,
        )

    def update(self, changes: Changes) -> Rebuilt:
        """Apply one burst of changes to the parsed files and the site."""
        started = time.perf_counter()
        day = resolve_today(self.config, self.today)
        if changes.config or day != self.day:
            self.config, self.config_problems = load_config(self.root)
            self.day = resolve_today(self.config, self.today)
            self._reparse_all()
            changed: set[str] | None = None
        elif changes.folders:
            changed = self._rescan()
        else:
            changed = {path for path in changes.clients if self._reread(path)}
        if changes.templates:
            self.env = environment(self.root)
            changed = None
        self.project = self._assemble()
        check_output(self.folder, self.root)
        written = self._write_edited_first(self.project, changed)
        more, removed = self._render(self.project, changed)
        if changed is None:  # a whole build: what it replaced can be collected
            _settle()
        seconds = time.perf_counter() - started
        return Rebuilt(self.project, written + more, removed, seconds)

    def _reread(self, path: str) -> bool:
        """Re-read one client file (or forget it if it is gone); True if it changed."""
        if (self.root / path).is_file():
            self.parsed[path] = read_client(self.root, path, self.config, self.day)
        elif self.parsed.pop(path, None) is None:
            return False
        return True

    def _rescan(self) -> set[str] | None:
        """After folder moves, list the client files again and re-read them all."""
        self._reparse_all()
        return None

    def _write_edited_first(self, project: Project, changed: set[str] | None) -> int:
        """Write the pages of the edited clients before anything else, so the page
        being worked on updates at once; the full render after checks them again.

        Only when every page's shared parts (banner, navigation) stay the same:
        then the last site's facts with the edited clients' redone are enough.
        """
        if not changed:
            return 0
        edited = [
            c
            for c in project.clients
            if c.path in changed and page_name(c) in self.digests
        ]
        found = dict(self.site.facts)
        for client in edited:
            found[client.id] = facts(client, project.config, project.today)
        site = replace(self.site, project=project, facts=found)
        if not edited or page_context(site, "") != self.context:
            return 0
        pages = {
            page_name(c): render_client_page(self.env, site, c).encode() for c in edited
        }
        return self._write(pages)

    def _render(self, project: Project, changed: set[str] | None) -> tuple[int, int]:
        """Render what may have changed and write the files whose bytes differ."""
        site = self.site = prepare(self.env, project)
        context = page_context(site, "")
        if context != self.context:
            changed = None
        self.context = context
        files = {
            f"static/{name}": static_source(self.env, name) for name in STATIC_FILES
        }
        for client in project.clients:
            name = page_name(client)
            if changed is None or client.path in changed or name not in self.digests:
                files[name] = render_client_page(self.env, site, client).encode()
        # The big files are streamed, each compared with the file on disk as it
        # is written, so that none is ever whole in memory.
        history = self.history.facts(project)
        streams: dict[str, Iterable[bytes]] = {
            name: encoded(texts)
            for name, texts in summary_streams(self.env, site, history).items()
        }
        streams.update(machine_streams(project, data=self._data_json(project)))
        kept = {page_name(client) for client in project.clients}
        # Everything is rendered before anything is written: a template error
        # leaves the site as it was (but for the edited pages written first).
        staged = self._stage(streams)
        try:
            written = self._write(files)
        except BaseException:
            discard(staged)
            raise
        self._rename(staged)
        removed = self._remove_stale(kept | files.keys() | streams.keys())
        return written + len(staged), removed

    def _data_json(self, project: Project) -> Iterator[bytes]:
        """data.json, each unchanged client's line read from the one on disk
        while that is the file last written here (its stamp tells)."""
        path = self.folder / "data.json"
        trusted = self.data_stamp is not None and file_stamp(path) == self.data_stamp
        places: dict[str, tuple[Parsed, int, int]] = {}

        def place_of(client: Client) -> tuple[int, int] | None:
            place = self.places.get(client.path)
            if place is None or place[0] is not self.parsed[client.path]:
                return None
            return place[1], place[2]

        def placed(client: Client, offset: int, length: int) -> None:
            places[client.path] = (self.parsed[client.path], offset, length)

        yield from document_reusing(
            project, path if trusted else None, place_of, placed
        )
        self.pending_places = places

    def _stage(self, streams: dict[str, Iterable[bytes]]) -> Staged:
        """Stage the streamed files whose bytes differ, beside them."""
        self.pending_places = None
        staged = stage_all(self.folder, streams)
        for name in streams:
            self.digests[name] = b""  # a file of the site, known by name
        return staged

    def _rename(self, staged: Staged) -> None:
        """Put the staged files in place; data.json's lines are then where
        _data_json found them to be."""
        put_in_place(staged)
        if self.pending_places is not None:
            self.places, self.pending_places = self.pending_places, None
            self.data_stamp = file_stamp(self.folder / "data.json")

    def _write(self, files: dict[str, bytes]) -> int:
        """Write the files whose bytes differ from the ones on disk."""
        written = 0
        for path, data in files.items():
            digest = _digest(data)
            if self.digests.get(path) != digest:
                write_atomic(self.folder / path, data)
                self.digests[path] = digest
                written += 1
        return written

    def _remove_stale(self, current: set[str]) -> int:
        """Remove the files of the site that are no longer part of it."""
        gone = [path for path in self.digests if path not in current]
        for path in gone:
            with contextlib.suppress(FileNotFoundError):
                (self.folder / path).unlink()
            del self.digests[path]
        return len(gone)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _file_digest(path: Path) -> bytes:
    """_digest of a file's bytes, read a piece at a time (data.json is big)."""
    with open(path, "rb") as stream:
        hashed = hashlib.file_digest(stream, lambda: hashlib.blake2b(digest_size=16))
    return hashed.digest()


def describe(rebuilt: Rebuilt, changes: Changes) -> str:
    """The one line watch prints per rebuild."""
    project = rebuilt.project
    counts = ", ".join(
        (
            plural(rebuilt.written, "file written", "files written"),
            plural(rebuilt.removed, "file removed", "files removed"),
            plural(project.errors, "error"),
            plural(project.warnings, "warning"),
        )
    )
    return f"rebuilt after {changes.describe()}: {counts} in {rebuilt.seconds:.2f} s"
