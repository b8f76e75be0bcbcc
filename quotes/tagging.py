"""Tagging: the words around quotations, as a string of one-letter tags.

Attribution rules are regular expressions over these tags rather than over raw
text, so one short pattern such as ``(?P<spk>NP)V`` covers "Trump said", "the
White House press secretary said" and "he said". Only the paragraphs that hold
quotations are ever tagged.

Tags (one character per token):

====  ==================================================================
Q     a quotation (marks and all), treated as one opaque token
V     a reporting verb (said, noted; put in "put it")   v  a framing verb (called, described)
K     a reporting verb whose object is the listener (told, informed)
Y     a reporting verb in -ing (saying)      y  a framing verb in -ing (calling)
P     a personal pronoun (he, she, they)     W  relative *who*
N     a capitalised word that may be part of a name
T     a title or honorific (President, Sen., Mr.)
R     a role or speaking document (spokesman, official, statement)
G     a possessive (Trump's, the president's; *his* before S)
S     what a possessor said (claim, statement, promise), after G only
D     a determiner      a  a modifier before a role (former, top, acting)
A     an adverb         O  a preposition      C  a conjunction (and *with* before a speaker:
      with Cruz saying)
U     *according* (as in "according to"), and *by* right after a quotation (called a
      "witch hunt" by Democrats)
t     *that*
H     *whom*, *which* (as in "whom he called")   h  *what* (as in "what he calls")
X     an auxiliary verb (has, would)       B  a form of *be* (is, was, been)
Z     *quote* as a verb (quoted), whose object is the speaker
n     a number          w  any other word
e     a verb in the past tense between two names (Perez *hammered* Trump)
, : ; . - ( )          punctuation (``.`` also stands for ``!`` and ``?``)
~     any other punctuation mark
====  ==================================================================

>>> tokens = tag("“We won,” Trump told reporters.", quotes=[(0, 9)])
>>> tokens.tags
'QNKR.'
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress
import operator

import re

import regex

from quotes import lexicons
from quotes.spans import COMBINING_ACCENTS

# A word may hold inner apostrophes, hyphens and full stops (Trump’s, well-known,
# U.S); a full stop after it is attached when it belongs to an abbreviation. It may also
# hold combining accents, anywhere after its first letter (José written decomposed, as
# e and U+0301), and the signs and control codes of Latin-1 (U+0080 to U+00BF but the
# spaces, « and »): a soft hyphen (news\u00adpaper), an acute accent for an apostrophe
# (don´t), and what is left of a letter whose UTF-8 bytes were read as Latin-1, once or
# twice (SarukhÃ¡n, SarukhÃ\x83Â¡n for Sarukhán), so that such names stay whole.
# The standard re module is used: it is the faster engine for this simple pattern.
WORD_SIGNS = COMBINING_ACCENTS + "\u0080-\u0084\u0086-\u009f\u00a1-\u00aa\u00ac-\u00ba\u00bc-\u00bf"
_TOKEN = re.compile(rf"[^\W_](?:[\w'’.\-{WORD_SIGNS}]*[^\W_])?[{COMBINING_ACCENTS}]*|[^\w\s]|_")
_PUNCTUATION_TAGS = {",": ",", ":": ":", ";": ";", ".": ".", "!": ".", "?": ".", "…": ".",
                     "—": "-", "–": "-", "-": "-", "(": "(", ")": ")", "[": "(", "]": ")"}
_POSSESSIVE_ENDINGS = ("’s", "'s", "s’", "s'")
_SENTENCE_OPENING = ("", ".", "Q", ":")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Tagged tokens: ``tags[i]`` is the tag of ``text[starts[i]:ends[i]]``."""

    tags: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


@dataclass(frozen=True)
class _Lexicon:
    closed: dict[str, str]  # lower-case word -> tag, for closed word classes
    verbs: frozenset[str]
    listener_verbs: frozenset[str]
    framing: frozenset[str]
    roles: frozenset[str]
    not_names: frozenset[str]
    abbreviations: frozenset[str]
    particles: frozenset[str]
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word -> (words, tag)
    phrase_starts: frozenset[str]  # first words of phrases, as written and capitalised
    speech_nouns: frozenset[str]  # claim, statement, promise: what a possessor said
    finite_verbs: frozenset[str]  # said, tells, wrote: reporting verbs that have a subject
    possessive_pronouns: frozenset[str]  # his, her, their
    standalone_determiners: frozenset[str]  # another, many, one: may be a subject alone
    not_adverbs: frozenset[str]  # family, daily, rally: -ly words that are not adverbs
    given_names: frozenset[str]  # Emily, Kelly: names that look like adverbs
    places: frozenset[str]  # Hampshire, Calif.: the last words of names of places
    quoting: frozenset[str]  # quoted: reports its object's words, not its subject's
    modifier_endings: tuple[str, ...]  # -based, -led: a capitalised word ending so is a modifier
    reporting_phrases: dict[str, tuple[str, ...]]  # put -> (it,): a verb that reports with its words
    time_words: frozenset[str]  # Monday, yesterday: may stand between a speech noun and "that"
    verb_nouns: frozenset[str]  # report, order, brief: verbs that are nouns inside a noun phrase
    mostly_nouns: frozenset[str]  # press: a verb only where a verb's place shows


