"""Stats: the figures a release's card shows, gathered while its rows stream past.

A build never holds all its rows at once, so the counts the card needs (per
kind, attributed share, top speakers, rules) are added up batch by batch in a
``ReleaseStats``; builds that write several shards in several processes keep
one per shard and ``merge`` them. The same accumulator recounts a written
release from its Parquet files, batch by batch, which is how the tests check
that release.json and the card say what the data holds.

>>> import pyarrow as pa
>>> stats = ReleaseStats()
>>> stats.add_quotes(pa.table({"doc_id": ["a.txt", "a.txt"], "kind": ["direct", "partial"],
...                            "speaker": ["Jane Doe", None], "rule": ["after_speaker_cue", None], "continues": [None, None]}))
>>> stats.add_documents(pa.table({"n_quotes": [2], "n_chars": [120]}))
>>> summary = stats.to_dict()
>>> summary["kinds"], summary["top_speakers"]
({'direct': 1, 'partial': 1}, [{'speaker': 'Jane Doe', 'quotes': 1, 'direct': 1, 'documents': 1}])
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

KINDS = ("direct", "partial")
TOP_SPEAKERS = 10  # how many speakers the card and `quotes stats` list
_QUOTE_COLUMNS = ["doc_id", "kind", "speaker", "rule", "continues"]
_DOCUMENT_COLUMNS = ["n_quotes", "n_chars"]


class ReleaseStats:
    """Running counts over batches of quote rows and document rows (Arrow tables with the schemas' columns)."""

    def __init__(self) -> None:
        self.kinds: Counter = Counter()
        self.attributed: Counter = Counter()  # by kind
        self.speakers: Counter = Counter()
        self.speaker_direct: Counter = Counter()
        self.speaker_documents: Counter = Counter()
        self.rules: Counter = Counter()
        self.continuations = 0
        self.documents = 0
        self.documents_with_quotes = 0
        self.chars = 0
        # The rows of one document arrive together, though perhaps over two batches: a
        # speaker's document count goes up for a document other than its last one.
        self._last_document: dict[str, str] = {}

    def add_rows(self, quotes: pa.Table | pa.RecordBatch, documents: pa.Table | pa.RecordBatch) -> None:
        """Count a batch of quote rows and the document rows they come from (Arrow tables)."""
        self.add_quotes(quotes)
        self.add_documents(documents)

    def add_quotes(self, quotes: pa.Table | pa.RecordBatch) -> None:
        """Count a batch of quote rows, a column at a time (a dict and a call per row took twice as long).

        The rows of a document must come together, in this batch or over the end
        of the last one: a speaker's documents are counted as they change.

        >>> import pyarrow as pa
        >>> stats = ReleaseStats()
        >>> stats.add_quotes(pa.table({"doc_id": ["a", "a"], "kind": ["direct", "partial"],
        ...                            "speaker": ["Jo", "Jo"], "rule": ["r1", "r2"], "continues": [None, "q1"]}))
        >>> stats.add_quotes(pa.table({"doc_id": ["a", "b"], "kind": ["direct", "direct"],
        ...                            "speaker": ["Jo", None], "rule": ["r1", None], "continues": [None, None]}))
        >>> summary = stats.to_dict()
        >>> summary["top_speakers"], summary["rules"], summary["continuations"]
        ([{'speaker': 'Jo', 'quotes': 3, 'direct': 2, 'documents': 1}], {'r1': 2, 'r2': 1}, 1)
        """
        import pyarrow.compute as pc

        self.kinds.update(quotes.column("kind").to_pylist())
        self.continuations += quotes.num_rows - quotes.column("continues").null_count
        attributed = quotes.filter(pc.is_valid(quotes.column("speaker")))
        kinds, speakers = attributed.column("kind").to_pylist(), attributed.column("speaker").to_pylist()
        doc_ids = attributed.column("doc_id").to_pylist()
        self.attributed.update(kinds)
        self.rules.update(attributed.column("rule").to_pylist())
        self.speakers.update(speakers)
        self.speaker_direct.update(speaker for speaker, kind in zip(speakers, kinds) if kind == "direct")
        # A (speaker, document) pair going on from the last batch was counted there.
        pairs = set(zip(speakers, doc_ids)).difference(self._last_document.items())
        self.speaker_documents.update(speaker for speaker, _ in pairs)
        self._last_document.update(zip(speakers, doc_ids))

    def add_documents(self, documents: pa.Table | pa.RecordBatch) -> None:
        """Count a batch of document rows.

        >>> import pyarrow as pa
        >>> stats = ReleaseStats()
        >>> stats.add_documents(pa.table({"n_quotes": [2, 0], "n_chars": [40, 10]}))
        >>> stats.documents, stats.documents_with_quotes, stats.chars
        (2, 1, 50)
        """
        self.documents += documents.num_rows
        self.documents_with_quotes += sum(1 for n in documents.column("n_quotes").to_pylist() if n > 0)
        self.chars += sum(documents.column("n_chars").to_pylist())

    def merge(self, other: ReleaseStats) -> ReleaseStats:
        """Add the counts of another shard's stats (its documents are not in this one's).

        >>> import pyarrow as pa
        >>> a, b = ReleaseStats(), ReleaseStats()
        >>> a.add_documents(pa.table({"n_quotes": [0], "n_chars": [5]})); b.add_documents(pa.table({"n_quotes": [1], "n_chars": [7]}))
        >>> a.merge(b).to_dict()["documents"]
        2
        """
        for name in ("kinds", "attributed", "speakers", "speaker_direct", "speaker_documents", "rules"):
            getattr(self, name).update(getattr(other, name))
        self.continuations += other.continuations
        self.documents += other.documents
        self.documents_with_quotes += other.documents_with_quotes
        self.chars += other.chars
        return self

    def to_dict(self) -> dict:
        """The figures as plain, deterministically ordered data (what release.json stores)."""
        quotes = sum(self.kinds.values())
        attributed = sum(self.attributed.values())
        # Ties are broken by name so that equal rows always give equal bytes.
        ranked = sorted(self.speakers.items(), key=lambda item: (-item[1], item[0]))[:TOP_SPEAKERS]
        return {
            "quotes": quotes,
            "attributed": attributed,
            "kinds": {kind: self.kinds.get(kind, 0) for kind in _kinds(self.kinds)},
            "attributed_by_kind": {kind: self.attributed.get(kind, 0) for kind in _kinds(self.kinds)},
            "continuations": self.continuations,
            "documents": self.documents,
            "documents_with_quotes": self.documents_with_quotes,
            "chars": self.chars,
            "speakers": len(self.speakers),
            "top_speakers": [
                {
                    "speaker": name,
                    "quotes": count,
                    "direct": self.speaker_direct[name],
                    "documents": self.speaker_documents[name],
                }
                for name, count in ranked
            ],
            "rules": dict(sorted(self.rules.items())),
        }


def _kinds(seen: Counter) -> list[str]:
    """The known kinds in their usual order, then any other kind seen, by name."""
    return list(KINDS) + sorted(set(seen) - set(KINDS))


def share(part: int, whole: int) -> str:
    """``part / whole`` as a percentage for people, ``–`` when there is no whole.

    >>> share(21, 21), share(1, 3), share(0, 0)
    ('100.0%', '33.3%', '–')
    """
    return f"{part / whole:.1%}" if whole else "–"


def read_stats(release: str | os.PathLike) -> dict:
    """What release.json says about a release: version, counts, stats and evaluation.

    >>> read_stats("no-such-release")
    Traceback (most recent call last):
    ...
    quotes.load.ReleaseNotFound: no-such-release: no release here (no release.json, no vX.Y.Z directories); build one with `quotes build`
    """
    from quotes.load import find_release
    from quotes.release import RELEASE_FILE

    path = find_release(release) / RELEASE_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if "stats" not in manifest:
        # A release built before release.json kept stats: count its Parquet files.
        manifest["stats"] = recount(path.parent)
    return {key: manifest.get(key) for key in ("version", "counts", "stats", "evaluation")}


def recount(release: str | os.PathLike) -> dict:
    """Count a written release again from its Parquet files, one batch at a time.

    >>> import tempfile
    >>> from quotes.release import build
    >>> recount(build(["seeds"], tempfile.mkdtemp()).path)["quotes"]
    21
    """
    stats = ReleaseStats()
    for batch in _batches(Path(release), "quotes", _QUOTE_COLUMNS):
        stats.add_quotes(batch)
    for batch in _batches(Path(release), "documents", _DOCUMENT_COLUMNS):
        stats.add_documents(batch)
    return stats.to_dict()


def _batches(release: Path, config: str, columns: list[str]) -> Iterator[pa.RecordBatch]:
    import pyarrow.parquet as pq

    for file in parquet_files(release, config):
        yield from pq.ParquetFile(file).iter_batches(batch_size=10_000, columns=columns)


def parquet_files(release: str | os.PathLike, config: str) -> list[Path]:
    """The Parquet files of one config of a release, in shard order.

    Those release.json lists, so that a file dropped into a release is never
    read (see ``quotes.load``); in a directory without release.json (the shards
    ``quotes.spark.write_shards`` wrote), every file of ``data/CONFIG/``.

    >>> parquet_files("seeds", "quotes")
    []
    """
    root = Path(release)
    manifest_path = root / "release.json"
    if manifest_path.is_file():
        from quotes.load import config_files, inside_path, read_manifest  # load imports this module

        names = config_files(read_manifest(root), config, manifest_path)
        return [inside_path(root, name, manifest_path) for name in names]
    return sorted(root.glob(f"data/{config}/*.parquet"))


def summary_rows(manifest: dict) -> list[tuple[str, str]]:
    """The headline figures as (label, value) pairs: the card's table and ``quotes stats`` print these.

    >>> rows = summary_rows({"version": "1.0.0", "counts": {"bytes": 10}, "stats": _example()})
    >>> dict(rows)["quotations"]
    '3 (2 direct, 1 partial)'
    """
    stats = manifest["stats"]
    kinds = stats["kinds"]
    attributed = stats["attributed_by_kind"]
    return [
        ("release", manifest["version"]),
        ("documents", f"{stats['documents']} ({stats['documents_with_quotes']} with quotations)"),
        ("quotations", f"{stats['quotes']} (" + ", ".join(f"{n} {kind}" for kind, n in kinds.items()) + ")"),
        ("attributed to a speaker", f"{stats['attributed']} ({share(stats['attributed'], stats['quotes'])})"),
        *[
            (f"  {kind} quotations attributed", f"{attributed[kind]} of {n} ({share(attributed[kind], n)})")
            for kind, n in kinds.items()
        ],
        ("split quotations (second parts)", str(stats["continuations"])),
        ("distinct speakers", str(stats["speakers"])),
        ("source text", f"{manifest['counts'].get('bytes', 0)} bytes, {stats['chars']} characters"),
    ]


def format_stats(summary: dict) -> str:
    """``quotes stats`` output: the card's figures as aligned text.

    >>> summary = {"version": "1.0.0", "counts": {"bytes": 10}, "stats": _example(), "evaluation": None}
    >>> print(format_stats(summary).splitlines()[2])
    quotations                       3 (2 direct, 1 partial)
    """
    stats = summary["stats"]
    lines = [f"{label:<33}{value}" for label, value in summary_rows(summary)]
    lines.append("top speakers (quotations, direct, documents):")
    lines += [
        f"  {row['quotes']:>6} {row['direct']:>6} {row['documents']:>6}  {row['speaker']}"
        for row in stats["top_speakers"]
    ]
    lines.append("attributions by rule:")
    lines += [f"  {count:>6}  {rule}" for rule, count in _by_count(stats["rules"])]
    evaluation = summary.get("evaluation")
    if evaluation:
        lines.append(f"evaluation on {evaluation['gold']} ({evaluation['part']}, {evaluation['documents']} documents):")
        lines += [f"  {label:<31}{value}" for label, value in evaluation_rows(evaluation)]
    return "\n".join(lines)


def evaluation_rows(evaluation: dict) -> list[tuple[str, str]]:
    """The headline figures of a build's evaluation as (label, value) pairs.

    >>> evaluation_rows({"span_f1": 0.99, "span_precision": 1.0, "span_recall": 0.98, "speaker_accuracy": 0.87,
    ...     "strict_speaker_accuracy": 0.92, "speaker_precision": 0.91})[0]
    ('span precision', '1.0000')
    """
    names = [
        ("span precision", "span_precision"),
        ("span recall", "span_recall"),
        ("span F1", "span_f1"),
        ("speaker accuracy", "speaker_accuracy"),
        ("  on direct quotations", "strict_speaker_accuracy"),
        ("speaker precision", "speaker_precision"),
    ]
    return [(label, f"{evaluation[key]:.4f}") for label, key in names]


def _by_count(counts: dict) -> Iterable[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _example() -> dict:
    """Stats of a tiny made-up release, for the examples above."""
    import pyarrow as pa

    stats = ReleaseStats()
    stats.add_rows(
        pa.table({"doc_id": ["a.txt"] * 3, "kind": ["direct", "direct", "partial"], "speaker": ["Jane Doe", None, "Jane Doe"],
                  "rule": ["after_speaker_cue"] * 3, "continues": [None] * 3}),
        pa.table({"n_quotes": [3], "n_chars": [10]}),
    )
    return stats.to_dict()
