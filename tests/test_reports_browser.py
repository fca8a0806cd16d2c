"""The reports page in Chromium: charts visible, named, and safe from hostile text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ProjectDir
from siteproject import TODAY, write_project

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def page() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield browser.new_page(viewport={"width": 1100, "height": 900})
        browser.close()


def test_charts_render_with_names_and_tables(project: ProjectDir, page: Any) -> None:
    write_project(project)
    out = project.root / "public"
    result = project.run("build", "--today", TODAY, "--out", str(out))
    assert (out / "reports.html").is_file(), result
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((out / "reports.html").as_uri())
    charts = page.locator("svg.chart")
    assert charts.count() >= 6
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").first.text_content()
        figure = chart.locator("xpath=..")
        assert figure.locator("table.chart-table tbody tr").count() >= 1
    assert (
        page.get_by_role("link", name="Reports").get_attribute("aria-current") == "page"
    )
    assert dialogs == []  # hostile text in the sample never runs