@cache
def lexicon() -> _Lexicon:
    """The word lists the tagger needs, read once from ``lexicons/en``."""
    closed: dict[str, str] = {}
    for name, tag_letter in (
        ("auxiliaries", "X"),
        ("be_forms", "B"),
        ("prepositions", "O"),
        ("conjunctions", "C"),
        ("adverbs", "A"),
        ("modifiers", "a"),
        ("determiners", "D"),
    ):
        for word in lexicons.words(name):
            closed[word] = tag_letter
    for row in lexicons.table("pronouns"):
        closed[row[0]] = "W" if row[0] == "who" else "P"
    closed["that"] = "t"
    for word in ("whom", "which"):
        closed[word] = "H"
    closed["what"] = "h"  # "what he calls": the subject of the sentence speaks
    closed["according"] = "U"
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    roles = set()
    for phrase in lexicons.phrases("titles"):
        words = tuple(phrase.split())
        phrases.setdefault(words[0], []).append((words, "T"))
    for line in (*lexicons.lines("roles.txt"), *lexicons.lines("groups.txt"), *lexicons.lines("documents.txt")):
        for form in line.split(","):
            words = tuple(form.split())
            if len(words) == 1:
                roles.add(words[0])
            else:
                phrases.setdefault(words[0], []).append((words, "R"))
    ordered = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in phrases.items()}
    return _Lexicon(
        closed=closed,
        verbs=lexicons.words("reporting_verbs") | lexicons.words("listener_verbs"),
        listener_verbs=lexicons.words("listener_verbs"),
        framing=lexicons.words("framing_verbs"),
        roles=frozenset(roles),
        not_names=lexicons.words("not_names"),
        abbreviations=lexicons.words("abbreviations"),
        particles=lexicons.words("name_particles"),
        phrases=ordered,
        phrase_starts=frozenset(ordered) | frozenset(w[:1].upper() + w[1:] for w in ordered),
        speech_nouns=lexicons.words("speech_nouns"),
        finite_verbs=lexicons.finite_forms("reporting_verbs") | lexicons.finite_forms("listener_verbs"),
        possessive_pronouns=lexicons.words("possessive_pronouns"),
        standalone_determiners=lexicons.words("standalone_determiners"),
        not_adverbs=lexicons.words("not_adverbs"),
        given_names=lexicons.words("female_names") | lexicons.words("male_names"),
        places=lexicons.words("place_words"),
        quoting=lexicons.words("quoting_verbs"),
        modifier_endings=tuple(sorted(lexicons.words("modifier_endings"))),
        reporting_phrases=_phrase_table("reporting_phrases"),
        time_words=lexicons.words("time_words"),
        verb_nouns=lexicons.words("verb_nouns"),
        mostly_nouns=lexicons.words("mostly_nouns"),
    )


def _phrase_table(name: str) -> dict[str, tuple[str, ...]]:
    """Each phrase of a list by its first word: the words that must follow it.

    >>> _phrase_table("reporting_phrases")["put"]
    ('it',)
    """
    return {words[0]: tuple(words[1:]) for words in map(str.split, lexicons.lines(f"{name}.txt"))}


def tag(
    text: str,
    start: int = 0,
    end: int | None = None,
    quotes: Sequence[tuple[int, int]] = (),
    lowercase: Callable[[], Container[str]] | None = None,
) -> Tokens:
    """Tag ``text[start:end]``; each ``(open_start, close_end)`` in ``quotes`` becomes one Q.

    ``lowercase`` gives the words the document writes in lower case (asked for
    only when needed): a capitalised word opening a sentence ("More", "Given",
    "Together") is not a name when the document also writes it in lower case.

    >>> tag("Leavitt noted, ").tags
    'NV,'
    >>> tag("the former U.S. president said").tags
    'DaNRV'
    """
    end = len(text) if end is None else end
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cursor = start
    for open_start, close_end in quotes:
        if close_end <= start or open_start >= end:
            continue
        _split(text, cursor, max(cursor, open_start), words, starts, ends)
        words.append("")
        starts.append(open_start)
        ends.append(close_end)
        cursor = close_end
    _split(text, cursor, end, words, starts, ends)
    tags = _tag_words(words)
    if lowercase is not None:
        # The engine finds the names opening a sentence: no Python loop over every tag.
        lex = lexicon()
        for i in [found.start() for found in _SENTENCE_OPENING_NAME.finditer("".join(tags))]:
            if i and tags[i - 1] == "Q" and _continues_sentence(text, ends[i - 1]):
                continue  # "“… force,” Will described": the quotation's comma goes on
            if words[i + 1 : i + 2] and words[i + 1][:1].islower() and words[i].lower() in lowercase():
                if words[i + 1] in lex.finite_verbs:
                    continue  # "Rose said", "From said": the subject of the verb after it
                tags[i] = "w"
    return Tokens("".join(tags), tuple(starts), tuple(ends))


_SENTENCE_OPENING_NAME = re.compile("(?<![^.Q:])N")  # an N first, or after . Q or :


def _continues_sentence(text: str, close_end: int) -> bool:
    """Whether the quotation that closes at ``close_end`` ends with a comma inside its
    marks, so that the sentence goes on after it.

    >>> _continues_sentence("“We lost,” Will said.", 10), _continues_sentence("“We lost.” Will", 10)
    (True, False)
    """
    inside = text[:close_end].rstrip("\"'”’»› ")
    return inside.endswith(",")


_A_TO_Z = re.compile(r"[a-z]{2,}")


