"""`crmgen schema`: generated from the field table, and agreeing with the checker.

The checker reads YAML 1.1 (PyYAML) and then refuses what 1.1 coerces; the YAML
language server reads YAML 1.2. Where the two readings of a spelling differ the
schema cannot see what the checker sees: those spellings are pinned in
DIFFERENCES (and listed in docs/editors.md); everything else must agree.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml12
from conftest import ProjectDir
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crmgen.config import Config
from crmgen.fields import CLIENT_FIELDS, DEAL_FIELDS, DEAL_ITEM_FIELDS
from crmgen.parse import parse_client
from crmgen.schema import front_matter_schema

CONFIG = Config(
    custom_fields={
        "industry": "text",
        "employees": "integer",
        "vip": "boolean",
        "renewal": "date",
        "budget": "number",
        "regions": "list",
    },
    lost_reasons=("price", "timing"),
)
SCHEMA = front_matter_schema(CONFIG)
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)

TEXTY = {"text", "stage", "currency"}
NUMERIC = {"number", "integer", "probability"}
YAML11_WORDS = ("yes", "no", "on", "off", "y", "n", "Yes", "NO", "Off", "ON")

# (spellings, the field types for which YAML 1.1 and 1.2 read them differently)
POOL: list[tuple[st.SearchStrategy[str], set[str]]] = [
    (
        st.from_regex(r"\A[a-z]{3,8}( [a-z]{2,8})?\Z").filter(
            lambda w: (
                w.lower() not in YAML11_WORDS and w not in ("null", "true", "false")
            )
        ),
        set(),
    ),
    (
        st.sampled_from(
            [
                "lead",
                "qualified",
                "won",
                "lost",
                "Lead",
                "EUR",
                "USD",
                "usd",
                "EURO",
                "price",
                "timing",
            ]
        ),
        set(),
    ),
    (st.text(alphabet="abc XYZ019:#-'", max_size=12).map(json.dumps), set()),
    (st.integers(-20, 150).map(str), set()),
    (st.sampled_from(["0123", "007"]), NUMERIC),
    (
        st.builds(
            "{}.{}{}".format, st.integers(-5, 200), st.integers(0, 9), st.integers(1, 9)
        ),
        set(),
    ),
    (st.sampled_from(["2.5e-1", "-0.5"]), set()),
    (st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10), TEXTY),
    (st.sampled_from(["2026-02-30", "2026-13-01", "2026-9-1"]), TEXTY),
    (st.sampled_from(['"2026-09-01"', "'2026-02-29'"]), set()),
    (st.sampled_from(["12:30", "1:05"]), TEXTY),
    (st.sampled_from(YAML11_WORDS), TEXTY),
    (st.sampled_from(["true", "false"]), set()),
    (st.sampled_from(["True", "FALSE"]), {"boolean"}),
    (st.sampled_from(["[a, b]", "[]", "[1, 2]", "[x]", "{a: b}"]), set()),
]
NULLS = st.sampled_from(["", "~", "null"])


def spelling(kind: str, required: bool = False) -> st.SearchStrategy[str]:
    """A value as typed after `key: `, from the domain both readers share."""
    shared = [strategy for strategy, differs in POOL if kind not in differs]
    return st.one_of(*shared) if required else st.one_of(*shared, NULLS)


TOP = {
    spec.name: spec.type
    for spec in (*CLIENT_FIELDS, *DEAL_FIELDS)
    if spec.name not in ("deals", "stage", "name", "first_contact")
}
TOP.update(CONFIG.custom_fields)
ITEM = {
    spec.name: spec.type
    for spec in DEAL_ITEM_FIELDS
    if spec.name not in ("title", "stage")
}


def kind_of(kind: str) -> str:
    return "text" if kind == "list" else kind  # a scalar given for a list


@st.composite
def keys(draw: st.DrawFn, table: dict[str, str], indent: str) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(sorted(table)), unique=True, max_size=5))
    lines = [f"{indent}{key}: {draw(spelling(kind_of(table[key])))}" for key in chosen]
    if draw(st.booleans()) and draw(st.booleans()):
        lines.append(f"{indent}{draw(st.sampled_from(['colour', 'nxt_follow_up']))}: x")
    return lines


@st.composite
def deals(draw: st.DrawFn) -> list[str]:
    titles = draw(
        st.lists(st.from_regex(r"\A[A-Z][a-z]{2,6}\Z"), unique=True, max_size=3)
    )
    lines = ["deals:"] if titles or draw(st.booleans()) else ["deals: []"]
    for title in titles:
        lines.append(f"  - title: {title}")
        if draw(st.integers(0, 9)):  # a deal without a stage now and then
            lines.append(f"    stage: {draw(spelling('stage', required=True))}")
        lines += draw(keys(ITEM, "    "))
    return lines if lines != ["deals:"] else ["deals: []"]


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.integers(0, 9)):
        lines.append(f"name: {draw(spelling('text', required=True))}")
    if draw(st.integers(0, 9)):
        lines.append(f"first_contact: {draw(spelling('date', required=True))}")
    if draw(st.booleans()):
        lines += draw(deals())
        if draw(st.integers(0, 5)) == 0:
            lines.append("value: 100")  # a deal key beside `deals`
    elif draw(st.integers(0, 9)):
        lines.append(f"stage: {draw(spelling('stage', required=True))}")
    lines += draw(keys(TOP, ""))
    return "---\n" + "\n".join(lines) + "\n---\n"


def verdicts(text: str) -> tuple[bool, bool, str]:
    """(checker accepts, schema accepts, an explanation for the failure message)."""
    _client, problems = parse_client("clients/x.md", text.encode(), CONFIG)
    data = yaml12.front_matter(text)
    errors = [e.message for e in VALIDATOR.iter_errors(data)]
    why = f"{text}\nchecker: {[p.message for p in problems]}\nschema: {errors}"
    return not problems, not errors, why


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters())
def test_schema_and_checker_agree_on_generated_files(text: str) -> None:
    checker, schema, why = verdicts(text)
    event("valid" if checker else "invalid")  # both kinds must be well represented
    assert checker == schema, why


BASE = "---\nname: Acme\nfirst_contact: 2026-09-01\nstage: lead\n{line}\n---\n"

# Spellings the two YAML versions read differently, and gaps of the checker:
# (line, checker accepts, schema accepts). docs/editors.md lists them.
DIFFERENCES = [
    ("phone: no", False, True),  # 1.1 boolean, 1.2 text
    ("phone: 12:30", False, True),  # 1.1 base-60 number, 1.2 text
    ("phone: 2026-09-01", False, True),  # 1.1 date, 1.2 text
    ("phone: 1e3", True, False),  # 1.1 text, 1.2 number
    ("currency: YES", False, True),  # 1.1 boolean, 1.2 the text "YES"
    ("value: 1_000", True, False),  # 1.1 number 1000, 1.2 text
    ("value: 0123", False, True),  # 1.1 octal 83, 1.2 decimal 123
    ("value: 0x1F", False, True),  # both 31; crmgen wants plain digits
    ("value: .5", False, True),  # both 0.5; crmgen wants 0.5
    ("employees: 2.0", False, True),  # JSON Schema counts 2.0 as an integer
    ("probability: 50.0", False, True),
    ("vip: True", False, True),  # crmgen takes only true and false
]


@pytest.mark.parametrize(("line", "checker", "schema"), DIFFERENCES)
def test_known_differences_are_still_differences(
    line: str, checker: bool, schema: bool
) -> None:
    assert verdicts(BASE.format(line=line))[:2] == (checker, schema)


@pytest.mark.parametrize(
    "text",
    [
        "---\nname: Acme\nfirst_contact:\nstage: lead\n---\n",
        "---\nname: Acme\nfirst_contact: 2026-09-01\nstage:\n---\n",
        "---\nname: Acme\nfirst_contact: 2026-09-01\ndeals:\n  - title: A\n    stage:\n"
        "---\n",
    ],
)
def test_empty_required_keys_fail_the_checker_and_the_schema(text: str) -> None:
    assert verdicts(text)[:2] == (False, False)


def test_schema_comes_from_the_field_table_and_config() -> None:
    properties = SCHEMA["properties"]
    for spec in (*CLIENT_FIELDS, *DEAL_FIELDS):
        assert properties[spec.name]["description"] == spec.description
    assert properties["stage"]["enum"] == list(CONFIG.stage_names)
    assert properties["employees"]["type"] == ["integer", "null"]
    assert properties["lost_reason"]["examples"] == ["price", "timing"]
    assert SCHEMA["required"] == ["name", "first_contact"]
    item = properties["deals"]["items"]
    assert set(item["properties"]) == {spec.name for spec in DEAL_ITEM_FIELDS}
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_command_prints_the_projects_schema(project: ProjectDir) -> None:
    project.write(
        "crmgen.toml",
        '[[stages]]\nname = "open"\nprobability = 50\n'
        'open = true\n[[stages]]\nname = "done"\n'
        "probability = 100\nopen = false\n"
        '[fields]\nregion = "text"\n',
    )
    result = project.run("schema")
    assert result.status == 0, result
    schema: dict[str, Any] = json.loads(result.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["stage"]["enum"] == ["open", "done"], result
    assert schema["properties"]["region"]["type"] == ["string", "null"]


def test_every_clean_sample_client_validates() -> None:
    from conftest import REPO

    from crmgen.loader import load_project

    sample = load_project(REPO)
    validator = jsonschema.Draft202012Validator(
        front_matter_schema(sample.config),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    for client in sample.clients:
        text = (REPO / client.path).read_text()
        errors = [e.message for e in validator.iter_errors(yaml12.front_matter(text))]
        parse_problems = parse_client(client.path, text.encode(), sample.config)[1]
        assert bool(errors) == bool(parse_problems), (
            client.path,
            errors,
            parse_problems,
        )
