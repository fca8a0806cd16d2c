"""`crmgen set`: values written YAML-safely, stage moves logged, errors refused."""

from __future__ import annotations

from conftest import ProjectDir
from linediff import line_diff

from crmgen.config import load_config
from crmgen.parse import parse_client

ONE_DEAL = """
    ---
    name: Acme Corp
    phone: '0123 456'
    stage: lead  # moved after demo
    value: 1000
    first_contact: 2026-01-02
    ---

    ## Log

    ### 2026-02-01 call: pricing
    """

DEALS = """
    ---
    name: Acme Corp
    first_contact: 2026-01-02
    deals:
      - title: Pilot
        stage: proposal
        probability: 70
      - title: Rollout
        stage: lead
    ---

    ## Log
    """


def front_matter(project: ProjectDir, client_id: str) -> dict[str, object]:
    path = f"clients/{client_id}.md"
    client, _ = parse_client(
        path, (project.root / path).read_bytes(), load_config(project.root)[0]
    )
    assert client is not None
    return dict(client.front_matter)


def test_a_stage_change_logs_the_move_and_probabilities(project: ProjectDir) -> None:
    path = project.client("acme", ONE_DEAL)
    before = path.read_bytes()
    result = project.run("set", "acme", "stage=proposal", "--today", "2026-02-10")
    assert result.status == 0, result
    removed, added = line_diff(before, path.read_bytes())
    assert removed == [b"stage: lead  # moved after demo\n"]
    assert added == [
        b"stage: proposal  # moved after demo\n",
        b"### 2026-02-10 stage: lead -> proposal, 25% -> 60%\n",
        b"\n",
    ]


def test_a_written_probability_is_kept_by_a_stage_change(project: ProjectDir) -> None:
    path = project.client("acme", DEALS)
    result = project.run(
        "set", "acme", "stage=negotiation", "--deal", "Pilot", "--today", "2026-02-10"
    )
    assert result.status == 0, result
    text = path.read_text()
    assert "    stage: negotiation\n    probability: 70\n" in text
    assert "### 2026-02-10 stage: Pilot: proposal -> negotiation, 70% -> 70%" in text


def test_winning_a_deal_sets_its_written_probability_to_100(
    project: ProjectDir,
) -> None:
    path = project.client("acme", DEALS)
    result = project.run(
        "set", "acme", "stage=won", "--deal", "Pilot", "--today", "2026-02-10"
    )
    assert result.status == 0, result
    assert "warning" not in result.out + result.err
    text = path.read_text()
    assert "    stage: won\n    probability: 100\n" in text
    assert "### 2026-02-10 stage: Pilot: proposal -> won, 70% -> 100%" in text
    # The other deal, and a probability the command gives, are left as given.
    assert "  - title: Rollout\n    stage: lead\n" in text
    project.client("beta", DEALS.replace("Acme Corp", "Beta"))
    given = project.run(
        "set",
        "beta",
        "stage=won",
        "probability=95",
        "--deal",
        "Pilot",
        "--today",
        "2026-02-10",
    )
    assert given.status == 0, given
    assert (
        "proposal -> won, 70% -> 95%" in (project.root / "clients/beta.md").read_text()
    )


def test_text_values_are_quoted_when_yaml_would_change_them(
    project: ProjectDir,
) -> None:
    path = project.client("acme", ONE_DEAL)
    result = project.run("set", "acme", "phone=0456", "contact=no", "website=a: b")
    assert result.status == 0, result
    fm = front_matter(project, "acme")
    assert (fm["phone"], fm["contact"], fm["website"]) == ("0456", "no", "a: b")
    assert "phone: '0456'\n" in path.read_text()  # single quotes, as it was


