"""Benchmark corpora and helpers: corpora are made once by scripts/make_corpus.py into a
directory outside the repository ($QUOTES_BENCH_DATA, default <tmp>/quotes-benchmarks), and
builds run as real subprocesses of this checkout's package, start-up included."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "corpora" / "news.jsonl.gz"
DATA = Path(os.environ.get("QUOTES_BENCH_DATA", Path(tempfile.gettempdir()) / "quotes-benchmarks"))
DATA.mkdir(parents=True, exist_ok=True)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
sys.path.insert(0, str(ROOT))


def corpus(mb: int) -> Path:
    """A JSON Lines corpus of ``mb`` megabytes of real articles (made once, then reused)."""
    path = DATA / f"news-{mb}mb.jsonl"
    if not path.exists():
        partial = path.with_suffix(".partial")
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "--mb", str(mb), "--out", str(partial)], check=True)
        partial.rename(path)
    return path


def news_corpus() -> tuple[Path, str]:
    """The shared news corpus, or a corpus of the same size sampled from seeds/ when it is absent."""
    if NEWS.is_file():
        return NEWS, "news.jsonl.gz"
    path = DATA / "seeds-26mb.jsonl"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "--mb", "26", "--source", str(ROOT / "seeds"), "--out", str(path)], check=True)
    return path, "seeds sampled to 26 MB (news corpus absent)"


class Build:
    """One ``quotes build`` run as a subprocess: its wall time, CPU time and counts.

    The CPU time is that of the build process (all of a ``--jobs 1`` build; for
    more jobs the pool's workers, children of its fork server, are not in it).
    """

    def __init__(self, source: Path, jobs: int, *extra: str) -> None:
        self.source, self.jobs, self.extra = source, jobs, extra
        self.seconds = self.cpu_seconds = 0.0
        self.counts: dict = {}

    def __call__(self) -> "Build":
        with tempfile.TemporaryDirectory(prefix="quotes-bench-", dir=DATA) as out:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "quotes", "build", str(self.source), "--out", out, "--jobs", str(self.jobs), "--quiet", *self.extra],
                env=ENV, check=True, stdout=subprocess.DEVNULL,
            )
            self.seconds = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            self.cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            self.counts = json.loads(next(Path(out).glob("v*/release.json")).read_text())["counts"]
        return self

    def rates(self) -> dict:
        """MB/s, documents/s and quotes/s of the run, with its time and CPU time."""
        mb = self.counts["bytes"] / 1e6
        return {
            "mb": round(mb, 1),
            "seconds": round(self.seconds, 2),
            "build_process_cpu_seconds": round(self.cpu_seconds, 2),
            "mb_s": round(mb / self.seconds, 2),
            "docs_s": round(self.counts["documents"] / self.seconds),
            "quotes_s": round(self.counts["quotes"] / self.seconds),
        }


def load() -> float:
    """The 1-minute load average: other work on the machine slows every figure."""
    return round(os.getloadavg()[0], 2)


@pytest.fixture
def build_once(benchmark):
    """Time one build with pytest-benchmark (one round: a build takes minutes) and return it."""

    def run(source: Path, jobs: int, *extra: str) -> Build:
        build = Build(source, jobs, *extra)
        benchmark.pedantic(build, rounds=1, iterations=1)
        return build

    return run
