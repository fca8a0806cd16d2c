"""Read and parse client files, over every core when there are many.

parse_checked is a pure function of (path, bytes, config), so files can be
parsed in any process and in any order; results come back in path order.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from crmgen.cache import Entry, digest_of, dumps, gc_paused, now_ns, stamp_of
from crmgen.checks import parse_checked
from crmgen.config import Config
from crmgen.model import Problem

log = logging.getLogger(__name__)

# Below this many files a process pool costs more than it saves.
PARALLEL_FROM = 500
CHUNK = 250

Parsed = Entry | Problem
"""A file's entry, or the problem that it could not be read."""


def parse_files(root: Path, paths: list[str], config: Config) -> dict[str, Parsed]:
    """Read and parse the files at these root-relative paths."""
    return dict(parsed_files(root, paths, config))


def parsed_files(
    root: Path, paths: list[str], config: Config
) -> Iterator[tuple[str, Parsed]]:
    """Read and parse the files at these root-relative paths, yielding each
    file's result in path order as soon as its share is done: the caller can
    take in the first results while workers parse the rest."""
    workers = min(os.cpu_count() or 1, len(paths) // CHUNK + 1)
    if len(paths) < PARALLEL_FROM or workers < 2:
        yield from _parse_chunk(str(root), paths, config)
        return
    chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)]
    # Imported here: it loads multiprocessing, which most runs never need.
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(max_workers=workers)
        jobs = [pool.submit(_parse_list, str(root), chunk, config) for chunk in chunks]
    except (OSError, RuntimeError) as error:  # no processes here: do it serially
        log.info("parsing in one process: %s", error)
        yield from _parse_chunk(str(root), paths, config)
        return
    with pool:
        for chunk, job in zip(chunks, jobs, strict=True):
            try:
                done = job.result()
            except (OSError, RuntimeError) as error:  # e.g. a worker was killed
                log.info("parsing a share in this process: %s", error)
                done = list(_parse_chunk(str(root), chunk, config))
            yield from done
    log.debug("parsed %d files in %d processes", len(paths), workers)


def _parse_list(
    root: str, paths: list[str], config: Config
) -> list[tuple[str, Parsed]]:
    """A worker process's share."""
    return list(_parse_chunk(root, paths, config))


def _parse_chunk(
    root: str, paths: list[str], config: Config
) -> Iterator[tuple[str, Parsed]]:
    with gc_paused():
        for path in paths:
            yield path, read_and_parse(root, path, config)


def read_and_parse(root: str, path: str, config: Config) -> Parsed:
    """One file's entry: its stamp (taken before reading), digest and parse."""
    try:
        descriptor = os.open(os.path.join(root, path), os.O_RDONLY)
        try:
            status = os.fstat(descriptor)
            data = _read_all(descriptor, status.st_size)
        finally:
            os.close(descriptor)
    except OSError as error:
        return Problem(
            path, 1, "error", "unreadable", f"cannot read the file: {error.strerror}"
        )
    client, problems = parse_checked(path, data, config)
    parsed = dumps((client, tuple(problems)))
    return Entry(stamp_of(status, now_ns()), digest_of(data), parsed)


def _read_all(descriptor: int, size: int) -> bytes:
    """Every byte of an open file; size is a hint, the file may have grown."""
    parts = [os.read(descriptor, max(size, 1 << 16))]
    while parts[-1]:
        parts.append(os.read(descriptor, 1 << 16))
    return b"".join(parts)