def test_lost_needs_a_reason_and_sets_closed_on(project: ProjectDir) -> None:
    path = project.client("acme", ONE_DEAL)
    before = path.read_bytes()
    refused = project.run("set", "acme", "stage=lost", "--today", "2026-02-10")
    assert refused.status == 1, refused
    assert "lost_reason" in refused.err
    assert path.read_bytes() == before
    done = project.run(
        "set", "acme", "stage=lost", "lost_reason=price", "--today", "2026-02-10"
    )
    assert done.status == 0, done
    fm = front_matter(project, "acme")
    assert (fm["stage"], fm["lost_reason"], fm["closed_on"]) == (
        "lost",
        "price",
        "2026-02-10",
    )
    assert "### 2026-02-10 stage: lead -> lost, 25% -> 0%" in path.read_text()


def test_a_value_the_checker_rejects_is_refused(project: ProjectDir) -> None:
    path = project.client("acme", ONE_DEAL)
    before = path.read_bytes()
    result = project.run("set", "acme", "probability=150")
    assert result.status == 1, result
    assert (
        "clients/acme.md:7: error: `probability` must be a whole number from 0 "
        "to 100, found 150" in result.out
    )
    assert path.read_bytes() == before


def test_an_unknown_stage_is_refused_with_the_checkers_message(
    project: ProjectDir,
) -> None:
    path = project.client("acme", ONE_DEAL)
    before = path.read_bytes()
    result = project.run("set", "acme", "stage=proposl")
    assert result.status == 1, result
    assert "did you mean `proposal`?" in result.out
    assert path.read_bytes() == before


def test_an_unknown_key_is_refused_with_a_suggestion(project: ProjectDir) -> None:
    project.client("acme", ONE_DEAL)
    result = project.run("set", "acme", "nxt_follow_up=2026-03-01")
    assert result.status == 1, result
    assert "did you mean `next_follow_up`?" in result.err


def test_deal_keys_of_a_multi_deal_client_need_deal(project: ProjectDir) -> None:
    project.client("acme", DEALS)
    result = project.run("set", "acme", "value=10")
    assert result.status == 1, result
    assert "--deal" in result.err and "`Pilot`" in result.err


def test_an_empty_value_removes_the_key(project: ProjectDir) -> None:
    path = project.client("acme", ONE_DEAL)
    result = project.run("set", "acme", "value=")
    assert result.status == 0, result
    assert "value" not in front_matter(project, "acme")
    assert b"value" not in path.read_bytes()


def test_a_list_value(project: ProjectDir) -> None:
    project.client("acme", ONE_DEAL)
    result = project.run("set", "acme", "tags=vip, yes, 12:30")
    assert result.status == 0, result
    assert front_matter(project, "acme")["tags"] == ["vip", "yes", "12:30"]


def test_a_key_given_twice_is_changed_where_the_parser_reads_it(
    project: ProjectDir,
) -> None:
    path = project.client(
        "acme", ONE_DEAL.replace("value: 1000", "value: 1000\n    stage: won")
    )
    result = project.run("set", "acme", "stage=qualified", "--today", "2026-02-10")
    assert result.status == 0, result
    assert front_matter(project, "acme")["stage"] == "qualified"
    assert "stage: won\n" in path.read_text()


def test_renaming_a_deal_and_changing_it_at_once(project: ProjectDir) -> None:
    project.client("acme", DEALS)
    result = project.run("set", "acme", "title=Big pilot", "value=5", "--deal", "Pilot")
    assert result.status == 0, result
    deals = front_matter(project, "acme")["deals"]
    assert isinstance(deals, list)
    assert deals[0] == {
        "title": "Big pilot",
        "stage": "proposal",
        "probability": 70,
        "value": 5,
    }


def test_a_lost_reason_outside_the_projects_list_is_refused(
    project: ProjectDir,
) -> None:
    project.write("crmgen.toml", 'lost_reasons = ["price", "timing"]\n')
    path = project.client("acme", ONE_DEAL)
    before = path.read_bytes()
    result = project.run("set", "acme", "stage=lost", "lost_reason=pricey")
    assert result.status == 1, result
    assert "(price, timing)" in result.err
    assert path.read_bytes() == before
