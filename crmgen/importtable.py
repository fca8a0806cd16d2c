"""Preparing an imported table before its rows are read: rows that do not fit,
rows pasted twice, the joined file, the mapping's corrections, date formats."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from crmgen.config import Config
from crmgen.csvread import CsvError, Table, read_table
from crmgen.datecols import AmbiguousDatesError, DateCell, detect_format
from crmgen.importplan import ImportRefusedError, Options, Plan, Skip
from crmgen.mapping import DATE_TARGETS, Mapping, source_columns


def fitting(table: Table, plan: Plan) -> Table:
    """The rows as wide as the header; the others are reported."""
    width = len(table.header)
    for row in table.rows:
        if row.width != width:
            plan.skipped.append(Skip(row, f"the row has {row.width} cells but the "
                                          f"header has {width}; a delimiter or quote "
                                          f"is probably out of place"))
    return replace(table, rows=tuple(r for r in table.rows if r.width == width))


def distinct(table: Table, plan: Plan) -> Table:
    """The rows without exact repeats (a row pasted twice); repeats are reported."""
    seen: dict[tuple[str, ...], int] = {}
    rows = []
    for row in table.rows:
        cells = tuple(row.values.values())
        if cells in seen:
            plan.skipped.append(Skip(row, f"identical to row {seen[cells]}"))
        else:
            seen[cells] = row.number
            rows.append(row)
    return replace(table, rows=tuple(rows))


def _join_index(other: Table, key: str, plan: Plan) -> dict[str, dict[str, str]]:
    """The joined file's rows by key; rows that do not fit or repeat a key are
    reported (the first row of a key is used)."""
    index: dict[str, dict[str, str]] = {}
    first: dict[str, int] = {}
    name = other.path.name
    for row in other.rows:
        value = row.values[key].strip()
        if row.width != len(other.header):
            plan.notices.append(f"{name}:{row.line}: {row.where}: not used: it has "
                                f"{row.width} cells but the header has "
                                f"{len(other.header)}")
        elif value in first:
            plan.notices.append(f"{name}:{row.line}: {row.where}: not used: `{key}` "
                                f"{value!r} is already on row {first[value]}")
        else:
            first[value] = row.number
            index[value] = row.values
    return index


def join_table(table: Table, mapping: Mapping, options: Options, plan: Plan) -> Table:
    """The table with each row's matching row of the [join] file added."""
    join = mapping.join
    if join is None:
        return table
    try:
        other = read_table(table.path.parent / join.file, options.encoding)
    except CsvError as error:
        raise ImportRefusedError(f"{join.file} (the mapping's [join]): {error}"
                                 ) from None
    if join.key not in other.header:
        raise ImportRefusedError(f"{other.path.name} has no column `{join.key}` to "
                                 f"join on")
    index = _join_index(other, join.key, plan)
    rows, missing = [], Counter[str]()
    for row in table.rows:
        key = row.values.get(join.on, "").strip()
        extra = index.get(key)
        if key and extra is None:
            missing[key] += 1
        merged = {**(extra or dict.fromkeys(other.header, "")), **row.values}
        rows.append(replace(row, values=merged))
    for key, count in sorted(missing.items()):
        plan.notices.append(f"{table.path.name}: `{join.on}` {key!r} on {count} rows "
                            f"is not in {other.path.name}; those rows get no "
                            f"{other.path.name} columns")
    header = table.header + tuple(c for c in other.header if c not in table.header)
    return replace(table, header=header, rows=tuple(rows))


def replace_values(table: Table, mapping: Mapping, plan: Plan) -> Table:
    """Apply the mapping's [replace] corrections, reporting how often each applied."""
    if not mapping.replace:
        return table
    used = Counter[tuple[str, str]]()
    rows = []
    for row in table.rows:
        values = dict(row.values)
        for column, fixes in mapping.replace.items():
            if values.get(column) in fixes:
                used[(column, values[column])] += 1
                values[column] = fixes[values[column]]
        rows.append(replace(row, values=values))
    for (column, old), count in sorted(used.items()):
        plan.notices.append(f"column `{column}`: replaced {old!r} with "
                            f"{mapping.replace[column][old]!r} on {count} rows "
                            f"(the mapping's [replace])")
    return replace(table, rows=tuple(rows))


def check_columns(table: Table, mapping: Mapping, plan: Plan) -> None:
    """Refuse a mapping that names no client; note the columns it maps in vain."""
    header = set(table.header)
    if not any(set(source_columns(s)) & header for s in mapping.fields["name"]):
        raise ImportRefusedError(
            f"{table.path.name}: none of the columns the mapping names clients by "
            f"({', '.join(mapping.fields['name'])}) is in the file; its columns are "
            f"{', '.join(table.header)}")
    for target, sources in mapping.fields.items():
        if not any(set(source_columns(s)) & header for s in sources):
            columns = ", ".join(f"`{c}`" for c in mapping.columns(target))
            plan.notices.append(f"`{target}` is not imported: the file has none of "
                                f"the columns the mapping reads it from ({columns})")


def date_formats(table: Table, mapping: Mapping, options: Options,
                  config: Config) -> dict[str, str]:
    """The date format of every column that holds dates."""
    targets = [*DATE_TARGETS, *(k for k, t in config.custom_fields.items()
                                if t == "date")]
    columns = {c for target in targets for c in mapping.columns(target)}
    columns |= {spec.date for spec in mapping.log}
    given = options.date_format or mapping.date_format
    formats = {}
    for column in sorted(columns & set(table.header)):
        if given:
            formats[column] = given
            continue
        cells = [DateCell(row.number, row.values[column]) for row in table.rows
                 if row.values.get(column, "").strip()]
        try:
            formats[column] = detect_format(column, cells)
        except AmbiguousDatesError as error:
            raise ImportRefusedError(f"{table.path.name}: {error}") from None
    return formats
