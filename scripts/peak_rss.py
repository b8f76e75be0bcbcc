"""Measure the peak resident memory of a build: of its largest process, and of all its processes together.
And where its CPU time goes: the build process, and the others (the pool's workers and fork server).

    python scripts/peak_rss.py /tmp/news-1gb.jsonl --jobs 2
    python scripts/peak_rss.py /tmp/news-1gb.jsonl --jobs 2 --json peak.json

Runs ``python -m quotes build CORPUS --quiet`` (with this checkout's package) into
a temporary directory, and reports:

- ``max_process_mb``: ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, the
  peak of the largest single process (the build, or one of its workers);
- ``tree_peak_mb``: the largest sum of the proportional memory (Pss) of the
  build and all its worker processes, sampled from /proc every 20 ms (Linux): the
  memory they take together, pages shared between them counted once;
- ``build_process_mb`` and ``other_processes_mb``: the sampled peak resident
  memory (Rss) of the build process and of each other process (the pool's
  workers, its fork server and the resource tracker);
- ``build_process_cpu_s`` and ``other_processes_cpu_s``: the CPU time (user
  and system) of the build process and of all the others together, as last
  sampled (each process's last 20 ms may be missed);
- ``load``: the 1-minute load average at the end, this build included: other
  work on the machine slows every figure.

Extra arguments after ``--`` go to ``quotes build``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_memory(pid: int) -> dict[int, tuple[int, int]]:
    """(resident, proportional) bytes of ``pid`` and of each of its descendants, from /proc.

    The proportional set size (Pss) counts a page shared by n processes as 1/n in
    each, so the Pss of processes add up to the memory they take together (the
    workers share the pages of the fork server they were forked from); resident
    sizes (Rss) count shared pages in every process. Empty once ``pid`` has gone.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    resident, todo = {}, [pid]
    while todo:
        current = todo.pop()
        try:
            rollup = dict(line.split(":", 1) for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines()[1:])
            resident[current] = (int(rollup["Rss"].split()[0]) * 1024, int(rollup["Pss"].split()[0]) * 1024)
        except (OSError, KeyError, ValueError):
            pass
        todo += children.get(current, [])
    return resident


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system) a process has used so far, from /proc; None once it has gone.

    >>> cpu_seconds(os.getpid()) > 0
    True
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime and stime, in clock ticks


def measure(corpus: Path, jobs: int, extra: list[str]) -> dict:
    """Build ``corpus`` once and return the wall time and both peaks."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with tempfile.TemporaryDirectory(prefix="quotes-rss-") as out:
        command = [sys.executable, "-m", "quotes", "build", str(corpus), "--out", out, "--jobs", str(jobs), "--quiet", *extra]
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        peak, peaks, cpu = 0, {}, {}
        while process.poll() is None:
            memory = tree_memory(process.pid)
            peak = max(peak, sum(proportional for _, proportional in memory.values()))
            for pid, (resident, _) in memory.items():
                peaks[pid] = max(peaks.get(pid, 0), resident)
                cpu[pid] = cpu_seconds(pid) or cpu.get(pid, 0.0)
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        if process.returncode:
            raise SystemExit(f"the build failed (exit {process.returncode}): {' '.join(command)}")
        summary = process.stdout.read()
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kilobytes on Linux
    return {
        "corpus": str(corpus),
        "corpus_mb": round(corpus.stat().st_size / 1e6, 1),
        "jobs": jobs,
        "seconds": round(seconds, 1),
        "max_process_mb": round(largest / 1e6, 1),
        "tree_peak_mb": round(peak / 1e6, 1),
        "build_process_mb": round(peaks.get(process.pid, 0) / 1e6, 1),
        "other_processes_mb": sorted((round(size / 1e6, 1) for pid, size in peaks.items() if pid != process.pid), reverse=True),
        "build_process_cpu_s": round(cpu.get(process.pid, 0.0), 2),
        "other_processes_cpu_s": round(sum(seconds for pid, seconds in cpu.items() if pid != process.pid), 2),
        "load": round(os.getloadavg()[0], 2),
        "summary": summary.splitlines()[:4],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the corpus to build (JSON Lines with id and text, see make_corpus.py)")
    parser.add_argument("--jobs", type=int, default=2, help="processes that extract (default 2)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("extra", nargs="*", help="more arguments for quotes build (after --)")
    args = parser.parse_args(argv)
    figures = measure(args.corpus, args.jobs, args.extra)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
