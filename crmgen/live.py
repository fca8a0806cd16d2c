"""Keep a built site up to date while files change: the engine of watch and serve.

After the first full build, a change re-reads only the files it names and
re-renders only the client pages whose client changed, plus the pages that
summarise every client. Output files are compared with what is on disk and
only those whose bytes differ are rewritten, each atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from crmgen.build import check_output, clean_leftovers, output_folder, swap_in
from crmgen.config import load_config
from crmgen.document import client_line
from crmgen.files import write_atomic
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
from crmgen.render import environment, static_source
from crmgen.reuse import page_context
from crmgen.site import (
    STATIC_FILES,
    machine_files,
    prepare,
    render_client_page,
    render_summary_pages,
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
        self.lines: dict[str, tuple[Parsed, bytes]] = {}
        self._reparse_all()
        self.env = environment(root)
        self.project = self._assemble()
        self.folder = output_folder(self.project, out)
        check_output(self.folder, root)
        self.context = b""
        self.files: dict[str, bytes] = {}
        self.files = self._files(self.project, None)
        clean_leftovers(self.folder)
        swap_in(self.files, self.folder)

    def _reparse_all(self) -> None:
        paths = discover(self.root)
        self.parsed, _digests = read_checked(
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
        written, removed = self._render(self.project, changed)
        return Rebuilt(self.project, written, removed, time.perf_counter() - started)

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

    def _render(self, project: Project, changed: set[str] | None) -> tuple[int, int]:
        """Render what may have changed and write the files whose bytes differ."""
        check_output(self.folder, self.root)
        return self._write(self._files(project, changed))

    def _files(self, project: Project, changed: set[str] | None) -> dict[str, bytes]:
        """Every file of the site; client pages of unchanged clients are reused."""
        site = prepare(self.env, project)
        context = page_context(site, "")
        if context != self.context:
            changed = None
        self.context = context
        files = {
            f"static/{name}": static_source(self.env, name) for name in STATIC_FILES
        }
        pages = render_summary_pages(self.env, site, self.history.facts(project))
        for name, text in pages.items():
            files[name] = text.encode("utf-8")
        files.update(machine_files(project, self._client_line))
        for client in project.clients:
            page = f"clients/{client.id}.html"
            if changed is None or client.path in changed or page not in self.files:
                files[page] = render_client_page(self.env, site, client).encode()
            else:
                files[page] = self.files[page]
        return files

    def _client_line(self, client: Client) -> bytes:
        """A client's data.json line, kept while its file's parse is unchanged."""
        parsed = self.parsed[client.path]
        cached = self.lines.get(client.path)
        if cached is not None and cached[0] is parsed:
            return cached[1]
        text = client_line(client, self.project)
        self.lines[client.path] = (parsed, text)
        return text

    def _write(self, files: dict[str, bytes]) -> tuple[int, int]:
        written = 0
        for path, data in files.items():
            if self.files.get(path) != data:
                write_atomic(self.folder / path, data)
                written += 1
        gone = [path for path in self.files if path not in files]
        for path in gone:
            with contextlib.suppress(FileNotFoundError):
                (self.folder / path).unlink()
        self.files = files
        return written, len(gone)


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
