"""Which lines an edit removed and added, byte for byte (a test helper)."""

from __future__ import annotations

import difflib


def line_diff(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    """The lines removed from before and added in after, each with its ending."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    removed: list[bytes] = []
    added: list[bytes] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return removed, added
