"""The project configuration, `crmgen.toml`: every key optional."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmgen.model import Problem

CONFIG_NAME = "crmgen.toml"

CUSTOM_TYPES = ("text", "integer", "number", "date", "list", "boolean")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class Stage:
    """A pipeline stage: its default probability (percent), whether deals in it
    are open, and its own stale threshold in days (None: the project's)."""

    name: str
    probability: int
    open: bool
    stale_days: int | None = None


DEFAULT_STAGES = (
    Stage("lead", 25, True),
    Stage("qualified", 40, True),
    Stage("proposal", 60, True),
    Stage("negotiation", 80, True),
    Stage("won", 100, False),
    Stage("lost", 0, False),
)
DEFAULT_CONTACT_KINDS = ("call", "email", "meeting", "demo", "visit", "message")
DEFAULT_OTHER_KINDS = ("note",)
STAGE_KIND = "stage"


@dataclass(frozen=True, slots=True)
class Config:
    """What a project may configure.

    today: the pinned date from the file, None to use the clock.
    stale_days: days without contact after which an open client is stale.
    contact_kinds: log kinds that count as contact; other_kinds do not.
    lost_reasons: the countable reasons; empty means any text is fine.
    custom_fields: extra front-matter keys and their type (see CUSTOM_TYPES).
    output: the site folder, relative to the project root.
    readable: False when crmgen.toml could not be read at all (the rest are
        then the defaults, and keys it may declare are unknown).
    """

    stages: tuple[Stage, ...] = DEFAULT_STAGES
    currency: str = "EUR"
    stale_days: int = 14
    contact_kinds: tuple[str, ...] = DEFAULT_CONTACT_KINDS
    other_kinds: tuple[str, ...] = DEFAULT_OTHER_KINDS
    lost_reasons: tuple[str, ...] = ()
    custom_fields: dict[str, str] = field(default_factory=dict)
    title: str = "Pipeline"
    output: str = "site"
    today: dt.date | None = None
    readable: bool = True
    # Stages by name for stage(), asked once per deal by every report.
    _by_name: dict[str, Stage] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for stage in self.stages:
            self._by_name.setdefault(stage.name, stage)

    def stage(self, name: str) -> Stage | None:
        """The configured stage of that name, or None."""
        return self._by_name.get(name)

    @property
    def stage_names(self) -> tuple[str, ...]:
        """Stage names in pipeline order."""
        return tuple(stage.name for stage in self.stages)

    @property
    def open_stages(self) -> tuple[Stage, ...]:
        """The stages whose deals are open, in order."""
        return tuple(stage for stage in self.stages if stage.open)

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every known log kind, `stage` included."""
        return (*self.contact_kinds, *self.other_kinds, STAGE_KIND)

    def stale_days_for(self, stage_name: str) -> int:
        """The stale threshold for a client in that stage."""
        stage = self.stage(stage_name)
        if stage is not None and stage.stale_days is not None:
            return stage.stale_days
        return self.stale_days

    def fingerprint(self) -> str:
        """A stable text that changes whenever the configuration does (cache key)."""
        return repr(self)


class _Locator:
    """Finds the line of a key in the TOML text, since tomllib keeps no positions."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line(self, key: str, table: str | None = None, index: int = 0) -> int:
        """The line of `key` inside `[table]` (the index-th `[[table]]`), or 1."""
        start, seen = 0, -1
        if table is not None:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
            for number, text in enumerate(self.lines):
                if header.match(text):
                    seen += 1
                    if seen == index:
                        start = number + 1
                        break
            else:
                return 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines)):
            text = self.lines[number]
            if (
                table is not None
                and number > start - 1
                and text.lstrip().startswith("[")
            ):
                break
            if pattern.match(text):
                return number + 1
        return start if table is not None else 1


