"""What the last build wrote, so that the next build redoes only what changed.

After each build `.crmgen-cache/site.pickle` records a fingerprint of every
input (each client file's stamp, crmgen.toml, the templates, today, crmgen's
code, the output folder), the problems the build printed, and for every file
of the site its stamp and, for a client page, its key: the client file's
digest plus everything else the page shows. The next build then
- stops at once when the inputs are the same and the site is untouched;
- when no more than the Markdown of a few clients changed, rewrites only their
  pages and their lines of data.json (see crmgen.cutoff);
- else hard-links each client page whose key is unchanged from the old site
  into the new one instead of rendering and writing it again. The new folder
  still replaces the old one whole, so a reader never sees a half-built site.
A missing, damaged or foreign record only means a full build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from crmgen import __version__
from crmgen.bundled import TEMPLATES_DIR, default_templates
from crmgen.cache import (
    CACHE_DIR,
    Stamp,
    code_digest,
    code_key,
    now_ns,
    read_sealed,
    stamp_of,
    write_sealed,
)
from crmgen.config import CONFIG_NAME, load_config
from crmgen.loader import Project, discover, resolve_today
from crmgen.model import Problem

if TYPE_CHECKING:
    from crmgen.site import Site

log = logging.getLogger(__name__)

SITE_FILE = "site.pickle"
MAGIC = b"crmgen site record 3\n"

FileStamp = tuple[int, int, int]
"""An output file's (size, mtime_ns, inode): unchanged since the build wrote it."""


@dataclass(frozen=True, slots=True)
class Record:
    """The last build.

    inputs: fingerprint of every input; None when one was too new to trust.
    output: the site folder it wrote, absolute.
    problems: the problems it reported; clients: how many client pages.
    files: each site file (relative path) with its stamp and, for client
        pages, its page key (else b"").
    frame: the inputs' frame (see Inputs).
    sources: each client file the build read, by path: its stamp when the
        build began (None if too new to trust) and the digest of the bytes
        it read.
    context: what every client page showed besides its client (see
        page_context).
    """

    inputs: str | None
    output: str
    problems: tuple[Problem, ...]
    clients: int
    files: Mapping[str, tuple[FileStamp, bytes]]
    frame: str = ""
    sources: Mapping[str, tuple[Stamp | None, bytes]] = field(default_factory=dict)
    context: bytes = b""

    def site_untouched(self) -> bool:
        """Whether every file of the site is still the one the build wrote."""
        # Plain strings: 10,000 Path objects would cost more than the stats.
        folder = self.output
        return all(
            file_stamp(f"{folder}/{relative}") == stamp
            for relative, (stamp, _key) in self.files.items()
        )

    def untouched(self, relative: str) -> Path | None:
        """The last build's file, if it is still the one the build wrote."""
        path = self._untouched(relative)
        return None if path is None else Path(path)

    def reusable(self, relative: str, key: bytes) -> str | None:
        """The old file's path, to link for a page whose key is unchanged, if any."""
        found = self.files.get(relative)
        if not key or found is None or found[1] != key:
            return None
        return self._untouched(relative)  # a page changed by hand is not reused

    def _untouched(self, relative: str) -> str | None:
        # A string: a Path for each of 10,000 pages costs more than the stats.
        found = self.files.get(relative)
        if found is None:
            return None
        path = f"{self.output}/{relative}"
        return path if file_stamp(path) == found[0] else None


def file_stamp(path: str | Path) -> FileStamp | None:
    """What tells a file apart from one written since (size, mtime, inode);
    None when there is no such file."""
    try:
        return _file_stamp(os.stat(path))
    except OSError:
        return None


def stamp_of_open(stream: BinaryIO) -> FileStamp:
    """The stamp of an open file (see file_stamp)."""
    return _file_stamp(os.fstat(stream.fileno()))


def _file_stamp(status: os.stat_result) -> FileStamp:
    return (status.st_size, status.st_mtime_ns, status.st_ino)


def read_record(root: Path) -> Record | None:
    """The last build's record, or None when there is no sound one."""
    record = read_sealed(root / CACHE_DIR / SITE_FILE, MAGIC, code_key())
    return record if isinstance(record, Record) else None


