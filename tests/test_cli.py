"""The command line's global behaviour: version, help, finding the project."""

from __future__ import annotations

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