class LowercaseWords(Container[str]):
    """The words a text writes in lower case (letters a to z only, two or more):
    a word standing on its own, not after a letter, digit or apostrophe.

    Only the few words that open sentences are ever asked about, so each is looked
    up in the text when asked (and remembered): listing every word of every text
    took a third as long as all the tagging.

    >>> words = LowercaseWords("More came. Then more and more.")
    >>> "more" in words, "then" in words, "re" in words
    (True, False, False)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        found = self.known.get(word)
        if found is None:
            found = self.known[word] = _written_in_lowercase(self.text, word)
        return found


def _written_in_lowercase(text: str, word: str) -> bool:
    """Whether ``word`` (a to z) stands in ``text`` with no letter, digit, underscore or
    apostrophe before it and no letter, digit or underscore after it.

    The places are found with ``str.find`` and their neighbours tested: a regular
    expression made for each word cost more to compile than the search itself.

    >>> _written_in_lowercase("Ex-more, more’s", "more"), _written_in_lowercase("’more moreover", "more")
    (True, False)
    """
    if not _A_TO_Z.fullmatch(word):
        return False
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _is_word_character(text[at - 1]) and text[at - 1] not in "’'") and (
            end == len(text) or not _is_word_character(text[end])
        ):
            return True
        at = text.find(word, at + 1)
    return False


def _is_word_character(character: str) -> bool:
    """What ``\\w`` matches in a regular expression: a letter, a digit or ``_``."""
    return character.isalnum() or character == "_"


def lowercase_words(text: str) -> LowercaseWords:
    """The words a text writes in lower case, looked up as they are asked about.

    >>> "more" in lowercase_words("More came. Then more and more.")
    True
    """
    return LowercaseWords(text)


_GROUP, _START, _END = re.Match.group, re.Match.start, re.Match.end


def _split(text: str, start: int, end: int, words: list, starts: list, ends: list) -> None:
    """Append the tokens of ``text[start:end]``, keeping an abbreviation's full stop."""
    tokens = list(_TOKEN.finditer(text, start, end))
    first = len(words)
    # map() over the match methods keeps the loops over tokens out of Python code.
    words.extend(map(_GROUP, tokens))
    starts.extend(map(_START, tokens))
    ends.extend(map(_END, tokens))
    if "." in words[first:]:
        _attach_full_stops(words, starts, ends, first)


def _attach_full_stops(words: list, starts: list, ends: list, first: int) -> None:
    """Mr. and U.S. keep their full stop: it does not end a sentence there."""
    abbreviations = lexicon().abbreviations
    # Only the full stops are visited, the last first, so that attaching one (and
    # deleting its token) leaves the places of those still to visit as they were.
    # A full stop never attaches to another, so the order changes nothing else.
    # (A full stop opening the stretch has no word of it to attach to.)
    stops = [first + i for i in _positions(words[first:], _FULL_STOP) if i > 0]
    for i in reversed(stops):
        word = words[i - 1]
        if (
            ends[i - 1] == starts[i]
            and word[:1].isalnum()
            and (
                word + "." in abbreviations
                or "." in word
                or (len(word) == 1 and word.isupper())
                or word.rpartition("-")[2] + "." in abbreviations  # (D-Nev.), (R-Pa.)
            )
        ):
            words[i - 1] = word + "."
            ends[i - 1] = ends[i]
            del words[i], starts[i], ends[i]


_FULL_STOP = frozenset({"."})


# The tag of a word depends on the tag before it in three ways only (after an
# article, at a sentence opening, after a name): each word is looked up once for
# the four cases, and the few words whose tag differs are revisited in order.
_BUCKET = {"D": 1, "a": 1, "G": 1, "": 2, ".": 2, "Q": 2, ":": 2, "N": 3}
_PREVIOUS = ("w", "D", "", "N")  # a tag standing for each bucket
_VARIANTS: dict[str, str] = {"": "QQQQ"}  # word -> its tag after each bucket; "" stands for a quotation
_CACHE_LIMIT = 400_000  # distinct words before the cache starts over
# The variants whose tag depends on the word before or after: so few kinds that a set
# of them tells the words to revisit faster than a look at each word's variants.
_AMBIGUOUS: set[str] = set()


def _variants(word: str) -> str:
    variants = _VARIANTS.get(word)
    if variants is None:
        if len(_VARIANTS) > _CACHE_LIMIT:
            _VARIANTS.clear()
            _VARIANTS[""] = "QQQQ"
        lex = lexicon()
        if _tag_depends_on_previous(word, lex):
            variants = "".join(_word_tag(word, previous, lex) for previous in _PREVIOUS)
        else:
            variants = _word_tag(word, "w", lex) * 4
        if variants[2] == "N" and (len(word) > 5 and word.endswith(("ing", "ed")) or word.lower() in lex.finite_verbs):
            variants += "?"  # may be a verb opening a sentence: decided with the next word
        elif variants[2] == "N" and word.lower() in lex.not_adverbs:
            variants += "?"  # "Early in his campaign," opens a sentence, "Daily Mail" is a name
        elif variants[3] in "DPOCAWatHh" and word in lex.not_names:
            variants += "?"  # may be part of a name: decided with the next word
        elif variants[0] == "a" and word in lex.verbs:
            variants += "?"  # "state" qualifies a role (state senator) or reports (the Saudis state)
        elif word[:1].isupper() and (variants[0] in "XBO" or variants[2] == "a"):
            variants += "?"  # "Will", "From", "Young" may be names (Will wrote): decided with the next word
        if len(variants) > 4 or variants.count(variants[0]) != 4:
            _AMBIGUOUS.add(variants)
        _VARIANTS[word] = variants
    return variants


def _tag_depends_on_previous(word: str, lex: _Lexicon) -> bool:
    """Whether ``_word_tag`` may give the word another tag after another tag: only
    modifiers (at a sentence opening), name particles (after a name), and verbs
    (after an article) do. Most new words are names, looked up once, not four times.

    >>> _tag_depends_on_previous("reports", lexicon()), _tag_depends_on_previous("Zelenskyy", lexicon())
    (True, False)
    """
    lower = word.lower()
    return (
        lex.closed.get(lower) == "a"
        or "-" in word and lower.endswith(lex.modifier_endings)
        or _is_adverb(lower, lex)
        or word in lex.particles
        or lower in lex.verbs
        or lower in lex.framing
        or lower in lex.quoting
    )


