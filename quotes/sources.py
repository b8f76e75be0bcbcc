"""Sources: read a corpus into documents with ids, text and a checksum.

A corpus comes in one of these formats, each with its own small reader:

- text files (``.txt``, or any file given by name that is not one of the
  formats below): one document a file; doc_id is the POSIX path relative to
  the directory given (the file name for a file given directly);
- JSON Lines (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``): one document a line,
  doc_id from the id field and the text from the text field;
- Parquet (``.parquet``): one document a row, the same two fields as columns;
- a dataset saved with ``datasets.Dataset.save_to_disk`` (a directory holding
  ``state.json``), one document a row.

A directory is read recursively for files of these formats, in the order of
their relative paths, so a build never depends on the order a file system
lists files in; records inside a file come in the file's order (a build sorts
them by doc_id itself).

Text files are decoded as UTF-8. A byte order mark is not part of the text,
but byte offsets still count it (``Document.byte_base``); line endings are
kept as they are, so character and byte offsets point into the file exactly.
For a record of JSON Lines, Parquet or a saved dataset, byte offsets, sha256
and n_bytes refer to the UTF-8 encoding of its text field.

>>> docs = list(read_documents(["seeds"]))
>>> docs[0].doc_id, docs[0].n_bytes
('000_19351164b027cb34.txt', 4201)
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst")
PARQUET_SUFFIX = ".parquet"
SAVED_DATASET_FILE = "state.json"  # written by Dataset.save_to_disk beside its Arrow files
ARROW_BATCH_ROWS = 1024  # rows read at a time from Parquet and saved datasets


class SourceError(Exception):
    """A source cannot be read or decoded; the message names the file and the place."""


@dataclass(frozen=True, slots=True)
class Document:
    """One text of the corpus, and what is needed to trace quotes back to its bytes."""

    doc_id: str
    text: str
    sha256: str  # of the source bytes
    n_bytes: int  # length of the source bytes
    byte_base: int = 0  # bytes before the text in the source (a UTF-8 byte order mark)
    where: str = ""  # the file, and the line or row, it was read from: for messages


@dataclass(frozen=True)
class Fields:
    """Which field of a record holds the text and which its id (JSON Lines, Parquet, datasets)."""

    text: str = "text"
    id: str = "id"


def read_documents(paths: Iterable[str | os.PathLike], fields: Fields = Fields()) -> Iterator[Document]:
    """Every document under ``paths``, each path in turn, its files in order of their names.

    >>> [d.doc_id for d in read_documents(["seeds/002_d268800eac509475.txt"])]
    ['002_d268800eac509475.txt']
    """
    for path in paths:
        for name, file in list_files(path):
            yield from read_source(file, name, fields)


def source_format(path: str | os.PathLike) -> str:
    """The format of a file or directory: ``text``, ``jsonl``, ``parquet`` or ``dataset``.

    >>> [source_format(p) for p in ["a.txt", "b.jsonl.zst", "c.parquet", "notes.md"]]
    ['text', 'jsonl', 'parquet', 'text']
    """
    path = Path(path)
    if path.is_dir() and (path / SAVED_DATASET_FILE).is_file():
        return "dataset"
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIX):
        return "parquet"
    return "text"


def list_files(path: str | os.PathLike) -> list[tuple[str, Path]]:
    """``(name, file)`` for a file or saved dataset, or for every file of a known format under a directory.

    The name is the doc_id of a text file: the path relative to the directory.

    >>> list_files("seeds")[0][0]
    '000_19351164b027cb34.txt'
    """
    root = Path(path)
    if root.is_dir() and source_format(root) != "dataset":
        found = [
            (file.relative_to(root).as_posix(), file)
            for file in root.rglob("*")
            if (file.is_file() and _is_corpus_file(file)) or (file.is_dir() and source_format(file) == "dataset")
        ]
        return sorted(found)
    if root.exists():
        return [(root.name, root)]
    raise SourceError(
        f"{path}: no such file or directory; give a .txt, .jsonl(.gz/.zst) or .parquet file, "
        "a saved dataset, or a directory of them"
    )


def _is_corpus_file(file: Path) -> bool:
    name = file.name.lower()
    return name.endswith((".txt", PARQUET_SUFFIX) + JSONL_SUFFIXES)


def read_source(file: Path, name: str, fields: Fields = Fields()) -> Iterator[Document]:
    """The documents of one file (or saved dataset), read by the reader of its format.

    >>> next(read_source(Path("seeds/000_19351164b027cb34.txt"), "000.txt")).doc_id
    '000.txt'
    """
    kind = source_format(file)
    if kind == "text":
        yield read_file(file, name)
    elif kind == "jsonl":
        yield from read_jsonl(file, fields)
    elif kind == "parquet":
        yield from read_parquet(file, fields)
    else:
        yield from read_saved_dataset(file, fields)


def read_file(file: Path, doc_id: str) -> Document:
    """Read and decode one text file.

    >>> read_file(Path("seeds/000_19351164b027cb34.txt"), "000.txt").text[:5]
    'Putin'
    """
    try:
        data = file.read_bytes()
    except OSError as error:
        raise SourceError(f"{file}: cannot be read ({error.strerror}); check its permissions") from None
    return decode(data, doc_id, where=str(file))


def decode(data: bytes, doc_id: str, where: str) -> Document:
    """A document from raw bytes, decoded as UTF-8 with an optional byte order mark.

    >>> decode(codecs.BOM_UTF8 + "“Hi”".encode(), "a", "a.txt").byte_base
    3
    """
    base = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[base:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{where}: not valid UTF-8 at byte {error.start + base} ({error.reason}); "
            "convert the file to UTF-8 (for example with iconv) and build again"
        ) from None
    return Document(doc_id, text, hashlib.sha256(data).hexdigest(), len(data), base, where)


# --- JSON Lines ---------------------------------------------------------------------------------


def read_jsonl(file: Path, fields: Fields = Fields()) -> Iterator[Document]:
    """One document per non-blank line of a JSON Lines file (plain, gzip or zstandard).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "news.jsonl"
    >>> _ = path.write_text('{"id": "a1", "text": "“Yes,” she said."}\\n', encoding="utf-8")
    >>> [(d.doc_id, d.n_bytes, d.where[-12:]) for d in read_jsonl(path)]
    [('a1', 20, 'news.jsonl:1')]
    """
    text_field, id_field = fields.text, fields.id
    with _open_lines(file) as lines:
        number = 0
        try:
            for number, line in enumerate(lines, 1):
                try:
                    record = json.loads(line)
                    text, doc_id = record[text_field], record[id_field]
                except (ValueError, KeyError, TypeError):
                    # Rare: a blank line, or a record to explain. The common case above
                    # costs a third of the time of the checks below, on every line.
                    if line.isspace():
                        continue
                    yield record_document(_parse_json_line(line, file, number), fields, f"{file}:{number}")
                    continue
                if type(text) is str and type(doc_id) is str:
                    yield text_document(doc_id, text, f"{file}:{number}")
                else:
                    yield record_document(record, fields, f"{file}:{number}")
        except (OSError, EOFError, zlib.error) as error:
            raise SourceError(
                f"{file}: cannot be decompressed after line {number} ({error}); "
                "the file is damaged or truncated: fetch or compress it again"
            ) from None


@contextmanager
def _open_lines(file: Path) -> Iterator[Iterable[bytes]]:
    """The lines of a file as bytes, decompressed by the file's suffix."""
    try:
        raw = open(file, "rb", buffering=1 << 20)  # six times faster line splitting than the default 8 KB
    except OSError as error:
        raise SourceError(f"{file}: cannot be read ({error.strerror}); check its permissions") from None
    with raw:
        name = file.name.lower()
        if name.endswith(".gz"):
            yield gzip.GzipFile(fileobj=raw)
        elif name.endswith(".zst"):
            import zstandard  # only for .zst files

            # A large buffer: the decompressor's reads are the cost, not the line splitting.
            yield io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw), buffer_size=1 << 20)
        else:
            yield raw


