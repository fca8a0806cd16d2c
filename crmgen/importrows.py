"""One CSV row read through a mapping: the client's fields, its deal, its log
entries, or the reason the row cannot be taken."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from crmgen.config import Config
from crmgen.csvread import Row
from crmgen.datecols import parse_date
from crmgen.fields import CLIENT_SPECS, CLIENT_TEXT_KEYS, DEAL_ITEM_SPECS
from crmgen.mapping import Mapping, expand
from crmgen.writer import Entry, Value, is_key
from crmgen.yamlnodes import PLAIN_BOOL, PLAIN_FLOAT, PLAIN_INT

CLIENT_TEXT = CLIENT_TEXT_KEYS
# Keys the format gives a meaning; an unmapped column of that name is no key.
RESERVED = {*CLIENT_SPECS, *DEAL_ITEM_SPECS, "deals"}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DOT_THOUSANDS = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")


class RowError(Exception):
    """Why a row cannot be imported, in the user's words."""


@dataclass(frozen=True, slots=True)
class RowData:
    """What one row contributes: client fields, an optional deal, log entries.

    client: front-matter values by key (text, dates, tag lists, custom keys).
    deal: deal values by key (`title`, `stage`, ...), None when rows are clients.
    deal_id: the source's id for the deal, used to tell same-titled deals apart.
    """

    row: Row
    client: dict[str, Value]
    deal: dict[str, Value] | None
    deal_id: str = ""
    notes: str = ""
    log: tuple[Entry, ...] = field(default_factory=tuple)
    log_text: str = ""


