"""The seed articles, read by hand (tests/cases/seeds.json): every quotation with
the speaker a careful reader would name; and provenance back to the file bytes."""

from __future__ import annotations

import pytest

from quotes import extract
from quotes.sources import read_documents
from tests.conftest import SEEDS, load_cases

EXPECTED = load_cases("seeds.json")["documents"]


def test_seeds_are_the_expected_files():
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_every_quotation_and_speaker(doc_id):
    text = (SEEDS / doc_id).read_text(encoding="utf-8")
    found = [
        {"text": q.text, "kind": q.kind, "speaker": q.speaker, "mention": q.speaker_mention, "cue": q.cue}
        for q in extract(text, doc_id)
    ]
    assert found == EXPECTED[doc_id]


def test_every_row_names_its_rule_and_traces_back_to_the_bytes():
    for document in read_documents([SEEDS]):
        data = (SEEDS / document.doc_id).read_bytes()
        for quote in extract(document.text, document.doc_id, document.byte_base):
            assert document.text[quote.start : quote.end] == quote.text
            assert data[quote.byte_start : quote.byte_end].decode("utf-8") == quote.text
            assert quote.rule is not None and quote.confidence > 0
            assert document.text[quote.speaker_start : quote.speaker_end] == quote.speaker_mention
