"""Finding the client a command names: by id, id prefix or name."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from crmgen.loader import Project, discover


class ClientNotFoundError(Exception):
    """No client, or more than one, answers to what the user typed."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A client file that may be the one meant: its id, path and name."""

    id: str
    path: str
    name: str


def candidates(project: Project) -> list[Candidate]:
    """Every client file of the project that could be named.

    A file that cannot be parsed is still found by its id (its name is ""), so
    the command can say what is wrong with it rather than that it is missing.
    """
    found = [
        Candidate(client.id, client.path, client.name) for client in project.clients
    ]
    known = {candidate.path for candidate in found}
    for path in discover(project.root):
        if path not in known:
            found.append(Candidate(path.rsplit("/", 1)[-1][:-3], path, ""))
    return found


def find_client(query: str, choices: list[Candidate]) -> Candidate:
    """The one client matching query: exact id, then exact name (any case),
    then unique id prefix, then a name containing it (any case)."""
    folded = query.casefold()
    rounds = (
        [c for c in choices if c.id == query],
        [c for c in choices if c.name and c.name.casefold() == folded],
        [c for c in choices if c.id.startswith(folded)],
        [c for c in choices if c.name and folded in c.name.casefold()],
    )
    for found in rounds:
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = "\n".join(f"  {c.id}  {c.name}  ({c.path})" for c in found)
            raise ClientNotFoundError(
                f"`{query}` matches {len(found)} clients; name one of them by id:\n"
                f"{listed}"
            )
    raise ClientNotFoundError(f"no client matches `{query}`{_suggest(query, choices)}")


def _suggest(query: str, choices: list[Candidate]) -> str:
    """`; did you mean `acme` (Acme Corp)?` for the closest id or name."""
    names = {c.id: c for c in choices}
    names.update({c.name.casefold(): c for c in choices})
    close = difflib.get_close_matches(query.casefold(), list(names), n=1, cutoff=0.5)
    if not close:
        return ""
    best = names[close[0]]
    return f"; did you mean `{best.id}` ({best.name})?"
