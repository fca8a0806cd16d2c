"""Finding the client a command names: id, unique prefix or name."""

from __future__ import annotations

import pytest
from conftest import ProjectDir

from crmgen.lookup import Candidate, ClientNotFoundError, find_client

CHOICES = [
    Candidate("acme", "clients/acme.md", "Acme Corp"),
    Candidate("acme-labs", "clients/acme-labs.md", "Acme Labs"),
    Candidate("bolt", "clients/x/bolt.md", "Bolt & Nut"),
]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("acme", "acme"),
        ("acme corp", "acme"),
        ("ACME LABS", "acme-labs"),
        ("bo", "bolt"),
        ("nut", "bolt"),
        ("acme-l", "acme-labs"),
    ],
)
def test_one_match(query: str, found: str) -> None:
    assert find_client(query, CHOICES).id == found


def test_several_matches_list_the_candidates() -> None:
    with pytest.raises(ClientNotFoundError, match="matches 2 clients") as caught:
        find_client("ac", CHOICES)
    assert "acme-labs  Acme Labs  (clients/acme-labs.md)" in str(caught.value)


def test_no_match_suggests_the_closest() -> None:
    with pytest.raises(ClientNotFoundError, match="did you mean `bolt`"):
        find_client("blot", CHOICES)


def test_the_command_exits_2_for_an_ambiguous_client(project: ProjectDir) -> None:
    for client_id, name in (("acme", "Acme Corp"), ("acme-labs", "Acme Labs")):
        project.client(
            client_id,
            f"""
            ---
            name: {name}
            stage: lead
            first_contact: 2026-01-02
            ---
            """,
        )
    result = project.run("log", "ac", "call")
    assert result.status == 2, result
    assert "acme-labs" in result.err


def test_a_broken_file_is_found_and_its_problem_shown(project: ProjectDir) -> None:
    path = project.client("acme", "---\nname: [\n---\n")
    result = project.run("log", "acme", "call")
    assert result.status == 1, result
    assert "clients/acme.md:2: error: the front matter is not valid YAML" in result.out
    assert path.read_text() == "---\nname: [\n---\n"