def _tag_words(words: list[str]) -> list[str]:
    """The tag of each word; quotation tokens (``""``) become Q."""
    lex = lexicon()
    variants = list(map(_VARIANTS.get, words))  # most words are known: looked up without a Python loop
    if None in variants:
        for i in compress(range(len(variants)), map(operator.not_, variants)):  # only the new words
            variants[i] = _variants(words[i])
    tags = list(map(_FIRST, variants))
    covered: set[int] = set()
    # One pass finds the words of all four word lists below; each list then visits its own.
    notable = _positions(words, _notable_words())
    for i in notable:
        if i in covered or words[i] not in lex.phrase_starts:
            continue
        phrase = _phrase_at(words, i, lex)
        if phrase:
            length, letter = phrase
            tags[i : i + length] = letter * length
            covered.update(range(i, i + length))
    for i in _positions(variants, _AMBIGUOUS):
        if i in covered:
            continue
        previous = tags[i - 1] if i else ""
        bucket = _BUCKET.get(previous, 0)
        letter = variants[i][bucket]
        if previous == "D" and _subject_of_verb(words, i, lex):
            letter = "V"  # "Yet another said": a determiner standing alone as the subject
        elif len(variants[i]) > 4:
            following = words[i + 1][:1] if i + 1 < len(words) else ""
            if letter == "N" and bucket == 2 and following.islower() and not _verb_like(words[i + 1], lex):
                letter = "w"  # "Kicking off the rally, he said": a verb, not a name ("Husted said" is one)
            elif letter == "N" and bucket == 2 and following.isupper() and words[i].lower() in lex.finite_verbs:
                letter = "V"  # "Said Comey, “…”": an inverted cue opening its sentence
            elif bucket == 3 and following.isupper():
                letter = "N"  # "CBS This Morning": a capitalised word inside a name
            elif letter in "XB" and (following.isupper() or (i + 1 < len(words) and _verb_like(words[i + 1], lex))):
                letter = "N"  # "Will Doyle said", "Will wrote": a name, not an auxiliary
            elif letter in "XB" and previous == "N" and (i + 1 == len(words) or following and following in ",.;:()"):
                letter = "N"  # "said analyst Rick May.", "Theresa May, the prime minister": a surname
            elif letter == "a" and words[i] in lex.verbs and previous in "NPR" and tags[i + 1 : i + 2] in _AFTER_VERB:
                letter = "V"  # "the Saudis state in the paper that": a subject's verb, not a modifier
            elif letter in "Oa" and _subject_of_next(words, i, letter, lex):
                letter = "N"  # "From said", "Young wrote", "the state said": a subject
        tags[i] = letter
    for i in notable:
        if words[i] in lex.speech_nouns:
            _mark_possessed_speech(words, tags, i, lex)
    for i in notable:
        if words[i] in lex.reporting_phrases:
            _mark_reporting_phrase(words, tags, i, lex)
    for i in notable:
        if words[i] in lex.verb_nouns or words[i] in lex.mostly_nouns:
            _mark_verb_noun(words, tags, i, lex)
    _mark_by_neighbours(words, tags, lex)
    return tags


def _mark_by_neighbours(words: list[str], tags: list[str], lex: _Lexicon) -> None:
    """Retag the words whose part the words beside them decide: a state after a town,
    the brackets and ampersands inside names, *with* and *by* before a speaker. Each
    pass is skipped, by a test in C, in the units that lack its word."""
    joined = "".join(tags)  # one string of the tags for both searches below: the first only
    _mark_verbs_between_names(words, tags, joined)  # turns w into e, which the second ignores
    _mark_words_in_capitals(words, tags, lex, joined)
    _mark_places_after_names(words, tags, lex)
    if "<" in words:
        _mark_bracketed_names(words, tags)
    if "&" in words:
        _mark_ampersands(words, tags)
    if "with" in words:
        _mark_with_clauses(words, tags)
    if "by" in words:
        _mark_agents(words, tags)


# A headline of wire copy written in capitals (BAKER SAYS REAGAN TO MEET PRESS): at
# least this many words in capitals in a row, with nothing in lower case between them.
_CAPITALS_RUN = 3
# Where such a run may stand: every word in capitals is tagged N at first, so a run is
# among three or more N with only other marks, numbers and quotations between (K MART
# <KM> SAYS; ONGPIN SAYS "PINS" WILL REVIVE BAKER PLAN).
_MAY_BE_CAPITALS = re.compile("N[N~nQ]*N[N~nQ]*N")


def _mark_words_in_capitals(words: list[str], tags: list[str], lex: _Lexicon, joined: str | None = None) -> None:
    """Tag the known words of a run of words in capitals as their lower-case selves: in
    a headline in capitals every word looks like a name, but SAYS still reports and HE is
    still a pronoun. Words the lexicons do not know stay names (BAKER, REAGAN); a short
    run (the US and the EU, NEW YORK) is left as it is. Units with no three names in a
    row, nearly all, are passed over by one search of their tags; the runs found are also
    read as headlines in title case (``_mark_headline_in_title_case``).

    >>> words = ["BAKER", "SAYS", "HE", "WILL", "RUN", "in", "Ohio"]
    >>> tags = list("NNNNNON")
    >>> _mark_words_in_capitals(words, tags, lexicon()); "".join(tags)
    'NVPXNON'
    """
    for found in _MAY_BE_CAPITALS.finditer(joined if joined is not None else "".join(tags)):
        run: list[int] = []
        for k in range(found.start(), found.end() + 1):  # one past the end closes the last run
            word = words[k] if k < found.end() else "a"
            if any(c.islower() for c in word):
                if sum(len(words[i]) > 1 for i in run) >= _CAPITALS_RUN:
                    _retag_in_lower_case(words, tags, run, lex)
                run = []
            elif word[:1].isalpha():
                run.append(k)
        _mark_headline_in_title_case(words, tags, found.start(), found.end(), lex)


