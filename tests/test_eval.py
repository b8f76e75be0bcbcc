"""quotes eval: the definitions on small gold files written here, and the
figures on real annotated news (../shared/eval, skipped when absent)."""

from __future__ import annotations

import gzip
import json

import pytest

from quotes.evaluate import calibrate, calibration_table, document_part, evaluate, pieces, read_gold
from tests.conftest import SHARED
from tests.test_cli import run

POLNEAR = SHARED / "eval" / "polnear-train.jsonl.gz"

# The targets, and the figures measured when this test was written
# (quotes eval ../shared/eval/polnear-train.jsonl.gz --part heldout). A change
# that loses more than half a point anywhere fails the regression test.
TARGETS = {"span_f1": 0.97, "speaker_accuracy": 0.92, "strict_speaker_accuracy": 0.95, "speaker_precision": 0.95}
MEASURED_HELDOUT = {"span_f1": 0.993, "speaker_accuracy": 0.905, "strict_speaker_accuracy": 0.957, "speaker_precision": 0.954}


def gold(text: str, quotes: list[dict], unattributed: list[dict] = ()) -> dict:
    return {"doc_id": "g", "text": text, "quotes": quotes, "unattributed_quoted_spans": list(unattributed)}


def span(text: str, quoted: str, speaker: str | None, direct: bool = True) -> dict:
    start = text.index(quoted)
    entry = {"start": start, "end": start + len(quoted), "content_fully_quoted": direct,
             "speaker_start": None, "speaker_end": None}
    if speaker:
        at = text.index(speaker, start + len(quoted)) if speaker in text[start + len(quoted):] else text.index(speaker)
        entry.update(speaker_start=at, speaker_end=at + len(speaker))
    return entry


def test_pieces_cut_at_line_breaks_and_trim_marks():
    text = "“First.\n\n“Second,”"
    assert [text[a:b] for a, b in pieces(text, 0, len(text))] == ["First.", "Second,"]


def test_a_correct_speaker_and_a_wrong_one():
    text = "“We won,” Trump said. Clinton spoke. “We lost,” she said. “Why?” asked a reporter."
    document = gold(text, [span(text, "We won,", "Trump"), span(text, "We lost,", "Clinton"),
                           span(text, "Why?", "a reporter", direct=False)])
    report = evaluate([document])
    assert report.span_f1 == 1.0
    assert report.correct_speaker == 2 and report.gold_with_speaker == 3  # "she" does not overlap "Clinton"
    assert report.speaker_accuracy == pytest.approx(2 / 3)
    assert report.strict_speaker_accuracy == pytest.approx(1 / 2)
    assert report.speaker_precision == pytest.approx(2 / 3)


def test_a_missed_span_counts_against_accuracy_not_precision():
    text = "He said «yes» and “no,” Trump said."
    document = gold(text, [span(text, "no,", "Trump"), {**span(text, "yes", None), "speaker_start": 0, "speaker_end": 2}])
    report = evaluate([document])
    assert report.gold_with_speaker == 2
    assert report.speaker_precision == 1.0


def test_unattributed_gold_spans_count_for_spans_only():
    text = "The so-called “peace dividend” never came."
    start = text.index("peace")
    report = evaluate([gold(text, [], [{"start": start, "end": start + len("peace dividend")}])])
    assert report.span_precision == report.span_recall == 1.0 and report.gold_with_speaker == 0


def test_parts_are_fixed_halves():
    ids = [f"doc-{n}" for n in range(400)]
    dev = [i for i in ids if document_part(i) == "dev"]
    assert 150 < len(dev) < 250 and document_part("doc-1") == document_part("doc-1")


def test_calibration_table_lists_every_rule():
    from quotes.attribution import rule_names

    table = calibration_table(evaluate([]))
    assert [line.split("\t")[0] for line in table.splitlines() if not line.startswith("#")] == list(rule_names())


def test_the_command_prints_figures_errors_and_json(tmp_path):
    text = "“We won,” Trump said. Clinton spoke. “We lost,” she said."
    path = tmp_path / "gold.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(gold(text, [span(text, "We won,", "Trump"), span(text, "We lost,", "Clinton")])) + "\n")
    result = run("eval", str(path), "--errors", "5", "--json", str(tmp_path / "figures.json"))
    assert result.returncode == 0, result.stderr
    assert "speaker accuracy        0.5000  (1/2)" in result.stdout
    assert "[wrong speaker] g" in result.stdout and "predicted: 'she'" in result.stdout
    assert json.loads((tmp_path / "figures.json").read_text())["speaker_precision"] == 0.5


def test_a_malformed_gold_line_is_named(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc_id": "a", "text": "x", "quotes": []}\nnot json\n', encoding="utf-8")
    result = run("eval", str(path))
    assert result.returncode == 1 and f"{path}, line 2: not a gold document" in result.stderr


@pytest.fixture(scope="module")
def heldout():
    if not POLNEAR.exists():
        pytest.skip("../shared/eval is not here")
    return evaluate(read_gold(POLNEAR, part="heldout")).figures()


def test_annotated_news_does_not_regress(heldout):
    for name, figure in MEASURED_HELDOUT.items():
        assert heldout[name] >= figure - 0.005, (name, heldout[name])


@pytest.mark.xfail(strict=True, reason="speaker targets not met yet; see MEASURED_HELDOUT and the README")
def test_annotated_news_meets_the_targets(heldout):
    for name, target in TARGETS.items():
        assert heldout[name] >= target, (name, heldout[name])


def test_the_shipped_rule_precisions_are_those_calibration_measures():
    """Every row's confidence is its rule's measured precision: calibrating again on the
    development half gives the file the package ships, figure for figure."""
    if not POLNEAR.exists():
        pytest.skip("../shared/eval is not here")
    from importlib import resources

    table = calibrate(read_gold(POLNEAR, part="dev"))
    shipped = (resources.files("quotes.lexicons") / "en" / "rule_precision.tsv").read_text(encoding="utf-8")
    assert table == shipped, "recalibrate: quotes eval GOLD --part dev --calibrate quotes/lexicons/en/rule_precision.tsv"
