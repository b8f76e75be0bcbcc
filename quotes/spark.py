"""Spark: the same extraction over a corpus beyond one machine, as Spark DataFrames.

``quote_rows(articles)`` applies the pure extractor to every row of a Spark
DataFrame of documents with ``DataFrame.mapInArrow``: each Python worker gets
Arrow batches of ids and texts, runs ``quotes.batches.extract_rows`` on them
(the function a local build runs) and returns Arrow batches in
``QUOTE_SCHEMA``, so the rows are those of a local build, field for field.
``document_rows`` does the same for the ``documents`` config. Records follow
the rules of JSON Lines sources: ids are text or whole numbers, byte offsets
count in the UTF-8 encoding of the text column.

Recipe: a release's shards from Spark (install with ``pip install 'quotes[spark]'``)::

    from pyspark.sql import SparkSession
    from quotes.spark import document_rows, quote_rows, write_shards

    spark = SparkSession.builder.getOrCreate()
    articles = spark.read.json("crawl/*.jsonl.gz")          # or spark.read.parquet(...)
    write_shards(quote_rows(articles, id_field="doc_id"), "release/data/quotes", shards=64)
    write_shards(document_rows(articles, id_field="doc_id"), "release/data/documents", shards=64)

``write_shards`` sorts the rows by (doc_id, start) across the shards, as a
release does, and names them ``train-XXXXX-of-YYYYY.parquet``; then
``load_dataset("parquet", data_files="release/data/quotes/*.parquet")``, DuckDB
or Polars read them like the shards of ``quotes build``. (The card and
release.json of a versioned release come from ``quotes build``, which streams
a corpus of any size on one machine.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

import quotes

from quotes.batches import Rows, extract_rows
from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA
from quotes.shards import shard_name
from quotes.sources import Fields, record_document

SORT_COLUMNS = {"quotes": ["doc_id", "start"], "documents": ["doc_id"]}


def local_session(cores: int = 2):
    """A Spark session on this machine whose Python workers run this interpreter and this ``quotes``.

    >>> spark = local_session()
    >>> spark.sparkContext.master
    'local[2]'
    """
    from pyspark.sql import SparkSession

    package_root = str(Path(quotes.__file__).resolve().parent.parent)
    # A local session starts its Python workers with $PYSPARK_PYTHON, else with the
    # first python3 on the PATH (spark.pyspark.python is not read in local mode): from a
    # virtual environment not on the PATH, that one lacks this package's dependencies.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("quotes")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.pyspark.python", sys.executable)
        # The workers import the package the driver imported, installed or not.
        .config("spark.executorEnv.PYTHONPATH", os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_schema(schema: pa.Schema):
    """The Spark schema of an Arrow schema, nullability kept.

    >>> spark_schema(QUOTE_SCHEMA)["paragraph"].dataType.simpleString()
    'int'
    """
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def quote_rows(documents, text_field: str = "text", id_field: str = "id"):
    """A Spark DataFrame of the quotations in ``documents`` (a DataFrame with an id and a text column).

    The schema is exactly ``QUOTE_SCHEMA``; the rows are those a local build writes.

    >>> articles = local_session().createDataFrame([("a1", "“We will win,” Trump told reporters.")], "id string, text string")
    >>> [(row.doc_id, row.text, row.speaker) for row in quote_rows(articles).collect()]
    [('a1', 'We will win,', 'Trump')]
    """
    fields = Fields(text=text_field, id=id_field)
    return documents.select(id_field, text_field).mapInArrow(
        lambda batches: (rows.quotes for rows in _extract(batches, fields)), spark_schema(QUOTE_SCHEMA)
    )


def document_rows(documents, text_field: str = "text", id_field: str = "id"):
    """A Spark DataFrame of the ``documents`` config (``DOCUMENT_SCHEMA``) of ``documents``.

    >>> articles = local_session().createDataFrame([(7, "“Yes,” she said.")], "doc_id long, body string")
    >>> [(row.doc_id, row.n_bytes, row.n_quotes) for row in document_rows(articles, "body", "doc_id").collect()]
    [('7', 20, 1)]
    """
    fields = Fields(text=text_field, id=id_field)
    return documents.select(id_field, text_field).mapInArrow(
        lambda batches: (rows.documents for rows in _extract(batches, fields)), spark_schema(DOCUMENT_SCHEMA)
    )


def _extract(batches: Iterator[pa.RecordBatch], fields: Fields) -> Iterator[Rows]:
    """Runs on Spark's Python workers: Arrow batches of documents in, rows out."""
    for batch in batches:
        records = batch.to_pylist()
        documents = [
            record_document(record, fields, f"the row with {fields.id} {record.get(fields.id)!r}") for record in records
        ]
        yield extract_rows(documents)


def write_shards(frame, directory: str | Path, shards: int = 1, sort_columns: list[str] | None = None) -> list[Path]:
    """Write quote or document rows as a release's shards: sorted, then named ``train-XXXXX-of-YYYYY.parquet``.

    Rows are range-partitioned on ``sort_columns`` (default: (doc_id, start)
    for quote rows, doc_id for document rows) and sorted in each partition, so
    the shards in name order hold the rows in order. ``directory`` must not
    exist, and must be on a file system this process sees (local or mounted),
    since the shards are renamed from here.

    >>> import tempfile
    >>> articles = local_session().createDataFrame([("b", "“No,” he said."), ("a", "“Yes,” she said.")], "id string, text string")
    >>> [path.name for path in write_shards(quote_rows(articles), Path(tempfile.mkdtemp()) / "quotes", shards=2)]
    ['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet']
    """
    directory = Path(directory).absolute()  # the JVM's working directory need not be ours
    if sort_columns is None:
        sort_columns = SORT_COLUMNS["quotes" if "start" in frame.columns else "documents"]
    ordered = frame.repartitionByRange(shards, *sort_columns).sortWithinPartitions(*sort_columns)
    ordered.write.option("compression", "zstd").parquet(str(directory))
    parts = sorted(directory.glob("part-*.parquet"))
    named = [directory / shard_name(i, len(parts)) for i in range(len(parts))]
    for part, name in zip(parts, named):
        part.rename(name)
    for leftover in directory.iterdir():  # _SUCCESS and the .crc files of the Hadoop writer
        if leftover not in named:
            leftover.unlink()
    return named
