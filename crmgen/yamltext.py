"""Writing one YAML value as text that reads back as exactly what was meant.

YAML 1.1 turns `no`, `0123`, `12:30` and `2026-01-05` into booleans, numbers
and dates; a value written by crmgen is quoted whenever the parser would
otherwise read something other than the text the user typed.
"""

from __future__ import annotations

from typing import Any

import yaml

from crmgen import yamlnodes as yn


def _compose_value(written: str) -> yn.Node | None:
    """The node `key: <written>` gives, or None when it is not one block value."""
    if "\n" in written or "\r" in written:
        return None
    try:
        root = yn.compose(f"key: {written}\n")
    except yaml.YAMLError:
        return None
    if not isinstance(root, yn.MappingNode) or len(root.value) != 1:
        return None
    node: yn.Node = root.value[0][1]
    return node


def read_back(written: str) -> Any:
    """What `key: <written>` reads as, the way the parser keeps values."""
    node = _compose_value(written)
    if node is None:
        raise ValueError(f"{written!r} is not one YAML value")
    return yn.written(node)


def reads_as_text(written: str, text: str) -> bool:
    """Whether `key: <written>` reads back as exactly the text `text`."""
    node = _compose_value(written)
    return isinstance(node, yn.ScalarNode) and node.tag == yn.STR and node.value == text


def double_quoted(text: str) -> str:
    """`text` in double quotes, escaping what YAML cannot hold as it is."""
    return '"' + "".join(_escape(char) for char in text) + '"'


def _escape(char: str) -> str:
    """One character inside double quotes."""
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char]
    code = ord(char)
    printable = (
        code == 0x09
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    )
    if printable and char not in _BREAKS:
        return char
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters YAML reads as line breaks or a byte-order mark, even when printable.
_BREAKS = ("\x85", "\u2028", "\u2029", "\ufeff")


def single_quoted(text: str) -> str:
    """`text` in single quotes, a quote doubled."""
    return "'" + text.replace("'", "''") + "'"


def format_text(text: str, style: str | None = None) -> str:
    """Text as a YAML value: plain when that is safe, else quoted.

    style: the quoting the value had before ("'", '"' or ""), kept when it can be.
    """
    candidates = {
        "'": [single_quoted(text), double_quoted(text)],
        '"': [double_quoted(text)],
    }.get(style or "", [])
    candidates += [text, double_quoted(text)]
    if _ambiguous(text):
        candidates.remove(text)
    for written in candidates:
        if written and reads_as_text(written, text):
            return written
    raise ValueError(f"cannot write {text!r} as a YAML value")


def _ambiguous(text: str) -> bool:
    """Plain text that YAML 1.2 readers would take for a number, flag or null."""
    return bool(yn.PLAIN_FLOAT.match(text)) or text.lower() in _WORDS


_WORDS = ("true", "false", "null", "yes", "no", "on", "off", "y", "n", "~")


def format_scalar(raw: str, style: str | None = None) -> str:
    """A date, number or flag typed on the command line, as written in YAML.

    It is written plain when it is one plain value, so the parser judges it as
    the checker would (`probability: 150` is reported there); else quoted.
    """
    node = _compose_value(raw)
    if (
        raw
        and raw == raw.strip()
        and isinstance(node, yn.ScalarNode)
        and not node.style
        and node.value == raw
        and "#" not in raw
    ):
        return raw
    return format_text(raw, style)


def format_list(items: list[str]) -> str:
    """Texts as a flow list: `[a, "0123", "b, c"]`."""

    def item_text(item: str) -> str:
        plain = format_text(item)
        # In a flow list `,`, `[`, `]`, `{` and `}` end a plain item.
        flow_safe = not any(mark in plain for mark in ",[]{}")
        return plain if flow_safe or plain != item else double_quoted(item)

    written = "[" + ", ".join(item_text(item) for item in items) + "]"
    node = _compose_value(written)
    if node is not None and yn.written(node) == items:
        return written
    return "[" + ", ".join(double_quoted(item) for item in items) + "]"
