"""Verify: check a release whole, from its checksums to the provenance of every quotation.

``quotes.load`` checks the sha256 of a release's files before loading it;
``verify`` (``quotes verify``) reads everything again and checks what it says:

- release.json: JSON, its own checksum (``manifest_sha256``) and the bytes it
  is written as, so that a changed byte anywhere in it is found;
- every file it lists: inside the release, present, with the sha256 written
  there; and no other file in the release (``quotes.load`` would not read it,
  but ``datasets`` or a person might);
- each config: its Parquet files listed and checksummed, each with the schema
  of ``quotes.records`` (names, types, nullability) and the release's version
  in its metadata, and as many rows as release.json counts (kinds, attributed
  quotations and bytes too);
- provenance, in one pass over each config (both are sorted by doc_id, so
  memory holds a batch of each): documents in doc_id order with safe, unique
  ids and true ``n_chars`` and ``n_quotes``; every quotation has its document,
  offsets inside it, ``documents.text[start:end] == quotes.text``, the quote_id
  of its (doc_id, start, end), and byte offsets that cut its text out of the
  document's bytes (where those bytes can be rebuilt from the text: every
  document but those whose bad bytes were replaced).

Every problem is one line that names the file, and the row when there is one.

>>> import tempfile
>>> from quotes.release import build
>>> [report] = verify(build(["seeds"], tempfile.mkdtemp()).path)
>>> report.ok, report.rows
(True, {'quotes': 21, 'documents': 5})
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from quotes.load import ChecksumError, ReleaseNotFound, config_files, inside_path, read_manifest
from quotes.records import quote_id
from quotes.release import CONFIGS, MANIFEST_CHECKSUM, RELEASE_FILE, existing_releases, sha256_file
from quotes.sources import SourceError, check_doc_id

ROW_PROBLEMS = 20  # problems listed per file for its rows; past these, a count
_QUOTE_COLUMNS = ["quote_id", "doc_id", "start", "end", "byte_start", "byte_end", "text", "kind", "speaker"]
_DOCUMENT_COLUMNS = ["doc_id", "text", "sha256", "n_bytes", "n_chars", "n_quotes"]


@dataclass
class Verification:
    """What verifying one release found."""

    release: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    _row_problems: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, path: Path | str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def row_problem(self, path: Path, row: int, message: str) -> None:
        """A problem with one row: listed for the first rows of a file, counted past them."""
        self._row_problems[path] += 1
        if self._row_problems[path] <= ROW_PROBLEMS:
            self.problems.append(f"{path}, row {row}: {message}")

    def finish(self) -> Verification:
        for path, n in sorted(self._row_problems.items()):
            if n > ROW_PROBLEMS:
                more = n - ROW_PROBLEMS
                self.problems.append(f"{path}: {more} more row{'s' if more != 1 else ''} with problems")
        return self

    def summary(self) -> str:
        """One line: what was checked, or how many problems there are.

        >>> Verification(Path("v1.0.0"), files=4, rows={"quotes": 21, "documents": 5}).summary()
        'v1.0.0: ok: release.json and 4 files; 21 quotations in 5 documents, each documents.text[start:end]'
        """
        if not self.ok:
            return f"{self.release}: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        return (
            f"{self.release}: ok: release.json and {self.files} files; {self.rows.get('quotes', 0)} quotations "
            f"in {self.rows.get('documents', 0)} documents, each documents.text[start:end]"
        )


def verify(path: str | os.PathLike) -> list[Verification]:
    """Verify a release, or every release in a directory of releases (oldest first)."""
    root = Path(path)
    if (root / RELEASE_FILE).is_file():
        return [verify_release(root)]
    releases = existing_releases(root)
    if not releases:
        raise ReleaseNotFound(f"{path}: no release here (no {RELEASE_FILE}, no vX.Y.Z directories)")
    return [verify_release(release) for release in releases.values()]


def verify_release(release: Path) -> Verification:
    """Every check of the module on one release directory."""
    report = Verification(Path(release))
    try:
        manifest = read_manifest(release)
    except ChecksumError as error:
        report.problems.append(str(error))
        return report
    if MANIFEST_CHECKSUM not in manifest:
        report.notes.append(
            f"{release / RELEASE_FILE}: has no {MANIFEST_CHECKSUM} (written before quotes sealed it); "
            "its content is checked against the data only"
        )
    _check_files(release, manifest, report)
    shards = {config: _check_config(release, manifest, config, report) for config in CONFIGS}
    if all(files is not None for files in shards.values()):
        try:
            _check_rows(release, manifest, shards, report)
        except _Unreadable as error:
            report.problem(error.path, str(error))
    return report.finish()


def _check_files(release: Path, manifest: dict, report: Verification) -> None:
    where = release / RELEASE_FILE
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        report.problem(where, "lists no files and their sha256; the release is damaged")
        return
    for name, expected in sorted(files.items()):
        try:
            path = inside_path(release, name, where)
        except ChecksumError as error:
            report.problems.append(str(error))
            continue
        if not path.is_file():
            report.problem(path, "missing; release.json lists it. Restore the release from its source")
            continue
        actual = sha256_file(path)
        if actual != expected:
            report.problem(path, f"sha256 is {actual}, release.json says {expected}; the file was changed or damaged")
        report.files += 1
    listed = {*files, RELEASE_FILE}
    for path in sorted(release.rglob("*")):
        if (path.is_file() or path.is_symlink()) and path.relative_to(release).as_posix() not in listed:
            report.problem(path, "is not listed in release.json, and a release holds only what it lists: remove it")


def _check_config(release: Path, manifest: dict, config: str, report: Verification) -> list[Path] | None:
    """Check one config's files: listed, readable, the right schema and version; count its rows.

    Returns the files, or None when their rows cannot be read.
    """
    where = release / RELEASE_FILE
    try:
        names = config_files(manifest, config, where)
    except ChecksumError as error:
        report.problems.append(str(error))
        return None
    expected = CONFIGS[config]
    rows = 0
    readable = True
    paths = []
    for name in names:
        try:
            path = inside_path(release, name, where)
            parquet = pq.ParquetFile(path)
        except ChecksumError as error:
            report.problems.append(str(error))
            readable = False
            continue
        except (pa.ArrowException, OSError) as error:
            report.problem(release / name, f"cannot be read as Parquet ({error})")
            readable = False
            continue
        paths.append(path)
        schema = parquet.schema_arrow
        for difference in schema_differences(schema.remove_metadata(), expected):
            report.problem(path, f"schema differs from quotes.records: {difference}")
            readable = False
        version = json.loads((schema.metadata or {}).get(b"quotes", b"{}")).get("version")
        if version != manifest.get("version"):
            report.problem(path, f"its metadata says version {version}, release.json {manifest.get('version')}")
        rows += parquet.metadata.num_rows
    report.rows[config] = rows
    counted = (manifest.get("counts") or {}).get(config)
    if readable and rows != counted:
        report.problem(release / "data" / config, f"{rows} rows in its Parquet files, release.json counts {counted}")
    return paths if readable else None


def schema_differences(actual: pa.Schema, expected: pa.Schema) -> list[str]:
    """How ``actual`` differs from ``expected``: missing, extra, retyped or nullable fields.

    >>> schema_differences(pa.schema([("a", pa.int32())]), pa.schema([pa.field("a", pa.int64(), nullable=False), ("b", pa.string())]))
    ['field a is int32, not int64', 'field a may be null, and must not', 'no field b']
    """
    differences = []
    for field_ in expected:
        if field_.name not in actual.names:
            differences.append(f"no field {field_.name}")
            continue
        found = actual.field(field_.name)
        if not found.type.equals(field_.type):
            differences.append(f"field {field_.name} is {found.type}, not {field_.type}")
        if found.nullable and not field_.nullable:
            differences.append(f"field {field_.name} may be null, and must not")
    differences += [f"extra field {name}" for name in actual.names if name not in expected.names]
    if not differences and actual.names != expected.names:
        differences.append(f"fields in the order {', '.join(actual.names)}")
    return differences


class _Unreadable(Exception):
    """The rows of a Parquet file cannot be read (a damaged page)."""

    def __init__(self, path: Path, row: int, error: Exception) -> None:
        super().__init__(f"its rows cannot be read from row {row} on ({error})")
        self.path = path


def _rows(paths: list[Path], columns: list[str], batch_size: int) -> Iterator[tuple[Path, int, dict]]:
    for path in paths:
        row = 0
        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=columns):
                for values in batch.to_pylist():
                    yield path, row, values
                    row += 1
        except (pa.ArrowException, OSError) as error:
            raise _Unreadable(path, row, error) from None


class _Documents:
    """The document rows, walked in doc_id order alongside the quote rows."""

    def __init__(self, paths: list[Path], report: Verification) -> None:
        self.rows = _rows(paths, _DOCUMENT_COLUMNS, batch_size=64)
        self.report = report
        self.current: tuple[Path, int, dict] | None = None
        self.previous: str | None = None
        self.quotes = 0  # quote rows seen for the current document
        self._bytes: bytes | None = None
        self.bytes_total = 0
        self.advance()

    def advance(self) -> None:
        if self.current is not None:
            path, row, document = self.current
            if document["n_quotes"] != self.quotes:
                self.report.row_problem(path, row, f"n_quotes is {document['n_quotes']}, and {self.quotes} quote rows have its doc_id")
        self.current = next(self.rows, None)
        self.quotes, self._bytes = 0, None
        if self.current is None:
            return
        path, row, document = self.current
        doc_id = document["doc_id"]
        if self.previous is not None and doc_id <= self.previous:
            self.report.row_problem(path, row, f"doc_id {doc_id!r} comes after {self.previous!r}: documents must be sorted by doc_id, each once")
        self.previous = doc_id
        try:
            check_doc_id(doc_id, "")
        except SourceError as error:
            self.report.row_problem(path, row, error.problem)
        if document["n_chars"] != len(document["text"]):
            self.report.row_problem(path, row, f"n_chars is {document['n_chars']}, the text has {len(document['text'])}")
        self.bytes_total += document["n_bytes"]

    def find(self, doc_id: str) -> tuple[Path, int, dict] | None:
        """The document row of ``doc_id``, moving forward to it; None when there is none."""
        while self.current is not None and self.current[2]["doc_id"] < doc_id:
            self.advance()
        if self.current is not None and self.current[2]["doc_id"] == doc_id:
            return self.current
        return None

    def source_bytes(self) -> bytes | None:
        """The current document's source bytes, when its text and sha256 give them back (with a byte order mark or not)."""
        if self._bytes is None:
            document = self.current[2]
            encoded = document["text"].encode("utf-8")
            self._bytes = b""
            for candidate in (encoded, codecs.BOM_UTF8 + encoded):
                if hashlib.sha256(candidate).hexdigest() == document["sha256"]:
                    self._bytes = candidate
                    break
        return self._bytes or None

    def finish(self) -> None:
        while self.current is not None:
            self.advance()


