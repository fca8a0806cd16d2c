"""Watch a project's folders and rebuild after changes, coalescing bursts.

Directories are watched, not files: editors save by writing a new file and
renaming it over the old one, and a watch on the old file would go blind.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog import events
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from crmgen.config import CONFIG_NAME
from crmgen.loader import CLIENTS_DIR, is_skipped

log = logging.getLogger(__name__)

TEMPLATES_DIR = "templates"
DEBOUNCE = 0.05  # seconds of quiet that end a burst of saves
MAX_WAIT = 1.0  # a burst that never goes quiet still rebuilds this often


@dataclass
class Changes:
    """What changed since the last rebuild, as project-relative paths.

    clients: client files created, changed, deleted or moved (either end).
    folders: folders under clients/ that appeared, vanished or moved: rescan them.
    """

    clients: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    templates: bool = False
    config: bool = False

    def __bool__(self) -> bool:
        return bool(self.clients or self.folders or self.templates or self.config)

    def describe(self) -> str:
        """A short account for the rebuild line: `clients/a.md, templates`."""
        parts = sorted(self.clients | {f"{folder}/" for folder in self.folders})
        if len(parts) > 3:
            parts = [*parts[:3], f"and {len(parts) - 3} more"]
        if self.templates:
            parts.append("templates")
        if self.config:
            parts.append(CONFIG_NAME)
        return ", ".join(parts)


def classify(relative: Path, is_directory: bool) -> str | None:
    """The kind of change a path makes: client, folder, template, config or None."""
    parts = relative.parts
    if not parts or any(is_skipped(part) for part in parts):
        return None
    if parts == (CONFIG_NAME,):
        return "config"
    if parts[0] == TEMPLATES_DIR and len(parts) > 1:
        return "template"
    if parts[0] != CLIENTS_DIR or len(parts) < 2:
        return None
    if is_directory:
        return "folder"
    return "client" if relative.suffix.lower() == ".md" else None


class _Collector(FileSystemEventHandler):
    """Gathers events into a Changes under a lock and wakes the loop."""

    def __init__(self, root: Path, appeared: Callable[[str], None]) -> None:
        self.root = root
        self.appeared = appeared
        self.lock = threading.Lock()
        self.changes = Changes()
        self.wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        created = event.event_type in ("created", "moved")
        self._add(os.fsdecode(event.src_path), event.is_directory, False)
        destination = getattr(event, "dest_path", "")
        if destination:
            self._add(os.fsdecode(destination), event.is_directory, created)
        elif created:
            self._add(os.fsdecode(event.src_path), event.is_directory, True)

    def _add(self, raw: str, is_directory: bool, created: bool) -> None:
        try:
            relative = Path(raw).relative_to(self.root)
        except ValueError:
            return
        kind = classify(relative, is_directory)
        top = relative.parts in ((CLIENTS_DIR,), (TEMPLATES_DIR,))
        if is_directory and top and created:
            self.appeared(relative.parts[0])
            kind = "folder" if relative.parts[0] == CLIENTS_DIR else "template"
        if kind is None:
            return
        with self.lock:
            if kind == "client":
                self.changes.clients.add(relative.as_posix())
            elif kind == "folder":
                self.changes.folders.add(relative.as_posix())
            elif kind == "template":
                self.changes.templates = True
            else:
                self.changes.config = True
        self.wake.set()

    def take(self) -> Changes:
        """The changes so far, leaving an empty set behind."""
        with self.lock:
            changes, self.changes = self.changes, Changes()
            self.wake.clear()
        return changes


# The events that change what a build reads. Not a file opened or closed
# unwritten: a build reads every client file, and those events would only be
# thrown away (unasked for, the kernel never queues them). Not a folder
# "modified" either, which only says a file in it changed: the file's own
# event says which, and the folder's would rescan every client.
WRITES = [
    events.DirCreatedEvent,
    events.DirDeletedEvent,
    events.DirMovedEvent,
    events.FileClosedEvent,
    events.FileCreatedEvent,
    events.FileDeletedEvent,
    events.FileModifiedEvent,
    events.FileMovedEvent,
]


class Watcher:
    """Calls rebuild(changes) after each burst of changes, until stop()."""

    def __init__(self, root: Path, rebuild: Callable[[Changes], None]) -> None:
        self.root = root.resolve()
        self.rebuild = rebuild
        self.collector = _Collector(self.root, self._watch_folder)
        self.observer = Observer()
        self.watched: set[str] = set()
        self.stopping = threading.Event()

    def start(self) -> None:
        """Begin watching clients/, templates/ and the project folder itself."""
        self.observer.schedule(
            self.collector, str(self.root), recursive=False, event_filter=WRITES
        )
        for name in (CLIENTS_DIR, TEMPLATES_DIR):
            self._watch_folder(name)
        self.observer.start()

    def _watch_folder(self, name: str) -> None:
        """Watch clients/ or templates/ recursively once it exists."""
        folder = self.root / name
        if name in self.watched or not folder.is_dir():
            return
        self.watched.add(name)
        self.observer.schedule(
            self.collector, str(folder), recursive=True, event_filter=WRITES
        )

    def run(self) -> None:
        """Wait for changes and rebuild, until stop(); a failed rebuild is logged."""
        collector = self.collector
        while not self.stopping.is_set():
            if not collector.wake.wait(0.2):
                continue
            first = time.monotonic()
            while time.monotonic() - first < MAX_WAIT:
                collector.wake.clear()
                if not collector.wake.wait(DEBOUNCE):
                    break
            changes = collector.take()
            if changes:
                try:
                    self.rebuild(changes)
                except Exception:  # the loop must outlive any one rebuild
                    log.exception("rebuild failed; still watching")

    def stop(self) -> None:
        """Stop the loop and the observer thread."""
        self.stopping.set()
        self.observer.stop()
        self.observer.join(timeout=5)
