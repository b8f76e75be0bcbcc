"""Bad input at full size: ``quotes build`` of a 200 MB text file on a single line (real articles
with their line breaks made spaces), by scripts/peak_rss.py in a process of its own: time,
MB/s and peak memory. One document of 200 MB is one unit of work, so it runs in one process
whatever --jobs says; it must build, with offsets exact (tests/test_bad_input.py checks a 2 MB
line), in time and memory in proportion to its size."""

from __future__ import annotations

from conftest import DATA, ROOT, load

from bench_memory import measure

MB = 200


def single_line_file(mb: int):
    """``mb`` megabytes of the seed articles on one line (made once, then reused)."""
    path = DATA / f"single-line-{mb}mb.txt"
    if not path.exists():
        line = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted((ROOT / "seeds").glob("*.txt")))
        partial = path.with_suffix(".partial")
        with open(partial, "w", encoding="utf-8") as out:
            for _ in range(mb * 1_000_000 // (len(line.encode()) + 1)):
                out.write(line + " ")
        partial.rename(path)
    return path


def bench_build_a_200mb_single_line_file(benchmark):
    source = single_line_file(MB)
    figures = benchmark.pedantic(measure, args=(source, 1), rounds=1, iterations=1)
    benchmark.extra_info.update(
        {key: figures[key] for key in ("corpus_mb", "seconds", "max_process_mb", "tree_peak_mb")},
        mb_s=round(figures["corpus_mb"] / figures["seconds"], 2),
        load=load(),
    )