def _check_rows(release: Path, manifest: dict, shards: dict[str, list[Path]], report: Verification) -> None:
    """Provenance and counts, in one pass over the quote rows and one over the document rows."""
    documents = _Documents(shards["documents"], report)
    kinds: Counter = Counter()
    attributed = 0
    previous: tuple[str, int] | None = None
    for path, row, quote in _rows(shards["quotes"], _QUOTE_COLUMNS, batch_size=4096):
        kinds[quote["kind"]] += 1
        attributed += quote["speaker"] is not None
        key = (quote["doc_id"], quote["start"])
        if previous is not None and key < previous:
            report.row_problem(path, row, f"(doc_id, start) {key} comes after {previous}: quotes must be sorted")
        previous = key
        found = documents.find(quote["doc_id"])
        if found is None:
            report.row_problem(path, row, f"no document row has its doc_id {quote['doc_id']!r}")
            continue
        documents.quotes += 1
        for message in _quote_problems(quote, found[2], documents):
            report.row_problem(path, row, message)
    documents.finish()
    counts = manifest.get("counts") or {}
    recounted = {"direct": kinds["direct"], "partial": kinds["partial"], "attributed": attributed, "bytes": documents.bytes_total}
    for name, value in recounted.items():
        if counts.get(name) != value:
            report.problem(release / RELEASE_FILE, f"counts {name} {counts.get(name)}, the rows give {value}")


def _quote_problems(quote: dict, document: dict, documents: _Documents) -> list[str]:
    """What is wrong with one quote row, against its document."""
    text = document["text"]
    start, end = quote["start"], quote["end"]
    if not 0 <= start <= end <= len(text):
        return [f"start {start} and end {end} are not inside its document ({len(text)} characters)"]
    problems = []
    if text[start:end] != quote["text"]:
        problems.append(f"text {quote['text'][:40]!r} is not documents.text[start:end] {text[start:end][:40]!r}")
    if quote["quote_id"] != quote_id(quote["doc_id"], start, end):
        problems.append(f"quote_id {quote['quote_id']} is not the id of its doc_id, start and end")
    byte_start, byte_end = quote["byte_start"], quote["byte_end"]
    if not 0 <= byte_start <= byte_end <= document["n_bytes"]:
        problems.append(f"byte_start {byte_start} and byte_end {byte_end} are not inside its document ({document['n_bytes']} bytes)")
        return problems
    data = documents.source_bytes()
    if data is not None and data[byte_start:byte_end] != text[start:end].encode("utf-8"):
        problems.append(f"bytes {byte_start}:{byte_end} of its document are not its text")
    return problems
