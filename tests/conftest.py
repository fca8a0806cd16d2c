"""Shared fixtures: a project folder written from inline text, and the CLI."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crmgen.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def user_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' own user cache folder (crmgen keeps its compiled templates
    there), for in-process runs and the processes the tests start alike."""
    folder = tmp_path_factory.mktemp("user-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield folder


@dataclass
class Result:
    """What a crmgen command printed and returned."""

    status: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.status}\n--- stdout\n{self.out}--- stderr\n{self.err}"


class ProjectDir:
    """A project in tmp_path; files are written from dedented inline text."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "clients").mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            text = textwrap.dedent(text).lstrip("\n").encode("utf-8")
        path.write_bytes(text)
        return path

    def client(self, client_id: str, text: str | bytes) -> Path:
        return self.write(f"clients/{client_id}.md", text)

    def run(self, *args: str) -> Result:
        return run_cli("-C", str(self.root), *args)


def run_cli(*args: str) -> Result:
    """Call the entry point in-process with an argument list."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 2
    return Result(status, out.getvalue(), err.getvalue())


@pytest.fixture
def project(tmp_path: Path) -> ProjectDir:
    return ProjectDir(tmp_path / "project")


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


# Per module, not per session: playwright's sync API allows one driver at a time
# in a thread, and a test module may start its own.
@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by playwright; skipped without it, except in CI."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI is set but chromium or playwright is missing: the browser "
                "tests must run in CI"
            )
        pytest.skip("chromium or playwright is not installed (with CI set this fails)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
