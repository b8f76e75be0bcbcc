"""The command line, run as a real subprocess the way users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from quotes.records import QUOTE_SCHEMA
from tests.conftest import ROOT, SEEDS, seed_records, write_jsonl


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    """``python -m quotes ARGS`` with this checkout's package first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "quotes", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_extract_writes_json_lines_with_every_field():
    result = run("extract", str(SEEDS))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 21
    assert all(list(row) == QUOTE_SCHEMA.names for row in rows)
    assert {row["doc_id"] for row in rows} >= {"002_d268800eac509475.txt"}


def test_extract_of_a_file_uses_its_name_and_of_a_directory_the_relative_path(tmp_path):
    nested = tmp_path / "corpus" / "2025" / "march"
    nested.mkdir(parents=True)
    (nested / "a.txt").write_text("“Yes,” she said.\n", encoding="utf-8")
    by_directory = json.loads(run("extract", str(tmp_path / "corpus")).stdout)
    by_file = json.loads(run("extract", str(nested / "a.txt")).stdout)
    assert by_directory["doc_id"] == "2025/march/a.txt"
    assert by_file["doc_id"] == "a.txt"


def test_build_prints_a_summary_and_how_to_load(tmp_path):
    result = run("build", str(SEEDS), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Wrote release 1.0.0" in result.stdout
    assert "documents          5" in result.stdout
    assert "attributed quotes  21" in result.stdout
    assert "load_dataset(" in result.stdout
    again = run("build", str(SEEDS), "--out", str(tmp_path))
    assert "Nothing written" in again.stdout


def test_build_defaults_to_seeds_and_releases(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("“Yes,” she said.\n", encoding="utf-8")
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "releases" / "v1.0.0" / "release.json").is_file()


def test_errors_are_one_line_with_the_file_and_exit_1(tmp_path):
    (tmp_path / "bad.txt").write_bytes("ok “café”".encode() + b"\xff")
    result = run("extract", str(tmp_path / "bad.txt"), "--encoding-errors", "strict")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'bad.txt'}: not valid UTF-8 at byte 14")


@pytest.mark.parametrize("command", ["extract", "build", "eval", "stats", "show", "publish", "verify"])
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout


def test_version_and_console_script():
    assert run("--version").stdout.startswith("quotes, version ")


def test_build_from_json_lines_draws_progress_on_stderr_unless_quiet(tmp_path):
    corpus = write_jsonl(tmp_path / "news.jsonl.gz", [{"doc_id": r["id"], "body": r["text"]} for r in seed_records()])
    args = ["build", str(corpus), "--id-field", "doc_id", "--text-field", "body", "--out", str(tmp_path / "out")]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert "documents          87" in result.stdout and "extracting" not in result.stdout
    assert "extracting:" in result.stderr and "87 documents" in result.stderr and "B/s" in result.stderr
    quiet = run(*args, "--quiet", "--version", "2.0.0")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_extract_gives_the_same_lines_for_any_number_of_jobs(tmp_path):
    # Over a megabyte, so that the documents make several batches for the pool.
    records = [{"id": f"{copy:02d}/{r['id']}", "text": r["text"]} for copy in range(24) for r in seed_records()]
    corpus = write_jsonl(tmp_path / "news.jsonl.zst", records)
    one, two = (run("extract", str(corpus), "--jobs", jobs) for jobs in ("1", "2"))
    assert one.returncode == 0 and one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == 24 * 42


def test_a_record_without_the_text_field_is_named_by_line(tmp_path):
    corpus = write_jsonl(tmp_path / "news.jsonl", [{"id": "a", "text": "x"}, {"id": "b", "content": "y"}])
    result = run("extract", str(corpus), "--strict")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {corpus}:2: no field 'text' (the record has: content, id); name the text field with --text-field")


def bad_corpus(root):
    """A directory with a good file, a file that is not UTF-8, and JSON Lines with a record without text."""
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("“Yes,” she said.\n", encoding="utf-8")
    (corpus / "bad.txt").write_bytes("ok “café”".encode() + b"\xff")
    write_jsonl(corpus / "news.jsonl", [{"id": "r1", "text": "“No,” he said."}, {"id": "r2", "body": "x"}])
    return corpus


def test_build_leaves_out_bad_input_lists_it_and_exits_0_unless_strict(tmp_path):
    corpus = bad_corpus(tmp_path)
    args = ["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]
    strict = run(*args, "--strict")
    assert strict.returncode == 1 and not (tmp_path / "out" / "v1.0.0").exists()
    assert strict.stderr == f"Error: {corpus / 'bad.txt'}: not valid UTF-8 at byte 14 (invalid start byte); convert the file to UTF-8 (for example with iconv) or build with --encoding-errors replace\n"
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert "documents          2\n" in result.stdout
    assert "  left out           2 documents (listed in release.json)\n" in result.stdout
    assert f"    {corpus / 'bad.txt'}: not valid UTF-8 at byte 14" in result.stdout
    assert f"    {corpus / 'news.jsonl'}:2: no field 'text' (the record has: body, id)" in result.stdout
    skipped = json.loads((tmp_path / "out" / "v1.0.0" / "release.json").read_text())["skipped"]
    assert [(entry["file"], entry["reason"]) for entry in skipped["documents"]] == [("bad.txt", "not_utf8"), ("news.jsonl", "missing_field")]


def test_extract_names_what_it_leaves_out_on_stderr(tmp_path):
    corpus = bad_corpus(tmp_path)
    result = run("extract", str(corpus))
    assert result.returncode == 0
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["Yes,", "No,"]
    assert result.stderr.splitlines() == [
        f"skipped: {corpus / 'bad.txt'}: not valid UTF-8 at byte 14 (invalid start byte); convert the file to UTF-8 (for example with iconv) or build with --encoding-errors replace",
        f"skipped: {corpus / 'news.jsonl'}:2: no field 'text' (the record has: body, id); name the text field with --text-field",
        "2 documents left out (missing_field: 1, not_utf8: 1)",
    ]
    (tmp_path / "pasted.txt").write_bytes(b"\xe9t\xe9: " + "“Yes,” she said.".encode())  # Latin-1 before UTF-8
    replaced = run("extract", str(tmp_path / "pasted.txt"), "--encoding-errors", "replace")
    assert replaced.returncode == 0 and replaced.stderr.startswith(f"replaced: {tmp_path / 'pasted.txt'}: 2 sequences of bytes")
    row = json.loads(replaced.stdout)
    assert (row["start"], row["byte_start"], row["byte_end"]) == (6, 8, 12)  # in the file, each U+FFFD was one byte
