"""Every edit command over every sample client and a generated corpus: the file
parses to exactly the intended values, and only the intended lines change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli
from linediff import line_diff

from crmgen.config import load_config
from crmgen.model import Client
from crmgen.parse import parse_client

TODAY = "2027-06-01"
GENERATOR = REPO.parent / "shared" / "tools" / "gen_corpus.py"


def _corpus() -> list[Path]:
    samples = sorted((REPO / "clients").rglob("*.md"))
    if not GENERATOR.is_file():
        return samples
    out = Path(__file__).resolve().parent / ".corpus"
    if not (out / "clients").is_dir():
        subprocess.run(
            [sys.executable, str(GENERATOR), "--clients", "40", "--out", str(out)],
            check=True,
            capture_output=True,
        )
    return samples + sorted((out / "clients").glob("*.md"))


FILES = _corpus()


def _project(tmp_path: Path, source: Path) -> Path:
    """A one-client project holding a copy of source (with the sample's config)."""
    root = tmp_path / "project"
    (root / "clients").mkdir(parents=True)
    if source.is_relative_to(REPO / "clients"):
        shutil.copy(REPO / "crmgen.toml", root / "crmgen.toml")
    shutil.copy(source, root / "clients" / source.name)
    return root


def _parse(root: Path, name: str) -> Client:
    path = f"clients/{name}"
    client, _ = parse_client(path, (root / path).read_bytes(), load_config(root)[0])
    assert client is not None
    return client


def _entries(client: Client) -> Counter[tuple[Any, ...]]:
    return Counter(
        (e.date.isoformat(), e.time, e.kind, e.summary, e.body) for e in client.log
    )


def _key_lines(lines: list[bytes], keys: tuple[str, ...]) -> bool:
    return all(
        line.decode().strip().removeprefix("- ").split(":")[0] in keys for line in lines
    )


@pytest.fixture(params=FILES, ids=[path.name for path in FILES])
def sample(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    source: Path = request.param
    return _project(tmp_path, source), source.name


def test_log_adds_only_the_entry_and_the_keys(sample: tuple[Path, str]) -> None:
    root, name = sample
    before, data = _parse(root, name), (root / "clients" / name).read_bytes()
    result = run_cli(
        "-C",
        str(root),
        "log",
        name[:-3],
        "call",
        "round trip",
        "--body",
        "Said hello.",
        "--next",
        "2027-06-15",
        "--today",
        TODAY,
    )
    assert result.status == 0, result
    after = _parse(root, name)
    expected = dict(before.front_matter, next_follow_up="2027-06-15")
    if "last_contact" in expected:
        expected["last_contact"] = TODAY
    assert dict(after.front_matter) == expected
    new = Counter([(TODAY, None, "call", "round trip", "Said hello.")])
    assert _entries(after) == _entries(before) + new
    assert after.notes == before.notes
    removed, added = line_diff(data, (root / "clients" / name).read_bytes())
    assert _key_lines(removed, ("next_follow_up", "last_contact")), removed
    heading = f"### {TODAY} call: round trip".encode()
    body = [
        line
        for line in added
        if not _key_lines([line], ("next_follow_up", "last_contact"))
    ]
    assert [line.rstrip(b"\r\n") for line in body if line.strip()] == [
        heading,
        b"Said hello.",
    ], added


def test_set_changes_only_its_keys(sample: tuple[Path, str]) -> None:
    root, name = sample
    before, data = _parse(root, name), (root / "clients" / name).read_bytes()
    several = "deals" in before.front_matter
    deal = ["--deal", before.deals[0].title] if several else []
    result = run_cli(
        "-C",
        str(root),
        "set",
        name[:-3],
        "value=4321",
        "owner=no",
        "phone=0123",
        *deal,
        "--today",
        TODAY,
    )
    assert result.status == 0, result
    after = _parse(root, name)
    expected = dict(before.front_matter, owner="no", phone="0123")
    if not several:
        expected["value"] = 4321
    else:
        assert after.deals[0].value == 4321
        assert after.deals[1:] == before.deals[1:]
        expected.pop("deals")
        assert {k: v for k, v in after.front_matter.items() if k != "deals"} == expected
        expected = dict(after.front_matter)
    assert dict(after.front_matter) == expected
    assert _entries(after) == _entries(before) and after.notes == before.notes
    removed, added = line_diff(data, (root / "clients" / name).read_bytes())
    assert _key_lines(removed, ("value", "owner", "phone")), removed
    assert _key_lines(added, ("value", "owner", "phone")), added


def test_a_stage_change_adds_only_the_stage_entry(sample: tuple[Path, str]) -> None:
    root, name = sample
    before, data = _parse(root, name), (root / "clients" / name).read_bytes()
    deal = before.deals[0]
    if not deal.is_open:
        pytest.skip("a closed deal: moving it would need closed_on and lost_reason")
    target = "qualified" if deal.stage != "qualified" else "proposal"
    several = "deals" in before.front_matter
    options = ["--deal", deal.title] if several else []
    result = run_cli(
        "-C", str(root), "set", name[:-3], f"stage={target}", *options, "--today", TODAY
    )
    assert result.status == 0, result
    after = _parse(root, name)
    assert after.deals[0].stage == target
    assert after.deals[0].probability_written == deal.probability_written
    removed, added = line_diff(data, (root / "clients" / name).read_bytes())
    assert _key_lines(removed, ("stage",)) and len(removed) == 1, removed
    stage_entries = [line for line in added if line.startswith(b"### ")]
    assert len(stage_entries) == 1 and b" stage: " in stage_entries[0], added
    new = [e for e in after.log if e.kind == "stage" and e.date.isoformat() == TODAY]
    assert new and new[0].change is not None
    assert (new[0].change.before, new[0].change.after) == (deal.stage, target)
    assert new[0].change.deal == (deal.title if several else None)
