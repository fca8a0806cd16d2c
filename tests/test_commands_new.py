"""`crmgen new`: a client file from a name, never outside clients/, never over one."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ProjectDir

from crmgen.commands import new
from crmgen.config import load_config
from crmgen.parse import parse_client


def test_new_writes_the_given_fields(project: ProjectDir) -> None:
    result = project.run(
        "new",
        "Müller & Söhne",
        "--phone",
        "0123 45",
        "--email",
        "a@b.example",
        "--tag",
        "vip",
        "--tag",
        "no",
        "--value",
        "1200",
        "--next",
        "2026-03-01",
        "--owner",
        "mei",
        "--today",
        "2026-02-10",
    )
    assert result.status == 0, result
    assert result.out.splitlines()[0] == "clients/muller-sohne.md"
    data = (project.root / "clients/muller-sohne.md").read_bytes()
    client, problems = parse_client(
        "clients/muller-sohne.md", data, load_config(project.root)[0]
    )
    assert client is not None and problems == []
    assert client.name == "Müller & Söhne"
    assert dict(client.front_matter) == {
        "name": "Müller & Söhne",
        "email": "a@b.example",
        "phone": "0123 45",
        "owner": "mei",
        "tags": ["vip", "no"],
        "first_contact": "2026-02-10",
        "next_follow_up": "2026-03-01",
        "stage": "lead",
        "value": 1200,
    }
    assert client.deals[0].probability_written is False
    assert client.log_line is not None and client.log == ()


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path", "a/../../b"])
def test_names_with_paths_stay_inside_clients(project: ProjectDir, name: str) -> None:
    result = project.run("new", name, "--today", "2026-02-10")
    assert result.status == 0, result
    created = project.root / result.out.splitlines()[0]
    assert created.parent == project.root / "clients"
    assert created.is_file()


@pytest.mark.parametrize("name", ["..", "", "€€€", "  "])
def test_a_name_without_letters_is_refused(project: ProjectDir, name: str) -> None:
    result = project.run("new", name)
    assert result.status == 1, result
    assert "no letters or digits" in result.err
    assert list((project.root / "clients").iterdir()) == []


def test_an_existing_id_in_any_folder_or_case_is_never_overwritten(
    project: ProjectDir,
) -> None:
    existing = project.write("clients/archive/Acme-Corp.md", "keep me\n")
    result = project.run("new", "ACME corp")
    assert result.status == 1, result
    assert "clients/archive/Acme-Corp.md" in result.err
    assert existing.read_text() == "keep me\n"
    assert not (project.root / "clients/acme-corp.md").exists()


def test_an_unknown_stage_is_refused(project: ProjectDir) -> None:
    result = project.run("new", "Acme", "--stage", "wonn")
    assert result.status == 1, result
    assert "did you mean `won`?" in result.out
    assert not (project.root / "clients/acme.md").exists()


def test_the_stage_defaults_to_the_first_configured(project: ProjectDir) -> None:
    project.write(
        "crmgen.toml",
        """
        [[stages]]
        name = "inbox"
        probability = 10

        [[stages]]
        name = "won"
        probability = 100
        open = false
        """,
    )
    result = project.run("new", "Acme", "--today", "2026-02-10")
    assert result.status == 0, result
    assert "stage: inbox\n" in (project.root / "clients/acme.md").read_text()


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "clients" / "acme.md"
    path.parent.mkdir()
    path.write_text("someone else's\n")
    assert not new._create(path, b"---\nname: Acme\n---\n")
    assert path.read_text() == "someone else's\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.md"]
    fresh = tmp_path / "clients" / "bolt.md"
    assert new._create(fresh, b"data")
    assert fresh.read_bytes() == b"data"
