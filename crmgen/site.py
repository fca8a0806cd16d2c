"""Render the site: every page and file as {relative path: bytes}, nothing written.

`render_site` is a function of the loaded project alone (its `today` included),
so the same input always gives the same bytes. The single-page functions let an
incremental build re-render only what changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import jinja2

from crmgen.board import build_board
from crmgen.derive import Facts, facts, newest_first
from crmgen.document import client_line, is_line_of, site_document
from crmgen.followups import build_sections
from crmgen.fragments import Briefs, Fragments
from crmgen.gitfacts import GitFacts
from crmgen.ids import owner_files
from crmgen.loader import Project
from crmgen.model import Client
from crmgen.render import SYMBOLS, environment, static_source
from crmgen.totals import shown_currency
from crmgen.weekly import from_files
from crmgen.weeklypage import PAGE, render_weekly

STATIC_FILES = ("site.css", "board.js", "reports.css", "icon.svg")
# Front-matter keys the client page shows in its own places, not under "Details".
SHOWN_ELSEWHERE = frozenset(
    {
        "name",
        "company",
        "contact",
        "title",
        "email",
        "phone",
        "website",
        "address",
        "source",
        "owner",
        "tags",
        "next_follow_up",
        "last_contact",
        "first_contact",
        "deals",
        "stage",
        "probability",
        "value",
        "currency",
        "expected_close",
        "closed_on",
        "lost_reason",
    }
)


# Where a client's line lies in data.json: its offset and length in bytes.
LINE_PLACE = struct.Struct("<QQ")
LINE_KEY = b"json at\0"


@dataclass(frozen=True, slots=True)
class Site:
    """What every page needs: the project, each client's facts, filter choices.

    calendars: each owner's calendar file name.
    pages: problem path -> client page, for problems that belong to a loaded client.
    nav: (file, label) of each page in the navigation.
    currency: the one totals lead with (see totals.shown_currency).
    briefs: the one-line cards and rows kept between builds, if any.
    """

    project: Project
    facts: Mapping[str, Facts]
    owners: tuple[str, ...]
    tags: tuple[str, ...]
    calendars: Mapping[str, str]
    pages: Mapping[str, str]
    nav: tuple[tuple[str, str], ...]
    currency: str
    briefs: Briefs


def _nav(env: jinja2.Environment) -> tuple[tuple[str, str], ...]:
    """The pages in the navigation; Reports appears once its template exists."""
    pages = [("index.html", "Board"), ("followups.html", "Follow-ups")]
    if PAGE in env.list_templates():
        pages.append((PAGE, "Week over week"))
    if "reports.html" in env.list_templates():
        pages.append(("reports.html", "Reports"))
    pages.append(("problems.html", "Problems"))
    return tuple(pages)


def prepare(
    env: jinja2.Environment, project: Project, fragments: Fragments | None = None
) -> Site:
    """Derive every client's facts once and collect what the pages share;
    fragments: where the one-line cards and rows are kept between builds."""
    clients = project.clients
    found = {c.id: facts(c, project.config, project.today) for c in clients}
    owners = tuple(sorted({c.owner for c in clients if c.owner}, key=str.casefold))
    tags = tuple(sorted({t for c in clients for t in c.tags}, key=str.casefold))
    pages = {c.path: f"clients/{c.id}.html" for c in clients}
    env.globals["today"] = project.today
    deals = (deal for client in clients for deal in client.deals)
    currency = shown_currency(deals, project.config.currency)
    files = owner_files(owners)
    briefs = Briefs(fragments, project.digests, project.today, currency)
    return Site(project, found, owners, tags, files, pages, _nav(env), currency, briefs)


def _common(site: Site, page: str, root: str) -> dict[str, Any]:
    """The variables of every template: the site, the page's name and the way home."""
    project = site.project
    return {
        "site": site,
        "briefs": site.briefs,
        "config": project.config,
        "today": project.today,
        "problems": project.problems,
        "errors": project.errors,
        "warnings": project.warnings,
        "counts": problem_counts(project.errors, project.warnings),
        "page": page,
        "root": root,
    }


def details(client: Client) -> list[tuple[str, str]]:
    """Front-matter keys not shown elsewhere on the page, as written."""
    shown = []
    for key, value in client.front_matter.items():
        if key in SHOWN_ELSEWHERE or value is None:
            continue
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        shown.append((key, str(value)))
    return shown