def _mark_headline_in_title_case(words: list[str], tags: list[str], start: int, end: int, lex: _Lexicon) -> None:
    """Tag the known words of a headline in title case as their lower-case selves, as
    for a headline in capitals: in "Ana Ruiz Calls The Levy A Tax On Farmers" the verb
    still reports. A run of three names or more is a headline when, after its first word,
    it holds two known words, one of them of the closed classes (articles, prepositions,
    pronouns, auxiliaries), or a reporting or framing verb after a person's name; a name
    with one such word inside (CBS This Morning, the Detroit Free Press) stays whole.

    >>> words = ["Ana", "Ruiz", "Calls", "The", "Levy", "Unfair", "and", "CBS", "This", "Morning"]
    >>> tags = list("NNNNNNCNNN")
    >>> _mark_headline_in_title_case(words, tags, 0, 10, lexicon()); "".join(tags)
    'NNvDNNCNNN'
    >>> words = ["the", "Detroit", "Free", "Press", "and", "Maria", "Lund", "Explained"]
    >>> tags = list("DNNNCNNN")
    >>> _mark_headline_in_title_case(words, tags, 0, 8, lexicon()); "".join(tags)
    'DNNNCNNV'
    """
    run: list[int] = []
    for k in range(start, end + 1):  # one past the end closes the last run
        if k < end and tags[k] == "N":
            run.append(k)
            continue
        if len(run) >= 3:
            _retag_title_case_run(words, tags, run, lex)
        run = []


def _retag_title_case_run(words: list[str], tags: list[str], run: list[int], lex: _Lexicon) -> None:
    known = [i for i in run[1:] if _known_in_lower_case(words[i], lex)]
    verbs = [i for i in known if words[i].lower() in lex.verbs or words[i].lower() in lex.framing]
    closed = len(known) > len(verbs)
    # A verb alone makes a headline only after a person's name (Ana Ruiz Says …): names
    # of papers and offices hold words that are verbs in lower case (Detroit Free Press,
    # New York City Public Advocate, Gulf States Utilities).
    after_a_name = bool(verbs) and words[run[0]] in lex.given_names and verbs[0] - run[0] >= 2
    if (closed and len(known) >= 2) or after_a_name:
        for i in known:
            tags[i] = _word_tag(words[i].lower(), tags[i - 1], lex)


def _known_in_lower_case(word: str, lex: _Lexicon) -> bool:
    """A word in title case that the lexicons know in lower case, but for the modifiers
    that open names (New, Former) and words in capitals (handled as capitals)."""
    lower = word.lower()
    if word.isupper() and len(word) > 1:
        return False
    closed = lex.closed.get(lower)
    return (closed is not None and closed != "a") or lower in lex.verbs or lower in lex.framing or lower in lex.quoting


# An unknown word in lower case between two names: a role the lexicons lack (Yankees
# pitcher Ana Ruiz) or a verb (Ruiz hammered Berg).
_WORD_BETWEEN_NAMES = re.compile("(?<=N)w(?=[NT])")


def _mark_verbs_between_names(words: list[str], tags: list[str], joined: str | None = None) -> None:
    """Tag e an unknown word in the past tense between two names: "Perez hammered Trump"
    is a subject, its verb and its object, not one name with a role inside it, so no
    mention may span it. It is no reporting verb either: its own tag keeps it out of
    the rules' verbs.

    >>> words = ["Ruiz", "hammered", "Berg", "and", "Yankees", "pitcher", "Ana", "Ruiz"]
    >>> tags = list("NwNCNwNN")
    >>> _mark_verbs_between_names(words, tags); "".join(tags)
    'NeNCNwNN'
    """
    for found in _WORD_BETWEEN_NAMES.finditer(joined if joined is not None else "".join(tags)):
        word = words[found.start()]
        if len(word) > 4 and word.endswith("ed") and word.isalpha() and word.islower():
            tags[found.start()] = "e"


def _retag_in_lower_case(words: list[str], tags: list[str], run: list[int], lex: _Lexicon) -> None:
    for i in run:
        lower = words[i].lower()
        if lower in lex.closed or lower in lex.verbs or lower in lex.framing or lower in lex.roles or lower in lex.quoting:
            tags[i] = _word_tag(lower, tags[i - 1] if i else "", lex)


def _mark_agents(words: list[str], tags: list[str]) -> None:
    """Tag U a *by* right after a quotation: the source of a passive verb before it
    (called a "witch hunt" by Democrats), as *according* introduces one.

    >>> words = ["called", "a", "", "by", "critics"]
    >>> tags = list("vDQOR")
    >>> _mark_agents(words, tags); "".join(tags)
    'vDQUR'
    """
    for i in _positions(words, ("by",)):
        if i and tags[i - 1] == "Q":
            tags[i] = "U"


_WITH_CLAUSE = re.compile("O(?=(?:[Dn]O)?[DaNRGTnP](?:C?[DaNRGTnP]){0,5}A?[Yy])")  # with Cruz, with one of her ads


def _mark_with_clauses(words: list[str], tags: list[str]) -> None:
    """Tag C a *with* whose noun phrase speaks in the -ing form after it (with Cruz
    promising to …, with one of her ads asking): a clause of its own, like *and*, where
    other prepositions stay places (on Facebook writing).

    >>> words = ["with", "Ruiz", "calling", "it"]
    >>> tags = list("ONyw")
    >>> _mark_with_clauses(words, tags); "".join(tags)
    'CNyw'
    """
    for found in _WITH_CLAUSE.finditer("".join(tags)):
        if words[found.start()] == "with":
            tags[found.start()] = "C"


