"""A build after edits to nothing but Markdown: only the edited pages change.

The board, the follow-ups, the reports, the problems, week over week and the
calendars show every client, but never the Markdown of its notes and log
entries: only the client's own page and its line of data.json do. When the
client files that changed since the last build differ from what it read in
that text alone (the same front matter, the same log headings on the same
lines, the same problems) and nothing else changed, those pages and lines
are all a build has to redo. This finds that out from the edited files and
the last build's record, without loading the other clients, and rewrites
just them, each file atomically. Anything else takes a whole build (see
crmgen.build).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from crmgen.build import check_output, output_folder
from crmgen.cache import ClientCache, Entry, shard_of
from crmgen.config import Config, load_config
from crmgen.document import client_line
from crmgen.files import put_in_place, stage_all
from crmgen.fragments import Fragments
from crmgen.loader import Project, checked, id_clashes, resolve_today
from crmgen.model import Client, Problem
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
    templates_digest,
)
from crmgen.site import LINE_KEY, LINE_PLACE, line_key, prepare, render_client_page

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
    """The client as every page but its own sees it: without its notes and
    the bodies of its log entries."""
    log = tuple(replace(entry, body="") for entry in client.log)
    return replace(client, notes="", log=log)


def rebuild_edited(
    root: Path,
    previous: Record,
    inputs: Inputs,
    today: dt.date | None,
    out: Path | None,
) -> Record | None:
    """Redo the pages and data.json lines of the clients whose Markdown alone
    changed since the previous build; the new record, or None, with nothing
    written, when anything else changed too."""
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
    before = checked(_parsed(old), config, day)[0]
    after = checked(_parsed(entry), config, day)[0]
    if before is None or after is None or outline(before) != outline(after):
        return None
    return Edit(entry, after)


def _parsed(entry: Entry) -> tuple[Client | None, list[Problem]]:
    client, problems = entry.result()
    return client, list(problems)


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
    site = prepare(env, project)
    context = page_context(site, templates_digest(project.root))
    keys = {
        page_name(client): page_key(context, project, client.path)
        for client in project.clients
    }
    if context != previous.context or not keys.keys() <= previous.files.keys():
        return None
    fragments = Fragments.open(project.root, project.config)
    data = _spliced(project, previous, fragments)
    if data is None:
        return None
    streams: dict[str, Iterable[bytes]] = {"data.json": data}
    for client in project.clients:
        page = render_client_page(env, site, client).encode("utf-8")
        streams[page_name(client)] = (page,)
    put_in_place(stage_all(folder, streams))
    fragments.save()
    return {name: (_stamp(folder / name), keys.get(name, b"")) for name in streams}


def _stamp(path: Path) -> FileStamp:
    stamp = file_stamp(path)
    assert stamp is not None, "the file was just written"
    return stamp


def _spliced(
    project: Project, previous: Record, fragments: Fragments
) -> Iterator[bytes] | None:
    """data.json with the project's clients' lines made anew and the rest of
    its bytes as the last build wrote them, its lines' new places kept in
    fragments; None when the last build's places are unknown."""
    old = previous.untouched("data.json")
    if old is None:
        return None
    lines: dict[int, tuple[int, bytes]] = {}  # by offset: old length, new line
    with open(old, "rb") as stream:
        for client in project.clients:
            digest = previous.sources[client.path][1]
            where = _place(fragments, line_key(client.path, digest, project.today))
            if where is None or not _is_line_of(client, stream, *where):
                return None
            lines[where[0]] = (where[1], client_line(client, project))
    _move_places(project, previous, fragments, lines)
    return _pieces(old, lines)


def _place(fragments: Fragments, key: bytes) -> tuple[int, int] | None:
    """Where the last build put a line of data.json: offset, length."""
    where = fragments.kept(key)
    if where is None or len(where) != LINE_PLACE.size:
        return None
    offset, length = LINE_PLACE.unpack(where)
    return offset, length


def _is_line_of(client: Client, stream: BinaryIO, offset: int, length: int) -> bool:
    """Whether the bytes there are the client's line: a JSON object that
    starts with its id and path (see document.client_document)."""
    start = b'{"id": %s, "path": %s, ' % (_json(client.id), _json(client.path))
    stream.seek(offset)
    head = stream.read(len(start))
    stream.seek(offset + length - 1)
    return head == start and stream.read(2) in (b"},", b"}\n")


def _json(text: str) -> bytes:
    return json.dumps(text, ensure_ascii=False).encode("utf-8")


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
        where = _place(fragments, line_key(path, digest, today))
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


def _pieces(old: Path, lines: Mapping[int, tuple[int, bytes]]) -> Iterator[bytes]:
    """The old file's bytes with the lines at these offsets replaced."""
    with open(old, "rb") as stream:
        at = 0
        for offset in sorted(lines):
            yield from _copy(stream, offset - at)
            length, line = lines[offset]
            yield line
            stream.seek(offset + length)
            at = offset + length
        yield from _copy(stream, -1)


def _copy(stream: BinaryIO, size: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The next size bytes of stream (all the rest for -1), a chunk at a time."""
    while size:
        piece = stream.read(chunk if size < 0 else min(chunk, size))
        if not piece:
            return
        size -= len(piece) if size > 0 else 0
        yield piece
