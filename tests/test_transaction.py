"""An import's writes: all new files or none; existing files only by --update."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmgen.files import stage_if_changed
from crmgen.transaction import FileChangedError, commit, create_all, digest


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
    assert [
        p.name for p in (tmp_path / "clients").iterdir() if p.name.startswith(".")
    ] == []


def test_commit_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("before")
    seen = digest(b"before")
    path.write_text("edited meanwhile")
    with pytest.raises(FileChangedError, match=r"a\.md changed while importing"):
        commit(tmp_path, [("clients/new.md", "N")], [("a.md", "merged", seen)])
    assert path.read_text() == "edited meanwhile"
    assert not (tmp_path / "clients/new.md").exists()


def test_a_failed_update_undoes_the_whole_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crmgen.transaction as transaction

    (tmp_path / "a.md").write_text("A")
    (tmp_path / "b.md").write_text("B")
    real, calls = transaction.write_atomic, []

    def failing(path: Path, data: bytes, mode: int | None = None) -> None:
        calls.append(path.name)
        if calls == ["a.md", "b.md"]:
            raise OSError(28, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(transaction, "write_atomic", failing)
    updates = [("a.md", "A2", digest(b"A")), ("b.md", "B2", digest(b"B"))]
    with pytest.raises(OSError, match="No space"):
        commit(tmp_path, [("clients/new.md", "N")], updates)
    assert (tmp_path / "a.md").read_text() == "A"
    assert (tmp_path / "b.md").read_text() == "B"
    assert not (tmp_path / "clients/new.md").exists()


@pytest.mark.parametrize(
    ("old", "pieces", "changed"),
    [
        (b"abcdef", [b"abc", b"def"], False),
        (b"abcdef", [b"abc", b"deg"], True),
        (b"abcdef", [b"abc", b"de"], True),  # shorter
        (b"abcdef", [b"abcdef", b"g"], True),  # longer
        (None, [b"new"], True),  # no file yet
        (b"", [], False),
    ],
)
def test_stage_if_changed_stages_only_different_bytes(
    tmp_path: Path, old: bytes | None, pieces: list[bytes], changed: bool
) -> None:
    path = tmp_path / "page.html"
    if old is not None:
        path.write_bytes(old)
        path.chmod(0o640)
    staged = stage_if_changed(path, iter(pieces))
    if not changed:
        assert staged is None
        assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
        return
    assert staged is not None and staged.parent == tmp_path
    assert staged.read_bytes() == b"".join(pieces)
    if old is not None:
        assert path.read_bytes() == old  # untouched until the caller renames
        assert staged.stat().st_mode & 0o777 == 0o640


def test_stage_if_changed_leaves_nothing_when_the_pieces_fail(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"old")

    def pieces() -> Iterator[bytes]:
        yield b"ne"
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        stage_if_changed(path, pieces())
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    assert path.read_bytes() == b"old"
