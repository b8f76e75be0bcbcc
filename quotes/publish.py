"""Publish: send a release to a Hugging Face Hub dataset repository and tag it ``vX.Y.Z``.

A release goes to the root of the repository: its files are uploaded to
``main`` with ``upload_folder`` (shards of an earlier release that this one
does not have are deleted by the upload, so the card's ``data/*/*.parquet``
globs read this release alone), then the commit that completes the upload
(huggingface_hub may split a large one) is tagged ``v`` + version. The
tag pins the version: ``load_dataset("OWNER/NAME", revision="v1.2.0")`` reads
exactly the release that was built, whatever is published after it.

Everything that will be sent is decided first, as data (:class:`PublishPlan`):
the files with their sizes and sha256, the repository, the branch, the tag and
the commit message, and the keyword arguments of each huggingface_hub call.
``quotes publish --dry-run`` prints the plan; :func:`publish` carries it out.

>>> import tempfile
>>> from quotes.release import build
>>> release = build(["seeds"], tempfile.mkdtemp()).path
>>> planned = plan(release, "my-lab/news-quotes")
>>> planned.tag, planned.commit_message, [f.path for f in planned.files][:2]
('v1.0.0', 'Release 1.0.0', ['README.md', 'croissant.json'])
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from quotes.load import find_release, verify_checksums
from quotes.release import RELEASE_FILE, sha256_file

REPO_TYPE = "dataset"
BRANCH = "main"
# Earlier shards that this release does not overwrite are deleted; .gitattributes
# and any file outside data/ that the release does not have are left alone.
DELETE_PATTERNS = ["data/*"]
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


class PublishError(Exception):
    """A release cannot be published as asked; the message says why and what to do."""


@dataclass(frozen=True)
class PlannedFile:
    """One file to upload: its path in the release (and in the repository), size and sha256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PublishPlan:
    """Everything a publication sends, decided before anything is sent."""

    release: Path
    repo_id: str
    version: str
    files: tuple[PlannedFile, ...]
    commit_description: str
    private: bool = False
    branch: str = BRANCH

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def commit_message(self) -> str:
        return f"Release {self.version}"

    def create_repo_args(self) -> dict:
        """Keyword arguments of ``HfApi.create_repo``: the repository, made if it is missing."""
        return {"repo_id": self.repo_id, "repo_type": REPO_TYPE, "private": self.private, "exist_ok": True}

    def upload_args(self) -> dict:
        """Keyword arguments of ``HfApi.upload_folder``: exactly the files release.json lists."""
        return {
            "repo_id": self.repo_id,
            "repo_type": REPO_TYPE,
            "folder_path": str(self.release),
            "revision": self.branch,
            "commit_message": self.commit_message,
            "commit_description": self.commit_description,
            # Exact paths, not globs: a stray file in the release directory is never sent.
            "allow_patterns": [file.path for file in self.files],
            "delete_patterns": list(DELETE_PATTERNS),
        }

    def tag_args(self, commit: str) -> dict:
        """Keyword arguments of ``HfApi.create_tag``: the tag, on the commit the upload made."""
        return {
            "repo_id": self.repo_id,
            "repo_type": REPO_TYPE,
            "tag": self.tag,
            "tag_message": self.commit_message,
            "revision": commit,
        }

    def to_dict(self) -> dict:
        """The plan as plain data (``quotes publish --dry-run --json``)."""
        return {
            "release": str(self.release),
            "repo_id": self.repo_id,
            "repo_type": REPO_TYPE,
            "version": self.version,
            "branch": self.branch,
            "tag": self.tag,
            "commit_message": self.commit_message,
            "commit_description": self.commit_description,
            "private": self.private,
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
            "delete_patterns": list(DELETE_PATTERNS),
        }


def check_repo_id(repo_id: str) -> str:
    """``repo_id`` if it names a repository as OWNER/NAME, else an error saying how to write it.

    >>> check_repo_id("my-lab/news-quotes")
    'my-lab/news-quotes'
    >>> check_repo_id("news-quotes")
    Traceback (most recent call last):
    ...
    quotes.publish.PublishError: 'news-quotes' is not a Hub repository id; write it as OWNER/NAME, for example my-lab/news-quotes
    """
    if not _REPO_ID.match(repo_id) or "--" in repo_id or ".." in repo_id:
        raise PublishError(
            f"{repo_id!r} is not a Hub repository id; write it as OWNER/NAME, for example my-lab/news-quotes"
        )
    return repo_id


