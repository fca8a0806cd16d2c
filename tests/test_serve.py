"""`crmgen serve` as a subprocess: editor save patterns, then the served site must
equal a clean build of the final files, with the process alive throughout."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from crmgen.serve import reload_script

# What serve adds to a page, whatever the rebuild it was served after.
_BEFORE, _, _AFTER = reload_script(0).partition(b"?seen=0")
RELOAD_SCRIPT = re.compile(re.escape(_BEFORE) + rb"\?seen=\d+" + re.escape(_AFTER))

TODAY = "2026-12-01"
NEW_CLIENT = """---
name: {name}
first_contact: 2026-11-01
stage: lead
---
## Log

### 2026-11-20 call: {summary}
"""


def sample_project(tmp_path: Path) -> Path:
    """A copy of the sample project: its clients and crmgen.toml."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "clients", root / "clients")
    shutil.copy(REPO / "crmgen.toml", root / "crmgen.toml")
    return root


def first_line(args: list[str], cwd: Path, stream: str) -> str:
    """The first line a long-running crmgen command prints on stream, run from
    cwd; the command is then stopped with Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crmgen", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        output = process.stdout if stream == "stdout" else process.stderr
        assert output is not None
        return output.readline()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


class Served:
    """A running `crmgen serve` on a copy of the sample project."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clients = root / "clients"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crmgen",
                "-C",
                str(root),
                "serve",
                "--port",
                "0",
                "--today",
                TODAY,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 30
        self.url = ""
        while time.monotonic() < deadline and not self.url:
            match = re.search(r"(http://\S+/)", "".join(self.lines))
            if match:
                self.url = match.group(1)
            elif self.process.poll() is not None:
                break
            time.sleep(0.05)
        assert self.url, f"no URL printed: {self.output()}"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.reader.join(timeout=5)
        return status


def clean_build(root: Path, into: Path) -> dict[str, bytes]:
    """The files of a fresh `crmgen build` of the project as it is now."""
    shutil.rmtree(into, ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "crmgen",
            "-C",
            str(root),
            "build",
            "--today",
            TODAY,
            "--out",
            str(into),
        ],
        capture_output=True,
        check=False,
    )
    return {
        p.relative_to(into).as_posix(): p.read_bytes()
        for p in into.rglob("*")
        if p.is_file() and p.name != ".crmgen-site"
    }


def served_files(served: Served, paths: list[str]) -> dict[str, bytes]:
    files = {}
    for path in paths:
        status, body = served.get(path)
        if status == 200:
            files[path] = RELOAD_SCRIPT.sub(b"", body)
    return files


def assert_matches_clean_build(
    served: Served, tmp_path: Path, timeout: float = 15.0
) -> None:
    """Within the wait, every file of a clean build is served byte for byte, and
    the site folder holds no file the clean build lacks."""
    expected = clean_build(served.root, tmp_path / "clean")
    deadline = time.monotonic() + timeout
    while True:
        on_disk = {
            p.relative_to(served.root / "site").as_posix()
            for p in (served.root / "site").rglob("*")
            if p.is_file() and p.name != ".crmgen-site"
        }
        got = served_files(served, sorted(expected))
        if got == expected and on_disk == set(expected):
            return
        if time.monotonic() > deadline:
            differ = sorted(k for k in expected if got.get(k) != expected[k])
            extra = sorted(on_disk - set(expected))
            raise AssertionError(
                f"differ: {differ[:10]}, extra: {extra[:10]}\n{served.output()}"
            )
        assert served.alive(), served.output()
        time.sleep(0.2)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(sample_project(tmp_path))
    yield server
    if server.alive():
        server.stop()


def test_pages_are_served_with_the_reload_script_and_files_without(
    served: Served,
) -> None:
    status, body = served.get("index.html")
    assert status == 200 and RELOAD_SCRIPT.search(body)
    assert not RELOAD_SCRIPT.search((served.root / "site" / "index.html").read_bytes())
    assert served.get("clients/harbour-dental.html")[0] == 200
    assert served.get("no-such-page.html")[0] == 404


