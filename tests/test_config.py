"""crmgen.toml: defaults, every key, and bad values reported with their line."""

from __future__ import annotations

import datetime as dt

from conftest import ProjectDir

from crmgen.config import DEFAULT_STAGES, load_config
from crmgen.model import Problem


def test_no_file_means_defaults(project: ProjectDir) -> None:
    config, problems = load_config(project.root)
    assert problems == []
    assert config.stages == DEFAULT_STAGES
    assert (config.currency, config.stale_days, config.output) == ("EUR", 14, "site")


def test_every_key(project: ProjectDir) -> None:
    project.write(
        "crmgen.toml",
        """
        today = 2026-12-01
        currency = "GBP"
        stale_days = 21
        lost_reasons = ["price", "timing"]

        [site]
        title = "Acme pipeline"
        output = "public"

        [[stages]]
        name = "new"
        probability = 10
        stale_days = 3
        [[stages]]
        name = "done"
        probability = 100
        open = false

        [log]
        contact_kinds = ["call", "visit"]
        other_kinds = ["note", "todo"]

        [fields]
        industry = "text"
        """,
    )
    config, problems = load_config(project.root)
    assert problems == []
    assert config.today == dt.date(2026, 12, 1)
    assert config.stage_names == ("new", "done")
    assert config.stale_days_for("new") == 3
    assert config.stale_days_for("done") == 21
    assert config.kinds == ("call", "visit", "note", "todo", "stage")
    assert (config.title, config.output, config.currency) == (
        "Acme pipeline",
        "public",
        "GBP",
    )
    assert config.custom_fields == {"industry": "text"}
    assert config.lost_reasons == ("price", "timing")


def test_bad_values_have_lines(project: ProjectDir) -> None:
    project.write(
        "crmgen.toml",
        """
        currency = "euro"
        stale_dayz = 3

        [[stages]]
        name = "lead"
        probability = 25
        [[stages]]
        name = "won"
        probability = 150
        open = false

        [fields]
        industry = "texts"
        """,
    )
    config, problems = load_config(project.root)
    assert [(p.line, p.severity, p.message) for p in problems] == [
        (
            1,
            "error",
            '`currency` must be a three-letter ISO 4217 code like "EUR", '
            "found 'euro'",
        ),
        (2, "warning", "unknown key `stale_dayz`; did you mean `stale_days`?"),
        (9, "error", "`probability` must be a whole number from 0 to 100, found 150"),
        (
            13,
            "error",
            "custom field `industry` must have a type among text, integer, "
            "number, date, list, boolean, found 'texts'",
        ),
    ]
    assert config.currency == "EUR"


def test_toml_syntax_error_has_its_line(project: ProjectDir) -> None:
    project.write("crmgen.toml", 'currency = "EUR"\nstale_days = = 3\n')
    _, problems = load_config(project.root)
    assert [(p.path, p.line, p.code) for p in problems] == [
        ("crmgen.toml", 2, "config-syntax")
    ]


def test_toml_cut_off_at_the_end_points_at_the_last_line(
    project: ProjectDir,
) -> None:
    project.write("crmgen.toml", 'currency = "EUR"\n\nstale_days = 3\nx = [\n')
    _, problems = load_config(project.root)
    assert [(p.line, p.code) for p in problems] == [(4, "config-syntax")]


def test_config_problems_fail_check(project: ProjectDir) -> None:
    project.write("crmgen.toml", "stale_days = 0\n")
    result = project.run("check")
    assert result.status == 1, result
    assert (
        "crmgen.toml:1: error: `stale_days` must be a whole number from 1 to 3650, "
        "found 0" in result.out
    )


def test_output_may_not_escape_the_project(project: ProjectDir) -> None:
    project.write("crmgen.toml", '[site]\noutput = "../elsewhere"\n')
    config, problems = load_config(project.root)
    assert config.output == "site"
    assert problems[0] == Problem(
        "crmgen.toml",
        2,
        "error",
        "config",
        "`output` must be a folder inside the project other than clients/, like "
        "\"site\", found '../elsewhere'",
    )


def test_an_unreadable_config_does_not_bury_its_error_in_unknown_keys(
    project: ProjectDir,
) -> None:
    project.write("crmgen.toml", '[fields]\nindustry = "text"\nx = [\n')
    project.client(
        "acme",
        """\
        ---
        name: Acme
        stage: lead
        industry: retail
        first_contact: 2026-03-01
        ---
        """,
    )
    result = project.run("check", "--today", "2027-01-15")
    assert result.status == 1
    assert "crmgen.toml:3: error: crmgen.toml is not valid TOML" in result.out
    assert "unknown key" not in result.out
