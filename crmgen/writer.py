"""Writing new client files as text: front matter that any YAML reader reads
back exactly (text that YAML 1.1 would turn into something else is quoted)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

# Plain (unquoted) text is limited to what reads back as the same text in every
# YAML version: a letter first, then letters, digits and harmless punctuation.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .()/+'_@&:-]*")
_TRICKY_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_RESOLVER = yaml.resolver.Resolver()

Value = str | int | float | dt.date | list[str] | bool


@dataclass(frozen=True, slots=True)
class Entry:
    """A log entry to write: `### date kind: summary` and its body."""

    date: dt.date
    kind: str
    summary: str = ""
    body: str = ""


@dataclass(frozen=True, slots=True)
class ClientText:
    """A whole new client file: front-matter keys in order, deals, notes, log.

    front: (key, value) pairs; deals: each deal's (key, value) pairs, or None
    for a client written with top-level deal keys (already in `front`).
    log_text: Markdown log entries as written elsewhere (crmgen's own CSV),
        placed under `## Log` before the entries in `log`.
    """

    front: Sequence[tuple[str, Value]]
    deals: Sequence[Sequence[tuple[str, Value]]] | None = None
    notes: str = ""
    log: Sequence[Entry] = field(default_factory=tuple)
    log_text: str = ""


def is_plain_text(text: str) -> bool:
    """Whether text may be written without quotes and still read as that text."""
    if not _PLAIN.fullmatch(text) or text != text.strip() or ": " in text or \
            text.endswith(":"):
        return False
    if text.lower() in _TRICKY_WORDS:
        return False
    tag = _RESOLVER.resolve(  # type: ignore[no-untyped-call]
        yaml.ScalarNode, text, (True, False))
    return bool(tag == "tag:yaml.org,2002:str")


def _escape(char: str) -> str:
    code = ord(char)
    printable = (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
                 or 0xE000 <= code <= 0xFFFD or code >= 0x10000)
    if char in '"\\':
        return "\\" + char
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if not printable or code in (0x2028, 0x2029, 0xFEFF):
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def quote(text: str) -> str:
    """A YAML double-quoted scalar holding exactly text."""
    return '"' + "".join(_escape(char) for char in text) + '"'


def format_value(value: Value) -> str:
    """One value as YAML: text plain or quoted, dates and numbers plain."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return value if is_plain_text(value) else quote(value)


def is_key(name: str) -> bool:
    """Whether name can be a front-matter key written plain."""
    return bool(_KEY.fullmatch(name)) and name.lower() not in _TRICKY_WORDS


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render(client: ClientText) -> str:
    """The file's text, ending with a newline."""
    lines = ["---"]
    lines += [f"{key}: {format_value(value)}" for key, value in client.front]
    if client.deals is not None:
        lines.append("deals:")
        for deal in client.deals:
            for index, (key, value) in enumerate(deal):
                lead = "  - " if index == 0 else "    "
                lines.append(f"{lead}{key}: {format_value(value)}")
    lines.append("---")
    if client.notes.strip():
        lines += ["", client.notes.strip("\n")]
    if client.log or client.log_text.strip():
        lines += ["", "## Log"]
        if client.log_text.strip():
            lines += ["", client.log_text.strip("\n")]
        for entry in client.log:
            summary = _one_line(entry.summary)
            heading = f"### {entry.date.isoformat()} {entry.kind}"
            lines += ["", f"{heading}: {summary}" if summary else heading]
            if entry.body.strip():
                lines += ["", entry.body.strip("\n")]
    return "\n".join(lines) + "\n"
