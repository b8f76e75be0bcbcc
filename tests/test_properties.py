"""Properties of the extractor on any text (hypothesis): it never raises, every
offset points at what the row says, byte offsets agree with code point offsets,
quotations never overlap, and a second run gives the same rows."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotes import extract
from quotes.spans import find_spans

# Text made of what trips quotation finders: every kind of quotation mark,
# apostrophes, line breaks of every convention, letters of several scripts,
# astral characters, and the words the attribution rules look for.
MARKS = list("“”\"‘’'«»„‚‹›「」『』`") + ["''", "``", "'''"]
BREAKS = ["\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029"]
WORDS = ["said", "told", "he", "she", "Trump", "Mr.", "President", "the", "statement", "according", "to",
         "’90s", "don’t", "rock ’n’ roll", ",", ".", ":", "?", " ", "  ", "\u00a0", "Jane Doe", "who", "was"]
PIECES = st.one_of(
    st.sampled_from(MARKS),
    st.sampled_from(BREAKS),
    st.sampled_from(WORDS),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
    st.sampled_from(["😀", "𝔘", "한", "é", "\u0301", "ß", "İ", "\ufeff", "\x00"]),
)
TEXTS = st.lists(PIECES, max_size=60).map("".join)

# CI runs this many examples per property: enough to reach the rare mark
# combinations, quick enough for the suite (a few seconds each).
EXAMPLES = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(TEXTS)
def test_rows_point_at_their_text(text):
    encoded = text.encode("utf-8")
    for row in extract(text, doc_id="d"):
        assert 0 <= row.start <= row.end <= len(text)
        assert text[row.start : row.end] == row.text
        assert encoded[row.byte_start : row.byte_end].decode("utf-8") == row.text
        assert row.byte_start == len(text[: row.start].encode("utf-8"))
        if row.speaker_mention is not None:
            assert text[row.speaker_start : row.speaker_end] == row.speaker_mention
            assert row.speaker
        if row.cue is not None:
            assert text[row.cue_start : row.cue_end] == row.cue
        assert (row.rule is None) == (row.speaker is None)
        assert 0.0 <= row.confidence <= 1.0


@EXAMPLES
@given(TEXTS)
def test_quotations_never_overlap_and_stay_in_order(text):
    spans = find_spans(text)
    for before, after in zip(spans, spans[1:]):
        assert before.close_end <= after.open_start
    for span in spans:
        assert span.open_start < span.start <= span.end <= span.close_end <= len(text)
        # A quotation left unclosed ends where its material does, with no closing mark.
        assert (span.close_end > span.end) == bool(span.close_mark)
        assert span.kind in ("direct", "partial")


@EXAMPLES
@given(TEXTS)
def test_a_second_run_gives_the_same_rows(text):
    assert extract(text, doc_id="d") == extract(text, doc_id="d")


@EXAMPLES
@given(TEXTS, st.integers(min_value=0, max_value=3))
def test_byte_base_only_shifts_byte_offsets(text, base):
    plain = extract(text, doc_id="d")
    shifted = extract(text, doc_id="d", byte_base=base)
    assert [(r.byte_start + base, r.byte_end + base) for r in plain] == [(r.byte_start, r.byte_end) for r in shifted]
