"""The benchmark tools, run for real on the seeds: make_corpus samples whole articles with
unique ids; peak_rss measures a build. And the normal test run leaves the benchmarks alone."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

from tests.conftest import ROOT, SEEDS


def script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / name), *args], capture_output=True, text=True, timeout=300)


def test_make_corpus_samples_whole_articles_with_unique_ids(tmp_path):
    out = tmp_path / "corpus.jsonl.gz"
    result = script("make_corpus.py", "--mb", "0.05", "--source", str(SEEDS), "--out", str(out), "--seed", "3")
    assert result.returncode == 0, result.stderr
    import gzip

    records = [json.loads(line) for line in gzip.open(out, "rt", encoding="utf-8")]
    articles = {path.name: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    assert len({r["id"] for r in records}) == len(records)
    assert all(r["text"] == articles[r["id"].split("#")[0]] for r in records)
    assert sum(len(r["text"].encode()) for r in records) >= 50_000
    again = tmp_path / "again.jsonl.gz"
    script("make_corpus.py", "--mb", "0.05", "--source", str(SEEDS), "--out", str(again), "--seed", "3")
    assert again.read_bytes() == out.read_bytes()


def test_peak_rss_reports_both_peaks(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    script("make_corpus.py", "--mb", "0.02", "--source", str(SEEDS), "--out", str(corpus))
    result = script("peak_rss.py", str(corpus), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    # The largest process's peak (getrusage) and the build process's sampled one (/proc)
    # count pages a little differently: they agree within a tenth.
    assert figures["tree_peak_mb"] > 0 and figures["build_process_mb"] > 0
    assert figures["max_process_mb"] >= 0.9 * figures["build_process_mb"]
    assert 0 < figures["build_process_cpu_s"] <= figures["seconds"] + 1 and figures["other_processes_cpu_s"] >= 0
    assert figures["summary"][0].startswith("Wrote release 1.0.0")


def test_the_test_run_leaves_the_benchmarks_alone():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["quotes", "tests"]
    assert not list((ROOT / "benchmarks").glob("test_*.py")), "benchmarks are named bench_*.py"
    assert "python_files = bench_*.py" in (ROOT / "benchmarks" / "pytest.ini").read_text()


def test_profile_build_splits_samples_at_extract(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("profile_build", ROOT / "scripts" / "profile_build.py")
    profile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(profile)
    raw = tmp_path / "samples.txt"  # py-spy's raw format: a stack, a space, a count
    raw.write_text(
        "<module> (quotes/__main__.py:6);build (quotes/release.py:175);extract (quotes/records.py:140);find_spans (quotes/spans.py:80) 30\n"
        "<module> (quotes/__main__.py:6);read_jsonl (quotes/sources.py:196);loads (json/__init__.py:346) 9\n"
        "<module> (<frozen importlib>:1) 1\n"
    )
    total, inside, outside = profile.split(raw)
    assert (total, inside) == (40, 30)
    assert outside.most_common(1) == [("read_jsonl (quotes/sources.py:196)", 9)]
