"""Compiled templates kept between builds in `.crmgen-cache/templates/`.

Compiling the templates costs a build about a fifth of a second, the same
every time. Jinja keeps compiled code by template and checks it against the
template's source; each file here also carries crmgen's code digest (the
options the code was compiled with live in crmgen's code) and a checksum of
itself, so a damaged file or one from another crmgen is compiled again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from crmgen import __version__
from crmgen.cache import CACHE_DIR, code_digest

TEMPLATES_CACHE = "templates"
MAGIC = b"crmgen templates 1\n"
DIGEST_SIZE = 32


class BytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in a project's cache folder, checked before use."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR / TEMPLATES_CACHE
        self.salt = f"crmgen {__version__} code {code_digest()}".encode()

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.bin"

    def _seal(self, data: bytes) -> bytes:
        return hashlib.blake2b(self.salt + data, digest_size=DIGEST_SIZE).digest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            stored = self._file(bucket).read_bytes()
        except OSError:
            return
        header = len(MAGIC) + DIGEST_SIZE
        data = stored[header:]
        if stored[:header] == MAGIC + self._seal(data):
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        file = self._file(bucket)
        # A torn or half-written file fails its checksum: no fsync needed.
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        except OSError:
            return  # without a writable cache folder, templates compile each time
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(MAGIC + self._seal(data) + data)
            os.replace(temporary, file)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
