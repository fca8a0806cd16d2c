"""Find a project's client files and load them into a Project."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from crmgen.cache import gc_paused
from crmgen.checks import check_dated, parse_checked, with_problems
from crmgen.config import CONFIG_NAME, Config, config_from_bytes, load_config
from crmgen.model import Client, Problem, count
from crmgen.reading import read_clients

log = logging.getLogger(__name__)

CLIENTS_DIR = "clients"

# The project's files as (relative path, bytes) pairs, from elsewhere than the disk.
Source = Callable[[], Iterable[tuple[str, bytes]]]


class ProjectNotFoundError(Exception):
    """No folder holding `crmgen.toml` or `clients/` at or above the start."""


@dataclass(frozen=True, slots=True)
class Project:
    """A loaded project: its configuration, valid clients and every problem.

    clients: in path order; a file that could not be read is absent here but
        its problems are in `problems`.
    problems: configuration, file and cross-file problems, sorted by path, line.
    digests: each read client file's content digest by path (see crmgen.cache),
        for builds that reuse what was rendered from unchanged files.
    """

    root: Path
    config: Config
    today: dt.date
    clients: tuple[Client, ...]
    problems: tuple[Problem, ...]
    files: int
    digests: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return count(self.problems, "error")

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return count(self.problems, "warning")

    def client(self, client_id: str) -> Client | None:
        """The client with that id, or None."""
        return next((c for c in self.clients if c.id == client_id), None)


def find_root(start: Path) -> Path:
    """The nearest folder at or above start that holds crmgen.toml or clients/."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / CLIENTS_DIR).is_dir():
            return folder
    raise ProjectNotFoundError(
        f"no crmgen project at or above {start}: a project is a folder holding "
        f"{CONFIG_NAME} or {CLIENTS_DIR}/ (use -C DIR to point at one)"
    )


def is_skipped(name: str) -> bool:
    """Hidden and underscore names and editor leftovers are not clients."""
    return (
        name.startswith((".", "_"))
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name == "4913"
    )


def discover(root: Path) -> list[str]:
    """Paths (relative to root, with /) of every client file, sorted."""
    found: list[str] = []
    if not (root / CLIENTS_DIR).is_dir():
        return found
    # os.scandir rather than pathlib: the entries know their type without a
    # stat call each, which matters at tens of thousands of files.
    stack = [CLIENTS_DIR]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(root / folder) as listing:
                entries = list(listing)
        except OSError as error:
            log.warning("cannot list %s: %s", root / folder, error)
            continue
        for entry in entries:
            if is_skipped(entry.name):
                continue
            relative = f"{folder}/{entry.name}"
            if entry.is_dir():
                stack.append(relative)
            elif entry.name.lower().endswith(".md") and entry.is_file():
                found.append(relative)
    return sorted(found)


def id_clashes(paths: Iterable[str]) -> dict[str, list[Problem]]:
    """Problems for files whose ids clash across sub-folders or by case."""
    by_id: dict[str, list[str]] = {}
    for path in paths:
        stem = path.rsplit("/", 1)[-1][:-3]
        by_id.setdefault(stem.lower(), []).append(path)
    clashes: dict[str, list[Problem]] = {}
    for group in by_id.values():
        if len(group) < 2:
            continue
        for path in group:
            stem = path.rsplit("/", 1)[-1][:-3]
            others = ", ".join(other for other in group if other != path)
            clashes.setdefault(path, []).append(
                Problem(
                    path,
                    1,
                    "error",
                    "id-clash",
                    f"client id `{stem}` clashes with {others}; "
                    f"ids must be unique across sub-folders and letter case, so rename "
                    f"one of them",
                )
            )
    return clashes


def read_client(
    root: Path, path: str, config: Config, today: dt.date
) -> tuple[Client | None, list[Problem]]:
    """Read, parse and check one client file; an unreadable file is a problem."""
    try:
        data = (root / path).read_bytes()
    except OSError as error:
        return None, [
            Problem(
                path,
                1,
                "error",
                "unreadable",
                f"cannot read the file: {error.strerror}",
            )
        ]
    return parse_and_check(path, data, config, today)