class _Reader:
    """Turns the parsed TOML into a Config, collecting problems as it goes."""

    def __init__(self, text: str, path: str) -> None:
        self.locate = _Locator(text)
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str, code: str = "config") -> None:
        self.problems.append(Problem(self.path, line, "error", code, message))

    def unknown(
        self, keys: list[str], known: tuple[str, ...], table: str | None, index: int = 0
    ) -> None:
        """Warn about keys this configuration does not know, suggesting the closest."""
        for key in keys:
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            where = f" in [{table}]" if table else ""
            self.problems.append(
                Problem(
                    self.path,
                    self.locate.line(key, table, index),
                    "warning",
                    "config-unknown-key",
                    f"unknown key `{key}`{where}{hint}",
                )
            )

    def integer(
        self,
        data: dict[str, Any],
        key: str,
        default: int,
        low: int,
        high: int,
        table: str | None = None,
        index: int = 0,
    ) -> int:
        value = data.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not low <= value <= high
        ):
            self.problem(
                self.locate.line(key, table, index),
                f"`{key}` must be a whole number from {low} to {high}, found {value!r}",
            )
            return default
        return value

    def text_list(
        self,
        data: dict[str, Any],
        key: str,
        default: tuple[str, ...],
        table: str | None = None,
    ) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v for v in value
        ):
            self.problem(
                self.locate.line(key, table),
                f'`{key}` must be a list of texts, like ["a", "b"], found {value!r}',
            )
            return default
        return tuple(value)

    def read(self, data: dict[str, Any]) -> Config:
        self.unknown(
            list(data),
            (
                "today",
                "currency",
                "stale_days",
                "lost_reasons",
                "site",
                "stages",
                "log",
                "fields",
            ),
            None,
        )
        site = self.table(data, "site")
        self.unknown(list(site), ("title", "output"), "site")
        log = self.table(data, "log")
        self.unknown(list(log), ("contact_kinds", "other_kinds"), "log")
        contact = self.text_list(log, "contact_kinds", DEFAULT_CONTACT_KINDS, "log")
        other = self.text_list(log, "other_kinds", DEFAULT_OTHER_KINDS, "log")
        if STAGE_KIND in (*contact, *other):
            self.problem(
                self.locate.line("contact_kinds", "log"),
                "`stage` is a reserved log kind; remove it from [log]",
            )
        return Config(
            stages=self.stages(data),
            currency=self.currency(data),
            stale_days=self.integer(data, "stale_days", 14, 1, 3650),
            contact_kinds=contact,
            other_kinds=other,
            lost_reasons=self.text_list(data, "lost_reasons", ()),
            custom_fields=self.custom_fields(data),
            title=self.text(site, "title", "Pipeline", "site"),
            output=self.output(site),
            today=self.today(data),
        )

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(self.locate.line(key), f"`{key}` must be a table, [{key}]")
            return {}
        return value

    def text(self, data: dict[str, Any], key: str, default: str, table: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.problem(
                self.locate.line(key, table),
                f"`{key}` must be a non-empty text, found {value!r}",
            )
            return default
        return value

    def output(self, site: dict[str, Any]) -> str:
        output = self.text(site, "output", "site", "site")
        parts = Path(output).parts
        if Path(output).is_absolute() or ".." in parts or output in (".", "clients"):
            self.problem(
                self.locate.line("output", "site"),
                f"`output` must be a folder inside the project other than "
                f'clients/, like "site", found {output!r}',
            )
            return "site"
        return output

    def currency(self, data: dict[str, Any]) -> str:
        value = data.get("currency", "EUR")
        if not isinstance(value, str) or not CURRENCY_RE.match(value):
            self.problem(
                self.locate.line("currency"),
                f"`currency` must be a three-letter ISO 4217 code like "
                f'"EUR", found {value!r}',
            )
            return "EUR"
        return value

    def today(self, data: dict[str, Any]) -> dt.date | None:
        value = data.get("today")
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(
            self.locate.line("today"),
            f"`today` must be a date like 2026-12-01, found {value!r}",
        )
        return None

    def stages(self, data: dict[str, Any]) -> tuple[Stage, ...]:
        raw = data.get("stages")
        if raw is None:
            return DEFAULT_STAGES
        if not isinstance(raw, list) or not raw:
            self.problem(
                self.locate.line("stages"),
                "`stages` must be a list of [[stages]] tables",
            )
            return DEFAULT_STAGES
        stages: list[Stage] = []
        for index, item in enumerate(raw):
            stage = self.stage(item, index, {s.name for s in stages})
            if stage is not None:
                stages.append(stage)
        if not any(s.open for s in stages) or all(s.open for s in stages):
            self.problem(
                self.locate.line("name", "stages"),
                "stages need at least one open and one closed stage "
                "(open = true / open = false)",
            )
            return DEFAULT_STAGES
        return tuple(stages)

    def stage(self, item: Any, index: int, seen: set[str]) -> Stage | None:
        line = self.locate.line("name", "stages", index)
        if not isinstance(item, dict):
            self.problem(line, "each [[stages]] entry must be a table")
            return None
        self.unknown(
            list(item), ("name", "probability", "open", "stale_days"), "stages", index
        )
        name = item.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            self.problem(
                line,
                f"a stage needs a `name` of lowercase letters, digits, "
                f"hyphens or underscores, found {name!r}",
            )
            return None
        if name in seen:
            self.problem(line, f"stage `{name}` is configured twice; keep one")
            return None
        probability = self.integer(item, "probability", 0, 0, 100, "stages", index)
        if "probability" not in item:
            self.problem(line, f"stage `{name}` needs a default `probability` (0-100)")
        is_open = item.get("open", True)
        if not isinstance(is_open, bool):
            self.problem(
                self.locate.line("open", "stages", index),
                f"`open` must be true or false, found {is_open!r}",
            )
            is_open = True
        stale = None
        if "stale_days" in item:
            stale = self.integer(item, "stale_days", 14, 1, 3650, "stages", index)
        return Stage(name, probability, is_open, stale)

    def custom_fields(self, data: dict[str, Any]) -> dict[str, str]:
        fields = self.table(data, "fields")
        result: dict[str, str] = {}
        for key, kind in fields.items():
            if kind not in CUSTOM_TYPES:
                self.problem(
                    self.locate.line(key, "fields"),
                    f"custom field `{key}` must have a type among "
                    f"{', '.join(CUSTOM_TYPES)}, found {kind!r}",
                )
                continue
            result[key] = kind
        return result


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read `crmgen.toml` under root; defaults for whatever is missing or wrong."""
    path = root / CONFIG_NAME
    if not path.exists():
        return Config(), []
    return config_from_bytes(path.read_bytes())


def config_from_bytes(raw: bytes) -> tuple[Config, list[Problem]]:
    """Read the bytes of a `crmgen.toml` (from the disk or from git)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Config(readable=False), [
            Problem(
                CONFIG_NAME,
                1,
                "error",
                "config-encoding",
                f"crmgen.toml is not valid UTF-8 ({error.reason})",
            )
        ]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        if match:
            line = int(match.group(1))
        elif "end of document" in str(error):  # tomllib names no line then
            line = max(1, len(text.rstrip("\n").split("\n")))
        else:
            line = 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        return Config(readable=False), [
            Problem(
                CONFIG_NAME,
                line,
                "error",
                "config-syntax",
                f"crmgen.toml is not valid TOML: {message}",
            )
        ]
    reader = _Reader(text, CONFIG_NAME)
    config = reader.read(data)
    return config, sorted(reader.problems)
