"""The reports page in Chromium: charts visible, named, and safe from hostile text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ProjectDir
from siteproject import TODAY, write_project

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    yield page
    page.close()


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
        figure = chart.locator("xpath=ancestor::figure[1]")
        assert figure.locator("table.chart-table tbody tr").count() >= 1
    assert (
        page.get_by_role("link", name="Reports").get_attribute("aria-current") == "page"
    )
    assert dialogs == []  # hostile text in the sample never runs
