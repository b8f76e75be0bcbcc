"""Extraction with attribution in one process on the news corpus, against the floor measured
in the same run: reading and decoding the same JSON Lines and one pass of the standard
library's ``re`` over each text for quotation marks. Targets: >= 25 MB/s, within 4x the floor."""

from __future__ import annotations

import gzip
import json
import re
import time

from conftest import load, news_corpus

from quotes import extract

QUOTE_MARKS = re.compile("[\"“”„‟«»‘’‚‛‹›「」『』]")
TARGET_MB_S = 25
TARGET_TIMES_FLOOR = 4


def records(path):
    """(doc_id, text) of every line of a JSON Lines corpus, plain or gzip."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as lines:
        for line in lines:
            record = json.loads(line)
            yield record.get("doc_id", record.get("id")), record["text"]


def floor(path) -> dict:
    """Read, decode, and find the quotation marks of every text with one regular expression."""
    documents = n_bytes = marks = 0
    for _, text in records(path):
        documents += 1
        n_bytes += len(text.encode("utf-8"))
        marks += len(QUOTE_MARKS.findall(text))
    return {"documents": documents, "bytes": n_bytes, "marks": marks}


def extraction(path) -> dict:
    """Read, decode and extract every text, timing the extractor apart."""
    documents = n_bytes = quotes = 0
    in_extract = 0.0
    for doc_id, text in records(path):
        documents += 1
        n_bytes += len(text.encode("utf-8"))
        started = time.perf_counter()
        quotes += len(extract(text, doc_id))
        in_extract += time.perf_counter() - started
    return {"documents": documents, "bytes": n_bytes, "quotes": quotes, "extract_seconds": in_extract}


def timed(function, *args) -> tuple[float, dict]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def bench_floor_read_decode_and_one_regex(benchmark):
    path, name = news_corpus()
    result = benchmark.pedantic(floor, args=(path,), rounds=3, iterations=1)
    seconds = benchmark.stats.stats.min
    benchmark.extra_info.update(
        corpus=name, mb=round(result["bytes"] / 1e6, 1), mb_s=round(result["bytes"] / 1e6 / seconds, 1),
        docs_s=round(result["documents"] / seconds), marks=result["marks"], load=load(),
    )


def bench_extract_one_process(benchmark):
    path, name = news_corpus()
    extract("“Warm,” she said.", "warm-up")  # the lexicons load once, outside the timing
    floor_seconds = min(timed(floor, path)[0] for _ in range(2))
    result = benchmark.pedantic(extraction, args=(path,), rounds=1, iterations=1)
    seconds = benchmark.stats.stats.min
    mb = result["bytes"] / 1e6
    benchmark.extra_info.update(
        corpus=name,
        mb=round(mb, 1),
        mb_s=round(mb / seconds, 2),
        docs_s=round(result["documents"] / seconds),
        quotes_s=round(result["quotes"] / seconds),
        extract_only_mb_s=round(mb / result["extract_seconds"], 2),
        floor_mb_s=round(mb / floor_seconds, 1),
        times_floor=round(seconds / floor_seconds, 1),
        target=f">= {TARGET_MB_S} MB/s and <= {TARGET_TIMES_FLOOR}x the floor",
        meets_target=mb / seconds >= TARGET_MB_S and seconds / floor_seconds <= TARGET_TIMES_FLOOR,
        load=load(),
    )
