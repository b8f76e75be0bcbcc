"""Reading corpora: text files, JSON Lines (plain, gzip, zstandard), Parquet and saved
datasets, each written here as real files; offsets point into the UTF-8 bytes of the
text field; every error names the file and the line or row."""

from __future__ import annotations

import hashlib

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quotes import extract
from quotes.sources import Fields, SourceError, read_documents, source_format
from tests.conftest import SEEDS, seed_records, write_jsonl

RECORDS = seed_records()


def documents(path, **fields) -> list:
    return list(read_documents([path], Fields(**fields)))


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_json_lines_plain_gzip_and_zstandard(tmp_path, suffix):
    path = write_jsonl(tmp_path / f"news{suffix}", RECORDS)
    found = documents(path)
    assert [d.doc_id for d in found] == [r["id"] for r in RECORDS]
    assert [d.text for d in found] == [r["text"] for r in RECORDS]
    assert found[3].where == f"{path}:4"


def test_record_bytes_are_the_utf8_of_the_text_field(tmp_path):
    path = write_jsonl(tmp_path / "news.jsonl", RECORDS)
    quoted = 0
    for document in documents(path):
        data = document.text.encode("utf-8")
        assert (document.sha256, document.n_bytes, document.byte_base) == (hashlib.sha256(data).hexdigest(), len(data), 0)
        for quote in extract(document.text, document.doc_id, document.byte_base):
            assert data[quote.byte_start : quote.byte_end].decode("utf-8") == quote.text
            quoted += 1
    assert quoted > 40


def test_other_field_names_and_whole_number_ids(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"doc_id": 17, "body": "“Yes,” she said."}])
    [document] = documents(path, text="body", id="doc_id")
    assert document.doc_id == "17"


def test_parquet_file_and_directory(tmp_path):
    table = pa.table({"id": [r["id"] for r in RECORDS], "text": [r["text"] for r in RECORDS]})
    (tmp_path / "corpus").mkdir()
    pq.write_table(table.slice(0, 40), tmp_path / "corpus" / "part-0.parquet", row_group_size=7)
    pq.write_table(table.slice(40), tmp_path / "corpus" / "part-1.parquet")
    (tmp_path / "corpus" / "_SUCCESS").write_text("")  # what Spark leaves beside its files
    assert [d.doc_id for d in documents(tmp_path / "corpus")] == table["id"].to_pylist()
    assert documents(tmp_path / "corpus" / "part-1.parquet")[2].where.endswith("part-1.parquet, row 2")


def test_saved_dataset(tmp_path):
    path = tmp_path / "saved"
    datasets.Dataset.from_list(RECORDS).save_to_disk(path)
    assert source_format(path) == "dataset"
    found = documents(path)
    assert [(d.doc_id, d.text) for d in found] == [(r["id"], r["text"]) for r in RECORDS]


def test_a_directory_mixes_formats_in_the_order_of_the_paths(tmp_path):
    (tmp_path / "a.txt").write_text("“One,” he said.", encoding="utf-8")
    write_jsonl(tmp_path / "b.jsonl.gz", [{"id": "rec-1", "text": "“Two,” she said."}])
    (tmp_path / "c.md").write_text("not read: no corpus suffix", encoding="utf-8")
    assert [d.doc_id for d in documents(tmp_path)] == ["a.txt", "rec-1"]


def test_text_files_are_read_as_before():
    found = documents(SEEDS)
    assert [d.doc_id for d in found] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert found[0].where == str(SEEDS / found[0].doc_id)


@pytest.mark.parametrize(
    "line, fields, message",
    [
        ('{"id": "x", "body": "t"}', {}, r"news.jsonl:2: no field 'text' \(the record has: body, id\); name the text field with --text-field"),
        ('{"text": "t"}', {}, r"news.jsonl:2: no field 'id' \(the record has: text\); name the id field with --id-field"),
        ('{"id": "x", "text": 5}', {}, r"news.jsonl:2: field 'text' is a int, not text"),
        ('{"id": null, "text": "t"}', {}, r"news.jsonl:2: field 'id' is null; an id must be text or a whole number"),
        ('{"id": "x", "text": "t"', {}, r"news.jsonl:2: not valid JSON \(Expecting ',' delimiter at column 24\)"),
        ('["x", "t"]', {}, r"news.jsonl:2: is a JSON list, not an object"),
        ('{"id": "x", "text": "\\ud83d"}', {}, r"news.jsonl:2: the text holds an unpaired surrogate \(\\ud83d\) at character 0"),
    ],
)
def test_a_bad_record_is_named_by_file_and_line(tmp_path, line, fields, message):
    path = tmp_path / "news.jsonl"
    path.write_text('{"id": "ok", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        documents(path, **fields)


def test_invalid_utf8_and_truncated_gzip_are_named(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(SourceError, match=r"bad.jsonl:2: not valid UTF-8"):
        documents(bad)
    whole = write_jsonl(tmp_path / "whole.jsonl.gz", RECORDS).read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SourceError, match=r"cut.jsonl.gz: cannot be decompressed after line \d+ .*truncated"):
        documents(tmp_path / "cut.jsonl.gz")


def test_parquet_errors_name_the_file_the_columns_and_the_row(tmp_path):
    pq.write_table(pa.table({"doc": ["a"], "text": ["t"]}), tmp_path / "a.parquet")
    with pytest.raises(SourceError, match=r"a.parquet: no column 'id' \(the columns are: doc, text\); name the id column with --id-field"):
        documents(tmp_path / "a.parquet")
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["t", None]}), tmp_path / "b.parquet")
    with pytest.raises(SourceError, match=r"b.parquet, row 1: column 'text' is null"):
        documents(tmp_path / "b.parquet")
    (tmp_path / "c.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(SourceError, match=r"c.parquet: cannot be read as Parquet"):
        documents(tmp_path / "c.parquet")


def test_a_missing_path_says_what_to_give(tmp_path):
    with pytest.raises(SourceError, match=r"no such file or directory; give a .txt, .jsonl\(.gz/.zst\) or .parquet file"):
        documents(tmp_path / "nothing")
