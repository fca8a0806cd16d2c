"""Telling whether two clients are the same: email first, then company name."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Words a company name carries or drops without becoming another company.
_SUFFIXES = {"ltd", "limited", "inc", "llc", "gmbh", "plc", "co", "corp", "sa",
             "bv", "ag", "teoranta", "the"}


def normal(text: str) -> str:
    """Text compared the way people mean it: NFKC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def company_key(text: str) -> str:
    """A company name without punctuation and legal suffixes (`Acme Ltd.` = `acme`)."""
    words = "".join(c if c.isalnum() else " " for c in normal(text)).split()
    kept = [word for word in words if word not in _SUFFIXES]
    return " ".join(kept or words)


@dataclass(frozen=True, slots=True)
class Identity:
    """What identifies a client: its email, company (or name) and owner, normalised.

    label: how to name the client in messages (a path or `row 12`).
    """

    label: str
    email: str
    company: str
    owner: str

    @classmethod
    def of(cls, label: str, values: Mapping[str, Any]) -> Identity:
        """The identity of a client's front-matter values."""
        def text(key: str) -> str:
            value = values.get(key)
            return value if isinstance(value, str) else ""

        return cls(label, normal(text("email")),
                   company_key(text("company") or text("name")), normal(text("owner")))


@dataclass
class Index:
    """Identities seen so far, to find the one a new client duplicates."""

    by_email: dict[str, Identity] = field(default_factory=dict)
    by_company: dict[str, list[Identity]] = field(default_factory=dict)

    def add(self, identity: Identity) -> None:
        """Remember an identity."""
        if identity.email:
            self.by_email.setdefault(identity.email, identity)
        if identity.company:
            self.by_company.setdefault(identity.company, []).append(identity)

    def match(self, identity: Identity) -> tuple[Identity, str] | None:
        """The identity this one duplicates and the reason, or None.

        Same email is a match. Otherwise the same company is, unless both have
        emails (two people at one company) or both have owners who differ.
        """
        if identity.email and identity.email in self.by_email:
            return self.by_email[identity.email], "the same email"
        for other in self.by_company.get(identity.company, []):
            if identity.email and other.email:
                continue
            if identity.owner and other.owner and identity.owner != other.owner:
                continue
            return other, "the same company name"
        return None
