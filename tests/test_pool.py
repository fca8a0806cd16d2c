"""Parsing in several processes gives what parsing in one does."""

from __future__ import annotations

import os

import pytest
from conftest import ProjectDir

from crmgen import pool
from crmgen.config import Config
from crmgen.model import Problem

CLIENT = """\
    ---
    name: Client {n}
    stage: {stage}
    first_contact: 2026-03-0{n}
    ---

    ## Log

    ### 2026-03-1{n} call: intro
    Spoke with them.
    """


def test_parallel_parse_equals_serial(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for n in range(1, 8):
        stage = "lead" if n % 3 else "pitch"  # some files with problems
        project.client(f"client-{n}", CLIENT.format(n=n, stage=stage))
        paths.append(f"clients/client-{n}.md")
    paths.append("clients/missing.md")
    serial = pool.parse_files(project.root, paths, Config())
    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pool, "CHUNK", 2)
    parallel = pool.parse_files(project.root, paths, Config())
    assert list(parallel) == paths
    assert serial == parallel
    missing = parallel["clients/missing.md"]
    assert isinstance(missing, Problem) and missing.code == "unreadable"
    entry = parallel["clients/client-3.md"]
    assert not isinstance(entry, Problem)
    client, problems = entry.result()
    assert client is not None and client.name == "Client 3"
    assert [p.code for p in problems] == ["unknown-stage"]


_parse_list = pool._parse_list


def _dying_on_client_3(root: str, chunk: list[str], config: Config) -> object:
    """A worker's share that kills its worker at client 3 (module level: a
    pool pickles the function it runs by name)."""
    if "clients/client-3.md" in chunk:
        os._exit(1)  # the worker process dies: the pool breaks
    return _parse_list(root, chunk, config)


def test_a_share_whose_worker_fails_is_parsed_here(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for n in range(1, 8):
        project.client(f"client-{n}", CLIENT.format(n=n, stage="lead"))
        paths.append(f"clients/client-{n}.md")
    serial = pool.parse_files(project.root, paths, Config())
    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pool, "CHUNK", 2)
    monkeypatch.setattr(pool, "_parse_list", _dying_on_client_3)
    streamed = list(pool.parsed_files(project.root, paths, Config()))
    assert [path for path, _ in streamed] == paths
    assert dict(streamed) == serial
