"""A build after edits to nothing but Markdown: only the edited pages change.

The board, the follow-ups, the reports, the problems, week over week and the
calendars show every client, but never the Markdown of its notes and log
entries: only the client's own page and its line of data.json do. When the
client files that changed since the last build differ from what it read in that
text alone (the same front matter, the same log headings, the same problems)
and nothing else changed, those pages and lines are all a build has to redo.
This finds that out from the edited files and the last build's record, without
loading the other clients, and rewrites just them, each file atomically.
Anything else takes a whole build (see crmgen.build).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import jinja2
from jinja2 import meta

from crmgen.build import check_output, output_folder
from crmgen.bundled import default_templates
from crmgen.cache import ClientCache, Entry, shard_of
from crmgen.config import Config, load_config
from crmgen.document import client_line
from crmgen.files import Staged, put_in_place, stage_all
from crmgen.fragments import Fragments
from crmgen.loader import Project, checked, id_clashes, resolve_today
from crmgen.model import Client
from crmgen.pages import page_name
from crmgen.pool import read_and_parse
from crmgen.render import environment
from crmgen.reuse import (
    FileStamp,
    Inputs,
    Record,
    file_stamp,
    page_context,
    page_key,
    stamp_of_open,
    templates_digest,
    write_record,
)
from crmgen.site import (
    LINE_KEY,
    LINE_PLACE,
    kept_place,
    line_at,
    line_key,
    prepare,
    render_client_page,
)

log = logging.getLogger(__name__)

# Beyond this many changed files a whole build, over every core, is as quick.
MOST = 64


@dataclass(frozen=True, slots=True)
class Edit:
    """A client file that changed since the last build.

    entry: the file as read now, for the parse cache.
    after: its client now, None when its bytes are the same (only its stamp
        moved).
    """

    entry: Entry
    after: Client | None = None


def outline(client: Client) -> Client:
    """The client as every page but its own sees it: without its notes, the
    bodies of its log entries and the lines they start on, which move when
    the text above them grows (a problem's line is kept: the problems page
    shows it)."""
    bare = tuple(replace(entry, body="", line=0) for entry in client.log)
    return replace(client, notes="", log=bare, log_line=None)


def rebuild_edited(
    root: Path,
    previous: Record,
    inputs: Inputs,
    today: dt.date | None,
    out: Path | None,
) -> Record | None:
    """Redo the pages and data.json lines of the clients whose Markdown alone
    changed since the previous build, and record the build; the new record,
    or None, with nothing written, when anything else changed too."""
    sources = previous.sources
    if inputs.frame != previous.frame:
        return None
    if inputs.clients.keys() != sources.keys():
        return None  # a client file came or went
    changed = [
        path
        for path, stamp in inputs.clients.items()
        if stamp is None or stamp != sources[path][0]
    ]
    if len(changed) > MOST or not previous.site_untouched():
        return None
    if id_clashes(inputs.clients).keys() & set(changed):
        return None
    config, _problems = load_config(root)
    day = resolve_today(config, today)
    store = ClientCache.open(root, config, {shard_of(path) for path in changed})
    edits: dict[str, Edit] = {}
    for path in changed:
        edit = _edit(root, path, sources[path][1], store, config, day)
        if edit is None:
            return None
        edits[path] = edit
    record = _rewrite(root, config, day, previous, inputs, edits, out)
    if record is not None:
        for path, edit in edits.items():
            store.put(path, edit.entry)
        store.save(sources)
        write_record(root, record)
    return record


def _edit(
    root: Path,
    path: str,
    digest: bytes,
    store: ClientCache,
    config: Config,
    day: dt.date,
) -> Edit | None:
    """The change to one file; None when it is more than Markdown (or the
    last build's reading of it is no longer in the cache to compare with)."""
    entry = read_and_parse(str(root), path, config)
    if not isinstance(entry, Entry):
        return None
    if entry.digest == digest:
        return Edit(entry)
    old = store.get(path)
    if old is None or old.digest != digest:
        return None
    before, after = _client(old, config, day), _client(entry, config, day)
    if before is None or after is None or outline(before) != outline(after):
        return None
    return Edit(entry, after)


def _client(entry: Entry, config: Config, day: dt.date) -> Client | None:
    """The checked client of a cache entry; None when there is none, or the
    entry does not load."""
    try:
        client, problems = entry.result()
    except Exception as error:  # a bad entry only costs a whole build
        log.info("a whole build: a cache entry does not load (%s)", error)
        return None
    return checked((client, list(problems)), config, day)[0]


def _rewrite(
    root: Path,
    config: Config,
    day: dt.date,
    previous: Record,
    inputs: Inputs,
    edits: Mapping[str, Edit],
    out: Path | None,
) -> Record | None:
    """Write the edited clients' pages and data.json; the new record, or None
    when the last build's site does not allow it."""
    clients = tuple(edit.after for edit in edits.values() if edit.after is not None)
    digests = {path: edit.entry.digest for path, edit in edits.items()}
    sources = dict(previous.sources)
    for path, edit in edits.items():
        sources[path] = (inputs.clients[path], edit.entry.digest)
    files = dict(previous.files)
    project = Project(
        root, config, day, clients, previous.problems, len(sources), digests
    )
    folder = output_folder(project, out)
    if str(folder) != previous.output:
        return None
    check_output(folder, root)
    if clients:
        written = _write(project, previous, folder)
        if written is None:
            return None
        files.update(written)
    return Record(
        inputs.fingerprint,
        previous.output,
        previous.problems,
        previous.clients,
        files,
        inputs.frame,
        sources,
        previous.context,
    )


def _write(
    project: Project, previous: Record, folder: Path
) -> dict[str, tuple[FileStamp, bytes]] | None:
    """Write the project's clients' pages and their lines of data.json over
    the last build's; each file's new stamp and page key, or None when the
    pages would show more than their clients changed (see page_context)."""
    env = environment(project.root, compiled=True)
    if not _pages_from_own_templates(env, project.root):
        return None
    site = prepare(env, project)
    context = page_context(site, templates_digest(project.root))
    keys = {
        page_name(client): page_key(context, project, client.path)
        for client in project.clients
    }
    if context != previous.context or not keys.keys() <= previous.files.keys():
        return None
    fragments = Fragments.open(project.root, project.config)
    streams: dict[str, Iterable[bytes]] = {
        page_name(client): (render_client_page(env, site, client).encode("utf-8"),)
        for client in project.clients
    }
    try:
        with open(folder / "data.json", "rb") as data:
            staged = _stage(project, previous, fragments, folder, data, streams)
    except FileNotFoundError:
        return None
    if staged is None:
        return None
    put_in_place(staged)
    fragments.save()
    return {
        name: (_stamp_written(folder / name), keys.get(name, b""))
        for name in ("data.json", *streams)
    }


def _stage(
    project: Project,
    previous: Record,
    fragments: Fragments,
    folder: Path,
    data: BinaryIO,
    pages: Mapping[str, Iterable[bytes]],
) -> Staged | None:
    """Stage the pages, and data.json made from data with the project's
    clients' lines replaced; None when data is not the file the last build
    wrote (changed by hand since, or by a build running beside this one), or
    where its lines lie is not known."""
    if stamp_of_open(data) != previous.files["data.json"][0]:
        return None
    lines = _new_lines(project, previous, fragments, data)
    if lines is None:
        return None
    return stage_all(folder, {"data.json": _pieces(data, lines), **pages})


def _pages_from_own_templates(env: jinja2.Environment, root: Path) -> bool:
    """Whether a client page comes from crmgen's own templates alone: a
    project's client.html, or a template it draws on, may show anything of
    the site (every owner, every client), which this build does not load."""
    assert env.loader is not None, "see render.environment"
    bundled = default_templates()
    waiting, seen = ["client.html"], set()
    while waiting:
        name = waiting.pop()
        seen.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)
            own = (bundled / name).read_text(encoding="utf-8")
        except (jinja2.TemplateNotFound, OSError):
            return False  # a template of the project's alone
        if source != own:
            return False
        for used in meta.find_referenced_templates(env.parse(source)):
            if used is None:  # a name only known when rendering
                return False
            if used not in seen:
                waiting.append(used)
    return True


