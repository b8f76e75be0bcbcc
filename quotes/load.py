"""Load: open a release as a ``datasets.Dataset`` after checking its checksums.

``datasets.load_dataset("releases/v1.0.0")`` works on a release with no code
from this package; ``quotes.load`` adds the checks a citable dataset needs:
release.json must match its own checksum, and every file it lists must be
inside the release and have the sha256 written there, or loading stops with
an error naming the file.

A release may come from anyone, so loading one never runs code from it:
``quotes.load`` reads exactly the Parquet files release.json lists for the
config, with the Parquet reader of ``datasets``, and nothing else of the
directory (no loading script, no other data file, not the card's YAML). For
every check there is, including the rows themselves, see ``quotes verify``.

>>> import tempfile
>>> from quotes.release import build
>>> out = tempfile.mkdtemp()
>>> _ = build(["seeds"], out)
>>> load(out).num_rows
21
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from quotes.release import (
    CONFIGS,
    MANIFEST_CHECKSUM,
    RELEASE_FILE,
    existing_releases,
    format_version,
    manifest_bytes,
    parse_version,
    seal,
    sha256_file,
)


class ReleaseNotFound(Exception):
    """No release where one was asked for."""


class ChecksumError(Exception):
    """A file of a release is missing, outside it, or not the file release.json describes."""


def find_release(path: str | os.PathLike, version: str | None = None) -> Path:
    """The release directory for ``path``: a release itself, or the newest (or ``version``) under it.

    >>> find_release("no-such-directory")
    Traceback (most recent call last):
    ...
    quotes.load.ReleaseNotFound: no-such-directory: no release here (no release.json, no vX.Y.Z directories); build one with `quotes build`
    """
    root = Path(path)
    if (root / RELEASE_FILE).is_file():
        if version is not None:
            manifest = json.loads((root / RELEASE_FILE).read_text(encoding="utf-8"))
            if parse_version(manifest["version"]) != parse_version(version):
                raise ReleaseNotFound(f"{root} is release {manifest['version']}, not {version}")
        return root
    releases = existing_releases(root)
    if not releases:
        raise ReleaseNotFound(
            f"{path}: no release here (no {RELEASE_FILE}, no vX.Y.Z directories); build one with `quotes build`"
        )
    if version is None:
        return releases[max(releases)]
    wanted = parse_version(version)
    if wanted not in releases:
        known = ", ".join(format_version(v) for v in releases)
        raise ReleaseNotFound(f"{path}: no release {format_version(wanted)}; the releases here are {known}")
    return releases[wanted]


def read_manifest(release: str | os.PathLike) -> dict:
    """release.json of a release, checked against its own checksum when it has one.

    (Releases written before quotes sealed release.json have none: their
    manifest is read as it is.)
    """
    manifest_path = Path(release) / RELEASE_FILE
    try:
        data = manifest_path.read_bytes()
        manifest = json.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ChecksumError(f"{manifest_path}: cannot be read as JSON ({error}); the release is damaged") from None
    if not isinstance(manifest, dict):
        raise ChecksumError(f"{manifest_path}: is not a JSON object; the release is damaged")
    if MANIFEST_CHECKSUM in manifest:
        if seal(manifest)[MANIFEST_CHECKSUM] != manifest[MANIFEST_CHECKSUM]:
            raise ChecksumError(
                f"{manifest_path}: its content does not match its {MANIFEST_CHECKSUM}; the file was changed "
                "or damaged. Restore the release or rebuild it"
            )
        if manifest_bytes(manifest) != data:
            raise ChecksumError(
                f"{manifest_path}: its bytes are not those its content is written as (a changed byte of "
                "white space or an escape); restore the release or rebuild it"
            )
    return manifest


def inside_path(release: Path, name: object, where: Path) -> Path:
    """``release / name`` for a relative POSIX path that stays inside the release, or ``ChecksumError``.

    >>> inside_path(Path("r"), "data/quotes/a.parquet", Path("r/release.json")).as_posix()
    'r/data/quotes/a.parquet'
    >>> inside_path(Path("r"), "../../etc/passwd", Path("r/release.json"))
    Traceback (most recent call last):
    ...
    quotes.load.ChecksumError: r/release.json: refuses the path '../../etc/passwd', which points outside the release
    """
    relative = PurePosixPath(name) if isinstance(name, str) else None
    if relative is None or not name or relative.is_absolute() or ".." in relative.parts or "\\" in name:
        raise ChecksumError(f"{where}: refuses the path {name!r}, which points outside the release")
    path = release / relative
    real, root = os.path.realpath(path), os.path.realpath(release)
    if not real.startswith(root.rstrip(os.sep) + os.sep):
        raise ChecksumError(f"{where}: refuses the path {name!r}, a symbolic link to {real}, outside the release")
    return path


def verify_checksums(release: str | os.PathLike) -> dict:
    """Check release.json and every file it lists; return the manifest.

    Refuses paths that leave the release directory (absolute, or with ``..``).
    """
    release = Path(release)
    manifest_path = release / RELEASE_FILE
    manifest = read_manifest(release)
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise ChecksumError(f"{manifest_path}: lists no files and their sha256; the release is damaged")
    for name, expected in sorted(files.items()):
        path = inside_path(release, name, manifest_path)
        if not path.is_file():
            raise ChecksumError(f"{path}: missing; release.json lists it. Restore the release from its source")
        actual = sha256_file(path)
        if actual != expected:
            raise ChecksumError(
                f"{path}: sha256 is {actual}, release.json says {expected}; "
                "the file was changed or damaged. Restore the release or rebuild it"
            )
    return manifest


def load(path: str | os.PathLike, version: str | None = None, config: str = "quotes") -> "datasets.Dataset":  # noqa: F821
    """The ``train`` split of one config of a release, checksums verified first.

    ``path`` is a release directory or a directory of releases (the newest is
    taken unless ``version`` names one).
    """
    if config not in CONFIGS:
        raise ValueError(f"no config {config!r}; a release has {', '.join(CONFIGS)}")
    import datasets  # a second to import: paid only when a release is loaded

    release = find_release(path, version)
    manifest = verify_checksums(release)
    files = [str(release / name) for name in config_files(manifest, config, release / RELEASE_FILE)]
    # The Parquet builder on exactly these files: nothing else in the directory is looked at.
    return datasets.load_dataset("parquet", data_files={"train": files}, split="train")


def config_files(manifest: dict, config: str, where: Path) -> list[str]:
    """The Parquet files of one config, as release.json lists them (each must be among its checksummed files).

    >>> config_files({"files": {"data/quotes/a.parquet": "…"}, "configs": {"quotes": ["data/quotes/a.parquet"]}}, "quotes", Path("release.json"))
    ['data/quotes/a.parquet']
    """
    files = manifest.get("files", {})
    listed = (manifest.get("configs") or {}).get(config)
    if listed is None:  # a release written before release.json named each config's shards
        listed = sorted(name for name in files if name.startswith(f"data/{config}/") and name.endswith(".parquet"))
    if not listed:
        raise ChecksumError(f"{where}: lists no Parquet files for the config {config!r}; the release is damaged")
    for name in listed:
        if name not in files:
            raise ChecksumError(f"{where}: the config {config!r} reads {name!r}, which has no sha256 in it; the release is damaged")
    return listed
