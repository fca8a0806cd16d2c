"""An import's writes: all new files or none; existing files only by --update."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmgen.transaction import FileChangedError, create_all, digest, update_all


def test_create_all_refuses_to_replace_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients/b.md").write_text("mine")
    with pytest.raises(FileExistsError):
        create_all(tmp_path, [("clients/a.md", "new a"), ("clients/b.md", "new b")])
    assert sorted(p.name for p in (tmp_path / "clients").iterdir()) == ["b.md"]
    assert (tmp_path / "clients/b.md").read_text() == "mine"


def test_create_all_writes_every_file(tmp_path: Path) -> None:
    create_all(tmp_path, [("clients/a.md", "A"), ("clients/sub/b.md", "B")])
    assert (tmp_path / "clients/a.md").read_text() == "A"
    assert (tmp_path / "clients/sub/b.md").read_text() == "B"
    assert [p.name for p in (tmp_path / "clients").iterdir()
            if p.name.startswith(".")] == []


def test_update_all_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("before")
    seen = digest(b"before")
    path.write_text("edited meanwhile")
    with pytest.raises(FileChangedError, match=r"a\.md changed while importing"):
        update_all(tmp_path, [("a.md", "merged", seen)])
    assert path.read_text() == "edited meanwhile"
