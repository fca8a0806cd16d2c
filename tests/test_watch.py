"""The watcher: which paths matter, and bursts of real file events coalesced."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ProjectDir

from crmgen import live
from crmgen.commands import serve as serve_command
from crmgen.watch import Changes, Watcher, classify


@pytest.mark.parametrize(
    ("path", "is_dir", "kind"),
    [
        ("clients/acme.md", False, "client"),
        ("clients/archive/old.md", False, "client"),
        ("clients/archive", True, "folder"),
        ("clients/.acme.md.swp", False, None),
        ("clients/acme.md~", False, None),
        ("clients/.#acme.md", False, None),
        ("clients/4913", False, None),
        ("clients/_drafts/x.md", False, None),
        ("clients/notes.txt", False, None),
        ("templates/board.html", False, "template"),
        ("crmgen.toml", False, "config"),
        ("site/index.html", False, None),
        (".crmgen-cache/parsed", False, None),
        ("README.md", False, None),
    ],
)
def test_classify(path: str, is_dir: bool, kind: str | None) -> None:
    assert classify(Path(path), is_dir) == kind


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Changes] = []
        self.event = threading.Event()

    def __call__(self, changes: Changes) -> None:
        self.calls.append(changes)
        self.event.set()


def _watching(root: Path, recorder: Recorder) -> Watcher:
    watcher = Watcher(root, recorder)
    watcher.start()
    threading.Thread(target=watcher.run, daemon=True).start()
    time.sleep(0.3)
    return watcher


def _wait(recorder: Recorder, count: int = 1, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while len(recorder.calls) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # and nothing more should arrive


def test_burst_of_saves_is_one_rebuild(tmp_path: Path) -> None:
    (tmp_path / "clients").mkdir()
    recorder = Recorder()
    watcher = _watching(tmp_path, recorder)
    try:
        target = tmp_path / "clients" / "acme.md"
        for number in range(20):
            target.write_text(f"save {number}\n")
        _wait(recorder)
        assert len(recorder.calls) == 1
        assert recorder.calls[0].clients == {"clients/acme.md"}
    finally:
        watcher.stop()


def test_atomic_rename_save_and_leftovers(tmp_path: Path) -> None:
    (tmp_path / "clients").mkdir()
    target = tmp_path / "clients" / "acme.md"
    target.write_text("old\n")
    recorder = Recorder()
    watcher = _watching(tmp_path, recorder)
    try:
        swap = tmp_path / "clients" / ".acme.md.swp"
        swap.write_text("swap")
        (tmp_path / "clients" / "4913").write_text("")
        os.unlink(tmp_path / "clients" / "4913")
        temporary = tmp_path / "clients" / "acme.md.tmp~"
        temporary.write_text("new\n")
        os.replace(temporary, target)
        swap.unlink()
        _wait(recorder)
        assert [c.clients for c in recorder.calls] == [{"clients/acme.md"}]
    finally:
        watcher.stop()


def test_a_save_in_a_subfolder_is_that_file_alone(tmp_path: Path) -> None:
    """Not its folder too: a changed folder makes the whole project be read
    again, and saving one client file changes nothing else."""
    archive = tmp_path / "clients" / "archive"
    archive.mkdir(parents=True)
    target = archive / "old-co.md"
    target.write_text("old\n")
    recorder = Recorder()
    watcher = _watching(tmp_path, recorder)
    try:
        temporary = archive / ".old-co.md.tmp"
        temporary.write_text("new\n")
        os.replace(temporary, target)
        _wait(recorder)
        assert [(c.clients, c.folders) for c in recorder.calls] == [
            ({"clients/archive/old-co.md"}, set())
        ]
    finally:
        watcher.stop()


def test_folder_moved_in_and_output_ignored(tmp_path: Path) -> None:
    (tmp_path / "clients").mkdir()
    outside = tmp_path / "incoming"
    outside.mkdir()
    (outside / "a.md").write_text("a")
    recorder = Recorder()
    watcher = _watching(tmp_path, recorder)
    try:
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "index.html").write_text("out")
        os.rename(outside, tmp_path / "clients" / "incoming")
        _wait(recorder)
        assert len(recorder.calls) == 1
        assert recorder.calls[0].folders == {"clients/incoming"}
    finally:
        watcher.stop()


def test_a_failing_rebuild_keeps_the_loop_alive(tmp_path: Path) -> None:
    (tmp_path / "clients").mkdir()
    calls: list[Changes] = []

    def rebuild(changes: Changes) -> None:
        calls.append(changes)
        if len(calls) == 1:
            raise RuntimeError("boom")

    watcher = Watcher(tmp_path, rebuild)
    watcher.start()
    threading.Thread(target=watcher.run, daemon=True).start()
    time.sleep(0.3)
    try:
        (tmp_path / "clients" / "a.md").write_text("1")
        time.sleep(0.6)
        (tmp_path / "crmgen.toml").write_text("")
        time.sleep(0.6)
        assert len(calls) == 2
        assert calls[1].config
    finally:
        watcher.stop()


def test_templates_folder_created_later_is_watched(tmp_path: Path) -> None:
    (tmp_path / "clients").mkdir()
    recorder = Recorder()
    watcher = _watching(tmp_path, recorder)
    try:
        (tmp_path / "templates").mkdir()
        _wait(recorder)
        assert recorder.calls[-1].templates
        count = len(recorder.calls)
        (tmp_path / "templates" / "board.html").write_text("x")
        _wait(recorder, count + 1)
        assert len(recorder.calls) == count + 1
        assert recorder.calls[-1].templates
    finally:
        watcher.stop()


def test_the_rebuild_line_counts_in_words() -> None:
    from crmgen.words import plural

    assert plural(1, "error") == "1 error"
    assert plural(2, "file written", "files written") == "2 files written"
    assert plural(1, "client file") == "1 client file"
    assert plural(0, "warning") == "0 warnings"


def test_a_save_just_after_the_first_build_is_rebuilt(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`watch` is watching by the time it says so: a file saved between the
    first build and that line (here, at once after the build) is rebuilt."""
    path = project.client(
        "acme",
        """\
        ---
        name: Acme
        stage: lead
        first_contact: 2026-03-01
        ---
        """,
    )

    class SavedAtOnce(live.LiveSite):
        def __init__(self, *args: Any, **options: Any) -> None:
            super().__init__(*args, **options)
            path.write_text(
                path.read_text(encoding="utf-8") + "\nSaved at once.\n",
                encoding="utf-8",
            )

    run = Watcher.run

    def one_rebuild(watcher: Watcher) -> None:
        rebuild = watcher.rebuild

        def then_stop(changes: Changes) -> None:
            rebuild(changes)
            watcher.stopping.set()

        watcher.rebuild = then_stop
        deadline = threading.Timer(10, watcher.stopping.set)  # never forever
        deadline.start()
        try:
            run(watcher)
        finally:
            deadline.cancel()

    monkeypatch.setattr(live, "LiveSite", SavedAtOnce)
    monkeypatch.setattr(Watcher, "run", one_rebuild)
    monkeypatch.setattr(serve_command, "_stop_on_sigterm", lambda: None)
    result = project.run("watch", "--today", "2027-01-15")
    assert result.status == 0, result
    assert "rebuilt after clients/acme.md" in result.out
    page = project.root / "site" / "clients" / "acme.html"
    assert "Saved at once." in page.read_text(encoding="utf-8")
