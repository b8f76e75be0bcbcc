"""Batches: the extractor over a batch of documents, rows out as Arrow record batches.

This is the unit of work of a build, whether it runs in one process, in a
process pool or on Spark: a list of documents in, one record batch of quote
rows and one of document rows out, in the schemas of ``quotes.records``.
Columns are built straight from the records' attributes, and a batch crosses
a process boundary as Arrow buffers (a copy, not a Python object per row).

A batch may also hold lines of JSON Lines as they were read
(``quotes.sources.Lines``): they are decoded into documents here, in the
process that extracts them, so that the process that reads only reads. A
line that cannot be a document is reported in ``Rows.failed``, as a document
the extractor fails on is.

>>> from quotes.sources import text_document
>>> rows = extract_rows([text_document("a", "“Yes,” she said.", "a")])
>>> rows.quotes.num_rows, rows.documents.column("n_quotes").to_pylist()
(1, [1])
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter

import pyarrow as pa

from quotes.badinput import BadInput
from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA, Quote, extract, to_json
from quotes.sources import Document, Lines, documents_of

BATCH_BYTES = 1 << 20  # of text per batch: large enough that a task's overhead is noise
BATCH_DOCUMENTS = 2048  # and at most this many documents, for corpora of very short texts


class ExtractionError(Exception):
    """The extractor failed on a document; the message names the document and where it was read."""


@dataclass(frozen=True)
class Rows:
    """The quote rows and document rows of one batch, and what it left out (lines that are no document, extractor failures)."""

    quotes: pa.RecordBatch
    documents: pa.RecordBatch
    failed: tuple[BadInput, ...] = ()

    def __reduce__(self):
        # Pickle protocol 5 copies Arrow buffers whole; a pool's default protocol
        # would copy them through Python bytes several times.
        return (_rows_from_bytes, (pickle.dumps((self.quotes, self.documents, self.failed), protocol=5),))


def _rows_from_bytes(data: bytes) -> Rows:
    return Rows(*pickle.loads(data))


class DocumentBatch(list):
    """A list of documents (and ``Lines``) that pickles documents as columns, several times faster than one at a time.

    >>> import pickle
    >>> from quotes.sources import text_document
    >>> pickle.loads(pickle.dumps(DocumentBatch([text_document("a", "Hi", "a.jsonl:1")])))[0].where
    'a.jsonl:1'
    """

    def __reduce__(self):
        if not all(type(unit) is Document for unit in self):
            # Lines are a few objects each, and a batch mixes them with documents
            # only where a corpus passes from one format to another.
            return (DocumentBatch, (list(self),))
        columns = [[getattr(d, name) for d in self] for name in Document.__slots__]
        return (_batch_from_columns, (columns,))


def _batch_from_columns(columns: list[list]) -> DocumentBatch:
    return DocumentBatch(map(Document, *columns))


def batched(
    units: Iterable[Document | Lines], max_bytes: int = BATCH_BYTES, max_documents: int = BATCH_DOCUMENTS
) -> Iterator[DocumentBatch]:
    """Consecutive documents (or ``Lines``) grouped into lists of about ``max_bytes`` of text.

    >>> from quotes.sources import text_document
    >>> docs = [text_document(str(i), "x" * 600, "") for i in range(5)]
    >>> [len(batch) for batch in batched(docs, max_bytes=1000)]
    [2, 2, 1]
    """
    batch = DocumentBatch()
    size = count = 0
    for unit in units:
        batch.append(unit)
        size += unit.n_bytes
        count += len(unit.lines) if type(unit) is Lines else 1
        if size >= max_bytes or count >= max_documents:
            yield batch
            batch, size, count = DocumentBatch(), 0, 0
    if batch:
        yield batch


def extract_rows(documents: Sequence[Document | Lines], strict: bool = True) -> Rows:
    """Quote rows and document rows of ``documents``, in their order (the function a pool worker runs).

    When the extractor fails on a document, ``ExtractionError`` names it; or,
    unless ``strict``, the document is left out of both configs and listed in
    ``Rows.failed``, and the others go on. ``Lines`` are decoded first; a line
    that is no document is listed in ``Rows.failed`` (or raises ``SourceError``,
    as their read options say).

    >>> from quotes.sources import text_document
    >>> rows = extract_rows([text_document("b", "No quotes here.", "b")])
    >>> rows.quotes.num_rows, rows.documents.column("doc_id").to_pylist()
    (0, ['b'])
    """
    found: list[Quote] = []
    counts = []
    kept: list[Document] = []
    failed: list[BadInput] = []
    for document in documents_of(documents, failed.append):
        try:
            quotes = _extract(document)
        except ExtractionError as error:
            if strict:
                raise
            failed.append(_failure(document, error))
            continue
        found.extend(quotes)
        counts.append(len(quotes))
        kept.append(document)
    return Rows(quote_batch(found), document_batch(kept, counts), tuple(failed))


def _extract(document: Document) -> list[Quote]:
    try:
        quotes = extract(document.text, document.doc_id, document.byte_base)
    except Exception as error:  # any failure of the extractor: say on which document
        raise ExtractionError(
            f"{document.where or document.doc_id}: the extractor failed on document {document.doc_id!r} "
            f"({type(error).__name__}: {error}); please report it with this document"
        ) from error
    byte_map = document.byte_map()
    if byte_map is None:
        return quotes
    # Bytes that are not UTF-8 were replaced by U+FFFD, which extract() counts as
    # three bytes: shift the offsets by what each replacement stood for in the file.
    return [
        dataclasses.replace(q, byte_start=q.byte_start + byte_map.shift(q.start), byte_end=q.byte_end + byte_map.shift(q.end))
        for q in quotes
    ]


def _failure(document: Document, error: ExtractionError) -> BadInput:
    cause = error.__cause__
    problem = (
        f"the extractor failed on document {document.doc_id!r} ({type(cause).__name__}: {cause}); "
        "it was left out: please report it with this document"
    )
    return BadInput(document.file or document.doc_id, "extractor_failed", problem, document.where, document.place, document.doc_id)


def quote_batch(quotes: Sequence[Quote]) -> pa.RecordBatch:
    """Quote records as one record batch of ``QUOTE_SCHEMA``.

    >>> quote_batch(extract("He said “yes.”", "d")).column("text").to_pylist()
    ['yes.']
    """
    columns = [pa.array(list(map(attrgetter(field.name), quotes)), field.type) for field in QUOTE_SCHEMA]
    return pa.record_batch(columns, schema=QUOTE_SCHEMA)


def document_batch(documents: Sequence[Document], n_quotes: Sequence[int]) -> pa.RecordBatch:
    """Document rows (``DOCUMENT_SCHEMA``) of ``documents``, with their numbers of quotations.

    >>> from quotes.sources import text_document
    >>> document_batch([text_document("a", "é", "")], [0]).column("n_bytes").to_pylist()
    [2]
    """
    columns = {
        "doc_id": [d.doc_id for d in documents],
        "text": [d.text for d in documents],
        "sha256": [d.sha256 for d in documents],
        "n_bytes": [d.n_bytes for d in documents],
        "n_chars": [len(d.text) for d in documents],
        "n_quotes": n_quotes,
    }
    return pa.record_batch([pa.array(columns[f.name], f.type) for f in DOCUMENT_SCHEMA], schema=DOCUMENT_SCHEMA)


def json_lines(documents: Sequence[Document | Lines], strict: bool = True) -> tuple[str, tuple[BadInput, ...]]:
    """Every quotation of ``documents`` as JSON Lines (what ``quotes extract`` prints), and what was left out.

    ``strict`` and ``Lines`` as for ``extract_rows``.

    >>> import json
    >>> from quotes.sources import text_document
    >>> lines, failed = json_lines([text_document("a", "“Yes,” she said.", "a")])
    >>> [json.loads(line)["text"] for line in lines.splitlines()], failed
    (['Yes,'], ())
    """
    lines = []
    failed: list[BadInput] = []
    for document in documents_of(documents, failed.append):
        try:
            lines.extend(to_json(quote) + "\n" for quote in _extract(document))
        except ExtractionError as error:
            if strict:
                raise
            failed.append(_failure(document, error))
    return "".join(lines), tuple(failed)
