"""Sources: read a corpus into documents with ids, text and the file's checksum.

A source is a ``.txt`` file or a directory read recursively for ``*.txt``. The
document id is the POSIX path relative to the directory given (the file name
for a file given directly), and documents come out sorted by id, so a build
never depends on the order a file system lists files in.

Text is decoded as UTF-8. A byte order mark is not part of the text, but byte
offsets still count it (``Document.byte_base``); line endings are kept as they
are, so character and byte offsets point into the file exactly.

>>> docs = list(read_documents(["seeds"]))
>>> docs[0].doc_id, docs[0].n_bytes
('000_19351164b027cb34.txt', 4201)
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


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


def read_documents(paths: Iterable[str | os.PathLike]) -> Iterator[Document]:
    """Every document under ``paths``, each source in turn, sorted by id within it.

    >>> [d.doc_id for d in read_documents(["seeds/002_d268800eac509475.txt"])]
    ['002_d268800eac509475.txt']
    """
    for path in paths:
        for doc_id, file in list_files(path):
            yield read_file(file, doc_id)


def list_files(path: str | os.PathLike) -> list[tuple[str, Path]]:
    """``(doc_id, file)`` for a ``.txt`` file, or for every ``*.txt`` under a directory.

    >>> list_files("seeds")[0][0]
    '000_19351164b027cb34.txt'
    """
    root = Path(path)
    if root.is_dir():
        found = [(file.relative_to(root).as_posix(), file) for file in root.rglob("*.txt") if file.is_file()]
        return sorted(found)
    if root.is_file():
        return [(root.name, root)]
    raise SourceError(f"{path}: no such file or directory; give a .txt file or a directory of them")


def read_file(file: Path, doc_id: str) -> Document:
    """Read and decode one file.

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
    return Document(doc_id, text, hashlib.sha256(data).hexdigest(), len(data), base)
