"""Querying a release: the README's question answered four ways, `quotes show` for a
person at a terminal, `quotes stats` for the card's figures. Real releases, real tools."""

from __future__ import annotations

import json
import re

import pytest

from quotes.query import SpeakerNotFound, context, document_texts, passages
from quotes.stats import ReleaseStats, format_stats, read_stats, recount
from tests.conftest import ROOT, SEEDS
from tests.test_card import as_tuples
from tests.test_cli import run


def readme_query_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Query\n")[1].split("\n## ")[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_answers_one_question_four_ways_with_the_same_rows(seeds_release, tmp_path, monkeypatch):
    (tmp_path / "releases").symlink_to(seeds_release.parent)
    monkeypatch.chdir(tmp_path)
    results = {}
    for block in readme_query_blocks():
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)
        results.update({k: v for k, v in namespace.items() if k.startswith("with_")})
    assert set(results) == {"with_datasets", "with_pandas", "with_duckdb", "with_polars"}
    answers = {name: as_tuples(value) for name, value in results.items()}
    expected = [
        (p.quote["doc_id"], p.quote["start"], p.quote["text"])
        for p in passages(seeds_release, "Donald Trump", kind="direct")
    ]
    for name, rows in answers.items():
        assert [row[:3] for row in rows] == sorted(expected), name


def test_the_readme_context_join_cuts_the_text_around_each_quote(seeds_release, tmp_path, monkeypatch, capsys):
    (tmp_path / "releases").symlink_to(seeds_release.parent)
    monkeypatch.chdir(tmp_path)
    block = next(b for b in readme_query_blocks() if "substr(" in b)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    rows = namespace["rows"]
    assert len(rows) == 8  # every quotation of Donald Trump in the seeds
    texts = document_texts(seeds_release, {row[0] for row in rows})
    for doc_id, before, quote, after in rows:
        assert len(before) <= 60 and len(after) <= 60
        assert before + quote + after in texts[doc_id]
    assert capsys.readouterr().out.count("[") >= len(rows)


def test_context_stops_at_the_ends_of_the_document_and_cuts_at_spaces():
    text = "“Yes,” she said, and the long meeting went on until late."
    assert context(text, 1, 5, width=500) == ("“", "” she said, and the long meeting went on until late.")
    assert context(text, 1, 5, width=12) == ("“", "” she said,…")


def test_show_prints_each_quote_in_its_context(seeds_release):
    result = run("show", str(seeds_release), "--speaker", "donald trump", "--kind", "direct", "--context", "80")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("3 quotations by Donald Trump in ")
    headers = [line for line in result.stdout.splitlines() if line and not line.startswith("    ")]
    bodies = [line[4:] for line in result.stdout.splitlines() if line.startswith("    ")]
    assert len(headers) == len(bodies) == 3
    assert all(", paragraph " in h and ": direct, cue " in h and "(rule " in h for h in headers)
    quotes = [p.quote["text"] for p in passages(seeds_release, "Donald Trump", kind="direct")]
    for body, quote in zip(bodies, quotes):
        assert " ".join(quote.split()) in body
        assert "\x1b[" not in body  # no terminal styles when the output is not a terminal


def test_show_names_close_speakers_when_none_matches(seeds_release):
    result = run("show", str(seeds_release), "--speaker", "Trump")
    assert result.returncode == 1
    assert "no quotation attributed to 'Trump'; speakers whose name contains it: 'Donald Trump' (8)" in result.stderr
    with pytest.raises(SpeakerNotFound, match="quotes stats"):
        passages(seeds_release, "Nobody At All")


def test_stats_prints_the_figures_of_release_json(seeds_release):
    result = run("stats", str(seeds_release.parent))
    assert result.returncode == 0, result.stderr
    assert result.stdout == format_stats(read_stats(seeds_release)) + "\n"
    assert "quotations                       21 (8 direct, 13 partial)" in result.stdout
    as_json = json.loads(run("stats", str(seeds_release), "--json").stdout)
    recounted = json.loads(run("stats", str(seeds_release), "--json", "--recount").stdout)
    assert as_json == recounted == read_stats(seeds_release)


def test_stats_gathered_per_shard_merge_to_the_whole(seeds_release):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    halves = [ReleaseStats(), ReleaseStats()]
    for config, add in (("quotes", ReleaseStats.add_quotes), ("documents", ReleaseStats.add_documents)):
        table = pq.read_table(seeds_release / "data" / config)
        early = pc.less(table["doc_id"], "002")
        add(halves[0], table.filter(pc.invert(early)))
        add(halves[1], table.filter(early))
    assert halves[0].merge(halves[1]).to_dict() == recount(seeds_release)


def test_a_release_without_stats_is_counted_from_its_parquet_files(tmp_path, seeds_release):
    import shutil

    from quotes.release import RELEASE_FILE

    release = tmp_path / "v1.0.0"
    shutil.copytree(seeds_release, release)
    manifest = json.loads((release / RELEASE_FILE).read_text())
    del manifest["stats"], manifest["manifest_sha256"]  # as written before release.json kept either
    (release / RELEASE_FILE).write_text(json.dumps(manifest))
    assert read_stats(release)["stats"] == recount(seeds_release)


def test_stats_and_show_need_a_release(tmp_path):
    result = run("stats", str(tmp_path))
    assert result.returncode == 1 and "no release here" in result.stderr
    assert run("show", str(SEEDS), "--speaker", "x").returncode == 1