def _mark_ampersands(words: list[str], tags: list[str]) -> None:
    """Tag N an ampersand between capitalised words: it joins one name (Standard &
    Poor's, Marks & Spencer), not two speakers.

    >>> words = ["Marks", "&", "Spencer", "said"]
    >>> tags = list("N~NV")
    >>> _mark_ampersands(words, tags); "".join(tags)
    'NNNV'
    """
    for i in _positions(words, ("&",)):
        if 0 < i < len(words) - 1 and tags[i - 1] == "N" and tags[i + 1] == "N":
            tags[i] = "N"


def _mark_bracketed_names(words: list[str], tags: list[str]) -> None:
    """Tag N the angle brackets around capitalised words: the company names and
    tickers of wire copy (Chrysler Corp <C> treasurer Ana Ruiz, a trader at <Harbor
    Trust Co Ltd>) are part of the name around them.

    >>> words = ["Harbor", "Corp", "<", "HC", ">", "treasurer"]
    >>> tags = list("NN~N~R")
    >>> _mark_bracketed_names(words, tags); "".join(tags)
    'NNNNNR'
    """
    for found in _BRACKETED_NAME.finditer("".join(tags)):
        if words[found.start()] == "<" and words[found.end() - 1] == ">":
            tags[found.start()] = tags[found.end() - 1] = "N"


_BRACKETED_NAME = re.compile("~N[NCO]{0,8}~")


_PLACE_AFTER_NAME = re.compile("(?<=N,)N{1,3}(?=,)")


def _mark_places_after_names(words: list[str], tags: list[str], lex: _Lexicon) -> None:
    """Tag w the state or country that follows a town between commas (in Salem, New
    Hampshire, Trump said): it belongs to the phrase before it, and is no subject. Not
    after "of" or "from" (Ana Ruiz, of Raleigh, N.C., said), which tells who a person is.

    >>> words = ["in", "Aspen", ",", "Colo.", ",", "Ruiz", "said"]
    >>> tags = list("ON,N,NV")
    >>> _mark_places_after_names(words, tags, lexicon()); "".join(tags)
    'ON,w,NV'
    >>> words[0] = "of"; tags = list("ON,N,NV")
    >>> _mark_places_after_names(words, tags, lexicon()); "".join(tags)
    'ON,N,NV'
    """
    joined = "".join(tags)
    if "N,N" not in joined:  # the usual case, told without a regular expression
        return
    for found in _PLACE_AFTER_NAME.finditer(joined):
        if words[found.end() - 1] in lex.places and not _of_a_person(words, joined, found.start() - 1):
            tags[found.start() : found.end()] = "w" * (found.end() - found.start())


def _of_a_person(words: list[str], tags: str, comma: int) -> bool:
    """Whether the town before ``comma`` follows "of" or "from": where a person is from
    (Ana Ruiz, 30, of Raleigh, N.C., said), which the patterns read as a whole."""
    town = comma
    while town and tags[town - 1] == "N":
        town -= 1
    return town > 0 and words[town - 1].lower() in ("of", "from")


@cache
def _notable_words() -> frozenset[str]:
    """The words that start a phrase, name something said, start a reporting phrase, or
    are verbs that may be nouns: the few words ``_tag_words`` looks at again after their
    first tag.

    >>> {"claim", "put", "President"} <= _notable_words(), "the" in _notable_words()
    (True, False)
    """
    lex = lexicon()
    return lex.phrase_starts | lex.speech_nouns | frozenset(lex.reporting_phrases) | lex.verb_nouns | lex.mostly_nouns


# Before a verb noun that heads a noun phrase: a name, a modifier, a role or another
# noun (the DOT report, newspaper reports, media reports). After it: the phrase's own
# verb (said, told, quoted, have, was; saying), or the role it qualifies (attack ads).
_BEFORE_VERB_NOUN = frozenset("NaRw")
_AFTER_VERB_NOUN = frozenset("VKvYyZRXB")


def _mark_verb_noun(words: list[str], tags: list[str], i: int, lex: _Lexicon) -> None:
    """Tag as a noun (R if it is a role, w otherwise) a verb noun that stands inside a noun
    phrase: "the DOT report said", "Democratic attack ads", "Published reports have
    said". A verb there would have no subject before it, or no object after it; but
    after *which* or *what* the words before it may be its subject and an auxiliary
    after it open the clause it reports (which the Harbor Institute estimates would
    cost). A word that is mostly a noun (press) is one wherever no verb's place shows.

    >>> tags = list("DNvV")
    >>> _mark_verb_noun(["the", "DOT", "report", "said"], tags, 2, lexicon()); "".join(tags)
    'DNRV'
    >>> tags = list("HDNvX")
    >>> _mark_verb_noun(["which", "the", "Harbor", "estimates", "would"], tags, 3, lexicon()); "".join(tags)
    'HDNvX'
    """
    if tags[i] in "VKv" and words[i] in lex.mostly_nouns and not _in_verb_place(words, tags, i):
        tags[i] = "R" if words[i] in lex.roles else "w"
        return
    if not (
        tags[i] in "VKv"
        and 0 < i < len(tags) - 1
        and tags[i - 1] in _BEFORE_VERB_NOUN
        and tags[i + 1] in _AFTER_VERB_NOUN
    ):
        return
    start = i - 1
    while start > 0 and tags[start - 1] in "NaRwDG":
        start -= 1
    if tags[i + 1] in "XB" and start and tags[start - 1] in "Hh":
        return
    tags[i] = "R" if words[i] in lex.roles else "w"


