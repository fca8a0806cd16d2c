"""The built site in a real browser, opened from file:// as a person would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, ProjectDir, run_cli
from siteproject import TODAY, write_project

pytestmark = pytest.mark.browser

SYMBOLS = {"€": "EUR", "£": "GBP", "$": "USD"}


class Visit:
    """A browser context that lets only the site folder load, and remembers the rest."""

    def __init__(self, browser: Any, site: Path) -> None:
        self.site = site.resolve()
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(f"file://{self.site}/"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, relative: str) -> Any:
        self.page.goto(f"file://{self.site}/{relative}")
        return self.page

    def assert_clean(self) -> None:
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs


def build(root: Path, out: Path, *args: str) -> Path:
    result = run_cli("-C", str(root), "build", "--out", str(out), *args)
    assert result.status in (0, 1), result
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample project, built."""
    return build(REPO, tmp_path_factory.mktemp("sample") / "site")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test project with script-injection attempts in every field, built."""
    project = write_project(ProjectDir(tmp_path_factory.mktemp("hostile") / "project"))
    return build(project.root, project.root / "site", "--today", TODAY)


@pytest.fixture
def visit(chromium: Any, sample: Path) -> Iterator[Visit]:
    found = Visit(chromium, sample)
    yield found
    found.assert_clean()
    found.context.close()


def amounts(text: str) -> dict[str, float]:
    """`€9,000 + £300` as {"EUR": 9000, "GBP": 300}."""
    found = {}
    for part in text.split(" + "):
        match = re.fullmatch(r"(\D+?)\s?([\d,]+(?:\.\d\d)?)", part.strip())
        assert match, text
        code = SYMBOLS.get(match.group(1), match.group(1))
        found[code] = float(match.group(2).replace(",", ""))
    return found


def expected(deals: list[dict[str, Any]], field: str, primary: str) -> dict[str, float]:
    """The sums per currency; zero in the primary one when nothing has a value."""
    sums: dict[str, float] = {}
    for deal in deals:
        if deal[field] is not None:
            sums[deal["currency"]] = sums.get(deal["currency"], 0.0) + deal[field]
    return {code: round(value, 2) for code, value in sums.items()} or {primary: 0.0}


def test_columns_count_and_total_as_data_json(visit: Visit, sample: Path) -> None:
    data = json.loads((sample / "data.json").read_text("utf-8"))
    page = visit.open("index.html")
    open_stages = [s["name"] for s in data["stages"] if s["open"]]
    columns = page.locator("section.column")
    assert columns.count() == len(open_stages)
    for index, stage in enumerate(open_stages):
        column = columns.nth(index)
        assert column.get_attribute("data-stage") == stage
        deals = [d for c in data["clients"] for d in c["deals"] if d["stage"] == stage]
        assert column.locator(".card:visible").count() == len(deals), stage
        assert column.locator('[data-show="count"]').inner_text() == str(len(deals))
        total = column.locator('[data-show="total"]').inner_text()
        weighted = column.locator('[data-show="weighted"]').inner_text()
        assert amounts(total) == expected(deals, "value", data["currency"]), stage
        assert amounts(weighted) == expected(
            deals, "weighted_value", data["currency"]
        ), stage


def test_every_card_shows_its_deal_as_data_json_has_it(
    visit: Visit, sample: Path
) -> None:
    data = json.loads((sample / "data.json").read_text("utf-8"))
    clients = {c["id"]: c for c in data["clients"]}
    page = visit.open("index.html")
    cards = page.locator(".card").evaluate_all(
        """cards => cards.map(c => ({
            client: c.dataset.client,
            name: c.querySelector('.card-title').innerText,
            deal: (c.querySelector('.card-deal') || {}).innerText || null,
            value: c.querySelector('.card-value').innerText,
            probability: c.querySelector('.card-probability').innerText,
            weighted: c.querySelector('.card-weighted').innerText,
            owner: c.querySelector('.card-owner').innerText,
            contact: c.querySelector('.card-contact').innerText,
            badge: c.querySelector('.card-flags .badge').innerText,
            stale: !!c.querySelector('.badge-stale'),
        }))"""
    )
    assert len(cards) == sum(
        1 for c in data["clients"] for d in c["deals"] if d["open"]
    )
    badges = {
        "overdue": "Overdue",
        "today": "Due today",
        "scheduled": "Follow-up",
        "none": "No next step",
    }
    for card in cards:
        client = clients[card["client"]]
        title = card["deal"] or client["name"]
        deal = next(d for d in client["deals"] if d["title"] == title and d["open"])
        assert card["name"] == client["name"]
        assert card["probability"] == f"{deal['probability']}%"
        if deal["value"] is None:
            assert (card["value"], card["weighted"]) == ("—", "—")
        else:
            assert amounts(card["value"]) == {deal["currency"]: deal["value"]}
            weighted = amounts(card["weighted"])
            assert weighted == {deal["currency"]: deal["weighted_value"]}
        assert card["owner"] == client["owner"]
        assert card["contact"].startswith(f"{client['days_since_contact']}d")
        assert card["badge"].startswith(badges[client["follow_up"]])
        assert card["stale"] == client["stale"]


def test_a_filter_narrows_the_cards_and_survives_a_reload(visit: Visit) -> None:
    page = visit.open("index.html")
    everyone = page.locator(".card:visible").count()
    page.select_option("#filter-owner", "anna")
    owners = page.locator(".card:visible").evaluate_all(
        "cards => cards.map(c => c.dataset.owner)"
    )
    assert owners and set(owners) == {"anna"} and len(owners) < everyone
    assert "Owner: anna" in page.locator("#filter-chips").inner_text()
    assert "owner=anna" in page.url
    page.reload()
    assert page.locator("#filter-owner").input_value() == "anna"
    assert page.locator(".card:visible").count() == len(owners)
    shown = sum(
        int(n.inner_text())
        for n in page.locator('section.column [data-show="count"]').all()
    )
    assert shown == len(owners)

    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "filter-q"
    page.keyboard.type("harbour")
    names = page.locator(".card:visible .card-title").all_inner_texts()
    assert names == ["Harbour Dental Group"], names
    page.locator("#filter-chips button", has_text="Clear all").click()
    assert page.locator(".card:visible").count() == everyone
    assert "#" not in page.url or page.url.endswith("#")


def test_the_match_count_counts_clients_once(visit: Visit) -> None:
    # On the follow-ups page a client overdue and stale at once has two rows.
    page = visit.open("followups.html")
    page.select_option("#filter-owner", "anna")
    clients = page.locator("[data-item]").evaluate_all(
        "items => items.map(i => [i.dataset.client, !i.hidden])"
    )
    shown = {client for client, visible in clients if visible}
    rows = sum(visible for _, visible in clients)
    assert rows > len(shown) > 0, "the sample has anna's client in two sections"
    total = len({client for client, _ in clients})
    count = page.locator("#filter-chips .match-count").inner_text()
    assert count == f"{len(shown)} of {total} clients shown"


def test_a_card_leads_to_its_client_page(visit: Visit) -> None:
    page = visit.open("index.html")
    card = page.locator(".card").first
    name = card.locator(".card-title").inner_text()
    client = card.get_attribute("data-client")
    card.locator(".card-title a").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/clients/{client}.html")
    assert page.locator("h1").inner_text() == name
    page.locator(".crumbs a").click()
    assert page.url.endswith("/index.html")


def test_the_follow_up_report_lists_overdue_clients_by_value(
    visit: Visit, sample: Path
) -> None:
    data = json.loads((sample / "data.json").read_text("utf-8"))

    def weighted(client: dict[str, Any]) -> float:
        return sum(
            d["weighted_value"] or 0
            for d in client["deals"]
            if d["open"] and d["currency"] == data["currency"]
        )

    overdue = sorted(
        (c for c in data["clients"] if c["overdue"]),
        key=lambda c: (-weighted(c), c["name"].casefold(), c["id"]),
    )
    page = visit.open("followups.html")
    rows = page.locator("#overdue .fu-row")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.client)") == [
        c["id"] for c in overdue
    ]
    assert page.locator("#overdue .fu-name").first.inner_text() == overdue[0]["name"]
    page.select_option("#filter-owner", "ben")
    owners = set(
        page.locator(".fu-row:visible").evaluate_all(
            "rows => rows.map(r => r.dataset.owner)"
        )
    )
    assert owners == {"ben"}


def test_pages_load_only_from_the_site_folder(visit: Visit, sample: Path) -> None:
    pages = [
        "index.html",
        "followups.html",
        "problems.html",
        *(f"clients/{p.name}" for p in sorted((sample / "clients").iterdir())),
    ]
    for relative in pages:
        page = visit.open(relative)
        sheets = 2 if relative.startswith("clients/") else 1  # with problems.css
        assert page.locator("link[rel=stylesheet]").count() == sheets
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px", (
            "the stylesheet did not load"
        )
    assert visit.outside == []


def test_hostile_notes_run_nothing(chromium: Any, hostile: Path) -> None:
    visit = Visit(chromium, hostile)
    try:
        for relative in (
            "clients/evil-corp.html",
            "index.html",
            "followups.html",
            "problems.html",
            "index.html#q=%3Cimg%20src%3Dx%20onerror%3D"
            "alert(1)%3E&owner=%3C%2Fscript%3E",
        ):
            page = visit.open(relative)
            page.mouse.move(200, 300)
            page.wait_for_timeout(100)
            assert (
                page.evaluate(
                    "document.querySelectorAll('injected, #injected, "
                    "iframe, svg script').length"
                )
                == 0
            )
            scripts = page.evaluate(
                "Array.from(document.scripts).map(s => s.src.split('/').pop()"
                " || s.type)"
            )
            assert set(scripts) <= {"board.js", "application/json"}, scripts
        chips = page.locator("#filter-chips").inner_text()
        assert "<img src=x onerror=alert(1)>" in chips
        # The notes' own <img src=x> (its handler stripped) points at no file.
        visit.errors = [e for e in visit.errors if "ERR_FILE_NOT_FOUND" not in e]
        visit.assert_clean()
    finally:
        visit.context.close()


def test_without_javascript_the_board_is_complete(chromium: Any, sample: Path) -> None:
    data = json.loads((sample / "data.json").read_text("utf-8"))
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"file://{sample.resolve()}/index.html")
        open_deals = [d for c in data["clients"] for d in c["deals"] if d["open"]]
        assert page.locator(".card").count() == len(open_deals)
        assert page.locator(".card:visible").count() == len(open_deals)
        assert not page.locator("#filters").is_visible()
        counts = page.locator('section.column [data-show="count"]').all_inner_texts()
        assert sum(map(int, counts)) == len(open_deals)
    finally:
        context.close()


COUNTS = """(selector) => getComputedStyle(
    document.querySelector(selector), "::before").content"""


def test_a_client_page_shows_the_problems_of_its_build(
    chromium: Any, hostile: Path, sample: Path
) -> None:
    """The counts on a client page come from problems.css, which every build
    writes: the page itself stays the same while the problems change."""
    seen = Visit(chromium, hostile)
    page = seen.open("clients/acme-tools.html")
    assert page.locator(".banner-live.banner-error").is_visible()
    assert not page.locator(".banner-live.banner-warning").is_visible()
    assert page.evaluate(COUNTS, ".problem-counts") == '"1 error and 2 warnings"'
    assert page.locator(".problems-live").is_visible()
    assert page.evaluate(COUNTS, ".problems-live") == '"3"'
    page.locator(".banner-live.banner-error a").click()
    assert page.url.endswith("/problems.html")
    seen.assert_clean()
    seen.context.close()
    clean = Visit(chromium, sample)
    page = clean.open("clients/arden-business-school.html")
    assert page.locator(".banner-live").count() == 2
    assert not page.locator(".banner-live").first.is_visible()
    assert not page.locator(".banner-live").last.is_visible()
    assert not page.locator(".problems-live").is_visible()
    clean.assert_clean()
    clean.context.close()
