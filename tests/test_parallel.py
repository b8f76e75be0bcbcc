"""The process pool: results in the order of the items for any number of jobs, errors in
their place, and no worker left behind when the consumer stops early."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from quotes.parallel import WorkerLost, imap_ordered
from quotes.sources import SourceError


def test_results_keep_the_order_of_the_items():
    items = [str(i) for i in range(200)]
    assert list(imap_ordered(int, items, jobs=2, window=3)) == list(range(200))


def test_an_error_of_the_function_comes_after_the_results_before_it():
    results = imap_ordered(int, ["1", "2", "three", "4"], jobs=2)
    assert [next(results), next(results)] == [1, 2]
    with pytest.raises(ValueError, match="three"):
        next(results)


def test_an_error_of_the_items_reaches_the_caller():
    def items():
        yield from ["1", "2", "3"]
        raise SourceError("corpus.jsonl:4: not valid JSON")

    with pytest.raises(SourceError, match="corpus.jsonl:4"):
        list(imap_ordered(int, items(), jobs=2))


def test_stopping_early_ends_the_workers():
    started = time.monotonic()
    for result in imap_ordered(int, (str(i) for i in range(10**6)), jobs=2):
        break
    assert result == 0 and time.monotonic() - started < 30
    assert not multiprocessing.active_children()


def _end_this_process(item: str) -> int:
    if item == "2":
        os._exit(9)  # as a worker killed by the system would end
    return int(item)


def test_a_worker_that_dies_is_an_error_that_says_so():
    with pytest.raises(WorkerLost, match="fewer --jobs or more memory"):
        list(imap_ordered(_end_this_process, [str(i) for i in range(6)], jobs=2))
    assert not multiprocessing.active_children()
