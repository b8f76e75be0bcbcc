"""Releases survive crashes and races, shown with real processes and real signals.

A build is killed with SIGKILL at chosen moments: ``quotes build`` runs in a subprocess
under a profiling hook that sends SIGKILL to the build's process group when a given
function is entered or left for the nth time (the hook only watches; the build is the
real one). After each kill the earlier release is untouched, no partial release is
visible, and the next build succeeds and leaves nothing of the dead one behind.
Two builds into one directory: one wins, the other stops with a message naming it."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quotes.release import STAGING_PREFIX, build
from quotes.verify import verify
from tests.conftest import ROOT, SEEDS, seed_records, write_jsonl
from tests.test_cli import run

# Runs `quotes ARGS` and kills the whole process group (workers too) at the nth EVENT
# of TARGET: "module.qualname" of a Python function, or "module:name" of a C function
# called from that module (event c_call or c_return).
DRIVER = r"""
import os, signal, sys, threading
import datasets, quotes.card, quotes.croissant, quotes.evaluate  # imported first: the hook watches the build
from quotes.cli import main

event, target, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
del sys.argv[1:4]
seen = 0

def hook(frame, what, arg):
    global seen
    if what != event:
        return
    module = frame.f_globals.get("__name__")
    name = f"{module}:{getattr(arg, '__name__', '')}" if what.startswith("c_") else f"{module}.{frame.f_code.co_qualname}"
    if name == target:
        seen += 1
        if seen == nth:
            os.killpg(os.getpgid(0), signal.SIGKILL)

