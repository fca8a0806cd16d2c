"""Values written by an edit read back as exactly what was meant."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmgen import yamlnodes as yn
from crmgen.yamltext import format_list, format_scalar, format_text


def read_back(written: str) -> object:
    root = yn.compose(f"key: {written}\n")
    assert isinstance(root, yn.MappingNode)
    return yn.written(root.value[0][1])


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "Yes",
        "off",
        "0123",
        "12:30",
        "2026-01-05",
        "a: b",
        "x #y",
        "#x",
        "- x",
        "@x",
        "*x",
        "",
        " a",
        "null",
        "~",
        "1e3",
        "12.5",
        "|",
        "%x",
    ],
)
def test_text_yaml_would_coerce_is_quoted(text: str) -> None:
    written = format_text(text)
    assert written != text
    assert read_back(written) == text


def test_safe_text_stays_plain() -> None:
    assert format_text("Müller & Söhne") == "Müller & Söhne"
    assert format_text("lead") == "lead"


def test_the_values_quoting_style_is_kept() -> None:
    assert format_text("lead", "'") == "'lead'"
    assert format_text("it's", "'") == "'it''s'"
    assert format_text("lead", '"') == '"lead"'


@given(st.text(max_size=30))
def test_any_text_reads_back(text: str) -> None:
    for style in (None, "'", '"'):
        assert read_back(format_text(text, style)) == text


@given(st.lists(st.text(min_size=1, max_size=10), max_size=5))
def test_any_list_reads_back(items: list[str]) -> None:
    assert read_back(format_list(items)) == items


def test_scalars_stay_plain_so_the_parser_judges_them() -> None:
    assert format_scalar("2026-01-05") == "2026-01-05"
    assert format_scalar("150") == "150"
    assert format_scalar("a # b") == '"a # b"'
