"""Query: a speaker's quotations in a release, each with the passage around it.

What ``quotes show`` prints. The Parquet files are read one batch at a time,
keeping only the rows of the speaker asked for, then only the documents those
rows come from, so a release of any size can be searched in little memory.

>>> import tempfile
>>> from quotes.release import build
>>> release = build(["seeds"], tempfile.mkdtemp()).path
>>> found = passages(release, "donald trump", kind="direct")
>>> {(p.quote["speaker"], p.quote["kind"]) for p in found}
{('Donald Trump', 'direct')}
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from quotes.load import find_release
from quotes.stats import parquet_files

_SPACE = re.compile(r"\s+")


class SpeakerNotFound(Exception):
    """No quotation of the release is attributed to the speaker asked for."""


@dataclass(frozen=True)
class Passage:
    """One quotation row and the text on either side of it in its document."""

    quote: dict
    before: str  # what precedes the quoted material, its opening mark included
    after: str  # what follows it, its closing mark included


def context(text: str, start: int, end: int, width: int = 200) -> tuple[str, str]:
    """Up to ``width`` characters before ``start`` and after ``end``, cut at a space, ``…`` where cut.

    White space runs (line breaks too) become one space, for a terminal.

    >>> context("She said: “We will win.” Then she left the room.", 11, 23, width=10)
    ('…said: “', '” Then…')
    """
    left = max(0, start - width)
    right = min(len(text), end + width)
    before, after = text[left:start], text[end:right]
    if left > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if right < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return _SPACE.sub(" ", before), _SPACE.sub(" ", after)


def speaker_rows(release: str | os.PathLike, speaker: str, kind: str | None = None) -> list[dict]:
    """The quote rows attributed to ``speaker`` (any case), in the release's order.

    Raises :class:`SpeakerNotFound`, naming speakers whose name contains the
    one asked for, when there are none.
    """
    release = find_release(release)
    wanted = speaker.lower()  # as Arrow's utf8_lower folds the names
    rows, near = [], Counter()
    for batch in _batches(release, "quotes"):
        names = pc.utf8_lower(batch["speaker"])
        mask = pc.equal(names, wanted)
        if kind is not None:
            mask = pc.and_(mask, pc.equal(batch["kind"], kind))
        rows += batch.filter(pc.fill_null(mask, False)).to_pylist()
        if not rows:
            near.update(s for s in batch["speaker"].to_pylist() if s is not None and wanted in s.lower())
    if not rows:
        raise SpeakerNotFound(_not_found(release, speaker, kind, near))
    return rows


def _not_found(release: Path, speaker: str, kind: str | None, near: Counter) -> str:
    what = f"no {kind} quotation" if kind else "no quotation"
    message = f"{release}: {what} attributed to {speaker!r}"
    if near:
        names = ", ".join(f"{name!r} ({n})" for name, n in sorted(near.items(), key=lambda i: (-i[1], i[0]))[:5])
        return f"{message}; speakers whose name contains it: {names}"
    return f"{message}; `quotes stats {release}` lists the most quoted speakers"


def document_texts(release: str | os.PathLike, doc_ids: set[str]) -> dict[str, str]:
    """The text of each document in ``doc_ids``, read batch by batch."""
    wanted = pa.array(sorted(doc_ids), pa.string())
    texts = {}
    for batch in _batches(find_release(release), "documents", columns=["doc_id", "text"]):
        found = batch.filter(pc.is_in(batch["doc_id"], value_set=wanted))
        texts.update(zip(found["doc_id"].to_pylist(), found["text"].to_pylist()))
    return texts


def passages(release: str | os.PathLike, speaker: str, kind: str | None = None, width: int = 200) -> list[Passage]:
    """Every quotation by ``speaker`` (optionally of one ``kind``) with ``width`` characters of context."""
    rows = speaker_rows(release, speaker, kind)
    texts = document_texts(release, {row["doc_id"] for row in rows})
    return [Passage(row, *context(texts[row["doc_id"]], row["start"], row["end"], width)) for row in rows]


def _batches(release: Path, config: str, columns: list[str] | None = None):
    for file in parquet_files(release, config):
        yield from pq.ParquetFile(file).iter_batches(batch_size=10_000, columns=columns)


def format_passage(passage: Passage, style=lambda text, **_: text) -> str:
    """A passage for a person in a terminal: where it is, how it was attributed, and the text.

    ``style`` marks the quotation and the mention (``click.style`` in the CLI).

    >>> quote = {"doc_id": "a.txt", "paragraph": 2, "kind": "direct", "cue": "said", "rule": "after_speaker_cue",
    ...          "confidence": 0.9, "speaker_mention": "she", "text": "We won."}
    >>> print(format_passage(Passage(quote, "“", "” she said.")))
    a.txt, paragraph 2: direct, cue 'said', mention 'she' (rule after_speaker_cue, confidence 0.90)
        “We won.” she said.
    """
    quote = passage.quote
    header = (
        f"{quote['doc_id']}, paragraph {quote['paragraph']}: {quote['kind']}, cue {quote['cue']!r}, "
        f"mention {quote['speaker_mention']!r} (rule {quote['rule']}, confidence {quote['confidence']:.2f})"
    )
    body = passage.before + style(_SPACE.sub(" ", quote["text"]), bold=True) + passage.after
    return f"{header}\n    {body}"