def plan(release: str | os.PathLike, repo_id: str, version: str | None = None, private: bool = False) -> PublishPlan:
    """What publishing ``release`` (a release, or the newest or ``version`` under a directory) would send.

    The release's checksums are verified first: a damaged release is never sent.
    """
    check_repo_id(repo_id)
    directory = find_release(release, version)
    manifest = verify_checksums(directory)
    files = [
        PlannedFile(name, (directory / name).stat().st_size, sha) for name, sha in sorted(manifest["files"].items())
    ]
    manifest_file = directory / RELEASE_FILE
    files.append(PlannedFile(RELEASE_FILE, manifest_file.stat().st_size, sha256_file(manifest_file)))
    counts = manifest.get("counts", {})
    description = (
        f"{counts.get('quotes', 0)} quotations ({counts.get('attributed', 0)} attributed) in "
        f"{counts.get('documents', 0)} documents, extracted by quotes {manifest.get('package_version')}.\n"
        f"Rows sha256 {manifest.get('content_sha256')}; rules fingerprint {manifest.get('rules_fingerprint')}."
    )
    return PublishPlan(directory, repo_id, manifest["version"], tuple(files), description, private)


def format_plan(planned: PublishPlan, endpoint: str | None = None) -> str:
    """The plan for a person: what goes where, and how to load it afterwards."""
    lines = [
        f"Publish release {planned.version} from {planned.release} to the Hub dataset repository "
        f"{planned.repo_id} ({hub_url(planned, endpoint)}):",
        f"  1. create the repository if it does not exist ({'private' if planned.private else 'public'})",
        f"  2. upload {len(planned.files)} files to {planned.branch}, commit message {planned.commit_message!r},",
        f"     deleting files matching {', '.join(DELETE_PATTERNS)} that this release does not have:",
        *[f"     {f.size:>12} B  {f.sha256[:16]}  {f.path}" for f in planned.files],
        f"  3. tag that commit {planned.tag}",
        "Then anyone can load exactly this release with:",
        f'  load_dataset("{planned.repo_id}", revision="{planned.tag}")',
    ]
    return "\n".join(lines)


def hub_url(planned: PublishPlan, endpoint: str | None = None) -> str:
    """Where the tagged release can be browsed.

    >>> hub_url(PublishPlan(Path("r"), "me/q", "1.0.0", (), ""), "https://huggingface.co")
    'https://huggingface.co/datasets/me/q/tree/v1.0.0'
    """
    if endpoint is None:
        from huggingface_hub import constants

        endpoint = constants.ENDPOINT
    return f"{endpoint.rstrip('/')}/datasets/{planned.repo_id}/tree/{planned.tag}"


def publish(planned: PublishPlan, api=None) -> str:
    """Carry out a plan with huggingface_hub; return the URL of the tagged release.

    ``api`` is an ``HfApi`` (by default one with the token huggingface_hub finds
    itself: ``HF_TOKEN`` or ``hf auth login``). A tag that already exists stops
    the publication before anything is uploaded: a published version is never replaced.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = api if api is not None else HfApi()
    try:
        api.create_repo(**planned.create_repo_args())
        tags = {ref.name for ref in api.list_repo_refs(planned.repo_id, repo_type=REPO_TYPE).tags}
        if planned.tag in tags:
            raise PublishError(
                f"{planned.repo_id} already has the tag {planned.tag}, and a published version is never replaced; "
                "build a new version (quotes build --version X.Y.Z) and publish that"
            )
        commit = api.upload_folder(**planned.upload_args())
        api.create_tag(**planned.tag_args(commit.oid))
    except HfHubHTTPError as error:
        raise PublishError(
            f"the Hub refused to publish {planned.release} to {planned.repo_id}: {_first_line(error)}; "
            "check that you are logged in with write access (HF_TOKEN, or `hf auth login`)"
        ) from None
    except _network_errors() as error:
        raise PublishError(
            f"cannot reach the Hub at {api.endpoint} to publish {planned.release} to {planned.repo_id} ({error}); "
            "check the network connection (or HF_ENDPOINT) and publish again: "
            "nothing is tagged until the upload is whole"
        ) from None
    return hub_url(planned, api.endpoint)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _network_errors() -> tuple[type[BaseException], ...]:
    """Connection errors of the HTTP clients huggingface_hub may use, those that are installed."""
    errors: list[type[BaseException]] = [OSError]
    for module, name in (("httpx2", "TransportError"), ("httpx", "TransportError"), ("requests", "ConnectionError")):
        try:
            errors.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(errors)
