"""Reading the CSV files spreadsheets really write: their encoding, their
delimiter, quoted fields across lines, and where each row starts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

DELIMITERS = (",", ";", "\t", "|")
# How many rows decide the delimiter; a header plus a screenful is plenty.
SNIFF_ROWS = 50


class CsvError(Exception):
    """A CSV file that cannot be read at all (not a bad row: a bad file)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One data row.

    number: 1-based among the data rows (the header is not counted).
    line: the physical line the row starts on; last_line where it ends.
    values: the row's cells by header name, text exactly as read.
    width: how many cells the row had, to report rows that do not fit the header.
    """

    number: int
    line: int
    last_line: int
    values: dict[str, str]
    width: int

    @property
    def where(self) -> str:
        """`row 12` or `row 12, lines 14-16` for a row whose fields span lines."""
        if self.last_line > self.line:
            return f"row {self.number}, lines {self.line}-{self.last_line}"
        return f"row {self.number}"


@dataclass(frozen=True, slots=True)
class Table:
    """A whole CSV file: its header, rows, and how it was read."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str
    delimiter: str


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: the given one, else UTF-8 (with or
    without BOM), UTF-16 with a BOM, then Windows-1252."""
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except (LookupError, UnicodeDecodeError) as error:
            raise CsvError(f"cannot read the file as {encoding}: {error}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"
    if text.startswith("\ufeff"):
        return text[1:], "utf-8-sig"
    return text, "utf-8"


def _first_rows(text: str, delimiter: str) -> list[list[str]]:
    """Up to SNIFF_ROWS rows read with the delimiter, fewer if the text breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) == SNIFF_ROWS:
                break
    except csv.Error:
        pass  # parse_table reports it with its line
    return rows


def sniff_delimiter(text: str) -> str:
    """The delimiter under which the most early rows have the header's width."""
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        rows = _first_rows(text, delimiter)
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(1 for row in rows[1:] if len(row) == width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sep_line(text: str) -> tuple[str | None, str]:
    """Excel's `sep=;` first line: the delimiter it names and the text after it."""
    first, newline, rest = text.partition("\n")
    if newline and len(first.rstrip("\r")) == 5 and first.startswith("sep="):
        return first[4], rest
    return None, text


def parse_table(path: Path, text: str, encoding: str) -> Table:
    """Split decoded text into a header and rows that know their lines."""
    delimiter, body = _sep_line(text)
    offset = 0 if body is text else 1
    delimiter = delimiter or sniff_delimiter(body)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        header = tuple(cell.strip() for cell in next(reader))
    except StopIteration:
        raise CsvError("the file is empty; expected a header row") from None
    except csv.Error as error:
        raise CsvError(f"line {1 + offset}: {error}") from None
    _check_header(header)
    rows: list[Row] = []
    start = reader.line_num + 1
    try:
        # Blank rows are skipped but counted, so numbers match the spreadsheet's.
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                values = {name: (cells[i] if i < len(cells) else "")
                          for i, name in enumerate(header)}
                rows.append(Row(number, start + offset, reader.line_num + offset,
                                values, _width(cells, len(header))))
            start = reader.line_num + 1
    except csv.Error as error:
        raise CsvError(f"line {start + offset}: {error}; a quote that opens a cell "
                       f"on this line is probably never closed") from None
    return Table(path, header, tuple(rows), encoding, delimiter)


def _width(cells: list[str], header: int) -> int:
    """How many cells the row has, not counting empty ones past the header's end
    (spreadsheets often leave trailing delimiters)."""
    width = len(cells)
    while width > header and not cells[width - 1].strip():
        width -= 1
    return width


def _check_header(header: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise CsvError(f"line 1: the column `{name}` appears twice in the header; "
                           f"rename one of them")
        seen.add(name)


def read_table(path: Path, encoding: str | None = None) -> Table:
    """Read a CSV file; raises CsvError when it cannot be read at all."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CsvError(f"cannot read the file: {error.strerror}") from None
    text, used = decode(data, encoding)
    return parse_table(path, text, used)
