"""Compiled templates kept between builds.

Compiling the templates costs a build about a fifth of a second, the same
every time. crmgen's own templates are the same in every project, so, like
Python's compiled modules, they are compiled once per installation and user:
into `crmgen/templates/` under the user's cache folder (`$XDG_CACHE_HOME`,
else `~/.cache`), for every project to share. A project's own templates go to
its `.crmgen-cache/templates/`, and so do crmgen's for a user without a
home folder.

Jinja keeps compiled code by template (its name and file) and checks it
against the template's source; each file here is also sealed like the other
caches (crmgen.cache.write_sealed) with crmgen's code digest as its key (the
options it was compiled with live in crmgen's code), so a damaged file or one
from another crmgen is compiled again, and written over with this one's.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from crmgen.cache import (
    CACHE_DIR,
    code_key,
    read_sealed,
    user_cache_folder,
    write_sealed,
)

TEMPLATES_CACHE = "templates"
MAGIC = b"crmgen templates 2\n"
# Begins the key of a template that is crmgen's own, kept in the shared folder.
BUNDLED = "crmgen-"


def shared_folder() -> Path | None:
    """Where crmgen's own templates are kept compiled for every project; None
    when the user has no home folder to find a cache folder in."""
    folder = user_cache_folder()
    return folder / TEMPLATES_CACHE if folder is not None else None


class BytecodeCache(jinja2.BytecodeCache):
    """Compiled templates, checked before use: a project's in its cache folder,
    crmgen's own (those under bundled) in the shared folder."""

    def __init__(self, root: Path, bundled: Path) -> None:
        self.folder = root / CACHE_DIR / TEMPLATES_CACHE
        self.shared = shared_folder()
        self.bundled = os.path.join(os.path.normpath(bundled), "")
        self.salt = code_key()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = super().get_cache_key(name, filename)
        ours = filename is not None and filename.startswith(self.bundled)
        return BUNDLED + key if ours and self.shared is not None else key

    def file(self, key: str) -> Path:
        """The file that keeps the compiled code of a template by its key."""
        if key.startswith(BUNDLED) and self.shared is not None:
            return self.shared / f"{key}.bin"
        return self.folder / f"{key}.bin"

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = read_sealed(self.file(bucket.key), MAGIC, self.salt)
        if isinstance(compiled, bytes):
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        compiled = bucket.bytecode_to_string()
        # Without a writable folder, the template is compiled each time.
        with contextlib.suppress(OSError):
            write_sealed(self.file(bucket.key), MAGIC, self.salt, compiled)
