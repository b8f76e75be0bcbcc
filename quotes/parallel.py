"""Parallel: apply a function to items in N processes, results in the items' order.

Where the work runs, not what it is. ``imap_ordered(extract_rows, batches, jobs)``
returns the same results in the same order for every ``jobs``, which is what
lets a release come out byte-identical however many processes built it.

One job runs the function in this process (nothing is pickled), and so does
an input of a single item, where a pool would only add its start-up. Otherwise
a ``concurrent.futures`` process pool runs the items; at most ``window`` items
are in flight, so memory stays bounded however far the consumer falls behind
the workers. Workers start from a fork server that has imported
``quotes`` once, so they neither import it again nor inherit the parent's
threads and open files. As with any ``multiprocessing`` pool, a script that
asks for more than one job runs its work under ``if __name__ == "__main__":``.

>>> list(imap_ordered(abs, [-3, 1, -2], jobs=2))
[3, 1, 2]
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_PRELOAD = ["quotes.batches"]  # imported once by the fork server, inherited by every worker


class WorkerLost(RuntimeError):
    """A worker process died in the middle of its work: killed, or out of memory."""


def default_jobs() -> int:
    """The number of cores this process may run on (the default of ``--jobs``).

    >>> default_jobs() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def imap_ordered(
    function: Callable[[Item], Result], items: Iterable[Item], jobs: int = 1, window: int | None = None
) -> Iterator[Result]:
    """``function`` applied to every item, in ``jobs`` processes, results in order.

    ``function`` must be importable by name (a module-level function) and its
    arguments and results picklable. An exception raised by ``function`` or by
    ``items`` reaches the caller in its place in the order.

    >>> list(imap_ordered(len, ["ab", "c"], jobs=1))
    [2, 1]
    """
    items = iter(items)
    head = list(islice(items, 2))
    if jobs <= 1 or len(head) < 2:
        yield from map(function, chain(head, items))
        return
    yield from _pool_map(function, chain(head, items), jobs, window or 2 * jobs)


def _pool_map(function, items: Iterator, jobs: int, window: int) -> Iterator:
    # A thread reads the items and submits them, one as each result is taken, so at most
    # ``window`` are in flight, and reading the next items goes on while the consumer
    # works on a result. A consumer that stops early (an error, a break) cancels what has
    # not started and waits for what has: the workers finish their item and exit, none is
    # killed in the middle of a write to a queue it shares (a ``multiprocessing.Pool``
    # terminated that way could hang its own shutdown).
    slots = threading.Semaphore(window)
    stop = threading.Event()
    submitted: queue.SimpleQueue = queue.SimpleQueue()  # futures in order, then an error or the end
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=_context()) as executor:

        def feed() -> None:
            try:
                for item in items:
                    while not slots.acquire(timeout=0.1):
                        if stop.is_set():
                            return
                    if stop.is_set():
                        return
                    submitted.put(executor.submit(function, item))
            except Exception as error:  # an error of the items, in its place in the order
                submitted.put(error)
                return
            submitted.put(_END)

        feeder = threading.Thread(target=feed, name="quotes-feeder", daemon=True)
        feeder.start()
        try:
            while (future := submitted.get()) is not _END:
                result = _result(future)
                slots.release()
                yield result
        finally:
            stop.set()
            feeder.join()
            while not submitted.empty():
                future = submitted.get()
                if isinstance(future, concurrent.futures.Future):
                    future.cancel()


_END = object()  # what the feeding thread puts after the last item


def _result(future: concurrent.futures.Future | Exception):
    """The result of a submitted item, or the error in its place."""
    try:
        if isinstance(future, Exception):
            raise future
        return future.result()
    except concurrent.futures.process.BrokenProcessPool:
        raise WorkerLost(
            "a worker process ended abruptly (killed, or out of memory); run again, with fewer --jobs or more memory"
        ) from None


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")
