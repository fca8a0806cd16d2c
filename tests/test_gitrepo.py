"""The git layer: one log, one cat-file, paths relative to the project."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitproject import GitProject

from crmgen import gitrepo
from crmgen.gitrepo import GitError


@pytest.fixture
def repo(tmp_path: Path) -> GitProject:
    project = GitProject(tmp_path / "project")
    project.client("acme", "a\n")
    project.client("zoë-café", "b\n")
    project.write("notes.txt", "not a client\n")
    project.commit("start", "2026-09-01T09:00:00+02:00")
    (project.root / "clients" / "archive").mkdir()
    project.git("mv", "clients/acme.md", "clients/archive/acme.md")
    project.remove("clients/zoë-café.md")
    project.client("beta", "c\n")
    project.commit("move, delete, add", "2026-09-02T09:00:00+02:00")
    return project


def test_history_lists_adds_renames_and_deletions_oldest_first(
    repo: GitProject,
) -> None:
    commits = gitrepo.history(repo.root, "HEAD", ("clients",))
    assert [c.subject for c in commits] == ["start", "move, delete, add"]
    assert [c.authored.isoformat() for c in commits] == [
        "2026-09-01T09:00:00+02:00",
        "2026-09-02T09:00:00+02:00",
    ]
    changes = [
        (f.status, f.path, f.old_path, f.blob is None) for f in commits[1].changes
    ]
    assert sorted(changes) == [
        ("A", "clients/beta.md", None, False),
        ("D", "clients/zoë-café.md", None, True),
        ("R", "clients/archive/acme.md", "clients/acme.md", False),
    ]


def test_tree_index_and_blobs(repo: GitProject) -> None:
    head = gitrepo.tree(repo.root, "HEAD", ("clients",))
    assert sorted(head) == ["clients/archive/acme.md", "clients/beta.md"]
    first = gitrepo.tree(repo.root, "HEAD~1", ("clients", "notes.txt"))
    assert sorted(first) == ["clients/acme.md", "clients/zoë-café.md", "notes.txt"]
    contents = gitrepo.read_blobs(repo.root, first.values())
    assert contents[first["clients/zoë-café.md"]] == b"b\n"
    repo.client("beta", "staged\n")
    repo.git("add", "clients/beta.md")
    repo.client("beta", "not staged\n")
    staged = gitrepo.index(repo.root, ("clients",))
    assert gitrepo.read_blobs(repo.root, [staged["clients/beta.md"]]) == {
        staged["clients/beta.md"]: b"staged\n"
    }


def test_unknown_revisions_and_blobs_are_git_errors(repo: GitProject) -> None:
    with pytest.raises(GitError, match="`nope` is not a commit"):
        gitrepo.resolve(repo.root, "nope")
    with pytest.raises(GitError):
        gitrepo.read_blobs(repo.root, ["0" * 40])


def test_outside_a_repository(tmp_path: Path) -> None:
    assert not gitrepo.is_repository(tmp_path)
    with pytest.raises(GitError, match="diff reads git history"):
        gitrepo.require_repository(tmp_path, "diff")


def test_a_shallow_clone_is_noticed(repo: GitProject, tmp_path: Path) -> None:
    assert not gitrepo.is_shallow(repo.root)
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    assert gitrepo.is_shallow(clone)
    assert len(gitrepo.history(clone, "HEAD", ("clients",))) == 1
