"""Markdown to safe HTML: ordinary Markdown survives, anything active does not."""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from crmgen.markdown import OTHER_INPUT, _cleaner, plain_html, to_html


def test_ordinary_markdown_survives() -> None:
    html = to_html(
        "Some **bold**, *em*, `code` and ~~gone~~.\n\n"
        "- one\n- two\n\n1. first\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```\nx < 1\n```\n\n> quoted\n\n"
        "[site](https://example.com) <kbd>Ctrl</kbd>"
    )
    for fragment in (
        "<strong>bold</strong>",
        "<em>em</em>",
        "<code>code</code>",
        "<del>gone</del>",
        "<li>one</li>",
        "<ol>",
        "<table>",
        "<td>1</td>",
        "x &lt; 1",
        "<blockquote>",
        "<kbd>Ctrl</kbd>",
        '<a href="https://example.com" rel="noopener noreferrer">',
    ):
        assert fragment in html, html


def test_links_keep_mail_phone_and_relative_targets() -> None:
    html = to_html(
        "[m](mailto:a@b.example) [t](tel:+3531555) [r](other.html) www.example.com"
    )
    assert 'href="mailto:a@b.example"' in html
    assert 'href="tel:+3531555"' in html
    assert 'href="other.html"' in html
    assert 'href="http://www.example.com"' in html


def test_task_lists_are_the_only_inputs() -> None:
    html = to_html(
        "- [x] done\n- [ ] open\n\n<input type=text name=q value=secret>"
        "<input type=checkbox>"
    )
    inputs = re.findall(r"<input[^>]*>", html)
    assert len(inputs) == 2, html
    assert all('type="checkbox"' in tag and "disabled" in tag for tag in inputs), html
    assert "secret" not in html and "name=" not in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<svg><script>alert(1)</script></svg>",
        "para\n\n<script>\nalert(1)\n</script>",
    ],
)
def test_script_elements_never_survive(text: str) -> None:
    assert "<script" not in to_html(text).lower()


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        '<div onmouseover="alert(1)">x</div>',
        '<a href="https://ok.example" onclick="alert(1)">x</a>',
        "<b onclick=alert(1)>x</b>",
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_event_handler_attributes_are_removed(text: str) -> None:
    html = to_html(text)
    assert not re.search(r"\son\w+\s*=", html), html


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "jav&#x09;ascript:alert(1)",
        " javascript:alert(1)",
    ],
)
def test_unsafe_link_targets_are_never_followed(target: str) -> None:
    for text in (f"[x]({target})", f'<a href="{target}">x</a>'):
        html = to_html(text)
        assert ">x</a>" in html
        for href in re.findall(r'href="([^"]*)"', html):
            assert scheme(href) in ("", "http", "https", "mailto", "tel"), html


def scheme(href: str) -> str:
    """The scheme a browser sees: tabs and newlines dropped, then up to `:`."""
    cleaned = re.sub(r"[\t\n\r]", "", href).strip().lower()
    found = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return found.group(1) if found else ""


def test_images_load_only_from_inside_the_site() -> None:
    html = to_html(
        "![a](https://evil.example/t.png) ![b](//evil.example/t.png) "
        "![c](pic.png) ![d](data:image/png;base64,AAAA) "
        "![e](../../../etc/x.png) ![f](/etc/x.png) ![g](\\\\host\\x.png) "
        "![h](%2e%2e/x.png) ![i](a/%2E./x.png)"
    )
    assert re.findall(r'src="([^"]*)"', html) == ["pic.png"], html


@pytest.mark.parametrize(
    "tag", ["iframe", "object", "embed", "style", "form", "base", "meta", "link"]
)
def test_dangerous_elements_are_not_elements(tag: str) -> None:
    html = to_html(f'<{tag} src="https://evil.example" href="x">inside</{tag}>')
    assert f"<{tag}" not in html, html


def test_empty_text_is_empty_markup() -> None:
    assert to_html("   \n") == ""


def cmarkgfm_html(text: str) -> str:
    """What cmarkgfm's own GitHub Flavored Markdown function makes of the text."""
    return str(
        cmarkgfm.github_flavored_markdown_to_html(
            text, options=Options.CMARK_OPT_UNSAFE
        )
    )


def reference(text: str) -> str:
    """to_html done the long way: cmarkgfm's GFM function, then nh3, every time."""
    if not text.strip():
        return ""
    return OTHER_INPUT.sub("", _cleaner().clean(cmarkgfm_html(text)))


# Words joined by punctuation, Markdown's own marks or the starts of autolinks,
# so that generated texts fall on both sides of the fast path, and near its edge.
WORDS = st.text("aZé7ß", min_size=1, max_size=4) | st.sampled_from(
    ["www", "http", "mailto", "x@y.io", "1.", "-", "#", ">"]
)
MARKS = " ,;:.?!'()/%$€-&<>*_`[]#|~@\\\"=+\t\u00a0"
SEPARATORS = st.text(" ,.", min_size=1, max_size=2) | st.text(MARKS, min_size=1)
LINES = st.tuples(
    WORDS, st.lists(st.tuples(SEPARATORS, WORDS), max_size=6), SEPARATORS | st.just("")
).map(lambda line: line[0] + "".join(a + b for a, b in line[1]) + line[2])
BREAKS = st.sampled_from(["\n", "\n\n", "\n\n\n", "  \n", " \n", "\n "])
TEXTS = st.tuples(LINES, st.lists(st.tuples(BREAKS, LINES), max_size=3)).map(
    lambda text: text[0] + "".join(a + b for a, b in text[1])
)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_to_html_matches_cmarkgfm_and_nh3(text: str) -> None:
    assert to_html(text) == reference(text)


# Every ASCII character and a few others, in each place a plain text could hold it.
ODD = [chr(code) for code in range(1, 128)] + list("\u00a0\u200b\u2028é€ß½\ufeff")


@pytest.mark.parametrize("char", ODD)
def test_any_one_character_in_plain_text_renders_as_cmark_does(char: str) -> None:
    pair, twice = f"a {char}b{char} c", f"a {char}{char}b{char}{char} c"
    for text in (f"ab{char}cd", f"ab {char} cd", f"ab{char}", f"{char}ab", pair, twice):
        assert to_html(text) == reference(text), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Spoke with Zoë; budget is €67,500 (maybe more).",
        "Reminder: call back.\nThey asked 2 questions.\n\nSecond paragraph.",
    ],
)
def test_plain_text_takes_the_fast_path(text: str) -> None:
    assert plain_html(text) is not None
    assert to_html(text) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "Some **bold**",
        "See www.example.com today",
        "See http://example.com",
        "Ends with two spaces  \nthen more",
        "Tom & Jerry",
        "1. first",
        "Heading\n\n\nafter three newlines",
    ],
)
def test_markdown_takes_the_full_path(text: str) -> None:
    assert plain_html(text) is None
    assert to_html(text) == reference(text)
