"""The command line's global behaviour: version, help, finding the project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from crmgen import __version__
from crmgen.cli import COMMANDS, command_named


def test_version() -> None:
    result = run_cli("--version")
    assert result.status == 0
    assert f"crmgen {__version__}" in result.out, result


def test_python_dash_m_runs_the_same_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crmgen", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0
    assert __version__ in done.stdout


def test_the_program_flushes_its_output_and_keeps_the_status(tmp_path: Path) -> None:
    # run() ends the process without Python's teardown: what is buffered for
    # a file (not a terminal, so fully buffered) must still arrive whole.
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "acme.md").write_text(
        "---\nname: Acme\nstage: won\n---\n", encoding="utf-8"
    )
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-m", "crmgen", "-C", str(tmp_path), "check"],
            stdout=stdout,
            stderr=stderr,
            env=buffered,
            check=False,
        )
    report = out.read_text(encoding="utf-8") + err.read_text(encoding="utf-8")
    assert done.returncode == 1, report
    assert "clients/acme.md:1: error: `first_contact` is required" in report
    assert "clients/acme.md:3: warning: deal `Acme` is won" in report
    assert report.rstrip().endswith("checked 1 client file: 1 error, 1 warning")


def test_a_reader_that_goes_away_ends_the_program_quietly(tmp_path: Path) -> None:
    # `crmgen report | head -1`: head exits before crmgen has written it all.
    reading, writing = os.pipe()
    os.close(reading)
    with os.fdopen(writing, "wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "crmgen", "-C", str(REPO), "report"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 120
    assert done.stderr == ""


def test_a_command_loads_only_its_own_module(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from crmgen.cli import main\n"
        "status = main(['-C', sys.argv[1], 'check'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('crmgen.commands.')))\n"
    )
    (tmp_path / "clients").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = result.stdout.strip().splitlines()[-1]
    assert loaded == "['crmgen.commands.base', 'crmgen.commands.check']"


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["build"], "build"),
        (["-C", "build", "check"], "check"),
        (["-v", "--no-git", "watch", "--today", "2027-01-01"], "watch"),
        (["--help"], None),
        (["nonsense"], None),
    ],
)
def test_the_command_is_told_before_parsing(
    argv: list[str], command: str | None
) -> None:
    assert command_named(argv) == command


def test_help_lists_every_command() -> None:
    result = run_cli("--help")
    for name in COMMANDS:
        assert name in result.out, name


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a real date; check the month and day"),
        ("30/02/2026", "expected a date YYYY-MM-DD, found '30/02/2026'"),
    ],
)
def test_a_date_option_says_what_is_wrong_with_it(date: str, message: str) -> None:
    result = run_cli("build", "--today", date)
    assert result.status == 2
    assert message in result.err
