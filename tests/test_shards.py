"""Shards: the same rows give the same files and fingerprints however they were batched."""

from __future__ import annotations

import pyarrow as pa

from quotes.batches import extract_rows
from quotes.records import QUOTE_SCHEMA
from quotes.shards import Limits, ShardWriter
from quotes.sources import read_documents
from tests.conftest import SEEDS

LIMITS = Limits(row_group_rows=4, row_group_bytes=900, shard_bytes=2_500)


def quote_rows() -> pa.Table:
    return pa.Table.from_batches([extract_rows(list(read_documents([SEEDS]))).quotes])


def written(directory, table: pa.Table, batch_rows: int) -> tuple[list[bytes], str]:
    writer = ShardWriter(directory, QUOTE_SCHEMA, LIMITS, {"content": None})
    writer.write_all(table.to_batches(max_chunksize=batch_rows))
    return [path.read_bytes() for path in writer.close()], writer.fingerprints["content"].hexdigest()


def test_batching_changes_neither_the_bytes_nor_the_fingerprint(tmp_path):
    table = quote_rows()
    one, five, whole = (written(tmp_path / str(rows), table, rows) for rows in (1, 5, table.num_rows))
    assert one == five == whole
    assert len(whole[0]) > 1, "the limits should make several shards"


def test_a_changed_value_changes_the_fingerprint(tmp_path):
    table = quote_rows()
    confidence = table.column("confidence").to_pylist()
    confidence[3] += 0.5
    changed = table.set_column(table.schema.get_field_index("confidence"), table.schema.field("confidence"),
                               pa.array(confidence, pa.float32()))
    assert written(tmp_path / "a", table, 7)[1] != written(tmp_path / "b", changed, 7)[1]