def render_client_page(env: jinja2.Environment, site: Site, client: Client) -> str:
    """`clients/<id>.html`."""
    log = newest_first(client)
    history = [e for e in reversed(log) if e.change is not None]
    # Nothing of the project's problems: a client page stays the same while
    # they change elsewhere, and problems.css shows its banner (see _banner.html).
    shared = _common(site, "client", "../") | {
        "problems": (),
        "errors": 0,
        "warnings": 0,
        "counts": "",
    }
    return env.get_template("client.html").render(
        shared,
        client=client,
        facts=site.facts[client.id],
        log=log,
        history=history,
        details=details(client),
    )


def board_data(site: Site) -> dict[str, Any]:
    """What board.js needs beyond the cards: currency symbols and filter choices."""
    return {
        "currency": site.currency,
        "symbols": SYMBOLS,
        "owners": list(site.owners),
        "tags": list(site.tags),
    }


def summary_streams(
    env: jinja2.Environment, site: Site, history: GitFacts | None = None
) -> dict[str, Iterable[str]]:
    """The pages that summarise every client: board, follow-ups, reports, problems
    and week over week; history: what git adds (without it, the files alone).

    Each page is a lazy stream of text: nothing is worked out until it is
    read, so that the pages can be written one at a time, or in different
    processes, and the board and follow-ups, which grow with the client
    count, are rendered as they are written.
    """
    project = site.project
    data = board_data(site)

    def board() -> Iterator[str]:
        columns = build_board(
            project.clients, site.facts, project.config, project.today, site.currency
        )
        return env.get_template("board.html").generate(
            _common(site, "board", ""), board=columns, data=data
        )

    def followups() -> Iterator[str]:
        sections = build_sections(
            project.clients, site.facts, project.config, project.today, site.currency
        )
        return env.get_template("followups.html").generate(
            _common(site, "followups", ""),
            sections=sections,
            data=data,
            week_end=project.today + dt.timedelta(days=7),
        )

    def problems() -> Iterable[str]:
        template = env.get_template("problems.html")
        return (template.render(_common(site, "problems", "")),)

    def weekly() -> Iterable[str]:
        report = history.weekly if history else None
        return (
            render_weekly(
                env, _common(site, "weekly", ""), report or from_files(project)
            ),
        )

    def reports() -> Iterable[str]:
        # Imported here, as calendars below: a build that rewrites only client
        # pages (see crmgen.cutoff) needs neither, and they take long to load.
        from crmgen.reports_page import render_reports

        moves = history.moves if history else ()
        common = _common(site, "reports", "")
        return (render_reports(env, common, project, moves, site.facts),)

    pages: dict[str, Iterable[str]] = {
        "index.html": _later(board),
        "followups.html": _later(followups),
        "problems.html": _later(problems),
        "problems.css": (problems_css(project),),
    }
    if PAGE in env.list_templates():
        pages[PAGE] = _later(weekly)
    if ("reports.html", "Reports") in site.nav:
        pages["reports.html"] = _later(reports)
    return pages


def problem_counts(errors: int, warnings: int) -> str:
    """What the problems banner says there are: `1 error and 2 warnings`;
    "" when there are none."""
    return " and ".join(
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    )


def problems_css(project: Project) -> str:
    """The stylesheet that shows the client pages' problems banner and the
    count beside Problems in their navigation, while there are problems."""
    lines = ["/* The client pages' problems banner, written with each build. */"]
    counts = problem_counts(project.errors, project.warnings)
    if counts:
        shown = ".banner-error" if project.errors else ".banner-warning"
        lines += [
            # Over site.css's `[hidden] { display: none !important }`.
            f".banner-live{shown} {{ display: block !important; }}",
            f'.problem-counts::before {{ content: "{counts}"; }}',
            ".nav-count.problems-live { display: inline-block; }",
            f'.problems-live::before {{ content: "{len(project.problems)}"; }}',
        ]
    return "\n".join(lines) + "\n"


def render_summary_pages(
    env: jinja2.Environment, site: Site, history: GitFacts | None = None
) -> dict[str, str]:
    """The summary pages whole (see summary_streams)."""
    streams = summary_streams(env, site, history)
    return {name: "".join(pieces) for name, pieces in streams.items()}


def _later(make: Callable[[], Iterable[str]]) -> Iterator[str]:
    """The pieces make gives, made only once the first one is read."""
    yield from make()


