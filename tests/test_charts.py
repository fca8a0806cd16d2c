"""Inline SVG charts: accessible, escaped, drawn to scale, with their numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from crmgen.charts import Chart, Series, figure, nice_max, svg, table

SVG = "{http://www.w3.org/2000/svg}"


def _chart(**changes: object) -> Chart:
    fields: dict[str, object] = {
        "key": "demo",
        "title": "Won <b>& lost</b>",
        "x_label": "Quarter",
        "y_label": "Deals",
        "categories": ("Q1 <script>", "Q2"),
        "series": (Series("Won", (3.0, None)), Series("Lost", (1.0, 2.0))),
        "fmt": lambda v: "—" if v is None else f"{v:g}",
    }
    fields.update(changes)
    return Chart(**fields)  # type: ignore[arg-type]


def test_svg_is_well_formed_labelled_and_escaped() -> None:
    root = ET.fromstring(str(svg(_chart())))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "demo-title demo-desc"
    assert root.find(f"{SVG}title").text == "Won <b>& lost</b>"  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Q1 <script>" in texts and "Quarter" in texts and "Deals" in texts
    assert "<script>" not in str(svg(_chart()))


def test_bars_are_drawn_to_scale() -> None:
    root = ET.fromstring(str(svg(_chart())))
    heights = {
        r.find(f"{SVG}title").text: float(r.get("height", 0))  # type: ignore[union-attr]
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    }
    # The axis tops out at 5 (nice_max of 3): 3 deals is 3/5 of the plot height.
    assert (
        abs(heights["Q1 <script>, Won: 3"] / heights["Q1 <script>, Lost: 1"] - 3) < 0.01
    )
    assert heights["Q2, Won: —"] == 0


def test_table_holds_every_figure_with_its_exact_value() -> None:
    html = str(table(_chart()))
    assert '<th scope="row">Q1 &lt;script&gt;</th>' in html
    assert re.findall(r'data-value="([^"]+)"', html) == ["3.0", "1.0", "2.0"]
    assert "<td>—</td>" in html


def test_figure_has_a_visible_caption() -> None:
    html = str(figure(_chart()))
    assert "<figcaption>Won &lt;b&gt;&amp; lost&lt;/b&gt;</figcaption>" in html


def test_nice_max() -> None:
    assert [nice_max(v) for v in (0, 3, 11, 230, 24_000)] == [1, 5, 20, 250, 25_000]


def tick_labels(chart: Chart) -> list[str]:
    root = ET.fromstring(str(svg(chart)))
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    return [text for text in texts if text.startswith("$")]


def test_whole_number_ticks_never_repeat_on_a_small_axis() -> None:
    def dollars(value: float | None) -> str:
        return "—" if value is None else f"${round(value):,}"

    def ticks(*values: float) -> list[str]:
        series = (Series("Weighted", values),)
        return tick_labels(_chart(series=series, axis_fmt=dollars, whole=True))

    assert ticks(0.0, 0.0) == ["$0", "$1", "$2", "$3", "$4"]
    assert ticks(3.0, 9.0) == ["$0", "$3", "$6", "$9", "$12"]
    assert ticks(3e5, 9e5) == ["$0", "$250,000", "$500,000", "$750,000", "$1,000,000"]
