"""Parsing one client file: values, line numbers, and every trap of the format."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from crmgen.config import Config
from crmgen.model import Client, Problem
from crmgen.parse import parse_client

CONFIG = Config()


def parse(
    text: str | bytes, path: str = "clients/acme.md", config: Config = CONFIG
) -> tuple[Client | None, list[Problem]]:
    if isinstance(text, str):
        text = textwrap.dedent(text).lstrip("\n").encode("utf-8")
    return parse_client(path, text, config)


def where(problems: list[Problem]) -> list[tuple[int, str, str]]:
    """(line, severity, code) of each problem, the compact form most tests assert."""
    return [(p.line, p.severity, p.code) for p in problems]


GOOD = """
    ---
    name: Acme Ltd
    phone: "+44 20 7946 0321"
    owner: anna
    tags: [retail, uk]
    first_contact: 2026-01-05
    next_follow_up: 2026-02-01
    stage: proposal
    value: 12500.5
    expected_close: 2026-03-31
    ---
    Acme makes anvils.

    ## Log

    ### 2026-01-20 14:30 call: pricing
    Asked for **volume** pricing.

    ### 2026-01-10 email
    Sent the brochure.
    """


def test_a_good_file_reads_every_value() -> None:
    client, problems = parse(GOOD)
    assert problems == []
    assert client is not None
    assert (client.id, client.name, client.owner) == ("acme", "Acme Ltd", "anna")
    assert client.tags == ("retail", "uk")
    assert client.first_contact == dt.date(2026, 1, 5)
    assert client.next_follow_up == dt.date(2026, 2, 1)
    deal = client.deals[0]
    assert (deal.title, deal.stage, deal.probability, deal.probability_written) == (
        "Acme Ltd",
        "proposal",
        60,
        False,
    )
    assert deal.value == 12500.5
    assert deal.weighted_value == 7500.3
    assert deal.expected_close == dt.date(2026, 3, 31)
    assert client.notes == "Acme makes anvils."
    assert client.log_line == 14
    assert [(e.date, e.time, e.kind, e.summary, e.line) for e in client.log] == [
        (dt.date(2026, 1, 20), "14:30", "call", "pricing", 16),
        (dt.date(2026, 1, 10), None, "email", "", 19),
    ]
    assert client.log[0].body == "Asked for **volume** pricing."
    assert client.newest_first is True
    assert client.key_lines["stage"] == 8


def test_front_matter_keeps_values_as_written() -> None:
    client, _ = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        call_window: 10:30
        answer: no
        count: 7
        ---
        """)
    assert client is not None
    assert client.front_matter["call_window"] == "10:30"
    assert client.front_matter["answer"] == "no"
    assert client.front_matter["count"] == 7
    assert client.front_matter["first_contact"] == "2026-01-05"


def test_bom_and_crlf_are_accepted_with_the_same_lines() -> None:
    text = textwrap.dedent(GOOD).lstrip("\n").replace("\n", "\r\n")
    client, problems = parse(b"\xef\xbb\xbf" + text.encode())
    assert problems == []
    assert client is not None
    assert client.log[0].line == 16
    assert client.log[0].body == "Asked for **volume** pricing."
    assert client.key_lines["stage"] == 8


@pytest.mark.parametrize(
    ("text", "line", "code", "message"),
    [
        (b"", 1, "empty-file", "the file is empty"),
        (b"  \n\n", 1, "empty-file", "the file is empty"),
        (b"Just notes\n", 1, "no-front-matter", "must start with a `---` line"),
        (b"---\nname: x\n", 1, "unclosed-front-matter", "never closed"),
        (b"---\n---\n", 1, "empty-front-matter", "front matter is empty"),
        (b"---\n- a\n- b\n---\n", 2, "front-matter-not-mapping", "found a list"),
        (b"---\njust text\n---\n", 2, "front-matter-not-mapping", "found the text"),
        (
            b"---\nname: Acme\nfirst_contact: 2026-01-05\n  stage: [\n---\n",
            4,
            "yaml-syntax",
            "not valid YAML",
        ),
        (b"---\nname: Acme\n\xff\n---\n", 3, "not-utf8", "0xff is not valid UTF-8"),
    ],
)
def test_files_that_cannot_be_read_cost_the_file(
    text: bytes, line: int, code: str, message: str
) -> None:
    client, problems = parse(text)
    assert client is None
    assert [(p.line, p.code) for p in problems] == [(line, code)], problems
    assert message in problems[0].message


