"""ruff and mypy --strict stay clean on the package."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest
from conftest import REPO


def _tool(name: str) -> list[str]:
    if importlib.util.find_spec(name) is None and not os.environ.get("CI"):
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return [sys.executable, "-m", name]


def test_ruff_is_clean() -> None:
    done = subprocess.run(
        [*_tool("ruff"), "check", "crmgen", "tests"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean() -> None:
    done = subprocess.run(
        [*_tool("mypy"), "--strict", "crmgen"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