def test_editor_saves_and_file_moves(served: Served, tmp_path: Path) -> None:
    clients = served.clients
    target = clients / "harbour-dental.md"
    text = target.read_text(encoding="utf-8")

    # vim: probe file 4913, swap file, backup by rename, new file written.
    (clients / "4913").write_text("")
    (clients / "4913").unlink()
    (clients / ".harbour-dental.md.swp").write_bytes(b"\x00swap")
    os.rename(target, clients / "harbour-dental.md~")
    target.write_text(
        text.replace("name: Harbour Dental", "name: Harbour Dental Care"),
        encoding="utf-8",
    )
    (clients / "harbour-dental.md~").unlink()
    (clients / ".harbour-dental.md.swp").unlink()

    # JetBrains safe write: temporary file renamed over the original.
    other = clients / "cobalt-architects.md"
    jb_tmp = clients / "cobalt-architects.md___jb_tmp___"
    jb_tmp.write_text(
        other.read_text(encoding="utf-8") + "\nA line more.\n", encoding="utf-8"
    )
    os.rename(other, clients / "cobalt-architects.md___jb_old___")
    os.rename(jb_tmp, other)
    (clients / "cobalt-architects.md___jb_old___").unlink()

    # Emacs lock link, created and removed.
    os.symlink("someone@host.123", clients / ".#harbour-dental.md")
    os.unlink(clients / ".#harbour-dental.md")

    # Create, delete, rename, move between folders.
    (clients / "new-lead.md").write_text(
        NEW_CLIENT.format(name="New Lead", summary="hello")
    )
    (clients / "ferncliff-physio.md").unlink()
    os.rename(clients / "osprey-logistics.md", clients / "osprey-freight.md")
    os.rename(clients / "archive" / "saltmarsh-cafe.md", clients / "saltmarsh-cafe.md")

    assert_matches_clean_build(served, tmp_path)
    assert served.get("clients/ferncliff-physio.html")[0] == 404
    assert served.get("clients/osprey-freight.html")[0] == 200
    assert served.get("clients/osprey-logistics.html")[0] == 404
    assert (
        "Harbour Dental Care" in served.get("clients/harbour-dental.html")[1].decode()
    )
    assert served.alive()


def test_broken_file_shows_then_clears(served: Served, tmp_path: Path) -> None:
    target = served.clients / "harbour-dental.md"
    good = target.read_bytes()
    target.write_bytes(b"---\nname: [Harbour\n")
    assert_matches_clean_build(served, tmp_path)
    body = served.get("index.html")[1]
    assert b"problems.html" in body and b"1 error" in body
    assert "clients/harbour-dental.md:1: error:" in served.output()
    target.write_bytes(good)
    assert_matches_clean_build(served, tmp_path)
    assert b"1 error" not in served.get("index.html")[1]


def test_many_saves_and_a_folder_copied_in(served: Served, tmp_path: Path) -> None:
    target = served.clients / "new-lead.md"
    for number in range(40):
        target.write_text(NEW_CLIENT.format(name="Burst", summary=f"save {number}"))
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for number in range(25):
        (incoming / f"copied-{number}.md").write_text(
            NEW_CLIENT.format(name=f"Copied {number}", summary="copied in")
        )
    shutil.copytree(incoming, served.clients / "imported")
    assert_matches_clean_build(served, tmp_path)
    assert b"save 39" in served.get("clients/new-lead.html")[1]
    assert served.get("clients/copied-24.html")[0] == 200


def test_template_and_config_changes_rebuild(served: Served, tmp_path: Path) -> None:
    (served.root / "templates").mkdir()
    shutil.copy(
        REPO / "templates" / "problems.html",
        served.root / "templates" / "problems.html",
    )
    config = served.root / "crmgen.toml"
    config.write_text(config.read_text().replace("stale_days = 14", "stale_days = 30"))
    assert_matches_clean_build(served, tmp_path)