def test_yaml_syntax_error_points_at_the_real_line() -> None:
    _, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        notes: "unterminated
        ---
        """)
    assert where(problems) == [(5, "error", "yaml-syntax")]


def test_bad_file_name_suggests_the_id() -> None:
    _, problems = parse(GOOD, path="clients/Acme Corp.md")
    assert problems == [
        Problem(
            "clients/Acme Corp.md",
            1,
            "error",
            "bad-file-name",
            "file name `Acme Corp.md` is not a client id (lowercase letters, "
            "digits and single hyphens); rename it to `acme-corp.md`",
        )
    ]


def test_duplicate_key_is_an_error_on_the_second_line() -> None:
    _, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        owner: anna
        stage: won
        ---
        """)
    assert problems == [
        Problem(
            "clients/acme.md",
            6,
            "error",
            "duplicate-key",
            "`stage` is given twice (first on line 4); keep one",
        )
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "phone: 0123",
            "`phone` must be text, found `0123`, which YAML reads as the "
            'number 83; put it in quotes: phone: "0123"',
        ),
        (
            "company: no",
            "`company` must be text, found `no`, which YAML reads as the "
            'boolean False; put it in quotes: company: "no"',
        ),
        (
            "contact: 12:30",
            "`contact` must be text, found `12:30`, which YAML reads as "
            'the number 750; put it in quotes: contact: "12:30"',
        ),
        (
            "phone: 442079460321",
            "`phone` must be text, found `442079460321`, which YAML "
            "reads as the number 442079460321; put it in quotes: "
            'phone: "442079460321"',
        ),
    ],
)
def test_yaml_coercions_where_text_is_expected(line: str, message: str) -> None:
    client, problems = parse(
        f"---\nname: Acme\nfirst_contact: 2026-01-05\nstage: lead\n{line}\n---\n"
    )
    assert problems == [Problem("clients/acme.md", 5, "error", "text-coerced", message)]
    assert client is not None
    key = line.split(":")[0]
    assert client.front_matter[key] == line.split(": ", 1)[1]


@pytest.mark.parametrize(
    ("line", "code", "fragment"),
    [
        (
            "first_contact: 2026-02-30",
            "impossible-date",
            "2026-02-30, which is not a real",
        ),
        ("first_contact: 05/01/2026", "bad-date", "found '05/01/2026'"),
        ("first_contact: 2026-01-05 10:00", "bad-date", "YYYY-MM-DD"),
        ("probability: 150", "bad-probability", "from 0 to 100, found 150"),
        ("probability: 60%", "bad-probability", "(without the % sign)"),
        ("probability: 62.5", "bad-probability", "whole number"),
        ('probability: "60"', "bad-probability", "whole number"),
        ("value: -5", "negative-value", "0 or more, found -5"),
        ("value: 1,000", "bad-number", "plain number"),
        ("value: 0123", "bad-number", "plain number"),
        ("currency: eur", "bad-currency", "found 'eur'"),
        ("tags: vip, retail", "bad-list", "tags: [vip, retail]"),
        ("stage: proposl", "unknown-stage", "did you mean `proposal`?"),
    ],
)
def test_bad_values_are_reported_on_their_line(
    line: str, code: str, fragment: str
) -> None:
    key = line.split(":")[0]
    base = {
        "name": "name: Acme",
        "first_contact": "first_contact: 2026-01-05",
        "stage": "stage: lead",
    }
    base[key] = line
    text = "---\n" + "\n".join(base.values()) + "\n---\n"
    _, problems = parse(text)
    number = list(base).index(key) + 2
    assert [(p.line, p.code) for p in problems if p.code == code] == [(number, code)], (
        problems
    )
    assert fragment in next(p.message for p in problems if p.code == code)


def test_missing_required_keys() -> None:
    client, problems = parse("---\nowner: anna\n---\n")
    assert client is None
    assert [p.message for p in problems] == [
        "`name` is required; add `name: ...` to the front matter",
        "`first_contact` is required; add `first_contact: ...` to the front matter",
        "`stage` is required (or a `deals` list); add `stage: lead`",
    ]


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("---\nname:\nfirst_contact: 2026-01-05\nstage: lead\n---\n", 2, "name"),
        ("---\nname: A\nfirst_contact:\nstage: lead\n---\n", 3, "first_contact"),
        ("---\nname: A\nfirst_contact: 2026-01-05\nstage:\n---\n", 4, "stage"),
        (
            "---\nname: A\nfirst_contact: 2026-01-05\ndeals:\n  - title: X\n"
            "    stage:\n---\n",
            6,
            "stage",
        ),
    ],
)
def test_empty_required_keys_are_errors(text: str, line: int, key: str) -> None:
    _, problems = parse(text)
    assert (line, "error", "empty-key") in where(problems), problems
    assert f"`{key}` is required but empty; give it a value" in [
        p.message for p in problems
    ]


