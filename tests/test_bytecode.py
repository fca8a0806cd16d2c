"""Compiled templates kept between builds are used only when sound and made
by this crmgen from the template's current source; crmgen's own are shared by
every project through the user's cache folder, a project's own stay in it."""

from __future__ import annotations

import io
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from conftest import ProjectDir
from jinja2.bccache import Bucket, bc_magic

from crmgen import bytecode
from crmgen.bundled import default_templates
from crmgen.bytecode import BytecodeCache
from crmgen.cache import CACHE_DIR, read_sealed, write_sealed
from crmgen.render import environment

TODAY = "2027-01-15"
CLIENT = """\
    ---
    name: Acme
    stage: lead
    first_contact: 2026-03-01
    ---
    """


@pytest.fixture(autouse=True)
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache folder of the test's own, so each test starts uncompiled."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache"


def project_compiled(project: ProjectDir) -> list[Path]:
    return sorted((project.root / CACHE_DIR / bytecode.TEMPLATES_CACHE).glob("*.bin"))


def shared_compiled() -> list[Path]:
    folder = bytecode.shared_folder()
    assert folder is not None
    return sorted(folder.glob("*.bin"))


def compiled_files(project: ProjectDir) -> list[Path]:
    return project_compiled(project) + shared_compiled()


def site_files(project: ProjectDir) -> dict[str, bytes]:
    site = project.root / "site"
    return {
        str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()
    }


def build(project: ProjectDir) -> dict[str, bytes]:
    assert project.run("build", "--today", TODAY).status == 0
    return site_files(project)


def build_afresh(project: ProjectDir) -> dict[str, bytes]:
    """Build with the caches but no site, so that every page is rendered."""
    shutil.rmtree(project.root / "site")
    return build(project)


@pytest.fixture
def built(project: ProjectDir) -> ProjectDir:
    project.client("acme", CLIENT)
    build(project)
    assert compiled_files(project), "the build kept no compiled templates"
    return project


def test_a_second_environment_loads_what_the_first_compiled(
    built: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = environment(built.root, compiled=True)
    monkeypatch.setattr(
        env, "compile", lambda *a, **k: pytest.fail(f"compiled again: {a[1]}")
    )
    env.get_template("client.html")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-5] + b"xxxxx",
        lambda data: b"",
        lambda data: b"not compiled code at all",
    ],
)
def test_damaged_compiled_templates_are_compiled_again(
    built: ProjectDir, damage: Callable[[bytes], bytes]
) -> None:
    good = site_files(built)
    for file in compiled_files(built):
        file.write_bytes(damage(file.read_bytes()))
    assert build_afresh(built) == good


def poison(built: ProjectDir, salt: str) -> None:
    """Seal in each compiled file a template that says POISON, with the real
    template's source checksum (so Jinja takes it) and salt as crmgen's code."""
    env = jinja2.Environment(loader=jinja2.DictLoader({}))
    ours = BytecodeCache(built.root, default_templates()).salt
    for file in compiled_files(built):
        data = read_sealed(file, bytecode.MAGIC, ours)
        assert isinstance(data, bytes), f"{file} is not this crmgen's"
        stream = io.BytesIO(data[len(bc_magic) :])
        bucket = Bucket(env, file.stem, pickle.load(stream))
        bucket.code = env.compile("POISON", "x", "x")
        write_sealed(file, bytecode.MAGIC, salt, bucket.bytecode_to_string())


def test_compiled_code_of_another_crmgen_is_never_used(built: ProjectDir) -> None:
    good = site_files(built)
    poison(built, "crmgen 0.0 code other")
    files = build_afresh(built)
    assert not any(b"POISON" in data for data in files.values())
    assert files == good
    # Sealed as this crmgen's, the same files are used: what the salt guards.
    poison(built, BytecodeCache(built.root, default_templates()).salt)
    assert b"POISON" in build_afresh(built)["index.html"]


def test_an_edited_project_template_is_compiled_again(built: ProjectDir) -> None:
    templates = built.root / "templates"
    templates.mkdir(exist_ok=True)
    base = (Path(default_templates()) / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("Skip to content", "Skip A"))
    assert b"Skip A" in build(built)["index.html"]
    (templates / "base.html").write_text(base.replace("Skip to content", "Skip B"))
    files = build(built)
    assert b"Skip B" in files["index.html"] and b"Skip A" not in files["index.html"]


def test_crmgen_templates_compiled_once_serve_every_project(
    built: ProjectDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shared_compiled() and not project_compiled(built)
    other = ProjectDir(tmp_path / "other")
    other.client("acme", CLIENT)
    env = environment(other.root, compiled=True)
    monkeypatch.setattr(
        env, "compile", lambda *a, **k: pytest.fail(f"compiled again: {a[1]}")
    )
    env.get_template("client.html")
    env.get_template("board.html")


def test_a_project_template_is_kept_in_the_project(
    built: ProjectDir, tmp_path: Path
) -> None:
    shared = shared_compiled()
    base = (Path(default_templates()) / "base.html").read_text(encoding="utf-8")
    built.write("templates/base.html", base.replace("Skip to content", "Skip A"))
    assert b"Skip A" in build(built)["index.html"]
    assert len(project_compiled(built)) == 1
    assert shared_compiled() == shared
    # Another project, without the override, still gets crmgen's own.
    other = ProjectDir(tmp_path / "other")
    other.client("acme", CLIENT)
    page = build(other)["index.html"]
    assert b"Skip to content" in page and b"Skip A" not in page


@pytest.mark.parametrize("where", ["a file", "no home"])
def test_without_a_usable_user_cache_the_site_is_the_same(
    built: ProjectDir, user_cache: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    good = site_files(built)
    if where == "a file":  # not a folder: nothing can be written under it
        shutil.rmtree(user_cache)
        user_cache.write_text("not a folder")
    else:
        monkeypatch.delenv("XDG_CACHE_HOME")

        def no_home() -> Path:
            raise RuntimeError("no home")

        monkeypatch.setattr(Path, "home", no_home)
        assert bytecode.shared_folder() is None
    assert build_afresh(built) == good
    if where == "no home":  # crmgen's own templates are kept in the project
        assert project_compiled(built)


def test_a_relative_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")
    folder = tmp_path / "home" / ".cache" / "crmgen" / "templates"
    assert bytecode.shared_folder() == folder