def _in_verb_place(words: list[str], tags: list[str], i: int) -> bool:
    """Whether a word stands where only a verb can: after "to", an auxiliary, an adverb,
    a pronoun or *who*, or between a subject and its object or preposition.

    >>> [_in_verb_place(w.split(), t, 1) for w, t in (("to press", "OV"), ("on press reports", "OVv"))]
    [True, False]
    >>> [_in_verb_place(w.split(), t, 1) for w, t in (("Democrats press Lund", "NVN"), ("London press conference", "NVw"))]
    [True, False]
    """
    if i == 0:
        return True  # "Press the button": an imperative opening its sentence
    before = tags[i - 1]
    after = tags[i + 1] if i + 1 < len(tags) else ""
    return (
        words[i - 1].lower() == "to"
        or before in "XAPW"
        or (before in "NRwC" and after != "" and after in "ONDGPTt")
    )


def _mark_reporting_phrase(words: list[str], tags: list[str], i: int, lex: _Lexicon) -> None:
    """Tag V (Y in -ing) the verb of a reporting phrase when its other words follow it.

    >>> tags = list("PwP:")
    >>> _mark_reporting_phrase(["she", "put", "it", ":"], tags, 1, lexicon()); "".join(tags)
    'PVP:'
    """
    rest = lex.reporting_phrases[words[i]]
    if [w.lower() for w in words[i + 1 : i + 1 + len(rest)]] == list(rest):
        tags[i] = "Y" if words[i].endswith("ing") else "V"  # "as one official put it"


# After a possessor, a few words may describe what was said: Trump's recent evidence-free
# (assertion), her March (comment). What follows it opens its complement: that, on, to, a
# comma, a colon, the quotation itself, or a form of be (her response was: "…").
_BEFORE_SPEECH_NOUN = frozenset("aANwn")
_AFTER_SPEECH_NOUN = frozenset("Ot,:QB")


def _mark_possessed_speech(words: list[str], tags: list[str], i: int, lex: _Lexicon) -> None:
    """Tag S a noun naming something said when a possessor stands before it, and the
    possessor G: "his claim that", "Trump's recent assertion that"; or when "the" stands
    before it and "of" after it, the possessor following (in the words of an adviser).
    Elsewhere the noun keeps its tag (the statement said, a claim).

    >>> words, tags = ["his", "claim", "that", ""], list("DVtQ")
    >>> _mark_possessed_speech(words, tags, 1, lexicon()); "".join(tags)
    'GStQ'
    >>> words, tags = ["in", "the", "words", "of", "an", "adviser"], list("ODwODR")
    >>> _mark_possessed_speech(words, tags, 2, lexicon()); "".join(tags)
    'ODSODR'
    >>> words, tags = ["his", "comment", "Monday", "that", ""], list("DwwtQ")
    >>> _mark_possessed_speech(words, tags, 1, lexicon()); "".join(tags)
    'GSwtQ'
    """
    following = tags[i + 1] if i + 1 < len(tags) else ""
    if following == "w" and words[i + 1] in lex.time_words:  # his comment Monday that
        following = tags[i + 2] if i + 2 < len(tags) else ""
    if following not in _AFTER_SPEECH_NOUN:
        return
    if following == "O" and i > 0 and words[i - 1].lower() == "the" and words[i + 1].lower() == "of":
        tags[i] = "S"
        return
    j = i - 1
    while j >= 0 and i - j <= 3 and tags[j] in _BEFORE_SPEECH_NOUN:
        j -= 1
    if j < 0:
        return
    if tags[j] == "D" and words[j].lower() in lex.possessive_pronouns:
        tags[j] = "G"
    if tags[j] == "G":
        tags[i] = "S"


_FIRST = operator.itemgetter(0)


def _subject_of_verb(words: list[str], i: int, lex: _Lexicon) -> bool:
    """A past form of a reporting verb after a determiner that may stand alone
    (another said, many wrote): the verb of that subject, not a noun.

    >>> _subject_of_verb(["another", "said"], 1, lexicon()), _subject_of_verb(["the", "notes"], 1, lexicon())
    (True, False)
    """
    word = words[i]
    return word in lex.finite_verbs and not word.endswith("s") and words[i - 1].lower() in lex.standalone_determiners


def _subject_of_next(words: list[str], i: int, letter: str, lex: _Lexicon) -> bool:
    """A preposition written as a name (From) or a modifier (Young, state) is the subject
    of a finite reporting verb right after it: a preposition or a modifier never is.

    >>> _subject_of_next(["From", "said"], 0, "O", lexicon()), _subject_of_next(["from", "said"], 0, "O", lexicon())
    (True, False)
    """
    following = words[i + 1] if i + 1 < len(words) else ""
    return following in lex.finite_verbs and (letter == "a" or words[i][:1].isupper())


_AFTER_VERB = (["O"], ["t"], [":"], [","], ["Q"])  # what follows "state" used as a verb


def _positions(items: list[str], wanted: Container[str]) -> list[int]:
    """The indices of the items that are in ``wanted`` (in C: a loop over every token).

    >>> _positions(["a", "b", "a"], {"a"})
    [0, 2]
    """
    return list(compress(range(len(items)), map(wanted.__contains__, items)))


def _verb_like(word: str, lex: _Lexicon) -> bool:
    """A reporting, framing or auxiliary verb: what follows a name, not a verb."""
    lower = word.lower()
    return lower in lex.verbs or lower in lex.framing or lex.closed.get(lower) in ("X", "B")


def _phrase_at(words: list[str], i: int, lex: _Lexicon) -> tuple[int, str] | None:
    """A multi-word title or role starting at ``words[i]`` (longest first)."""
    word = words[i]
    candidates = lex.phrases.get(word) or lex.phrases.get(word.lower())
    if not candidates:
        return None
    for phrase, letter in candidates:
        length = len(phrase)
        window = words[i : i + length]
        if len(window) != length:
            continue
        if letter == "T":
            # Titles count only when capitalised as titles: "President", not "president".
            if window == list(phrase) and (length > 1 or _followed_by_name(words, i + 1)):
                return length, letter
        elif [w.lower() for w in window] == list(phrase):
            return length, letter
    return None


