"""Front-matter assignments typed as KEY=VALUE, written as YAML that reads back."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from crmgen import yamlnodes as yn
from crmgen.config import Config
from crmgen.editor import EditError
from crmgen.fields import CLIENT_SPECS, DEAL_ITEM_SPECS, TOP_LEVEL_DEAL_KEYS
from crmgen.keyedit import Mapping, key_spans, remove_key, set_key
from crmgen.textlines import TextLines
from crmgen.yamltext import format_list, format_scalar, format_text, read_back


@dataclass(frozen=True, slots=True)
class Assignment:
    """One KEY=VALUE; an empty value removes the key."""

    key: str
    value: str


def parse_assignment(text: str) -> Assignment:
    """`stage=proposal` as an assignment; raises ValueError without `=`."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"expected KEY=VALUE, found {text!r}")
    return Assignment(key.strip(), value)


def key_type(key: str, config: Config, in_deal: bool) -> str:
    """The field type of a key where it is set; EditError for unknown keys."""
    specs: dict[str, str]
    if in_deal:
        specs = {name: spec.type for name, spec in DEAL_ITEM_SPECS.items()}
    else:
        specs = {
            name: spec.type for name, spec in CLIENT_SPECS.items() if name != "deals"
        }
        specs.update(config.custom_fields)
    if key in specs:
        return specs[key]
    close = difflib.get_close_matches(key, list(specs), n=1)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    where = "a deal" if in_deal else "the front matter"
    raise EditError(f"`{key}` is not a key of {where}{hint}")


def is_deal_key(key: str) -> bool:
    """Whether a key belongs to a deal (inside `deals` for a multi-deal client)."""
    return key in TOP_LEVEL_DEAL_KEYS or key == "currency"


def written(kind: str, value: str, style: str | None) -> str:
    """The value as YAML for a key of that field type."""
    if kind in ("text", "stage", "currency"):
        return format_text(value, style)
    if kind == "list":
        return format_list([item.strip() for item in value.split(",") if item.strip()])
    return format_scalar(value.strip(), style)


def apply(text: TextLines, mapping: Mapping, kind: str, item: Assignment) -> Any:
    """Set or remove one key in a mapping; returns the value it should read as
    (REMOVED for a removed key)."""
    if item.value == "":
        remove_key(text, mapping, item.key)
        return REMOVED
    span = key_spans(text, mapping.node).get(item.key)
    style = span.value.style if span and isinstance(span.value, yn.ScalarNode) else None
    value = written(kind, item.value, style)
    set_key(text, mapping, item.key, value)
    return read_back(value)


REMOVED = object()  # what a removed key reads as


def reads_as(front_matter: Any, key: str, expected: Any) -> bool:
    """Whether a mapping as parsed holds key with the expected value."""
    if not isinstance(front_matter, dict):
        return False
    if expected is REMOVED:
        return key not in front_matter
    return key in front_matter and front_matter[key] == expected
