"""The parse cache: warm loads equal cold ones, and a bad cache is never trusted."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from pathlib import Path

import pytest
from conftest import ProjectDir

from crmgen import bytecode, cache, fragments, reuse
from crmgen.bundled import default_templates
from crmgen.bytecode import BytecodeCache
from crmgen.cache import (
    CACHE_DIR,
    ClientCache,
    read_sealed,
    shard_file,
    shard_of,
    write_sealed,
)
from crmgen.config import Config
from crmgen.loader import Project, load_project
from crmgen.render import environment

TODAY = dt.date(2027, 1, 15)
OLD = 1_600_000_000  # a file time long past, so stamps are trusted

ACME = """\
    ---
    name: Acme
    stage: lead
    first_contact: 2026-03-01
    ---

    ## Log

    ### 2026-03-02 call: intro
    Spoke with Ann.
    """

BROKEN = """\
    ---
    name: Broken
    stage: lead
    first_contact: 2026-02-30
    value: 12,5
    ---
    """


def snapshot(project: Project) -> tuple[object, ...]:
    """What a load produced, for comparing a warm load with a cold one."""
    return project.clients, project.problems, project.files


def cache_files(project: ProjectDir) -> list[Path]:
    """The client cache's files there are."""
    return sorted((project.root / CACHE_DIR).glob("clients-*.pickle"))


def entries_in(file: Path) -> dict[str, object]:
    """A cache file's entries, its seal unchecked."""
    data = file.read_bytes()
    key, entries = pickle.loads(data[len(cache.MAGIC) + cache.DIGEST_SIZE :])
    assert key == cache.cache_key(Config())
    assert isinstance(entries, dict)
    return entries


def make_old(project: ProjectDir) -> None:
    """Date every client file in the past so that its stamp is trusted."""
    for path in (project.root / "clients").rglob("*.md"):
        os.utime(path, (OLD, OLD))


@pytest.fixture
def sample(project: ProjectDir) -> ProjectDir:
    project.client("acme", ACME)
    project.client("broken", BROKEN)
    project.write("clients/archive/old-co.md", ACME.replace("Acme", "Old Co"))
    make_old(project)
    return project


def test_warm_load_equals_cold_load(sample: ProjectDir) -> None:
    cold = load_project(sample.root, TODAY, cache=False)
    assert not cache_files(sample)
    first = load_project(sample.root, TODAY)
    assert cache_files(sample)
    second = load_project(sample.root, TODAY)
    assert snapshot(first) == snapshot(cold) == snapshot(second)
    assert [p.line for p in cold.problems if p.path == "clients/broken.md"] == [4, 5]


