"""A user's file as lines that turn back into the very same bytes.

Each line keeps its own ending, so an edit changes only the lines it touches:
the byte-order mark, CRLF or LF, and a missing final newline all survive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

BOM = "\ufeff"


@dataclass
class TextLines:
    """Lines of a UTF-8 file, without their endings, and how to write them back.

    bom: whether the file starts with a UTF-8 byte-order mark.
    lines: each line's text without its ending; index i is the file's line i + 1.
    endings: each line's ending, "\\r\\n" or "\\n", or "" for a last line without one.
    newline: the ending inserted lines get: the file's most common one.
    """

    bom: bool
    lines: list[str]
    endings: list[str]
    newline: str = "\n"
    digest: str = field(default="")

    @classmethod
    def from_bytes(cls, data: bytes) -> TextLines:
        """Split bytes into lines; raises UnicodeDecodeError for non-UTF-8 data."""
        text = data.decode("utf-8")
        bom = text.startswith(BOM)
        parts = text.removeprefix(BOM).split("\n")
        lines: list[str] = []
        endings: list[str] = []
        for part in parts[:-1]:
            crlf = part.endswith("\r")
            lines.append(part[:-1] if crlf else part)
            endings.append("\r\n" if crlf else "\n")
        if parts[-1]:
            lines.append(parts[-1])
            endings.append("")
        crlf_count = endings.count("\r\n")
        newline = "\r\n" if crlf_count > endings.count("\n") else "\n"
        return cls(bom, lines, endings, newline, digest_of(data))

    def to_bytes(self) -> bytes:
        """The file's bytes, every untouched line exactly as it was read."""
        body = "".join(
            line + end for line, end in zip(self.lines, self.endings, strict=True)
        )
        return ((BOM if self.bom else "") + body).encode("utf-8")

    def replace(self, start: int, stop: int, new: Sequence[str]) -> None:
        """Replace lines[start:stop] with new lines, keeping the file's endings.

        A replaced line keeps its own ending; extra lines get the file's newline,
        and a file without a final newline still lacks one afterwards.
        """
        no_final = bool(self.lines) and self.endings[-1] == ""
        at_end = stop == len(self.lines)
        endings = [
            self.endings[start + i] if start + i < stop else self.newline
            for i in range(len(new))
        ]
        if at_end and no_final:
            # The file had no final newline: the new last line goes without too.
            endings = [ending or self.newline for ending in endings]
            if new:
                endings[-1] = ""
            if start > 0:
                self.endings[start - 1] = (
                    "" if not new else (self.endings[start - 1] or self.newline)
                )
        self.lines[start:stop] = list(new)
        self.endings[start:stop] = endings

    def insert(self, index: int, new: Sequence[str]) -> None:
        """Insert new lines before lines[index] (at the end when index is len)."""
        self.replace(index, index, new)


def digest_of(data: bytes) -> str:
    """A hash of a file's bytes, to notice when it changed behind our back."""
    return hashlib.sha256(data).hexdigest()
