"""Release: write a corpus's quotes as a versioned, checksummed dataset directory.

A release is a Hugging Face dataset repository without a loading script::

    releases/v1.0.0/
      README.md                                   the card, from dataset_card.md
      data/quotes/train-00000-of-00001.parquet    one row per quotation
      data/documents/train-00000-of-00001.parquet one row per source document
      croissant.json                              the same files and fields in ML Commons Croissant
      release.json                                version, fingerprints, counts, stats, sha256 of every file

A build streams: documents are read, extracted (in ``jobs`` processes) and
written a batch at a time into size-bounded shards (``quotes.shards``), sorted
with bounded memory when they do not come in doc_id order (``quotes.sorting``),
so neither the corpus nor its quotes are ever held in memory whole. The files
are the same byte for byte whatever the input order and the number of jobs.

Versions: the first release is 1.0.0; a build whose rows equal the newest
release's writes nothing; changed rows make the next minor version. A release
that exists is never modified: everything is written into a staging directory
beside it (``.building-*``), flushed to disk, and renamed into place at the
end, so a release is either whole or absent, whenever the build is killed.

Only one build writes into a directory of releases at a time: a build holds
an exclusive lock (``flock``) on the directory itself from before it looks at
the releases until after the rename, and a second build stops at once with a
message naming the first (by the process id in its staging directory's name).
The lock dies with its process, so a killed build never leaves it held, and
no lock file is left behind; the staging directories a killed build leaves
are removed by the next build, which holds the lock and so knows they are dead.

Bad input (see :mod:`quotes.badinput`) is left out and listed in release.json
(``skipped``, ``replaced``), unless the ``ReadOptions`` say it stops the build.
release.json carries the sha256 of its own content (``manifest_sha256``), so
that a changed byte in it is found like one in any other file.

>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> build(["seeds"], out).version
'1.0.0'
>>> build(["seeds"], out).written
False
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from quotes import __version__, lexicons
from quotes.badinput import BadInputLog, ReadOptions
from quotes.batches import Rows, batched, extract_rows
from quotes.features import features_dict
from quotes.parallel import imap_ordered
from quotes.progress import BuildProgress
from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA
from quotes.shards import Limits, ShardWriter
from quotes.sorting import DuplicateId, SortedRows
from quotes.sources import Fields, SourceError, read_documents, read_units
from quotes.stats import ReleaseStats

RELEASE_FILE = "release.json"
STAGING_PREFIX = ".building-"  # then the process id of the build, and a random part
MANIFEST_CHECKSUM = "manifest_sha256"
CONFIGS = {"quotes": QUOTE_SCHEMA, "documents": DOCUMENT_SCHEMA}
# The fingerprints each config's writer keeps: of all its columns (the content),
# and of the documents' ids and checksums (the sources).
FINGERPRINTS = {"quotes": {"content": None}, "documents": {"content": None, "sources": ["doc_id", "sha256"]}}
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


class ReleaseError(Exception):
    """A release cannot be written as asked; the message says why and what to do."""


class BuildLocked(ReleaseError):
    """Another build is writing into the same directory of releases."""


@dataclass
class BuildResult:
    """What a build did: the release it wrote (or found unchanged) and its counts."""

    version: str
    path: Path
    written: bool
    counts: dict = field(default_factory=dict)
    bad_input: BadInputLog = field(default_factory=BadInputLog)  # what was left out or repaired


def data_file(config: str, shard: int = 0, shards: int = 1) -> str:
    """The path of a Parquet shard inside a release.

    >>> data_file("quotes")
    'data/quotes/train-00000-of-00001.parquet'
    """
    return f"data/{config}/train-{shard:05d}-of-{shards:05d}.parquet"


def parse_version(text: str) -> tuple[int, int, int]:
    """``"v1.2.0"`` or ``"1.2.0"`` as a tuple of numbers.

    >>> parse_version("v1.10.2")
    (1, 10, 2)
    """
    found = _VERSION.match(text.strip())
    if not found:
        raise ReleaseError(f"{text!r} is not a version; write it as X.Y.Z, for example 1.2.0")
    return tuple(int(part) for part in found.groups())


def format_version(parts: tuple[int, int, int]) -> str:
    return ".".join(str(p) for p in parts)


def existing_releases(out: str | os.PathLike) -> dict[tuple[int, int, int], Path]:
    """The complete releases in ``out`` (those with a release.json), by version.

    >>> existing_releases("no-such-directory")
    {}
    """
    found = {}
    root = Path(out)
    if not root.is_dir():
        return found
    for entry in root.iterdir():
        if _VERSION.match(entry.name) and entry.name.startswith("v") and (entry / RELEASE_FILE).is_file():
            found[parse_version(entry.name)] = entry
    return dict(sorted(found.items()))


def schema_with_metadata(config: str, version: str) -> pa.Schema:
    """The Arrow schema of a config, carrying the Hugging Face features and the release version.

    >>> schema_with_metadata("quotes", "1.0.0").metadata[b"quotes"]
    b'{"version": "1.0.0"}'
    """
    schema = CONFIGS[config]
    return schema.with_metadata(
        {
            "huggingface": json.dumps({"info": {"features": features_dict(schema)}}, sort_keys=True),
            "quotes": json.dumps({"version": version}),
        }
    )


def build(
    sources: list[str | os.PathLike],
    out: str | os.PathLike = "releases",
    version: str | None = None,
    *,
    gold: str | os.PathLike | None = None,
    gold_part: str = "heldout",
    fields: Fields = Fields(),
    jobs: int = 1,
    progress: bool = False,
    limits: Limits = Limits(),
    options: ReadOptions = ReadOptions(),
) -> BuildResult:
    """Extract every document of ``sources`` and write a release into ``out``.

    Returns where the release is and whether anything was written: a build
    whose rows equal the newest release's writes nothing unless ``version`` asks.
    ``fields`` names the id and text fields of JSON Lines, Parquet and saved
    datasets; ``jobs`` processes extract (see ``quotes.parallel``); ``progress``
    draws a bar on stderr; ``limits`` bound the memory the build takes and the
    size of its files. With ``gold`` (annotated JSON Lines, see
    :mod:`quotes.evaluate`), the extractor is measured on its ``gold_part`` and
    the figures go into release.json and the card. ``options`` say what bad
    input does (see :mod:`quotes.badinput`): by default it is left out and
    listed in ``BuildResult.bad_input`` and release.json; a build where every
    document was left out writes nothing and raises ``ReleaseError``.
    """
    options.check()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with build_lock(out):
        remove_stale_staging(out)
        return _build_locked(sources, out, version, gold, gold_part, fields, jobs, progress, limits, options)


def _build_locked(sources, out: Path, version, gold, gold_part, fields, jobs, progress, limits, options) -> BuildResult:
    releases = existing_releases(out)
    if version is not None and parse_version(version) in releases:
        raise ReleaseError(
            f"{out / ('v' + format_version(parse_version(version)))} exists and releases are never "
            "modified; choose another --version or leave it out to get the next one"
        )
    if version is None:
        # The next version is known before the rows are: if they turn out equal
        # to the newest release's, nothing is written at all.
        major, minor, _ = max(releases) if releases else (0, 0, 0)
        version = format_version((major, minor + 1, 0) if releases else (1, 0, 0))
        unchanged_is_noop = True
    else:
        version = format_version(parse_version(version))
        unchanged_is_noop = False
    evaluation = None
    if gold is not None:
        from quotes.evaluate import release_evaluation

        # Before the rows: a gold file that cannot be read fails in seconds, not after the build.
        evaluation = release_evaluation(gold, gold_part)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
    try:
        stats = ReleaseStats()
        bad_input = BadInputLog()
        counts, content, sources_fingerprint, shards = _write_tables(
            sources, staging, version, fields, jobs, progress, limits, stats, options, bad_input
        )
        if counts["documents"] == 0 and bad_input.skipped_count:
            first = bad_input.skipped[0]
            raise ReleaseError(
                f"every document was left out ({bad_input.skipped_count}; the first: {first.message()}); "
                "nothing was written: fix the input, or see --encoding-errors"
            )
        newest = releases[max(releases)] if releases else None
        if unchanged_is_noop and newest is not None:
            previous = json.loads((newest / RELEASE_FILE).read_text(encoding="utf-8"))
            if previous.get("content_sha256") == content:
                shutil.rmtree(staging)
                return BuildResult(previous["version"], newest, False, previous.get("counts", {}), bad_input)
        manifest = {
            "name": "quotes",
            "version": version,
            "package_version": __version__,
            "pyarrow_version": pa.__version__,
            "rules_fingerprint": lexicons.fingerprint(),
            "sources_fingerprint": sources_fingerprint,
            "content_sha256": content,
            "counts": counts,
            "configs": shards,
            "previous_versions": [format_version(v) for v in releases],
            "stats": stats.to_dict(),
            "read_options": options._asdict(),
            **bad_input.to_dict(),
        }
        if evaluation is not None:
            manifest["evaluation"] = evaluation
        from quotes.card import render_card
        from quotes.croissant import write_croissant

        (staging / "README.md").write_text(render_card(manifest, releases), encoding="utf-8")
        write_croissant(staging, manifest)  # croissant.json: every Parquet file's sha256, typed fields
        manifest["files"] = {
            name: sha256_file(staging / name) for name in sorted(_relative_files(staging)) if name != RELEASE_FILE
        }
        (staging / RELEASE_FILE).write_bytes(manifest_bytes(seal(manifest)))
        _sync_tree(staging)
        final = out / f"v{version}"
        try:
            os.rename(staging, final)
        except OSError:
            raise ReleaseError(f"{final} appeared while this build ran; nothing was changed, build again") from None
        _sync_directory(out)
        return BuildResult(version, final, True, counts, bad_input)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the lock of a directory of releases, or raise ``BuildLocked`` naming the build that holds it.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with build_lock(out):
    ...     with build_lock(out):
    ...         pass
    Traceback (most recent call last):
    ...
    quotes.release.BuildLocked: ...: another build is writing releases here (...); wait for it to end, or build into another --out
    """
    import fcntl  # POSIX; the lock is what keeps two builds from writing one version

    # The directory itself is locked: a lock file would be left behind (and
    # removing it races with the next build that opens it).
    descriptor = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"{out}: another build is writing releases here ({_lock_holder(out)}); "
                "wait for it to end, or build into another --out"
            ) from None
        except OSError as error:
            raise ReleaseError(f"{out}: cannot be locked ({error.strerror}); build into a directory on a local file system") from None
        yield
    finally:
        os.close(descriptor)  # which releases the lock, as the end of the process does


