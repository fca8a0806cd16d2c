"""New client files: every text value reads back as exactly that text."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crmgen import yamlnodes as yn
from crmgen.config import Config
from crmgen.parse import parse_client
from crmgen.writer import ClientText, Entry, format_value, is_plain_text, render


def _read_back(text: str) -> object:
    node = yn.compose(f"key: {format_value(text)}\n")
    assert isinstance(node, yaml.MappingNode)
    return yn.written(node.value[0][1])


@settings(deadline=None)  # a shared CI machine is slow now and then
@given(st.text())
def test_any_text_reads_back_as_itself(text: str) -> None:
    assert _read_back(text) == text


@settings(deadline=None)
@given(st.lists(st.text(), max_size=4))
def test_any_list_of_text_reads_back_as_itself(items: list[str]) -> None:
    node = yn.compose(f"key: {format_value(items)}\n")
    assert isinstance(node, yaml.MappingNode)
    assert yn.written(node.value[0][1]) == items


def test_yaml_11_surprises_are_quoted() -> None:
    for text in ("no", "Yes", "off", "y", "0123", "12:30", "1e3", "null", "~",
                 "2024-01-01", "- item", "a: b", "x #y", "@home", "", " pad"):
        assert not is_plain_text(text), text
        assert _read_back(text) == text
    for text in ("Harbour Dental", "O'Brien", "ann@example.com", "https://x.example"):
        assert is_plain_text(text), text


def test_rendered_file_parses_with_its_deals_and_log() -> None:
    text = render(ClientText(
        front=[("name", "Acme"), ("tags", ["a b", "yes"]),
               ("first_contact", dt.date(2024, 1, 2))],
        deals=[[("title", "GTX Pro (X1)"), ("stage", "won"), ("value", 10.5),
                ("closed_on", dt.date(2024, 2, 1))]],
        notes="- sector: retail",
        log=[Entry(dt.date(2024, 1, 2), "note", "created:\nyes", "Body.")]))
    client, problems = parse_client("clients/acme.md", text.encode(), Config())
    assert client is not None and problems == []
    assert client.tags == ("a b", "yes")
    assert client.deals[0].title == "GTX Pro (X1)" and client.deals[0].value == 10.5
    assert client.notes.strip() == "- sector: retail"
    assert client.log[0].summary == "created: yes"
    assert client.log[0].body == "Body."
