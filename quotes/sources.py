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
them by doc_id itself). A symbolic link is read where it stands when it points
inside the directory, and left out when it points out of it (a corpus from
elsewhere must not pull ``~/.ssh`` into a published dataset) unless
``ReadOptions.follow_symlinks``.

Text files are decoded as UTF-8 (see :mod:`quotes.decoding`). A byte order
mark is not part of the text, but byte offsets still count it
(``Document.byte_base``); line endings are kept as they are, so character and
byte offsets point into the file exactly. For a record of JSON Lines, Parquet
or a saved dataset, byte offsets, sha256 and n_bytes refer to the UTF-8
encoding of its text field. Every doc_id is a relative POSIX path without
``..`` (``check_doc_id``), whatever the source.

A build reads with ``read_units``: JSON Lines come as ``Lines``, lines as
read, and are decoded into documents by the processes that extract them (see
:mod:`quotes.batches`), so that the one process that reads does not decode.

Bad input (see :mod:`quotes.badinput` and the README's "Bad input"): a reader
reports each file, line or row it cannot take, and goes on with the next.
Reports go to ``on_bad_input``; without one, or when ``ReadOptions`` say so,
the problem raises ``SourceError`` instead: input is never dropped unnoticed.

>>> docs = list(read_documents(["seeds"]))
>>> docs[0].doc_id, docs[0].n_bytes
('000_19351164b027cb34.txt', 4201)
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from quotes.badinput import BadInput, ReadOptions
from quotes.decoding import ByteMap, NotText, decode_replacing, decode_text

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst")
PARQUET_SUFFIX = ".parquet"
SAVED_DATASET_FILE = "state.json"  # written by Dataset.save_to_disk beside its Arrow files
ARROW_BATCH_ROWS = 1024  # rows read at a time from Parquet and saved datasets
# Lines of JSON Lines read at a time (``Lines``): about a batch of the extractor's (quotes.batches).
LINES_BYTES = 1 << 20
LINES_COUNT = 2048
# An id that may not be a safe relative path: the full check runs only on these.
_ID_NEEDS_CHECK = re.compile(r"\A\Z|\A/|\.\.|[\\\x00]")

Place = tuple[str, int]  # ("line", 4), ("row", 2) or ("byte", 14)
OnBadInput = Callable[[BadInput], None]


class SourceError(Exception):
    """A source cannot be read or decoded; the message names the file and the place.

    ``reason`` is a key of ``quotes.badinput.REASONS``; ``place`` the line, row
    or byte in the file, when the problem has one.
    """

    def __init__(self, where: str, problem: str = "", reason: str = "unreadable", place: Place | None = None) -> None:
        super().__init__(f"{where}: {problem}" if problem else where)
        self.where, self.problem, self.reason, self.place = where, problem, reason, place


@dataclass(frozen=True, slots=True)
class Document:
    """One text of the corpus, and what is needed to trace quotes back to its bytes."""

    doc_id: str
    text: str
    sha256: str  # of the source bytes
    n_bytes: int  # length of the source bytes
    byte_base: int = 0  # bytes before the text in the source (a UTF-8 byte order mark)
    where: str = ""  # the file, and the line or row, it was read from: for messages
    file: str = ""  # that file relative to the source given: what release.json names
    place: Place | None = None  # the line or row in that file
    replaced: tuple[tuple[int, int], ...] = ()  # U+FFFD put for bytes that are not UTF-8: (text offset, bytes)

    def byte_map(self) -> ByteMap | None:
        """How byte offsets shift for the replaced bytes, if any (see ``quotes.decoding.ByteMap``)."""
        return ByteMap(self.replaced) if self.replaced else None


@dataclass(frozen=True)
class Fields:
    """Which field of a record holds the text and which its id (JSON Lines, Parquet, datasets)."""

    text: str = "text"
    id: str = "id"


class Problems:
    """Where the readers of one file report what they cannot take (see the module).

    >>> Problems("news.jsonl").skip(SourceError("corpus/news.jsonl:3", "not valid JSON", "bad_json"))
    Traceback (most recent call last):
    ...
    quotes.sources.SourceError: corpus/news.jsonl:3: not valid JSON
    """

    def __init__(self, name: str, options: ReadOptions = ReadOptions(), on_bad_input: OnBadInput | None = None) -> None:
        self.name, self.options, self.on_bad_input = name, options, on_bad_input

    def skip(self, error: SourceError, doc_id: str | None = None) -> None:
        """Leave out what ``error`` is about, reporting it; or raise ``error`` when it must stop the read."""
        if self.on_bad_input is None or self.options.stops(error.reason):
            raise error
        self.on_bad_input(BadInput(self.name, error.reason, error.problem, error.where, error.place, doc_id))

    def replaced(self, where: str, place: Place | None, doc_id: str, problem: str) -> None:
        """Report a document kept with bytes that are not UTF-8 replaced by U+FFFD."""
        if self.on_bad_input is not None:
            self.on_bad_input(BadInput(self.name, "replaced", problem, where, place, doc_id, kept=True))


def read_documents(
    paths: Iterable[str | os.PathLike],
    fields: Fields = Fields(),
    options: ReadOptions = ReadOptions(),
    on_bad_input: OnBadInput | None = None,
) -> Iterator[Document]:
    """Every document under ``paths``, each path in turn, its files in order of their names.

    Bad input goes to ``on_bad_input`` and is left out, unless ``options``
    say it stops the read; with no ``on_bad_input``, any bad input raises.

    >>> [d.doc_id for d in read_documents(["seeds/002_d268800eac509475.txt"])]
    ['002_d268800eac509475.txt']
    """
    return documents_of(read_units(paths, fields, options, on_bad_input), on_bad_input)


def read_units(
    paths: Iterable[str | os.PathLike],
    fields: Fields = Fields(),
    options: ReadOptions = ReadOptions(),
    on_bad_input: OnBadInput | None = None,
    max_bytes: int = LINES_BYTES,
    max_lines: int = LINES_COUNT,
) -> Iterator[Document | Lines]:
    """What ``read_documents`` reads, but JSON Lines as ``Lines``: read, not yet decoded.

    For a caller that decodes them elsewhere: a build hands them to the
    processes that extract, so that the one that reads does not decode. Each
    ``Lines`` holds up to ``max_bytes`` and ``max_lines`` of one file.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "news.jsonl"
    >>> _ = path.write_text('{"id": "a1", "text": "Yes."}\\n{"id": "a2", "text": "No."}\\n', encoding="utf-8")
    >>> [lines] = read_units([path])
    >>> len(lines.lines), [d.doc_id for d in lines.documents()]
    (2, ['a1', 'a2'])
    """
    options.check()
    for path in paths:
        for name, file in list_files(path, options, on_bad_input):
            yield from read_source(file, name, fields, options, on_bad_input, max_bytes, max_lines)


def documents_of(units: Iterable[Document | Lines], on_bad_input: OnBadInput | None = None) -> Iterator[Document]:
    """The documents of ``units``: ``Lines`` decoded, a line that is no document sent to ``on_bad_input``.

    >>> lines = Lines("news.jsonl", "news.jsonl", (b'{"id": "b", "text": "Yes."}\\n',), 1, 0)
    >>> [d.doc_id for d in documents_of([text_document("a", "Hi", "a"), lines])]
    ['a', 'b']
    """
    for unit in units:
        if type(unit) is Lines:
            yield from unit.documents(on_bad_input)
        else:
            yield unit


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


# --- Listing ------------------------------------------------------------------------------------


def list_files(
    path: str | os.PathLike, options: ReadOptions = ReadOptions(), on_bad_input: OnBadInput | None = None
) -> list[tuple[str, Path]]:
    """``(name, file)`` for a file or saved dataset, or for every file of a known format under a directory.

    The name is the doc_id of a text file: the path relative to the directory.
    Entries that cannot be read (a FIFO, a dangling link, a link out of the
    directory) are reported as bad input rather than listed.

    >>> list_files("seeds")[0][0]
    '000_19351164b027cb34.txt'
    """
    root = Path(path)
    if root.is_dir() and source_format(root) != "dataset":
        found: list[tuple[str, Path]] = []
        real = os.path.realpath(root)
        _walk(root, root, real, (real,), options, on_bad_input, found)
        return sorted(found)
    if root.exists():
        return [(root.name, root)]
    raise SourceError(
        str(path),
        "no such file or directory; give a .txt, .jsonl(.gz/.zst) or .parquet file, a saved dataset, or a directory of them",
    )


def _walk(directory: Path, root: Path, root_real: str, ancestors: tuple[str, ...], options, on_bad_input, found) -> None:
    """Add the corpus files under ``directory`` to ``found``; ``ancestors`` are the real paths walked into.

    (Problems name no link targets: release.json lists them, and must not
    publish the layout of the machine that built it.)
    """

    def skip(path: Path, problem: str, reason: str) -> None:
        name = path.relative_to(root).as_posix()
        Problems(name, options, on_bad_input).skip(SourceError(str(path), problem, reason))

    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        skip(directory, f"cannot be listed ({error.strerror}); check its permissions", "unreadable")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            target = os.path.realpath(path)
            if not os.path.exists(target):
                if _is_corpus_file(path):
                    skip(path, "a symbolic link to a file that does not exist; remove the link or restore its file", "unreadable")
                continue
            is_directory = os.path.isdir(target)
            if not (is_directory or _is_corpus_file(path)):
                continue
            if not (_inside(target, root_real) or options.follow_symlinks):
                skip(path, "a symbolic link out of the corpus: not followed; give --follow-symlinks to read it", "symlink_outside")
                continue
            if is_directory and target in ancestors:
                skip(path, "a symbolic link to a directory it is in: not followed (a loop)", "symlink_loop")
                continue
        if entry.is_dir():
            if source_format(path) == "dataset":
                found.append((path.relative_to(root).as_posix(), path))
            else:
                _walk(path, root, root_real, (*ancestors, os.path.realpath(path)), options, on_bad_input, found)
        elif _is_corpus_file(path):
            if entry.is_file():
                found.append((path.relative_to(root).as_posix(), path))
            else:
                skip(path, _not_a_file(entry.stat().st_mode), "unreadable")


def _inside(target: str, root_real: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)


def _is_corpus_file(file: Path) -> bool:
    name = file.name.lower()
    return name.endswith((".txt", PARQUET_SUFFIX) + JSONL_SUFFIXES)


def _not_a_file(mode: int) -> str:
    return f"cannot be read: {_file_kind(mode)}, not a regular file; a corpus holds files"


def _unreadable(error: OSError) -> str:
    return f"cannot be read ({error.strerror}); check that it exists and its permissions"


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return kind
    return "a special file"


# --- Reading ------------------------------------------------------------------------------------


def read_source(
    file: Path,
    name: str,
    fields: Fields = Fields(),
    options: ReadOptions = ReadOptions(),
    on_bad_input: OnBadInput | None = None,
    max_bytes: int = LINES_BYTES,
    max_lines: int = LINES_COUNT,
) -> Iterator[Document | Lines]:
    """The documents of one file (or saved dataset), read by the reader of its format.

    JSON Lines come as ``Lines`` of up to ``max_bytes`` and ``max_lines``, not
    yet decoded (see ``read_units``).

    >>> next(read_source(Path("seeds/000_19351164b027cb34.txt"), "000.txt")).doc_id
    '000.txt'
    """
    problems = Problems(name, options, on_bad_input)
    kind = source_format(file)
    try:
        if kind == "text":
            document = read_file(file, name, options)
            if document.replaced:
                first = document.byte_map().byte_offset(document.text, document.replaced[0][0]) + document.byte_base
                problems.replaced(document.where, ("byte", first), document.doc_id, _replaced_problem(len(document.replaced), first))
            yield document
        elif kind == "jsonl":
            yield from read_lines(file, fields, options, problems, max_bytes, max_lines)
        elif kind == "parquet":
            yield from read_parquet(file, fields, problems)
        else:
            yield from read_saved_dataset(file, fields, problems)
    except SourceError as error:
        problems.skip(error)


def _replaced_problem(count: int, first_byte: int, record: bool = False) -> str:
    sequences = "1 sequence" if count == 1 else f"{count} sequences"
    offsets = (
        "byte offsets count the UTF-8 of the text as kept (3 bytes for each U+FFFD)"
        if record
        else "byte offsets still point into the file (a U+FFFD stands for the 1 to 3 bytes it replaced)"
    )
    return f"{sequences} of bytes that are not UTF-8 replaced by U+FFFD, the first at byte {first_byte}; {offsets}"


def read_file(file: Path, doc_id: str, options: ReadOptions = ReadOptions()) -> Document:
    """Read and decode one text file.

    >>> read_file(Path("seeds/000_19351164b027cb34.txt"), "000.txt").text[:5]
    'Putin'
    """
    where = str(file)
    check_doc_id(doc_id, where)
    try:
        mode = file.stat().st_mode
        if not stat.S_ISREG(mode):  # never opened: reading a FIFO would wait for a writer forever
            raise SourceError(where, _not_a_file(mode))
        data = file.read_bytes()
    except OSError as error:
        raise SourceError(where, _unreadable(error)) from None
    try:
        decoded = decode_text(data, "replace" if options.encoding_errors == "replace" else "strict")
    except NotText as error:
        raise SourceError(where, error.problem, error.kind, ("byte", error.offset)) from None
    return Document(
        doc_id, decoded.text, hashlib.sha256(data).hexdigest(), len(data), decoded.byte_base, where,
        file=doc_id, replaced=decoded.replaced,
    )


def check_doc_id(doc_id: str, where: str) -> str:
    """``doc_id`` when it is a safe relative POSIX path; otherwise ``SourceError`` (reason ``unsafe_doc_id``).

    Users write files named by doc_id, so an id must not leave a directory: not
    empty, not absolute, no ``..`` part, no backslash (a separator on Windows)
    and no NUL (which ends a path in C).

    >>> check_doc_id("2025/march/a.txt", "corpus")
    '2025/march/a.txt'
    >>> check_doc_id("../../etc/passwd", "news.jsonl:3")
    Traceback (most recent call last):
    ...
    quotes.sources.SourceError: news.jsonl:3: the id '../../etc/passwd' has a '..' part, which leaves its directory; doc_ids are relative POSIX paths: give the document a safe id
    """
    if not _ID_NEEDS_CHECK.search(doc_id):
        return doc_id
    if not doc_id:
        why = "is empty"
    elif doc_id.startswith("/"):
        why = "is an absolute path"
    elif ".." in PurePosixPath(doc_id).parts:
        why = "has a '..' part, which leaves its directory"
    elif "\\" in doc_id:
        why = "holds a backslash, a path separator on Windows"
    elif "\x00" in doc_id:
        why = "holds a NUL character"
    else:
        return doc_id  # '..' inside a name, as in 'a..b': harmless
    raise SourceError(
        where, f"the id {doc_id!r} {why}; doc_ids are relative POSIX paths: give the document a safe id", "unsafe_doc_id"
    )


# --- JSON Lines ---------------------------------------------------------------------------------


def read_jsonl(
    file: Path, fields: Fields = Fields(), options: ReadOptions = ReadOptions(), problems: Problems | None = None
) -> Iterator[Document]:
    """One document per non-blank line of a JSON Lines file (plain, gzip or zstandard).

    A line that cannot be a document is reported to ``problems`` with its
    number, and the next line is read.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "news.jsonl"
    >>> _ = path.write_text('{"id": "a1", "text": "“Yes,” she said."}\\n', encoding="utf-8")
    >>> [(d.doc_id, d.n_bytes, d.where[-12:], d.place) for d in read_jsonl(path)]
    [('a1', 20, 'news.jsonl:1', ('line', 1))]
    """
    problems = problems or Problems(file.name, options)
    for lines in read_lines(file, fields, options, problems):
        yield from lines.documents(problems.on_bad_input)


def read_lines(
    file: Path,
    fields: Fields = Fields(),
    options: ReadOptions = ReadOptions(),
    problems: Problems | None = None,
    max_bytes: int = LINES_BYTES,
    max_lines: int = LINES_COUNT,
) -> Iterator[Lines]:
    """The lines of a JSON Lines file as they are read, up to ``max_bytes`` and ``max_lines`` at a time.

    Only a file that cannot be read or decompressed is reported here (to
    ``problems``, after the lines read before the damage); lines are decoded,
    and bad ones reported, by ``Lines.documents``.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "news.jsonl"
    >>> _ = path.write_text("".join(f'{{"id": "{n}", "text": "."}}\\n' for n in range(5)), encoding="utf-8")
    >>> [(lines.first_line, len(lines.lines)) for lines in read_lines(path, max_lines=2)]
    [(1, 2), (3, 2), (5, 1)]
    """
    problems = problems or Problems(file.name, options)

    def chunk(lines: list[bytes], first_line: int, first_byte: int) -> Lines:
        return Lines(str(file), problems.name, tuple(lines), first_line, first_byte, fields, options, problems.on_bad_input is not None)

    with _open_lines(file) as stream:
        pending: list[bytes] = []
        number = size = offset = 0  # the last line read, the bytes pending, the offset of the first pending line
        damage = None
        try:
            for number, line in enumerate(stream, 1):
                pending.append(line)
                size += len(line)
                if size >= max_bytes or len(pending) >= max_lines:
                    yield chunk(pending, number - len(pending) + 1, offset)
                    pending, offset, size = [], offset + size, 0
        except (OSError, EOFError, zlib.error) as error:
            damage = SourceError(
                str(file),
                f"cannot be decompressed after line {number} ({error}); the lines from there on are lost: "
                "the file is damaged or truncated, fetch or compress it again",
                "unreadable",
                ("line", number + 1),
            )
        if pending:  # the lines read before any damage are kept
            yield chunk(pending, number - len(pending) + 1, offset)
        if damage is not None:
            raise damage


@dataclass(frozen=True)
class Lines:
    """Consecutive lines of one JSON Lines file, as read: ``documents()`` decodes them.

    Reading a line costs a small part of what decoding it does (the JSON, the
    id's check, the UTF-8 and the sha256 of the text); a build reads in one
    process and hands these to the processes that extract, which decode them.
    They keep what a report of a bad line needs: the file, the number and the
    file offset of the first line, and whether bad lines are reported or raise.
    """

    file: str  # as given on this machine: for messages
    name: str  # relative to the source given: what release.json names
    lines: tuple[bytes, ...]  # each with its line break, as in the file
    first_line: int  # the number of the first line (from 1)
    first_byte: int  # its offset in the file (after decompression)
    fields: Fields = Fields()
    options: ReadOptions = ReadOptions()
    report: bool = True  # bad lines go to the caller's on_bad_input; otherwise they raise SourceError

    @property
    def n_bytes(self) -> int:
        """The bytes of the lines, line breaks included.

        >>> Lines("a.jsonl", "a.jsonl", (b'{"id": "1", "text": "x"}\\n',), 1, 0).n_bytes
        25
        """
        return sum(map(len, self.lines))

    def documents(self, on_bad_input: OnBadInput | None = None) -> Iterator[Document]:
        """The document of each line that holds one; a line that cannot be one goes to ``on_bad_input``.

        It raises ``SourceError`` instead when the read options say it stops the
        read, or when the lines were read without an ``on_bad_input``.

        >>> lines = Lines("news.jsonl", "news.jsonl", (b'{"id": "a", "text": "Yes."}\\n', b"{oops\\n"), 4, 0)
        >>> found = []
        >>> [d.where for d in lines.documents(found.append)], [(bad.place, bad.reason) for bad in found]
        (['news.jsonl:4'], [(('line', 5), 'bad_json')])
        """
        problems = Problems(self.name, self.options, on_bad_input if self.report else None)
        replace = self.options.encoding_errors == "replace"
        text_field, id_field = self.fields.text, self.fields.id
        offset = self.first_byte
        for number, line in enumerate(self.lines, self.first_line):
            start, offset = offset, offset + len(line)
            try:
                record = json.loads(line)
                text, doc_id = record[text_field], record[id_field]
            except (ValueError, KeyError, TypeError):
                # Rare: a blank line, or a record to explain. The common case above
                # costs a third of the time of the checks below, on every line.
                if not line.isspace():
                    document = _line_document(line, number, start, self.file, self.fields, replace, problems)
                    if document is not None:
                        yield document
                continue
            where = f"{self.file}:{number}"
            try:
                if type(text) is str and type(doc_id) is str:
                    document = text_document(doc_id, text, where, problems.name, ("line", number))
                else:
                    document = record_document(record, self.fields, where, problems.name, ("line", number))
            except SourceError as error:
                problems.skip(error, doc_id if isinstance(doc_id, str) else None)
                continue
            yield document


def _line_document(line: bytes, number: int, start: int, file: str, fields: Fields, replace: bool, problems: Problems):
    """The document of a line the fast path could not take, or None when it is reported as bad."""
    where, place = f"{file}:{number}", ("line", number)
    try:
        record, replaced = _parse_json_line(line, where, place, start, replace)
        document = record_document(record, fields, where, problems.name, place)
    except SourceError as error:
        problems.skip(error)
        return None
    if replaced:
        count, first = replaced
        problems.replaced(where, place, document.doc_id, _replaced_problem(count, first, record=True))
    return document


def _parse_json_line(line: bytes, where: str, place: Place, start: int, replace: bool) -> tuple[object, tuple[int, int] | None]:
    """The JSON value of a line; with ``replace``, bytes that are not UTF-8 become U+FFFD.

    Returns the value and, when bytes were replaced, (how many sequences, the file offset of the first).
    """
    try:
        return json.loads(line), None
    except UnicodeDecodeError as error:
        first = start + error.start
        if not replace:
            raise SourceError(
                where,
                f"not valid UTF-8 at byte {first} of the file ({error.reason}); convert the file to UTF-8 "
                "or build with --encoding-errors replace",
                "not_utf8",
                place,
            ) from None
        text, replaced = decode_replacing(line)
        return _parse_json_text(text, line, where, place), (len(replaced), first)
    except json.JSONDecodeError:
        return _parse_json_text(line.decode("utf-8", "replace"), line, where, place), None


def _parse_json_text(text: str, line: bytes, where: str, place: Place) -> object:
    try:
        return json.loads(text.removeprefix("\ufeff"))  # json.loads of bytes allows a byte order mark; of text, not
    except json.JSONDecodeError as error:
        column = min(error.pos, len(text.rstrip())) + 1  # not past the line's end, its line break
        raise SourceError(
            where,
            # (Some of json's messages end in "at", as in "Invalid control character at".)
            f"not valid JSON ({error.msg.removesuffix(' at')} at column {column}); "
            "each line must be one JSON object: fix or remove that line",
            "bad_json",
            place,
        ) from None


@contextmanager
def _open_lines(file: Path) -> Iterator[Iterable[bytes]]:
    """The lines of a file as bytes, decompressed by the file's suffix."""
    where = str(file)
    try:
        mode = file.stat().st_mode
        if not stat.S_ISREG(mode):
            raise SourceError(where, _not_a_file(mode))
        raw = open(file, "rb", buffering=1 << 20)  # six times faster line splitting than the default 8 KB
    except OSError as error:
        raise SourceError(where, _unreadable(error)) from None
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


def record_document(record: object, fields: Fields, where: str, file: str = "", place: Place | None = None) -> Document:
    """A document from one record (a JSON object or a row), its id and text named by ``fields``.

    >>> record_document({"id": 7, "text": "“Hi”"}, Fields(), "f.jsonl:1").doc_id
    '7'
    >>> record_document({"body": "x"}, Fields(), "f.jsonl:3")
    Traceback (most recent call last):
    ...
    quotes.sources.SourceError: f.jsonl:3: no field 'text' (the record has: body); name the text field with --text-field
    """
    if not isinstance(record, dict):
        raise SourceError(
            where, f"is a JSON {type(record).__name__}, not an object; each line must be one object", "bad_json", place
        )
    text = _field(record, fields.text, "text", where, place)
    if not isinstance(text, str):
        raise SourceError(
            where, f"field {fields.text!r} is {_kind(text)}, not text; name the text field with --text-field", "bad_field", place
        )
    doc_id = _doc_id(_field(record, fields.id, "id", where, place), fields.id, where, place)
    return text_document(doc_id, text, where, file, place)


def _field(record: dict, name: str, role: str, where: str, place: Place | None) -> object:
    try:
        return record[name]
    except KeyError:
        present = ", ".join(sorted(record)) or "no fields"
        raise SourceError(
            where, f"no field {name!r} (the record has: {present}); name the {role} field with --{role}-field", "missing_field", place
        ) from None


def _doc_id(value: object, name: str, where: str, place: Place | None) -> str:
    """Ids are text; whole numbers are accepted and written as text ('7')."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise SourceError(
        where, f"field {name!r} is {_kind(value)}; an id must be text or a whole number (--id-field)", "bad_field", place
    )


def _kind(value: object) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


def text_document(doc_id: str, text: str, where: str, file: str = "", place: Place | None = None) -> Document:
    """A document whose bytes are the UTF-8 encoding of ``text`` (a record, not a file).

    >>> text_document("a", "é", "x").n_bytes
    2
    """
    try:
        check_doc_id(doc_id, where)
    except SourceError as error:
        error.place = place
        raise
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        # JSON can escape half a surrogate pair (\\ud83d), which no UTF-8 text can hold.
        raise SourceError(
            where,
            f"the text holds an unpaired surrogate (\\u{ord(text[error.start]):04x}) at character "
            f"{error.start}, which UTF-8 cannot encode; fix the escape in that record",
            "bad_field",
            place,
        ) from None
    return Document(doc_id, text, hashlib.sha256(data).hexdigest(), len(data), 0, where, file, place)


# --- Parquet and saved datasets -----------------------------------------------------------------


def read_parquet(file: Path, fields: Fields = Fields(), problems: Problems | None = None) -> Iterator[Document]:
    """One document per row of a Parquet file, the id and text read as columns.

    >>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
    >>> path = Path(tempfile.mkdtemp()) / "news.parquet"
    >>> pq.write_table(pa.table({"id": ["a1"], "text": ["“Yes,” she said."]}), path)
    >>> [(d.doc_id, d.where.endswith("news.parquet, row 0")) for d in read_parquet(path)]
    [('a1', True)]
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    problems = problems or Problems(file.name)
    try:
        parquet = pq.ParquetFile(file)
    except (pa.ArrowException, OSError) as error:
        raise SourceError(str(file), f"cannot be read as Parquet ({error}); check that it is a whole Parquet file") from None
    _check_columns(parquet.schema_arrow, fields, str(file))
    batches = parquet.iter_batches(batch_size=ARROW_BATCH_ROWS, columns=[fields.id, fields.text])
    yield from _arrow_documents(batches, fields, str(file), problems, (pa.ArrowException, OSError))


def read_saved_dataset(path: Path, fields: Fields = Fields(), problems: Problems | None = None) -> Iterator[Document]:
    """One document per row of a dataset saved with ``datasets.Dataset.save_to_disk``.

    >>> import tempfile, datasets
    >>> path = Path(tempfile.mkdtemp()) / "news"
    >>> datasets.Dataset.from_dict({"id": ["a1"], "text": ["“Yes,” she said."]}).save_to_disk(path)
    >>> [d.doc_id for d in read_saved_dataset(path)]
    ['a1']
    """
    import datasets  # a second to import: paid only for this format
    import pyarrow as pa

    problems = problems or Problems(path.name)
    try:
        dataset = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as error:
        raise SourceError(str(path), f"cannot be loaded as a saved dataset ({error}); save it again with save_to_disk") from None
    if not isinstance(dataset, datasets.Dataset):
        raise SourceError(
            str(path),
            f"holds several splits ({', '.join(dataset)}); give the directory of one of them, for example {path / next(iter(dataset))}",
        )
    _check_columns(dataset.data.schema, fields, str(path))
    tables = dataset.select_columns([fields.id, fields.text]).with_format("arrow").iter(batch_size=ARROW_BATCH_ROWS)
    batches = (batch for table in tables for batch in table.to_batches())
    yield from _arrow_documents(batches, fields, str(path), problems, (pa.ArrowException, OSError))


def _check_columns(schema, fields: Fields, where: str) -> None:
    import pyarrow as pa

    for name, role in ((fields.id, "id"), (fields.text, "text")):
        if name not in schema.names:
            raise SourceError(
                where,
                f"no column {name!r} (the columns are: {', '.join(schema.names)}); name the {role} column with --{role}-field",
                "missing_field",
            )
    kind = schema.field(fields.text).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise SourceError(where, f"column {fields.text!r} is {kind}, not text; name the text column with --text-field", "bad_field")


def _arrow_documents(batches, fields: Fields, where: str, problems: Problems, failures: tuple) -> Iterator[Document]:
    """Documents of Arrow batches of ids and texts; a bad row is reported, a file that breaks off too."""
    row = 0
    try:
        for batch in batches:
            ids = batch.column(fields.id).to_pylist()
            texts = batch.column(fields.text).to_pylist()
            for doc_id, text in zip(ids, texts):
                place = ("row", row)
                row += 1
                try:
                    if text is None:
                        raise SourceError(f"{where}, row {place[1]}", f"column {fields.text!r} is null; every row needs a text", "bad_field", place)
                    document = text_document(_doc_id(doc_id, fields.id, f"{where}, row {place[1]}", place), text, f"{where}, row {place[1]}", problems.name, place)
                except SourceError as error:
                    problems.skip(error, doc_id if isinstance(doc_id, str) else None)
                    continue
                yield document
    except failures as error:
        raise SourceError(
            where, f"cannot be read from row {row} on ({error}); check that it is whole", "unreadable", ("row", row)
        ) from None
