"""Releases: build, version, verify and load, with real Parquet files, real
datasets.load_dataset and real pandas, DuckDB and Polars queries."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from datasets import load_dataset

import quotes
from quotes.load import ChecksumError, ReleaseNotFound, find_release
from quotes.records import QUOTE_SCHEMA
from quotes.badinput import ReadOptions
from quotes.release import RELEASE_FILE, ReleaseError, build, data_file, manifest_bytes, seal
from tests.conftest import SEEDS


def test_release_layout(seeds_release):
    names = sorted(p.relative_to(seeds_release).as_posix() for p in seeds_release.rglob("*") if p.is_file())
    assert names == ["README.md", "croissant.json", data_file("documents"), data_file("quotes"), RELEASE_FILE]
    manifest = json.loads((seeds_release / RELEASE_FILE).read_text())
    assert manifest["version"] == "1.0.0"
    assert manifest["counts"]["documents"] == 5
    assert set(manifest["files"]) == {"README.md", "croissant.json", data_file("documents"), data_file("quotes")}
    assert manifest["pyarrow_version"]


def test_parquet_is_zstd_and_sorted(seeds_release):
    table = pq.read_table(seeds_release / data_file("quotes"))
    keys = list(zip(table["doc_id"].to_pylist(), table["start"].to_pylist()))
    assert keys == sorted(keys)
    metadata = pq.ParquetFile(seeds_release / data_file("quotes")).metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert b"huggingface" in table.schema.metadata


def test_load_dataset_needs_no_package_code(seeds_release):
    rows = load_dataset(str(seeds_release), split="train")
    documents = load_dataset(str(seeds_release), "documents", split="train")
    assert rows.num_rows == 21 and documents.num_rows == 5
    assert rows.features["confidence"].dtype == "float32"
    assert rows.features["paragraph"].dtype == "int32"
    texts = {d["doc_id"]: d["text"] for d in documents}
    for row in rows:
        assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"]


def test_quotes_load_checks_and_returns_a_dataset(seeds_release):
    dataset = quotes.load(seeds_release.parent)
    assert dataset.num_rows == 21
    assert quotes.load(seeds_release, version="1.0.0", config="documents").num_rows == 5
    with pytest.raises(ReleaseNotFound, match="no release 9.9.9"):
        find_release(seeds_release.parent, "9.9.9")


def test_a_flipped_byte_is_named(tmp_path):
    release = build([SEEDS], tmp_path).path
    target = release / data_file("quotes")
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="train-00000-of-00001.parquet: sha256 is"):
        quotes.load(release)


def test_release_json_pointing_outside_is_refused(tmp_path):
    release = build([SEEDS], tmp_path).path
    manifest = json.loads((release / RELEASE_FILE).read_text())
    manifest["files"]["../../etc/passwd"] = "0" * 64
    # Sealed again, as anyone can: the path is refused for what it is, not for a stale checksum.
    (release / RELEASE_FILE).write_bytes(manifest_bytes(seal(manifest)))
    with pytest.raises(ChecksumError, match="outside the release"):
        quotes.load(release)


def test_building_twice_gives_the_same_bytes(tmp_path):
    first = build([SEEDS], tmp_path / "a").path
    second = build([SEEDS], tmp_path / "b").path
    for name in json.loads((first / RELEASE_FILE).read_text())["files"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / RELEASE_FILE).read_bytes() == (second / RELEASE_FILE).read_bytes()


def test_versions_follow_the_content(tmp_path, seeds_copy):
    out = tmp_path / "releases"
    assert build([seeds_copy], out).version == "1.0.0"
    unchanged = build([seeds_copy], out)
    assert not unchanged.written and unchanged.version == "1.0.0"
    (seeds_copy / "005_new.txt").write_text("“We are ready,” the mayor said.\n", encoding="utf-8")
    changed = build([seeds_copy], out)
    assert changed.written and changed.version == "1.1.0"
    assert json.loads((changed.path / RELEASE_FILE).read_text())["previous_versions"] == ["1.0.0"]
    assert sorted(p.name for p in out.iterdir()) == ["v1.0.0", "v1.1.0"]


def test_an_existing_release_is_never_modified(tmp_path):
    first = build([SEEDS], tmp_path).path
    before = {p: p.read_bytes() for p in first.rglob("*") if p.is_file()}
    with pytest.raises(ReleaseError, match="never modified"):
        build([SEEDS], tmp_path, version="1.0.0")
    assert {p: p.read_bytes() for p in first.rglob("*") if p.is_file()} == before
    assert build([SEEDS], tmp_path, version="2.0.0").version == "2.0.0"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging left behind"


def test_types_and_nulls_survive_into_pandas_duckdb_and_polars(seeds_release, tmp_path):
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "a.txt").write_text("The so-called “peace dividend” never arrived.\n", encoding="utf-8")
    release = build([tmp_path / "extra"], tmp_path / "out").path
    frame = quotes.load(release).to_pandas()
    assert pd.isna(frame.loc[0, "speaker"]) and pd.isna(frame.loc[0, "speaker_start"])
    assert str(frame["confidence"].dtype) == "float32" and str(frame["paragraph"].dtype) == "int32"
    parquet = str(release / "data/quotes/*.parquet")
    row = duckdb.sql(f"SELECT speaker, speaker_start, confidence, paragraph FROM '{parquet}'").fetchall()[0]
    assert row == (None, None, 0.0, 0)
    types = dict(duckdb.sql(f"DESCRIBE SELECT * FROM '{parquet}'").fetchall()[i][:2] for i in range(len(QUOTE_SCHEMA)))
    assert types["confidence"] == "FLOAT" and types["paragraph"] == "INTEGER" and types["start"] == "BIGINT"
    polars = pl.read_parquet(parquet)
    assert polars.schema["confidence"] == pl.Float32 and polars.schema["paragraph"] == pl.Int32
    assert polars["speaker"].null_count() == 1


def test_who_said_what_in_four_tools(seeds_release):
    parquet = str(seeds_release / "data/quotes/*.parquet")
    dataset = quotes.load(seeds_release)
    expected = sorted(dataset.filter(lambda row: row["speaker"] == "Donald Trump")["text"])
    assert len(expected) == 8
    frame = dataset.to_pandas()
    assert sorted(frame[frame.speaker == "Donald Trump"].text) == expected
    assert sorted(r[0] for r in duckdb.sql(f"SELECT text FROM '{parquet}' WHERE speaker = 'Donald Trump'").fetchall()) == expected
    assert sorted(pl.read_parquet(parquet).filter(pl.col("speaker") == "Donald Trump")["text"].to_list()) == expected


def test_a_build_that_fails_leaves_nothing(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(Exception, match="a.txt: not valid UTF-8 at byte 0"):
        build([bad], tmp_path / "out", options=ReadOptions(encoding_errors="strict"))
    assert list((tmp_path / "out").iterdir()) == []
    shutil.rmtree(bad)
