"""Pieces of the site kept between builds, by everything they show.

Each client's data.json line, calendar event and one-line card and row
cost more to make than to look up; a build after one edit remakes only the
edited client's. They live in `.crmgen-cache/fragments.pickle` with the
parse cache's guards: a magic line, a checksum, and a key of crmgen's
version, its code and the configuration. A damaged, partial or foreign file
reads as empty, so the pieces are made again, never trusted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from crmgen.cache import CACHE_DIR, cache_key, read_sealed, write_sealed
from crmgen.config import Config
from crmgen.model import Client

log = logging.getLogger(__name__)

FRAGMENTS_FILE = "fragments.pickle"
MAGIC = b"crmgen fragments 1\n"


class Fragments:
    """Pieces by key: the last build's, and the ones this build used."""

    def __init__(self, file: Path | None, key: str, old: dict[bytes, bytes]) -> None:
        self.file, self.key, self.old = file, key, old
        self.used: dict[bytes, bytes] = {}

    @classmethod
    def open(cls, root: Path, config: Config) -> Fragments:
        """The project's pieces; none when the file is missing, damaged or foreign."""
        file = root / CACHE_DIR / FRAGMENTS_FILE
        key = cache_key(config)
        return cls(file, key, _read(file, key))

    def get(self, key: bytes, make: Callable[[], bytes]) -> bytes:
        """The piece for key, made only when the last build did not keep it."""
        piece = self.used.get(key)
        if piece is None:
            piece = self.old.get(key)
            if piece is None:
                piece = make()
            self.used[key] = piece
        return piece

    def kept(self, key: bytes) -> bytes | None:
        """The last build's piece for key, if it kept one."""
        return self.old.get(key)

    def carry(self, key: bytes) -> None:
        """Keep the last build's piece for key, if any, for the next build."""
        piece = self.old.get(key)
        if piece is not None:
            self.used[key] = piece

    def carry_all(self, unless: Callable[[bytes], bool]) -> None:
        """Keep the last build's pieces for the next build, all but those
        whose key unless accepts."""
        for key, piece in self.old.items():
            if not unless(key):
                self.used[key] = piece

    def put(self, key: bytes, piece: bytes) -> None:
        """Keep this piece for the next build."""
        self.used[key] = piece

    def save(self) -> None:
        """Keep the pieces this build used (and no others) for the next one."""
        if self.file is None or self.used == self.old:
            return
        try:
            write_sealed(self.file, MAGIC, self.key, self.used)
        except OSError as error:
            log.warning("cannot write the cache %s: %s", self.file, error)
            # The last build's places of data.json's lines may not fit the
            # data.json just written: better no pieces than wrong ones.
            with contextlib.suppress(OSError):
                self.file.unlink()


def _read(file: Path, key: str) -> dict[bytes, bytes]:
    pieces = read_sealed(file, MAGIC, key)
    return pieces if isinstance(pieces, dict) else {}


class Briefs:
    """The one-line board cards and follow-up rows, which list thousands of
    clients: kept in fragments, each by its client file (path and digest:
    the id comes from the one, the rest from the other), the deal's place in
    the file (-1 for the client's row) and what all of them show besides (the
    day, the currency totals lead with)."""

    def __init__(
        self,
        fragments: Fragments | None,
        digests: Mapping[str, bytes],
        today: dt.date,
        currency: str,
    ) -> None:
        self.fragments, self.digests = fragments, digests
        self.shared = f"{today}\0{currency}".encode()

    def key(self, client: Client, index: int) -> bytes | None:
        """The piece's key; None for a client whose file has no digest."""
        digest = self.digests.get(client.path)
        if digest is None:
            return None
        path = client.path.encode()
        return b"brief\0%s\0%s\0%s\0%d" % (path, digest, self.shared, index)

    def get(self, client: Client, index: int, make: Callable[[], str]) -> str:
        """The piece, made only when the last build did not keep it."""
        if self.fragments is None or (key := self.key(client, index)) is None:
            return make()
        return self.fragments.get(key, lambda: make().encode()).decode()

    def carry(self, clients: Iterable[Client]) -> None:
        """Keep the last build's pieces of these clients for the next build
        now, for pages rendered in other processes, which cannot keep any."""
        if self.fragments is None:
            return
        for client in clients:
            for index in range(-1, len(client.deals)):
                key = self.key(client, index)
                if key is not None:
                    self.fragments.carry(key)
