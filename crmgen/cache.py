"""The project's cache of parsed client files, in the git-ignored `.crmgen-cache/`.

The entries are spread over a few files by path (`clients-NN.pickle`), each a
magic line, a checksum of the rest, then a pickle of (key, entries). Every
cache file is sealed so (see write_sealed), its checksum keyed with a secret
of the user's (see seal_key). The key is crmgen's version, a digest of its
code, this file's format and the configuration's fingerprint; an entry stands
while its file's bytes do. Each entry keeps its parse result pickled on its
own, so saving after a few files changed pickles only those, and a worker
process's result is stored as is. Anything unexpected (another magic, key or
checksum, a truncated or garbled file) reads as an empty cache, never as an
error: parsing again is always right.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import gc
import hashlib
import io
import logging
import os
import pickle
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from crmgen import __version__
from crmgen.config import Config
from crmgen.files import write_atomic_with
from crmgen.model import Client, Deal, LogEntry, Problem, StageChange

log = logging.getLogger(__name__)

CACHE_DIR = ".crmgen-cache"
SHARDS = 16
SEAL_KEY_FILE = "seal.key"
SEAL_KEY_SIZE = 32
MAGIC = b"crmgen cache\n"
FORMAT = 1
DIGEST_SIZE = 32
# A file changed this recently may change again within the file system's clock
# tick without its stamp changing, so its stamp is not trusted (git's "racily
# clean" entries); such a file is compared by content next time instead.
RACY_NS = 2_000_000_000

Stamp = tuple[int, int, int, int]
"""A file's (mtime_ns, ctime_ns, size, inode): equal stamps, unchanged bytes."""


class Entry(NamedTuple):
    """One client file as parsed.

    stamp: the file's stamp when read, None when it was too recent to trust.
    digest: blake2b of the file's bytes.
    parsed: what parse_checked returned for those bytes, as (client, problems)
        pickled by dumps.
    """

    stamp: Stamp | None
    digest: bytes
    parsed: bytes

    def result(self) -> tuple[Client | None, tuple[Problem, ...]]:
        """The client (None when unreadable as one) and its parse problems."""
        client, problems = pickle.loads(self.parsed)
        return client, problems


def stamp_of(status: os.stat_result, now_ns: int) -> Stamp | None:
    """The stamp of a file's status, None when it changed too recently to trust."""
    # Writes move mtime; a ctime-only change (chmod, utime) leaves the bytes.
    if status.st_mtime_ns > now_ns - RACY_NS:
        return None
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino)


def digest_of(data: bytes) -> bytes:
    """The content digest that keys an entry."""
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def code_key() -> str:
    """What any cache depends on: this crmgen, its version and its code."""
    return f"crmgen {__version__} code {code_digest()}"


def cache_key(config: Config) -> str:
    """What every entry depends on besides the file: crmgen, its code, config."""
    return f"{code_key()} format {FORMAT} config {config.fingerprint()}"


@functools.cache
def code_digest() -> str:
    """A digest of crmgen's own modules: a development checkout changes them
    without changing the version, and a stale result must not survive that."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


class ClientCache:
    """Parsed client files by path, loaded from and saved to the cache files.

    The entries are spread over SHARDS files by path, so that saving after
    a few files changed rewrites only their shares: at 10,000 clients the
    whole cache is some 30 MB, and rewriting it took longer than reading it.
    """

    def __init__(
        self, folder: Path | None, key: str, entries: dict[str, Entry]
    ) -> None:
        self.folder = folder
        self.key = key
        self.entries = entries
        self.changed: set[int] = set()  # the shards to write

    @classmethod
    def open(
        cls, root: Path, config: Config, shards: Iterable[int] = range(SHARDS)
    ) -> ClientCache:
        """The project's cache, or only the given shards of it (see shard_of);
        a shard whose file is missing, damaged or foreign is empty."""
        folder = root / CACHE_DIR
        key = cache_key(config)
        entries: dict[str, Entry] = {}
        for shard in shards:
            entries.update(_read(shard_file(folder, shard), key))
        return cls(folder, key, entries)

    @classmethod
    def disabled(cls, config: Config) -> ClientCache:
        """A cache that starts empty and is never saved (--no-cache)."""
        return cls(None, cache_key(config), {})

    def get(self, path: str) -> Entry | None:
        """The entry for a path, whatever its stamp."""
        return self.entries.get(path)

    def put(self, path: str, entry: Entry) -> None:
        """Remember a freshly parsed file."""
        self.entries[path] = entry
        self.changed.add(shard_of(path))

    def save(self, existing: Iterable[str]) -> None:
        """Write the shards that changed, keeping only files that still exist."""
        keep = set(existing)
        gone = [path for path in self.entries if path not in keep]
        for path in gone:
            del self.entries[path]
            self.changed.add(shard_of(path))
        if self.folder is None or not self.changed:
            return
        shares: dict[int, dict[str, Entry]] = {shard: {} for shard in self.changed}
        for path, entry in self.entries.items():
            share = shares.get(shard_of(path))
            if share is not None:
                share[path] = entry
        try:
            for shard, share in sorted(shares.items()):
                write_sealed(shard_file(self.folder, shard), MAGIC, self.key, share)
        except OSError as error:
            log.warning("cannot write the cache in %s: %s", self.folder, error)
            return
        self.changed.clear()
        with contextlib.suppress(OSError):  # where earlier crmgen kept them all
            os.unlink(self.folder / "clients.pickle")


def shard_of(path: str) -> int:
    """Which of the cache's files keeps a path's entry."""
    return zlib.crc32(path.encode()) % SHARDS


def shard_file(folder: Path, shard: int) -> Path:
    """The cache file of one shard."""
    return folder / f"clients-{shard:02}.pickle"


def _read(file: Path, key: str) -> dict[str, Entry]:
    """The entries of a cache file, or none when it is not a sound one for key."""
    entries = read_sealed(file, MAGIC, key)
    return entries if isinstance(entries, dict) else {}


def user_cache_folder() -> Path | None:
    """crmgen's folder in the user's cache folder (`$XDG_CACHE_HOME`, else
    `~/.cache`); None for a user without a home folder."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "crmgen"


