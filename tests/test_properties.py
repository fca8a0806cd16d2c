"""Property tests: no input crashes the loader, and every line it names exists."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmgen.config import Config
from crmgen.parse import parse_client

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted((REPO / "clients").rglob("*.md"))
CONFIG = Config(lost_reasons=("price", "timing"))

FRAGMENTS = [
    "---\n",
    "name: Acme\n",
    "first_contact: 2026-01-05\n",
    "stage: lead\n",
    "stage: won\n",
    "phone: 0123\n",
    "answer: no\n",
    "at: 12:30\n",
    "first_contact: 2026-02-30\n",
    "deals:\n",
    "  - title: A\n",
    "    stage: lost\n",
    "  - x\n",
    "tags: [a, b\n",
    "## Log\n",
    "### 2026-01-01 call: hi\n",
    "### 2026-13-01 call\n",
    "### nonsense\n",
    "```\n",
    "~~~\n",
    "# h\n",
    "\r\n",
    "\ufeff",
    "\t- bad: [\n",
    "key: 'unterminated\n",
    "&a x\n",
    "*a\n",
    "? complex\n",
    "value: -1\n",
    "probability: 150\n",
    "### 2026-01-01 stage: a -> b, 1% -> 900%\n",
]


def _check(data: bytes) -> None:
    client, problems = parse_client("clients/acme.md", data, CONFIG)
    lines = data.count(b"\n") + 1
    for problem in problems:
        assert 1 <= problem.line <= lines, (problem, data)
        assert problem.path == "clients/acme.md"
    if client is not None:
        for entry in client.log:
            assert 1 <= entry.line <= lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_assembled_fragments_never_crash(parts: list[str]) -> None:
    _check("".join(parts).encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    _check(b"---\n" + data)
    _check(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLES) if SAMPLES else st.nothing(), st.data())
def test_mutated_sample_files_never_crash(path: Path, data: st.DataObject) -> None:
    original = path.read_bytes()
    mutations = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, max(len(original) - 1, 0)),
                st.integers(0, 20),
                st.binary(max_size=12)
                | st.sampled_from(
                    [b"\n---\n", b": ", b"###", b"```", b"\r\n", b"\xff", b"- "]
                ),
            ),
            min_size=1,
            max_size=5,
        )
    )
    mutated = original
    for at, cut, insert in mutations:
        mutated = mutated[:at] + insert + mutated[at + cut :]
    _check(mutated)