def _parse_json_line(line: bytes, file: Path, number: int) -> object:
    try:
        return json.loads(line)
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{file}:{number}: not valid UTF-8 ({error.reason}); convert the file to UTF-8 and build again"
        ) from None
    except json.JSONDecodeError as error:
        column = min(error.pos, len(line.rstrip())) + 1  # not past the line's end, its line break
        raise SourceError(
            f"{file}:{number}: not valid JSON ({error.msg} at column {column}); "
            "each line must be one JSON object: fix or remove that line"
        ) from None


def record_document(record: object, fields: Fields, where: str) -> Document:
    """A document from one record (a JSON object or a row), its id and text named by ``fields``.

    >>> record_document({"id": 7, "text": "“Hi”"}, Fields(), "f.jsonl:1").doc_id
    '7'
    >>> record_document({"body": "x"}, Fields(), "f.jsonl:3")
    Traceback (most recent call last):
    ...
    quotes.sources.SourceError: f.jsonl:3: no field 'text' (the record has: body); name the text field with --text-field
    """
    if not isinstance(record, dict):
        raise SourceError(f"{where}: is a JSON {type(record).__name__}, not an object; each line must be one object")
    text = _field(record, fields.text, "text", where)
    if not isinstance(text, str):
        raise SourceError(f"{where}: field {fields.text!r} is {_kind(text)}, not text; name the text field with --text-field")
    return text_document(_doc_id(_field(record, fields.id, "id", where), fields.id, where), text, where)


