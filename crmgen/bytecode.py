"""Compiled templates kept between builds in `.crmgen-cache/templates/`.

Compiling the templates costs a build about a fifth of a second, the same
every time. Jinja keeps compiled code by template and checks it against the
template's source; each file here is also sealed like the other caches
(crmgen.cache.write_sealed) with crmgen's code digest as its key (the
options it was compiled with live in crmgen's code), so a damaged file or one
from another crmgen is compiled again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from crmgen import __version__
from crmgen.cache import CACHE_DIR, code_digest, read_sealed, write_sealed

TEMPLATES_CACHE = "templates"
MAGIC = b"crmgen templates 2\n"


class BytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in a project's cache folder, checked before use."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR / TEMPLATES_CACHE
        self.salt = f"crmgen {__version__} code {code_digest()}"

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.bin"

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = read_sealed(self._file(bucket), MAGIC, self.salt)
        if isinstance(compiled, bytes):
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        compiled = bucket.bytecode_to_string()
        # Without a writable cache folder, templates are compiled each time.
        with contextlib.suppress(OSError):
            write_sealed(self._file(bucket), MAGIC, self.salt, compiled)
