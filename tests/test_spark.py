"""Spark: real PySpark in local mode gives the rows of a local build, field for field, and
the recipe writes shards that load like a release's. Skipped without pyspark or Java."""

from __future__ import annotations

import os
import shutil

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java", allow_module_level=True)

import pyarrow.parquet as pq  # noqa: E402
from datasets import load_dataset  # noqa: E402

from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA  # noqa: E402
from quotes.release import RELEASE_FILE, build  # noqa: E402
from quotes.spark import document_rows, local_session, quote_rows, write_shards  # noqa: E402
from tests.conftest import seed_records, write_jsonl  # noqa: E402

RECORDS = seed_records()


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module (the doctests' if they ran first): starting one takes seconds."""
    session = local_session(cores=2)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def articles(spark):
    """The records as a DataFrame in three partitions, in an order that is not doc_id order."""
    return spark.createDataFrame(list(reversed(RECORDS)), "id string, text string").repartition(3)


@pytest.fixture(scope="module")
def local_release(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    return build([write_jsonl(out / "records.jsonl", RECORDS)], out / "releases").path


def release_rows(release, config: str) -> list[dict]:
    import json

    shards = json.loads((release / RELEASE_FILE).read_text())["configs"][config]
    return pq.read_table([release / name for name in shards]).to_pylist()


def test_quote_rows_have_the_quote_schema_and_equal_the_local_build(articles, local_release):
    frame = quote_rows(articles)
    assert frame.columns == QUOTE_SCHEMA.names
    rows = sorted((row.asDict() for row in frame.collect()), key=lambda row: (row["doc_id"], row["start"]))
    assert rows == release_rows(local_release, "quotes")


def test_the_recipe_writes_sorted_shards_that_load_like_a_release(articles, local_release, tmp_path):
    quotes_dir, documents_dir = tmp_path / "data" / "quotes", tmp_path / "data" / "documents"
    shards = write_shards(quote_rows(articles), quotes_dir, shards=3)
    assert [p.name for p in shards] == [f"train-0000{i}-of-00003.parquet" for i in range(3)]
    assert sorted(p.name for p in quotes_dir.iterdir()) == [p.name for p in shards]
    table = pq.read_table(shards)
    assert table.schema.equals(QUOTE_SCHEMA) and table.to_pylist() == release_rows(local_release, "quotes")
    write_shards(document_rows(articles), documents_dir, shards=2)
    documents = pq.read_table(sorted(documents_dir.glob("*.parquet")))
    assert documents.schema.equals(DOCUMENT_SCHEMA) and documents.to_pylist() == release_rows(local_release, "documents")
    loaded = load_dataset("parquet", data_files=str(quotes_dir / "*.parquet"), split="train")
    assert loaded.num_rows == table.num_rows