def write_record(root: Path, record: Record) -> None:
    """Keep the record for the next build; failing to is only slower later."""
    try:
        write_sealed(root / CACHE_DIR / SITE_FILE, MAGIC, code_key(), record)
    except OSError as error:
        log.warning("cannot record the build in %s: %s", CACHE_DIR, error)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a build reads.

    frame: a digest of all but the client files: crmgen, the options, the
        configuration's and the templates' bytes, the git history.
    clients: each client file's stamp (see crmgen.cache.stamp_of) by path,
        None for one changed too recently to trust.
    """

    frame: str
    clients: Mapping[str, Stamp | None]

    @property
    def fingerprint(self) -> str | None:
        """A digest of all of them; None when a client file's stamp is too
        recent to trust."""
        if None in self.clients.values():
            return None
        digest = hashlib.blake2b(self.frame.encode(), digest_size=20)
        for path, stamp in self.clients.items():
            digest.update(f"{path}\0{stamp}\n".encode())
        return digest.hexdigest()


def read_inputs(
    root: Path, today: dt.date | None, out: Path | None, history: str = ""
) -> Inputs:
    """What a build reads.

    today and out are the options as given (None: the clock's date, the
    configured folder); history names the git history the pages read.
    """
    config, _problems = load_config(root)
    output = None if out is None else os.path.abspath(out)
    day = resolve_today(config, today)
    shared = (__version__, code_digest(), output, day, history)
    frame = hashlib.blake2b(repr(shared).encode(), digest_size=20)
    with contextlib.suppress(OSError):  # a missing file reads as none
        frame.update((root / CONFIG_NAME).read_bytes())
    frame.update(templates_digest(root).encode())
    now = now_ns()
    base = str(root)
    clients = {path: _stamp(f"{base}/{path}", now) for path in discover(root)}
    return Inputs(frame.hexdigest(), clients)


def _stamp(path: str, now: int) -> Stamp | None:
    """A file's stamp; a missing file has a stamp no file has."""
    try:
        return stamp_of(os.stat(path), now)
    except FileNotFoundError:
        return (0, 0, 0, 0)


def _template_files(root: Path) -> list[Path]:
    """Every file under the project's and the bundled templates folders."""
    found = []
    for folder in (root / TEMPLATES_DIR, default_templates()):
        for base, _dirs, names in os.walk(folder):
            found += [Path(base) / name for name in sorted(names)]
    return found


def templates_digest(root: Path) -> str:
    """A digest of the templates' bytes, for page keys."""
    digest = hashlib.blake2b(digest_size=20)
    for path in _template_files(root):
        with contextlib.suppress(OSError):
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def page_context(site: Site, templates: str) -> bytes:
    """What every client page shows besides its own client: the navigation
    and the day. Nothing that a client more or less changes: the footer
    counts the files on the summary pages only, and the problems banner
    comes from problems.css (see site.problems_css)."""
    project = site.project
    shared = (
        __version__,
        code_digest(),
        templates,
        project.config.fingerprint(),
        site.nav,
        project.today,
    )
    return repr(shared).encode()


def page_key(context: bytes, project: Project, path: str) -> bytes:
    """A client page's key: its file (path and digest: the page shows both)
    and the shared context."""
    digest = project.digests.get(path)
    if digest is None:
        return b""  # never equal to a recorded key: the page is rendered
    key = b"%s\0%s\0%s" % (context, path.encode(), digest)
    return hashlib.blake2b(key, digest_size=20).digest()


def stamps_of(
    folder: Path,
    keys: Mapping[str, bytes],
    names: list[str],
    previous: Record | None = None,
    reused: Iterable[str] = (),
) -> dict[str, tuple[FileStamp, bytes]]:
    """The written site's files with their stamps and page keys; the pages
    reused from the previous build keep the stamps it recorded (a build
    reuses a page only while its file still has them)."""
    known = {name: previous.files[name][0] for name in reused} if previous else {}
    base = str(folder)
    return {
        name: (
            known.get(name) or _file_stamp(os.stat(f"{base}/{name}")),
            keys.get(name, b""),
        )
        for name in names
    }
