"""Lines that turn back into the very same bytes, and inserts in the file's style."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmgen.textlines import TextLines

SAMPLES = [
    b"---\nname: a\n---\n",
    b"\xef\xbb\xbf---\r\nname: a\r\n---\r\n",
    b"---\nname: a\n---",
    b"a\r\nb\nc\r\n\r\n",
    b"\n\n",
    b"x",
]


@pytest.mark.parametrize("data", SAMPLES)
def test_bytes_round_trip(data: bytes) -> None:
    assert TextLines.from_bytes(data).to_bytes() == data


@given(
    st.lists(st.sampled_from(["a", "", "  ", "é", "\r", "x\r"]), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.booleans(),
)
def test_any_text_round_trips(
    parts: list[str], newline: str, bom: bool, final: bool
) -> None:
    text = newline.join(parts) + (newline if final else "")
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
    assert TextLines.from_bytes(data).to_bytes() == data


def test_inserted_lines_take_the_files_newline() -> None:
    text = TextLines.from_bytes(b"a\r\nb\r\n")
    text.insert(1, ["new"])
    assert text.to_bytes() == b"a\r\nnew\r\nb\r\n"


def test_appending_keeps_a_missing_final_newline_missing() -> None:
    text = TextLines.from_bytes(b"a\nb")
    text.insert(2, ["c", "d"])
    assert text.to_bytes() == b"a\nb\nc\nd"


def test_replacing_the_last_line_keeps_its_missing_newline() -> None:
    text = TextLines.from_bytes(b"a\nb")
    text.replace(1, 2, ["x", "y"])
    assert text.to_bytes() == b"a\nx\ny"


def test_removing_the_last_line_of_a_file_without_final_newline() -> None:
    text = TextLines.from_bytes(b"a\nb\nc")
    text.replace(2, 3, [])
    assert text.to_bytes() == b"a\nb"


def test_replacing_keeps_the_lines_own_ending_in_a_mixed_file() -> None:
    text = TextLines.from_bytes(b"a\r\nb\nc\r\n")
    text.replace(1, 2, ["B"])
    assert text.to_bytes() == b"a\r\nB\nc\r\n"
