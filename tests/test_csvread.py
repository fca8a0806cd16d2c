"""Reading CSV files: encodings, delimiters, and the lines each row came from."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmgen.csvread import CsvError, decode, parse_table, read_table, sniff_delimiter


def test_decode_guesses_bom_utf8_utf16_and_windows_1252() -> None:
    assert decode("\ufeffa,b".encode(), None) == ("a,b", "utf-8-sig")
    assert decode("é".encode(), None) == ("é", "utf-8")
    assert decode("a;€".encode("utf-16"), None) == ("a;€", "utf-16")
    assert decode("Café €".encode("cp1252"), None) == ("Café €", "windows-1252")
    assert decode("é".encode("latin-1"), "latin-1") == ("é", "latin-1")


def test_decode_with_a_wrong_encoding_is_an_error() -> None:
    with pytest.raises(CsvError, match="cannot read the file as ascii"):
        decode("é".encode(), "ascii")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_sniff_delimiter(delimiter: str) -> None:
    text = f'a{delimiter}b{delimiter}c\n1{delimiter}"2,3;4"{delimiter}5\n'
    assert sniff_delimiter(text) == delimiter


def test_rows_know_their_number_and_lines() -> None:
    table = parse_table(Path("x.csv"), 'a,b\n1,"x\ny"\n\n2,3\n', "utf-8")
    assert [(r.number, r.line, r.last_line) for r in table.rows] == [
        (1, 2, 3),
        (3, 5, 5),
    ]
    assert table.rows[0].values == {"a": "1", "b": "x\ny"}
    assert table.rows[0].where == "row 1, lines 2-3"


def test_a_repeated_header_name_is_renamed_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,a,a\n1,2,3,4\n")
    table = read_table(path)
    assert table.header == ("a", "b", "a (2)", "a (3)")
    assert table.rows[0].values["a (2)"] == "3"
    assert (
        "the column `a` appears twice in the header; the second is read as "
        "`a (2)`" in table.notes
    )


def test_title_lines_before_the_header_are_skipped_and_noted() -> None:
    text = "Deals report\nExported 2024-05-01;\nName;Email;Stage\nA;a@x;won\n"
    table = parse_table(Path("x.csv"), text, "utf-8")
    assert table.delimiter == ";" and table.header == ("Name", "Email", "Stage")
    assert (table.rows[0].number, table.rows[0].line) == (1, 4)
    assert table.notes == (
        "lines 1-2 come before the header row (line 3) and are not read",
    )


def test_excel_sep_line_and_trailing_empty_cells() -> None:
    table = parse_table(Path("x.csv"), "sep=;\r\na;b\r\n1,5;2;;\r\n", "utf-8")
    assert table.delimiter == ";" and table.header == ("a", "b")
    assert (table.rows[0].line, table.rows[0].width) == (3, 2)
    assert table.rows[0].values == {"a": "1,5", "b": "2"}


def test_an_unclosed_quote_names_the_line_it_opens_on() -> None:
    text = 'a,b\n1,2\n3,"never closed\n' + "x,y\n" * 40000
    with pytest.raises(CsvError) as error:
        parse_table(Path("x.csv"), text, "utf-8")
    assert error.value.located("x.csv") == (
        "x.csv:3: row 2: a quote opened here is never closed"
    )


@pytest.mark.parametrize(
    ("text", "line", "row"),
    [
        ('a,b,c,d\n1,2,3,4\n5,"never closed,7,8\n9,10,11,12\n', 3, 2),
        ('a;b;c\r\n1;"two\r\nlines";"x""\r\n', 3, 1),
        ('a,b\n1,2\n\n3,"\n', 4, 3),
        ('sep=;\na;b;c\n1;"x"y;"z\n', 3, 1),
    ],
)
def test_a_short_unclosed_quote_is_reported_where_it_opens(
    text: str, line: int, row: int
) -> None:
    with pytest.raises(CsvError) as error:
        parse_table(Path("x.csv"), text, "utf-8")
    assert (error.value.line, str(error.value)) == (
        line,
        f"row {row}: a quote opened here is never closed",
    )


def test_closed_quotes_at_the_end_of_the_file_are_fine() -> None:
    table = parse_table(Path("x.csv"), 'a,b\n1,"x ""y"""\n2,"a\nb"', "utf-8")
    assert [r.values["b"] for r in table.rows] == ['x "y"', "a\nb"]


def test_line_breaks_inside_cells_are_read_as_newlines() -> None:
    text = 'a;b\r\n1;"x\r\ny\rz"\r\n2;3\r\n'
    table = parse_table(Path("x.csv"), text, "utf-8")
    assert table.rows[0].values == {"a": "1", "b": "x\ny\nz"}
    assert [(r.line, r.last_line) for r in table.rows] == [(2, 4), (5, 5)]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(alphabet='ab"\r\n,; ', max_size=6), min_size=3, max_size=3),
        min_size=1,
        max_size=6,
    ),
    delimiter=st.sampled_from([",", ";"]),
)
def test_a_file_csv_writes_is_never_called_unclosed(
    rows: list[list[str]], delimiter: str
) -> None:
    stream = io.StringIO(f"sep={delimiter}\r\n")
    stream.seek(0, io.SEEK_END)
    csv.writer(stream, delimiter=delimiter).writerows([["a", "b", "c"], *rows])
    table = parse_table(Path("x.csv"), stream.getvalue(), "utf-8")
    lf = [[c.replace("\r\n", "\n").replace("\r", "\n") for c in r] for r in rows]
    assert [list(r.values.values()) for r in table.rows] == [
        r for r in lf if any(c.strip() for c in r)
    ]