def _lock_holder(out: Path) -> str:
    """The build that holds the lock, named by its staging directory when it has made one."""
    for staging in sorted(out.glob(STAGING_PREFIX + "*")):
        pid = staging.name[len(STAGING_PREFIX) :].partition("-")[0]
        if pid.isdigit() and _alive(int(pid)):
            return f"process {pid}, writing {staging.name}"
    return "a build that has only just started"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and someone else's
        return True
    return True


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove the staging directories of builds that died; returns them.

    Call only with the lock held: every other build's staging is then a dead one's.

    >>> remove_stale_staging(Path("seeds"))
    []
    """
    stale = sorted(out.glob(STAGING_PREFIX + "*"))
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def manifest_bytes(manifest: dict) -> bytes:
    """release.json as written: indented JSON, keys in their order, text as is, a final line break.

    >>> manifest_bytes({"version": "1.0.0"})
    b'{\\n  "version": "1.0.0"\\n}\\n'
    """
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def seal(manifest: dict) -> dict:
    """The manifest with ``manifest_sha256``: the sha256 of the bytes of all its other fields.

    >>> seal({"version": "1.0.0"})[MANIFEST_CHECKSUM][:12]
    '604335dd696d'
    """
    body = {key: value for key, value in manifest.items() if key != MANIFEST_CHECKSUM}
    return {**body, MANIFEST_CHECKSUM: hashlib.sha256(manifest_bytes(body)).hexdigest()}


def _write_tables(
    sources, staging: Path, version: str, fields, jobs, progress, limits, stats: ReleaseStats,
    options: ReadOptions, bad_input: BadInputLog,
) -> tuple[dict, str, str, dict]:
    """Stream documents in, quote and document rows out; return counts, fingerprints and shards.

    ``stats`` counts the rows as they pass, for the card (see :mod:`quotes.stats`);
    ``bad_input`` gathers what was left out or repaired.
    """
    schemas = {name: schema_with_metadata(name, version) for name in CONFIGS}

    def open_writers() -> dict[str, ShardWriter]:
        return {
            name: ShardWriter(staging / "data" / name, schemas[name], limits, FINGERPRINTS[name]) for name in CONFIGS
        }

    counts = {"documents": 0, "quotes": 0, "attributed": 0, "direct": 0, "partial": 0, "bytes": 0}
    # JSON Lines go to the workers as read: they decode them (see quotes.batches).
    batches = batched(read_units(sources, fields, options, bad_input.add, limits.batch_bytes), limits.batch_bytes)
    extract = functools.partial(extract_rows, strict=options.strict)
    try:
        writers = _extract_into(
            SortedRows(open_writers, staging / ".sorting", limits), batches, extract, jobs, progress, counts, stats, bad_input
        )
    except DuplicateId as duplicate:
        raise _duplicate_error(sources, fields, options, duplicate.doc_id) from None
    counts["arrow_bytes"] = {name: writers[name].arrow_bytes for name in CONFIGS}
    content = hashlib.sha256()
    for name in CONFIGS:
        content.update(writers[name].fingerprints["content"].hexdigest().encode())
    shards = {name: [path.relative_to(staging).as_posix() for path in writers[name].shards] for name in CONFIGS}
    return counts, content.hexdigest(), writers["documents"].fingerprints["sources"].hexdigest(), shards


def _extract_into(
    sorted_rows: SortedRows, batches, extract, jobs: int, progress: bool, counts: dict, stats: ReleaseStats,
    bad_input: BadInputLog,
) -> dict[str, ShardWriter]:
    """Extract the batches in ``jobs`` processes into ``sorted_rows``, counting; returns the closed writers."""
    bar = BuildProgress(progress)
    try:
        with contextlib.closing(imap_ordered(extract, batches, jobs)) as results:
            for rows in results:
                for failure in rows.failed:
                    bad_input.add(failure)
                sorted_rows.add(rows)
                stats.add_rows(rows.quotes, rows.documents)
                bar.add(rows.documents.num_rows, _count(counts, rows), rows.quotes.num_rows)
        return sorted_rows.close(on_merge=lambda runs: bar.note(f"sorting: merging {runs} runs by doc_id"))
    finally:
        bar.close()


def _count(counts: dict, rows: Rows) -> int:
    """Add one batch's documents, bytes, quotations, attributed ones and kinds to ``counts``; returns its bytes."""
    quotes = rows.quotes
    n_bytes = pc.sum(rows.documents.column("n_bytes")).as_py() or 0
    counts["documents"] += rows.documents.num_rows
    counts["bytes"] += n_bytes
    counts["quotes"] += quotes.num_rows
    counts["attributed"] += quotes.num_rows - quotes.column("speaker").null_count
    for kind in pc.value_counts(quotes.column("kind")).to_pylist():
        counts[kind["values"]] = counts.get(kind["values"], 0) + kind["counts"]
    return n_bytes


def _duplicate_error(sources, fields: Fields, options: ReadOptions, doc_id: str) -> SourceError:
    """Where the documents that share ``doc_id`` were read, found by reading the sources again."""
    # Read as the build did, but past any bad input: the build has reported it already.
    lenient = options._replace(strict=False, encoding_errors="replace" if options.encoding_errors == "replace" else "skip")
    documents = read_documents(sources, fields, lenient, on_bad_input=lambda bad: None)
    places = [document.where for document in documents if document.doc_id == doc_id][:3]
    return SourceError(
        " and ".join(places),
        f"documents share the doc_id {doc_id!r}; every document needs its own id: "
        "choose an id field with unique values (--id-field), or remove the repeated documents",
        "duplicate_id",
    )


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks.

    >>> len(sha256_file(Path("seeds/000_19351164b027cb34.txt")))
    64
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _relative_files(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]


def _sync_tree(root: Path) -> None:
    """Flush every file and directory of a staged release to disk before it is renamed."""
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        else:
            _sync_directory(path)
    _sync_directory(root)


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