def test_warm_load_reads_no_file_that_did_not_change(
    sample: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_project(sample.root, TODAY)
    parsed: list[str] = []

    def spy(root: str, path: str, config: Config) -> object:
        parsed.append(path)
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr("crmgen.pool.read_and_parse", spy)
    load_project(sample.root, TODAY)
    assert parsed == []


def test_only_the_rules_of_today_run_again_on_a_cached_file(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules that depend on the file alone are kept with its parse; the
    one that depends on today (no entry after it) runs on every load."""
    project.client(
        "lost",
        """\
        ---
        name: Lost Co
        stage: lost
        first_contact: 2026-03-01
        closed_on: 2027-01-10
        ---

        ## Log

        ### 2027-01-10 call: they went elsewhere
        """,
    )
    make_old(project)

    def codes(day: dt.date) -> list[tuple[int, str]]:
        return [(p.line, p.code) for p in load_project(project.root, day).problems]

    assert codes(TODAY) == [(3, "missing-lost-reason")]

    def unwanted(*args: object) -> None:
        raise AssertionError("a rule that ignores today ran again")

    # From the cache only, and only the rules of today run on it.
    monkeypatch.setattr("crmgen.pool.read_and_parse", None)
    monkeypatch.setattr("crmgen.checks.check_file", unwanted)
    before = dt.date(2027, 1, 5)
    assert codes(before) == [(3, "missing-lost-reason"), (10, "future-entry")]
    lost = load_project(project.root, before).client("lost")
    assert lost is not None and [p.code for p in lost.problems] == [
        "missing-lost-reason",
        "future-entry",
    ]
    assert codes(TODAY) == [(3, "missing-lost-reason")]


def test_an_edited_file_is_parsed_again(sample: ProjectDir) -> None:
    load_project(sample.root, TODAY)
    # Same size, same modification time: only the content (and ctime) differ.
    path = sample.client("acme", ACME.replace("intro", "INTRO"))
    os.utime(path, (OLD, OLD))
    project = load_project(sample.root, TODAY)
    acme = project.client("acme")
    assert acme is not None and acme.log[0].summary == "INTRO"


def test_a_just_saved_file_is_compared_by_content(sample: ProjectDir) -> None:
    sample.client("acme", ACME)  # written now: its stamp is not trusted
    load_project(sample.root, TODAY)
    sample.client("acme", ACME.replace("Ann", "Bob"))
    acme = load_project(sample.root, TODAY).client("acme")
    assert acme is not None and acme.log[0].body == "Spoke with Bob."


def test_saving_after_one_edit_rewrites_only_that_files_share(
    project: ProjectDir,
) -> None:
    for number in range(40):
        project.client(f"c{number:02}", ACME.replace("Acme", f"Client {number}"))
    make_old(project)
    load_project(project.root, TODAY)
    files = cache_files(project)
    assert len(files) > 1
    for file in files:  # each share holds the paths it is for
        shard = int(file.stem.split("-")[1])
        assert {shard_of(path) for path in entries_in(file)} == {shard}
    inodes = {file: file.stat().st_ino for file in files}
    edited = project.client("c07", ACME.replace("Acme", "Renamed"))
    os.utime(edited, (OLD, OLD))
    load_project(project.root, TODAY)
    rewritten = [file for file in files if file.stat().st_ino != inodes[file]]
    share = shard_file(project.root / CACHE_DIR, shard_of("clients/c07.md"))
    assert rewritten == [share]
    renamed = load_project(project.root, TODAY).client("c07")
    assert renamed is not None and renamed.name == "Renamed"


def test_removed_files_leave_the_cache(sample: ProjectDir) -> None:
    load_project(sample.root, TODAY)
    (sample.root / "clients/broken.md").unlink()
    load_project(sample.root, TODAY)
    store = ClientCache.open(sample.root, Config())
    assert sorted(store.entries) == ["clients/acme.md", "clients/archive/old-co.md"]


def test_only_keeps_the_other_entries(sample: ProjectDir) -> None:
    load_project(sample.root, TODAY)
    load_project(sample.root, TODAY, only=["clients/acme.md"])
    assert len(ClientCache.open(sample.root, Config()).entries) == 3


def damage_truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damage_flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def damage_garbage(data: bytes) -> bytes:
    return b"\x00garbage\xff" * 100


def damage_magic(data: bytes) -> bytes:
    return b"other cache\n\n" + data[len(cache.MAGIC) :]


def damage_empty(data: bytes) -> bytes:
    return b""


def damage_resealed_garbage(data: bytes) -> bytes:
    """A sound header over a payload that is not a pickle at all."""
    payload = b"not a pickle"
    key = cache.seal_key()
    checksum = hashlib.blake2b(payload, digest_size=cache.DIGEST_SIZE, key=key)
    return cache.MAGIC + checksum.digest() + payload


@pytest.mark.parametrize(
    "damage",
    [
        damage_truncate,
        damage_flip,
        damage_garbage,
        damage_magic,
        damage_empty,
        damage_resealed_garbage,
    ],
)
def test_a_damaged_cache_is_rebuilt(sample: ProjectDir, damage: object) -> None:
    cold = load_project(sample.root, TODAY, cache=False)
    load_project(sample.root, TODAY)
    assert callable(damage)
    for file in cache_files(sample):
        file.write_bytes(damage(file.read_bytes()))
    assert snapshot(load_project(sample.root, TODAY)) == snapshot(cold)
    assert len(ClientCache.open(sample.root, Config()).entries) == 3


def test_a_bad_entry_is_parsed_again(sample: ProjectDir) -> None:
    load_project(sample.root, TODAY)
    store = ClientCache.open(sample.root, Config())
    entry = store.entries["clients/acme.md"]
    store.put("clients/acme.md", entry._replace(parsed=b"\x80\x05junk"))
    store.save(store.entries)
    acme = load_project(sample.root, TODAY).client("acme")
    assert acme is not None and acme.name == "Acme"


def test_a_cache_from_another_configuration_is_not_used(sample: ProjectDir) -> None:
    sample.client("pitch-co", ACME.replace("stage: lead", "stage: pitch"))
    make_old(sample)
    before = load_project(sample.root, TODAY)
    assert any(p.code == "unknown-stage" for p in before.problems)
    sample.write(
        "crmgen.toml",
        """\
        [[stages]]
        name = "pitch"
        probability = 30

        [[stages]]
        name = "lead"
        probability = 20

        [[stages]]
        name = "lost"
        probability = 0
        open = false
        """,
    )
    after = load_project(sample.root, TODAY)
    assert not any(p.code == "unknown-stage" for p in after.problems)
    pitch = after.client("pitch-co")
    assert pitch is not None and pitch.deals[0].probability == 30


def test_an_entry_written_by_another_version_is_not_used(
    sample: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_project(sample.root, TODAY)
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert ClientCache.open(sample.root, Config()).entries == {}


def test_an_unwritable_cache_does_not_fail_the_load(sample: ProjectDir) -> None:
    cold = load_project(sample.root, TODAY, cache=False)
    (sample.root / CACHE_DIR).write_text("a file where the folder should be")
    assert snapshot(load_project(sample.root, TODAY)) == snapshot(cold)


def test_cache_file_holds_no_absolute_paths(sample: ProjectDir) -> None:
    load_project(sample.root, TODAY)
    paths = []
    for file in cache_files(sample):
        assert str(sample.root).encode() not in file.read_bytes()
        paths += entries_in(file)
    assert sorted(paths) == sorted(
        ["clients/acme.md", "clients/broken.md", "clients/archive/old-co.md"]
    )


def test_sealed_file_round_trips_large_values_and_rejects_a_flipped_byte(
    tmp_path: Path,
) -> None:
    # Bytes larger than a pickle frame are written past the framing: the
    # checksum must cover them too.
    value = {"big": bytes(range(256)) * 4096, "small": b"x"}
    file = tmp_path / "sealed.pickle"
    write_sealed(file, b"magic\n", "key", value)
    assert read_sealed(file, b"magic\n", "key") == value
    assert read_sealed(file, b"other\n", "key") is None
    assert read_sealed(file, b"magic\n", "another key") is None
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1
    file.write_bytes(bytes(data))
    assert read_sealed(file, b"magic\n", "key") is None
    file.write_bytes(b"magic\n")
    assert read_sealed(file, b"magic\n", "key") is None


class Planted:
    """Unpickled, this creates its marker file: the proof that a planted pickle
    ran. Loading a cache runs what it holds; a planted one must never load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (str(self.marker), "w"))


def plant(file: Path, magic: bytes, key: str, marker: Path, secret: bytes) -> None:
    """A cache file holding Planted, sealed as write_sealed would with secret."""
    payload = pickle.dumps((key, Planted(marker)))
    checksum = hashlib.blake2b(payload, digest_size=cache.DIGEST_SIZE, key=secret)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(magic + checksum.digest() + payload)


def planted_files(root: Path) -> list[tuple[Path, bytes, str]]:
    """Every cache file a build loads from the project: file, magic, key."""
    env = environment(root, compiled=True)
    assert isinstance(env.bytecode_cache, BytecodeCache)
    compiled = env.bytecode_cache
    template = str(root / "templates" / "base.html")
    bucket_key = compiled.get_cache_key("base.html", template)
    return [
        (
            shard_file(root / CACHE_DIR, shard_of("clients/acme.md")),
            cache.MAGIC,
            cache.cache_key(Config()),
        ),
        (root / CACHE_DIR / reuse.SITE_FILE, reuse.MAGIC, cache.code_key()),
        (
            root / CACHE_DIR / fragments.FRAGMENTS_FILE,
            fragments.MAGIC,
            cache.cache_key(Config()),
        ),
        (compiled.file(bucket_key), bytecode.MAGIC, compiled.salt),
    ]


@pytest.mark.parametrize("which", ["clients", "site record", "fragments", "template"])
def test_a_cache_file_planted_in_the_project_never_runs(
    sample: ProjectDir, tmp_path: Path, which: str
) -> None:
    # Say a repository commits a .crmgen-cache sealed the way anyone can: with
    # the right magic and key, and a checksum made without this user's secret.
    base = (Path(default_templates()) / "base.html").read_text(encoding="utf-8")
    sample.write("templates/base.html", base)
    names = ["clients", "site record", "fragments", "template"]
    file, magic, key = planted_files(sample.root)[names.index(which)]
    marker = tmp_path / "ran"
    plant(file, magic, key, marker, secret=b"")
    result = sample.run("build", "--today", TODAY.isoformat())
    assert not marker.exists(), f"the planted {which} cache ran"
    assert result.status == 1, result  # broken.md's errors, nothing more
    assert (sample.root / "site" / "clients" / "acme.html").is_file()
    # The user's own secret is all that stood in its way.
    plant(file, magic, key, marker, secret=cache.seal_key())
    # Another day: the build must read every cache to render the site again.
    tomorrow = TODAY + dt.timedelta(days=1)
    sample.run("build", "--today", tomorrow.isoformat(), "--no-git")
    assert marker.exists()


def test_the_secret_is_the_users_alone_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache.seal_key.cache_clear()
    try:
        first = cache.seal_key()
        file = tmp_path / "crmgen" / cache.SEAL_KEY_FILE
        assert file.read_bytes() == first and len(first) == cache.SEAL_KEY_SIZE
        assert file.stat().st_mode & 0o077 == 0
        cache.seal_key.cache_clear()
        assert cache.seal_key() == first  # another process finds the same one
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
        cache.seal_key.cache_clear()
        assert cache.seal_key() != first
    finally:
        cache.seal_key.cache_clear()


def test_a_cache_sealed_with_another_secret_is_not_read(
    sample: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_project(sample.root, TODAY)
    assert ClientCache.open(sample.root, Config()).entries
    monkeypatch.setattr(cache, "seal_key", lambda: b"another user's secret")
    assert not ClientCache.open(sample.root, Config()).entries
