"""Sorting: write rows in doc_id order with bounded memory, whatever order documents come in.

A release holds its document rows sorted by doc_id and its quote rows by
(doc_id, start). ``SortedRows`` takes the rows of batches of documents in the
order they were read:

- while doc_ids keep rising (a directory of text files, a corpus already in
  order) rows go straight to the release's shard writers;
- from the first doc_id out of order, rows are gathered up to ``run_bytes``,
  sorted and spilled as a run (one Arrow file per config) into the staging
  directory; the shards written before become the first run;
- at the end the runs are merged into fresh shards, at most ``fan_in`` at a
  time (more runs are first merged into fewer, larger ones).

Each merge step takes from every run the rows up to the smallest of the last
doc_ids the runs have in memory, sorts them together (a stable Arrow sort) and
writes them, so memory holds one batch per run. Doc_ids must be unique: two
documents with one id would make the order, and the quote ids, ambiguous.

>>> import tempfile
>>> from quotes.batches import extract_rows
>>> from quotes.sources import text_document
>>> from quotes.shards import ShardWriter
>>> from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA
>>> staging = Path(tempfile.mkdtemp())
>>> def writers():
...     return {"documents": ShardWriter(staging / "documents", DOCUMENT_SCHEMA),
...             "quotes": ShardWriter(staging / "quotes", QUOTE_SCHEMA)}
>>> rows = SortedRows(writers, staging / "runs")
>>> for doc_id in ["b", "a", "c"]:
...     rows.add(extract_rows([text_document(doc_id, "“Yes,” she said.", doc_id)]))
>>> import pyarrow.parquet as pq
>>> pq.read_table(rows.close()["documents"].shards[0])["doc_id"].to_pylist()
['a', 'b', 'c']
"""

from __future__ import annotations

import bisect
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from quotes.batches import Rows
from quotes.shards import Limits, ShardWriter

KEY = "doc_id"
SORT_KEYS = {"documents": [(KEY, "ascending")], "quotes": [(KEY, "ascending"), ("start", "ascending")]}
RUN_BATCH_BYTES = 256 << 10  # rows per batch in a run file: what a merge holds in memory per run
_RUN_FILE_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")  # fast enough to halve the disk a run takes for free


