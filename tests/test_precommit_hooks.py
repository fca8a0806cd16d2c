"""The hooks crmgen offers the pre-commit framework run real crmgen commands."""

from __future__ import annotations

import re
import shlex
from typing import Any

import yaml
from conftest import REPO, ProjectDir

HOOKS: list[dict[str, Any]] = yaml.safe_load(
    (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
)
BY_ID = {hook["id"]: hook for hook in HOOKS}
GOOD = "---\nname: Good\nfirst_contact: 2026-09-01\nstage: lead\n---\n"
BAD = "---\nname: Bad\nfirst_contact: 2026-09-31\nstage: lead\n---\n"


def run_hook(project: ProjectDir, hook: dict[str, Any], changed: list[str]) -> Any:
    """Run the hook the way pre-commit does: entry, args, matching file names."""
    pattern = re.compile(hook["files"])
    files = [path for path in changed if pattern.search(path)]
    words = shlex.split(hook["entry"]) + hook.get("args", [])
    assert words[0] == "crmgen"
    names = [str(project.root / path) for path in files]
    return project.run(*words[1:], *(names if hook["pass_filenames"] else []))


def test_hooks_are_python_hooks_running_crmgen_check() -> None:
    assert set(BY_ID) == {"crmgen-check", "crmgen-check-all"}
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["entry"] == "crmgen check"


def test_the_changed_file_hook_checks_only_the_changed_files(
    project: ProjectDir,
) -> None:
    project.client("good", GOOD)
    project.client("bad", BAD)
    hook = BY_ID["crmgen-check"]
    passed = run_hook(project, hook, ["clients/good.md", "README.md"])
    assert passed.status == 0, passed
    assert "checked 1 client file: 0 errors" in passed.out, passed
    failed = run_hook(project, hook, ["clients/bad.md"])
    assert failed.status == 1, failed
    assert "clients/bad.md:3: error:" in failed.out, failed


def test_the_whole_project_hook_runs_on_a_config_change(project: ProjectDir) -> None:
    project.client("good", GOOD)
    project.client("bad", BAD)
    hook = BY_ID["crmgen-check-all"]
    assert re.search(hook["files"], "crmgen.toml")
    result = run_hook(project, hook, ["crmgen.toml"])
    assert result.status == 1 and "checked 2 client files" in result.out, result
