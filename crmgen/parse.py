"""Turn one client file's bytes into a client record and its problems.

A pure function of (path, bytes, config): nothing else is read, which is what
makes parsing cacheable, parallel and easy to test. It never raises on bad input.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from crmgen import yamlnodes as yn
from crmgen.config import STAGE_KIND, Config
from crmgen.fields import (
    CLIENT_FIELDS,
    CLIENT_SPECS,
    DEAL_ITEM_SPECS,
    TOP_LEVEL_DEAL_KEYS,
    FieldSpec,
)
from crmgen.ids import is_valid_id, slugify
from crmgen.model import Client, Deal, LogEntry, Problem, Severity, StageChange

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# A newline then a line whose first non-space character is #, ` or ~: the only
# lines that can be headings or fences. The literal newline lets the regex engine
# skip ahead instead of trying every position as `^` with MULTILINE would.
MARKED_LINE_RE = re.compile(r"\n( *[#`~].*)")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
OPEN_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")
ENTRY_RE = re.compile(
    r"^(?P<date>\S+)(?:[ \t]+(?P<time>\d{1,2}:\d{2}))?[ \t]+(?P<kind>[^\s:]+)"
    r"(?::[ \t]*(?P<summary>.*))?$"
)
CHANGE_RE = re.compile(
    r"^(?:(?P<deal>.+):\s+)?(?:(?P<before>[\w-]+)\s*)?(?:->|→)\s*(?P<after>[\w-]+)"
    r"(?:\s*,\s*(?:(?P<p1>\d{1,3})\s*%\s*)?(?:->|→)\s*(?P<p2>\d{1,3})\s*%)?\s*$"
)


@dataclass
class _Context:
    """Where problems go while one file is parsed."""

    path: str
    config: Config
    offset: int = 2  # file line of YAML line 0: the line after the opening ---
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, severity: Severity, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, severity, code, message))

    def error(self, line: int, code: str, message: str) -> None:
        self.add(line, "error", code, message)

    def warning(self, line: int, code: str, message: str) -> None:
        self.add(line, "warning", code, message)


def parse_client(
    path: str, data: bytes, config: Config
) -> tuple[Client | None, list[Problem]]:
    """Parse one client file. path is relative to the project root.

    Returns the client, or None when the file cannot be read as one (its
    problems then say why), and the file's problems from parsing.
    """
    ctx = _Context(path, config)
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    if not is_valid_id(stem):
        suggestion = slugify(stem) or "client-name"
        ctx.error(
            1,
            "bad-file-name",
            f"file name `{stem}.md` is not a client id (lowercase letters, "
            f"digits and single hyphens); rename it to `{suggestion}.md`",
        )
        return None, ctx.problems
    text = _decode(data, ctx)
    if text is None:
        return None, ctx.problems
    lines = _lines(text)
    closing = _find_front_matter(lines, ctx)
    if closing is None:
        return None, ctx.problems
    root = _compose(lines[1:closing], ctx)
    if root is None:
        return None, ctx.problems
    client = _build_client(stem, path, root, lines, closing, ctx)
    return client, ctx.problems


def _decode(data: bytes, ctx: _Context) -> str | None:
    if not data.strip():
        ctx.error(
            1,
            "empty-file",
            "the file is empty; a client file starts with "
            "front matter between two `---` lines",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        ctx.error(
            line,
            "not-utf8",
            f"byte 0x{data[error.start]:02x} is not valid UTF-8; save the file "
            f"as UTF-8 (it may be Windows-1252 or Latin-1)",
        )
        return None
    return text.removeprefix("\ufeff")


def _lines(text: str) -> list[str]:
    """The text's lines without their newlines; CRLF lines lose the CR too."""
    if "\r" not in text:
        return text.split("\n")
    return [line.removesuffix("\r") for line in text.split("\n")]


