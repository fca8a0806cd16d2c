"""Reading CSV files: encodings, delimiters, and the lines each row came from."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    assert [(r.number, r.line, r.last_line) for r in table.rows] == [(1, 2, 3),
                                                                      (3, 5, 5)]
    assert table.rows[0].values == {"a": "1", "b": "x\ny"}
    assert table.rows[0].where == "row 1, lines 2-3"


def test_a_repeated_header_name_is_renamed_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,a,a\n1,2,3,4\n")
    table = read_table(path)
    assert table.header == ("a", "b", "a (2)", "a (3)")
    assert table.rows[0].values["a (2)"] == "3"
    assert "the column `a` appears twice in the header; the second is read as " \
           "`a (2)`" in table.notes


def test_title_lines_before_the_header_are_skipped_and_noted() -> None:
    text = "Deals report\nExported 2024-05-01;\nName;Email;Stage\nA;a@x;won\n"
    table = parse_table(Path("x.csv"), text, "utf-8")
    assert table.delimiter == ";" and table.header == ("Name", "Email", "Stage")
    assert (table.rows[0].number, table.rows[0].line) == (1, 4)
    assert table.notes == ("lines 1-2 come before the header row (line 3) and are "
                           "not read",)


def test_excel_sep_line_and_trailing_empty_cells() -> None:
    table = parse_table(Path("x.csv"), "sep=;\r\na;b\r\n1,5;2;;\r\n", "utf-8")
    assert table.delimiter == ";" and table.header == ("a", "b")
    assert (table.rows[0].line, table.rows[0].width) == (3, 2)
    assert table.rows[0].values == {"a": "1,5", "b": "2"}


def test_an_unclosed_quote_names_the_line_it_opens_on() -> None:
    text = 'a,b\n1,2\n3,"never closed\n' + "x,y\n" * 40000
    with pytest.raises(CsvError, match=r"line 3: .*probably never closed"):
        parse_table(Path("x.csv"), text, "utf-8")
