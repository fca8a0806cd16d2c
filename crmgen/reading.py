"""Read a project's client files: the cache answers for unchanged ones, the rest
are parsed (in parallel when there are many) and remembered."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from crmgen.cache import ClientCache, Entry, digest_of, gc_paused, now_ns, stamp_of
from crmgen.config import Config
from crmgen.model import Client, Problem
from crmgen.pool import Parsed, parse_files, parsed_files

log = logging.getLogger(__name__)

Result = tuple[Client | None, list[Problem]]
"""A file's client (None when it cannot be read as one) and its parse problems."""


def read_clients(
    root: Path,
    paths: list[str],
    existing: list[str],
    config: Config,
    cache: bool,
    then: Callable[[Result], Result] | None = None,
) -> tuple[dict[str, Result], dict[str, bytes]]:
    """Parse results and content digests for paths (unreadable files have no
    digest); existing is every client file, for pruning the cache. then, if
    given, is applied to each result as soon as it is read, while worker
    processes may still be parsing other files."""
    store = ClientCache.open(root, config) if cache else ClientCache.disabled(config)
    made: dict[str, Result] = {}
    digests: dict[str, bytes] = {}

    def take(path: str, found: Parsed) -> None:
        if isinstance(found, Problem):
            result: Result = (None, [found])
        else:
            result = _result(found, root, path, config)
            digests[path] = found.digest
        made[path] = then(result) if then is not None else result

    with gc_paused():
        entries, stale = _from_cache(store, root, paths)
        for path, found in parsed_files(root, stale, config):
            if not isinstance(found, Problem):
                store.put(path, found)
            take(path, found)
        for path, entry in entries.items():
            take(path, entry)
    log.debug("%d files from the cache, %d parsed", len(entries), len(stale))
    store.save(existing)
    results = {path: made[path] for path in paths}
    return results, {path: digests[path] for path in paths if path in digests}


def _from_cache(
    store: ClientCache, root: Path, paths: list[str]
) -> tuple[dict[str, Entry], list[str]]:
    """Entries still valid for these files, and the paths that need parsing."""
    entries: dict[str, Entry] = {}
    stale: list[str] = []
    now = now_ns()
    for path in paths:
        entry = store.get(path)
        if entry is None:
            stale.append(path)
            continue
        try:
            status = os.stat(os.path.join(root, path))
        except OSError:
            stale.append(path)  # parsing reports it unreadable
            continue
        stamp = stamp_of(status, now)
        if stamp is not None and stamp == entry.stamp:
            entries[path] = entry
        elif _same_bytes(root, path, entry):
            entries[path] = entry._replace(stamp=stamp)
            if stamp is not None:
                store.put(path, entries[path])
        else:
            stale.append(path)
    return entries, stale


def _same_bytes(root: Path, path: str, entry: Entry) -> bool:
    """Whether a file whose stamp changed (or is too recent) still has its bytes."""
    try:
        with open(os.path.join(root, path), "rb") as stream:
            return digest_of(stream.read()) == entry.digest
    except OSError:
        return False


def _result(entry: Entry, root: Path, path: str, config: Config) -> Result:
    """An entry's parse result; one that fails to load is parsed again."""
    try:
        client, problems = entry.result()
    except Exception as error:  # a bad entry only costs a re-parse
        log.info("re-parsing %s: its cache entry does not load (%s)", path, error)
        found = parse_files(root, [path], config)[path]
        if isinstance(found, Problem):
            return None, [found]
        client, problems = found.result()
    return client, list(problems)
