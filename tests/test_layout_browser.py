"""The site's layout in Chromium: no sideways page scroll on a phone, every board
column in view on a laptop, addresses kept whole, nothing missing when served."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, ProjectDir, run_cli
from siteproject import TODAY, write_project

pytestmark = pytest.mark.browser

PAGES = ("index.html", "followups.html", "reports.html", "weekly.html", "problems.html")


def build(root: Path, out: Path, *args: str) -> Path:
    result = run_cli("-C", str(root), "build", "--out", str(out), *args)
    assert result.status in (0, 1), result
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The sample site, and the test project's (problems, hostile and long values)."""
    sample = build(REPO, tmp_path_factory.mktemp("sample") / "site")
    project = write_project(ProjectDir(tmp_path_factory.mktemp("test") / "project"))
    return [sample, build(project.root, project.root / "site", "--today", TODAY)]


def pages_of(site: Path) -> list[str]:
    """The fixed pages and up to eight client pages, the largest first."""
    clients = sorted((site / "clients").glob("*.html"), key=lambda p: -p.stat().st_size)
    return [*PAGES, *(f"clients/{p.name}" for p in clients[:8])]


@pytest.fixture
def open_at(chromium: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def opener(width: int, scheme: str = "light") -> Any:
        context = chromium.new_context(
            viewport={"width": width, "height": 800}, color_scheme=scheme
        )
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_scrolls_sideways_on_a_phone(
    open_at: Any, sites: list[Path], scheme: str
) -> None:
    page = open_at(390, scheme)
    wide = []
    for site in sites:
        for name in pages_of(site):
            page.goto((site / name).as_uri())
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > page.evaluate("window.innerWidth"):
                wide.append((site.parent.name, name, scroll))
    assert wide == []


BOARD_COLUMNS = """() => {
  const board = document.querySelector('.board').getBoundingClientRect();
  const right = Math.min(board.right, window.innerWidth);
  return [...document.querySelectorAll('.column')].map(
    c => [c.dataset.stage, c.getBoundingClientRect().right <= right + 0.5]);
}"""


@pytest.mark.parametrize("width", [1024, 1280, 1365])
def test_every_board_column_is_in_view_on_a_laptop(
    open_at: Any, sites: list[Path], width: int
) -> None:
    page = open_at(width)
    for site in sites:
        page.goto((site / "index.html").as_uri())
        columns = page.evaluate(BOARD_COLUMNS)
        assert columns and all(seen for _, seen in columns), (site, columns)


def test_columns_stay_complete_without_javascript(
    chromium: Any, sites: list[Path]
) -> None:
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto((sites[0] / "index.html").as_uri())
    assert all(seen for _, seen in page.evaluate(BOARD_COLUMNS))
    assert page.locator(".card:visible").count() == page.locator(".card").count() > 0
    context.close()


EMAILS = """() => [...document.querySelectorAll('a[href^="mailto:"]')].map(a => {
  const style = getComputedStyle(a);
  return [a.textContent, a.getBoundingClientRect().height
          <= parseFloat(style.lineHeight) * 1.2, a.title === a.textContent];
})"""


@pytest.mark.parametrize("width", [390, 1280])
def test_email_addresses_stay_on_one_line(
    open_at: Any, sites: list[Path], width: int
) -> None:
    page = open_at(width)
    seen = 0
    for site in sites:
        for name in ("followups.html", *pages_of(site)[len(PAGES) :]):
            page.goto((site / name).as_uri())
            for text, one_line, titled in page.evaluate(EMAILS):
                seen += 1
                assert one_line and titled, (name, text)
    assert seen > 10


class Quiet(SimpleHTTPRequestHandler):
    """Serves a folder without logging to the terminal."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


def test_served_pages_ask_for_nothing_missing(open_at: Any, sites: list[Path]) -> None:
    handler = partial(Quiet, directory=str(sites[0]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page = open_at(1280)
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    try:
        for name in PAGES:
            page.goto(f"http://127.0.0.1:{server.server_port}/{name}")
            page.wait_for_load_state("networkidle")
            icon = page.evaluate("document.querySelector('link[rel=icon]').href")
            assert icon.endswith("/static/icon.svg")
    finally:
        server.shutdown()
        server.server_close()
    assert failed == []
