"""Deal changes recovered from git: every committed version of every client
file, parsed the same way as the working tree, compared one after the next."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crmgen import gitrepo
from crmgen.compare import Difference, Value, compare_clients, is_push
from crmgen.config import Config
from crmgen.gitrepo import Commit
from crmgen.loader import CLIENTS_DIR, is_client_path
from crmgen.model import Client, StageChange
from crmgen.parse import parse_client
from crmgen.words import plural

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DealChange:
    """One deal key that changed between two versions of a client file.

    client: the client's id (its newest file name when the file was renamed).
    deal: the deal's title; key: that title for a client with `deals`, None for
        a one-deal client (whose title is its name and may change).
    field: one of TRACKED. A deal that appears is a "stage" change from None; one
        that disappears (or whose file is deleted) a "stage" change to None.
        Neither is a stage move: git cannot say when the deal entered its stage.
    before/after: the values; dates as dates, probability in percent.
    date: the commit's author date, in the author's own time zone.
    commit: the full commit id, or "" for the uncommitted working tree.
    logged: whether a `stage` log entry in the newer version records the change.
    owner: the client's owner in the newer version (the older one if deleted).
    value/currency: the deal's value in the newer version (older if removed).
    initial: whether the change comes from the oldest commit read, where the
        history starts (every deal appears there, whenever it was really added).
    """

    client: str
    deal: str
    key: str | None
    field: str
    before: Value
    after: Value
    date: dt.date
    commit: str
    logged: bool = False
    owner: str | None = None
    value: float | None = None
    currency: str = ""
    initial: bool = False

    @property
    def appeared(self) -> bool:
        """Whether the deal first shows up here (a new file or a new deal)."""
        return self.field == "stage" and self.before is None and self.after is not None

    @property
    def is_move(self) -> bool:
        """Whether this is a stage move between two committed versions."""
        return self.field == "stage" and None not in (self.before, self.after)

    @property
    def pushed_out(self) -> bool:
        """Whether this moves an expected close to a later date."""
        return is_push(self.field, self.before, self.after)


# How long after a commit a stage entry may be dated and still record its move.
LATE_ENTRY_DAYS = 7


@dataclass
class _Ledger:
    """The stage entries of a file's newest version, each matched at most once.

    Reports read the newest version's log, so a move counts as logged when that
    log records it, even if the entry was written in a later commit.
    """

    client: Client | None
    used: set[int] = field(default_factory=set)

    def _fits(self, change: StageChange, diff: Difference) -> bool:
        several = self.client is not None and "deals" in self.client.front_matter
        if several and change.deal != diff.key:
            return False
        if diff.field == "stage":
            return change.after == diff.after and change.before in (None, diff.before)
        return change.probability_after == diff.after

    def match(self, diff: Difference, day: dt.date, since: dt.date | None) -> bool:
        """Whether an unused entry dated from `since` (the previous version's day)
        to a week after `day` records the difference; the closest one is used."""
        if self.client is None or diff.field not in ("stage", "probability"):
            return False
        if None in (diff.before, diff.after) and diff.field == "stage":
            return False  # a deal appearing or going away is no move to record
        late = day + dt.timedelta(days=LATE_ENTRY_DAYS)
        early = since - dt.timedelta(days=1) if since is not None else dt.date.min
        fitting = [
            (abs((entry.date - day).days), index)
            for index, entry in enumerate(self.client.log)
            if entry.change is not None
            and index not in self.used
            and early <= entry.date <= late
            and self._fits(entry.change, diff)
        ]
        if not fitting:
            return False
        self.used.add(min(fitting)[1])
        return True


@dataclass(frozen=True, slots=True)
class Version:
    """One committed state of a client file; blob None when it was deleted."""

    commit: Commit
    path: str
    blob: str | None


def chains(commits: list[Commit]) -> list[list[Version]]:
    """Each client file's versions, oldest first, following renames."""
    found: list[list[Version]] = []
    at: dict[str, int] = {}
    for commit in commits:
        for change in commit.changes:
            if not is_client_path(change.path):
                continue
            old = change.old_path if change.old_path is not None else change.path
            index = at.pop(old, None)
            if index is None:
                index = len(found)
                found.append([])
            at[change.path] = index  # a deleted path keeps its chain if re-added
            found[index].append(Version(commit, change.path, change.blob))
    return found


class Reader:
    """Parses blobs read in one batch, each (blob, path) once."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self.cache: dict[tuple[str, str], Client | None] = {}

    def prepare(self, versions: list[Version]) -> None:
        """Read and parse every version's blob that is not parsed yet."""
        wanted = [
            (v.blob, v.path)
            for v in versions
            if v.blob is not None and (v.blob, v.path) not in self.cache
        ]
        contents = gitrepo.read_blobs(self.root, (blob for blob, _path in wanted))
        for blob, path in wanted:
            client, problems = parse_client(path, contents[blob], self.config)
            # A version with errors may have lost a deal or a value to the error;
            # comparing it would invent changes, so history skips it.
            broken = any(problem.severity == "error" for problem in problems)
            self.cache[(blob, path)] = None if broken else client

    def client(self, version: Version) -> Client | None:
        """The parsed client of a prepared version; None when it has errors."""
        assert version.blob is not None
        return self.cache[(version.blob, version.path)]


def chain_changes(
    chain: list[Version], reader: Reader, oldest: str = ""
) -> Iterator[DealChange]:
    """The changes of one file's chain, oldest first; broken versions skipped.

    oldest: the id of the oldest commit read, whose changes are `initial`.
    """
    client_id = chain[-1].path.rsplit("/", 1)[-1][:-3]
    readable = [
        (version, None if version.blob is None else reader.client(version))
        for version in chain
    ]
    readable = [(v, c) for v, c in readable if v.blob is None or c is not None]
    newest = next((c for _v, c in reversed(readable) if c is not None), None)
    ledger = _Ledger(newest)
    previous: Client | None = None
    since: dt.date | None = None
    for version, current in readable:
        day = version.commit.authored.date()
        latest = current or previous
        owner = latest.owner if latest is not None else None
        for diff in compare_clients(previous, current):
            yield DealChange(
                client_id,
                diff.deal.title,
                diff.key,
                diff.field,
                diff.before,
                diff.after,
                day,
                version.commit.id,
                ledger.match(diff, day, since),
                owner,
                diff.deal.value,
                diff.deal.currency,
                version.commit.id == oldest,
            )
        previous, since = current, day


def deal_changes(
    root: Path, config: Config, rev: str = "HEAD"
) -> tuple[DealChange, ...]:
    """Every deal change in the history of rev, by date; GitError outside git."""
    commits = gitrepo.history(root, rev, (CLIENTS_DIR,))
    if gitrepo.is_shallow(root):
        log.warning(
            "this clone is shallow: history starts at its oldest commit "
            "(fetch with --unshallow for the whole history)"
        )
    files = chains(commits)
    reader = Reader(root, config)
    reader.prepare([version for chain in files for version in chain])
    oldest = commits[0].id if commits else ""
    changes = [
        change for chain in files for change in chain_changes(chain, reader, oldest)
    ]
    log.info(
        "read %s from %s of %s",
        plural(len(changes), "deal change"),
        plural(len(commits), "commit"),
        plural(len(files), "client file"),
    )
    return tuple(sorted(changes, key=lambda change: change.date))


def read_changes(
    root: Path, config: Config, use_git: bool, rev: str = "HEAD"
) -> tuple[DealChange, ...] | None:
    """The deal changes when git may be used and root is in a repository, else
    None; a git failure is logged and also gives None, so a build carries on."""
    if not use_git or not gitrepo.is_repository(root):
        return None
    try:
        return deal_changes(root, config, rev)
    except gitrepo.GitError as error:
        log.warning("cannot read git history (%s); using the files alone", error)
        return None


def until(changes: Iterable[DealChange], today: dt.date) -> tuple[DealChange, ...]:
    """The changes dated on or before today: a project's today ends its history."""
    return tuple(change for change in changes if change.date <= today)


def title_today(client: Client, change: DealChange) -> str | None:
    """The title today of the deal a change concerns, None when it is gone: the
    only deal of a one-deal client, else the deal of that title."""
    if change.key is None:
        one = "deals" not in client.front_matter and len(client.deals) == 1
        return client.deals[0].title if one else None
    return change.key if any(d.title == change.key for d in client.deals) else None


def unlogged(changes: tuple[DealChange, ...]) -> tuple[DealChange, ...]:
    """The changes no `stage` log entry records: what only git knows."""
    return tuple(change for change in changes if not change.logged)


def pushes(changes: tuple[DealChange, ...]) -> dict[tuple[str, str | None], int]:
    """How many times each (client, deal key) had its expected close pushed out."""
    counts: dict[tuple[str, str | None], int] = {}
    for change in changes:
        if change.pushed_out:
            counts[(change.client, change.key)] = (
                counts.get((change.client, change.key), 0) + 1
            )
    return counts
