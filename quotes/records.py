"""Records: one row per quotation, its Arrow schema, and ``extract``.

``extract`` is the one pure function everything else wraps (the CLI, builds,
process pools, Spark): text in, quote records out, no I/O and no global state.

>>> rows = extract('“We will win,” Trump told reporters.', doc_id="a.txt")
>>> rows[0].text, rows[0].speaker, rows[0].cue, rows[0].rule
('We will win,', 'Trump', 'told', 'after_speaker_cue')
"""

from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import asdict, dataclass, fields

import pyarrow as pa

from quotes.attribution import MIN_CONFIDENCE, attribute, rule_confidence, split_links
from quotes.names import canonical_speakers
from quotes.spans import find_spans


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation, where it stands, and who said it (see DESIGN.md, the quote record)."""

    quote_id: str
    doc_id: str
    start: int
    end: int
    byte_start: int
    byte_end: int
    text: str
    kind: str
    speaker: str | None
    speaker_mention: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    rule: str | None
    confidence: float
    paragraph: int
    continues: str | None  # quote_id of the first part of a split quotation this part continues

    def to_dict(self) -> dict:
        """The record as a plain dict, in schema order.

        >>> extract('He said “yes.”', doc_id="d")[0].to_dict()["text"]
        'yes.'
        """
        return asdict(self)


# Field types, shared by the Parquet writer, the dataset card and the loader.
QUOTE_SCHEMA = pa.schema(
    [
        pa.field("quote_id", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("start", pa.int64(), nullable=False),
        pa.field("end", pa.int64(), nullable=False),
        pa.field("byte_start", pa.int64(), nullable=False),
        pa.field("byte_end", pa.int64(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("speaker", pa.string()),
        pa.field("speaker_mention", pa.string()),
        pa.field("speaker_start", pa.int64()),
        pa.field("speaker_end", pa.int64()),
        pa.field("cue", pa.string()),
        pa.field("cue_start", pa.int64()),
        pa.field("cue_end", pa.int64()),
        pa.field("rule", pa.string()),
        pa.field("confidence", pa.float32(), nullable=False),
        pa.field("paragraph", pa.int32(), nullable=False),
        pa.field("continues", pa.string()),
    ]
)

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("sha256", pa.string(), nullable=False),
        pa.field("n_bytes", pa.int64(), nullable=False),
        pa.field("n_chars", pa.int64(), nullable=False),
        pa.field("n_quotes", pa.int32(), nullable=False),
    ]
)

assert [f.name for f in fields(Quote)] == QUOTE_SCHEMA.names, "Quote and QUOTE_SCHEMA disagree"


def quote_id(doc_id: str, start: int, end: int) -> str:
    """A stable id for a quotation: the first 16 hex digits of sha256(doc_id, start, end).

    >>> quote_id("seeds/002.txt", 10, 20)
    '10bb69d766d32079'
    """
    return hashlib.sha256(f"{doc_id}\0{start}\0{end}".encode()).hexdigest()[:16]


def byte_offsets(text: str, positions: list[int]) -> dict[int, int]:
    """Map code point offsets to UTF-8 byte offsets, in one pass over the text.

    >>> byte_offsets("é “a”", [0, 1, 3, 4])
    {0: 0, 1: 2, 3: 6, 4: 7}
    """
    if text.isascii():
        return {p: p for p in positions}
    mapping: dict[int, int] = {}
    previous_char = previous_byte = 0
    for position in sorted(set(positions)):
        previous_byte += len(text[previous_char:position].encode("utf-8"))
        previous_char = position
        mapping[position] = previous_byte
    return mapping


def extract(text: str, doc_id: str = "", byte_base: int = 0, min_confidence: float = MIN_CONFIDENCE) -> list[Quote]:
    """The quotation records of one text, in order of their start.

    ``byte_base`` is added to every byte offset: the length of a byte order mark
    the source file started with, which the decoded text no longer holds.
    Attributions by rules whose measured precision is below ``min_confidence``
    are left out (see ``attribution.MIN_CONFIDENCE``).

    >>> [(q.kind, q.speaker) for q in extract('Putin acknowledged the “idea” of a ceasefire.')]
    [('partial', 'Putin')]
    """
    # The work on one text makes no reference cycles: the cyclic garbage collector
    # has nothing to find here, and its passes over a long text's many objects made
    # the time grow faster than the text.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _records(text, doc_id, byte_base, min_confidence)
    finally:
        if collecting:
            gc.enable()


def _records(text: str, doc_id: str, byte_base: int, min_confidence: float) -> list[Quote]:
    spans = find_spans(text)
    if not spans:
        return []
    attributions = attribute(text, spans, min_confidence)
    speakers = canonical_speakers(text, attributions, [(s.start, s.end) for s in spans])
    links = split_links(text, spans, attributions)
    ids = [quote_id(doc_id, s.start, s.end) for s in spans]
    confidence = rule_confidence()
    positions = [p for s in spans for p in (s.start, s.end)]
    to_bytes = byte_offsets(text, positions)
    records = []
    for index, (span, found, speaker) in enumerate(zip(spans, attributions, speakers)):
        rule = found.rule if found else None
        records.append(
            Quote(
                quote_id=ids[index],
                doc_id=doc_id,
                start=span.start,
                end=span.end,
                byte_start=byte_base + to_bytes[span.start],
                byte_end=byte_base + to_bytes[span.end],
                text=span.text,
                kind=span.kind,
                speaker=speaker,
                speaker_mention=text[found.speaker_start : found.speaker_end] if found else None,
                speaker_start=found.speaker_start if found else None,
                speaker_end=found.speaker_end if found else None,
                cue=text[found.cue_start : found.cue_end] if found and found.cue_start is not None else None,
                cue_start=found.cue_start if found else None,
                cue_end=found.cue_end if found else None,
                rule=rule,
                confidence=confidence.get(rule, 0.0) if rule else 0.0,
                paragraph=span.paragraph,
                continues=ids[links[index]] if links[index] is not None else None,
            )
        )
    return records


def to_json(quote: Quote) -> str:
    """One JSON Lines row, keys in schema order, non-ASCII kept as is.

    >>> to_json(extract('He said “yes.”', doc_id="d")[0])[:30]
    '{"quote_id": "0b99f9526cf7937c'
    """
    return json.dumps(quote.to_dict(), ensure_ascii=False)
