"""Tagging: the shortcut that looks a word up once must agree with the full lookup."""

from __future__ import annotations

from quotes.tagging import _PREVIOUS, _tag_depends_on_previous, _word_tag, lexicon, tag


def every_lexicon_word() -> set[str]:
    """Each word the tagger knows, as written, lower case and capitalised, with
    endings that change a word's class (-ly, -'s, -ing) and words it does not know."""
    lex = lexicon()
    known = set(lex.closed) | lex.verbs | lex.listener_verbs | lex.framing | lex.roles
    known |= lex.not_names | lex.particles | lex.abbreviations
    words = {"Zelenskyy", "Okafor's", "quickly", "Smith", "parliament", "NATO", "U.S.", "2024"}
    for word in known:
        words |= {word, word.lower(), word.capitalize(), word.upper(), word + "ly", word + "’s"}
    return words


def test_a_word_looked_up_once_takes_the_same_tag_after_every_tag():
    lex = lexicon()
    for word in every_lexicon_word():
        if not _tag_depends_on_previous(word, lex):
            tags = {_word_tag(word, previous, lex) for previous in _PREVIOUS}
            assert len(tags) == 1, (word, tags)


def test_a_verb_that_is_also_a_noun_is_one_inside_a_noun_phrase():
    # report, press, estimates: nouns between the words of a noun phrase and its verb
    cases = {
        "the Harbor report said": "DNRV",
        "Published reports have said": "NRXV",
        "a Harbor post saying": "DNRY",
        "Harbor Federation press officer Lars Lund": "NNRRNN",
        # verbs where they have a subject and an object, or open a reported clause
        "Harbor officials report that": "NRvt",
        "Lars Lund will press officials": "NNXVR",
        "which the Harbor Institute estimates would cost": "HDNNvXw",
    }
    assert_tags(cases)


def test_press_is_a_verb_only_where_a_verb_stands():
    cases = {
        "the French press today": "DNRA",
        "a London press conference": "DNRw",
        "on press reports that": "ORRt",
        # after "to", an auxiliary or a pronoun, or between a subject and its object
        "to press for a vote": "OVODw",
        "Ana Ruiz will press ahead": "NNXVw",
        "Unions press Harbor Bank for a deal": "NVNNODw",
    }
    assert_tags(cases)


def assert_tags(cases: dict[str, str]) -> None:
    """Each text is tagged as its case says (the text named when it is not)."""
    for text, tags in cases.items():
        assert tag(text).tags == tags, text
