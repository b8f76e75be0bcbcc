"""Bad input: what a build could not take as it was, where it was, and why.

One bad file in a corpus of a million must neither stop a build nor vanish
unnoticed. Each file, line or row that cannot be read becomes a ``BadInput``
with a short reason code (``REASONS``) and a message that says what was wrong
and what to do; a build leaves it out, goes on with the rest, lists it in
release.json and in its summary, and stops only when ``ReadOptions`` ask it to.
A document whose bytes that are not UTF-8 were replaced (``--encoding-errors
replace``) is kept, and listed apart.

>>> log = BadInputLog()
>>> log.add(BadInput("news.jsonl", "bad_json", "not valid JSON (Expecting value at column 1)", place=("line", 3)))
>>> log.to_dict()["skipped"]["documents"]
[{'file': 'news.jsonl', 'line': 3, 'reason': 'bad_json', 'problem': 'not valid JSON (Expecting value at column 1)'}]
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from quotes.decoding import ERRORS

# Every reason a document is left out (or, for "replaced", kept with changes), as
# release.json and the build summary name it.
REASONS = {
    "not_utf8": "bytes that are not UTF-8",
    "binary": "a binary file, not text",
    "unreadable": "cannot be read (not a regular file, a dangling link, damaged or truncated)",
    "symlink_outside": "a symbolic link out of the corpus, not followed",
    "symlink_loop": "a symbolic link to a directory it is in, not followed",
    "bad_json": "a line that is not one JSON object",
    "missing_field": "no id or text field",
    "bad_field": "an id or a text of the wrong type",
    "unsafe_doc_id": "an id that is not a safe relative path",
    "extractor_failed": "the extractor failed on it",
    "replaced": "kept, with bytes that are not UTF-8 replaced by U+FFFD",
}
ENCODING_REASONS = ("not_utf8", "binary")  # what --encoding-errors strict stops at
LISTED = 1000  # entries of each list release.json holds; the counts are always whole


class ReadOptions(NamedTuple):
    """What a build does with bad input (the ``--encoding-errors``, ``--strict`` and ``--follow-symlinks`` options)."""

    encoding_errors: str = "skip"  # bytes that are not UTF-8: strict stops, replace puts U+FFFD, skip leaves the document out
    strict: bool = False  # stop at the first input that would be left out, whatever the reason
    follow_symlinks: bool = False  # read symbolic links that point out of the corpus

    def stops(self, reason: str) -> bool:
        """Whether input left out for ``reason`` stops the build instead.

        >>> ReadOptions().stops("not_utf8"), ReadOptions("strict").stops("not_utf8"), ReadOptions(strict=True).stops("bad_json")
        (False, True, True)
        """
        return self.strict or (self.encoding_errors == "strict" and reason in ENCODING_REASONS)

    def check(self) -> ReadOptions:
        """The options, if valid.

        >>> ReadOptions("ignore").check()
        Traceback (most recent call last):
        ...
        ValueError: encoding_errors must be one of strict, replace, skip, not 'ignore'
        """
        if self.encoding_errors not in ERRORS:
            raise ValueError(f"encoding_errors must be one of {', '.join(ERRORS)}, not {self.encoding_errors!r}")
        return self


@dataclass(frozen=True)
class BadInput:
    """A file, line or row a build could not take as it was."""

    file: str  # relative to the source given, as a text file's doc_id is (so release.json names no local paths)
    reason: str  # a key of REASONS
    problem: str  # what is wrong, and what to do
    where: str = ""  # the file (and line or row) as given on this machine: for messages
    place: tuple[str, int] | None = None  # ("line", 4), ("row", 2) or ("byte", 14); None for the whole file
    doc_id: str | None = None
    kept: bool = False  # kept with bytes replaced, rather than left out

    def message(self) -> str:
        """One line for a person: where, and what.

        >>> BadInput("a.txt", "binary", "a binary file", where="corpus/a.txt").message()
        'corpus/a.txt: a binary file'
        """
        return f"{self.where or self.file}: {self.problem}"

    def to_dict(self) -> dict:
        """The entry of release.json.

        >>> BadInput("a.txt", "not_utf8", "not valid UTF-8 at byte 3", place=("byte", 3)).to_dict()
        {'file': 'a.txt', 'byte': 3, 'reason': 'not_utf8', 'problem': 'not valid UTF-8 at byte 3'}
        """
        entry: dict = {"file": self.file}
        if self.place is not None:
            entry[self.place[0]] = self.place[1]
        if self.doc_id is not None:
            entry["doc_id"] = self.doc_id
        entry["reason"] = self.reason
        entry["problem"] = self.problem
        return entry

    def sort_key(self) -> tuple:
        kind, number = self.place or ("", -1)
        return (self.file, kind, number, self.doc_id or "", self.reason, self.problem)


class BadInputLog:
    """Every bad input of a build: counts by reason, and the first ``limit`` of each list in file order.

    Reading and extracting report from two threads of a build, hence the lock;
    the lists are kept in order of file and place, whatever order the reports
    came in, so that release.json is the same for every run and every ``--jobs``.
    """

    def __init__(self, limit: int = LISTED) -> None:
        self.limit = limit
        self.counts: Counter = Counter()
        self.entries: dict[bool, list[BadInput]] = {False: [], True: []}
        self._lock = threading.Lock()

    def add(self, bad: BadInput) -> None:
        """Count and keep one bad input."""
        with self._lock:
            self.counts[bad.reason] += 1
            entries = self.entries[bad.kept]
            entries.append(bad)
            if len(entries) > 2 * self.limit:  # memory stays bounded however bad the corpus
                entries.sort(key=BadInput.sort_key)
                del entries[self.limit :]

    @property
    def skipped(self) -> list[BadInput]:
        """The inputs left out, in order of file and place (the first ``limit``)."""
        return sorted(self.entries[False], key=BadInput.sort_key)[: self.limit]

    @property
    def replaced(self) -> list[BadInput]:
        """The documents kept with replaced bytes, in order of file and place (the first ``limit``)."""
        return sorted(self.entries[True], key=BadInput.sort_key)[: self.limit]

    @property
    def skipped_count(self) -> int:
        return sum(n for reason, n in self.counts.items() if reason != "replaced")

    def to_dict(self) -> dict:
        """What release.json records: counts, reasons, and the listed entries."""
        return {
            "skipped": {
                "count": self.skipped_count,
                "reasons": {reason: n for reason, n in sorted(self.counts.items()) if reason != "replaced"},
                "documents": [bad.to_dict() for bad in self.skipped],
            },
            "replaced": {
                "count": self.counts["replaced"],
                "documents": [bad.to_dict() for bad in self.replaced],
            },
        }
