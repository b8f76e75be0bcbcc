"""Shards: stream the rows of one config into size-bounded Parquet files.

Rows arrive in record batches of any size and leave in row groups cut at
fixed places: after ``row_group_rows`` rows, or at the row that brings a group
to ``row_group_bytes`` of Arrow data, whichever comes first. A shard is closed
after the row group that brings it to ``shard_bytes``. The cuts depend only on
the rows, never on how they were batched on the way in, so the same rows give
the same files byte for byte, built by one process or many. Shards are named
``train-XXXXX-of-YYYYY.parquet`` when the writer closes and their number is
known.

The writer also keeps a fingerprint of the values it wrote (``Fingerprint``):
equal rows, equal fingerprint, whatever their batching or the Parquet encoding.

>>> import tempfile, pyarrow as pa
>>> schema = pa.schema([pa.field("doc_id", pa.string(), nullable=False)])
>>> writer = ShardWriter(Path(tempfile.mkdtemp()), schema, Limits(row_group_rows=2, shard_bytes=3))
>>> for ids in (["a", "b", "c"], ["d", "e"]):
...     writer.write(pa.record_batch([pa.array(ids)], schema=schema))
>>> [path.name for path in writer.close()]
['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet']
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FIXED_WIDTH = 8  # bytes counted for a number in a row's weight (an int64 or a float)


class Limits(NamedTuple):
    """The sizes that bound a build's memory and shape its files (bytes are of Arrow data)."""

    row_group_rows: int = 50_000
    row_group_bytes: int = 16 << 20  # keeps a row group small enough to read on its own
    shard_bytes: int = 512 << 20  # about the shard size the Hub's own uploads use
    run_bytes: int = 32 << 20  # sorting: rows gathered in memory before a sorted run is written out
    fan_in: int = 64  # sorting: runs merged at once (each holds a batch of 256 KB in memory)
    batch_bytes: int = 1 << 20  # text per unit of work of the extractor (a task of a process pool)


def row_weights(batch: pa.RecordBatch | pa.Table) -> np.ndarray:
    """The size of each row in bytes: its text and binary values, and a fixed width per number.

    >>> row_weights(pa.table({"a": ["xy", None], "n": [1, 2]})).tolist()
    [10, 8]
    """
    weights = np.full(batch.num_rows, FIXED_WIDTH * sum(not _is_binary(field.type) for field in batch.schema), dtype=np.int64)
    for field, column in zip(batch.schema, batch.columns):
        if _is_binary(field.type):
            lengths = pc.binary_length(column)
            # fill_null costs more than the lengths themselves: only where there are nulls.
            weights += (lengths.fill_null(0) if column.null_count else lengths).to_numpy().astype(np.int64)
    return weights


def _is_binary(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)


def cut(weights: np.ndarray, rows_room: int, bytes_room: int) -> int | None:
    """How many of the rows fill a group with room for ``rows_room`` rows and ``bytes_room`` bytes.

    None when all of them fit and there is still room.

    >>> cut(np.array([5, 5, 5]), rows_room=10, bytes_room=10), cut(np.array([5]), 10, 10)
    (2, None)
    """
    total = np.cumsum(weights)
    end = min(int(np.searchsorted(total, bytes_room)), rows_room - 1)
    return end + 1 if end < len(weights) else None


def arrow_size(table: pa.Table) -> int:
    """The bytes the rows take in Arrow memory when freshly built, however they are sliced now.

    (``Table.nbytes`` of a slice or a sorted copy can differ for the same rows.)

    >>> table = pa.table({"a": ["xy", None], "n": pa.array([1, 2], pa.int32())})
    >>> arrow_size(table), arrow_size(pa.concat_tables([table.slice(0, 1), table.slice(1)]))
    (23, 23)
    """
    size = 0
    for column in table.columns:
        rows = len(column)
        size += (rows + 7) // 8 if column.null_count else 0  # the validity bitmap
        if _is_binary(column.type):
            width = 8 if pa.types.is_large_string(column.type) or pa.types.is_large_binary(column.type) else 4
            size += width * (rows + 1) + (pc.sum(pc.binary_length(column)).as_py() or 0)
        else:
            size += rows * column.type.bit_width // 8
    return size


class Fingerprint:
    """sha256 of the values of some columns, the same however the rows were batched.

    Each column feeds three digests (validity, value lengths, value bytes), so
    a row group boundary or an Arrow slice cannot change the result.

    >>> schema = pa.schema([("a", pa.string())])
    >>> one, two = Fingerprint(schema), Fingerprint(schema)
    >>> one.update(pa.table({"a": ["x", None, "yz"]}))
    >>> two.update(pa.table({"a": ["x"]})); two.update(pa.table({"a": [None, "yz"]}))
    >>> one.hexdigest() == two.hexdigest()
    True
    """

    def __init__(self, schema: pa.Schema, names: Sequence[str] | None = None) -> None:
        self.fields = [schema.field(name) for name in (names or schema.names)]
        self.digests = [(hashlib.sha256(), hashlib.sha256(), hashlib.sha256()) for _ in self.fields]

    def update(self, table: pa.Table | pa.RecordBatch) -> None:
        for field, digests in zip(self.fields, self.digests):
            column = table.column(field.name)
            for chunk in getattr(column, "chunks", [column]):
                _digest_values(chunk, field, *digests)

    def hexdigest(self) -> str:
        total = hashlib.sha256()
        for field, digests in zip(self.fields, self.digests):
            total.update(field.name.encode() + b"\0")
            for digest in digests:
                total.update(digest.digest())
        return total.hexdigest()


