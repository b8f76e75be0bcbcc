"""Streaming builds: the same release byte for byte whatever the input order and the number
of jobs, with rows spread over several row groups, shards and sorted runs (tiny limits make
a small real corpus need all of them), loadable by datasets and checked by quotes.load."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasets import load_dataset

import quotes
from quotes.release import RELEASE_FILE, build
from quotes.shards import Limits
from quotes.sources import SourceError
from tests.conftest import SEEDS, seed_records, write_jsonl

RECORDS = seed_records()
# Small enough that 87 documents make many batches, row groups, shards and sorted
# runs, and more runs than one merge takes at once.
TINY = Limits(row_group_rows=7, row_group_bytes=6_000, shard_bytes=5_000, run_bytes=8_000, fan_in=3, batch_bytes=3_000)


def release_files(release) -> dict[str, bytes]:
    return {p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The release of the records in doc_id order, built in one process."""
    tmp = tmp_path_factory.mktemp("reference")
    corpus = write_jsonl(tmp / "sorted.jsonl", RECORDS)
    return build([corpus], tmp / "out", limits=TINY).path


@pytest.mark.parametrize(
    "order, jobs",
    [("reversed", 1), ("shuffled", 1), ("shuffled", 2), ("sorted", 2)],
)
def test_the_release_is_the_same_whatever_the_order_and_the_jobs(tmp_path, reference, order, jobs):
    records = list(RECORDS)
    if order == "reversed":
        records.reverse()
    elif order == "shuffled":
        random.Random(4).shuffle(records)
    corpus = write_jsonl(tmp_path / f"{order}.jsonl.gz", records)
    release = build([corpus], tmp_path / "out", limits=TINY, jobs=jobs).path
    assert release_files(release) == release_files(reference)
    assert not list(release.parent.glob(".*")), "staging or sorted runs left behind"


def test_rows_are_sorted_across_shards_and_every_shard_is_listed(reference):
    manifest = json.loads((reference / RELEASE_FILE).read_text())
    shards = manifest["configs"]
    assert len(shards["quotes"]) > 1 and len(shards["documents"]) > 1
    assert shards["quotes"][0] == f"data/quotes/train-00000-of-{len(shards['quotes']):05d}.parquet"
    assert set(manifest["files"]) == {"README.md", "croissant.json", *shards["quotes"], *shards["documents"]}
    quotes_table = pq.read_table([reference / name for name in shards["quotes"]])
    keys = list(zip(quotes_table["doc_id"].to_pylist(), quotes_table["start"].to_pylist()))
    assert keys == sorted(keys) and len(keys) == manifest["counts"]["quotes"]
    ids = pq.read_table([reference / name for name in shards["documents"]])["doc_id"].to_pylist()
    assert ids == sorted(r["id"] for r in RECORDS)
    groups = pq.ParquetFile(reference / shards["quotes"][0]).metadata
    assert groups.num_row_groups > 1 and groups.row_group(0).num_rows <= TINY.row_group_rows


def test_a_sharded_release_loads_whole_with_datasets_and_quotes(reference):
    rows = load_dataset(str(reference), split="train")
    documents = load_dataset(str(reference), "documents", split="train")
    counts = json.loads((reference / RELEASE_FILE).read_text())["counts"]
    assert (rows.num_rows, documents.num_rows) == (counts["quotes"], len(RECORDS))
    assert quotes.load(reference).num_rows == counts["quotes"]
    texts = {d["doc_id"]: d["text"] for d in documents}
    for row in rows:
        text = texts[row["doc_id"]]
        assert text[row["start"] : row["end"]] == row["text"]
        assert text.encode()[row["byte_start"] : row["byte_end"]].decode() == row["text"]


def test_the_same_rows_from_text_files_and_from_records_make_the_same_content(tmp_path, seeds_copy):
    records = [{"id": path.name, "text": path.read_text(encoding="utf-8")} for path in sorted(seeds_copy.glob("*.txt"))]
    from_files = build([seeds_copy], tmp_path / "files").path
    from_records = build([write_jsonl(tmp_path / "seeds.jsonl.zst", records)], tmp_path / "records").path
    manifests = [json.loads((p / RELEASE_FILE).read_text()) for p in (from_files, from_records)]
    assert manifests[0]["content_sha256"] == manifests[1]["content_sha256"]


def test_repeated_ids_are_named_with_both_places_and_nothing_is_written(tmp_path):
    records = RECORDS + [{"id": RECORDS[5]["id"], "text": "“Again,” she said."}]
    corpus = write_jsonl(tmp_path / "news.jsonl", records)
    with pytest.raises(SourceError, match=rf"news.jsonl:6 and .*news.jsonl:{len(records)}: documents share the doc_id"):
        build([corpus], tmp_path / "out", limits=TINY)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_repeated_id_in_order_is_caught_at_once(tmp_path):
    corpus = write_jsonl(tmp_path / "news.jsonl", [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}])
    with pytest.raises(SourceError, match=r"news.jsonl:1 and .*news.jsonl:2: documents share the doc_id 'a'"):
        build([corpus], tmp_path / "out")


def test_text_files_listed_in_any_order_make_the_same_release(tmp_path):
    """Two copies of a directory of text files, written in opposite orders (so that a file system
    listing them in the order they were made, as tmpfs does, lists them in opposite orders),
    built with one job and two: the same bytes, release.json included."""
    articles = {f"{year}/{path.name}": path.read_bytes() for year in ("2024", "2025/march") for path in sorted(SEEDS.glob("*.txt"))}
    articles["2025/notes/bad.txt"] = b"\xff\xfe not UTF-8"  # left out, and listed the same way in both
    articles["crlf.txt"] = articles["2024/002_d268800eac509475.txt"].replace(b"\n", b"\r\n")
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path) as scratch:
        corpora = []
        for name, order in (("one", sorted(articles)), ("two", sorted(articles, reverse=True))):
            for relative in order:
                path = Path(scratch) / name / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(articles[relative])
            corpora.append(Path(scratch) / name)
        listings = [os.listdir(corpus / "2024") for corpus in corpora]
        one = build([corpora[0]], tmp_path / "one", limits=TINY, jobs=1).path
        two = build([corpora[1]], tmp_path / "two", limits=TINY, jobs=2).path
    assert release_files(one) == release_files(two)
    if Path(scratch).parent == shm:
        assert listings[0] == listings[1][::-1] != listings[1]
    manifest = json.loads((one / RELEASE_FILE).read_text())
    assert manifest["pyarrow_version"] == pa.__version__
    assert manifest["counts"]["documents"] == 11 and manifest["skipped"]["count"] == 1


@pytest.mark.parametrize("preset, expected", [(None, "system"), ("mimalloc", "mimalloc")])
def test_arrow_allocates_with_the_system_malloc_unless_told_otherwise(preset, expected):
    """Importing quotes before Arrow is first loaded picks the C library's malloc, which
    gives freed memory back (see quotes/__init__.py); a pool set beforehand stays."""
    env = {key: value for key, value in os.environ.items() if key != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset
    code = "import quotes, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == expected
