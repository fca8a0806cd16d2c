"""Client ids: the file stem that becomes a page's address."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Letters that Unicode decomposition does not fold to ASCII on its own.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",  # noqa: RUF001 - the Turkish dotless i folds to i
    }
)


def is_valid_id(text: str) -> bool:
    """Whether text is lowercase ASCII letters and digits joined by single hyphens."""
    return bool(ID_RE.match(text))


def slugify(text: str) -> str:
    """The id a name suggests: `Müller & Söhne` becomes `muller-sohne`.

    Returns "" when nothing usable is left (the caller decides what then).
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def owner_slug(owner: str) -> str:
    """A file-name-safe form of an owner's name: `Anna Byrne` -> `anna-byrne`."""
    return slugify(owner) or "owner"


def owner_files(owners: Iterable[str]) -> dict[str, str]:
    """Each owner's calendar file name, unique even when two names slug alike."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for owner in sorted(set(owners)):
        slug, number = owner_slug(owner), 1
        while (candidate := slug if number == 1 else f"{slug}-{number}") in taken:
            number += 1
        taken.add(candidate)
        names[owner] = f"followups-{candidate}.ics"
    return names