Parsed = tuple[Client | None, list[Problem]]


def parse_and_check(
    path: str, data: bytes, config: Config, today: dt.date
) -> tuple[Client | None, list[Problem]]:
    """Parse one client file's bytes and run the rules over the result."""
    return checked(parse_checked(path, data, config), config, today)


def checked(parsed: Parsed, config: Config, today: dt.date) -> Parsed:
    """A file as parse_checked made it, with the rules that depend on today
    run too: its client carries all its problems, sorted."""
    client, problems = parsed
    if client is None:
        return None, problems
    return with_problems(client, problems + check_dated(client, config, today))


def resolve_today(config: Config, today: dt.date | None) -> dt.date:
    """--today wins, then the configuration's `today`, then the clock."""
    return today or config.today or dt.date.today()


def assemble(
    root: Path,
    config: Config,
    today: dt.date,
    config_problems: list[Problem],
    parsed: Mapping[str, Parsed],
    paths: Iterable[str],
) -> Project:
    """A Project from parsed files; paths are all the project's client files,
    so ids clashing with files outside `parsed` are still caught."""
    clashes = id_clashes(paths)
    problems = list(config_problems)
    clients: list[Client] = []
    for path in sorted(parsed):
        client, found = parsed[path]
        if path in clashes:
            problems += found + clashes[path]
            continue  # a clashing file makes no client
        if client is not None:
            clients.append(client)
        problems += found
    return Project(
        root, config, today, tuple(clients), tuple(sorted(problems)), len(parsed)
    )


def is_client_path(path: str) -> bool:
    """Whether a relative path names a client file, as discover would find it."""
    parts = path.split("/")
    return (
        len(parts) > 1
        and parts[0] == CLIENTS_DIR
        and path.lower().endswith(".md")
        and not any(is_skipped(part) for part in parts[1:])
    )


def load_from(root: Path, today: dt.date | None, source: Source) -> Project:
    """Load the project from (path, bytes) pairs instead of the disk (e.g. git);
    the pairs' `crmgen.toml`, if any, is the configuration."""
    files = dict(source())
    raw = files.pop(CONFIG_NAME, None)
    config, problems = config_from_bytes(raw) if raw else (Config(), [])
    day = resolve_today(config, today)
    paths = sorted(path for path in files if is_client_path(path))
    parsed = {path: parse_and_check(path, files[path], config, day) for path in paths}
    return assemble(root, config, day, problems, parsed, paths)


def load_project(
    root: Path,
    today: dt.date | None = None,
    only: Iterable[str] | None = None,
    source: Source | None = None,
    cache: bool = True,
) -> Project:
    """Load every client file under root (or only the given relative paths).

    source: read the files from there instead of the disk (see load_from).
    With cache, unchanged files come from the project's cache (see crmgen.cache);
    the checks, which depend on today, run on every client either way.
    """
    if source is not None:
        return load_from(root, today, source)
    config, problems = load_config(root)
    day = resolve_today(config, today)
    paths = discover(root)
    wanted = paths if only is None else sorted(set(only))
    with gc_paused(lasting=True):
        parsed, digests = read_checked(root, wanted, paths, config, day, cache)
        project = assemble(root, config, day, problems, parsed, paths)
    log.debug("loaded %d client files", len(wanted))
    return replace(project, digests=digests)


def read_checked(
    root: Path,
    wanted: list[str],
    paths: list[str],
    config: Config,
    today: dt.date,
    cache: bool = True,
) -> tuple[dict[str, Parsed], dict[str, bytes]]:
    """Read, parse (through the cache) and check the wanted files; paths are all
    the project's client files. Also returns each file's content digest."""
    return read_clients(
        root, wanted, paths, config, cache, lambda got: checked(got, config, today)
    )
