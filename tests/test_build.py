"""`crmgen build`: the site on disk, its safety, its numbers and its snapshots."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ProjectDir
from siteproject import TODAY, write_project

from crmgen.build import MARKER
from crmgen.loader import load_project
from crmgen.render import money
from crmgen.site import render_site

SNAPSHOTS = Path(__file__).parent / "snapshots" / "site"
ACTIVE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "form",
    "svg",
    "base",
    "meta",
    "link",
    "frame",
    "math",
}


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags_of(path: Path) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(path.read_text("utf-8"))
    return parser.tags


def built(project: ProjectDir, *args: str) -> Path:
    result = project.run("build", "--today", TODAY, *args)
    assert result.status in (0, 1), result
    return project.root / "site"


def test_build_writes_the_whole_site_and_fails_on_errors(project: ProjectDir) -> None:
    result = write_project(project).run("build", "--today", TODAY)
    assert result.status == 1, result
    assert "clients/broken.md:1: error: `name` is required" in result.out
    assert "open site/index.html" in result.out or "index.html" in result.out, result
    site = project.root / "site"
    for name in (
        "index.html",
        "followups.html",
        "problems.html",
        "data.json",
        "followups.ics",
        "followups-anna.ics",
        "static/site.css",
        "static/board.js",
        MARKER,
        "clients/acme-tools.html",
        "clients/evil-corp.html",
    ):
        assert (site / name).is_file(), name
    assert not (site / "clients/broken.html").exists()


def test_a_clean_project_exits_0(project: ProjectDir) -> None:
    project.client(
        "solo",
        """
        ---
        name: Solo
        first_contact: 2026-11-01
        stage: lead
        ---
    """,
    )
    result = project.run("build", "--today", TODAY)
    assert result.status == 0, result
    assert (
        "problems"
        not in (project.root / "site/index.html")
        .read_text()
        .split("<main")[0]
        .split("<nav")[0]
    )


def test_problems_show_on_every_page(project: ProjectDir) -> None:
    site = built(write_project(project))
    for page in ("index.html", "followups.html"):
        text = (site / page).read_text()
        assert 'class="banner banner-error"' in text, page
        assert "1 error and 2 warnings</strong>" in text and "problems.html" in text
    # A client page's banner is shown by problems.css, which each build writes
    # (a browser test sees it): the page stays the same while problems change.
    client = (site / "clients" / "acme-tools.html").read_text()
    assert '<link rel="stylesheet" href="../problems.css">' in client
    assert 'class="banner banner-error banner-live" role="status" hidden>' in client
    assert "warning" not in client.split('<main id="main"')[0].replace("-warning", "")
    css = (site / "problems.css").read_text()
    assert ".banner-live.banner-error { display: block !important; }" in css
    assert '.problem-counts::before { content: "1 error and 2 warnings"; }' in css
    assert '.problems-live::before { content: "3"; }' in css
    problems = (site / "problems.html").read_text()
    assert "clients/broken.md:1" in problems and "clients/broken.md:5" in problems


def test_without_problems_the_client_pages_show_no_banner(
    project: ProjectDir,
) -> None:
    project.client(
        "acme",
        """\
        ---
        name: Acme
        stage: lead
        first_contact: 2026-11-01
        next_follow_up: 2026-12-04
        ---
        """,
    )
    site = built(project)
    assert project.run("check", "--today", TODAY).status == 0
    css = (site / "problems.css").read_text()
    assert "display" not in css and "content" not in css


def test_data_json_is_the_export_document(project: ProjectDir) -> None:
    site = built(write_project(project))
    exported = project.run("export", "json", "--today", TODAY)
    text = (site / "data.json").read_text("utf-8")
    assert json.loads(text) == json.loads(exported.out)
    # Each client sits on its own line, so a diff of two builds names clients.
    lines = [line for line in text.splitlines() if line.startswith('    {"id": ')]
    assert len(lines) == len(json.loads(text)["clients"]) > 1


def test_the_same_input_gives_the_same_bytes(
    project: ProjectDir, tmp_path: Path
) -> None:
    write_project(project)
    project.run("build", "--today", TODAY, "--out", str(tmp_path / "one"))
    project.run("build", "--today", TODAY, "--out", str(tmp_path / "two"))
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one == two


def test_every_link_is_relative_and_resolves(project: ProjectDir) -> None:
    site = built(write_project(project))
    for page in site.rglob("*.html"):
        for tag, attrs in tags_of(page):
            for name in ("src", "href"):
                target = attrs.get(name)
                if target is None or target.startswith(("#", "mailto:", "tel:")):
                    continue
                if tag == "a" and target.startswith("https://"):
                    continue  # a link a person may follow; nothing loads by itself
                assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//|^/", target, re.I), (
                    page,
                    tag,
                    target,
                )
                resolved = (page.parent / target.split("#")[0]).resolve()
                assert site.resolve() in resolved.parents, (page, target)
                # An image a note names may be missing; every link of ours exists.
                assert tag == "img" or resolved.is_file(), (page, target)


def test_nothing_typed_becomes_active_markup(project: ProjectDir) -> None:
    site = built(write_project(project))
    for page in (
        "clients/evil-corp.html",
        "index.html",
        "followups.html",
        "problems.html",
    ):
        for tag, attrs in tags_of(site / page):
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            if tag == "script":
                assert attrs in (
                    {"type": "application/json", "id": "site-data"},
                    {"src": "static/board.js"},
                ), (page, attrs)
            elif tag == "link":
                static = "../static/" if "/" in page else "static/"
                assert attrs in (
                    {"rel": "stylesheet", "href": f"{static}site.css"},
                    {"rel": "stylesheet", "href": "../problems.css"},  # client pages
                    {
                        "rel": "icon",
                        "href": f"{static}icon.svg",
                        "type": "image/svg+xml",
                    },
                ), (page, attrs)
            elif tag == "form":
                assert attrs.get("id") == "filters", (page, attrs)
            elif tag != "meta":
                assert tag not in ACTIVE_TAGS, (page, tag)
            for name in ("href", "src", "action", "formaction"):
                value = re.sub(r"\s", "", attrs.get(name, "")).lower()
                assert not value.startswith(("javascript:", "vbscript:", "data:")), (
                    page,
                    tag,
                    attrs,
                )
            assert attrs.get("id") != "injected"


def test_embedded_json_keeps_hostile_values_inert(project: ProjectDir) -> None:
    site = built(write_project(project))
    html = (site / "index.html").read_text()
    found = re.search(
        r'<script type="application/json" id="site-data">(.*?)</script>', html, re.S
    )
    assert found is not None
    assert "<" not in found.group(1)
    data = json.loads(found.group(1))
    assert "</script><script>alert('owner')</script>" in data["owners"]


def column_of(html: str, stage: str) -> str:
    found = re.search(
        rf'<section class="column" data-group data-stage="{stage}".*?'
        r"</section>",
        html,
        re.S,
    )
    assert found is not None, stage
    return found.group(0)


def shown(html: str, what: str) -> str:
    found = re.search(rf'data-show="{what}">([^<]*)<', html)
    assert found is not None, what
    return found.group(1)


def test_board_numbers_equal_data_json(project: ProjectDir) -> None:
    site = built(write_project(project))
    html = (site / "index.html").read_text()
    data = json.loads((site / "data.json").read_text())
    for stage in ("lead", "qualified", "proposal", "negotiation"):
        deals = [
            deal
            for client in data["clients"]
            for deal in client["deals"]
            if deal["stage"] == stage
        ]
        column = column_of(html, stage)
        assert column.count("data-item ") == len(deals)
        assert shown(column, "count") == str(len(deals))
        for field, what in (("value", "total"), ("weighted_value", "weighted")):
            sums: dict[str, float] = {}
            for deal in deals:
                if deal[field] is not None:
                    sums[deal["currency"]] = sums.get(deal["currency"], 0) + deal[field]
            sums = sums or {"EUR": 0.0}  # zero only when no deal has a value
            expected = " + ".join(
                money(round(sums[code], 2), code)
                for code in sorted(sums, key=lambda c: c != "EUR")
            )
            assert shown(column, what) == expected, (stage, what)


def test_follow_up_page_lists_the_overdue_in_order(project: ProjectDir) -> None:
    site = built(write_project(project))
    html = (site / "followups.html").read_text()
    overdue = re.search(
        r'<section class="fu-section fu-overdue".*?</section>', html, re.S
    )
    assert overdue is not None
    assert re.findall(r'data-client="([^"]+)"', overdue.group(0)) == [
        "acme-tools",
        "evil-corp",
    ]
    assert 'href="tel:+35315550100"' in overdue.group(0)
    assert 'href="mailto:ann@acme.example"' in overdue.group(0)


def test_client_page_shows_fields_deals_history_and_log(project: ProjectDir) -> None:
    site = built(write_project(project))
    html = (site / "clients/acme-tools.html").read_text()
    for fragment in (
        "Acme Tools Ltd",
        "Ann Smith",
        "<dt>industry</dt><dd>tools</dd>",
        "<strong>hand tools</strong>",
        "€10,000",
        "60%",
        "€6,000",
        "lead → <strong>proposal</strong>",
    ):
        assert fragment in html, fragment
    order = [
        html.index(s)
        for s in (
            "Asked for a revised quote",
            "lead -&gt; proposal"
            if "lead -&gt; proposal" in html
            else "Sent the proposal",
            "First contact</h3>",
        )
    ]
    assert order == sorted(order), "log is newest first"
    beta = (site / "clients/beta-cafes.html").read_text()
    assert "£5,000" in beta and "Espresso machines" in beta and "Grinders" in beta


def test_refuses_folders_it_must_not_replace(
    project: ProjectDir, tmp_path: Path
) -> None:
    write_project(project)
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "thesis.txt").write_text("precious")
    for out in (
        project.root,
        project.root / "clients",
        project.root / "templates",
        project.root / "clients" / "site",
        keep,
        tmp_path,
    ):
        result = project.run("build", "--today", TODAY, "--out", str(out))
        assert result.status == 2, (out, result)
        assert "refusing" in result.err or "not built by crmgen" in result.err, result
    assert (keep / "thesis.txt").read_text() == "precious"
    assert sorted(p.name for p in (project.root / "clients").iterdir()) == sorted(
        f"{name}.md"
        for name in (
            "acme-tools",
            "beta-cafes",
            "gamma-hotel",
            "delta-group",
            "epsilon-bar",
            "evil-corp",
            "broken",
        )
    )


def test_configured_output_outside_the_project_is_refused(project: ProjectDir) -> None:
    project.write("crmgen.toml", '[site]\noutput = "../elsewhere"\n')
    result = project.run("build", "--today", TODAY)
    assert "crmgen.toml:2: error: `output` must be a folder inside" in result.out
    assert not (project.root.parent / "elsewhere").exists()


def test_a_rebuild_replaces_the_old_site_whole(project: ProjectDir) -> None:
    site = built(write_project(project))
    (project.root / "clients/gamma-hotel.md").unlink()
    built(project)
    assert not (site / "clients/gamma-hotel.html").exists()
    assert (site / MARKER).is_file()
    leftovers = [p.name for p in project.root.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def test_a_failing_template_leaves_the_old_site(project: ProjectDir) -> None:
    site = built(write_project(project))
    before = (site / "index.html").read_bytes()
    project.write("templates/client.html", "{{ no_such_variable }}")
    result = project.run("build", "--today", TODAY)
    assert result.status == 2 and "template" in result.err, result
    assert (site / "index.html").read_bytes() == before
    assert (site / "clients/acme-tools.html").is_file()
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".site")] == []


def test_leftovers_of_an_interrupted_build_are_cleaned(project: ProjectDir) -> None:
    write_project(project)
    ours = project.root / ".site.tmp-abc123"
    ours.mkdir()
    (ours / MARKER).write_text("")
    theirs = project.root / ".site.tmp-notours"
    theirs.mkdir()
    built(project)
    assert not ours.exists()
    assert theirs.is_dir()


def test_an_empty_folder_may_be_the_output(project: ProjectDir, tmp_path: Path) -> None:
    write_project(project)
    empty = tmp_path / "public"
    empty.mkdir()
    result = project.run("build", "--today", TODAY, "--out", str(empty))
    assert result.status == 1, result
    assert (empty / "index.html").is_file()


def snapshot_pages(project: ProjectDir) -> dict[str, bytes]:
    """The rendered pages and calendars of the test project (not data.json)."""
    from datetime import date

    files = render_site(
        load_project(write_project(project).root, date.fromisoformat(TODAY))
    )
    return {
        name: data for name, data in files.items() if name.endswith((".html", ".ics"))
    }


def test_pages_match_their_snapshots(project: ProjectDir) -> None:
    pages = snapshot_pages(project)
    if os.environ.get("CRMGEN_UPDATE_SNAPSHOTS") == "1":
        for name, data in pages.items():
            path = SNAPSHOTS / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    stored = {
        p.relative_to(SNAPSHOTS).as_posix() for p in SNAPSHOTS.rglob("*") if p.is_file()
    }
    assert stored == set(pages), "run with CRMGEN_UPDATE_SNAPSHOTS=1 to update"
    for name, data in pages.items():
        stored_bytes = (SNAPSHOTS / name).read_bytes()
        assert data == stored_bytes, (
            f"{name} differs from its snapshot; if the change is intended, run "
            f"CRMGEN_UPDATE_SNAPSHOTS=1 pytest tests/test_build.py"
        )


@pytest.mark.parametrize("page", ["index.html", "followups.html"])
def test_cards_carry_what_the_filters_need(project: ProjectDir, page: str) -> None:
    site = built(write_project(project))
    items = [attrs for tag, attrs in tags_of(site / page) if "data-item" in attrs]
    assert items
    for attrs in items:
        assert json.loads(attrs["data-tags"]) is not None
        assert attrs["data-search"] == attrs["data-search"].lower()


def test_long_columns_fold_the_less_urgent_cards(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("crmgen.board.COLUMN_LIMIT", 1)
    monkeypatch.setattr("crmgen.board.CLOSED_LIMIT", 0)
    site = built(write_project(project))
    lead = column_of((site / "index.html").read_text(), "lead")
    shown, folded = lead.split('<details class="more" data-more>')
    assert re.findall(r'data-client="([^"]+)"', shown) == ["evil-corp"]
    assert re.findall(r'data-client="([^"]+)"', folded) == ["beta-cafes", "gamma-hotel"]
    assert "2 more, less urgent" in folded
    assert shown.count('data-show="count">3<') == 1


def test_a_column_past_its_limit_folds_the_rest_briefly(project: ProjectDir) -> None:
    from crmgen.board import COLUMN_LIMIT

    for number in range(COLUMN_LIMIT + 2):
        project.client(
            f"c{number:03d}",
            f"---\nname: Client {number}\nfirst_contact: 2026-01-05\nstage: lead\n"
            f"value: {number}\n---\n",
        )
    out = project.root / "out"
    assert project.run("build", "--today", "2026-01-06", "--out", str(out)).status == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "2 more, less urgent" in page
    assert page.count('<li class="card ') == COLUMN_LIMIT
    assert page.count('<li class="card-brief"') == 2
    assert page.count("data-item") == COLUMN_LIMIT + 2
