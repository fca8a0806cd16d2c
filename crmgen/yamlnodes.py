"""Reading YAML front matter as nodes, so every value keeps its line and the
text the user typed, and YAML 1.1 coercions can be seen and undone."""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # The C composer is about six times faster; fall back where libyaml is absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"

# The forms YAML 1.2 and every other reader agree on; anything else a YAML 1.1
# parser turns into a non-text value (`no`, `0123`, `12:30`) is a surprise.
PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
PLAIN_FLOAT = re.compile(r"^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
PLAIN_BOOL = ("true", "false")

Node = yaml.Node
ScalarNode = yaml.ScalarNode
SequenceNode = yaml.SequenceNode
MappingNode = yaml.MappingNode


class _LeanLoader(_Loader):
    """The safe loader with a leaner resolver: the same tags, fewer Python calls.

    The C composer calls back into Python for every node; the stock resolver
    also walks path resolvers, which the safe loader never has.
    """

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return STR
        return SEQ if kind is SequenceNode else MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
# The safe loader's implicit resolvers by first character. It has no wildcard
# ones (key None), which this lookup would otherwise miss.
assert None not in _Loader.yaml_implicit_resolvers
_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers)
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


def compose(text: str) -> Node | None:
    """Compose one YAML document into nodes; raises yaml.YAMLError on bad syntax."""
    loader = _LeanLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def line_of(node: Node, offset: int) -> int:
    """A node's 1-based line in the file, given the file line of YAML line 0."""
    return int(node.start_mark.line) + offset


def is_null(node: Node) -> bool:
    """Whether the node is an empty or `null` scalar."""
    return isinstance(node, ScalarNode) and node.tag == NULL


def written(node: Node) -> Any:
    """The value as the user wrote it: YAML 1.2 core types, text for the rest.

    `call_window: 10:30` stays "10:30", `answer: no` stays "no", dates stay text.
    """
    if isinstance(node, ScalarNode):
        raw = str(node.value)
        if node.tag == STR or node.style in ("'", '"', "|", ">"):
            return raw
        if node.tag == NULL:
            return None
        if node.tag == BOOL and raw in PLAIN_BOOL:
            return raw == "true"
        if node.tag == INT and PLAIN_INT.match(raw):
            return int(raw)
        if node.tag == FLOAT and PLAIN_FLOAT.match(raw):
            return float(raw)
        return raw
    if isinstance(node, SequenceNode):
        return [written(item) for item in node.value]
    if isinstance(node, MappingNode):
        return {
            str(key.value): written(value)
            for key, value in node.value
            if isinstance(key, ScalarNode)
        }
    return None


def describe(node: Node) -> str:
    """How the YAML parser read a node, for messages: `the number 83`, `a list`."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    raw = str(node.value)
    if node.tag == BOOL:
        return f"`{raw}`, which YAML reads as the boolean {raw.lower() in _TRUE}"
    if node.tag == INT:
        return f"`{raw}`, which YAML reads as the number {_construct(node)}"
    if node.tag == FLOAT:
        return f"`{raw}`, which YAML reads as the number {_construct(node)}"
    if node.tag == TIMESTAMP:
        return f"`{raw}`, which YAML reads as a date"
    if node.tag == NULL:
        return "nothing"
    return f"the text {raw!r}"


_TRUE = ("yes", "y", "true", "on")


def _construct(node: Node) -> Any:
    try:
        return _SAFE.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        return node.value


_SAFE = yaml.SafeLoader("")
