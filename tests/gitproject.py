"""A project in tmp_path that is a git repository, committed with set dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import ProjectDir


class GitProject(ProjectDir):
    """A ProjectDir whose commits carry the author, dates and zone a test gives."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Author")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **(env or {})},
        )
        return done.stdout

    def commit(self, message: str, when: str, author: str = "Test Author") -> str:
        """Stage everything and commit at `when` (e.g. 2026-10-01T10:00:00+02:00)."""
        self.git("add", "-A")
        self.git(
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            env={
                "GIT_AUTHOR_DATE": when,
                "GIT_COMMITTER_DATE": when,
                "GIT_AUTHOR_NAME": author,
            },
        )
        return self.git("rev-parse", "HEAD").strip()

    def remove(self, relative: str) -> None:
        (self.root / relative).unlink()
