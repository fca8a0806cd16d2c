"""Build the site: load, render, then swap the new folder in whole.

The new site is written, page by page as it is rendered, to a temporary folder
beside the output and renamed into place only when complete, so a failed or
interrupted build leaves the old site as it was. A folder is only ever
replaced when it is empty or carries the marker file a previous build left in
it: a build never deletes anything else. A build that changes only a few
client pages instead rewrites, each atomically, just the files whose bytes
change (see crmgen.output).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crmgen import gitrepo
from crmgen.bundled import TEMPLATES_DIR
from crmgen.fragments import Fragments
from crmgen.gitfacts import git_facts
from crmgen.loader import CLIENTS_DIR, Project, Source, load_project
from crmgen.model import Problem, count
from crmgen.reuse import (
    Record,
    read_inputs,
    read_record,
    stamps_of,
    write_record,
)

log = logging.getLogger(__name__)

MARKER = ".crmgen-site"
MARKER_TEXT = b"A site built by crmgen: `crmgen build` replaces this folder whole.\n"


class OutputFolderError(Exception):
    """The output folder is one a build must not replace."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did: the project it loaded, where it wrote, how many files.

    project: None when the build did not load the project: nothing changed
        since the last build, or only the Markdown of a few clients (then
        updated says how many client pages it wrote again).
    problems: every problem of the project (from the last build when project
        is None); clients: how many client pages the site has.
    """

    project: Project | None
    output: Path
    files: int
    seconds: float
    problems: tuple[Problem, ...] = ()
    clients: int = 0
    updated: int | None = None

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return count(self.problems, "error")

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return count(self.problems, "warning")


def output_folder(project: Project, out: Path | None) -> Path:
    """The folder to write: --out as given, else the configured one in the project."""
    if out is not None:
        return Path(os.path.abspath(out))
    folder = Path(os.path.abspath(project.root / project.config.output))
    root = Path(os.path.abspath(project.root))
    if folder != root and root not in folder.parents:
        raise OutputFolderError(
            f"the configured output folder {folder} is outside the project; "
            f"give it with --out to confirm"
        )
    return folder


def check_output(folder: Path, root: Path) -> None:
    """Refuse folders whose replacement would destroy something not built by crmgen."""
    root = Path(os.path.abspath(root))
    protected = [root, root / CLIENTS_DIR, root / TEMPLATES_DIR]
    for place in protected:
        if folder == place or folder in place.parents:
            raise OutputFolderError(
                f"refusing to write the site to {folder}: it would replace {place}"
            )
        if place != root and place in folder.parents:
            raise OutputFolderError(f"refusing to write the site inside {place}")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputFolderError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise OutputFolderError(
            f"{folder} is not empty and was not built by crmgen (no {MARKER} file in "
            f"it); choose another folder with --out or empty it first"
        )


class Staging:
    """A new site assembled in a temporary folder beside the output folder.

    commit() renames it into place whole; leaving the `with` block without
    committing (an error, an interrupt) removes it and the old site stays.
    """

    def __init__(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = Path(
            tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.tmp-")
        )
        (self.path / MARKER).write_bytes(MARKER_TEXT)
        self.made: set[Path] = {self.path}
        self.copied: set[str] = set()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.path)

    def write(self, relative: str, data: bytes) -> None:
        """Write one file of the new site."""
        self._place(relative).write_bytes(data)

    def link(self, relative: str, old: str) -> None:
        """Put an unchanged file of the old site (its path) into the new one:
        hard-linked or, where links are not possible, copied."""
        target = self._place(relative)
        try:
            os.link(old, target)
        except OSError:
            shutil.copyfile(old, target)
            self.copied.add(relative)  # a new file: the old one's stamp is not its

    def write_pieces(self, relative: str, pieces: Iterable[bytes]) -> None:
        """Write one file piece by piece, as they come: it is never whole in memory."""
        with open(self._place(relative), "wb") as file:
            file.writelines(pieces)

    def _place(self, relative: str) -> Path:
        path = self.path / relative
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        return path

    def commit(self) -> None:
        """Put the new site in place of the old one."""
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.path, 0o777 & ~umask)
        folder = self.folder
        if folder.exists():
            old = Path(
                tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.old-")
            )
            os.replace(folder, old / folder.name)
            os.replace(self.path, folder)
            shutil.rmtree(old)
        else:
            os.replace(self.path, folder)


def encoded(texts: Iterable[str], batch: int = 1 << 16) -> Iterator[bytes]:
    """UTF-8 pieces of a stream of text, joined into pieces of about batch
    characters: encoding each of a template's many small strings costs more."""
    pending: list[str] = []
    size = 0
    for text in texts:
        pending.append(text)
        size += len(text)
        if size >= batch:
            yield "".join(pending).encode("utf-8")
            pending.clear()
            size = 0
    yield "".join(pending).encode("utf-8")


