"""Typed values read out of YAML nodes, each problem on its line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crmgen import yamlnodes as yn
from crmgen.config import Config
from crmgen.fields import FieldSpec
from crmgen.model import Problem, Severity

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Context:
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


class Values:
    """Reads typed values out of nodes, reporting what does not fit."""

    def __init__(self, ctx: Context) -> None:
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
