"""Import mappings: which CSV column becomes which client or deal field, read
from a TOML file or one of the presets shipped in `crmgen/presets/`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from crmgen.fields import CLIENT_FIELDS

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")

# Fields a mapping may fill besides the format's own client keys.
DEAL_TARGETS = ("deal_title", "stage", "probability", "value", "currency", "opened",
                "expected_close", "closed_on", "close", "lost_reason", "deal_id")
EXTRA_TARGETS = ("id", "notes", "log")
DATE_TARGETS = ("first_contact", "last_contact", "next_follow_up", "opened",
                "expected_close", "closed_on", "close")
TABLES = ("fields", "stages", "defaults", "notes", "log", "group_by", "join",
          "replace", "date_format", "other_columns", "description")


class MappingError(Exception):
    """A mapping file that cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class LogSpec:
    """A log entry made from each row: the date column, the entry's kind, a
    summary template and the columns whose text becomes the entry's body."""

    date: str
    kind: str = "note"
    summary: str = ""
    body: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Join:
    """A second CSV whose row with the same key adds its columns to each row.

    file: relative to the imported CSV's folder.
    on: the key column in the imported CSV; key: the same in `file`.
    """

    file: str
    on: str
    key: str


@dataclass(frozen=True, slots=True)
class Mapping:
    """How to read one kind of CSV.

    fields: field -> sources, each a column name or a `{column}` template;
        the first source that is not empty wins.
    stages: source stage name (casefolded) -> project stage ("" = next source).
    defaults: field -> value when the row gives none (`today`: the import date).
    notes: columns written as `- column: value` lines in the client's notes.
    group_by: fields whose values together pick the client a row belongs to.
    replace: column -> {value as written: corrected value}, each use reported.
    other_columns: "ignore", or "keys" to keep unmapped columns as front-matter keys.
    """

    source: str
    fields: dict[str, tuple[str, ...]]
    stages: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    log: tuple[LogSpec, ...] = ()
    group_by: tuple[str, ...] = ()
    join: Join | None = None
    replace: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str | None = None
    other_columns: str = "ignore"

    @property
    def rows_are_deals(self) -> bool:
        """Whether each row is a deal (grouped into clients) or a whole client."""
        return "deal_title" in self.fields

    def columns(self, target: str) -> list[str]:
        """The columns a field's sources read."""
        return [name for source in self.fields.get(target, ())
                for name in source_columns(source)]


    def with_custom_fields(self, names: tuple[str, ...]) -> Mapping:
        """With `other_columns = "keys"`, a column named like a custom field of
        the project fills that field, typed as crmgen.toml declares it."""
        if self.other_columns != "keys":
            return self
        added = {name: (name,) for name in names if name not in self.fields}
        return replace(self, fields={**self.fields, **added})

    def all_columns(self) -> set[str]:
        """Every column the mapping reads, for any purpose."""
        columns = {c for target in self.fields for c in self.columns(target)}
        columns |= set(self.notes)
        for spec in self.log:
            columns |= {spec.date, *spec.body, *source_columns(spec.summary)}
        return columns


def source_columns(source: str) -> list[str]:
    """The columns one source reads: its placeholders, or itself when it has none."""
    names = PLACEHOLDER.findall(source)
    return names if names else [source]


def expand(source: str, row: dict[str, str]) -> str:
    """A source's value in a row; a template whose columns are all empty is ""."""
    names = PLACEHOLDER.findall(source)
    if not names:
        return row.get(source, "").strip()
    if not any(row.get(name, "").strip() for name in names):
        return ""
    text = PLACEHOLDER.sub(lambda m: row.get(m.group(1), "").strip(), source)
    return " ".join(text.split())


def presets() -> list[str]:
    """The names of the shipped presets."""
    folder = resources.files("crmgen") / "presets"
    return sorted(item.name.removesuffix(".toml") for item in folder.iterdir()
                  if item.name.endswith(".toml"))


def preset_text(name: str) -> str:
    """The TOML text of a shipped preset; raises MappingError for unknown names."""
    if name not in presets():
        raise MappingError(f"no preset named `{name}`; the presets are "
                           f"{', '.join(presets())}")
    return (resources.files("crmgen") / "presets" / f"{name}.toml").read_text("utf-8")


def load_mapping(preset: str | None, path: Path | None,
                 custom_fields: tuple[str, ...] = ()) -> Mapping:
    """The mapping of --preset NAME or --map FILE."""
    if path is not None:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise MappingError(f"{path}: cannot read the mapping: {error}") from None
        return parse_mapping(text, str(path), custom_fields)
    assert preset is not None
    return parse_mapping(preset_text(preset), f"preset {preset}", custom_fields)


