"""Lexicons: word lists and tables shipped as package data, one entry a line.

Every list the rules use lives in ``quotes/lexicons/<language>/`` as a plain text
file so that it can be read, reviewed and extended without touching code. Lines
starting with ``#`` are comments; blank lines are ignored.

>>> "said" in words("reporting_verbs")
True
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

LANGUAGE = "en"


class LexiconError(Exception):
    """A lexicon file is missing or malformed."""


def lines(name: str, language: str = LANGUAGE) -> list[str]:
    """Return the non-comment, non-blank lines of a lexicon file, stripped.

    >>> lines("elisions.txt")[:3]
    ['n', 'em', 'til']
    """
    resource = resources.files(__name__) / language / name
    try:
        raw = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(
            f"lexicon {language}/{name} not found in {resources.files(__name__)}; "
            "reinstall the package or check the file name"
        ) from None
    kept = []
    for line in raw.splitlines():
        line = line.split("\t#", 1)[0].rstrip()
        if line.strip() and not line.lstrip().startswith("#"):
            kept.append(line.strip())
    return kept


@cache
def words(name: str, language: str = LANGUAGE) -> frozenset[str]:
    """Every whitespace-separated entry of ``<name>.txt`` as a set.

    A line may hold several forms of one word (``say says said saying``).

    >>> sorted(words("elisions"))[:3]
    ['bout', 'cause', 'cept']
    """
    return frozenset(w for line in lines(f"{name}.txt", language) for w in line.split())


@cache
def finite_forms(name: str, language: str = LANGUAGE) -> frozenset[str]:
    """The forms of a verb list other than the base form (each line's first) and the
    -ing form: the forms that stand after their subject.

    >>> sorted(finite_forms("listener_verbs"))[:3]
    ['assured', 'assures', 'briefed']
    """
    forms = set()
    for line in lines(f"{name}.txt", language):
        forms.update(form for form in line.split()[1:] if not form.endswith("ing"))
    return frozenset(forms)


@cache
def phrases(name: str, language: str = LANGUAGE) -> tuple[str, ...]:
    """Every line of ``<name>.txt`` as one phrase, longest first (for regex alternation).

    >>> "Prime Minister" in phrases("titles")
    True
    """
    return tuple(sorted(set(lines(f"{name}.txt", language)), key=lambda p: (-len(p), p)))


@cache
def table(name: str, language: str = LANGUAGE) -> tuple[tuple[str, ...], ...]:
    """The tab-separated rows of ``<name>.tsv``.

    >>> table("quote_pairs")[0][0]
    '“'
    >>> table("quote_pairs")[0][1].split()[:2]
    ['”', '"']
    """
    rows = []
    for number, line in enumerate(lines(f"{name}.tsv", language), 1):
        cells = tuple(cell.strip() for cell in line.split("\t"))
        if len(cells) < 2:
            raise LexiconError(
                f"{language}/{name}.tsv, row {number}: expected tab-separated columns, got {line!r}"
            )
        rows.append(cells)
    return tuple(rows)


@cache
def fingerprint(language: str = LANGUAGE) -> str:
    """sha256 over every lexicon file: changes whenever a rule's data changes.

    >>> len(fingerprint())
    64
    """
    digest = hashlib.sha256()
    folder = resources.files(__name__) / language
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith("."):
            digest.update(entry.name.encode())
            digest.update(b"\0")
            digest.update(entry.read_bytes())
    return digest.hexdigest()
