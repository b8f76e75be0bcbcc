"""Peak resident memory of a build over 1 GB of input, by scripts/peak_rss.py in a process of
its own: of the largest process, and of the build and its workers together. Target: <= 500 MB."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import DATA, ROOT, corpus, load

TARGET_MB = 500


def measure(source, jobs: int) -> dict:
    out = DATA / "peak-rss.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "peak_rss.py"), str(source), "--jobs", str(jobs), "--json", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def bench_peak_rss_1gb(benchmark):
    figures = benchmark.pedantic(measure, args=(corpus(1000), 2), rounds=1, iterations=1)
    benchmark.extra_info.update(
        {key: figures[key] for key in ("corpus_mb", "jobs", "seconds", "max_process_mb", "tree_peak_mb")},
        mb_s=round(figures["corpus_mb"] / figures["seconds"], 2),
        target=f"<= {TARGET_MB} MB", meets_target=figures["tree_peak_mb"] <= TARGET_MB, load=load(),
    )
