"""`crmgen today`: the call list from the derived facts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from conftest import ProjectDir

from crmgen.commands import today
from crmgen.loader import load_project


def client(project: ProjectDir, client_id: str, extra: str, owner: str = "mei") -> None:
    project.client(
        client_id,
        (
            f'---\nname: {client_id.title()}\nphone: "+1 555 {len(client_id)}"\n'
            f"email: {client_id}@x.example\nowner: {owner}\nfirst_contact: 2026-01-02\n"
            f"{extra}\n---\n\n## Log\n\n### 2026-02-01 call: talked prices\n"
            f"They want a discount.\n"
        ).encode(),
    )


@pytest.fixture
def calls(project: ProjectDir) -> ProjectDir:
    client(project, "small", "stage: lead\nvalue: 100\nnext_follow_up: 2026-02-05")
    client(project, "big", "stage: proposal\nvalue: 9000\nnext_follow_up: 2026-02-08")
    client(project, "due", "stage: lead\nnext_follow_up: 2026-02-10")
    client(project, "quiet", "stage: lead\nnext_follow_up: 2026-04-01", owner="bob")
    client(project, "fine", "stage: lead\nnext_follow_up: 2026-02-20")
    client(
        project, "done", "stage: won\nclosed_on: 2026-01-05\nnext_follow_up: 2026-01-09"
    )
    return project


def test_overdue_most_valuable_first_then_due_then_stale(calls: ProjectDir) -> None:
    result = calls.run("today", "--today", "2026-02-28")
    assert result.status == 0, result
    out = result.out
    assert "\x1b[" not in out
    order = [out.index(f"({name})") for name in ("big", "small", "quiet")]
    assert order == sorted(order), out
    assert "Overdue (4)" in out  # big, small, due, fine; done is closed
    assert "(done)" not in out
    assert "Stale, not listed above (1)\n  Quiet (quiet), follow-up 2026-04-01" in out
    assert (
        "phone +1 555 3  ·  email big@x.example  ·  last contact 2026-02-01 "
        "(27 days ago)" in out
    )
    assert "2026-02-01 call: talked prices — They want a discount." in out


def test_a_contact_today_reads_today_in_the_terminal_and_on_the_site(
    calls: ProjectDir,
) -> None:
    client(calls, "now", "stage: lead\nnext_follow_up: 2026-02-01")  # called today
    result = calls.run("today", "--today", "2026-02-01")
    assert "last contact 2026-02-01 (today)" in result.out
    assert calls.run("build", "--today", "2026-02-01", "--no-git").status == 0
    site = calls.root / "site"
    for page in (site / "followups.html", site / "clients" / "now.html"):
        text = page.read_text(encoding="utf-8")
        assert "(today)" in text and " ago" not in text, page


def test_due_today_and_owner_filter(calls: ProjectDir) -> None:
    result = calls.run("today", "--today", "2026-02-10", "--owner", "MEI")
    assert result.status == 0, result
    assert "Due today (1)\n  Due (due)" in result.out
    assert "(quiet)" not in result.out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_unless_no_color(
    calls: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert today.wants_colour(Terminal())
    assert not today.wants_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not today.wants_colour(Terminal())
    project = load_project(calls.root, dt.date(2026, 2, 28))
    assert "\x1b[1;31mOverdue (4)\x1b[0m" in today.render(project, None, colour=True)


def test_an_owner_no_client_has_is_refused(project: ProjectDir) -> None:
    project.client(
        "acme",
        "---\nname: A\nowner: anna\nfirst_contact: 2026-01-05\nstage: lead\n---\n",
    )
    for command in (("today",), ("report", "forecast")):
        result = project.run(*command, "--owner", "nobody")
        assert result.status == 2, result
        assert "no client has owner 'nobody' (owners: anna)" in result.err
        assert project.run(*command, "--owner", "ANNA").status == 0


def test_open_clients_with_no_next_step_close_the_list(calls: ProjectDir) -> None:
    client(calls, "unplanned", "stage: proposal\nvalue: 500")
    client(calls, "unplanned-big", "stage: proposal\nvalue: 5000")
    client(calls, "lost-one", "stage: lost\nclosed_on: 2026-02-01\nlost_reason: price")
    result = calls.run("today", "--today", "2026-02-10")
    assert result.status == 0, result
    section = result.out.split("No next step, not listed above (2)\n", 1)[1]
    heads = [line for line in section.splitlines() if line[2:3] not in (" ", "")]
    assert heads[0].startswith("  Unplanned-Big (unplanned-big)"), section
    assert heads[1].startswith("  Unplanned (unplanned)"), section
    assert "(lost-one)" not in result.out


def test_a_stale_client_says_its_follow_up_date_or_that_it_has_none(
    project: ProjectDir,
) -> None:
    client(project, "dateless", "stage: lead")
    client(project, "dated", "stage: lead\nnext_follow_up: 2026-09-01")
    out = project.run("today", "--today", "2026-08-01").out
    assert "Stale, not listed above (2)" in out
    assert "  Dateless (dateless), no follow-up date\n" in out
    assert "  Dated (dated), follow-up 2026-09-01\n" in out