def _followed_by_name(words: list[str], i: int) -> bool:
    """A one-word title needs a capitalised word after it (President Trump)."""
    return i < len(words) and words[i][:1].isupper() and words[i] not in lexicon().not_names


def _word_tag(word: str, previous: str, lex: _Lexicon) -> str:
    first = word[0]
    if not first.isalnum():
        return _PUNCTUATION_TAGS.get(word, "~")
    if first.isdigit():
        return "n"
    lower = word.lower()
    if first.isupper():
        closed = lex.closed.get(lower)
        if word in lex.not_names or (closed and closed != "a" and not (word.isupper() and len(word) > 1)):
            return closed or "w"
        if closed == "a" and previous in _SENTENCE_OPENING:
            return "a"  # "Former Gov. Bill Richardson", but "New Hampshire"
        if previous in _SENTENCE_OPENING and _is_adverb(lower, lex) and word not in lex.given_names:
            return "A"  # "Hastily, Trump …", "Early in his campaign, …": not names
        if word in lex.particles:
            return "N"
        if previous in ("D", "a", "G") and "-" in word and lower.endswith(lex.modifier_endings):
            return "a"  # "the Hamburg-based magazine", "a Trump-style retort" (but "for Lund-based Alcan")
        return "G" if word.endswith(_POSSESSIVE_ENDINGS) and len(word) > 2 else "N"
    if lower in lex.closed:
        return lex.closed[lower]
    if word in lex.particles:
        return "N" if previous == "N" else "w"
    if particle_joined(word, lex):
        return "N"  # "Bashar al-Assad", "Sheikh Ali al-Sabah": a name's own word
    # "notes", "reports", "post" are nouns after an article and verbs elsewhere.
    after_determiner = previous in ("D", "a", "G")
    if lower in lex.quoting and not after_determiner:
        return "Z"  # "the paper quoted the official as saying": the object speaks
    if lower in lex.verbs and not after_determiner:
        if lower.endswith("ing"):
            return "Y"
        return "K" if lower in lex.listener_verbs else "V"
    if lower in lex.framing and not after_determiner:
        return "y" if lower.endswith("ing") else "v"
    if lower in lex.roles:
        return "R"
    if word.endswith(_POSSESSIVE_ENDINGS) and len(word) > 2:
        return "G"
    if _ends_in_ly(lower, lex):
        return "A"
    return "w"


def particle_joined(word: str, lex: _Lexicon) -> bool:
    """Whether a lower-case word is a name particle joined by a hyphen to a capitalised
    word (al-Assad, el-Sisi, bin-Laden), which is a name.

    >>> [particle_joined(w, lexicon()) for w in ("al-Assad", "el-Sisi", "all-out", "al-")]
    [True, True, False, False]
    """
    particle, hyphen, rest = word.partition("-")
    return bool(hyphen) and rest[:1].isupper() and particle in lex.particles


def _ends_in_ly(lower: str, lex: _Lexicon) -> bool:
    """Whether a word in lower case ends as an adverb does (-ly) and is not listed as
    a word that only looks like one (family, daily).

    >>> [_ends_in_ly(w, lexicon()) for w in ("quickly", "family", "fly")]
    [True, False, False]
    """
    return lower.endswith("ly") and len(lower) > 4 and lower not in lex.not_adverbs


def _is_adverb(lower: str, lex: _Lexicon) -> bool:
    """Whether a capitalised word, in lower case, ends as an adverb does but not as
    surnames do: not -ley (Bradley, Buckley), nor -lly but -ally and -fully (Kelly,
    Connolly, but finally, hopefully).

    >>> [_is_adverb(w, lexicon()) for w in ("hastily", "finally", "kelly", "bradley", "family")]
    [True, True, False, False, False]
    """
    return (
        _ends_in_ly(lower, lex)
        and not lower.endswith("ley")
        and (not lower.endswith("lly") or lower.endswith(("ally", "fully")))
    )


@cache
def sentence_boundary() -> regex.Pattern:
    """The end of a sentence in raw text: a full stop, question or exclamation mark
    (not an abbreviation's), closing marks, then space before the next sentence.

    >>> [m.end() for m in sentence_boundary().finditer("Mr. Smith left. He came back.")]
    [16]
    """
    abbreviations = "|".join(regex.escape(a[:-1]) for a in sorted(lexicon().abbreviations))
    return regex.compile(rf"(?<!\b(?:{abbreviations}))(?<![\s.]\p{{Lu}})(?<!^\p{{Lu}})[.!?][\"”’')\]]*\s+(?=\S)")


def sentence_starts(tokens: Tokens, text: str) -> list[int]:
    """Token indices where sentences begin: after ``.``, and after a quotation
    that ends with its own full stop when a capitalised word follows it.

    >>> t = "He left. “We won.” She smiled."
    >>> sentence_starts(tag(t, quotes=[(9, 18)]), t)
    [0, 3, 4]
    """
    starts = [0]
    tags = tokens.tags
    # Only full stops and quotations can end a sentence: the engine finds them, and
    # the other tokens are never looked at one by one. The last token starts nothing.
    for found in _FULL_STOP_OR_QUOTATION.finditer(tags, 0, max(len(tags) - 1, 0)):
        i = found.start()
        if tags[i] == ".":
            starts.append(i + 1)
        else:
            inside = text[tokens.starts[i] : tokens.ends[i]].rstrip("”\"’'»«」』 ")
            if inside[-1:] in (".", "!", "?", "…") and text[tokens.starts[i + 1]][:1].isupper():
                starts.append(i + 1)
    return starts


_FULL_STOP_OR_QUOTATION = re.compile("[.Q]")
