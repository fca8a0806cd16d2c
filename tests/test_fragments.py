"""Pieces kept between builds are used only when sound and meant for this
crmgen and configuration: a damaged, partial or foreign file is ignored."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ProjectDir

from crmgen import board, followups, fragments
from crmgen.cache import CACHE_DIR, cache_key, read_sealed, write_sealed
from crmgen.config import Config
from crmgen.site import LINE_PLACE

TODAY = "2027-01-15"
OLD = 1_600_000_000

CLIENT = """\
    ---
    name: {name}
    stage: lead
    first_contact: 2026-03-01
    next_follow_up: 2027-01-20
    ---
    """


def store(project: ProjectDir) -> Path:
    return project.root / CACHE_DIR / fragments.FRAGMENTS_FILE


@pytest.fixture
def built(project: ProjectDir) -> ProjectDir:
    for name in ("Acme", "Birch"):
        project.client(name.lower(), CLIENT.format(name=name))
    for path in (project.root / "clients").glob("*.md"):
        os.utime(path, (OLD, OLD))
    assert project.run("build", "--today", TODAY).status == 0
    return project


def site_files(project: ProjectDir) -> dict[str, bytes]:
    site = project.root / "site"
    return {
        str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()
    }


def rebuild(project: ProjectDir) -> dict[str, bytes]:
    """Build the whole site again, with whatever the cache holds: a new
    template that no page uses changes the build's inputs, not its output."""
    spare = project.root / "templates" / "spare.html"
    spare.parent.mkdir(exist_ok=True)
    spare.write_text(f"{spare.read_text() if spare.exists() else ''}again\n")
    result = project.run("build", "--today", TODAY)
    assert result.status == 0, result
    assert result.out.splitlines()[-1].startswith("built "), result
    return site_files(project)


def test_a_build_keeps_each_clients_line_and_event(built: ProjectDir) -> None:
    pieces = read_sealed(store(built), fragments.MAGIC, cache_key(Config()))
    kinds = sorted(piece.split(b"\0", 1)[0] for piece in pieces)
    assert kinds == [b"ics", b"ics", b"json at", b"json at"]
    # A client's line is kept as its place in the site's data.json.
    data = (built.root / "site" / "data.json").read_bytes()
    lines = []
    for key, value in pieces.items():
        if key.startswith(b"json at\0"):
            offset, length = LINE_PLACE.unpack(value)
            lines.append(json.loads(data[offset : offset + length])["name"])
    assert sorted(lines) == ["Acme", "Birch"]


def test_lines_come_from_the_last_data_json_only_while_it_is_untouched(
    built: ProjectDir,
) -> None:
    data = built.root / "site" / "data.json"
    # Edited by hand: same length, so only its stamp tells.
    data.write_bytes(data.read_bytes().replace(b'"Birch"', b'"Bxrch"'))
    files = rebuild(built)
    assert b'"Bxrch"' not in files["data.json"]
    assert b'"Birch"' in files["data.json"]
    # With its stamp put back, the edit passes for the last build's file: the
    # line that shows it proves the lines are read from there.
    site_data = data.read_bytes()
    stamp = data.stat()
    data.write_bytes(site_data.replace(b'"Birch"', b'"Bxrch"'))
    os.utime(data, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    files = rebuild(built)
    assert b'"Bxrch"' in files["data.json"]


def test_a_place_kept_wrong_never_lends_a_line_to_another_client(
    built: ProjectDir,
) -> None:
    good = site_files(built)
    pieces = read_sealed(store(built), fragments.MAGIC, cache_key(Config()))
    lines = sorted(key for key in pieces if key.startswith(b"json at\0"))
    # Each kept place points at the other client's line: a whole JSON object,
    # as a cache written for another data.json could hold.
    first, second = lines
    pieces[first], pieces[second] = pieces[second], pieces[first]
    write_sealed(store(built), fragments.MAGIC, cache_key(Config()), pieces)
    assert rebuild(built)["data.json"] == good["data.json"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # partial
        lambda data: data[:-5] + b"xxxxx",  # damaged: the checksum fails
        lambda data: b"",
        lambda data: b"not a cache at all",
    ],
)
def test_a_damaged_or_partial_store_is_made_again(
    built: ProjectDir, damage: Callable[[bytes], bytes]
) -> None:
    good = site_files(built)
    store(built).write_bytes(damage(store(built).read_bytes()))
    assert rebuild(built) == good


