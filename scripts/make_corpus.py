"""Make a benchmark corpus of any size from real articles: JSON Lines with ``id`` and ``text``.

Whole articles are sampled, with replacement, from ../shared/corpora/news.jsonl.gz
beside the repository (or from seeds/ when it is absent) until the texts add up to
the size asked for. Every sampled copy gets its own id, ``<original id>#<copy>``,
and the lines come in the order drawn, which is not doc_id order: a build of the
corpus sorts it, as it would a real crawl. ``--sorted`` writes them in id order.

    python scripts/make_corpus.py --mb 100 --out /tmp/news-100mb.jsonl
    python scripts/make_corpus.py --mb 1000 --out /tmp/news-1gb.jsonl.zst

The output is compressed by its suffix (.gz, .zst or none); the same arguments
always give the same corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "corpora" / "news.jsonl.gz"
SEEDS = ROOT / "seeds"


def articles(source: Path) -> list[tuple[str, str]]:
    """(id, text) of every article of a JSON Lines corpus (id field ``doc_id`` or ``id``) or a directory of .txt."""
    if source.is_dir():
        return [(path.name, path.read_text(encoding="utf-8")) for path in sorted(source.glob("*.txt"))]
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return [(str(r.get("doc_id", r.get("id"))), r["text"]) for r in records]


def sample(pool: list[tuple[str, str]], n_bytes: int, seed: int) -> list[tuple[str, str]]:
    """Whole articles drawn with replacement until their UTF-8 texts hold ``n_bytes``; each copy a unique id.

    >>> [doc_id for doc_id, _ in sample([("a", "xx"), ("b", "yyy")], 6, seed=1)]
    ['a#0', 'a#1', 'b#0']
    """
    rng = random.Random(seed)
    sizes = [len(text.encode("utf-8")) for _, text in pool]
    copies: Counter = Counter()
    drawn, total = [], 0
    while total < n_bytes:
        index = rng.randrange(len(pool))
        doc_id, text = pool[index]
        drawn.append((f"{doc_id}#{copies[doc_id]}", text))
        copies[doc_id] += 1
        total += sizes[index]
    return drawn


def write(path: Path, documents: list[tuple[str, str]]) -> None:
    """JSON Lines, one ``{"id", "text"}`` object a line, compressed by the suffix."""
    with open(path, "wb") as raw:
        if path.name.endswith(".zst"):
            import zstandard

            handle = zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
        elif path.name.endswith(".gz"):
            handle = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0)  # no name, no date
        else:
            handle = raw
        with handle:
            for doc_id, text in documents:
                handle.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False).encode("utf-8") + b"\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, required=True, help="megabytes (10^6 bytes) of UTF-8 text to sample")
    parser.add_argument("--out", type=Path, required=True, help="the corpus to write: .jsonl, .jsonl.gz or .jsonl.zst")
    parser.add_argument("--source", type=Path, default=None, help="articles to sample (default: the shared news corpus, else seeds/)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--sorted", action="store_true", help="write the documents in id order")
    args = parser.parse_args(argv)
    source = args.source or (NEWS if NEWS.is_file() else SEEDS)
    documents = sample(articles(source), int(args.mb * 1_000_000), args.seed)
    if args.sorted:
        documents.sort()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write(args.out, documents)
    print(f"{args.out}: {len(documents)} documents sampled from {source}", file=sys.stderr)


if __name__ == "__main__":
    main()
