"""Speaker attribution: every rule alone on its own example, then the cases of
tests/cases/attribution.json through the whole extractor."""

from __future__ import annotations

import unicodedata

import pytest

from quotes import extract
from quotes.attribution import attribute, rules
from quotes.tagging import tag
from quotes.spans import find_spans
from tests.conftest import load_cases

CASES = load_cases("attribution.json")["cases"]


@pytest.mark.parametrize("rule", rules(), ids=[r.name for r in rules()])
def test_each_rule_fires_on_its_example(rule):
    text = rule.example
    spans = find_spans(text)
    assert spans, f"the example of {rule.name} holds no quotation"
    fired = [a.rule for a in attribute(text, spans) if a]
    assert rule.name in fired


def test_rules_have_unique_names_and_examples():
    names = [r.name for r in rules()]
    assert len(names) == len(set(names))
    assert all(r.example for r in rules())


@pytest.mark.parametrize("rule", [r for r in rules() if r.requires_end], ids=lambda r: r.name)
def test_a_rule_matches_no_context_its_required_end_rules_out(rule):
    # Every stretch of tags of the examples and cases that ends where the tags end,
    # as a left context does before its quotation: wherever the pattern matches one,
    # so does the required end, or the quick test would drop a match.
    texts = [r.example for r in rules()] + [c["text"] for c in CASES]
    for text in texts:
        tags = tag(text, quotes=[(s.open_start, s.close_end) for s in find_spans(text)]).tags
        for end in range(len(tags) + 1):
            for start in range(end):
                context = tags[start:end]
                if rule.pattern.search(context):
                    assert rule.ending.search(context), (rule.name, context)


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_case(case):
    rows = [q for q in extract(case["text"], doc_id="case") if q.text.startswith(case["quote"])]
    assert len(rows) == 1, f"quotation {case['quote']!r} not found"
    quote = rows[0]
    assert quote.speaker_mention == case["mention"]
    if case["mention"] is None:
        assert quote.speaker is None and quote.rule is None and quote.confidence == 0
        return
    assert quote.speaker == case["speaker"]
    assert quote.cue == case["cue"]
    assert quote.rule == case["rule"]
    assert case["text"][quote.speaker_start : quote.speaker_end] == quote.speaker_mention
    if quote.cue is not None:
        assert case["text"][quote.cue_start : quote.cue_end] == quote.cue
    assert 0 < quote.confidence <= 1


def test_split_quotation_parts_are_linked():
    first, second = extract("“We will win,” he said, “and soon.”", doc_id="case")
    assert first.continues is None and second.continues == first.quote_id
    assert first.speaker_mention == second.speaker_mention == "he"


def test_rules_below_the_threshold_leave_a_quotation_unattributed():
    text = "Maria Keller, the union’s lawyer, faulted the board for acting as “judge and jury at once” in the dispute."
    assert extract(text)[0].speaker is None  # sentence_subject measures below MIN_CONFIDENCE
    assert extract(text, min_confidence=0.0)[0].rule == "sentence_subject"


def test_a_rule_below_the_threshold_does_not_stand_in_the_way_of_a_later_one():
    text = (
        "Mayor Ana Ruiz said the new bylaw was \"written in haste\".\n\n\"It is no surprise the council wants"
        " to move on.\" Tomas Lind, of the traders' guild, said: \"There is no confusion at all.\""
    )
    tried = extract(text, min_confidence=0.0)[1]
    assert (tried.rule, tried.speaker_mention) == ("following_turn", "Tomas Lind")  # tried first, but measures below
    kept = extract(text)[1]
    assert (kept.rule, kept.speaker_mention) == ("next_paragraph_turn", "Mayor Ana Ruiz")


DECOMPOSABLE = """José Núñez, the mayor of Mérida, spoke on Friday. “We will not close the clinic,” Núñez said.
He called the plan a “déjà vu” of the last budget, and Zoë Ångström’s office said it was “premature.”
“Nobody in Peñalolén asked for it,” said Søren Ibáñez, a councillor."""


def test_decomposed_accents_give_the_same_quotations_and_speakers():
    # Text from some systems stores é as e and a combining accent (NFD): a word goes on
    # over the accent, and an apostrophe after it (Ångström’s) is no quotation mark.
    composed = unicodedata.normalize("NFC", DECOMPOSABLE)
    decomposed = unicodedata.normalize("NFD", DECOMPOSABLE)
    assert composed != decomposed

    def found(text):
        return [tuple(unicodedata.normalize("NFC", v or "") for v in (q.text, q.speaker_mention, q.speaker)) + (q.rule,)
                for q in extract(text, doc_id="d")]

    assert found(decomposed) == found(composed)
    assert [q[2] for q in found(composed)] == ["José Núñez", "José Núñez", "Zoë Ångström’s office", "Søren Ibáñez"]


def test_a_name_read_twice_as_latin1_stays_one_name():
    # Sarukhán whose UTF-8 bytes were decoded as Latin-1, twice: Sarukh, Ã, a control
    # code, Â, ¡, n. The name is kept whole, as written.
    mangled = "Sarukh\u00c3\u0083\u00c2\u00a1n"
    text = f"Arturo {mangled}, a former ambassador, spoke. “There is a clear need,” {mangled} added."
    (quote,) = extract(text, doc_id="d")
    assert (quote.speaker_mention, quote.speaker) == (mangled, f"Arturo {mangled}")