def _field(record: dict, name: str, role: str, where: str) -> object:
    try:
        return record[name]
    except KeyError:
        present = ", ".join(sorted(record)) or "no fields"
        raise SourceError(f"{where}: no field {name!r} (the record has: {present}); name the {role} field with --{role}-field") from None


def _doc_id(value: object, name: str, where: str) -> str:
    """Ids are text; whole numbers are accepted and written as text ('7')."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise SourceError(f"{where}: field {name!r} is {_kind(value)}; an id must be text or a whole number (--id-field)")


def _kind(value: object) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


def text_document(doc_id: str, text: str, where: str) -> Document:
    """A document whose bytes are the UTF-8 encoding of ``text`` (a record, not a file).

    >>> text_document("a", "é", "x").n_bytes
    2
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        # JSON can escape half a surrogate pair (\\ud83d), which no UTF-8 text can hold.
        raise SourceError(
            f"{where}: the text holds an unpaired surrogate (\\u{ord(text[error.start]):04x}) at character "
            f"{error.start}, which UTF-8 cannot encode; fix the escape in that record"
        ) from None
    return Document(doc_id, text, hashlib.sha256(data).hexdigest(), len(data), 0, where)


# --- Parquet and saved datasets -----------------------------------------------------------------


def read_parquet(file: Path, fields: Fields = Fields()) -> Iterator[Document]:
    """One document per row of a Parquet file, the id and text read as columns.

    >>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
    >>> path = Path(tempfile.mkdtemp()) / "news.parquet"
    >>> pq.write_table(pa.table({"id": ["a1"], "text": ["“Yes,” she said."]}), path)
    >>> [(d.doc_id, d.where.endswith("news.parquet, row 0")) for d in read_parquet(path)]
    [('a1', True)]
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(file)
        _check_columns(parquet.schema_arrow, fields, str(file))
        batches = parquet.iter_batches(batch_size=ARROW_BATCH_ROWS, columns=[fields.id, fields.text])
        yield from _arrow_documents(batches, fields, str(file))
    except (pa.ArrowException, OSError) as error:
        raise SourceError(f"{file}: cannot be read as Parquet ({error}); check that it is a whole Parquet file") from None


def read_saved_dataset(path: Path, fields: Fields = Fields()) -> Iterator[Document]:
    """One document per row of a dataset saved with ``datasets.Dataset.save_to_disk``.

    >>> import tempfile, datasets
    >>> path = Path(tempfile.mkdtemp()) / "news"
    >>> datasets.Dataset.from_dict({"id": ["a1"], "text": ["“Yes,” she said."]}).save_to_disk(path)
    >>> [d.doc_id for d in read_saved_dataset(path)]
    ['a1']
    """
    import datasets  # a second to import: paid only for this format

    try:
        dataset = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as error:
        raise SourceError(f"{path}: cannot be loaded as a saved dataset ({error}); save it again with save_to_disk") from None
    if not isinstance(dataset, datasets.Dataset):
        raise SourceError(
            f"{path}: holds several splits ({', '.join(dataset)}); give the directory of one of them, "
            f"for example {path / next(iter(dataset))}"
        )
    _check_columns(dataset.data.schema, fields, str(path))
    tables = dataset.select_columns([fields.id, fields.text]).with_format("arrow").iter(batch_size=ARROW_BATCH_ROWS)
    yield from _arrow_documents((batch for table in tables for batch in table.to_batches()), fields, str(path))


def _check_columns(schema, fields: Fields, where: str) -> None:
    import pyarrow as pa

    for name, role in ((fields.id, "id"), (fields.text, "text")):
        if name not in schema.names:
            raise SourceError(
                f"{where}: no column {name!r} (the columns are: {', '.join(schema.names)}); "
                f"name the {role} column with --{role}-field"
            )
    kind = schema.field(fields.text).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise SourceError(f"{where}: column {fields.text!r} is {kind}, not text; name the text column with --text-field")


def _arrow_documents(batches, fields: Fields, where: str) -> Iterator[Document]:
    row = 0
    for batch in batches:
        ids = batch.column(fields.id).to_pylist()
        texts = batch.column(fields.text).to_pylist()
        for doc_id, text in zip(ids, texts):
            place = f"{where}, row {row}"
            if text is None:
                raise SourceError(f"{place}: column {fields.text!r} is null; every row needs a text")
            yield text_document(_doc_id(doc_id, fields.id, place), text, place)
            row += 1
