"""Texts made to be slow, at 1 MB and 10 MB: extraction time grows in proportion to the text.

Each hostile kind of tests/test_slow_inputs.py (a megabyte of quotation marks, of opening
marks never closed, of capitalised words, of reporting verbs...) is extracted at both sizes
in this process; the 1 MB text takes the best of three runs, the 10 MB text one run, both on
the CPU clock. Target: ten times the text takes at most twelve times the time."""

from __future__ import annotations

import time

import pytest
from conftest import load

from quotes import extract
from tests.test_slow_inputs import KINDS

SMALL, LARGE = 1_000_000, 10_000_000
TARGET_RATIO = 12


def cpu_seconds(text: str) -> float:
    started = time.process_time()
    extract(text)
    return time.process_time() - started


@pytest.mark.parametrize("kind", KINDS)
def bench_ten_times_the_text(benchmark, kind):
    small, large = KINDS[kind](SMALL), KINDS[kind](LARGE)
    extract("“Warm,” she said.", "warm-up")  # the lexicons load once, outside the timing
    small_seconds = min(cpu_seconds(small) for _ in range(3))
    large_seconds = benchmark.pedantic(cpu_seconds, args=(large,), rounds=1, iterations=1)
    ratio = large_seconds / max(small_seconds, 1e-3)
    benchmark.extra_info.update(
        kind=kind,
        mb=[SMALL / 1e6, LARGE / 1e6],
        cpu_seconds=[round(small_seconds, 3), round(large_seconds, 3)],
        mb_s=[round(SMALL / 1e6 / max(small_seconds, 1e-3), 2), round(LARGE / 1e6 / max(large_seconds, 1e-3), 2)],
        time_ratio=round(ratio, 2),
        target=f"<= {TARGET_RATIO}",
        meets_target=ratio <= TARGET_RATIO,
        load=load(),
    )