@functools.cache
def seal_key() -> bytes:
    """The secret every cache file of this user is sealed with.

    Loading a cache runs what it holds (pickles, compiled templates). With a
    checksum anyone can compute, a file planted in a project, committed to its
    repository say, would run its code on the next build. Keyed with a random
    secret that stays in the user's cache folder, readable by the user alone,
    a file sealed anywhere else never verifies and is never loaded. Without a
    folder to keep it in, the secret lasts as long as the process, and so do
    the caches.
    """
    folder = user_cache_folder()
    if folder is None:
        return os.urandom(SEAL_KEY_SIZE)
    file = folder / SEAL_KEY_FILE
    with contextlib.suppress(OSError):
        key = file.read_bytes()
        if len(key) == SEAL_KEY_SIZE:
            return key
    key = os.urandom(SEAL_KEY_SIZE)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".seal.")
        try:
            with os.fdopen(handle, "wb") as stream:  # mkstemp's mode is 0600
                stream.write(key)
            # A link never replaces a key another process made meanwhile.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, file)
        finally:
            os.unlink(temporary)
        kept = file.read_bytes()
    except OSError as error:
        log.info("cannot keep the cache's key in %s: %s", folder, error)
        return key
    return kept if len(kept) == SEAL_KEY_SIZE else key


def _sealing() -> Any:
    """A fresh keyed checksum (see seal_key)."""
    return hashlib.blake2b(digest_size=DIGEST_SIZE, key=seal_key())


class _Hashing:
    """A binary file that also hashes what is written to it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.hash = _sealing()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.stream.write(data)


def write_sealed(file: Path, magic: bytes, key: str, value: object) -> None:
    """Write a cache file atomically: magic, a checksum of the rest keyed with
    seal_key, and the pickle of (key, value), pickled straight into the file
    (never whole in memory). key names what the value is valid for (crmgen,
    its configuration)."""

    def fill(stream: BinaryIO) -> None:
        stream.write(magic + bytes(DIGEST_SIZE))
        sink = _Hashing(stream)
        pickle.dump((key, value), sink, pickle.HIGHEST_PROTOCOL)
        stream.seek(len(magic))
        stream.write(sink.hash.digest())

    write_atomic_with(file, fill)


def read_sealed(file: Path, magic: bytes, key: str) -> Any:
    """The value write_sealed wrote with this key, or None when the file is
    missing, of another kind or key, truncated, damaged or sealed by someone
    else: such a cache is never trusted, and never unpickled.

    The checksum is checked in a first pass and the pickle loaded from the
    file in a second, so the file's bytes are never whole in memory.
    """
    try:
        with open(file, "rb") as stream:
            header = stream.read(len(magic) + DIGEST_SIZE)
            hashed = _sealing()
            while chunk := stream.read(1 << 20):
                hashed.update(chunk)
            if header != magic + hashed.digest():
                log.info("ignoring the damaged or foreign cache %s", file)
                return None
            stream.seek(len(header))
            try:
                stored_key, value = pickle.load(stream)
            except Exception:  # any failure to load means: no cache
                log.info("ignoring the unreadable cache %s", file)
                return None
    except OSError:
        return None
    if stored_key != key:
        log.info("ignoring %s, made by another crmgen or configuration", file)
        return None
    return value


def _by_fields(record: Any) -> tuple[Any, ...]:
    """Pickle a record as its constructor call: far quicker to load than state."""
    return type(record), tuple([getattr(record, name) for name in record.__slots__])


_TABLE = copyreg.dispatch_table.copy()
for _record in (Client, Deal, LogEntry, Problem, StageChange):
    _TABLE[_record] = _by_fields


def dumps(value: object) -> bytes:
    """Pickle records with the quick reduction (loads with plain pickle.loads)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(value)
    return buffer.getvalue()


# Whether this process ends with its command, as the `crmgen` program's does
# (see one_shot): then what a load makes lives until the process exits.
_ONE_SHOT = False


def one_shot() -> None:
    """Say that this process ends with its command (see gc_paused)."""
    global _ONE_SHOT
    _ONE_SHOT = True


@contextlib.contextmanager
def gc_paused(lasting: bool = False) -> Iterator[None]:
    """Pause the cycle collector while many acyclic records are created.

    Loading builds hundreds of thousands of small records; the collector
    would traverse the growing heap again and again for no garbage.
    lasting: the records are the project a command works on. In a process
    that ends with its command (see one_shot) they are then frozen out of
    the collector: else its first collections afterwards traverse all of
    them twice over, once per younger generation, which takes longer than
    deriving every client's facts. The few cycles made while loading are
    frozen too, which costs nothing in a process about to exit; in any other
    (the tests, watch, a library user) nothing is frozen.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if lasting and _ONE_SHOT:
            gc.freeze()
        if enabled:
            gc.enable()


def now_ns() -> int:
    """The clock, for stamp_of."""
    return time.time_ns()
