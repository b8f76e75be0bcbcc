"""Where the time of a build goes: sample ``quotes build --jobs 1`` with py-spy and split it.

    python scripts/profile_build.py /tmp/news-100mb.jsonl

Runs the build under ``py-spy record`` (100 samples a second, idle threads left
out) and prints the share of the samples inside ``quotes.extract`` and the
functions of this package where the rest is spent (reading, Arrow batches,
sorting, Parquet, start-up). One job, so that every sample is of one process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = "extract (quotes/records.py"


def split(raw: Path) -> tuple[int, int, Counter]:
    """Samples in all, inside ``extract``, and outside it by the innermost frame of this package."""
    total = inside = 0
    outside: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        total += int(count)
        if any(frame.startswith(EXTRACT) for frame in frames):
            inside += int(count)
            continue
        ours = [frame for frame in frames if "quotes/" in frame]
        outside[ours[-1] if ours else f"(start-up and libraries) {frames[-1]}"] += int(count)
    return total, inside, outside


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the corpus to build")
    parser.add_argument("--top", type=int, default=15, help="functions outside extract to list (default 15)")
    parser.add_argument("extra", nargs="*", help="more arguments for quotes build (after --)")
    args = parser.parse_args(argv)
    if shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with tempfile.TemporaryDirectory(prefix="quotes-profile-") as work:
        raw = Path(work) / "samples.txt"
        build = [sys.executable, "-m", "quotes", "build", str(args.corpus), "--out", work, "--jobs", "1", "--quiet", *args.extra]
        subprocess.run(["py-spy", "record", "--rate", "100", "--format", "raw", "--output", str(raw), "--", *build],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        total, inside, outside = split(raw)
    print(f"{total / 100:.1f} s sampled: {inside / total:.1%} inside extract(), {1 - inside / total:.1%} outside")
    for frame, count in outside.most_common(args.top):
        print(f"  {count / 100:6.2f} s  {count / total:6.1%}  {frame}")


if __name__ == "__main__":
    main()
