"""Markdown to safe HTML: the only place user Markdown becomes markup.

Notes and log entries are rendered as GitHub Flavored Markdown by cmarkgfm with
raw HTML passed through, then sanitised by nh3, so harmless inline HTML such as
`<kbd>` survives while scripts, event handlers and unsafe links never reach a page.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup

from crmgen import gfm

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# An image source loads when the page opens, so it may only be a plain relative
# path: anything with a scheme, `//host`, `/` or `..` would leave the site folder.
RELATIVE_SRC = re.compile(r"^(?![/\\])(?!.*\.\.)[^:\\]*$")
TAGS = (nh3.ALLOWED_TAGS - {"area", "map"}) | {"input"}
# Task-list boxes (disabled checkboxes) survive; any other <input> is removed.
INPUT_VALUES = {
    "input": {
        "type": {"checkbox"},
        "checked": {"", "checked"},
        "disabled": {"", "disabled"},
    }
}
OTHER_INPUT = re.compile(
    r'<input(?![^>]*type="checkbox")[^>]*>|<input(?![^>]*disabled)[^>]*>'
)


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Keep an image's `src` only when it stays inside the site folder."""
    if element == "img" and attribute == "src":
        # Percent-encoded dots and backslashes mean the same to a browser.
        plain = value.lower().replace("%2e", ".").replace("%5c", "\\")
        if not RELATIVE_SRC.match(plain):
            return None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    """One sanitiser, built once: building it is the expensive part."""
    return nh3.Cleaner(
        tags=set(TAGS),
        attributes=dict(nh3.ALLOWED_ATTRIBUTES),
        tag_attribute_values=INPUT_VALUES,
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
    )


def to_html(text: str) -> Markup:
    """Render GitHub Flavored Markdown as sanitised HTML, safe to put in a page."""
    if not text.strip():
        return Markup("")
    html = gfm.to_html(text, Options.CMARK_OPT_UNSAFE)
    # Raw HTML was let through above so that nh3, not cmark, decides what stays.
    return Markup(OTHER_INPUT.sub("", _cleaner().clean(html)))
