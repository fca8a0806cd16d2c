"""The front-matter keys of format version 1: one table the loader, the checks
and the JSON Schema all read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal[
    "text",
    "date",
    "integer",
    "number",
    "list",
    "boolean",
    "stage",
    "currency",
    "probability",
    "deals",
]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A key's name, its type, whether it is required, and what it means."""

    name: str
    type: FieldType
    description: str
    required: bool = False


CLIENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "text", "What the board shows for the client.", required=True),
    FieldSpec("company", "text", "The company's legal or trading name."),
    FieldSpec("contact", "text", "The person you talk to."),
    FieldSpec("title", "text", "The contact's job title."),
    FieldSpec("email", "text", "The contact's email address."),
    FieldSpec("phone", "text", "The contact's phone number, as text (quote it)."),
    FieldSpec("website", "text", "The client's website."),
    FieldSpec("address", "text", "The client's postal address."),
    FieldSpec("owner", "text", "The salesperson responsible."),
    FieldSpec("source", "text", "Where the lead came from."),
    FieldSpec("tags", "list", "Free labels for filtering."),
    FieldSpec(
        "first_contact", "date", "When the lead was first captured.", required=True
    ),
    FieldSpec("last_contact", "date", "The last contact, if newer than the log."),
    FieldSpec("next_follow_up", "date", "The next planned touch."),
    FieldSpec("deals", "deals", "Several opportunities instead of the deal keys."),
)

# The deal keys: top-level for a one-deal client, or inside each item of `deals`.
DEAL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("stage", "stage", "The deal's stage in the pipeline.", required=True),
    FieldSpec(
        "probability",
        "probability",
        "Percent chance to close; the stage's default when absent.",
    ),
    FieldSpec("value", "number", "Expected deal value."),
    FieldSpec("currency", "currency", "ISO 4217 code; the project's when absent."),
    FieldSpec("expected_close", "date", "When the deal should close."),
    FieldSpec("closed_on", "date", "When it was won or lost."),
    FieldSpec("lost_reason", "text", "Why the client declined; required when lost."),
)

# Only inside an item of `deals`.
DEAL_ITEM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "text", "The deal's title.", required=True),
    *DEAL_FIELDS,
    FieldSpec("opened", "date", "When the opportunity was opened."),
)

# A one-deal client may carry `currency` without other deal keys.
TOP_LEVEL_DEAL_KEYS = tuple(
    spec.name for spec in DEAL_FIELDS if spec.name != "currency"
)

# The client's own keys in table order, `deals` aside: what exports write and
# imports fill.
CLIENT_KEYS = tuple(spec.name for spec in CLIENT_FIELDS if spec.name != "deals")
# Those of them that hold text.
CLIENT_TEXT_KEYS = tuple(s.name for s in CLIENT_FIELDS if s.type == "text")
# The order crmgen writes a deal's keys in (imports and merges).
DEAL_WRITE_ORDER = (
    "title",
    "stage",
    "probability",
    "value",
    "currency",
    "opened",
    "expected_close",
    "closed_on",
    "lost_reason",
)
# An item of `deals`, keys in table order.
DEAL_ITEM_KEYS = tuple(spec.name for spec in DEAL_ITEM_FIELDS)

CLIENT_SPECS = {spec.name: spec for spec in (*CLIENT_FIELDS, *DEAL_FIELDS)}
DEAL_ITEM_SPECS = {spec.name: spec for spec in DEAL_ITEM_FIELDS}