class DuplicateId(Exception):
    """Two documents have the same doc_id."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(doc_id)
        self.doc_id = doc_id


class SortedRows:
    """Rows of batches of documents in, shards sorted by doc_id out (see the module)."""

    def __init__(
        self, open_writers: Callable[[], dict[str, ShardWriter]], spill: Path, limits: Limits = Limits()
    ) -> None:
        self.open_writers = open_writers
        self.writers = open_writers()
        self.spill = spill
        self.limits = limits
        self.last_id: str | None = None
        self.spilling = False
        self.gathered: list[Rows] = []
        self.gathered_bytes = 0
        self.runs: list[dict[str, Path]] = []
        self.run_files = 0

    def add(self, rows: Rows) -> None:
        """Take the rows of one batch of documents."""
        ids = rows.documents.column(KEY).to_pylist()
        if not self.spilling and self._rising(ids):
            for name, table in (("documents", rows.documents), ("quotes", rows.quotes)):
                self.writers[name].write(table)
            self.last_id = ids[-1] if ids else self.last_id
            return
        self.spilling = True
        self.gathered.append(rows)
        self.gathered_bytes += rows.documents.nbytes + rows.quotes.nbytes
        if self.gathered_bytes >= self.limits.run_bytes:
            self._spill_run()

    def _rising(self, ids: list[str]) -> bool:
        previous = self.last_id
        for doc_id in ids:
            if previous is not None and doc_id <= previous:
                if doc_id == previous:
                    raise DuplicateId(doc_id)
                return False
            previous = doc_id
        return True

    def _spill_run(self) -> None:
        if not self.gathered:
            return
        gathered = {name: [getattr(rows, name) for rows in self.gathered] for name in SORT_KEYS}
        self.gathered, self.gathered_bytes = [], 0
        run = {}
        for name in SORT_KEYS:
            # One chunk (Arrow takes from many chunks ten times slower), the batches
            # let go, then the sorted rows taken a batch at a time: memory holds the
            # run once, not twice.
            table = pa.Table.from_batches(gathered.pop(name)).combine_chunks()
            run[name] = self._run_path(name)
            _write_run(run[name], _taken(table, pc.sort_indices(table, sort_keys=SORT_KEYS[name])))
        self.runs.append(run)

    def _run_path(self, name: str) -> Path:
        self.spill.mkdir(parents=True, exist_ok=True)
        self.run_files += 1
        return self.spill / f"run-{self.run_files:05d}-{name}.arrow"

    def close(self, on_merge: Callable[[int], None] | None = None) -> dict[str, ShardWriter]:
        """Finish: merge the runs if the rows came out of order; returns the closed writers.

        ``on_merge`` is told the number of runs before a merge begins.
        """
        if not self.spilling:
            for writer in self.writers.values():
                writer.close()
            return self.writers
        self._spill_run()
        first = self._shards_as_run()
        if on_merge:
            on_merge(len(self.runs) + 1)
        self.writers = self.open_writers()
        for name in ("documents", "quotes"):  # documents first: they are where a duplicate id shows
            runs = [_read_parquet(first[name])] + [_read_run(run[name]) for run in self.runs]
            runs = self._reduce(runs, name)
            merged = merge(runs, SORT_KEYS[name])
            self.writers[name].write_all(_check_unique(merged) if name == "documents" else merged)
        for writer in self.writers.values():
            writer.close()
        shutil.rmtree(self.spill)
        return self.writers

    def _shards_as_run(self) -> dict[str, list[Path]]:
        """Close the shards written while the rows were in order and move them among the runs."""
        first = {}
        self.spill.mkdir(parents=True, exist_ok=True)
        for name, writer in self.writers.items():
            target = self.spill / f"first-{name}"
            target.mkdir()
            first[name] = [shard.rename(target / shard.name) for shard in writer.close()]
        return first

    def _reduce(self, runs: list[Iterator[pa.RecordBatch]], name: str) -> list[Iterator[pa.RecordBatch]]:
        """Merge runs into fewer until at most ``fan_in`` are left."""
        fan_in = max(2, self.limits.fan_in)
        while len(runs) > fan_in:
            merged = []
            for start in range(0, len(runs), fan_in):
                path = self._run_path(name)
                _write_run(path, merge(runs[start : start + fan_in], SORT_KEYS[name]))
                merged.append(_read_run(path))
            runs = merged
        return runs


def _taken(table: pa.Table, order: pa.Array) -> Iterator[pa.Table]:
    """The rows of ``table`` in ``order``, a batch of about ``RUN_BATCH_BYTES`` at a time."""
    step = _rows_per_batch(table.num_rows, table.nbytes)
    for start in range(0, len(order), step):
        yield table.take(order.slice(start, step))


def _rows_per_batch(rows: int, size: int) -> int:
    # ``size``: the Arrow bytes of the rows (``nbytes`` of fresh arrays, as taken
    # or sorted ones are); runs are cut for memory, and the release does not depend on where.
    return max(1, int(rows * RUN_BATCH_BYTES / max(1, size)))


def _write_run(path: Path, tables: Iterable[pa.Table]) -> None:
    """Sorted rows into an Arrow stream file, in batches of about ``RUN_BATCH_BYTES``."""
    writer = None
    for table in tables:
        if writer is None:
            writer = pa.ipc.new_stream(path, table.schema, options=_RUN_FILE_OPTIONS)
        for batch in table.to_batches(max_chunksize=_rows_per_batch(table.num_rows, table.nbytes)):
            writer.write_batch(batch)
    if writer is not None:
        writer.close()


def _read_run(path: Path) -> Iterator[pa.RecordBatch]:
    if not path.exists():  # a run with no rows of this config
        return
    # Through a plain file: given a path, Arrow maps the file into memory, and a
    # merge reading every run whole would keep them all resident.
    with pa.OSFile(str(path)) as file, pa.ipc.open_stream(file) as reader:
        yield from reader
    path.unlink()


def _read_parquet(shards: list[Path]) -> Iterator[pa.RecordBatch]:
    for shard in shards:
        parquet = pq.ParquetFile(shard)
        size = sum(parquet.metadata.row_group(i).total_byte_size for i in range(parquet.num_row_groups))
        yield from parquet.iter_batches(batch_size=_rows_per_batch(parquet.metadata.num_rows, size))


def merge(runs: list[Iterable[pa.RecordBatch]], keys: list[tuple[str, str]]) -> Iterator[pa.Table]:
    """Rows of several runs, each sorted by ``keys``, as sorted tables (the first key must be doc_id).

    >>> one = [pa.record_batch({"doc_id": ["a", "c"], "start": [0, 0]})]
    >>> two = [pa.record_batch({"doc_id": ["b"], "start": [0]}), pa.record_batch({"doc_id": ["d"], "start": [0]})]
    >>> [t["doc_id"].to_pylist() for t in merge([one, two], SORT_KEYS["quotes"])]
    [['a', 'b'], ['c'], ['d']]
    """
    cursors = [cursor for cursor in map(_Cursor, runs) if not cursor.done]
    while cursors:
        bound = min(cursor.last for cursor in cursors)
        parts = [part for part in (cursor.take_through(bound) for cursor in cursors) if part.num_rows]
        # Stable: rows of equal keys stay in the order of the runs.
        yield pa.Table.from_batches(parts).sort_by(keys)
        cursors = [cursor for cursor in cursors if not cursor.done]


class _Cursor:
    """The batch a merge holds of one run, and how far into it the merge has come."""

    def __init__(self, batches: Iterable[pa.RecordBatch]) -> None:
        self.batches = iter(batches)
        self.done = False
        self._next_batch()

    def _next_batch(self) -> None:
        for batch in self.batches:
            if batch.num_rows:
                self.batch, self.position = batch, 0
                self.keys = batch.column(KEY).to_pylist()
                self.last = self.keys[-1]
                return
        self.done = True

    def take_through(self, bound: str) -> pa.RecordBatch:
        """The rows from here whose key is at most ``bound`` (keys in a run are sorted)."""
        end = bisect.bisect_right(self.keys, bound, lo=self.position)
        part = self.batch.slice(self.position, end - self.position)
        self.position = end
        if end == len(self.keys):
            self._next_batch()
        return part


def _check_unique(tables: Iterable[pa.Table]) -> Iterator[pa.Table]:
    """Pass sorted document rows through, raising DuplicateId at the first repeated doc_id."""
    previous = None
    for table in tables:
        for doc_id in table.column(KEY).to_pylist():
            if doc_id == previous:
                raise DuplicateId(doc_id)
            previous = doc_id
        yield table