def test_unknown_key_suggests_the_closest_known_one() -> None:
    _, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        nxt_follow_up: 2026-02-01
        ---
        """)
    assert problems == [
        Problem(
            "clients/acme.md",
            5,
            "warning",
            "unknown-key",
            "unknown key `nxt_follow_up`; did you mean `next_follow_up`?",
        )
    ]


def test_custom_fields_are_typed_by_the_configuration() -> None:
    config = Config(custom_fields={"employees": "integer", "window": "text"})
    client, problems = parse(
        """
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        employees: lots
        window: 10:30
        ---
        """,
        config=config,
    )
    assert where(problems) == [
        (5, "error", "bad-integer"),
        (6, "error", "text-coerced"),
    ]
    assert client is not None
    assert client.front_matter["window"] == "10:30"


def test_fenced_code_hides_rules_and_headings() -> None:
    client, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        ---
        Notes with a rule:

        ---

        ```
        ## Log
        ### 2026-01-01 call: not an entry
        ```

        ## Log

        ### 2026-01-10 email: real
        ~~~~
        ### 2026-01-09 call: inside a fence
        ---
        ~~~~
        #### a sub-heading stays in the entry

        ### 2026-01-08 note
        """)
    assert problems == []
    assert client is not None
    assert [(e.summary, e.line) for e in client.log] == [("real", 17), ("", 24)]
    assert "### 2026-01-09 call: inside a fence" in client.log[0].body
    assert "#### a sub-heading stays in the entry" in client.log[0].body
    assert "## Log" in client.notes


@pytest.mark.parametrize(
    ("heading", "code", "fragment"),
    [
        ("### 2026-13-01 call", "impossible-date", "2026-13-01 is not a real date"),
        ("### 2026-01-07 25:00 call", "bad-time", "found 25:00"),
        ("### yesterday call", "bad-entry-heading", "found `yesterday`"),
        (
            "### 2026-01-07 call - left a voicemail",
            "bad-entry-heading",
            "`### YYYY-MM-DD [HH:MM] kind[: summary]`",
        ),
    ],
)
def test_bad_log_headings_are_errors_on_the_heading_line(
    heading: str, code: str, fragment: str
) -> None:
    text = (
        "---\nname: Acme\nfirst_contact: 2026-01-05\nstage: lead\n---\n\n"
        f"## Log\n\n### 2026-01-08 call\nok\n\n{heading}\nbody\n"
    )
    client, problems = parse(text)
    assert [(p.line, p.code) for p in problems] == [(12, code)]
    assert fragment in problems[0].message
    assert client is not None
    assert len(client.log) == 1


def test_stage_entries_parse_the_move() -> None:
    client, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: proposal
        ---
        ## Log

        ### 2026-02-01 stage: qualified -> proposal, 40% -> 70%
        ### 2026-01-20 stage: lead -> qualified
        ### 2026-01-19 stage: lead to qualified
        """)
    assert client is not None
    changes = [e.change for e in client.log]
    assert changes[0] is not None
    assert (
        changes[0].before,
        changes[0].after,
        changes[0].probability_before,
        changes[0].probability_after,
    ) == ("qualified", "proposal", 40, 70)
    assert changes[1] is not None
    assert (changes[1].before, changes[1].after, changes[1].probability_after) == (
        "lead",
        "qualified",
        None,
    )
    assert changes[2] is None
    assert where(problems) == [(10, "warning", "bad-stage-entry")]


def test_several_deals() -> None:
    client, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        currency: GBP
        deals:
          - title: Anvils
            stage: won
            value: 1000
            closed_on: 2026-02-01
          - title: Rockets
            stage: negotiation
            probability: 70
            value: 5000
        ---
        ## Log

        ### 2026-02-01 stage: Anvils: negotiation -> won
        """)
    assert problems == []
    assert client is not None
    assert [
        (d.title, d.stage, d.probability, d.currency, d.line) for d in client.deals
    ] == [("Anvils", "won", 100, "GBP", 6), ("Rockets", "negotiation", 70, "GBP", 10)]
    change = client.log[0].change
    assert change is not None
    assert (change.deal, change.before, change.after) == (
        "Anvils",
        "negotiation",
        "won",
    )


