"""Compiled templates kept between builds are used only when sound and made
by this crmgen from the template's current source."""

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


def compiled_files(project: ProjectDir) -> list[Path]:
    return sorted((project.root / CACHE_DIR / bytecode.TEMPLATES_CACHE).glob("*.bin"))


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
    ours = BytecodeCache(built.root).salt
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
    poison(built, BytecodeCache(built.root).salt)
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
