"""Front-matter key edits change only the value's own text."""

from __future__ import annotations

import textwrap

import pytest

from crmgen import keyedit
from crmgen.editor import EditError
from crmgen.textlines import TextLines


def lines(text: str) -> TextLines:
    return TextLines.from_bytes(textwrap.dedent(text).lstrip("\n").encode())


def result(text: TextLines) -> str:
    return text.to_bytes().decode()


def test_replacing_a_value_keeps_its_comment_and_spacing() -> None:
    text = lines("""
        ---
        name: Acme
        stage:   lead    # moved after demo
        ---
        """)
    keyedit.set_key(text, keyedit.top_level(text), "stage", "proposal")
    assert "stage:   proposal    # moved after demo\n" in result(text)


def test_an_empty_value_gets_one_after_its_colon() -> None:
    text = lines("""
        ---
        name: Acme
        next_follow_up:  # ask Bob
        ---
        """)
    keyedit.set_key(text, keyedit.top_level(text), "next_follow_up", "2026-01-02")
    assert "next_follow_up: 2026-01-02  # ask Bob\n" in result(text)


def test_a_block_list_is_replaced_whole_and_what_follows_stays() -> None:
    text = lines("""
        ---
        name: Acme
        tags:  # labels
          - a
          - b

        # a comment after the list
        stage: lead
        ---
        """)
    keyedit.set_key(text, keyedit.top_level(text), "tags", "[c]")
    assert result(text) == textwrap.dedent("""\
        ---
        name: Acme
        tags: [c]  # labels

        # a comment after the list
        stage: lead
        ---
        """)


def test_a_missing_key_goes_before_the_closing_line() -> None:
    text = lines("""
        ---
        name: Acme
        # end of keys
        ---
        body
        """)
    keyedit.set_key(text, keyedit.top_level(text), "stage", "lead")
    assert result(text).startswith("---\nname: Acme\n# end of keys\nstage: lead\n---\n")


DEALS = """
    ---
    name: Acme
    deals:
      - title: Pilot
        stage: lead   # first
      - title: Rollout
        stage: proposal
    first_contact: 2026-01-02
    ---
    """


def test_a_deals_key_is_changed_inside_that_deal_only() -> None:
    text = lines(DEALS)
    keyedit.set_key(text, keyedit.deal(text, "Pilot"), "stage", "qualified")
    assert "    stage: qualified   # first\n" in result(text)
    assert "    stage: proposal\n" in result(text)


def test_a_new_deal_key_is_indented_like_its_keys() -> None:
    text = lines(DEALS)
    keyedit.set_key(text, keyedit.deal(text, "Pilot"), "value", "500")
    assert "    stage: lead   # first\n    value: 500\n  - title: Rollout\n" in result(
        text
    )


def test_an_unknown_deal_is_named_with_the_deals_there_are() -> None:
    text = lines(DEALS)
    with pytest.raises(EditError, match="`Pilot`, `Rollout`"):
        keyedit.deal(text, "Nope")


def test_removing_a_key_removes_its_lines() -> None:
    text = lines("""
        ---
        name: Acme
        address: |
          1 Main St
          Town
        stage: lead
        ---
        """)
    assert keyedit.remove_key(text, keyedit.top_level(text), "address")
    assert result(text) == "---\nname: Acme\nstage: lead\n---\n"


def test_the_first_key_of_a_deal_is_not_removed() -> None:
    text = lines(DEALS)
    with pytest.raises(EditError, match="by hand"):
        keyedit.remove_key(text, keyedit.deal(text, "Pilot"), "title")
