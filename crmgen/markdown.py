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

# Lines of words and plain punctuation, each starting with a letter: nothing in
# them is Markdown (no list, heading or quote marker, emphasis, code, link,
# entity, escape or table; autolinks are ruled out apart), so each paragraph
# renders as its own text.
# Possessive quantifiers: a text that is not plain fails without backtracking.
LINE = r"[^\W\d_][^\W_]*+(?:[ ,;:.?!'()/%$€£¥₹-]++[^\W_]++)*+[.?!)]*+"
PLAIN = re.compile(rf"{LINE}(?:\n\n?{LINE})*+\n*+")

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


def plain_html(text: str) -> str | None:
    """The HTML of text that holds no Markdown at all (most log entries say a
    sentence or two), else None; what cmark and nh3 would make of it."""
    if not PLAIN.fullmatch(text):
        return None
    lowered = text.lower()
    if "www" in lowered or ":/" in lowered:  # the start of an autolink
        return None
    paragraphs = text.rstrip("\n").split("\n\n")
    return "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)


def to_html(text: str) -> Markup:
    """Render GitHub Flavored Markdown as sanitised HTML, safe to put in a page."""
    if not text.strip():
        return Markup("")
    plain = plain_html(text)
    if plain is not None:
        return Markup(plain)
    # Raw HTML is let through here so that nh3, not cmark, decides what stays.
    html = _cleaner().clean(gfm.to_html(text, Options.CMARK_OPT_UNSAFE))
    return Markup(OTHER_INPUT.sub("", html) if "<input" in html else html)