def test_a_foreign_store_is_never_trusted(built: ProjectDir) -> None:
    good = site_files(built)
    pieces = read_sealed(store(built), fragments.MAGIC, cache_key(Config()))
    poisoned = {key: b"POISON" for key in pieces}
    # Sound in every way but meant for another crmgen or configuration.
    write_sealed(store(built), fragments.MAGIC, "crmgen 0.0 other", poisoned)
    files = rebuild(built)
    assert not any(b"POISON" in data for data in files.values())
    assert files == good


FOLDED = """\
    ---
    name: {name}
    owner: {owner}
    stage: lead
    value: {value}
    first_contact: 2026-03-01
    next_follow_up: 2027-01-10
    ---
    """


@pytest.fixture
def folded(project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> ProjectDir:
    """25 overdue clients on a board and follow-ups that show one in full:
    the rest are one-line cards and rows. One edit is few enough for the
    site to be updated in place (the follow-ups page in a process of its own)."""
    monkeypatch.setattr(board, "COLUMN_LIMIT", 1)
    monkeypatch.setattr(followups, "SECTION_LIMIT", 1)
    for number in range(25):
        text = FOLDED.format(name=f"Client {number}", owner="ana", value=number * 100)
        project.client(f"c{number:02}", text)
    for path in (project.root / "clients").glob("*.md"):
        os.utime(path, (OLD, OLD))
    assert project.run("build", "--today", TODAY).status == 0
    return project


def briefs(project: ProjectDir) -> dict[bytes, bytes]:
    pieces = read_sealed(store(project), fragments.MAGIC, cache_key(Config()))
    return {key: piece for key, piece in pieces.items() if key.startswith(b"brief")}


def test_one_line_cards_and_rows_are_kept_and_remade_when_their_client_changes(
    folded: ProjectDir,
) -> None:
    kept = briefs(folded)
    # 24 folded cards and 24 folded rows (the most valuable client is in full).
    assert len(kept) == 48
    # A kept row shows through: planted for Client 3, it proves reuse.
    row = next(
        key
        for key, piece in kept.items()
        if b"Client 3<" in piece and b"card" not in piece
    )
    pieces = read_sealed(store(folded), fragments.MAGIC, cache_key(Config()))
    planted = kept[row].replace(b"Client 3<", b"Client 3 (kept)<")
    write_sealed(
        store(folded), fragments.MAGIC, cache_key(Config()), {**pieces, row: planted}
    )
    edited = folded.root / "clients" / "c05.md"
    edited.write_text(
        textwrap.dedent(FOLDED.format(name="Client 5", owner="zed", value=500)),
        encoding="utf-8",
    )
    os.utime(edited, (OLD + 1, OLD + 1))
    assert folded.run("build", "--today", TODAY).status == 0
    site = folded.root / "site"
    board_page = (site / "index.html").read_text(encoding="utf-8")
    rows_page = (site / "followups.html").read_text(encoding="utf-8")
    assert "Client 3 (kept)" in rows_page
    # The edited client's card and row are made again, with the new owner.
    for page in (board_page, rows_page):
        line = next(line for line in page.splitlines() if ">Client 5</a>" in line)
        assert "zed" in line and "ana" not in line
    # Every piece is kept for the next build but the edited client's new row:
    # made in the follow-ups page's process, it is made again next time.
    again = briefs(folded)
    assert len(again) == 47 and again[row] == planted
    # Apart from the planted row, the pages are what a build without the
    # cache makes of the same files.
    fresh = folded.root / "fresh"
    no_cache = folded.run("build", "--today", TODAY, "--no-cache", "--out", str(fresh))
    assert no_cache.status == 0
    assert (fresh / "index.html").read_text(encoding="utf-8") == board_page
    assert (fresh / "followups.html").read_text(encoding="utf-8") == rows_page.replace(
        "Client 3 (kept)", "Client 3"
    )
    # Another day makes other pieces: on the 9th the follow-ups are not yet
    # due, and no kept piece of the 15th says otherwise.
    day = "2027-01-09"
    assert folded.run("build", "--today", day).status == 0
    no_cache = folded.run("build", "--today", day, "--no-cache", "--out", str(fresh))
    assert no_cache.status == 0
    for name in ("index.html", "followups.html"):
        page = (site / name).read_text(encoding="utf-8")
        assert "Follow-up 10 Jan" in page and "badge-overdue" not in page
        assert page == (fresh / name).read_text(encoding="utf-8")
