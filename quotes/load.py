"""Load: open a release as a ``datasets.Dataset`` after checking its checksums.

``datasets.load_dataset("releases/v1.0.0")`` works on a release with no code
from this package; ``quotes.load`` adds the checks a citable dataset needs:
every file listed in release.json must be inside the release and have the
sha256 written there, or loading stops with an error naming the file.

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

from quotes.release import CONFIGS, RELEASE_FILE, existing_releases, format_version, parse_version, sha256_file


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


def verify_checksums(release: str | os.PathLike) -> dict:
    """Check every file listed in release.json; return the manifest.

    Refuses paths that leave the release directory (absolute, or with ``..``).
    """
    release = Path(release)
    manifest_path = release / RELEASE_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ChecksumError(f"{manifest_path}: cannot be read as JSON ({error}); the release is damaged") from None
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise ChecksumError(f"{manifest_path}: lists no files and their sha256; the release is damaged")
    for name, expected in sorted(files.items()):
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or "\\" in name:
            raise ChecksumError(f"{manifest_path}: refuses the path {name!r}, which points outside the release")
        path = release / relative
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
    verify_checksums(release)
    return datasets.load_dataset(str(release), config, split="train")
