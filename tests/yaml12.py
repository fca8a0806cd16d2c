"""YAML read the way the YAML language server reads it: the YAML 1.2 core schema.

PyYAML composes the nodes (the structure is the same in both versions); the
scalars are then resolved by the 1.2 core schema's rules instead of 1.1's, so
`no` and `12:30` stay text, `0123` is 123, and dates are text.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_NULL = re.compile(r"^(null|Null|NULL|~|)$")
_BOOL = re.compile(r"^(true|True|TRUE|false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(inf|Inf|INF)$")
_NAN = re.compile(r"^\.(nan|NaN|NAN)$")


def scalar(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text.lower() == "true"
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def value(node: yaml.Node) -> Any:
    """A node's value: quoted and block scalars are text, plain ones resolved."""
    if isinstance(node, yaml.ScalarNode):
        return scalar(node.value) if node.style is None else node.value
    if isinstance(node, yaml.SequenceNode):
        return [value(item) for item in node.value]
    assert isinstance(node, yaml.MappingNode)
    return {value(key): value(item) for key, item in node.value}


def load(text: str) -> Any:
    """Load one YAML document as a YAML 1.2 core-schema reader would."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return None if node is None else value(node)


def front_matter(file_text: str) -> Any:
    """The front matter of a client file's text, loaded as YAML 1.2."""
    lines = file_text.split("\n")
    closing = lines.index("---", 1)
    return load("\n".join(lines[1:closing]) + "\n")