def clean_leftovers(folder: Path) -> None:
    """Remove what an interrupted build left beside the folder (marked as ours)."""
    for leftover in folder.parent.glob(f".{folder.name}.*-*"):
        name = leftover.name[len(folder.name) + 2 :]
        if not leftover.is_dir() or leftover.is_symlink():
            continue
        marker = (
            leftover / MARKER
            if name.startswith("tmp-")
            else (leftover / folder.name / MARKER)
        )
        ours = name.startswith(("tmp-", "old-")) and marker.is_file()
        if ours:
            log.info("removing %s, left by an interrupted build", leftover)
            shutil.rmtree(leftover)


def _history_state(root: Path, git_rev: str | None) -> str:
    """What the git history a build reads depends on: the commit, or nothing."""
    if git_rev is None or not gitrepo.is_repository(root):
        return "no git"
    try:
        return gitrepo.resolve(root, git_rev)
    except gitrepo.GitError:
        return f"unknown {git_rev}"


def build(
    root: Path,
    today: dt.date | None = None,
    out: Path | None = None,
    source: Source | None = None,
    git_rev: str | None = "HEAD",
    cache: bool = True,
) -> BuildResult:
    """Load the project, render every page and machine file, and write the site.

    source: the project's files from elsewhere than the disk (--as-of).
    git_rev: the revision whose history the reports and the week-over-week
        page read; None to read no git history at all (--no-git).
    With cache, a build whose inputs did not change since the last one stops
    at once, and client pages that did not change are reused (see crmgen.reuse).
    """
    started = time.perf_counter()
    # A build from git (--as-of) is not the working tree the record describes.
    recorded = cache and source is None
    previous = read_record(root) if recorded else None
    inputs = (
        read_inputs(root, today, out, _history_state(root, git_rev))
        if recorded
        else None
    )
    fingerprint = inputs.fingerprint if inputs else None
    same = previous is not None and fingerprint == previous.inputs
    if previous and fingerprint and same and previous.site_untouched():
        log.info("nothing changed since the last build")
        return _recorded(previous, started)
    if previous and inputs:
        # Imported here, as write_site below: a build with nothing to do needs
        # neither.
        from crmgen.cutoff import rebuild_edited

        edited = rebuild_edited(root, previous, inputs, today, out)
        if edited is not None:
            result = _recorded(edited, started, _updated(previous, edited))
            log.info(
                "updated %d client pages in %.2f s", result.updated, result.seconds
            )
            return result
    # Imported here: a build with nothing to do never needs the renderers.
    from crmgen.output import write_site

    project = load_project(root, today, source=source, cache=cache)
    folder = output_folder(project, out)
    check_output(folder, project.root)
    history = git_facts(project, git_rev is not None, rev=git_rev or "HEAD")
    fragments = Fragments.open(root, project.config) if recorded else None
    written = write_site(project, previous, folder, history, fragments)
    if fragments is not None:
        fragments.save()
    if inputs is not None:
        stamps = inputs.clients
        sources = {path: (stamps.get(path), d) for path, d in project.digests.items()}
        names, keys, reused = written.names, written.keys, written.reused
        write_record(
            root,
            Record(
                fingerprint,
                str(folder),
                project.problems,
                len(project.clients),
                stamps_of(folder, keys, names, previous, reused),
                inputs.frame,
                sources,
                written.context,
            ),
        )

    seconds = time.perf_counter() - started
    log.info(
        "built %d clients, %d errors, %d warnings in %.2f s",
        len(project.clients),
        project.errors,
        project.warnings,
        seconds,
    )
    return BuildResult(
        project,
        folder,
        len(written.names),
        seconds,
        project.problems,
        len(project.clients),
    )


def _updated(previous: Record, record: Record) -> int:
    """How many client pages a record's build wrote again: those whose key
    changed since the previous one."""
    return sum(
        1 for name, (_, key) in record.files.items() if key != previous.files[name][1]
    )


def _recorded(
    record: Record, started: float, updated: int | None = None
) -> BuildResult:
    """The result of a build told by its record: one that left all but
    updated client pages as the last build wrote them."""
    return BuildResult(
        None,
        Path(record.output),
        len(record.files),
        time.perf_counter() - started,
        record.problems,
        record.clients,
        updated,
    )