def _digest_values(array: pa.Array, field: pa.Field, validity, lengths, values) -> None:
    if field.nullable:
        valid = pc.is_valid(array).to_numpy(zero_copy_only=False) if array.null_count else np.ones(len(array), bool)
        validity.update(valid.tobytes())
    if _is_binary(field.type):
        filled = array.fill_null("") if array.null_count else array
        lengths.update(pc.binary_length(filled).to_numpy().astype("<i8").tobytes())
        values.update(_value_bytes(filled))
    else:
        filled = array.fill_null(0) if array.null_count else array
        numbers = filled.to_numpy(zero_copy_only=False)
        values.update(numbers.astype(numbers.dtype.newbyteorder("<")).tobytes())


def _value_bytes(array: pa.Array) -> memoryview | bytes:
    """The bytes of all values of a string or binary array, wherever its slice starts."""
    _, offsets, data = array.buffers()
    if data is None or len(array) == 0:
        return b""
    width = 8 if pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type) else 4
    bounds = np.frombuffer(offsets, dtype=f"<i{width}", count=len(array) + 1, offset=array.offset * width)
    return memoryview(data)[bounds[0] : bounds[-1]]


class ShardWriter:
    """Rows of one config, written into Parquet shards in fixed row groups (see the module)."""

    def __init__(
        self, directory: Path, schema: pa.Schema, limits: Limits = Limits(), fingerprints: dict[str, Sequence[str]] | None = None
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.schema = schema
        self.limits = limits
        self.fingerprints = {name: Fingerprint(schema, names) for name, names in (fingerprints or {}).items()}
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.pending_weight = 0
        self.shards: list[Path] = []
        self.writer: pq.ParquetWriter | None = None
        self.shard_weight = 0
        self.rows = 0
        self.arrow_bytes = 0  # the in-memory size the Hub reports as num_bytes

    def write(self, batch: pa.RecordBatch) -> None:
        """Add rows; every row group they complete is written."""
        weights = row_weights(batch)
        start = 0
        while start < batch.num_rows:
            rows_room = self.limits.row_group_rows - self.pending_rows
            end = cut(weights[start:], rows_room, self.limits.row_group_bytes - self.pending_weight)
            taken = batch.num_rows - start if end is None else end
            self.pending.append(batch.slice(start, taken))
            self.pending_rows += taken
            self.pending_weight += int(weights[start : start + taken].sum())
            start += taken
            if end is not None:
                self._write_row_group()

    def write_all(self, batches: Iterable[pa.RecordBatch | pa.Table]) -> None:
        """Add the rows of every batch (or table) in turn."""
        for batch in batches:
            for piece in batch.to_batches() if isinstance(batch, pa.Table) else [batch]:
                self.write(piece)

    def _write_row_group(self) -> None:
        # One chunk per column: the bytes of a row group must not depend on how it was batched.
        group = pa.Table.from_batches(self.pending, schema=self.schema).combine_chunks()
        if self.writer is None:
            self.shards.append(self.directory / f"part-{len(self.shards):05d}.parquet")
            self.writer = pq.ParquetWriter(self.shards[-1], self.schema, compression="zstd", write_statistics=True)
        self.writer.write_table(group, row_group_size=group.num_rows)
        for fingerprint in self.fingerprints.values():
            fingerprint.update(group)
        self.rows += group.num_rows
        self.arrow_bytes += arrow_size(group)
        self.shard_weight += self.pending_weight
        self.pending, self.pending_rows, self.pending_weight = [], 0, 0
        if self.shard_weight >= self.limits.shard_bytes:
            self.writer.close()
            self.writer, self.shard_weight = None, 0

    def close(self) -> list[Path]:
        """Write what is left and give the shards their final names; returns their paths."""
        if self.pending:
            self._write_row_group()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if not self.shards:  # no rows at all: one empty shard still carries the schema
            self.shards.append(self.directory / "part-00000.parquet")
            pq.ParquetWriter(self.shards[0], self.schema, compression="zstd").close()
        named = [self.directory / shard_name(i, len(self.shards)) for i in range(len(self.shards))]
        for old, new in zip(self.shards, named):
            old.rename(new)
        self.shards = named
        return named


def shard_name(shard: int, shards: int) -> str:
    """The file name of a shard, as the Hub names the shards of a split.

    >>> shard_name(0, 3)
    'train-00000-of-00003.parquet'
    """
    return f"train-{shard:05d}-of-{shards:05d}.parquet"
