"""Publishing: the plan (files, repository, branch, tag, commit message) as data, checked
against the real huggingface_hub — its method signatures, its file selection, its upload
hashes — and the real client talking HTTP to a local server that answers like the Hub."""

from __future__ import annotations

import inspect
import json
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from huggingface_hub import CommitOperationAdd, HfApi
from huggingface_hub.utils import filter_repo_objects

from quotes.load import ChecksumError
from quotes.publish import DELETE_PATTERNS, PublishError, format_plan, plan, publish
from quotes.release import RELEASE_FILE, data_file
from tests.test_cli import run


def test_the_plan_names_every_file_the_repository_the_tag_and_the_commit(seeds_release):
    planned = plan(seeds_release, "my-lab/news-quotes")
    manifest = json.loads((seeds_release / RELEASE_FILE).read_text())
    assert [f.path for f in planned.files] == [*sorted(manifest["files"]), RELEASE_FILE]
    for file in planned.files:
        assert file.size == (seeds_release / file.path).stat().st_size
        assert file.sha256 == manifest["files"].get(file.path, file.sha256)
    where = (planned.repo_id, planned.version, planned.branch, planned.tag)
    assert where == ("my-lab/news-quotes", "1.0.0", "main", "v1.0.0")
    assert planned.commit_message == "Release 1.0.0"
    assert manifest["content_sha256"] in planned.commit_description
    assert planned.tag_args("abc123") == {
        "repo_id": "my-lab/news-quotes", "repo_type": "dataset", "tag": "v1.0.0",
        "tag_message": "Release 1.0.0", "revision": "abc123",
    }


def test_the_newest_release_of_a_directory_is_planned_unless_a_version_is_named(seeds_release):
    assert plan(seeds_release.parent, "me/q").release == seeds_release
    with pytest.raises(Exception, match="no release 9.9.9"):
        plan(seeds_release.parent, "me/q", version="9.9.9")


def test_every_call_fits_the_installed_huggingface_hub(seeds_release):
    planned = plan(seeds_release, "my-lab/news-quotes", private=True)
    for method, arguments in (
        (HfApi.create_repo, planned.create_repo_args()),
        (HfApi.upload_folder, planned.upload_args()),
        (HfApi.create_tag, planned.tag_args("0" * 40)),
    ):
        inspect.signature(method).bind(HfApi(), **arguments)  # raises on an unknown or missing argument
    assert planned.create_repo_args()["private"] is True


def test_upload_folder_would_send_exactly_the_release_files(seeds_release, tmp_path):
    release = tmp_path / "v1.0.0"
    shutil.copytree(seeds_release, release)
    (release / "notes.txt").write_text("not part of the release\n")
    (release / ".cache").mkdir()
    (release / ".cache" / "x").write_text("")
    planned = plan(release, "my-lab/news-quotes")
    arguments = planned.upload_args()
    on_disk = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    chosen = list(filter_repo_objects(on_disk, allow_patterns=arguments["allow_patterns"]))
    assert sorted(chosen) == sorted(f.path for f in planned.files)
    for file in planned.files:
        operation = CommitOperationAdd(path_in_repo=file.path, path_or_fileobj=str(release / file.path))
        assert operation.upload_info.sha256.hex() == file.sha256
        assert operation.upload_info.size == file.size


def test_only_earlier_data_files_are_deleted():
    in_repository = [".gitattributes", "README.md", "release.json", "croissant.json", "LICENSE.md",
                     data_file("quotes", 0, 2), data_file("quotes", 1, 2), data_file("documents")]
    deleted = list(filter_repo_objects(in_repository, allow_patterns=DELETE_PATTERNS))
    assert deleted == [data_file("quotes", 0, 2), data_file("quotes", 1, 2), data_file("documents")]


def test_a_damaged_release_is_never_planned(seeds_release, tmp_path):
    release = tmp_path / "v1.0.0"
    shutil.copytree(seeds_release, release)
    (release / "croissant.json").write_text("{}")
    with pytest.raises(ChecksumError, match="croissant.json: sha256 is"):
        plan(release, "my-lab/news-quotes")


def test_a_bad_repository_id_is_refused(seeds_release):
    with pytest.raises(PublishError, match="write it as OWNER/NAME"):
        plan(seeds_release, "news quotes")


def test_an_unreachable_hub_is_an_error_that_says_what_to_do(seeds_release):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = HfApi(endpoint=f"http://127.0.0.1:{port}", token=False)
    with pytest.raises(PublishError, match=rf"cannot reach the Hub at http://127.0.0.1:{port} .*publish again"):
        publish(plan(seeds_release, "my-lab/news-quotes"), api)


class _Hub(BaseHTTPRequestHandler):
    """Answers the first two calls of a publication as the Hub does: the repository
    exists already and has the tag v1.0.0. Records every request."""

    requests: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.requests.append(("POST", self.path, json.loads(body or b"null")))
        url = f"http://{self.headers['Host']}/datasets/my-lab/news-quotes"
        self._answer(409, {"error": "You already created this dataset repo", "url": url})

    def do_GET(self):
        self.requests.append(("GET", self.path, None))
        tag = {"name": "v1.0.0", "ref": "refs/tags/v1.0.0", "targetCommit": "c" * 40}
        main = {"name": "main", "ref": "refs/heads/main", "targetCommit": "c" * 40}
        self._answer(200, {"branches": [main], "converts": [], "tags": [tag]})

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_hub():
    _Hub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Hub.requests
    server.shutdown()
    server.server_close()


def test_a_tag_already_on_the_hub_stops_before_any_upload(seeds_release, local_hub):
    endpoint, requests = local_hub
    api = HfApi(endpoint=endpoint, token=False)
    with pytest.raises(PublishError, match="my-lab/news-quotes already has the tag v1.0.0"):
        publish(plan(seeds_release, "my-lab/news-quotes"), api)
    assert requests == [
        ("POST", "/api/repos/create",
         {"name": "news-quotes", "organization": "my-lab", "visibility": "public", "type": "dataset"}),
        ("GET", "/api/datasets/my-lab/news-quotes/refs", None),
    ]


def test_publish_dry_run_prints_the_files_and_the_tag(seeds_release):
    result = run("publish", str(seeds_release), "--repo", "my-lab/news-quotes", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout == format_plan(plan(seeds_release, "my-lab/news-quotes")) + "\n"
    assert "tag that commit v1.0.0" in result.stdout
    assert 'load_dataset("my-lab/news-quotes", revision="v1.0.0")' in result.stdout
    as_json = json.loads(
        run("publish", str(seeds_release), "--repo", "my-lab/news-quotes", "--dry-run", "--json").stdout
    )
    assert as_json == plan(seeds_release, "my-lab/news-quotes").to_dict()
    refused = run("publish", str(seeds_release), "--repo", "no-owner", "--dry-run")
    assert refused.returncode == 1 and refused.stderr.startswith("Error: 'no-owner' is not a Hub repository id")