def test_deal_keys_beside_deals_are_errors() -> None:
    _, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        value: 10
        deals:
          - title: Anvils
            stage: lead
          - title: Anvils
            stage: lead
          - stage: lead
          - just text
        ---
        """)
    assert where(problems) == [
        (4, "error", "deal-key-with-deals"),
        (8, "error", "duplicate-deal"),
        (10, "error", "missing-key"),
        (11, "error", "bad-deals"),
    ]


def test_mixed_log_order_is_a_warning() -> None:
    client, problems = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        ---
        ## Log
        ### 2026-01-10 call
        ### 2026-01-08 call
        ### 2026-01-12 call
        """)
    assert where(problems) == [(8, "warning", "log-order")]
    assert client is not None
    assert client.newest_first is False


FRONT = """\
---
name: Blackrock Bistro
contact: Ann Byrne
phone: "+353 1 555 0148"
owner: anna
first_contact: 2026-01-05
tags: [hospitality, dublin]
extra: {seats: 40}
stage: lead
value: 1200
---

Notes.
"""


@pytest.mark.parametrize(
    ("good", "bad", "says"),
    [
        ("owner: anna", "owner anna", "this line has no `:` after its key"),
        (
            'phone: "+353 1 555 0148"',
            'phone: "+353 1 555 0148',
            "the quote opened on this line is never closed",
        ),
        (
            "tags: [hospitality, dublin]",
            "tags: [hospitality, dublin",
            "the `[` list opened on this line is never closed with `]`",
        ),
        (
            "extra: {seats: 40}",
            "extra: {seats: 40",
            "the `{` opened on this line is never closed with `}`",
        ),
    ],
)
def test_a_yaml_error_noticed_lines_later_is_reported_where_it_begins(
    good: str, bad: str, says: str
) -> None:
    assert good in FRONT
    text = FRONT.replace(good, bad)
    client, problems = parse_client("clients/x.md", text.encode(), Config())
    line = text.splitlines().index(bad) + 1
    assert client is None
    assert [(p.line, p.code) for p in problems] == [(line, "yaml-syntax")]
    assert says in problems[0].message


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        # The quote left open closes at the next one, on a later line.
        ({'phone: "+353 1 555 0148"': 'phone: "+353 1 555 0148'}, 4),
        ({"name: Blackrock Bistro": 'name: "Blackrock Bistro'}, 2),
        (
            {
                'phone: "+353 1 555 0148"': "phone: '+353 1 555 0148",
                "owner: anna": "owner: anna's team, 'north'",
            },
            4,
        ),
    ],
)
def test_a_quote_left_open_is_reported_where_it_opens(
    changes: dict[str, str], line: int
) -> None:
    text = FRONT.replace("contact: Ann Byrne", 'contact: "Ann Byrne"')
    for good, bad in changes.items():
        text = text.replace(good, bad)
    client, problems = parse_client("clients/x.md", text.encode(), Config())
    assert client is None
    assert [(p.line, p.code) for p in problems] == [(line, "yaml-syntax")], problems
    assert "the quote opened on this line is never closed" in problems[0].message


def test_quotes_closed_on_their_line_are_not_blamed() -> None:
    text = FRONT.replace("owner: anna", 'owner: "anna \\"the\\" boss"')
    text = text.replace("contact: Ann Byrne", "contact: 'Ann O''Byrne'")
    text = text.replace("stage: lead", "stage: lead: oops")
    _, problems = parse_client("clients/x.md", text.encode(), Config())
    assert [(p.line, p.code) for p in problems] == [(9, "yaml-syntax")], problems
    assert "never closed" not in problems[0].message


def test_oldest_first_log() -> None:
    client, _ = parse("""
        ---
        name: Acme
        first_contact: 2026-01-05
        stage: lead
        ---
        ## Log
        ### 2026-01-08 call
        ### 2026-01-10 call
        """)
    assert client is not None
    assert client.newest_first is False


def test_a_tab_in_the_indentation_is_named() -> None:
    _, problems = parse(b"---\nname: A\ntags:\n\t- a\n---\n")
    assert where(problems) == [(4, "error", "yaml-syntax")]
    assert "indented with a tab; YAML indents with spaces only" in problems[0].message


def test_an_unknown_kind_suggests_the_closest() -> None:
    from crmgen.checks import check_client

    client, _ = parse(
        "---\nname: A\nfirst_contact: 2026-01-05\nstage: lead\n---\n## Log\n"
        "### 2026-01-06 phonecall\n"
    )
    assert client is not None
    [problem] = check_client(client, CONFIG, dt.date(2026, 2, 1))
    assert "unknown log kind `phonecall`; did you mean `call`?" in problem.message
