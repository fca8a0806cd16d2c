"""Charts as inline SVG made at build time: no script, fine in print and from file://.

Each chart is a `<figure>`: an SVG with `role="img"`, a `<title>` and a
`<desc>`, then a table of the same numbers for screen readers and for anyone
who wants the figures. Every label is escaped here; callers pass plain text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
)
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 36, 70
FONT = 13  # user units: at the narrowest the chart is drawn 560 px wide

Format = Callable[[float | None], str]
Range = tuple[float, float, float]  # low, middle, high (P10, P50, P90)


@dataclass(frozen=True, slots=True)
class Series:
    """One named row of values, one per category; None is no figure."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """What a chart shows.

    key: a page-unique id stem for the chart's elements.
    stacked: series stacked in one column per category instead of side by side.
    ranges: per category, a low-middle-high whisker drawn over the columns.
    horizontal: bars grow rightwards, one row per category.
    axis_fmt: how the axis labels its ticks, when not as fmt shows figures.
    whole: ticks are labelled in whole numbers (counts, amounts without cents).
    """

    key: str
    title: str
    x_label: str
    y_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    fmt: Format
    stacked: bool = False
    horizontal: bool = False
    ranges: tuple[Range | None, ...] = field(default=())
    axis_fmt: Format | None = None
    whole: bool = False
    range_label: str = "P10 to P90, P50 marked"


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above value."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power:
            return step * power
    return 10 * power


def _top(chart: Chart) -> float:
    """The largest figure the axis must reach."""
    if chart.stacked:
        sums = [
            sum(s.values[i] or 0 for s in chart.series)
            for i in range(len(chart.categories))
        ]
    else:
        sums = [v or 0 for s in chart.series for v in s.values]
    sums += [r[2] for r in chart.ranges if r is not None]
    top = nice_max(max(sums, default=0))
    # Ticks labelled in whole numbers need four steps of a whole size, or an
    # axis up to 1 would read 0 0 0 1 1.
    return float(math.ceil(top / 4) * 4) if chart.whole else top


def _text(
    x: float, y: float, text: str, anchor: str = "middle", extra: str = ""
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
        f'fill="currentColor" font-size="{FONT}"{extra}>{escape(text)}</text>'
    )


def _axes(chart: Chart, top: float) -> list[str]:
    """Grid lines with tick labels, and the two axis titles."""
    parts: list[str] = []
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    tick = chart.axis_fmt or chart.fmt
    for step in range(5):
        value = top * step / 4
        if chart.horizontal:
            x = LEFT + plot_w * step / 4
            parts.append(
                f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" '
                f'y2="{TOP + plot_h}" stroke="currentColor" '
                f'stroke-opacity="0.15"/>'
            )
            parts.append(_text(x, TOP + plot_h + 16, tick(value)))
        else:
            y = TOP + plot_h - plot_h * step / 4
            parts.append(
                f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" '
                f'y2="{y:.1f}" stroke="currentColor" stroke-opacity="0.15"/>'
            )
            parts.append(_text(LEFT - 6, y + 4, tick(value), "end"))
    parts.append(_text(LEFT + plot_w / 2, HEIGHT - 6, chart.x_label))
    if chart.horizontal:  # over the row labels, which may reach the left edge
        parts.append(
            _text(LEFT - 6, TOP - 4, chart.y_label, "end", ' font-weight="600"')
        )
        return parts
    parts.append(
        _text(
            14,
            TOP + plot_h / 2,
            chart.y_label,
            "middle",
            f' transform="rotate(-90 14 {TOP + plot_h / 2:.1f})"',
        )
    )
    return parts


def _bar(x: float, y: float, w: float, h: float, colour: str, label: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
        f'height="{max(h, 0):.1f}" fill="{colour}"><title>{escape(label)}'
        f"</title></rect>"
    )


def _columns(chart: Chart, top: float) -> list[str]:
    """Vertical columns (side by side or stacked), category labels, whiskers."""
    parts: list[str] = []
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(chart.categories), 1)
    lanes = 1 if chart.stacked else max(len(chart.series), 1)
    width = slot * 0.7 / lanes
    for i, category in enumerate(chart.categories):
        x0, base = LEFT + slot * i + slot * 0.15, float(TOP + plot_h)
        for lane, series in enumerate(chart.series):
            value = series.values[i] or 0
            h = plot_h * value / top
            x = x0 if chart.stacked else x0 + lane * width
            y = base - h
            label = f"{category}, {series.name}: {chart.fmt(series.values[i])}"
            parts.append(_bar(x, y, width, h, PALETTE[lane % len(PALETTE)], label))
            if series.values[i] is None:  # a suppressed figure: say so, draw nothing
                parts.append(_text(x + width / 2, y - 4, "—"))
            if chart.stacked:
                base = y
        parts.append(_category(LEFT + slot * (i + 0.5), TOP + plot_h, category, slot))
        if i < len(chart.ranges) and chart.ranges[i] is not None:
            parts += _whisker(chart.ranges[i], LEFT + slot * (i + 0.5), top, plot_h)
    return parts


def _category(x: float, y: float, label: str, slot: float) -> str:
    """A column's label under the axis, slanted when it is wider than its slot."""
    if 7.5 * len(label) <= slot:
        return _text(x, y + 16, label)
    return _text(
        x,
        y + 10,
        label,
        "end",
        f' font-size="12" transform="rotate(-35 {x:.1f} {y + 10:.1f})"',
    )


