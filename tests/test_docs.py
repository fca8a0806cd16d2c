"""The docs keep up with the code: every command, option and config key is named."""

from __future__ import annotations

import argparse

from conftest import REPO

from crmgen.cli import build_parser

DOCS = "\n".join(
    path.read_text(encoding="utf-8")
    for path in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
)


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


def test_every_command_and_option_is_documented() -> None:
    missing = []
    for name, parser in _commands().items():
        if f"crmgen {name}" not in DOCS:
            missing.append(f"crmgen {name}")
        for action in parser._actions:
            options = [o for o in action.option_strings if o not in ("-h", "--help")]
            if options and not any(
                f"{option} " in DOCS or f"{option}]" in DOCS or f"{option}`" in DOCS
                for option in options
            ):
                missing.append(f"crmgen {name} {options[-1]}")
    assert missing == []


def test_every_config_key_is_documented() -> None:
    keys = [
        "today",
        "currency",
        "stale_days",
        "lost_reasons",
        "[site]",
        "title",
        "output",
        "[[stages]]",
        "name",
        "probability",
        "open",
        "[log]",
        "contact_kinds",
        "other_kinds",
        "[fields]",
    ]
    format_doc = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    assert [key for key in keys if key not in format_doc] == []
