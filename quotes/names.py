"""Names: one canonical name per speaker within a document.

A speaker is mentioned in many ways: "US President Donald Trump", "President
Trump", "Trump", "he". This module indexes the personal names a document uses
and maps every mention to one canonical form:

- a surname goes to the one full name that ends with it ("Trump" -> "Donald
  Trump"); when several people share it, honorifics and given names decide the
  gender ("Mrs. Clinton" never becomes "Bill Clinton"), then the nearest one;
- *he* or *she* goes to the person it refers to: the nearest sentence before it
  that names a person of a fitting gender, and the first such person in it (never
  the name right before a relative clause whose subject it is: in "Ruiz, whom she
  called", *she* is not Ruiz); where nobody is named, to the speaker just before
  it described by role ("a spokesman for the council");
- *it* goes to the organisation or document, *they* to the people or groups, that
  spoke or reported last before it ("the report", "Harbor Corp", "trade sources",
  "Lars Lund and Ana Ruiz");
- a described speaker goes to the name beside it ("Putin's adviser, Yuri
  Ushakov"), to the person holding that title ("the senator"), to the
  owner of a document ("the statement" after "the Kremlin's statement"), or to
  the organisation named reporting before it ("the company" after "Pennzoil said");
- *who* goes to the noun phrase before it.

>>> text = "US President Donald Trump spoke. Later, Trump said he was done."
>>> Names(text).canonical_name(("Trump",), 40)
'Donald Trump'
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Iterable, Iterator, Sequence
import re

from dataclasses import dataclass
from typing import NamedTuple
from functools import cache, lru_cache

import regex

from quotes import lexicons
from quotes.attribution import Attribution
from quotes.spans import COMBINING_ACCENTS
from quotes.tagging import (
    WORD_SIGNS,
    LowercaseWords,
    Tokens,
    lexicon as tagging_lexicon,
    lowercase_words,
    particle_joined,
    sentence_boundary,
    tag,
)

MALE, FEMALE = "male", "female"
_MALE_HONORIFICS = frozenset({"Mr.", "Mr", "Sir", "Lord", "King", "Prince", "Father", "Rabbi"})
_FEMALE_HONORIFICS = frozenset({"Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Dame", "Lady", "Queen", "Princess"})
_PERSONAL_PRONOUNS = {"he": MALE, "him": MALE, "his": MALE, "she": FEMALE, "her": FEMALE}

_POSSESSIVE = ("’s", "'s")
# Titles written before a given name alone: "Sir Tom" is Sir Tom Berg.
_FIRST_NAME_TITLES = frozenset({"Sir", "Dame"})
_ARTICLES = frozenset({"the ", "the\u00a0"})  # before a name, an article makes it a thing's
_ANTECEDENT_WINDOW = 1000  # characters before a pronoun where its antecedent is looked for
_REPORTING_WINDOW = 600  # characters before an *it*, a *they* or "the company" where what it stands for is looked for
# In tags (quotes/tagging.py): the subject of a reporting verb, described (the company,
# trade sources, ministry officials and Western diplomats) or capitalised words (the
# Bank, Harbor Mining Corp, Bell and Howell, Chamber of Mines, Institute for Fiscal
# Studies (IFS)); a description may go on past a preposition (a spokesman for the Bank,
# the sales director of a large truck maker), and an apposition may stand before the verb
# (Harbor Co, producer of the show, said; not a clause: Texas, which holds …, said).
_REPORTING_SUBJECT = regex.compile(
    r"(?:(D?[Aa]*[wNR]*R(?:CD?[Aa]*[wNR]*R)*(?:O[DG]?[AanwN]{0,5}[wNR])?)|D?(N+(?:[OC]N+)*(?:\(N\))?))"
    r"(?=(?P<app>,[DaRN][^.,:;VvKQ]{0,11},)?[VvK])"
)
# A surname alone this close (in characters) after someone was named in full with it is
# that person, whoever else bears it.
_JUST_NAMED = 300
# How far back (in characters, within its paragraph) a name before someone described as
# reporting keeps a pronoun from taking the description for whom it stands for.
_NAMED_BEFORE_DESCRIPTION = 300
_INDEFINITE = frozenset({"a", "an", "one", "another"})  # before a description of someone not named
_HEADLINE = 300  # characters a headline runs to at most
_SENTENCE_OPENERS = frozenset(".!?:\"“”'‘’\n\r")  # what may stand right before a sentence's first word
_LOOK_BACK = 20_000  # how far back a role's holder or a document's owner is looked for
_NEIGHBOURHOOD = 200_000  # in a longer text, names are looked up in blocks of this size around a mention
_MARGIN = 10_000  # and this far into the blocks beside it
_CHUNK = 1_000  # names near pronouns are found in chunks of about this many characters
_CUT = re.compile(r"[.!?;:\n]\s+")  # a good place to cut a text into chunks


# Not frozen: a frozen dataclass costs several times as much to make, and one is
# made for every name scanned. Nothing changes an occurrence once made.
@dataclass(slots=True)
class Occurrence:
    """A personal name as it stands in the text, with the title written before it."""

    start: int
    end: int
    tokens: tuple[str, ...]  # the name alone: ("Donald", "Trump")
    titles: tuple[str, ...]  # ("US", "President") is not a title; ("President",) is


def _character_class(characters: Iterable[str]) -> str:
    """A character class of exactly ``characters`` (in code point order), each run of
    three or more consecutive code points written as a range: the same class, which
    the re module parses in a third of the time (its pattern holds the class three times).

    >>> _character_class("ABCDFxy")
    '[A-DFxy]'
    """
    runs: list[list[int]] = []
    for point in map(ord, characters):
        if runs and runs[-1][1] == point - 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    items = (
        f"{re.escape(chr(first))}-{re.escape(chr(last))}"
        if last - first >= 2
        else "".join(re.escape(chr(point)) for point in range(first, last + 1))
        for first, last in runs
    )
    return "[" + "".join(items) + "]"


# Every upper-case letter, as a character class the standard re module can use
# (it has no \p{Lu}); the name scan runs over whole documents, and re is the faster engine.
_UPPER = _character_class(c for c in map(chr, range(0x3000)) if c.isupper() and len(c.upper()) == 1)


@cache
def _name_run() -> re.Pattern:
    """A run of capitalised words (an abbreviation keeps its full stop), initials and name particles."""
    # Trump, O’Neill, Sen., U.S.; accents and Latin-1 signs as in tagging (José, SarukhÃ¡n)
    rest_of_word = rf"(?:[\w'’\-{WORD_SIGNS}]*\w)?[{COMBINING_ACCENTS}]*(?:\.\w)*\.?"
    word = _UPPER + rest_of_word
    # a particle before a capitalised word, or joined to one by a hyphen (al-Assad)
    particle = r"(?:de|da|di|del|della|der|den|van|von|bin|ibn|al|el|la|le|du|dos)(?:(?=[ \u00a0]+" + _UPPER + ")|-" + word + ")"
    # The pattern opens with the capital itself, so that the engine skips straight from
    # capital to capital; the look-behind after it keeps the capital from standing
    # inside a word, and a capital is never a digit. (Opening with the look-behind made
    # the engine try it at every character.)
    return re.compile(rf"{_UPPER}(?<!\w.){rest_of_word}(?:[ \u00a0]+(?:{word}|{particle}))*")


# Not frozen: one is made for every surname looked up, and nothing changes it once made.
@dataclass(slots=True)
class _Surname:
    """Where a surname is written, the full names ending with it, and their titles."""

    mentions: list[Occurrence]
    full_names: list[tuple[str, ...]]
    titles: dict[tuple[str, ...], set[str]]

    @classmethod
    def of(cls, mentions: list[Occurrence]) -> _Surname:
        full_names: list[tuple[str, ...]] = []
        titles: dict[tuple[str, ...], set[str]] = {}
        for mention in mentions:
            known = titles.get(mention.tokens)
            if known is None:  # a name seen for the first time
                known = titles[mention.tokens] = set()
                if len(mention.tokens) >= 2:
                    full_names.append(mention.tokens)
            if mention.titles:  # most mentions have none: no update to make
                known.update(mention.titles)
        return cls(mentions, full_names, titles)


@cache
def _titles() -> frozenset[str]:
    """The titles of one word, and the head word of each longer title: "Foreign Minister"
    makes "Minister" a title, not "Foreign" (in "French Foreign Trade Minister Ana
    Ruiz", Trade is nobody's name and Foreign nobody's title).

    >>> "Minister" in _titles(), "Foreign" in _titles(), "Sen." in _titles()
    (True, False, True)
    """
    # "Secretary of State" has two: "secretary of State Clinton" is Clinton.
    return frozenset(
        word for phrase in lexicons.phrases("titles") for word in (phrase.partition(" of ")[0].split()[-1], phrase.split()[-1])
    )


@cache
def _role_titles() -> dict[str, frozenset[str]]:
    return {row[0]: frozenset(row[1].split()) for row in lexicons.table("role_titles")}


@cache
def _given_names() -> dict[str, str]:
    names = {name: MALE for name in lexicons.words("male_names")}
    for name in lexicons.words("female_names"):
        names[name] = FEMALE if name not in names else ""
    return names


class Names:
    """The personal names of one document, and the canonical form of each mention."""

    def __init__(self, text: str, quoted: Sequence[tuple[int, int]] = ()) -> None:
        self.text = text
        self.quoted = sorted(quoted)  # (start, end) of quoted material, where names are not antecedents
        self._quoted_starts = [start for start, _ in self.quoted]  # bisected for every name before a pronoun
        self._sentence_ends = _SentenceEnds(text)  # found once, as far as the pronouns need
        self._people: dict[tuple, tuple[str, ...]] = {}
        self._mentions: dict[tuple[str, int], _Surname] = {}  # (surname, block) -> where it is written
        self.focus = 0  # the offset of the mention being resolved
        self._chunks: dict[int, _ChunkNames] = {}  # chunk number -> the names in it, as far as scanned
        self._genders: dict[tuple[tuple[str, ...], int], str | None] = {}  # (person, block) -> gender
        self._lowercase_words = lowercase_words(text)  # looked up in the text only when asked
        self._subjects_before: dict[int, list[_Described]] = {}  # offset -> what reported before it

    def _lowercase(self) -> LowercaseWords:
        """The words the text writes in lower case, for tagging."""
        return self._lowercase_words

    def occurrences_between(self, start: int, end: int) -> list[Occurrence]:
        """The names in ``text[start:end]``, in order.

        The text is scanned in chunks of about _CHUNK characters, each on first
        use and remembered: only the stretches that pronouns and roles need are
        ever scanned, and nearby pronouns share the work.
        """
        start, end = max(0, start), min(end, len(self.text))
        found: list[Occurrence] = []
        for chunk in range(start // _CHUNK, end // _CHUNK + 1):
            found.extend(_starting_between(self._chunk(chunk).before(end), start, end))
        return found

    def anyone_named_between(self, start: int, end: int) -> bool:
        """Whether a name that may be a person's stands in ``text[start:end]``, outside
        quotations: given name or not, but not an organisation's or a place's.

        >>> names = Names("Tian Jiyun spoke. Harbor Corp grew. Then he left.")
        >>> names.anyone_named_between(0, 17), names.anyone_named_between(17, 35)
        (True, False)
        """
        return self._named_between(start, end, least=1)

    def someone_named_between(self, start: int, end: int) -> bool:
        """Whether a person is named in ``text[start:end]``, outside quotations: by a
        given name (a lone "Sharon" too, who is no sure antecedent, but no role described
        before her is what a later "she" stands for either) or an honorific.

        >>> names = Names("A spokesman spoke. His wife Sharon agreed. Then she left.")
        >>> names.someone_named_between(0, 40), names.someone_named_between(40, 57)
        (True, False)
        """
        return self._named_between(start, end, least=2)

    def _named_between(self, start: int, end: int, least: int) -> bool:
        """Whether a name of at least ``least`` personhood, or a given name alone,
        stands in ``text[start:end]`` outside quotations."""
        return any(
            not self._is_quoted(occurrence.start)
            and (occurrence.tokens[0] in _given_names() or self._personhood(self._person(occurrence), {}) >= least)
            for occurrence in self.occurrences_between(start, end)
        )

    def occurrences_backwards(self, start: int, end: int) -> Iterator[Occurrence]:
        """The names in ``text[start:end]``, the last first.

        Chunks are scanned only as the caller gets to them: a pronoun's antecedent
        is mostly found in the sentence before it, and the rest of its window is
        then never scanned.

        >>> [o.tokens for o in Names("Sen. Bernie Sanders met Joe Biden.").occurrences_backwards(0, 40)]
        [('Joe', 'Biden'), ('Bernie', 'Sanders')]
        """
        start, end = max(0, start), min(end, len(self.text))
        for chunk in range(end // _CHUNK, start // _CHUNK - 1, -1):
            yield from reversed(_starting_between(self._chunk(chunk).before(end), start, end))

    def _chunk(self, chunk: int) -> _ChunkNames:
        """The names in one chunk of the text, scanned from first use on as far as asked."""
        names = self._chunks.get(chunk)
        if names is None:
            names = self._chunks[chunk] = _ChunkNames(self.text, self._cut(chunk), self._cut(chunk + 1))
        return names

    def _cut(self, chunk: int) -> int:
        """Where a chunk begins: the first space after a sentence end (or any space) past
        chunk × _CHUNK, so that a name is never cut in two."""
        at = chunk * _CHUNK
        if at <= 0 or at >= len(self.text):
            return max(0, min(at, len(self.text)))
        found = _CUT.search(self.text, at, at + _CHUNK // 2)
        if found:
            return found.end()
        space = self.text.find(" ", at)
        return len(self.text) if space < 0 else space

    def mentions_of(self, surname: str) -> list[Occurrence]:
        """Every place ``surname`` is written as a word, with the name and titles before it.

        >>> [m.tokens for m in Names("Sen. Bernie Sanders spoke; Sanders left.").mentions_of("Sanders")]
        [('Bernie', 'Sanders'), ('Sanders',)]
        """
        return self._surname(surname).mentions

    def full_names(self, surname: str) -> list[tuple[str, ...]]:
        """The names of two words or more that end with ``surname``, in order of first use."""
        return self._surname(surname).full_names

    def titles_of(self, person: tuple[str, ...]) -> set[str]:
        """The titles the document gives a name anywhere ("Sen.", "Mrs.")."""
        return self._surname(person[-1]).titles.get(person, set()) if person else set()

    def _surname(self, surname: str) -> _Surname:
        # In a very long text, a name is looked up in the neighbourhood of the mention
        # being resolved (``focus``): the work per mention stays bounded.
        # The text is cut into blocks with a small overlap, so that a long text costs
        # about once its length per surname, and a news article is a single block.
        block = self.focus // _NEIGHBOURHOOD
        found = self._mentions.get((surname, block))
        if found is None:
            start = max(0, block * _NEIGHBOURHOOD - _MARGIN)
            end = min(len(self.text), (block + 1) * _NEIGHBOURHOOD + _MARGIN)
            found = self._mentions[(surname, block)] = _Surname.of(_mentions(self.text, surname, start, end))
        return found

    def gender_of(self, person: tuple[str, ...]) -> str | None:
        """The gender the document gives a person, from honorifics, then the given name;
        worked out once (per block of a long text): every pronoun near a name asks again.

        >>> Names("Mrs. Clinton and Bill Clinton spoke.").gender_of(("Clinton",))
        'female'
        """
        key = (person, self.focus // _NEIGHBOURHOOD)
        if key not in self._genders:
            self._genders[key] = _gender_of(person, self)
        return self._genders[key]

    # -- names ----------------------------------------------------------------

    def canonical_name(self, tokens: tuple[str, ...], at: int, titles: tuple[str, ...] = ()) -> str:
        """The full name a name mention stands for.

        >>> names = Names("Hillary Clinton met Bill Clinton. Mrs. Clinton spoke.")
        >>> names.canonical_name(("Clinton",), 40, ("Mrs.",))
        'Hillary Clinton'
        >>> Names("FERRY FARES RISE AGAIN IN THE U.S. The U.S. fares rose.").canonical_name(("U.S.",), 40)
        'U.S.'
        """
        return " ".join(self._full_name(tokens, at, titles))

    def _full_name(self, tokens: tuple[str, ...], at: int, titles: tuple[str, ...] = ()) -> tuple[str, ...]:
        if not tokens:
            return tokens
        candidates = self.full_names(tokens[-1])
        # A headline in capitals ending with the same word names nobody: "U.S." is not
        # "FERRY FARES RISE AGAIN IN THE U.S."
        longer = [c for c in candidates if len(c) > len(tokens) and c[-len(tokens) :] == tokens and not _in_capitals(c)]
        if len(tokens) >= 2:
            return longer[0] if len(longer) == 1 else tokens
        gender = _gender_of_titles(titles)
        if gender:
            # "Mr. Trump" is the Donald Trump named before, not Ivanka Trump named since,
            # whose given name the lists may not know
            surely = [c for c in longer if self.gender_of(c) == gender]
            longer = surely or [c for c in longer if self.gender_of(c) is None]
        if not longer:
            if gender and candidates:
                # "Mrs. Clinton" when the only Clinton named in full is a man: keep her apart
                return tuple(t for t in titles if _gender_of_titles((t,)))[-1:] + tokens
            if _FIRST_NAME_TITLES.intersection(titles):
                return self._named_in_full(tokens[0], at) or tokens
            return tokens
        if len(longer) == 1:
            return longer[0]
        return self._meant(longer, at)

    def _named_in_full(self, given_name: str, at: int) -> tuple[str, ...] | None:
        """The person last named in full before ``at`` with this given name: "Sir Tom"
        after "Sir Tom Berg".

        >>> Names("Sir Tom Berg spoke. Then Sir Tom left.")._named_in_full("Tom", 30)
        ('Tom', 'Berg')
        """
        for occurrence in self.occurrences_backwards(at - _LOOK_BACK, at):
            if len(occurrence.tokens) >= 2 and occurrence.tokens[0] == given_name and occurrence.start < at:
                return occurrence.tokens
        return None

    def _meant(self, people: list[tuple[str, ...]], at: int) -> tuple[str, ...]:
        """Of several people named in full with one surname, the one the surname alone
        stands for at ``at``: the one named last, when that was just before (Bill Clinton
        spoke to voters. Clinton said); further on, the one the text has named most often,
        the first named of equals: the person the story is about, whom it calls by
        surname, where the others keep their given names.

        >>> names = Names("Hillary Clinton spoke. Bill Clinton came. " + "Then a long wait. " * 30 + "Clinton said no.")
        >>> names._meant([("Hillary", "Clinton"), ("Bill", "Clinton")], 600)
        ('Hillary', 'Clinton')
        >>> names._meant([("Hillary", "Clinton"), ("Bill", "Clinton")], 45)
        ('Bill', 'Clinton')
        """
        named = []
        for mention in self.mentions_of(people[0][-1]):
            if mention.start >= at:
                break
            if mention.tokens in people:
                named.append(mention)
        if not named:
            return people[0]
        # Only a name of three words at most that opens with a given name the lists know:
        # a headline's or a sentence's first words run into names that are nobody's
        # ("Understated Perez", "Neither Perelman", "Paul Ryan Trump").
        plain = [m for m in named if len(m.tokens) <= 3 and self.gender_of(m.tokens)]
        if not plain or at - plain[-1].start <= _JUST_NAMED:
            return (plain or named)[-1].tokens
        # Counted by given name, one person however written (Hillary Clinton, Hillary
        # Rodham Clinton), in order of first use: the first of equals wins. Not counted:
        # a headline's names, and "Will Sanders" opening "Will Sanders win?".
        times: dict[str, int] = {}
        latest: dict[str, tuple[str, ...]] = {}
        for mention in plain:
            given = mention.tokens[0]
            times.setdefault(given, 0)
            times[given] += not self._doubtful(mention)
            latest[given] = mention.tokens
        return latest[max(times, key=times.__getitem__)]

    def _in_headline(self, at: int) -> bool:
        """Whether offset ``at`` stands in a line that capitalises every long word: a
        headline, whose names are counted as the story's ("Paul Ryan Trump" is not).

        >>> text = "Paul Ryan Trump Snub Goes On\\n\\nDonald Trump spoke."
        >>> Names(text)._in_headline(0), Names(text)._in_headline(32)
        (True, False)
        """
        # A headline is short: a line longer than _HEADLINE on either side is none, and
        # is never copied (a text on one line of 200 MB has names by the thousand).
        text = self.text
        start = max(text.rfind("\n", max(0, at - _HEADLINE), at), text.rfind("\r", max(0, at - _HEADLINE), at)) + 1
        if start == 0 and at > _HEADLINE:
            return False
        ends = [end for end in (text.find("\n", at, at + _HEADLINE), text.find("\r", at, at + _HEADLINE)) if end >= 0]
        if not ends and at + _HEADLINE < len(text):
            return False
        line = text[start : min(ends) if ends else len(text)]
        long_words = [word for word in line.split() if len(word) > 3 and word[:1].isalpha()]
        return len(long_words) >= 3 and all(word[:1].isupper() for word in long_words)

    def _doubtful(self, mention: Occurrence) -> bool:
        """Whether a name stands in a headline, or opens its sentence with a word the
        text also writes in lower case: "Will Sanders win?" names nobody called Will.

        >>> names = Names("Will Sanders win? He will. Bernie Sanders spoke.")
        >>> [names._doubtful(m) for m in names.mentions_of("Sanders")]
        [True, False]
        """
        if self._in_headline(mention.start):
            return True
        before = self.text[max(0, mention.start - 3) : mention.start].rstrip()
        opens = not before or before[-1] in _SENTENCE_OPENERS
        return opens and mention.tokens[0].lower() in self._lowercase()

    # -- pronouns ---------------------------------------------------------------

    def antecedent(self, pronoun: str, at: int, speakers: dict[tuple[str, ...], int]) -> str | None:
        """The person a *he* or *she* at offset ``at`` refers to, or ``None``.

        ``speakers`` counts the people already attributed quotations in the
        document: a person who has spoken is a person, whatever the name.

        >>> text = "Ukrainian President Volodymyr Zelenskyy accused Putin of delay. Then he spoke."
        >>> Names(text).antecedent("he", 70, {})
        'Volodymyr Zelenskyy'
        >>> text = "Lars Lund spoke in Ohio on Monday. In South Carolina, he said so."
        >>> Names(text).antecedent("he", text.index("he said"), {})
        'Lars Lund'
        """
        wanted = _PERSONAL_PRONOUNS.get(pronoun.lower())
        if wanted is None:
            return None
        # Nearest sentence first; in it, the first person named (the subject, mostly).
        # A name that is surely a person's one sentence further back beats a doubtful
        # one nearer (an organisation's name looks like a person's).
        nearest: int | None = None
        candidates: list[tuple[int, int, tuple[str, ...]]] = []  # (evidence, distance, person)
        for occurrence in self.occurrences_backwards(at - _ANTECEDENT_WINDOW, at):
            if self._is_quoted(occurrence.start) or _heads_relative_clause(self.text, occurrence.end, at):
                continue
            # From the name's start: a name that ends a sentence ends with its full stop
            # ("said Lars Lund."), which counted from its end never separated it.
            distance = self._sentences_between(occurrence.start, at)
            if nearest is not None and distance > nearest + 1:
                break
            person = self._person(occurrence)
            if self.gender_of(person) not in (wanted, None):
                continue
            evidence = self._personhood(person, speakers)
            if evidence < 3 and self._after_article(occurrence):
                continue  # "the Neue Heimat venture": a thing's name, unless a given name says otherwise
            if evidence:
                nearest = distance if nearest is None else nearest
                candidates.insert(0, (evidence, distance, person))
        if not candidates:
            return None
        near = [c for c in candidates if c[1] == nearest]
        if max(evidence for evidence, _, _ in near) < 2:
            sure = [c for c in candidates if c[0] >= 2]
            near = [c for c in sure if c[1] == min(d for _, d, _ in sure)] if sure else near
        strongest = max(evidence for evidence, _, _ in near)
        for evidence, _, person in near:
            if evidence == strongest or evidence >= 2:
                return " ".join(person)
        return None

    def _after_article(self, occurrence: Occurrence) -> bool:
        """Whether a name with no title follows "the": a thing's or an organisation's
        (the Neue Heimat venture, the Bundesbank), not a person's, unless it starts with
        a given name (the Lib Dems David Laws).

        >>> text = "Lars Lund met the Harbor Heimat board."
        >>> Names(text)._after_article(Names(text).occurrences_between(0, len(text))[1])
        True
        """
        start = occurrence.start
        return not occurrence.titles and start >= 4 and self.text[start - 4 : start] in _ARTICLES

    def _person(self, occurrence: Occurrence) -> tuple[str, ...]:
        """The full name of the person an occurrence names (memoised: names repeat)."""
        key = (occurrence.tokens, occurrence.titles)
        person = self._people.get(key)
        if person is None:
            person = self._people[key] = self._full_name(occurrence.tokens, occurrence.start, occurrence.titles)
        return person

    def _sentences_between(self, start: int, end: int) -> int:
        """How many sentence ends lie between two offsets (less than a window apart)."""
        return self._sentence_ends.count(max(0, end - _ANTECEDENT_WINDOW), end, start)

    def _personhood(self, person: tuple[str, ...], speakers: dict[tuple[str, ...], int]) -> int:
        """How sure it is that a name is a person's: 0 (a place?) to 3 (given name or honorific)."""
        if self.gender_of(person) is not None:
            return 3
        if person[-1] in lexicons.words("organisation_words") or person[-1] in lexicons.words("place_words"):
            # New Labour, the Supreme Court, Saudi Arabia: nobody's "he" or "she", even
            # after a word that may be a title (General Motors, Senate Finance Committee)
            return 0
        if self.titles_of(person) & _titles():
            return 3
        if _in_capitals(person):
            return 0  # a headline in capitals (BANKING HEAD RESUMES ATTACK)
        if person in speakers:
            return 2
        return 1 if len(person) >= 2 else 0

    def _is_quoted(self, at: int) -> bool:
        # The last stretch of quoted material starting at or before ``at``: bisecting the
        # starts alone spares a tuple and a comparison of tuples at every step.
        index = bisect.bisect_right(self._quoted_starts, at) - 1
        return index >= 0 and at < self.quoted[index][1]

    # -- described speakers ---------------------------------------------------------

    def reporting_before(self, at: int, kind: str) -> _Described | None:
        """The last subject of a reporting verb of a ``kind`` before ``at``, outside
        quotations, in the characters a pronoun's antecedent is looked for in: THING,
        an organisation or a document ("Harbor Corp said sales rose. … it added"), or
        MANY, people or groups ("economists said … they added"). What an *it* or a
        *they* that speaks stands for.

        >>> text = "Harbor Mining Corp said sales rose, a spokesman said. Later it added more."
        >>> Names(text).reporting_before(text.index("it added"), THING)
        _Described(end=18, speaker='Harbor Mining Corp', kind='thing')
        >>> text = "Orders fell, trade sources said. They gave no details."
        >>> Names(text).reporting_before(text.index("They"), MANY)
        _Described(end=26, speaker='trade sources', kind='many')
        >>> text = "Lars Lund said sales rose. Later it added more."
        >>> Names(text).reporting_before(text.index("it added"), THING) is None
        True
        """
        for subject in self._reporting_subjects(at):
            if subject.kind == kind:
                return subject
        return None

    def organisation_described(self, noun: str, at: int) -> str | None:
        """The organisation a description at ``at`` stands for: the last one named as
        the subject of a reporting verb before it, in the characters a pronoun's
        antecedent is looked for in. "the company" (or firm, group) stands for any
        organisation; "the bank", "the ministry" only for one whose name says so.

        >>> text = "Harbor Mining Corp said sales rose. Later the company said more."
        >>> Names(text).organisation_described("company", text.index("the company"))
        'Harbor Mining Corp'
        >>> Names(text).organisation_described("bank", text.index("the company")) is None
        True
        """
        any_organisation = noun in lexicons.words("organisation_descriptions")
        for subject in self._reporting_subjects(at):
            named = subject.kind == THING and not subject.speaker[:1].islower()
            # never a document: "the Finance Ministry statement said"
            document = subject.speaker.split()[-1].lower() in _first_forms("documents.txt")
            if named and not document and (any_organisation or noun in subject.speaker.lower().split()):
                return subject.speaker
        return None

    def _reporting_subjects(self, at: int) -> list[_Described]:
        """The subjects of reporting verbs before ``at``, outside quotations and in the
        characters a pronoun's antecedent is looked for in, the last first (kept: a
        pronoun may ask for what reported before it more than once)."""
        subjects = self._subjects_before.get(at)
        if subjects is None:
            subjects = self._subjects_before[at] = list(self._find_reporting_subjects(at))
        return subjects

    def _find_reporting_subjects(self, at: int) -> Iterator[_Described]:
        start = max(0, at - _REPORTING_WINDOW)
        # Only the stretches of quoted material near: bisected, not all those of the text
        first = max(0, bisect.bisect_right(self._quoted_starts, start) - 1)
        last = bisect.bisect_left(self._quoted_starts, at, first)
        quoted = [(max(a - 1, start), min(b + 1, at)) for a, b in self.quoted[first:last] if b > start]
        tokens = tag(self.text, start, at, quoted, self._lowercase)  # "Ministers insist": no name
        for found in reversed(list(_REPORTING_SUBJECT.finditer(tokens.tags))):
            subject = self._reporting_subject(tokens, found)
            if subject is not None:
                yield subject

    def _reporting_subject(self, tokens: Tokens, found: regex.Match) -> _Described | None:
        """The subject a match of _REPORTING_SUBJECT finds, with its kind (THING, MANY
        or PERSON), or None where it is no subject."""
        described = found.group(1) is not None
        first, last = found.start(1 if described else 2), found.end() - 1
        if tokens.tags[found.start() - 1 : found.start()] == "O":
            return None  # "monitored in Nicosia said": the name is no subject
        verb_at = found.end("app") if found.group("app") else found.end()
        verb = self.text[tokens.starts[verb_at] : tokens.ends[verb_at]]
        relative = tokens.tags[found.start() - 1 : found.start()] == "H"
        present = not relative and self._plural_says(tokens, last, verb)
        if verb not in tagging_lexicon().finite_verbs and not verb.endswith(("ed", "s")) and not present:
            return None  # "a Facebook post": a noun, no verb
        if tokens.tags[last] == ")":  # "the Institute for Fiscal Studies (IFS) said"
            last = tokens.tags.rindex("(", first, last) - 1
        if not described:  # "a spokesman at the Bank" is one description
            for joint in range(last, first, -1):  # "Chamber of Mines" is one name, "Reuters in London" not
                if tokens.tags[joint] != "O":
                    continue
                if self.text[tokens.starts[joint] : tokens.ends[joint]] not in ("of", "for"):
                    first = joint + 1
                    break
        mention = self.text[tokens.starts[first] : tokens.ends[last]]
        speaker = _in_running_text(_without_tickers(_plain(mention)))
        if described:  # trade sources, the company, a spokesman, a spokesman for the Bank
            complement = tokens.tags.find("O", first, last)
            head_at = last if complement < 0 else complement - 1
            head = self.text[tokens.starts[head_at] : tokens.ends[head_at]].lower()
            # the head decides: "a company spokesman" is a person, "the company" a thing
            if head in _plural_nouns():
                kind = MANY
            else:
                kind = PERSON if _person_role(head) or not _thing(speaker) else THING
            if kind == PERSON:  # described, not named: "the CBT spokesman" keeps its article
                speaker = _in_running_text(_without_tickers(mention.strip(" ,")))
        else:  # Harbor Corp, Harbor Corp and Lund Partners, Ministers, Lars Lund
            kind = self._kind_of_name(mention, tokens.starts[first], tokens.tags[first - 1 : first])
            if found.group("app") and kind == THING and not _thing(mention):
                apposed = self.text[tokens.starts[found.start("app") + 1] : tokens.ends[found.end("app") - 2]]
                kind = PERSON if _person_role(apposed) else kind  # Rahm Emanuel, his chief of staff
            if kind == MANY and " " not in mention:
                speaker = mention.lower()  # "Officials said", opening a sentence
        return _Described(tokens.ends[last], speaker, kind)

    def _plural_says(self, tokens: Tokens, last: int, verb: str) -> bool:
        """Whether a verb's base form follows people described in the plural, as their
        verb in the present: "economists say", "bankers warn" (not in a relative clause:
        "the bill, which ministers claim will …" characterises the bill)."""
        head = self.text[tokens.starts[last] : tokens.ends[last]].lower()
        return head in _plural_nouns() and verb in _base_forms()

    def _kind_of_name(self, mention: str, at: int, tag_before: str) -> str:
        """THING, MANY or PERSON for capitalised words that report."""
        words = mention.split()
        if len(words) == 1 and words[0].lower() in _plural_nouns():
            return MANY  # "Ministers insist": people named by role, opening a sentence
        parts = regex.split(r"\s+(?:and|&)\s+", mention)
        if len(parts) > 1 and (all(self._names_person(part, at) for part in parts) or all(map(_thing, parts))):
            # Lars Lund and Ana Ruiz, Harbor Corp and Lund Partners Inc; not Bell and
            # Howell, nor the Finance and Economy Ministry
            return MANY
        if tag_before in ("R", "T") and not self._after_group_noun(at):
            return PERSON  # Deputy minister Janusz Kaczurba; not the daily al-Qabas
        if self._names_person(mention, at):
            return PERSON
        return THING

    def _after_group_noun(self, at: int) -> bool:
        """Whether the word before ``at`` is a group's or a document's noun (the daily
        al-Qabas, the evening paper NRC Handelsblad), not a person's role.

        >>> text = "the Kuwait daily al-Qabas said"
        >>> Names(text)._after_group_noun(text.index("al-")), Names("the minister Lund")._after_group_noun(13)
        (True, False)
        """
        words = self.text[max(0, at - 40) : at].split()
        return bool(words) and words[-1].lower() in _first_forms("groups.txt", "documents.txt")

    def _names_person(self, mention: str, at: int) -> bool:
        """Whether capitalised words name a person: a given name or honorific, or the
        surname of someone the text names in full (Kaczurba after Janusz Kaczurba)."""
        if _thing(_without_tickers(mention)):
            return False
        words = tuple(word for word in mention.split() if word not in ("and", "&", "of", "for"))
        if len(words) == 1 and words[0].lower() in tagging_lexicon().roles:
            return True  # "Ministers insist": people named by role, at the start of a sentence
        person = self._full_name(words, at)
        return person != words or self.gender_of(person) is not None or bool(self.titles_of(person) & _titles())

    def holder_of(self, role: str, at: int) -> str | None:
        """The person last named before ``at`` with a title fitting ``role`` ("the senator").

        >>> Names("Sen. Bernie Sanders spoke. The senator left.").holder_of("senator", 30)
        'Bernie Sanders'
        """
        titles = _role_titles().get(role.lower())
        if not titles:
            return None
        for occurrence in self.occurrences_backwards(at - _LOOK_BACK, at):
            if occurrence.start < at and set(occurrence.titles) & titles:
                return " ".join(self._full_name(occurrence.tokens, occurrence.start, occurrence.titles))
        return None

    def owner_of(self, document: str, at: int) -> str | None:
        """Who a document belongs to: "the statement" after "the Kremlin’s statement".

        >>> Names("According to the Kremlin’s statement, talks went on.").owner_of("statement", 60)
        'Kremlin'
        """
        first = self.text.find(document, max(0, at - _LOOK_BACK), at)
        if first < 0:  # the usual case, decided without a regular expression
            return None
        start = max(0, first - 200)
        if not _after_possessive(self.text, document, start, at):
            return None  # the next most usual case: the pattern is not even compiled
        owners = [m.group(1) for m in _owner_pattern(document).finditer(self.text, start, at)]
        return _without_opening_words(owners[-1]) if owners else None


def _heads_relative_clause(text: str, name_end: int, pronoun_at: int) -> bool:
    """Whether a name heads the relative clause whose subject is the pronoun: in
    "Lund, whom she described as a fraud", *she* is somebody else.

    >>> _heads_relative_clause("Ruiz mocked Lund, whom she called a fraud.", 16, 23)
    True
    >>> _heads_relative_clause("Ruiz mocked Lund, who said she was fine.", 16, 27)
    False
    """
    return pronoun_at - name_end < 12 and _RELATIVE_BEFORE_PRONOUN.fullmatch(text, name_end, pronoun_at) is not None


_RELATIVE_BEFORE_PRONOUN = regex.compile(r",?\s+(?:who|whom)\s+")


class _SentenceEnds:
    """The sentence ends of a text, found by one scan carried forward as the pronouns
    of the text ask: the windows of nearby pronouns overlap, and each used to be
    scanned on its own.

    A scan of ``text[start:end]`` finds the same ends as a scan from any offset
    before ``start``, less one that needs a character at or past ``end`` (the space
    and the next sentence's first character): the pattern looks behind its full stop,
    which a scan from ``start`` sees too, and only closing marks and spaces follow the
    full stop inside a match, so no match starts inside another.

    >>> ends = _SentenceEnds("He left. She came. Then he spoke.")
    >>> ends.count(0, 33, 0), ends.count(0, 33, 8), ends.count(0, 9, 0), ends.count(0, 10, 0)
    (2, 1, 0, 1)
    """

    __slots__ = ("_text", "_matches", "_starts", "_ends", "_from", "_scanned")

    def __init__(self, text: str) -> None:
        self._text = text
        self._restart(0)

    def _restart(self, at: int) -> None:
        """Scan on from ``at``, forgetting the ends found so far (pronouns come mostly
        in order: a window before the scanned stretch, or past it, is rare)."""
        self._matches = sentence_boundary().finditer(self._text, at)
        self._starts: list[int] = []  # where each end's full stop stands
        self._ends: list[int] = []  # where each end's match ends: the next sentence starts
        self._from = at
        self._scanned: float = at  # every end whose full stop stands in [_from, _scanned) is listed

    def count(self, start: int, end: int, since: int) -> int:
        """How many sentence ends a scan of ``text[start:end]`` finds at or after ``since``."""
        if start < self._from or start > self._scanned:
            self._restart(start)
        starts = self._starts
        while self._scanned < end:
            found = next(self._matches, None)
            if found is None:
                self._scanned = math.inf
                break
            starts.append(found.start())
            self._ends.append(found.end())
            self._scanned = found.start() + 1
        first = bisect.bisect_left(starts, max(start, since))
        last = bisect.bisect_left(starts, end, first)
        if last > first and self._ends[last - 1] >= end:
            last -= 1  # it needs the character at ``end``, which the scan to ``end`` never sees
        return last - first


def _starting_between(names: list[Occurrence], start: int, end: int) -> list[Occurrence]:
    """The names (in order of their start) that start in ``[start, end)``: found by
    bisection, since every pronoun asks again about the chunks before it."""
    return names[bisect.bisect_left(names, start, key=_START) : bisect.bisect_left(names, end, key=_START)]


_START = operator.attrgetter("start")


def _after_possessive(text: str, document: str, start: int, end: int) -> bool:
    """Whether ``document`` stands in ``text[start:end]`` after a space, with a word
    ending in ’s or 's one, two or three words before it: what an owner's pattern
    needs before it can match ("the Kremlin’s statement", "Trump’s new statement").

    Compiling a pattern for each kind of document cost more than all the searches
    with them; this test, made with ``str.find``, rules out nearly every text first.

    >>> _after_possessive("the Kremlin’s latest statement", "statement", 0, 30)
    True
    >>> _after_possessive("a statement from the Kremlin", "statement", 0, 28)
    False
    """
    at = text.find(document, start, end)
    while at >= 0:
        if at > start and text[at - 1] == " ":
            before = at - 1
            for _ in range(3):  # "’s statement", "’s new statement", "’s new draft statement"
                if text.endswith(("’s", "'s"), start, before):
                    return True
                space = text.rfind(" ", start, before)
                if space < 0 or space + 1 == before:
                    break
                before = space
        at = text.find(document, at + 1, end)
    return False


@lru_cache(maxsize=256)
def _owner_pattern(document: str) -> regex.Pattern:
    """"the Kremlin’s statement": a capitalised owner, a possessive, the document."""
    return regex.compile(
        r"(\p{Lu}[\p{L}\-]+(?:[ ]\p{Lu}[\p{L}\-]+)*)['’]s(?:[ ][\p{L}\-]+){0,2}?[ ]" + regex.escape(document) + r"\b"
    )


def _without_opening_words(owner: str) -> str:
    """An owner's name without the capitalised words that only open its sentence ("As Mr
    Kok's report noted": Mr Kok).

    >>> _without_opening_words("As Mr Kok"), _without_opening_words("Kremlin")
    ('Mr Kok', 'Kremlin')
    """
    words = owner.split(" ")
    not_names = lexicons.words("not_names")
    while len(words) > 1 and words[0] in not_names and words[0] not in _titles():
        words.pop(0)
    return " ".join(words)


def _mentions(text: str, surname: str, start: int = 0, stop: int | None = None) -> list[Occurrence]:
    """Each place ``surname`` stands as a word in ``text[start:stop]``, with the capitalised words just before it."""
    found = []
    length = len(text)
    stop = length if stop is None else stop
    words_before = _words_before()
    alone = _UNKNOWN  # the name and titles of the surname with no words before it, once asked for
    at = text.find(surname, start, stop)
    while at >= 0:
        end = at + len(surname)
        previous = text[at - 1] if at else ""  # "" is not alphanumeric: the text's start is a boundary
        if not previous.isalnum() and (end == length or not text[end].isalnum()):
            # The words must end in a space right before the surname: without one, the
            # (costly) backward match is spared.
            before = words_before.match(text, max(0, at - 120), at) if previous in (" ", "\u00a0") else None
            if before is None:
                if alone is _UNKNOWN:
                    alone = _name_ending("", surname)
                name, begin = alone, at
            else:
                name, begin = _name_ending(before.group(), surname), before.start()
            if name is not None:
                found.append(Occurrence(begin, end, *name))
        at = text.find(surname, end, stop)
    return found


_UNKNOWN = object()  # not worked out yet


# The caches of this module and of rule searches hold about 200-300 bytes an entry, and
# every worker of a build has its own: their bounds keep them to a few MB each.
@lru_cache(maxsize=8_192)
def _name_ending(words_before: str, surname: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The name and titles of a surname with the capitalised words written before it:
    worked out once per pair, since a document names its people again and again.

    >>> _name_ending("Treasury Secretary Jack ", "Lew")
    (('Jack', 'Lew'), ('Secretary',))
    >>> _name_ending("Conservative Tom ", "Berg"), _name_ending("J. Hugh ", "Lund")
    ((('Tom', 'Berg'), ()), (('J.', 'Hugh', 'Lund'), ()))
    """
    words = words_before.split()
    verbs = _headline_verbs()
    for index in range(len(words) - 1, -1, -1):
        # "Obama’s Treasury Secretary Jack Lew"; "... in Concord. Symms said"; a headline:
        # "Ana Ruiz Slams Tom Berg"
        word = words[index]
        if (word.endswith(_CUTTING_ENDS) and (word.endswith(_POSSESSIVE) or _ends_sentence(word))) or word in verbs:
            words = words[index + 1 :]
            break
    return _name_and_titles((*words, surname))


@cache
def _headline_verbs() -> frozenset[str]:
    """Reporting and framing verbs as a headline in title case writes them ("Says",
    "Slams", "Has"): no part of a name, they end the one before them.

    >>> sorted(_headline_verbs() & {"Says", "Slams", "Has", "Post", "Will"})
    ['Has', 'Says', 'Slams']
    """
    lex = tagging_lexicon()
    forms = {form for form in lex.verbs | lex.framing if form.endswith("s") and not form.endswith("ss")}
    # Not those that end names of organisations or places (the United States).
    names = lexicons.words("organisation_words") | lexicons.words("place_words")
    return frozenset(form.capitalize() for form in forms | {"has", "is"}) - names


# A word cuts a name off from the words before it only if it ends with a possessive
# or a full stop: the closer look of ``_name_ending`` is spared for the other words.
_CUTTING_ENDS = (*_POSSESSIVE, ".")


def _ends_sentence(word: str) -> bool:
    """A word with a full stop that is neither an initial (A.W.) nor an abbreviation.

    >>> _ends_sentence("Concord."), _ends_sentence("A.W."), _ends_sentence("Gov.")
    (True, False, False)
    """
    return (
        word.endswith(".")
        and len(word) > 2
        and word not in lexicons.words("abbreviations")
        and _INITIALS.fullmatch(word) is None
    )


_INITIALS = regex.compile(r"(?:\p{Lu}\.)+")


@cache
def _words_before() -> regex.Pattern:
    """Capitalised words, initials, abbreviations (U.S.) and abbreviated titles right before an
    offset (matched backwards).

    >>> _words_before().match("the U.S. Undersecretary Lund", 0, 24).group()
    'U.S. Undersecretary '
    """
    word = rf"(?:\b\p{{Lu}}(?:\.\p{{Lu}})*[\p{{L}}\p{{M}}'’\-{WORD_SIGNS}]*\.?|\b(?:de|da|di|del|der|den|van|von|bin|ibn|al|la|le|du))"
    return regex.compile(rf"(?:{word}[ \u00a0]+)+", regex.REVERSE)


class _ChunkNames:
    """The names in one chunk of a text, scanned from the chunk's start only as far as asked.

    A pronoun needs the names before it, not those after it in its chunk: about a
    quarter of what whole chunks held was never read. Every run of capitalised
    words is matched over the whole chunk, as before, so each is found alike
    however far the scan has gone.

    >>> text = "Sen. Jane Roe spoke. Joe Biden left."
    >>> chunk = _ChunkNames(text, 0, len(text))
    >>> [o.tokens for o in chunk.before(10)]
    [('Jane', 'Roe')]
    >>> [o.tokens for o in chunk.before(len(text))]
    [('Jane', 'Roe'), ('Joe', 'Biden')]
    """

    __slots__ = ("names", "_runs", "_scanned")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.names: list[Occurrence] = []  # in order of their start
        self._runs = _name_run().finditer(text, start, end)
        self._scanned: float = start  # every name starting before this offset is in ``names``

    def before(self, at: int) -> list[Occurrence]:
        """The names found so far, once all that start before ``at`` are among them."""
        while self._scanned < at:
            match = next(self._runs, None)
            if match is None:  # the chunk is scanned to its end
                self._scanned = math.inf
                break
            # A run is often a lone word that names nobody ("The", "But"): its offset
            # is then never asked for.
            names = _names_in_run(match.group())
            if names:
                run_start = match.start()
                for name_start, name_end, tokens, titles in names:
                    self.names.append(Occurrence(run_start + name_start, run_start + name_end, tokens, titles))
            self._scanned = match.end()  # the next run starts past this one, and so do its names
        return self.names


@lru_cache(maxsize=16_384)
def _names_in_run(run: str) -> tuple[tuple[int, int, tuple[str, ...], tuple[str, ...]], ...]:
    """The names in a run of capitalised words, as (start, end, tokens, titles) from the
    run's first character: worked out once per run, since the same runs ("President
    Donald Trump", "Monday") come back in text after text.

    >>> _names_in_run("Sen. Jane Roe’s Office")
    ((0, 15, ('Jane', 'Roe'), ('Sen.',)), (16, 22, ('Office',), ()))
    >>> _names_in_run("Ana Ruiz Slams Tom Berg")
    ((0, 8, ('Ana', 'Ruiz'), ()), (15, 23, ('Tom', 'Berg'), ()))
    """
    if " " not in run and "\u00a0" not in run:
        # One capitalised word, by far the most common run: handled without splitting.
        name = run[:-1] if _ends_sentence(run) else run
        if name in lexicons.words("not_names") or name in _titles():
            return ()
        name = name[:-2] if name.endswith(_POSSESSIVE) else name
        return ((0, len(name), (name,), ()),)
    split = run.split()
    verbs = _headline_verbs()
    if "." not in run and "’s" not in run and "'s" not in run and verbs.isdisjoint(split[:-1]):
        # No full stop, no possessive and no verb of a headline: nothing cuts the run,
        # and it is one name (or none). So it is with most runs of several words.
        return tuple(_name_at(split, 0, len(run)))
    found: list[tuple[int, int, tuple[str, ...], tuple[str, ...]]] = []
    words: list[str] = []
    start = cursor = end = 0
    last = len(split) - 1
    for index, word in enumerate(split):
        cursor = run.index(word, cursor) + len(word)  # where the word ends
        if word in verbs and index < last:
            # a headline's verb, with words after it, ends the name before it: "Ana Ruiz
            # Slams Tom Berg" (but Lord Dubs is a name)
            found.extend(_name_at(words, start, end))
            words, start = [], cursor + 1
            continue
        ends_sentence = _ends_sentence(word)
        words.append(word[:-1] if ends_sentence else word)
        end = cursor
        # A possessive or a full stop ends a name: "Trump’s Mar-a-Lago resort" names Trump alone.
        if word.endswith(_POSSESSIVE) or ends_sentence:
            found.extend(_name_at(words, start, cursor))
            words, start = [], cursor + 1
    found.extend(_name_at(words, start, len(run)))
    return tuple(found)


def _name_at(words: list[str], start: int, end: int) -> list[tuple[int, int, tuple[str, ...], tuple[str, ...]]]:
    found = _name_and_titles(tuple(words))
    return [] if found is None else [(start, end, *found)]


@lru_cache(maxsize=100_000)
def _name_and_titles(words: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The name in a run of words and the titles before it, or ``None``: worked out
    once per run of words, since the same names come back again and again."""
    titles = _titles()
    not_names = lexicons.words("not_names")
    # Words up to the last title are not part of the name (Ukrainian President ...; a
    # title may be a possessive: Prime Minister's Questions). Most runs hold no title:
    # one set operation in C says so, without a loop.
    bare = tuple(w[:-2] if w.endswith(_POSSESSIVE) else w for w in words)
    if titles.isdisjoint(bare):
        leading, rest = (), words
    else:
        last_title = max(i for i, w in enumerate(bare) if w in titles)
        leading = tuple(w for w in bare[: last_title + 1] if w in titles)
        rest = words[last_title + 1 :]
    # One plain loop: for the two or three words of a name, the comprehensions it
    # replaces cost more to set up than to run.
    name = []
    places = lexicons.words("place_words")
    for word in rest:
        word = word[:-2] if word.endswith(_POSSESSIVE) else word
        if word not in not_names and not (word in places and _INITIALS.fullmatch(word)):
            name.append(word)  # not "U.S." (U.S. Ambassador Ana Ruiz)
    if len(name) > 1 and name[0].lower() in tagging_lexicon().finite_verbs:
        name = name[1:]  # "Said Ana Pike, “…”": an inverted cue opening the sentence
    name = _from_given_name(name)
    return (tuple(name), leading) if name else None


def _from_given_name(name: list[str]) -> list[str]:
    """A name of three words or more starts at its given name: "Conservative Tom Berg",
    "Tory MP Lars Lund" and "Agriculture Undersecretary Ana Ruiz" are Tom Berg, Lars Lund
    and Ana Ruiz. Initials stay (J. Hugh Lund), and so does a run too long to be one
    name (a headline: Paper Likens Ana Ruiz To Tom Berg) or an organisation's (Harbor
    Marine Corp).

    >>> _from_given_name(["Tory", "MP", "Lars", "Lund"]), _from_given_name(["J.", "Hugh", "Lund"])
    (['Lars', 'Lund'], ['J.', 'Hugh', 'Lund'])
    """
    if len(name) <= 2:
        return name
    given = _given_names()
    first = next((i for i, word in enumerate(name[:-1]) if word in given), 0)
    if (
        len(name) - first <= 3
        and not all(len(word) == 2 and word.endswith(".") for word in name[:first])
        and name[-1] not in lexicons.words("organisation_words")
    ):
        return name[first:]
    return name


def _gender_of_titles(titles: tuple[str, ...]) -> str | None:
    # isdisjoint tells what a set intersection would, without making two sets per call
    if not _MALE_HONORIFICS.isdisjoint(titles):
        return MALE
    if not _FEMALE_HONORIFICS.isdisjoint(titles):
        return FEMALE
    return None


def _gender_of(person: tuple[str, ...], names: Names) -> str | None:
    """From the honorifics the person is given in the document, then the given name."""
    by_title = _gender_of_titles(tuple(names.titles_of(person)))
    if by_title:
        return by_title
    if len(person) >= 2:
        return _given_names().get(person[0]) or None
    return None


def canonical_speakers(text: str, attributions: list[Attribution | None], quoted: list[tuple[int, int]]) -> list[str | None]:
    """The canonical speaker of each attribution, in order.

    >>> from quotes.spans import find_spans
    >>> from quotes.attribution import attribute
    >>> text = 'US President Donald Trump spoke. “We will win,” Trump said.'
    >>> spans = find_spans(text)
    >>> canonical_speakers(text, attribute(text, spans), [(s.start, s.end) for s in spans])
    ['Donald Trump']
    """
    if not any(attributions):
        return [None] * len(attributions)
    names = Names(text, quoted)
    speakers: dict[tuple[str, ...], int] = {}
    result: list[str | None] = []
    resolved: dict[tuple[int, int], str | None] = {}  # turns repeat a mention: resolve it once
    described: _Described | None = None  # the last speaker, when a role describes it
    for attribution in attributions:
        if attribution is None:
            speaker = None
        else:
            key = (attribution.speaker_start, attribution.speaker_end)
            if key not in resolved:
                names.focus = attribution.speaker_start
                speaker = _canonical(text, attribution, names, speakers)
                if not speaker or tuple(speaker.split()) not in speakers:
                    # The description nearer than a name that has not spoken yet (one
                    # who has is kept without looking: most pronouns, spared the search)
                    speaker = _described_turn(text, attribution, described, names) or speaker
                speaker = _without_tickers(speaker) if speaker and "<" in speaker else speaker
                speaker = _in_running_text(speaker) if speaker else speaker
                if speaker in _pronoun_kinds() and attribution.speaker_tags == "P":
                    last = _last_reporting_person(described, names, attribution.speaker_start)
                    speaker = _pronoun_described(speaker, attribution.speaker_start, last, names) or speaker
                if speaker in _ONE_OF:
                    speaker = _one_of(speaker, attribution.speaker_start, described, names) or speaker
                resolved[key] = speaker
            speaker = resolved[key]
            described = _last_described(described, attribution, speaker)
        if speaker:
            person = tuple(speaker.split())
            speakers[person] = speakers.get(person, 0) + 1
        # (Only in what it gives: the people counted above are the names as the text has them.)
        result.append(_without_opening_word(speaker) if speaker else speaker)
    return result


class _Described(NamedTuple):
    """A speaker described by role, as a later unresolved pronoun may stand for it."""

    end: int  # where its last mention ends
    speaker: str  # its canonical form (a spokesman for the council, the report)
    kind: str | None  # male, female, None (either) for a person; THING for *it*


def _pronoun_described(pronoun: str, at: int, described: _Described | None, names: Names) -> str | None:
    """The speaker described by role that an unresolved *he*, *she* or *it* at ``at``
    stands for: the last speaker of the document, when a role describes one person of
    a fitting gender and nobody is named since ("a spokesman for the council said …
    “…,” he said"), or, for *it* or *they*, the organisation or document, or the
    people or groups, that spoke or reported last before it, quoted or not ("Harbor
    Corp said … “…,” it added", "trade sources said … they added"), when near.

    >>> names = Names("A spokesman spoke. Then he left.")
    >>> _pronoun_described("he", 24, _Described(11, "a spokesman", "male"), names)
    'a spokesman'
    >>> _pronoun_described("she", 24, _Described(11, "a spokesman", "male"), names) is None
    True
    >>> _pronoun_described("it", 24, _Described(11, "the report", THING), names)
    'the report'
    """
    wanted = _pronoun_kinds()[pronoun]
    if wanted in (THING, MANY):
        reporting = names.reporting_before(at, wanted)
        if reporting is not None:
            # A description in the text ("the department said") gives way to a speaker
            # quoted before it, who may be named ("the U.S. Agriculture Department").
            named = not reporting.speaker[:1].islower()
            if described is None or described.kind != wanted or (reporting.end > described.end and named):
                described = reporting
    if described is None or at - described.end > _ANTECEDENT_WINDOW:
        return None
    if wanted in (THING, MANY) or described.kind in (THING, MANY):
        return described.speaker if described.kind == wanted else None
    if described.kind not in (None, wanted) or names.someone_named_between(described.end, at):
        return None
    return described.speaker


def _role_near(text: str, at: int, indefinite: bool) -> bool:
    """Whether a role of roles.txt is written in the characters before ``at`` where
    what reported is looked for, after a/an/one/another if ``indefinite``: a word
    search that spares tagging them where it fails (most pronouns).

    >>> _role_near("Rates fell, a dealer said. He", 27, True), _role_near("Lund said. He", 11, False)
    (True, False)
    """
    words = _WORD.findall(text[max(0, at - _REPORTING_WINDOW) : at].lower())
    roles = _role_nouns()
    if roles.isdisjoint(words):
        return False
    if not indefinite:
        return True
    return not _INDEFINITE.isdisjoint(words) and any(
        word in roles and not _INDEFINITE.isdisjoint(words[max(0, i - 6) : i]) for i, word in enumerate(words)
    )


def _last_reporting_person(
    described: _Described | None, names: Names, at: int, indefinite: bool = False
) -> _Described | None:
    """What an unresolved *he* or *she* at ``at`` may stand for: the last speaker
    described by role, or a person so described who reported later, unquoted, with
    the gender the role gives (wire copy: "…, a company spokesman said. “…,” he told
    reporters"). Asked only where no name is found, or no name that has spoken (a
    description such as "the minister said" mostly names again someone named).
    ``indefinite``: looked for only when a role after a/an/one/another is written
    near, as only such a description is then taken.

    >>> text = "Sales fell, a company spokesman said. “We lost a client,” he added."
    >>> _last_reporting_person(None, Names(text), text.index("he added"))
    _Described(end=31, speaker='a company spokesman', kind='male')
    """
    if not _role_near(names.text, at, indefinite):
        return described  # no such role named near: the words need no tagging
    reporting = names.reporting_before(at, PERSON)
    role = _person_role(reporting.speaker) if reporting is not None else None
    if role is None:
        return described  # a name: what the pronoun stands for is found among names
    if described is not None and described.end >= reporting.end:
        return described
    return reporting._replace(kind=_role_genders().get(role))


def _described_turn(text: str, attribution: Attribution, described: _Described | None, names: Names) -> str | None:
    """The person described by role that a *he* or *she* continues, before any name
    further back: "“…,” said a dealer at a small bank. “…,” he said" is the dealer,
    whoever was named before him. Only for someone new to the text (a dealer, one
    trader), quoted or reporting unquoted ("One trader said prices fell. “…,” he
    said"), or anyone described reporting since such a one, when nobody is named since
    the description (nor, for one only reporting, before it in its paragraph).

    >>> text = "Lars Lund spoke. “Rates rise,” said a dealer. “Sell,” he said."
    >>> from quotes.attribution import Attribution
    >>> he = Attribution("after_speaker_cue", 54, 56, "P")
    >>> _described_turn(text, he, _Described(44, "a dealer", None), Names(text))
    'a dealer'
    """
    if attribution.speaker_tags != "P":
        return None
    pronoun = text[attribution.speaker_start : attribution.speaker_end].lower()
    if pronoun not in ("he", "she"):
        return None
    # "the Florida senator", "the director" mostly name again someone named: a turn
    # starts with someone new (a dealer, one trader), quoted or reporting, and goes on
    # with whoever is described reporting since
    new = described is not None and described.kind not in (THING, MANY) and _indefinite(described)
    reporting = _last_reporting_person(described, names, attribution.speaker_start, indefinite=not new)
    if reporting is None or reporting.kind in (THING, MANY) or not (new or _indefinite(reporting)):
        return None
    if not new and _named_near(reporting, attribution.speaker_start, names):
        return None  # "Lars Lund spoke when a voter asked …": the name, as ever
    return _pronoun_described(pronoun, attribution.speaker_start, reporting, names)


def _named_near(reporting: _Described, at: int, names: Names) -> bool:
    """Whether anyone who may be a person is named in the paragraph of a speaker
    described as reporting (at most 300 characters back), before the description, or
    after it and before ``at``."""
    before = reporting.end - len(reporting.speaker)
    # at most a window back: a text with no line breaks is one paragraph
    back = max(0, before - _NAMED_BEFORE_DESCRIPTION)
    opening = names.text.rfind("\n", back, before) + 1 or back
    return names.anyone_named_between(opening, before) or names.anyone_named_between(reporting.end, at)


_ONE_OF = frozenset({"one", "another"})  # a speaker that is one of people just described
_ONE_OF_SPEAKER = 300  # characters after a speaker described by role where "another" may be another such


@cache
def _base_forms() -> frozenset[str]:
    """The base form of each reporting verb (say, warn): the present after a plural."""
    return frozenset(line.split()[0] for line in lexicons.lines("reporting_verbs.txt"))


def _one_of(word: str, at: int, described: _Described | None, names: Names) -> str | None:
    """Who "one" or "another" speaking at ``at`` is, by the role of the people who
    reported just before (Bankers said … “…,” one said: one banker) or of the person
    described who spoke last (“…,” one official said. Another added: another official).

    >>> text = "Diplomats said talks had stalled. “Nobody moves,” one said."
    >>> _one_of("one", text.index("one said"), None, Names(text))
    'one diplomat'
    """
    many = names.reporting_before(at, MANY)
    if many is not None and (described is None or many.end > described.end):
        source, role = many, _singular().get(many.speaker.split()[-1].lower())
    elif described is not None and described.kind not in (THING, MANY) and at - described.end <= _ONE_OF_SPEAKER:
        source, role = described, _person_role(described.speaker)
    else:
        return None
    return f"{word} {role}" if role and at - source.end <= _REPORTING_WINDOW else None


def _indefinite(described: _Described) -> bool:
    """Whether a speaker is described as someone not named: a dealer, one trader."""
    return described.speaker.split(" ", 1)[0] in _INDEFINITE


def _last_described(described: _Described | None, attribution: Attribution, speaker: str | None) -> _Described | None:
    """What a later unresolved pronoun may stand for after this speaker: a person
    described by role, an organisation or a document, the same again after a pronoun
    resolved to it; any other speaker ends it."""
    if not speaker:
        return described
    if described is not None and speaker == described.speaker:
        return described._replace(end=attribution.speaker_end)
    role = _person_role(speaker)
    if role is not None:
        return _Described(attribution.speaker_end, speaker, _role_genders().get(role))
    if _many(speaker):
        return _Described(attribution.speaker_end, speaker, MANY)
    if _thing(speaker):
        return _Described(attribution.speaker_end, speaker, THING)
    return None


THING = "thing"  # the kind of *it* in pronouns.tsv: an organisation or a document
MANY = "many"  # the number of *they* in pronouns.tsv: people or groups
PERSON = "person"  # one person, of either gender


@cache
def _pronoun_kinds() -> dict[str, str]:
    """The pronouns an unresolved mention may be, with the kind each stands for:
    he male, she female, it thing, they many (pronouns.tsv).

    >>> _pronoun_kinds()["they"]
    'many'
    """
    rows = [row for row in lexicons.table("pronouns") if row[0] in ("he", "she", "it", "they")]
    return {row[0]: row[2] if row[0] == "they" else row[1] for row in rows}  # *they*: its number


@cache
def _noun_forms(name: str) -> tuple[tuple[str, ...], ...]:
    """The forms of each line of a noun lexicon, singular first: ("spokesman", "spokesmen")."""
    return tuple(tuple(form.strip() for form in line.split(",")) for line in lexicons.lines(name))


@cache
def _first_forms(*names: str) -> frozenset[str]:
    """The first form of each line of noun lexicons (its singular): roles.txt gives
    spokesman, groups.txt company, documents.txt statement.

    >>> {"company", "statement"} <= _first_forms("groups.txt", "documents.txt")
    True
    """
    return frozenset(forms[0] for name in names for forms in _noun_forms(name))


_WORD = re.compile(r"[a-z]+")


@cache
def _role_nouns() -> frozenset[str]:
    """The last word of each role of roles.txt, singular (press secretary: secretary):
    looking them up among the words of a stretch of text spares tagging it to find a
    person described reporting there."""
    return frozenset(_WORD.findall(noun)[-1] for noun in _first_forms("roles.txt"))


@cache
def _plural_nouns() -> frozenset[str]:
    """The plural forms of roles.txt and groups.txt: officials, sources, companies."""
    return frozenset(
        form.split()[-1].lower()
        for name in ("roles.txt", "groups.txt")
        for forms in _noun_forms(name)
        for form in forms[1:]
        if form.endswith(("s", "men", "people", "ren"))
    )


@cache
def _singular() -> dict[str, str]:
    """The singular of each plural of roles.txt: bankers -> banker, sources -> source."""
    return {form.split()[-1].lower(): forms[0].lower() for forms in _noun_forms("roles.txt") for form in forms[1:]}


@lru_cache(maxsize=4096)
def _many(speaker: str) -> bool:
    """Whether a speaker is several people or groups: described (trade sources, the
    companies) or named together in full (Lars Lund and Ana Ruiz, not Bell and Howell).

    >>> _many("trade sources"), _many("Lars Lund and Ana Ruiz"), _many("Bell and Howell")
    (True, True, False)
    """
    if _head_in(speaker.lower(), _plural_nouns()) is not None:
        return True
    parts = speaker.split(" and ")
    return len(parts) > 1 and not _thing(speaker) and all(len(part.split()) > 1 for part in parts)


@lru_cache(maxsize=4096)  # speakers repeat from quotation to quotation
def _person_role(speaker: str) -> str | None:
    """The role that heads a speaker described as one person, or None: "a spokesman for
    the council" -> spokesman; "traders", "the statement", "Tom Berg" -> None.

    >>> _person_role("the Peking representative of a Japanese bank"), _person_role("the statement")
    ('representative', None)
    """
    return _head_in(speaker, _first_forms("roles.txt"))


@lru_cache(maxsize=4096)
def _thing(speaker: str) -> bool:
    """Whether a speaker is one organisation or document: described (the company, the
    staff letter) or named (General Motors Corp, Bundesbank Council).

    >>> _thing("the staff letter"), _thing("Harbor Securities"), _thing("Tom Berg"), _thing("officials")
    (True, True, False, False)
    """
    if _head_in(speaker, _first_forms("groups.txt", "documents.txt")) is not None:
        return True
    words = speaker.split()
    return words[-1] in lexicons.words("organisation_words") and words[0] not in _given_names()


def _head_in(speaker: str, nouns: frozenset[str]) -> str | None:
    """The first of ``nouns`` among the words of a speaker before any complement."""
    for word in speaker.split():
        if word in _ROLE_COMPLEMENT:
            return None
        if word in nouns:
            return word
    return None


_ROLE_COMPLEMENT = frozenset(("of", "for", "at", "with", "in", "from", "to", "on"))


@cache
def _role_genders() -> dict[str, str]:
    return dict(lexicons.table("role_genders"))


def _in_running_text(speaker: str) -> str:
    """A described speaker as it reads inside a sentence: the capital of a first word
    that only opens its sentence goes, so that "The company" and "the company", "It"
    and "it" are one speaker. Names keep their capitals (One Direction), and so does "I".

    >>> _in_running_text("The company"), _in_running_text("It"), _in_running_text("A Harbor Bank spokesman")
    ('the company', 'it', 'a Harbor Bank spokesman')
    >>> _in_running_text("I"), _in_running_text("Donald Trump"), _in_running_text("One Direction")
    ('I', 'Donald Trump', 'One Direction')
    """
    if not speaker[:1].isupper():
        return speaker
    first, _, rest = speaker.partition(" ")
    if first == "I" or first.lower() not in _opening_words():
        return speaker
    if rest and not any(word[:1].islower() for word in rest.split()):
        return speaker  # a name in capitals throughout
    return first.lower() + (" " + rest if rest else "")


@lru_cache(maxsize=4096)  # given for every quotation: speakers repeat
def _without_opening_word(speaker: str) -> str:
    """A name without the word that opens its sentence, run into it by its capital: a
    role or an adverb before the name (Actor Keanu Reeves, Analyst Lee, Maybe Trump).

    >>> _without_opening_word("Actor Keanu Reeves"), _without_opening_word("Maybe Trump")
    ('Keanu Reeves', 'Trump')
    >>> _without_opening_word("General Motors"), _without_opening_word("Analyst")
    ('General Motors', 'Analyst')
    """
    first, _, rest = speaker.partition(" ")
    if not rest or not first[:1].isupper() or not all(word[:1].isupper() for word in rest.split()):
        return speaker
    if first.lower() in lexicons.words("adverbs"):
        return rest
    words = rest.split()
    if first.lower() in _first_forms("roles.txt") and (
        words[0] in _given_names() or (len(words) >= 2 and not lexicons.words("organisation_words").intersection(words))
    ):
        return rest  # a person's name after the role, not General Motors or King World Productions Inc
    return speaker


@cache
def _opening_words() -> frozenset[str]:
    """The words that open a described speaker: determiners and pronouns."""
    pronouns = {row[0] for row in lexicons.table("pronouns")}
    return lexicons.words("determiners") | lexicons.words("standalone_determiners") | pronouns


def _canonical(text: str, attribution: Attribution, names: Names, speakers: dict) -> str | None:
    mention = text[attribution.speaker_start : attribution.speaker_end]
    tags = attribution.speaker_tags
    if tags in ("P", "W"):
        if tags == "W" and attribution.antecedent:
            start, end = attribution.antecedent
            return _name_in(text[start:end], start, names) or _plain(text[start:end])
        return names.antecedent(mention, attribution.speaker_start, speakers) or mention
    if tags.endswith("G"):  # a possessor: "his (claim that)", "Trump's (assertion that)"
        if tags == "G" and mention.lower() in _PERSONAL_PRONOUNS:
            return names.antecedent(mention, attribution.speaker_start, speakers) or mention
        mention = _without_possessive(mention)
        tags = tags[:-1] + ("N" if mention.split()[-1][:1].isupper() else "R")
    if attribution.apposition:
        start, end = attribution.apposition
        apposed = _name_in(text[start:end], start, names, whole=True)
        if apposed:
            return apposed
    owned = "GN" in tags
    if owned and _person_after_possessive(mention, tags):
        # "the Bank of Tokyo's Honda", "The Fabian Society's Sundar Katwala": the person speaks
        after = _AFTER_POSSESSIVE.split(mention)[-1]
        return _name_in(after, attribution.speaker_start, names) or _plain(after)
    organisation = tags.startswith("D") and "T" not in tags and "R" not in tags and not owned
    if "O" in tags and not organisation and not owned and _organisation_before_preposition(mention, tags):
        return _plain(mention)  # "Bank of England", "Council on Foreign Relations": one name
    if "O" in tags and not organisation and tags[: tags.find("O")].endswith("N"):
        # "Jeb Bush of Florida", "Helen Marsh of the Oxford Institute": the person
        # is named before the place or the institution ("One of her aides" names nobody).
        person = _PLACE.split(mention, maxsplit=1)[0]
        if person != mention and person.split()[-1][:1].isupper():
            mention, tags = person, tags[: tags.find("O")]
    if tags.endswith("N"):
        if organisation or (tags.startswith("T") and mention.split()[-1] in lexicons.words("organisation_words")):
            return _plain(mention)  # an organisation: the Kremlin, General Motors Corp (no title and name)
        if _employer_named(tags):
            # A role at an organisation speaks for itself (a spokesman for Lund), but the
            # author of a document speaks through it (a study by Harbor Bank).
            author = mention.partition(" by ")[2]
            return _plain(author or mention)
        if "C" in tags:  # "Jane Roe and John Doe wrote": each name in its canonical form
            parts = regex.split(r"\s+(?:and|&)\s+", mention)
            return " and ".join(_name_in(part, attribution.speaker_start, names) or part for part in parts)
        return _name_in(mention, attribution.speaker_start, names) or mention
    head = mention.split()[-1].strip(",")
    person = names.holder_of(head, attribution.speaker_start) if tags.endswith("R") else None
    if person:
        return person
    owner = names.owner_of(head, attribution.speaker_start)
    if owner:
        return owner
    if tags in ("DR", "R") and head.lower() in _first_forms("groups.txt"):  # the company, the bank
        return names.organisation_described(head.lower(), attribution.speaker_start) or _plain(mention)
    return _plain(mention)


_PLACE = regex.compile(r"\s+(?:of|from|at|on|in)\s+")


def _organisation_before_preposition(mention: str, tags: str) -> bool:
    """Whether a mention names an organisation whose name goes on past a preposition:
    "Bank of England", "Institute for Fiscal Studies", where "Ana Ruiz of the Bank"
    names a person and where she works.

    >>> _organisation_before_preposition("Council on Foreign Relations", "NONN")
    True
    >>> _organisation_before_preposition("Ana Ruiz of the Bank", "NNODN")
    False
    """
    before = tags[: tags.find("O")]
    if not before or before.strip("N"):
        return False
    words = mention.split()
    return (
        len(words) > len(before)
        and words[len(before)] in _NAME_GOES_ON
        and words[len(before) - 1] in lexicons.words("organisation_words")
    )


_AFTER_POSSESSIVE = regex.compile(r"(?<=\S)['’]s?\s+")


def _person_after_possessive(mention: str, tags: str) -> bool:
    """Whether a mention ends with a name after a possessive that is a person's, not a
    part of the owner's: "The FDIC's Seidman", but neither "the FDA's Office of Drug
    Safety" nor "The People's Daily".

    >>> _person_after_possessive("The FDIC's Seidman", "DNGN")
    True
    >>> _person_after_possessive("The People's Daily", "DNGN")
    False
    """
    after = tags[tags.rfind("G") + 1 :]
    if not after or after.strip("N"):
        return False
    last = mention.split()[-1]
    return last not in lexicons.words("organisation_words") and last[:1].isupper()


# The prepositions inside an organisation's name; after "in" or "at" comes where it is
# (Credit Suisse First Boston Ltd in London).
_NAME_GOES_ON = frozenset(("of", "for", "on"))
_ROLE_AT_NAME = regex.compile(r"R.*[OD]N+(?:[OC]D?N+)*$")


def _employer_named(tags: str) -> bool:
    """Whether a mention's name is the complement of a role, not the speaker's own:
    "a spokesman for Lund", "an official at the Ministry of Fisheries", but not
    "director of research Ana Ruiz".

    >>> _employer_named("DRON"), _employer_named("DRODNONCN"), _employer_named("ROwNN")
    (True, True, False)
    """
    return _ROLE_AT_NAME.search(tags) is not None


def _in_capitals(name: tuple[str, ...]) -> bool:
    """Whether a name of two words or more is all in capitals: a headline, not a person.

    >>> _in_capitals(("BANKING", "HEAD", "RESUMES", "ATTACK")), _in_capitals(("U.S.",))
    (True, False)
    """
    return len(name) >= 2 and all(word.isupper() for word in name)


def _without_possessive(mention: str) -> str:
    """A possessor's mention without its ending: Trump's -> Trump, the senators' -> the senators.

    >>> _without_possessive("Mr. Obama’s"), _without_possessive("the senators'")
    ('Mr. Obama', 'the senators')
    """
    if mention.endswith(_POSSESSIVE):
        return mention[:-2]
    return mention[:-1] if mention.endswith(("s’", "s'")) else mention


def _name_in(mention: str, at: int, names: Names, whole: bool = False) -> str | None:
    """The canonical name of the personal name a mention ends with."""
    words = (_without_tickers(mention) if "<" in mention else mention).replace("\u00a0", " ").split()
    titles = _titles()
    if titles.isdisjoint(words):  # the usual case, told by one set operation in C
        last_title, leading = -1, ()
    else:
        last_title = max(i for i, w in enumerate(words) if w in titles)
        leading = tuple(w for w in words[: last_title + 1] if w in titles)
    name = words[last_title + 1 :]
    if whole and not all(w[:1].isupper() for w in name):
        return None
    particles = lexicons.words("name_particles")
    first = len(name)  # the name proper: the capitalised words and particles that end the mention
    while first > 0 and _in_name(name[first - 1], particles):
        first -= 1
    core = _from_given_name(name[first:])
    if not core:
        return None
    if core[-1].endswith(_POSSESSIVE):
        core[-1] = core[-1][:-2]
    return names.canonical_name(tuple(core), at, leading)


def _in_name(word: str, particles: frozenset[str]) -> bool:
    """Whether a word of a mention belongs to the name it ends with: a capitalised
    word, a particle alone or joined to one (al-Assad), an ampersand (Marks & Spencer).

    >>> [_in_name(w, frozenset({"al", "van"})) for w in ("Ruiz", "van", "al-Assad", "&", "said")]
    [True, True, True, True, False]
    """
    return word[:1].isupper() or word in particles or word == "&" or particle_joined(word, tagging_lexicon())


def _without_tickers(name: str) -> str:
    """A name without the tickers and angle brackets of wire copy: a bracketed part after
    a capitalised word is a ticker, any other holds the name itself.

    >>> _without_tickers("Chrysler Corp <C>"), _without_tickers("<Harbor Trust Co Ltd>")
    ('Chrysler Corp', 'Harbor Trust Co Ltd')
    """
    return " ".join(_TICKER.sub("", name).replace("<", " ").replace(">", " ").split()) or name


_TICKER = regex.compile(r"(?<=\b\p{Lu}[\w.&'’\-]*)\s*<[^<>]*(?:>|$)")  # closed or cut off


def _plain(mention: str) -> str:
    """A described speaker as a name: without a leading article or trailing commas."""
    mention = mention.strip(" ,")
    for article in ("The ", "the "):
        if mention.startswith(article) and mention[len(article) : len(article) + 1].isupper():
            return mention[len(article) :]
    return mention