threading.setprofile(hook)
sys.setprofile(hook)
main(prog_name="quotes")
"""

MOMENTS = {
    "while extracting": ("call", "quotes.records.extract", 40),
    "with a Parquet file half written": ("return", "pyarrow.parquet.core.ParquetWriter.write_table", 1),
    "while merging sorted runs": ("call", "quotes.sorting.merge", 2),
    "while writing the card": ("call", "quotes.croissant.write_croissant", 1),
    "just before the rename": ("return", "quotes.release._sync_tree", 1),
    "just after the rename": ("c_return", "quotes.release:rename", 1),
}


def files(directory) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """A directory of releases holding 1.0.0 (the seed articles), and a corpus that makes 1.1.0."""
    root = tmp_path_factory.mktemp("crash")
    build([SEEDS], root / "releases")
    records = seed_records()
    records.reverse()  # out of doc_id order: the build sorts in runs and merges them
    return root / "releases", write_jsonl(root / "news.jsonl", records)


def env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def killed_build(moment: str, corpus, out, *extra: str) -> subprocess.CompletedProcess:
    event, target, nth = MOMENTS[moment]
    return subprocess.run(
        [sys.executable, "-c", DRIVER, event, target, str(nth), "build", str(corpus), "--out", str(out), "--quiet", *extra],
        env=env(), capture_output=True, text=True, timeout=300, start_new_session=True,
    )


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_build_killed_at_any_moment_leaves_no_partial_release(earlier, tmp_path, moment):
    releases, corpus = earlier
    out = tmp_path / "releases"
    shutil.copytree(releases, out)
    before = files(out / "v1.0.0")
    result = killed_build(moment, corpus, out, "--jobs", "1")
    assert result.returncode == -signal.SIGKILL, f"the build was not killed {moment}: {result.stderr}"
    assert files(out / "v1.0.0") == before
    renamed = moment == "just after the rename"
    names = sorted(p.name for p in out.iterdir())
    if renamed:
        assert names == ["v1.0.0", "v1.1.0"]
    else:
        assert names[-1] == "v1.0.0" and len(names) == 2 and names[0].startswith(STAGING_PREFIX), names  # the dead build's
    again = build([corpus], out)
    assert (again.written, again.version) == (not renamed, "1.1.0")
    assert sorted(p.name for p in out.iterdir()) == ["v1.0.0", "v1.1.0"]  # the dead build's staging is gone
    assert files(out / "v1.0.0") == before
    assert all(report.ok for report in verify(out)), [report.problems for report in verify(out)]


def releases_and_copies(earlier, tmp_path, copies: int):
    """The earlier releases copied to ``tmp_path``, and a corpus of ``copies`` copies of
    the seed articles (about 70 KB each), enough batches for two workers."""
    releases, _ = earlier
    out = tmp_path / "releases"
    shutil.copytree(releases, out)
    records = [{"id": f"{copy:03d}/{r['id']}", "text": r["text"]} for copy in range(copies) for r in seed_records()]
    return out, write_jsonl(tmp_path / "news.jsonl", records)


def test_a_build_killed_with_its_workers_leaves_no_partial_release(earlier, tmp_path):
    out, corpus = releases_and_copies(earlier, tmp_path, 30)  # over 2 MB: several batches
    MOMENTS["while the workers extract"] = ("call", "quotes.sorting.SortedRows.add", 2)
    before = named_semaphores()
    try:
        result = killed_build("while the workers extract", corpus, out, "--jobs", "2")
    finally:
        del MOMENTS["while the workers extract"]
        # multiprocessing's resource tracker died with the build, before it could
        # remove the pool's named semaphores: remove them as it would have.
        for path in named_semaphores() - before:
            path.unlink(missing_ok=True)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert [p.name for p in out.iterdir() if not p.name.startswith(STAGING_PREFIX)] == ["v1.0.0"]
    assert build([corpus], out, jobs=2).version == "1.1.0"
    assert all(report.ok for report in verify(out))


def named_semaphores() -> set[Path]:
    shm = Path("/dev/shm")
    return set(shm.glob("sem.mp-*")) if shm.is_dir() else set()


def start_build(corpus, out) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "quotes", "build", str(corpus), "--out", str(out), "--quiet", "--jobs", "1"],
        env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def test_a_second_build_stops_with_a_message_naming_the_first(tmp_path):
    corpus = write_jsonl(tmp_path / "news.jsonl", seed_records() * 1)
    out = tmp_path / "releases"
    first = start_build(corpus, out)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(f"{STAGING_PREFIX}{first.pid}-*")):  # the first holds the lock when it stages
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.005)
        os.kill(first.pid, signal.SIGSTOP)  # frozen with the lock held
        [staging] = out.glob(f"{STAGING_PREFIX}{first.pid}-*")
        second = run("build", str(corpus), "--out", str(out), "--quiet")
        assert second.returncode == 1
        assert second.stderr == (
            f"Error: {out}: another build is writing releases here (process {first.pid}, writing {staging.name}); "
            "wait for it to end, or build into another --out\n"
        )
    finally:
        os.kill(first.pid, signal.SIGCONT)
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert "Wrote release 1.0.0" in stdout
    assert sorted(p.name for p in out.iterdir()) == ["v1.0.0"]
    assert all(report.ok for report in verify(out))


def test_two_builds_at_once_make_one_release(tmp_path):
    records = [{"id": f"{copy}/{r['id']}", "text": r["text"]} for copy in range(4) for r in seed_records()]
    corpus = write_jsonl(tmp_path / "news.jsonl", records)
    out = tmp_path / "releases"
    builds = [start_build(corpus, out) for _ in range(2)]
    results = [(process.wait(timeout=300), *process.communicate()) for process in builds]
    wrote = [r for r in results if r[0] == 0 and "Wrote release 1.0.0" in r[1]]
    others = [r for r in results if r not in wrote]
    assert len(wrote) == 1 and len(others) == 1, results
    status, stdout, stderr = others[0]
    # Stopped by the lock; or, if it came when the first was done, found nothing new to write.
    assert (status == 1 and "another build is writing releases here" in stderr) or (
        status == 0 and "Nothing written: the rows equal release 1.0.0" in stdout
    ), others
    assert sorted(p.name for p in out.iterdir()) == ["v1.0.0"]
    assert all(report.ok for report in verify(out))


# Runs `quotes ARGS` and, at the nth call of TARGET in the build process, kills one of
# its pool's workers (a child of its fork server) with SIGKILL, as the kernel's
# out-of-memory killer would: the build itself lives on.
KILL_A_WORKER = r"""
import os, signal, sys
from pathlib import Path
from quotes.cli import main

target, nth = sys.argv[1], int(sys.argv[2])
del sys.argv[1:3]
seen = 0

def children(pid):
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found

def hook(frame, what, arg):
    global seen
    if what == "call" and f"{frame.f_globals.get('__name__')}.{frame.f_code.co_qualname}" == target:
        seen += 1
        if seen == nth:
            workers = [pid for server in children(os.getpid()) for pid in children(server)]
            os.kill(workers[0], signal.SIGKILL)

sys.setprofile(hook)
main(prog_name="quotes")
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="finds the workers in /proc")
def test_a_worker_killed_stops_the_build_with_a_message(earlier, tmp_path):
    # About 8 MB, eight batches: most are still to come when the second is taken.
    out, corpus = releases_and_copies(earlier, tmp_path, 120)
    result = subprocess.run(
        [sys.executable, "-c", KILL_A_WORKER, "quotes.sorting.SortedRows.add", "2",
         "build", str(corpus), "--out", str(out), "--quiet", "--jobs", "2"],
        env=env(), capture_output=True, text=True, timeout=120, start_new_session=True,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.endswith(
        "Error: a worker process ended abruptly (killed, or out of memory); run again, with fewer --jobs or more memory\n"
    ), result.stderr
    assert [p.name for p in out.iterdir() if not p.name.startswith(STAGING_PREFIX)] == ["v1.0.0"]
    assert build([corpus], out, jobs=2).version == "1.1.0"