def _whisker(span: Range | None, x: float, top: float, plot_h: float) -> list[str]:
    if span is None:
        return []
    low, mid, high = (TOP + plot_h - plot_h * v / top for v in span)
    style = 'stroke="currentColor" stroke-width="1.5"'
    return [
        f'<line x1="{x:.1f}" y1="{low:.1f}" x2="{x:.1f}" y2="{high:.1f}" {style}/>',
        f'<line x1="{x - 5:.1f}" y1="{mid:.1f}" x2="{x + 5:.1f}" y2="{mid:.1f}" '
        f"{style}/>",
    ]


def _rows(chart: Chart, top: float) -> list[str]:
    """Horizontal bars, one row per category, labels on the left."""
    parts: list[str] = []
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_h / max(len(chart.categories), 1)
    lanes = max(len(chart.series), 1)
    height = slot * 0.7 / lanes
    for i, category in enumerate(chart.categories):
        for lane, series in enumerate(chart.series):
            value = series.values[i] or 0
            y = TOP + slot * i + slot * 0.15 + lane * height
            label = f"{category}, {series.name}: {chart.fmt(series.values[i])}"
            parts.append(
                _bar(
                    LEFT,
                    y,
                    plot_w * value / top,
                    height,
                    PALETTE[lane % len(PALETTE)],
                    label,
                )
            )
        parts.append(_text(LEFT - 6, TOP + slot * (i + 0.5) + 4, category, "end"))
    return parts


def _legend(chart: Chart) -> list[str]:
    parts: list[str] = []
    x = LEFT
    for lane, series in enumerate(chart.series):
        colour = PALETTE[lane % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="9" width="11" height="11" fill="{colour}"/>')
        parts.append(_text(x + 14, 19, series.name, "start"))
        x += 26 + 8 * len(series.name)
    if chart.ranges:
        parts.append(_text(x, 19, f"| {chart.range_label}", "start"))
    return parts


def svg(chart: Chart) -> Markup:
    """The chart as an accessible inline SVG element."""
    top = _top(chart)
    body = (
        _axes(chart, top)
        + (_rows(chart, top) if chart.horizontal else _columns(chart, top))
        + _legend(chart)
    )
    key = escape(chart.key)
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{key}-title">{escape(chart.title)}</title>'
        f'<desc id="{key}-desc">{escape(describe(chart))}</desc>'
        + "".join(body)
        + "</svg>"
    )


def describe(chart: Chart) -> str:
    """One sentence saying what the axes are; the table holds the numbers."""
    kind = "Bar chart" if chart.horizontal else "Column chart"
    return (
        f"{kind} of {chart.y_label if not chart.horizontal else chart.x_label} "
        f"by {chart.x_label if not chart.horizontal else chart.y_label}; "
        f"the table below gives every figure."
    )


def _cell(chart: Chart, value: float | None) -> str:
    """A table cell showing the figure, its exact value in `data-value`."""
    exact = "" if value is None else f' data-value="{value!r}"'
    return f"<td{exact}>{escape(chart.fmt(value))}</td>"


def table(chart: Chart) -> Markup:
    """The chart's numbers as a table: categories down, series (and range) across."""
    heads = [
        chart.x_label if not chart.horizontal else chart.y_label,
        *(s.name for s in chart.series),
    ]
    if chart.ranges:
        heads += ["P10", "P50", "P90"]
    rows: list[str] = []
    for i, category in enumerate(chart.categories):
        cells = [_cell(chart, s.values[i]) for s in chart.series]
        span = chart.ranges[i] if i < len(chart.ranges) else None
        if chart.ranges:
            cells += [_cell(chart, v) for v in span or (None, None, None)]
        rows.append(f'<tr><th scope="row">{escape(category)}</th>{"".join(cells)}</tr>')
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in heads)
    return Markup(
        f'<table class="chart-table"><caption>The figures: {escape(chart.title)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
        f"</tbody></table>"
    )


def figure(chart: Chart) -> Markup:
    """The chart and its table in one figure, each scrolling in its own box."""
    return Markup(
        f'<figure class="chart-figure" id="{escape(chart.key)}">'
        f"<figcaption>{escape(chart.title)}</figcaption>"
        f'<div class="chart-scroll" tabindex="0">{svg(chart)}</div>'
        f'<div class="table-scroll" tabindex="0">{table(chart)}</div></figure>'
    )