class RowReader:
    """Reads rows with one mapping, configuration and set of date formats."""

    def __init__(
        self,
        mapping: Mapping,
        config: Config,
        formats: dict[str, str],
        today: dt.date,
        comma_decimal: bool,
    ) -> None:
        self.mapping = mapping
        self.config = config
        self.formats = formats
        self.today = today
        self.comma_decimal = comma_decimal
        self.mapped = mapping.all_columns()

    def value(self, target: str, values: dict[str, str]) -> tuple[str, str]:
        """The first non-empty source of a field: (text, the column it came from)."""
        for source in self.mapping.fields.get(target, ()):
            text = expand(source, values)
            if text:
                return text, source
        return self.mapping.defaults.get(target, ""), ""

    def date(self, target: str, values: dict[str, str]) -> dt.date | None:
        """A date field, read in its column's format."""
        text, column = self.value(target, values)
        if not text:
            return None
        if text == "today" and not column:
            return self.today
        fmt = self.formats.get(column, "%Y-%m-%d")
        date = parse_date(text, fmt)
        if date is None:
            where = f"column `{column}`" if column else f"[defaults] {target}"
            raise RowError(f"{where}: {text!r} is not a date in the form {fmt}")
        return date

    def number(self, target: str, values: dict[str, str]) -> float | None:
        """An amount: currency signs, spaces and thousands separators dropped."""
        text, column = self.value(target, values)
        if not text:
            return None
        cleaned = re.sub(r"[\s\u00a0'€$£¥]|[A-Z]{3}", "", text)
        if _THOUSANDS.match(cleaned) and not self.comma_decimal:
            cleaned = cleaned.replace(",", "")
        elif _DOT_THOUSANDS.match(cleaned) and self.comma_decimal:
            cleaned = cleaned.replace(".", "").replace(",", ".")
        elif "," in cleaned and "." in cleaned:
            cleaned = (
                cleaned.replace(".", "").replace(",", ".")
                if cleaned.rfind(",") > cleaned.rfind(".")
                else cleaned.replace(",", "")
            )
        elif cleaned.count(",") == 1:
            cleaned = cleaned.replace(",", ".")
        if not _NUMBER.match(cleaned) or float(cleaned) < 0:
            raise RowError(
                f"column `{column or target}`: {text!r} is not an amount of 0 or more"
            )
        return float(cleaned)

    def stage(self, values: dict[str, str]) -> str:
        """The project stage of the row's first stage source that names one."""
        for source in self.mapping.fields.get("stage", ()):
            text = expand(source, values)
            if not text:
                continue
            mapped = self.mapping.stages.get(text.casefold())
            if mapped == "":
                continue
            name = mapped or next(
                (s for s in self.config.stage_names if s.casefold() == text.casefold()),
                None,
            )
            if name is None or self.config.stage(name) is None:
                raise RowError(
                    f"column `{source}`: stage {text!r} is not one of the project's "
                    f"stages ({', '.join(self.config.stage_names)}); map it under "
                    f"[stages] in the mapping"
                )
            return name
        default = self.mapping.defaults.get("stage", "")
        if self.config.stage(default) is None:
            raise RowError(
                "no stage: the stage columns are empty and [defaults] gives no stage"
            )
        return default

    def probability(self, values: dict[str, str]) -> int | None:
        """A percent from `40`, `40%` or `0.4`."""
        text, column = self.value("probability", values)
        if not text:
            return None
        cleaned = text.strip().rstrip("%").strip().replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            number = -1.0
        if "." in cleaned and 0 <= number <= 1 and not text.endswith("%"):
            number *= 100  # HubSpot writes 0.4 for 40 %
        if not 0 <= number <= 100:
            raise RowError(
                f"column `{column}`: probability {text!r} is not a percent "
                f"from 0 to 100"
            )
        return round(number)

    def currency(self, values: dict[str, str]) -> str | None:
        """A three-letter currency code, upper case."""
        text, column = self.value("currency", values)
        if not text:
            return None
        if not re.fullmatch(r"[A-Za-z]{3}", text):
            raise RowError(
                f"column `{column}`: currency {text!r} is not a "
                f"three-letter code such as EUR"
            )
        return text.upper()

    def deal(self, values: dict[str, str], name: str) -> dict[str, Value]:
        """The row's deal keys, in the order they are written."""
        stage = self.stage(values)
        spec = self.config.stage(stage)
        is_open = spec is not None and spec.open
        deal: dict[str, Value] = {}
        if self.mapping.rows_are_deals:
            deal["title"] = self.value("deal_title", values)[0] or name
        deal["stage"] = stage
        found: dict[str, Value | None] = {
            "probability": self.probability(values),
            "value": self.number("value", values),
            "currency": self.currency(values),
            "opened": self.date("opened", values)
            if self.mapping.rows_are_deals
            else None,
            "expected_close": self.date("expected_close", values),
            "closed_on": self.date("closed_on", values),
        }
        close = self.date("close", values)
        key = "expected_close" if is_open else "closed_on"
        if close is not None and found[key] is None:
            found[key] = close
        if stage == "lost":
            found["lost_reason"] = (
                self.value("lost_reason", values)[0] or "not recorded"
            )
        deal.update({key: value for key, value in found.items() if value is not None})
        return deal

    def client(self, values: dict[str, str]) -> dict[str, Value]:
        """The row's client keys: text fields, tags, dates and custom fields."""
        client: dict[str, Value] = {}
        for key in CLIENT_TEXT:
            text = self.value(key, values)[0]
            if key == "address":  # an address cell's lines become one line
                text = ", ".join(
                    line.strip() for line in text.splitlines() if line.strip()
                )
            text = " ".join(text.split())
            if text:
                client[key] = text
        tags = self.value("tags", values)[0]
        if tags:
            client["tags"] = [t.strip() for t in re.split(r"[;,]", tags) if t.strip()]
        for key in ("first_contact", "last_contact", "next_follow_up"):
            date = self.date(key, values)
            if date is not None:
                client[key] = date
        for key, kind in self.config.custom_fields.items():
            value = self.custom(key, kind, values)
            if value is not None:
                client[key] = value
        return client

    def custom(self, key: str, kind: str, values: dict[str, str]) -> Value | None:
        """A custom field's value in the type crmgen.toml declares for it."""
        if kind == "date":
            return self.date(key, values)
        text, column = self.value(key, values)
        if not text:
            return None
        if kind == "list":
            return [t.strip() for t in re.split(r"[;,]", text) if t.strip()]
        if kind in ("integer", "number"):
            number = self.number(key, values)
            return (
                int(number)
                if kind == "integer" and number is not None and number.is_integer()
                else number
            )
        if kind == "boolean":
            if text.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise RowError(f"column `{column}`: {text!r} is not true or false")
            return text.lower() in ("true", "yes", "1")
        return text

    def other_keys(self, values: dict[str, str]) -> dict[str, Value]:
        """With `other_columns = "keys"`, each unmapped filled column as a key,
        its value typed the way YAML 1.2 would read it (so `2822` stays a number)."""
        if self.mapping.other_columns != "keys":
            return {}
        keys: dict[str, Value] = {}
        for column, text in values.items():
            if (
                column in self.mapped
                or column in RESERVED
                or column in self.config.custom_fields
                or not text
                or not is_key(column)
            ):
                continue
            keys[column] = (
                int(text)
                if PLAIN_INT.match(text)
                else float(text)
                if PLAIN_FLOAT.match(text)
                else text == "true"
                if text in PLAIN_BOOL
                else text
            )
        return keys

    def notes(self, values: dict[str, str]) -> str:
        """The free notes column, then `- column: value` for each notes column."""
        parts = [self.value("notes", values)[0]]
        lines = [
            f"- {column}: {' '.join(values[column].split())}"
            for column in self.mapping.notes
            if values.get(column, "").strip()
        ]
        parts.append("\n".join(lines))
        return "\n\n".join(part for part in parts if part)

    def log(self, values: dict[str, str]) -> tuple[Entry, ...]:
        """One entry per [[log]] table whose date column is filled in this row."""
        entries = []
        for spec in self.mapping.log:
            text = values.get(spec.date, "").strip()
            if not text:
                continue
            fmt = self.formats.get(spec.date, "%Y-%m-%d")
            date = parse_date(text, fmt)
            if date is None:
                raise RowError(
                    f"column `{spec.date}`: {text!r} is not a date in the form {fmt}"
                )
            body = "\n\n".join(
                values[c].strip() for c in spec.body if values.get(c, "").strip()
            )
            entries.append(Entry(date, spec.kind, expand(spec.summary, values), body))
        return tuple(entries)

    def read(self, row: Row) -> RowData:
        """Everything the row gives; raises RowError when it cannot be taken."""
        values = row.values
        name = self.value("name", values)[0]
        if not name:
            columns = ", ".join(f"`{c}`" for c in self.mapping.columns("name"))
            raise RowError(f"no client name: {columns} empty")
        client = {"name": name, **self.client(values), **self.other_keys(values)}
        deal = self.deal(values, name)
        return RowData(
            row,
            client,
            deal,
            self.value("deal_id", values)[0],
            self.notes(values),
            self.log(values),
            values.get(self.mapping.fields.get("log", ("",))[0], ""),
        )
