"""Property test: hand-written files in many styles survive random edits.

Files are generated with comments, odd quoting, blank lines, trailing spaces,
CRLF, a byte-order mark, no final newline and both log orders; a random `set`
or `log` is applied, and the file must read as intended with only the intended
lines changed, or be refused and left byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from conftest import run_cli
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from linediff import line_diff

from crmgen.config import Config
from crmgen.model import Client
from crmgen.parse import parse_client

KEY_LINES = {
    "phone": ['phone: "0123 4"', "phone: '+1 555'  # desk", "phone:"],
    "owner": ["owner: mei", "owner:   'bob'   ", 'owner: "o\'neil" # lead rep'],
    "last_contact": ["last_contact: 2026-01-05", "last_contact: 2026-01-05  # fair"],
    "next_follow_up": ["next_follow_up: 2026-02-01", "next_follow_up:   # ask"],
    "tags": ["tags: [a, 'b c']", "tags:\n  - x\n  # c\n  - 'no'", "tags: []"],
    "value": ["value: 100", "value: 2500.5  # estimate"],
}
NAMES = ["name: Acme", 'name: "Acme: Corp"', "name: 'O''Brien & Co'", "name: Ünal"]
STAGES = ["stage: lead", "stage: 'qualified'  # after demo", 'stage: "proposal"']
NOISE = ["# a comment", "", "   "]
BODIES = [
    "",
    "Said hi.  ",
    "Line one\n\nLine two",
    "```\n### not a heading\n```",
    "- item\n- item two",
]


@st.composite
def client_files(draw: st.DrawFn) -> bytes:
    """A client file in a random hand-written style."""
    keys = [
        draw(st.sampled_from(NAMES)),
        draw(st.sampled_from(STAGES)),
        "first_contact: 2026-01-02",
    ]
    for options in KEY_LINES.values():
        if draw(st.booleans()):
            keys.append(draw(st.sampled_from(options)))
    keys += draw(st.lists(st.sampled_from(NOISE), max_size=2))
    keys = draw(st.permutations(keys))
    lines = ["---", *"\n".join(keys).split("\n"), "---"]
    lines += draw(st.sampled_from([[], [""], ["", "Notes about them.", ""]]))
    if draw(st.booleans()):
        lines += ["## Log", *draw(st.sampled_from([[], [""]]))]
        lines += _entries(draw)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    return ("\ufeff" * draw(st.booleans()) + text).encode("utf-8")


def _entries(draw: st.DrawFn) -> list[str]:
    days = sorted(draw(st.lists(st.integers(1, 28), max_size=4, unique=True)))
    if draw(st.booleans()):
        days.reverse()
    gap = draw(st.sampled_from([[], [""], ["", ""]]))
    lines: list[str] = []
    for day in days:
        kind = draw(st.sampled_from(["call", "email", "note", "meeting"]))
        lines += [
            f"### 2026-01-{day:02d} {kind}: talk {day}",
            *draw(st.sampled_from(BODIES)).split("\n"),
            *gap,
        ]
    return lines


EDITS = st.one_of(
    st.tuples(
        st.just("set"),
        st.sampled_from(
            [
                "phone=0456",
                "owner=yes",
                "owner=a: b",
                "tags=x, no",
                "value=99",
                "next_follow_up=2026-03-01",
                "stage=negotiation",
                "phone=",
                "contact=Ann",
            ]
        ),
    ),
    st.tuples(
        st.just("log"),
        st.sampled_from(["call", "note", "email"]),
        st.sampled_from(["", "pricing", "it's 10:30"]),
        st.sampled_from(["2026-01-15", "2026-02-20", "2025-12-31"]),
        st.sampled_from(BODIES),
    ),
)


def parse(data: bytes) -> Client:
    client, _ = parse_client("clients/acme.md", data, Config())
    assert client is not None
    return client


def entries(client: Client) -> Counter[tuple[Any, ...]]:
    return Counter((e.date, e.time, e.kind, e.summary, e.body) for e in client.log)


def key_of(line: bytes) -> str:
    return line.decode().strip().split(":")[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client_files(), EDITS)
def test_random_edits_change_only_what_they_mean(
    data: bytes, edit: tuple[str, ...]
) -> None:
    before = parse(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clients" / "acme.md"
        path.parent.mkdir()
        path.write_bytes(data)
        if edit[0] == "set":
            args = ["set", "acme", edit[1]]
        else:
            args = [
                "log",
                "acme",
                edit[1],
                edit[2],
                "--date",
                edit[3],
                "--body",
                edit[4],
            ]
        result = run_cli("-C", folder, *args, "--today", "2026-03-01")
        after_data = path.read_bytes()
        assert sorted(p.name for p in path.parent.iterdir()) == ["acme.md"]
    event(f"{edit[0]} {'written' if result.status == 0 else 'refused'}")
    if result.status != 0:
        assert after_data == data, result
        return
    assert after_data.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert after_data.endswith(b"\n") == data.endswith(b"\n")
    after = parse(after_data)
    removed, added = _without_last_line_ending(data, *line_diff(data, after_data))
    crlf = b"\r\n" in data
    assert all(
        line.endswith(b"\r\n") == crlf for line in added if line.endswith(b"\n")
    ), added
    if edit[0] == "set":
        _check_set(before, after, edit[1], removed, added)
    else:
        _check_log(before, after, edit, removed, added)


def _without_last_line_ending(
    data: bytes, removed: list[bytes], added: list[bytes]
) -> tuple[list[bytes], list[bytes]]:
    """Lines after a last line without a newline give it one: not a change."""
    last = data.splitlines(keepends=True)[-1]
    if last in removed and not last.endswith(b"\n"):
        grown = [line for line in added if line.rstrip(b"\r\n") == last]
        if grown:
            removed = [line for line in removed if line != last]
            added = list(added)
            added.remove(grown[0])
    return removed, added


def _check_set(
    before: Client,
    after: Client,
    assignment: str,
    removed: list[bytes],
    added: list[bytes],
) -> None:
    key, _, value = assignment.partition("=")
    expected = dict(before.front_matter)
    changed = {key}
    if key == "stage" and before.deals[0].stage != value:
        changed.add("closed_on")
    if value == "":
        expected.pop(key, None)
    elif key == "tags":
        expected[key] = [item.strip() for item in value.split(",")]
    elif key == "value":
        expected[key] = int(value)
    else:
        expected[key] = value
    assert dict(after.front_matter) == expected
    assert after.notes == before.notes
    stage_entries = [line for line in added if line.startswith(b"### ")]
    assert Counter(entries(after)) - entries(before) == Counter(
        (
            dt.date(2026, 3, 1),
            None,
            "stage",
            e.decode().split("stage: ", 1)[1].strip(),
            "",
        )
        for e in stage_entries
    )
    key_lines = [
        line
        for line in removed + added
        if line.strip() and not line.startswith(b"### ")
    ]
    allowed = {key, *changed}
    assert all(
        key_of(line) in allowed or line.lstrip().startswith((b"- ", b"#"))
        for line in key_lines
    ), (removed, added)
    if key != "tags":
        assert all(key_of(line) in allowed for line in removed), removed


def _check_log(
    before: Client,
    after: Client,
    edit: tuple[str, ...],
    removed: list[bytes],
    added: list[bytes],
) -> None:
    _, kind, summary, date, body = edit
    new = dt.date.fromisoformat(date)
    expected = dict(before.front_matter)
    last = before.last_contact_key
    if kind != "note" and last is not None and last < new:
        expected["last_contact"] = date
    assert dict(after.front_matter) == expected
    body_text = "\n".join(line.rstrip() for line in body.split("\n")).strip("\n")
    assert entries(after) == entries(before) + Counter(
        [(new, None, kind, summary, body_text)]
    )
    assert all(key_of(line) == "last_contact" for line in removed), removed
