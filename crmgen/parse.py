"""Turn one client file's bytes into a client record and its problems.

A pure function of (path, bytes, config): nothing else is read, which is what
makes parsing cacheable, parallel and easy to test. It never raises on bad input.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml

from crmgen import yamlnodes as yn
from crmgen.config import Config
from crmgen.fields import (
    CLIENT_FIELDS,
    CLIENT_SPECS,
    DEAL_ITEM_SPECS,
    TOP_LEVEL_DEAL_KEYS,
)
from crmgen.ids import is_valid_id, slugify
from crmgen.logparse import parse_body
from crmgen.model import Client, Deal, Problem
from crmgen.values import Context, Values


def parse_client(
    path: str, data: bytes, config: Config
) -> tuple[Client | None, list[Problem]]:
    """Parse one client file. path is relative to the project root.

    Returns the client, or None when the file cannot be read as one (its
    problems then say why), and the file's problems from parsing.
    """
    ctx = Context(path, config)
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


def _decode(data: bytes, ctx: Context) -> str | None:
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


def _find_front_matter(lines: list[str], ctx: Context) -> int | None:
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


# YAML errors found past the line at fault, by what YAML was reading: it began
# on the line to report, with what to say there.
OPENED = {
    "while scanning a simple key": "this line has no `:` after its key; "
    "write it as `key: value`",
    "while scanning a quoted scalar": "the quote opened on this line is never "
    "closed; end the value with the same quote",
    "while parsing a flow sequence": "the `[` list opened on this line is never "
    "closed with `]`, or its items are not separated by `, `",
    "while parsing a flow mapping": "the `{` opened on this line is never "
    "closed with `}`, or its items are not separated by `, `",
}


# A line whose value (of a key or a list item) begins with a quote.
QUOTE_OPENS = re.compile(r"""^\s*(?:-\s+)?(?:[^'"\s#][^:#]*:\s+)?(["'])(.*)$""")


def _unclosed_quote(lines: list[str]) -> int | None:
    """The index of the first line whose value opens a quote that the line
    does not close, if any (a value may go on over lines, but in front matter
    that is almost always a quote forgotten)."""
    for index, text in enumerate(lines):
        found = QUOTE_OPENS.match(text)
        if found is not None and not _closes(found.group(1), found.group(2)):
            return index
    return None


def _closes(quote: str, rest: str) -> bool:
    """Whether rest, what follows an opening quote, holds its closing quote:
    `\\"` escapes inside double quotes, `''` inside single ones."""
    index = 0
    while index < len(rest):
        if quote == '"' and rest[index] == "\\":
            index += 2
            continue
        if rest[index] == quote:
            if quote == "'" and rest[index + 1 : index + 2] == "'":
                index += 2
                continue
            return True
        index += 1
    return False


def _yaml_problem(
    error: yaml.MarkedYAMLError, lines: list[str], offset: int
) -> tuple[int, str]:
    """The file line to report a YAML error at, and what to say there; lines
    are the front matter's, the first at file line offset."""
    opened = OPENED.get(error.context or "")
    mark = error.problem_mark or error.context_mark
    if opened is not None and error.context_mark is not None:
        # YAML notices only lines later, where the thing it was reading
        # should have ended; the line that begins it is the one to fix.
        mark = error.context_mark
    line = int(mark.line) + offset if mark is not None else offset
    # A quote left open runs on to the next quote on a later line, and YAML
    # fails somewhere after it, saying something else.
    unclosed = _unclosed_quote(lines[: max(line - offset, 0)])
    if unclosed is not None:
        return unclosed + offset, OPENED["while scanning a quoted scalar"]
    line = min(max(line, offset), len(lines) + offset - 1)
    if opened is not None:
        return line, opened
    reason = error.problem or error.context or "unreadable YAML"
    text = lines[line - offset] if 0 <= line - offset < len(lines) else ""
    if "\t" in text[: len(text) - len(text.lstrip())]:
        hint = "this line is indented with a tab; YAML indents with spaces only"
    else:
        hint = "check the indentation and quote values that contain `: ` or `#`"
    return line, f"{reason}; {hint}"


def _compose(lines: list[str], ctx: Context) -> yn.MappingNode | None:
    try:
        root = yn.compose("\n".join(lines) + "\n")
    except yaml.MarkedYAMLError as error:
        line, explained = _yaml_problem(error, lines, ctx.offset)
        ctx.error(
            line, "yaml-syntax", f"the front matter is not valid YAML: {explained}"
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


def _mapping(node: yn.MappingNode, ctx: Context) -> dict[str, tuple[yn.Node, int]]:
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


def _unknown_key(
    key: str, line: int, known: list[str], where: str, ctx: Context
) -> None:
    if not ctx.config.readable:  # the fields it declares are not known
        return
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
    ctx: Context,
) -> Client | None:
    keys = _mapping(root, ctx)
    values = Values(ctx)
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
    notes, log, log_line, newest_first = parse_body(lines, closing + 1, ctx)
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
        newest_first=newest_first,
    )


def _report_empty(
    keys: dict[str, tuple[yn.Node, int]], names: list[str], ctx: Context
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
    values: Values,
    ctx: Context,
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
    title: str, read: dict[str, Any], line: int, ctx: Context
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
