"""Quotation finding, case by case (tests/cases/spans.json), plus offsets on the seeds."""

from __future__ import annotations

import pytest

from quotes.spans import find_spans
from tests.conftest import SEEDS, load_cases

CASES = load_cases("spans.json")["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_case(case):
    spans = find_spans(case["text"])
    assert [s.text for s in spans] == case["expect"]
    for span in spans:
        assert case["text"][span.start : span.end] == span.text
        assert span.open_start < span.start <= span.end <= span.close_end
        # Only a paragraph whose line break was lost ends without a closing mark.
        assert (span.end < span.close_end) == (span.close_mark != "")
    if "kinds" in case:
        assert [s.kind for s in spans] == case["kinds"]


def test_every_mark_pair_in_the_lexicon_is_found():
    from quotes.spans import _closers

    for opener, closers in _closers().items():
        for closer in closers:
            text = f"Er sagte {opener}Ja bitte{closer} gestern."
            assert [s.text for s in find_spans(text)] == ["Ja bitte"], (opener, closer)


def test_spans_do_not_overlap_on_the_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = find_spans(text)
        for before, after in zip(spans, spans[1:]):
            assert before.close_end <= after.open_start


def test_paragraph_index_counts_non_blank_lines():
    text = "Title\n\nFirst “a” here.\nSecond line “b”.\n\n\nThird “c”."
    assert [s.paragraph for s in find_spans(text)] == [1, 2, 3]


def test_a_long_run_of_opening_marks_is_linear():
    # An unbalanced mark is given up at each paragraph end; nothing piles up.
    text = ("“open " * 2000 + "\n") * 50
    assert find_spans(text) == []


def test_a_stray_mark_on_a_line_with_no_end_is_given_up_after_a_long_run():
    # A file on one line has no paragraph end to resynchronise at; past _LONGEST characters
    # the opening mark is taken for a stray one, and the quotation after it is still found.
    from quotes.spans import _LONGEST

    filler = "and more words " * (_LONGEST // 15 + 10)
    text = f'One "stray mark {filler}then "a real one" here.'
    assert [s.text for s in find_spans(text)] == ["a real one"]


def test_a_long_quotation_within_the_limit_is_kept_whole():
    from quotes.spans import _LONGEST

    speech = "We will go on. " * (_LONGEST // 15 - 10)
    paragraphs = f"She said:\n\n“{speech}\n\n“{speech}”\n\nThen she left."
    spans = find_spans(paragraphs)
    assert len(spans) == 1 and spans[0].paragraphs == 2
    assert len(spans[0].text) > _LONGEST  # the limit is per paragraph, not per quotation