def test_ctrl_c_stops_cleanly(served: Served) -> None:
    assert served.stop() == 0
    assert "stopped" in served.output()


def test_port_in_use_is_a_clear_message(served: Served) -> None:
    port = served.url.rsplit(":", 1)[1].strip("/")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crmgen",
            "-C",
            str(served.root),
            "serve",
            "--port",
            port,
            "--today",
            TODAY,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert f"port {port} is in use" in done.stderr


def test_binding_beyond_this_machine_warns(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "clients").mkdir(parents=True)
    command = ["-C", str(root), "serve", "--port", "0", "--bind", "0.0.0.0"]
    line = first_line(command, root, "stderr")
    assert "anyone who can reach this machine can read your client data" in line


@pytest.mark.browser
def test_open_page_reloads_itself_after_a_save(served: Served, chromium: Any) -> None:
    page = chromium.new_page()
    try:
        page.goto(served.url + "clients/harbour-dental.html")
        assert page.locator("h1").first.inner_text().startswith("Harbour Dental")
        page.wait_for_timeout(300)  # the event stream connects
        target = served.clients / "harbour-dental.md"
        target.write_text(
            target.read_text(encoding="utf-8").replace(
                "name: Harbour Dental", "name: Harbour Dental Reloaded"
            ),
            encoding="utf-8",
        )
        page.wait_for_function(
            "document.querySelector('h1').innerText.includes('Reloaded')", timeout=15000
        )
        page.goto(served.url + "index.html")
        page.wait_for_timeout(300)
        assert page.locator(".banner-error").count() == 0
        target.write_bytes(b"---\nname: [x\n")
        page.wait_for_selector(".banner-error", timeout=15000)
        assert served.alive()
    finally:
        page.close()


def test_files_are_not_cached_and_a_late_page_hears_of_a_rebuild(
    served: Served,
) -> None:
    with urllib.request.urlopen(served.url + "problems.css", timeout=10) as response:
        assert response.headers["Cache-Control"] == "no-store"
    # A page served before the first rebuild (0) whose event stream connects
    # after it is told to reload at once; a stream asking from now on is not.
    target = served.clients / "harbour-dental.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nMore.\n")
    deadline = time.monotonic() + 15
    while "rebuilt" not in served.output():
        assert time.monotonic() < deadline and served.alive(), served.output()
        time.sleep(0.05)
    with urllib.request.urlopen(
        served.url + "__crmgen/events?seen=0", timeout=10
    ) as events:
        assert events.readline() == b": connected\n"
        assert events.readline() == b"\n"
        assert events.readline() == b"data: reload\n"
    with urllib.request.urlopen(
        served.url + "__crmgen/events?seen=%C2%B2", timeout=10
    ) as events:
        assert events.readline() == b": connected\n"


@pytest.mark.browser
def test_a_client_page_shows_and_clears_the_banner_after_saves(
    served: Served, chromium: Any
) -> None:
    """The banner of a client page comes from problems.css, which a reload
    must fetch again, not take from the browser's cache."""
    page = chromium.new_page()
    error = ".banner-live.banner-error"
    try:
        page.goto(served.url + "clients/arden-business-school.html")
        page.wait_for_timeout(300)  # the event stream connects
        assert not page.locator(error).is_visible()
        target = served.clients / "harbour-dental.md"
        good = target.read_bytes()
        target.write_bytes(b"---\nname: [x\n")
        page.wait_for_selector(error, state="visible", timeout=15000)
        target.write_bytes(good)
        page.wait_for_selector(error, state="hidden", timeout=15000)
        assert served.alive()
    finally:
        page.close()


def test_watch_names_the_site_folder_as_build_does(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    line = first_line(["watch", "--today", TODAY], root, "stdout")
    assert re.match(rf"built \d+ client pages into site{re.escape(os.sep)} \(", line)
