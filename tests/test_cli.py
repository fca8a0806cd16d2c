"""The command line's global behaviour: version, help, finding the project."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO, run_cli

from crmgen import __version__


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
