"""The dataset card: front matter the Hub's own tools accept, every section of the Hub's
template filled with the release's figures, examples that run, a changelog, the version
everywhere it is read. Real releases, real huggingface_hub and datasets parsers."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import datasets
import huggingface_hub
import pyarrow.parquet as pq
import pytest
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard, DatasetCardData

from quotes.card import front_matter
from quotes.croissant import CROISSANT_FILE
from quotes.evaluate import release_evaluation
from quotes.release import RELEASE_FILE, build, data_file
from quotes.stats import format_stats, read_stats, recount
from tests.conftest import SEEDS, SHARED

GOLD = SHARED / "eval" / "polnear-train.jsonl.gz"


def card_of(release: Path) -> DatasetCard:
    return DatasetCard.load(release / "README.md")


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, re.S)


def hub_template_headings() -> list[str]:
    """The section headings of the dataset card template huggingface_hub ships."""
    template = Path(huggingface_hub.__file__).parent / "templates" / "datasetcard_template.md"
    headings = re.findall(r"^(#{2,4} .+)$", template.read_text(encoding="utf-8"), re.M)
    return [heading.replace(" [optional]", "").strip() for heading in headings]


def small_gold(path: Path) -> Path:
    """A two-document gold file in the format of quotes.evaluate, written for the test."""
    documents = [
        {"doc_id": "a", "text": "“We won,” he said.", "quotes": [
            {"start": 1, "end": 8, "speaker_start": 10, "speaker_end": 12, "content_fully_quoted": True}]},
        {"doc_id": "b", "text": "“Not yet,” Jane Doe told reporters.", "quotes": [
            {"start": 1, "end": 9, "speaker_start": 11, "speaker_end": 19, "content_fully_quoted": True}]},
    ]
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    return path


def test_front_matter_is_a_dataset_card_the_hub_tools_accept(seeds_release):
    card = card_of(seeds_release)
    data = card.data
    assert isinstance(data, DatasetCardData)
    assert data.pretty_name == "Quotes"
    assert data.license == "other" and data.license_name == "source-articles"
    assert "copyright" in data.license_details and "machine-generated" in data.license_details
    assert data.language == ["en"]
    assert data.annotations_creators == ["machine-generated"]
    assert data.task_categories == ["token-classification"]
    assert data.size_categories == ["n<1K"]
    assert data.source_datasets == ["original"]
    assert "quotation-attribution" in data.tags
    assert DatasetCardData(**data.to_dict()).to_dict() == data.to_dict()
    configs = {c["config_name"]: c for c in data.configs}
    assert configs["quotes"]["default"] is True
    assert configs["documents"]["data_files"] == [{"split": "train", "path": "data/documents/*.parquet"}]


def test_dataset_info_is_the_parquet_schema_and_row_counts(seeds_release):
    infos = DatasetInfosDict.from_dataset_card_data(card_of(seeds_release).data)
    for config in ("quotes", "documents"):
        parquet = pq.ParquetFile(seeds_release / data_file(config))
        assert infos[config].features == datasets.Features.from_arrow_schema(parquet.schema_arrow)
        assert infos[config].splits["train"].num_examples == parquet.metadata.num_rows
    builder = datasets.load_dataset_builder(str(seeds_release), "documents")
    assert builder.info.splits["train"].num_examples == 5


def test_every_section_of_the_hub_template_is_there_and_filled(seeds_release):
    text = (seeds_release / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^(#{2,4} .+)$", text, re.M)
    for heading in hub_template_headings():
        assert heading in headings, heading
    assert "More Information Needed" not in text
    # Every section has prose of its own, or subsections that have.
    parts = re.split(r"^(#{2,4}) .+$", text, flags=re.M)[1:]
    levels, bodies = parts[0::2], parts[1::2]
    for level, body, following in zip(levels, bodies, [*levels[1:], "#"]):
        assert body.strip() or len(following) > len(level), body


def test_the_card_shows_the_counts_computed_while_the_rows_streamed(seeds_release):
    text = (seeds_release / "README.md").read_text(encoding="utf-8")
    manifest = json.loads((seeds_release / RELEASE_FILE).read_text())
    assert manifest["stats"] == recount(seeds_release)
    stats = manifest["stats"]
    assert stats["kinds"] == {"direct": 8, "partial": 13}
    assert stats["top_speakers"][0] == {"speaker": "Donald Trump", "quotes": 8, "direct": 3, "documents": 3}
    assert "| quotations | 21 (8 direct, 13 partial) |" in text
    assert "| attributed to a speaker | 21 (100.0%) |" in text
    assert "| Donald Trump | 8 | 3 | 3 |" in text
    assert f"| release | {manifest['version']} |" in text


def test_quotes_stats_prints_the_figures_of_the_card(seeds_release):
    text = (seeds_release / "README.md").read_text(encoding="utf-8")
    printed = format_stats(read_stats(seeds_release))
    for line in printed.splitlines()[:9]:
        label, value = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        assert f"| {label} | {value} |" in text, line


def test_the_version_is_the_same_everywhere_it_is_read(tmp_path):
    release = build([SEEDS], tmp_path, version="2.3.0").path
    manifest = json.loads((release / RELEASE_FILE).read_text())
    card = (release / "README.md").read_text(encoding="utf-8")
    croissant = json.loads((release / CROISSANT_FILE).read_text())
    assert manifest["version"] == croissant["version"] == "2.3.0"
    assert card.count("# Dataset Card for Quotes v2.3.0") == 1
    assert "version      = {2.3.0}" in card and "@misc{quotes_v2_3_0," in card
    assert croissant["citeAs"].startswith("@misc{quotes_v2_3_0,")
    for config in ("quotes", "documents"):
        metadata = pq.read_schema(release / data_file(config)).metadata
        assert json.loads(metadata[b"quotes"]) == {"version": "2.3.0"}
        assert b"huggingface" in metadata


def test_the_card_examples_run_and_the_four_tools_agree(seeds_release, tmp_path, monkeypatch):
    (tmp_path / "releases").symlink_to(seeds_release.parent)
    monkeypatch.chdir(tmp_path)
    results = {}
    for block in python_blocks((seeds_release / "README.md").read_text(encoding="utf-8")):
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)
        results.update({k: v for k, v in namespace.items() if k.startswith("with_")})
    assert set(results) == {"with_datasets", "with_pandas", "with_duckdb", "with_polars"}
    answers = {name: as_tuples(value) for name, value in results.items()}
    assert len(answers["with_datasets"]) == 3  # Donald Trump's direct quotations in the seeds
    assert all(answer == answers["with_datasets"] for answer in answers.values()), answers


def as_tuples(result) -> list[tuple]:
    """(doc_id, start, text, document) rows from a list, a pandas or a Polars frame."""
    if hasattr(result, "itertuples"):
        result = [tuple(row) for row in result.itertuples(index=False)]
    elif hasattr(result, "rows"):
        result = result.rows()
    rows = sorted(tuple(row) for row in result)
    for doc_id, start, text, document in rows:
        assert document[start : start + len(text)] == text
    return rows


def test_the_changelog_lists_every_earlier_version(tmp_path, seeds_copy):
    out = tmp_path / "releases"
    build([seeds_copy], out)
    (seeds_copy / "005_new.txt").write_text("“We are ready,” the mayor said.\n", encoding="utf-8")
    build([seeds_copy], out)
    (seeds_copy / "000_19351164b027cb34.txt").unlink()
    newest = build([seeds_copy], out).path
    card = (newest / "README.md").read_text(encoding="utf-8")
    changelog = card.split("## Changelog")[1].split("\n## ")[0]
    lines = [line for line in changelog.splitlines() if line.startswith("- **")]
    assert [line.split("**")[1] for line in lines] == ["1.2.0", "1.1.0", "1.0.0"]
    assert "(this release)" in lines[0] and "-1 documents (6 → 5)" in lines[0]
    assert "+1 documents (5 → 6)" in lines[1] and "first release" in lines[2]
    # An earlier release's card is never rewritten.
    assert "1.1.0" not in (out / "v1.0.0" / "README.md").read_text(encoding="utf-8")


def test_a_build_with_a_gold_file_records_the_evaluation(tmp_path):
    gold = small_gold(tmp_path / "gold.jsonl")
    release = build([SEEDS], tmp_path / "out", gold=gold, gold_part="all").path
    manifest = json.loads((release / RELEASE_FILE).read_text())
    assert manifest["evaluation"] == release_evaluation(gold, "all")
    assert manifest["evaluation"]["gold"] == "gold.jsonl" and manifest["evaluation"]["documents"] == 2
    card = (release / "README.md").read_text(encoding="utf-8")
    evaluation = card.split("## Evaluation")[1].split("\n## ")[0]
    assert "`gold.jsonl`" in evaluation and "the `all` part: 2 annotated" in evaluation
    assert f"| speaker accuracy | {manifest['evaluation']['speaker_accuracy']:.4f} |" in evaluation
    again = build([SEEDS], tmp_path / "again", gold=gold, gold_part="all").path
    for name in [*manifest["files"], RELEASE_FILE]:
        assert (release / name).read_bytes() == (again / name).read_bytes(), name


def test_a_gold_file_that_cannot_be_read_fails_before_the_rows(tmp_path):
    from quotes.evaluate import GoldError

    bad = tmp_path / "gold.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(GoldError, match="gold.jsonl, line 1: not a gold document"):
        build([SEEDS], tmp_path / "out", gold=bad)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.skipif(not GOLD.is_file(), reason="the annotated news of ../shared/eval is not here")
def test_the_evaluation_on_annotated_news_is_in_the_card_with_its_citation(tmp_path):
    release = build([SEEDS], tmp_path, gold=GOLD).path
    evaluation = json.loads((release / RELEASE_FILE).read_text())["evaluation"]
    assert evaluation["part"] == "heldout" and evaluation["documents"] > 400
    with gzip.open(GOLD, "rt", encoding="utf-8") as handle:
        assert evaluation["documents"] < sum(1 for _ in handle)
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "PolNeAR" in card and "LREC 2018" in card
    assert f"| span F1 | {evaluation['span_f1']:.4f} |" in card


def test_front_matter_sizes_follow_the_rows():
    front = front_matter({"counts": {"quotes": 12_000, "documents": 900}, "version": "1.0.0"})
    assert front["size_categories"] == ["10K<n<100K"]
    assert [info["splits"][0]["num_examples"] for info in front["dataset_info"]] == [12_000, 900]


def test_build_eval_from_the_command_line(tmp_path):
    from tests.test_cli import run

    gold = small_gold(tmp_path / "gold.jsonl")
    result = run("build", str(SEEDS), "--out", str(tmp_path / "out"), "--eval", str(gold), "--eval-part", "all")
    assert result.returncode == 0, result.stderr
    evaluation = json.loads((tmp_path / "out" / "v1.0.0" / RELEASE_FILE).read_text())["evaluation"]
    assert evaluation["part"] == "all" and evaluation["documents"] == 2
    stats = run("stats", str(tmp_path / "out"))
    assert "evaluation on gold.jsonl (all, 2 documents):" in stats.stdout
