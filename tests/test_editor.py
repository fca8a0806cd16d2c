"""The editor proves an edit, refuses a stale or harmful one and writes atomically."""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import REPO, ProjectDir

from crmgen import keyedit
from crmgen.config import Config
from crmgen.editor import (
    EditRefusedError,
    FileChangedError,
    open_client,
    remove_leftovers,
    save,
)

TODAY = dt.date(2026, 2, 10)
ACME = """
    ---
    name: Acme
    stage: lead
    first_contact: 2026-01-02
    ---
    """


def test_a_file_changed_on_disk_is_not_overwritten(project: ProjectDir) -> None:
    path = project.client("acme", ACME)
    edit = open_client(project.root, "clients/acme.md", Config(), TODAY)
    keyedit.set_key(edit.text, keyedit.top_level(edit.text), "stage", "proposal")
    path.write_text(path.read_text() + "\nSomeone else's note.\n")
    changed = path.read_bytes()
    with pytest.raises(FileChangedError, match="changed on disk"):
        save(edit)
    assert path.read_bytes() == changed


def test_an_edit_that_brings_an_error_is_refused(project: ProjectDir) -> None:
    path = project.client("acme", ACME)
    before = path.read_bytes()
    edit = open_client(project.root, "clients/acme.md", Config(), TODAY)
    keyedit.set_key(edit.text, keyedit.top_level(edit.text), "first_contact", "soon")
    with pytest.raises(EditRefusedError) as refused:
        save(edit)
    assert [p.format() for p in refused.value.problems] == [
        "clients/acme.md:4: error: `first_contact` must be a date written YYYY-MM-DD, "
        "found 'soon'"
    ]
    assert path.read_bytes() == before


def test_an_error_the_file_already_had_does_not_block_an_edit(
    project: ProjectDir,
) -> None:
    path = project.client(
        "acme", ACME.replace("stage: lead", "stage: lead\n    probability: 200")
    )
    result = project.run("set", "acme", "value=10")
    assert result.status == 0, result
    assert "value: 10\n" in path.read_text()


def test_permissions_are_kept_and_no_temporary_is_left(project: ProjectDir) -> None:
    path = project.client("acme", ACME)
    path.chmod(0o640)
    result = project.run("set", "acme", "stage=qualified")
    assert result.status == 0, result
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.md"]


def test_without_unnamed_files_a_named_temporary_is_used(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    path = project.client("acme", ACME)
    path.chmod(0o604)
    result = project.run("set", "acme", "stage=qualified")
    assert result.status == 0, result
    assert "stage: qualified\n" in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o604
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.md"]


def test_a_linked_client_file_is_edited_through_its_link(project: ProjectDir) -> None:
    real = project.write("elsewhere/acme.md", textwrap.dedent(ACME).lstrip())
    link = project.root / "clients" / "acme.md"
    link.symlink_to(real)
    result = project.run("set", "acme", "stage=qualified")
    assert result.status == 0, result
    assert link.is_symlink()
    assert "stage: qualified\n" in real.read_text()


def test_old_leftovers_of_a_killed_write_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "acme.md"
    path.write_text("x")
    old, young = tmp_path / ".acme.md.abc.tmp", tmp_path / ".acme.md.def.tmp"
    old.write_text("half")
    young.write_text("half")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    remove_leftovers(path)
    assert not old.exists() and young.exists()


SLOW_WRITER = textwrap.dedent("""
    import os, sys, time
    from crmgen.cli import main

    def stall(handle):
        print("writing", flush=True)
        time.sleep(60)

    os.fsync = stall
    main(sys.argv[1:])
""")


def test_a_writer_killed_mid_write_leaves_the_original_intact(
    project: ProjectDir,
) -> None:
    path = project.client("acme", ACME)
    before = path.read_bytes()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SLOW_WRITER,
            "-C",
            str(project.root),
            "log",
            "acme",
            "call",
            "--body",
            "x" * 100_000,
            "--today",
            "2026-02-10",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.md"]