def _find_front_matter(lines: list[str], ctx: _Context) -> int | None:
    """The index of the closing `---` line, or None (with a problem)."""
    if lines[0].rstrip() != "---":
        ctx.error(
            1,
            "no-front-matter",
            f"a client file must start with a `---` line opening the front "
            f"matter, found {lines[0][:40]!r}",
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return index
    ctx.error(
        1,
        "unclosed-front-matter",
        "the front matter opened on line 1 is never closed; add a `---` line "
        "after the last key",
    )
    return None


def _compose(lines: list[str], ctx: _Context) -> yn.MappingNode | None:
    try:
        root = yn.compose("\n".join(lines) + "\n")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = int(mark.line) + ctx.offset if mark is not None else ctx.offset
        line = min(max(line, 2), len(lines) + 1)
        reason = error.problem or error.context or "unreadable YAML"
        text = lines[line - 2] if line - 2 < len(lines) else ""
        if "\t" in text[: len(text) - len(text.lstrip())]:
            hint = "this line is indented with a tab; YAML indents with spaces only"
        else:
            hint = "check the indentation and quote values that contain `: ` or `#`"
        ctx.error(
            line, "yaml-syntax", f"the front matter is not valid YAML: {reason}; {hint}"
        )
        return None
    except yaml.YAMLError as error:
        ctx.error(2, "yaml-syntax", f"the front matter is not valid YAML: {error}")
        return None
    if root is None or yn.is_null(root):
        ctx.error(
            1,
            "empty-front-matter",
            "the front matter is empty; it needs at least `name`, "
            "`first_contact` and `stage`",
        )
        return None
    if not isinstance(root, yn.MappingNode):
        ctx.error(
            yn.line_of(root, ctx.offset),
            "front-matter-not-mapping",
            f"the front matter must be `key: value` lines, found {yn.describe(root)}",
        )
        return None
    return root


def _mapping(node: yn.MappingNode, ctx: _Context) -> dict[str, tuple[yn.Node, int]]:
    """Keys of a mapping node with their value nodes and lines; duplicates reported."""
    result: dict[str, tuple[yn.Node, int]] = {}
    for key_node, value_node in node.value:
        line = yn.line_of(key_node, ctx.offset)
        if not isinstance(key_node, yn.ScalarNode):
            ctx.error(
                line,
                "bad-key",
                "a key must be a plain word like `name`, "
                f"found {yn.describe(key_node)}",
            )
            continue
        key = str(key_node.value)
        if key in result:
            ctx.error(
                line,
                "duplicate-key",
                f"`{key}` is given twice (first on line {result[key][1]}); keep one",
            )
            continue
        result[key] = (value_node, line)
    return result


class _Values:
    """Reads typed values out of nodes, reporting what does not fit."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.readers: dict[str, Callable[[str, yn.Node, int], Any]] = {
            "text": self.text,
            "date": self.date,
            "number": self.number,
            "integer": self.integer,
            "probability": self.probability,
            "list": self.text_list,
            "boolean": self.boolean,
            "stage": self.stage,
            "currency": self.currency,
        }

    def text(self, key: str, node: yn.Node, line: int) -> str | None:
        if yn.is_null(node):
            return None
        if not isinstance(node, yn.ScalarNode):
            self.ctx.error(
                line, "bad-type", f"`{key}` must be text, found {yn.describe(node)}"
            )
            return None
        raw = str(node.value)
        if node.tag != yn.STR and node.style not in ("'", '"', "|", ">"):
            self.ctx.error(
                line,
                "text-coerced",
                f"`{key}` must be text, found {yn.describe(node)}; put it "
                f'in quotes: {key}: "{raw}"',
            )
        return raw

    def date(self, key: str, node: yn.Node, line: int) -> dt.date | None:
        if yn.is_null(node):
            return None
        raw = str(node.value) if isinstance(node, yn.ScalarNode) else ""
        if not DATE_RE.match(raw):
            found = yn.describe(node) if raw == "" else repr(raw)
            self.ctx.error(
                line,
                "bad-date",
                f"`{key}` must be a date written YYYY-MM-DD, found {found}",
            )
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.ctx.error(
                line,
                "impossible-date",
                f"`{key}` is {raw}, which is not a real date; check the month and day",
            )
            return None

    def number(self, key: str, node: yn.Node, line: int) -> float | None:
        if yn.is_null(node):
            return None
        raw = str(node.value) if isinstance(node, yn.ScalarNode) else ""
        plain = isinstance(node, yn.ScalarNode) and not node.style
        if (
            not plain
            or node.tag not in (yn.INT, yn.FLOAT)
            or not yn.PLAIN_FLOAT.match(raw.replace("_", ""))
        ):
            self.ctx.error(
                line,
                "bad-number",
                f"`{key}` must be a plain number like 12500 or 12500.50, "
                f"found {yn.describe(node)}; write digits only, without "
                f"quotes, currency signs or thousands separators",
            )
            return None
        number = float(raw.replace("_", ""))
        if number < 0:
            self.ctx.error(
                line, "negative-value", f"`{key}` must be 0 or more, found {raw}"
            )
            return None
        return number

    def integer(self, key: str, node: yn.Node, line: int) -> int | None:
        if yn.is_null(node):
            return None
        raw = str(node.value) if isinstance(node, yn.ScalarNode) else ""
        plain = isinstance(node, yn.ScalarNode) and not node.style
        if not plain or node.tag != yn.INT or not yn.PLAIN_INT.match(raw):
            self.ctx.error(
                line,
                "bad-integer",
                f"`{key}` must be a whole number, found {yn.describe(node)}",
            )
            return None
        return int(raw)

    def probability(self, key: str, node: yn.Node, line: int) -> int | None:
        if yn.is_null(node):
            return None
        raw = str(node.value) if isinstance(node, yn.ScalarNode) else ""
        plain = isinstance(node, yn.ScalarNode) and not node.style
        value = (
            int(raw)
            if plain and node.tag == yn.INT and yn.PLAIN_INT.match(raw)
            else None
        )
        if value is None or not 0 <= value <= 100:
            found = raw if value is not None else yn.describe(node)
            hint = " (without the % sign)" if raw.endswith("%") else ""
            self.ctx.error(
                line,
                "bad-probability",
                f"`{key}` must be a whole number from 0 to 100{hint}, found {found}",
            )
            return None
        return value

    def text_list(self, key: str, node: yn.Node, line: int) -> tuple[str, ...]:
        if yn.is_null(node):
            return ()
        if not isinstance(node, yn.SequenceNode):
            raw = str(node.value) if isinstance(node, yn.ScalarNode) else ""
            items = ", ".join(part.strip() for part in raw.split(",")) or "a, b"
            self.ctx.error(
                line,
                "bad-list",
                f"`{key}` must be a list, found {yn.describe(node)}; write "
                f"{key}: [{items}]",
            )
            return ()
        values = []
        for item in node.value:
            value = self.text(f"{key} item", item, yn.line_of(item, self.ctx.offset))
            if value is not None:
                values.append(value)
        return tuple(values)

    def boolean(self, key: str, node: yn.Node, line: int) -> bool | None:
        if yn.is_null(node):
            return None
        raw = str(node.value) if isinstance(node, yn.ScalarNode) else ""
        if raw not in yn.PLAIN_BOOL:
            self.ctx.error(
                line,
                "bad-boolean",
                f"`{key}` must be true or false, found {yn.describe(node)}",
            )
            return None
        return raw == "true"

    def stage(self, key: str, node: yn.Node, line: int) -> str | None:
        name = self.text(key, node, line)
        if name is None:
            return None
        config = self.ctx.config
        if config.stage(name) is None:
            close = difflib.get_close_matches(name.lower(), config.stage_names, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            self.ctx.error(
                line,
                "unknown-stage",
                f"`{key}` is `{name}`, not a configured stage (one of "
                f"{', '.join(config.stage_names)}){hint}",
            )
            return None
        return name

    def currency(self, key: str, node: yn.Node, line: int) -> str | None:
        code = self.text(key, node, line)
        if code is None:
            return None
        if not re.match(r"^[A-Z]{3}$", code):
            self.ctx.error(
                line,
                "bad-currency",
                f"`{key}` must be a three-letter ISO 4217 code like EUR, "
                f"found {code!r}",
            )
            return None
        return code

    def read(self, spec: FieldSpec | str, key: str, node: yn.Node, line: int) -> Any:
        """Read a value by its field type (a FieldSpec or a custom field's type)."""
        kind = spec.type if isinstance(spec, FieldSpec) else spec
        return self.readers[kind](key, node, line)


def _unknown_key(
    key: str, line: int, known: list[str], where: str, ctx: _Context
) -> None:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = (
        f"; did you mean `{close[0]}`?"
        if close
        else "; declare it under [fields] in crmgen.toml if it is yours"
    )
    ctx.warning(line, "unknown-key", f"unknown key `{key}`{where}{hint}")


def _build_client(
    stem: str,
    path: str,
    root: yn.MappingNode,
    lines: list[str],
    closing: int,
    ctx: _Context,
) -> Client | None:
    keys = _mapping(root, ctx)
    values = _Values(ctx)
    config = ctx.config
    read: dict[str, Any] = {}
    known = [*CLIENT_SPECS, *config.custom_fields]
    for key, (node, line) in keys.items():
        if key in CLIENT_SPECS and key != "deals":
            read[key] = values.read(CLIENT_SPECS[key], key, node, line)
        elif key in config.custom_fields:
            read[key] = values.read(config.custom_fields[key], key, node, line)
        elif key != "deals":
            _unknown_key(key, line, known, "", ctx)

    required = [spec.name for spec in CLIENT_FIELDS if spec.required]
    _report_empty(keys, [*required, *([] if "deals" in keys else ["stage"])], ctx)
    for spec in CLIENT_FIELDS:
        if spec.required and spec.name not in keys:
            ctx.error(
                1,
                "missing-key",
                f"`{spec.name}` is required; add "
                f"`{spec.name}: ...` to the front matter",
            )
    if "deals" not in keys and "stage" not in keys:
        ctx.error(
            1,
            "missing-key",
            "`stage` is required (or a `deals` list); add "
            f"`stage: {config.stage_names[0]}`",
        )
    name = read.get("name")
    if name is None:
        return None

    deals = _deals(name, keys, read, values, ctx)
    notes, log, log_line = _body(lines, closing + 1, ctx)
    key_lines = {key: line for key, (_node, line) in keys.items()}
    front_matter = {
        key: _as_written(key, node, config) for key, (node, _line) in keys.items()
    }
    return Client(
        id=stem,
        path=path,
        name=name,
        front_matter=front_matter,
        key_lines=key_lines,
        deals=deals,
        log=log,
        first_contact=read.get("first_contact"),
        last_contact_key=read.get("last_contact"),
        next_follow_up=read.get("next_follow_up"),
        owner=read.get("owner"),
        source=read.get("source"),
        tags=read.get("tags") or (),
        notes=notes,
        log_line=log_line,
        newest_first=_log_order(log, ctx),
    )


def _report_empty(
    keys: dict[str, tuple[yn.Node, int]], names: list[str], ctx: _Context
) -> None:
    """A required key that is present but empty is an error on its line."""
    for name in names:
        if name in keys and yn.is_null(keys[name][0]):
            ctx.error(
                keys[name][1],
                "empty-key",
                f"`{name}` is required but empty; give it a value",
            )


def _as_written(key: str, node: yn.Node, config: Config) -> Any:
    """A key's value as typed; a text field keeps its text even when YAML coerced it."""
    spec = CLIENT_SPECS.get(key)
    kind = spec.type if spec is not None else config.custom_fields.get(key)
    if kind == "text" and isinstance(node, yn.ScalarNode) and not yn.is_null(node):
        return str(node.value)
    return yn.written(node)


def _deals(
    name: str,
    keys: dict[str, tuple[yn.Node, int]],
    read: dict[str, Any],
    values: _Values,
    ctx: _Context,
) -> tuple[Deal, ...]:
    if "deals" not in keys:
        line = keys.get("stage", (None, 1))[1]
        deal = _make_deal(name, read, line, ctx)
        return (deal,) if deal is not None else ()
    node, line = keys["deals"]
    for key in TOP_LEVEL_DEAL_KEYS:
        if key in keys:
            ctx.error(
                keys[key][1],
                "deal-key-with-deals",
                f"`{key}` belongs inside each item of `deals` (line {line}) "
                f"when a client has a `deals` list; move it there",
            )
    if not isinstance(node, yn.SequenceNode) or not node.value:
        ctx.error(
            line,
            "bad-deals",
            f"`deals` must be a list of deals, each starting `- title: ...`, "
            f"found {yn.describe(node)}",
        )
        return ()
    deals: list[Deal] = []
    titles: dict[str, int] = {}
    for item in node.value:
        item_line = yn.line_of(item, ctx.offset)
        if not isinstance(item, yn.MappingNode):
            ctx.error(
                item_line,
                "bad-deals",
                f"each item of `deals` must be a mapping with `title` and "
                f"`stage`, found {yn.describe(item)}",
            )
            continue
        item_keys = _mapping(item, ctx)
        item_read: dict[str, Any] = {}
        for key, (value_node, key_line) in item_keys.items():
            if key in DEAL_ITEM_SPECS:
                item_read[key] = values.read(
                    DEAL_ITEM_SPECS[key], key, value_node, key_line
                )
            else:
                _unknown_key(key, key_line, list(DEAL_ITEM_SPECS), " in a deal", ctx)
        if "currency" not in item_read and "currency" in read:
            item_read["currency"] = read["currency"]
        _report_empty(item_keys, ["title", "stage"], ctx)
        for required in ("title", "stage"):
            if required not in item_keys:
                ctx.error(
                    item_line,
                    "missing-key",
                    f"a deal needs `{required}`; add `{required}: ...`",
                )
        title = item_read.get("title")
        if title is None:
            continue
        if title in titles:
            ctx.error(
                item_line,
                "duplicate-deal",
                f"deal title `{title}` is used twice (first on line "
                f"{titles[title]}); give each deal its own title",
            )
            continue
        titles[title] = item_line
        deal = _make_deal(title, item_read, item_line, ctx)
        if deal is not None:
            deals.append(deal)
    return tuple(deals)


def _make_deal(
    title: str, read: dict[str, Any], line: int, ctx: _Context
) -> Deal | None:
    stage_name = read.get("stage")
    stage = ctx.config.stage(stage_name) if stage_name is not None else None
    if stage is None:
        return None
    probability = read.get("probability")
    return Deal(
        title=title,
        stage=stage.name,
        probability=stage.probability if probability is None else probability,
        probability_written=probability is not None,
        value=read.get("value"),
        currency=read.get("currency") or ctx.config.currency,
        is_open=stage.open,
        opened=read.get("opened"),
        expected_close=read.get("expected_close"),
        closed_on=read.get("closed_on"),
        lost_reason=read.get("lost_reason"),
        line=line,
    )


def _headings(lines: list[str], start: int) -> list[tuple[int, int, str]]:
    """(index, level, text) of every ATX heading outside fenced code blocks."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    body = "\n" + "\n".join(lines[start:])
    index, position = start - 1, 0
    # One regex pass over the body finds the candidate lines, so the Python
    # loop runs over a few lines per file instead of every line.
    for marked in MARKED_LINE_RE.finditer(body):
        index += body.count("\n", position, marked.end(1))
        position = marked.end(1)
        line = marked.group(1)
        match = FENCE_RE.match(line)
        if fence is not None:
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not match.group(2).strip()
            ):
                fence = None
            continue
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            continue
        # Without a closing `#` run or trailing blanks to trim, a simpler
        # pattern gives the same match without the lazy group's backtracking.
        pattern = HEADING_RE if line[-1] in " \t#" else OPEN_HEADING_RE
        heading = pattern.match(line)
        if heading:
            found.append(
                (index, len(heading.group(1)), (heading.group(2) or "").strip())
            )
    return found


def headings(lines: list[str], start: int) -> list[tuple[int, int, str]]:
    """(index, level, text) of every ATX heading from lines[start] on, outside
    fenced code blocks: how the editor finds where the log and its entries end."""
    return _headings(lines, start)


def _body(
    lines: list[str], start: int, ctx: _Context
) -> tuple[str, tuple[LogEntry, ...], int | None]:
    """Split the body into notes and log entries; the log runs from `## Log` to
    the next heading of level 1 or 2."""
    headings = _headings(lines, start)
    log_index = next(
        (
            i
            for i, (_n, level, text) in enumerate(headings)
            if level == 2 and text.lower() == "log"
        ),
        None,
    )
    if log_index is None:
        return _join(lines[start:]), (), None
    log_at = headings[log_index][0]
    end = next(
        (index for index, level, _t in headings[log_index + 1 :] if level <= 2),
        len(lines),
    )
    for index, level, text in headings[log_index + 1 :]:
        if level == 2 and text.lower() == "log":
            ctx.warning(
                index + 1,
                "second-log",
                f"a second `## Log` heading (the first is on line {log_at + 1});"
                f" keep every entry under one",
            )
    entries_at = [
        (index, text)
        for index, level, text in headings[log_index + 1 :]
        if index < end and level == 3
    ]
    stops = sorted({index for index, level, _t in headings if level <= 3} | {end})
    first_entry = entries_at[0][0] if entries_at else end
    notes = _join(lines[start:log_at] + lines[log_at + 1 : first_entry] + lines[end:])
    entries = []
    for index, text in entries_at:
        stop = stops[bisect.bisect_right(stops, index)]
        entry = _entry(text, index + 1, _join(lines[index + 1 : stop]), ctx)
        if entry is not None:
            entries.append(entry)
    return notes, tuple(entries), log_at + 1


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


def _entry(text: str, line: int, body: str, ctx: _Context) -> LogEntry | None:
    match = ENTRY_RE.match(text)
    shape = "`### YYYY-MM-DD [HH:MM] kind[: summary]`"
    if not match:
        ctx.error(
            line,
            "bad-entry-heading",
            f"a log entry heading must read {shape}, found `### {text}`",
        )
        return None
    raw_date, time = match.group("date"), match.group("time")
    if not DATE_RE.match(raw_date):
        ctx.error(
            line,
            "bad-entry-heading",
            f"a log entry heading must start with a date YYYY-MM-DD, found "
            f"`{raw_date}`; the heading reads {shape}",
        )
        return None
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError:
        ctx.error(
            line,
            "impossible-date",
            f"the entry's date {raw_date} is not a real date; check the month and day",
        )
        return None
    if time is not None and not TIME_RE.match(time):
        ctx.error(
            line,
            "bad-time",
            f"the entry's time must be HH:MM from 00:00 to 23:59, found {time}",
        )
        return None
    kind = match.group("kind").lower()
    summary = (match.group("summary") or "").strip()
    change = _stage_change(summary, line, ctx) if kind == STAGE_KIND else None
    return LogEntry(date, time, kind, summary, body, line, change)


def _stage_change(summary: str, line: int, ctx: _Context) -> StageChange | None:
    match = CHANGE_RE.match(summary)
    if not match:
        ctx.warning(
            line,
            "bad-stage-entry",
            f"a `stage` entry's summary should read `from -> to` or "
            f"`from -> to, 40% -> 60%`, found {summary!r}; reports skip it",
        )
        return None
    before = match.group("before")
    after = match.group("after").lower()
    for name in (before, after):
        if name is not None and ctx.config.stage(name.lower()) is None:
            ctx.warning(
                line,
                "unknown-stage",
                f"the stage entry names `{name}`, not a configured stage "
                f"(one of {', '.join(ctx.config.stage_names)})",
            )
            return None
    p1, p2 = match.group("p1"), match.group("p2")
    for number in (p1, p2):
        if number is not None and int(number) > 100:
            ctx.warning(
                line,
                "bad-probability",
                f"a probability in a stage entry must be 0-100%, found {number}%",
            )
            return None
    return StageChange(
        deal=match.group("deal"),
        before=before.lower() if before else None,
        after=after,
        probability_before=int(p1) if p1 is not None else None,
        probability_after=int(p2) if p2 is not None else None,
    )


def _log_order(log: tuple[LogEntry, ...], ctx: _Context) -> bool | None:
    """True when newest-first, False when oldest-first, None when it cannot tell."""
    # Dates only: an entry without a time sits anywhere within its day.
    stamps = [entry.date for entry in log]
    if len(set(stamps)) < 2:
        return None
    descending = all(a >= b for a, b in itertools.pairwise(stamps))
    ascending = all(a <= b for a, b in itertools.pairwise(stamps))
    if descending or ascending:
        return descending
    newest_first = stamps[0] > stamps[-1]
    for entry, (a, b) in zip(log[1:], itertools.pairwise(stamps), strict=False):
        if (newest_first and b > a) or (not newest_first and b < a):
            order = "newest-first" if newest_first else "oldest-first"
            ctx.warning(
                entry.line,
                "log-order",
                f"this entry breaks the log's {order} order; move it so the "
                f"dates run one way",
            )
            break
    return newest_first
