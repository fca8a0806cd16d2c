"""Reading the CSV files spreadsheets really write: their encoding, their
delimiter, quoted fields across lines, and where each row starts."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DELIMITERS = (",", ";", "\t", "|")
# How many rows decide the delimiter; a header plus a screenful is plenty.
SNIFF_ROWS = 50
# Lines before the header (a report's title and date) that are skipped at most.
MAX_PREAMBLE = 10


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
    """A whole CSV file: its header, rows, and how it was read.

    notes: what the reader noticed and the user should know (lines before the
        header, a column name given twice).
    """

    path: Path
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str
    delimiter: str
    notes: tuple[str, ...] = ()


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


def _usual_width(rows: list[list[str]]) -> tuple[int, int]:
    """The most common width of the non-blank rows, and how many rows have it."""
    widths = Counter(_width(row, 0) for row in rows if any(c.strip() for c in row))
    return max(((count, width) for width, count in widths.items()),
               default=(0, 0))[::-1]


def sniff_delimiter(text: str) -> str:
    """The delimiter under which the most early rows share one width (above 1)."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        width, count = _usual_width(_first_rows(text, delimiter))
        if width > 1 and (count, width) > best_score:
            best, best_score = delimiter, (count, width)
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
    notes: list[str] = []
    try:
        header = _header(reader, _usual_width(_first_rows(body, delimiter))[0],
                         offset, notes)
    except csv.Error as error:
        raise CsvError(f"line {reader.line_num + offset}: {error}") from None
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
    return Table(path, header, tuple(rows), encoding, delimiter, tuple(notes))


def _header(reader: Any, width: int, offset: int, notes: list[str]
            ) -> tuple[str, ...]:
    """The header row: lines before it that are narrower than the table (a
    report title, an export date) are skipped and noted; repeated names get
    ` (2)`, ` (3)` so no column hides another."""
    for _ in range(MAX_PREAMBLE + 1):
        try:
            cells = next(reader)
        except StopIteration:
            raise CsvError("the file is empty; expected a header row") from None
        if _width(cells, 0) >= width or not width:
            break
    else:
        raise CsvError(f"no header row in the first {MAX_PREAMBLE + 1} lines")
    line = reader.line_num + offset
    if line > 1 + offset:
        notes.append(f"lines {1 + offset}-{line - 1} come before the header row "
                     f"(line {line}) and are not read")
    header: list[str] = []
    for name in (cell.strip() for cell in cells):
        unique, number = name, 2
        while name and unique in header:
            unique, number = f"{name} ({number})", number + 1
        if unique != name:
            notes.append(f"the column `{name}` appears twice in the header; the "
                         f"second is read as `{unique}`")
        header.append(unique)
    return tuple(header)


def _width(cells: list[str], header: int) -> int:
    """How many cells the row has, not counting empty ones past the header's end
    (spreadsheets often leave trailing delimiters)."""
    width = len(cells)
    while width > header and not cells[width - 1].strip():
        width -= 1
    return width


def read_table(path: Path, encoding: str | None = None) -> Table:
    """Read a CSV file; raises CsvError when it cannot be read at all."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CsvError(f"cannot read the file: {error.strerror}") from None
    text, used = decode(data, encoding)
    return parse_table(path, text, used)