def _stamp_written(path: Path) -> FileStamp:
    stamp = file_stamp(path)
    assert stamp is not None, "the file was just written"
    return stamp


def _new_lines(
    project: Project, previous: Record, fragments: Fragments, data: BinaryIO
) -> dict[int, tuple[int, bytes]] | None:
    """The project's clients' new lines of data, the last build's data.json,
    by the offset of the old line: its length and the new line; the lines'
    new places are kept in fragments. None when the old places are unknown."""
    lines: dict[int, tuple[int, bytes]] = {}
    for client in project.clients:
        digest = previous.sources[client.path][1]
        key = line_key(client.path, digest, project.today)
        where = kept_place(fragments, key)
        if where is None:
            return None
        if line_at(data, client, *where) is None:
            return None
        offset, length = where
        lines[offset] = (length, client_line(client, project))
    _move_places(project, previous, fragments, lines)
    return lines


def _move_places(
    project: Project,
    previous: Record,
    fragments: Fragments,
    lines: Mapping[int, tuple[int, bytes]],
) -> None:
    """Keep for the next build where every client's line lies once the lines
    are replaced: the lines after a longer or shorter one move with it."""
    fragments.carry_all(unless=lambda key: key.startswith(LINE_KEY))
    starts = sorted(lines)
    moved = list(itertools.accumulate(len(lines[o][1]) - lines[o][0] for o in starts))
    today = project.today
    for path, (_, digest) in previous.sources.items():
        where = kept_place(fragments, line_key(path, digest, today))
        if where is None:
            continue
        offset, length = where
        before = bisect.bisect_left(starts, offset)  # lines replaced before it
        if before < len(starts) and starts[before] == offset:
            length = len(lines[offset][1])
        shift = moved[before - 1] if before else 0
        now = project.digests.get(path, digest)
        fragments.put(
            line_key(path, now, today), LINE_PLACE.pack(offset + shift, length)
        )


def _pieces(data: BinaryIO, lines: Mapping[int, tuple[int, bytes]]) -> Iterator[bytes]:
    """data's bytes with the lines at these offsets replaced."""
    data.seek(0)
    at = 0
    for offset in sorted(lines):
        yield from _copy(data, offset - at)
        length, line = lines[offset]
        yield line
        data.seek(offset + length)
        at = offset + length
    yield from _copy(data, -1)


def _copy(stream: BinaryIO, size: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The next size bytes of stream (all the rest for -1), a chunk at a time."""
    while size:
        piece = stream.read(chunk if size < 0 else min(chunk, size))
        if not piece:
            return
        size -= len(piece) if size > 0 else 0
        yield piece