def parse_mapping(text: str, source: str, custom_fields: tuple[str, ...] = ()
                  ) -> Mapping:
    """Read and validate a mapping's TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{source}: not valid TOML: {error}") from None
    return _Reader(source, custom_fields).mapping(data)


class _Reader:
    """Validates the TOML tables one at a time, naming the mapping in errors."""

    def __init__(self, source: str, custom_fields: tuple[str, ...]) -> None:
        self.source = source
        self.targets = (*(spec.name for spec in CLIENT_FIELDS if spec.name != "deals"),
                        *DEAL_TARGETS, *EXTRA_TARGETS, *custom_fields)

    def fail(self, message: str) -> MappingError:
        """An error naming the mapping."""
        return MappingError(f"{self.source}: {message}")

    def mapping(self, data: dict[str, Any]) -> Mapping:
        """The whole mapping, every table checked."""
        unknown = sorted(set(data) - set(TABLES))
        if unknown:
            raise self.fail(f"unknown table or key `{unknown[0]}`; expected one of "
                            f"{', '.join(TABLES)}")
        fields = self.fields(data.get("fields", {}))
        return Mapping(
            source=self.source,
            fields=fields,
            stages={key.casefold(): value for key, value in
                    self.strings(data, "stages").items()},
            defaults=self.strings(data, "defaults"),
            notes=self.names(data, "notes"),
            log=tuple(self.log(item) for item in self.tables(data, "log")),
            group_by=self.group_by(data, fields),
            join=self.join(data.get("join")),
            replace=self.replace(data),
            date_format=self.optional(data, "date_format"),
            other_columns=self.other_columns(data),
        )

    def fields(self, table: Any) -> dict[str, tuple[str, ...]]:
        """[fields]: each known field with its sources."""
        if not isinstance(table, dict) or "name" not in table:
            raise self.fail("[fields] must give at least `name`, the column (or "
                            "`{column}` template) that names each client")
        fields: dict[str, tuple[str, ...]] = {}
        for target, value in table.items():
            if target not in self.targets:
                raise self.fail(f"[fields]: `{target}` is not a field crmgen knows; "
                                f"expected one of {', '.join(self.targets)}")
            sources = [value] if isinstance(value, str) else value
            if not isinstance(sources, list) or not sources or not all(
                    isinstance(item, str) and item for item in sources):
                raise self.fail(f"[fields]: `{target}` must be a column name or a "
                                f"list of them, found {value!r}")
            fields[target] = tuple(sources)
        return fields

    def strings(self, data: dict[str, Any], key: str) -> dict[str, str]:
        """A table of text values, such as [stages] or [defaults]."""
        table = data.get(key, {})
        if not isinstance(table, dict) or not all(
                isinstance(value, str) for value in table.values()):
            raise self.fail(f"[{key}] must be a table of `name = \"text\"` lines")
        return dict(table)

    def replace(self, data: dict[str, Any]) -> dict[str, dict[str, str]]:
        """[replace.COLUMN] tables: corrections per column."""
        tables = data.get("replace", {})
        if not isinstance(tables, dict):
            raise self.fail("[replace] must hold one [replace.COLUMN] table per column")
        return {column: self.strings(tables, column) for column in tables}

    def names(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        """A list of column names, such as `notes`."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"`{key}` must be a list of column names")
        return tuple(value)

    def tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """An array of tables, such as [[log]]."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"`{key}` must be written as [[{key}]] tables")
        return value

    def optional(self, data: dict[str, Any], key: str) -> str | None:
        """An optional text key, such as `date_format`."""
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"`{key}` must be text, found {value!r}")
        return value

    def log(self, item: dict[str, Any]) -> LogSpec:
        """One [[log]] table."""
        if not isinstance(item.get("date"), str):
            raise self.fail("each [[log]] needs `date`, the column holding its date")
        body = item.get("body", [])
        body = [body] if isinstance(body, str) else body
        return LogSpec(item["date"], str(item.get("kind", "note")),
                       str(item.get("summary", "")), tuple(str(b) for b in body))

    def group_by(self, data: dict[str, Any], fields: dict[str, tuple[str, ...]]
                 ) -> tuple[str, ...]:
        """`group_by`: fields of [fields]; by default id, email, company or name."""
        default = next(f for f in ("id", "email", "company", "name") if f in fields)
        group = data.get("group_by", [default])
        group = [group] if isinstance(group, str) else group
        for name in group:
            if name not in fields:
                raise self.fail(f"group_by names `{name}`, which [fields] does not map")
        return tuple(group)

    def join(self, value: Any) -> Join | None:
        """The [join] table, if any."""
        if value is None:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("file"), str) \
                or not isinstance(value.get("on"), str):
            raise self.fail("[join] needs `file` (a CSV beside the imported one) and "
                            "`on` (the key column)")
        return Join(value["file"], value["on"], str(value.get("key", value["on"])))

    def other_columns(self, data: dict[str, Any]) -> str:
        """`other_columns`: "ignore" or "keys"."""
        value = data.get("other_columns", "ignore")
        if value not in ("ignore", "keys"):
            raise self.fail(f"other_columns must be \"ignore\" or \"keys\", found "
                            f"{value!r}")
        return str(value)