def machine_streams(
    project: Project,
    fragments: Fragments | None = None,
    old_data: Path | None = None,
    data: Iterable[bytes] | None = None,
) -> dict[str, Iterable[bytes]]:
    """data.json (the `export json` document, a line per client) and the
    follow-up calendars, each as pieces to write in turn. fragments keeps
    calendar events between builds, and where each client's line lies in
    data.json: with old_data, the last build's data.json untouched since,
    unchanged lines come from it. data: data.json made otherwise (watch)."""
    from crmgen.calendar import calendars  # see summary_streams

    if data is None and fragments is not None:
        data = _data_reusing(project, fragments, old_data)
    files: dict[str, Iterable[bytes]] = {
        "data.json": site_document(project) if data is None else data
    }
    title, today = project.config.title, project.today
    memo = fragments.get if fragments is not None else None
    made = calendars(project.clients, title, today, memo)
    for name, calendar in made.items():
        files[name] = (calendar,)
    return files


def _data_reusing(
    project: Project, fragments: Fragments, old_data: Path | None
) -> Iterator[bytes]:
    """document_reusing with the places kept in fragments (see line_key)."""
    keys = {
        client.path: line_key(client.path, digest, project.today)
        for client in project.clients
        if (digest := project.digests.get(client.path)) is not None
    }

    def place_of(client: Client) -> tuple[int, int] | None:
        key = keys.get(client.path)
        return kept_place(fragments, key) if key is not None else None

    def placed(client: Client, offset: int, length: int) -> None:
        key = keys.get(client.path)
        if key is not None:
            fragments.put(key, LINE_PLACE.pack(offset, length))

    return document_reusing(project, old_data, place_of, placed)


def kept_place(fragments: Fragments, key: bytes) -> tuple[int, int] | None:
    """Where the last build put a line of data.json (offset, length), if it
    kept that (see line_key)."""
    where = fragments.kept(key)
    if where is None or len(where) != LINE_PLACE.size:
        return None
    offset, length = LINE_PLACE.unpack(where)
    return offset, length


def line_at(data: BinaryIO, client: Client, offset: int, length: int) -> bytes | None:
    """The client's line of a data.json at this place; None when the bytes
    there are not that whole line: a place kept wrong (a lost cache write,
    say) must not lend a client another's line, or part of one."""
    data.seek(offset)
    read = data.read(length + 1)
    line, after = read[:length], read[length:]
    return line if len(line) == length and is_line_of(client, line, after) else None


def line_key(path: str, digest: bytes, today: dt.date) -> bytes:
    """The key in fragments of where a client's line lies in data.json: its
    file (path and bytes: the line shows both) and today."""
    day = today.isoformat().encode()
    return b"%s%s\0%s\0%s" % (LINE_KEY, path.encode(), digest, day)


def document_reusing(
    project: Project,
    old_data: Path | None,
    place_of: Callable[[Client], tuple[int, int] | None],
    placed: Callable[[Client, int, int], None],
) -> Iterator[bytes]:
    """site_document, each client's line read from old_data (a data.json known
    to be the one written last) where place_of says its unchanged line lies;
    placed is told where each line of the new one lies."""
    with contextlib.ExitStack() as stack:
        old = stack.enter_context(open(old_data, "rb")) if old_data else None

        def line_of(client: Client) -> bytes:
            where = place_of(client) if old is not None else None
            line = line_at(old, client, *where) if old and where else None
            return line if line is not None else client_line(client, project)

        yield from site_document(project, line_of, placed)


def machine_files(project: Project) -> dict[str, bytes]:
    """The machine files whole (see machine_streams)."""
    streams = machine_streams(project)
    return {name: b"".join(pieces) for name, pieces in streams.items()}


def render_site(project: Project, history: GitFacts | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path relative to the site folder.

    history: what git history adds (stage moves, week over week); without it
    the pages use the files alone.
    """
    env = environment(project.root)
    site = prepare(env, project)
    files = {f"static/{name}": static_source(env, name) for name in STATIC_FILES}
    for name, text in render_summary_pages(env, site, history).items():
        files[name] = text.encode("utf-8")
    for client in project.clients:
        files[f"clients/{client.id}.html"] = render_client_page(
            env, site, client
        ).encode("utf-8")
    files.update(machine_files(project))
    return dict(sorted(files.items()))
