"""Changing, adding and removing front-matter keys, one whole line at a time.

The front matter is composed into YAML nodes only to learn where each key and
value sit; the change itself replaces the value's text on its line, so the
key's inline comment, its spacing and every other line stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from crmgen import yamlnodes as yn
from crmgen.editor import EditError
from crmgen.textlines import TextLines


@dataclass(frozen=True, slots=True)
class Mapping:
    """A block mapping of the front matter: the top level or one deal.

    node: the composed mapping; its marks' line 0 is file line index 1.
    end: the line index before which a new key goes.
    """

    node: yn.MappingNode
    end: int


@dataclass(frozen=True, slots=True)
class KeySpan:
    """Where one key and its value sit: line indexes first..last, inclusive."""

    key: yn.ScalarNode
    value: yn.Node
    first: int
    last: int


def closing_line(text: TextLines) -> int:
    """The index of the `---` line that closes the front matter."""
    for index in range(1, len(text.lines)):
        if text.lines[index].rstrip() == "---":
            return index
    raise EditError("the front matter is not closed by a `---` line")


def top_level(text: TextLines) -> Mapping:
    """The front matter's top-level mapping."""
    closing = closing_line(text)
    try:
        root = yn.compose("\n".join(text.lines[1:closing]) + "\n")
    except yaml.YAMLError as error:
        raise EditError(f"the front matter is not valid YAML: {error}") from None
    if not isinstance(root, yn.MappingNode) or root.flow_style:
        raise EditError("the front matter is not a block of `key: value` lines")
    return Mapping(root, closing)


def deal(text: TextLines, title: str) -> Mapping:
    """The mapping of the deal with that title in `deals`."""
    top = top_level(text)
    spans = key_spans(text, top.node)
    if "deals" not in spans:
        raise EditError("this client has no `deals` list; leave out --deal")
    items = spans["deals"].value
    titles = []
    for item in items.value if isinstance(items, yn.SequenceNode) else []:
        if not isinstance(item, yn.MappingNode):
            continue
        found = {str(k.value): v for k, v in item.value}.get("title")
        name = str(found.value) if isinstance(found, yn.ScalarNode) else ""
        titles.append(name)
        if name == title:
            if item.flow_style:
                raise EditError(
                    f"deal `{title}` is written in flow style "
                    f"(`{{...}}`); edit it by hand"
                )
            last = max(span.last for span in key_spans(text, item).values())
            return Mapping(item, last + 1)
    raise EditError(
        f"no deal titled `{title}`; the deals are {', '.join(f'`{t}`' for t in titles)}"
    )


def key_spans(text: TextLines, mapping: yn.MappingNode) -> dict[str, KeySpan]:
    """Every key of a mapping with the lines its value takes (first of twins)."""
    spans: dict[str, KeySpan] = {}
    for key, value in mapping.value:
        # A key given twice is an error the parser reports; it reads the first.
        if isinstance(key, yn.ScalarNode) and str(key.value) not in spans:
            spans[str(key.value)] = KeySpan(
                key, value, key.start_mark.line + 1, _last_line(text, key, value)
            )
    return spans


def _last_line(text: TextLines, key: yn.Node, value: yn.Node) -> int:
    """The last line index holding the value (comments and blanks after it excluded)."""
    first = key.start_mark.line + 1
    end = value.end_mark
    last = end.line + 1 if end.column > 0 else end.line
    block = isinstance(value, yn.ScalarNode) and value.style in ("|", ">")
    while last > first:
        line = text.lines[last].strip()
        if line and (block or not line.startswith("#")):
            break
        last -= 1
    return last


def set_key(text: TextLines, mapping: Mapping, key: str, written: str) -> None:
    """Give key the written value, replacing its value or adding the key."""
    spans = key_spans(text, mapping.node)
    if key not in spans:
        _add_key(text, mapping, spans, key, written)
        return
    span = spans[key]
    line = text.lines[span.first]
    value = span.value
    one_line = span.first == span.last == value.start_mark.line + 1
    if (
        one_line
        and isinstance(value, yn.ScalarNode)
        and yn.is_null(value)
        and value.start_mark.index == value.end_mark.index
    ):
        colon = line.index(":", span.key.end_mark.column)
        text.replace(
            span.first,
            span.first + 1,
            [f"{line[: colon + 1]} {written}{line[colon + 1 :]}"],
        )
    elif one_line:
        start, stop = value.start_mark.column, value.end_mark.column
        text.replace(span.first, span.first + 1, [line[:start] + written + line[stop:]])
    else:
        colon = line.index(":", span.key.end_mark.column)
        rest = line[colon + 1 :]
        comment = rest if rest.strip().startswith("#") else ""
        text.replace(
            span.first, span.last + 1, [f"{line[: colon + 1]} {written}{comment}"]
        )


def _add_key(
    text: TextLines, mapping: Mapping, spans: dict[str, KeySpan], key: str, written: str
) -> None:
    """Add a key after the mapping's last one, indented like its keys."""
    indent = min((span.key.start_mark.column for span in spans.values()), default=0)
    text.insert(mapping.end, [f"{' ' * indent}{key}: {written}"])


def remove_key(text: TextLines, mapping: Mapping, key: str) -> bool:
    """Remove a key and its value's lines; False when it was not there."""
    span = key_spans(text, mapping.node).get(key)
    if span is None:
        return False
    if text.lines[span.first][: span.key.start_mark.column].strip():
        raise EditError(f"`{key}` starts its deal's `- ` line; edit it by hand")
    text.replace(span.first, span.last + 1, [])
    return True
