"""Names: one canonical name per speaker within a document.

A speaker is mentioned in many ways: "US President Donald Trump", "President
Trump", "Trump", "he". This module indexes the personal names a document uses
and maps every mention to one canonical form:

- a surname goes to the one full name that ends with it ("Trump" -> "Donald
  Trump"); when several people share it, honorifics and given names decide the
  gender ("Mrs. Clinton" never becomes "Bill Clinton"), then the nearest one;
- a pronoun goes to the person it refers to: the nearest sentence before it
  that names a person of a fitting gender, and the first such person in it;
- a described speaker goes to the name beside it ("Putin's adviser, Yuri
  Ushakov"), to the person holding that title ("the senator"), or to the
  owner of a document ("the statement" after "the Kremlin's statement");
- *who* goes to the noun phrase before it.

>>> text = "US President Donald Trump spoke. Later, Trump said he was done."
>>> Names(text).canonical_name(("Trump",), 40)
'Donald Trump'
"""

from __future__ import annotations

import bisect

from dataclasses import dataclass
from functools import cache

import regex

from quotes import lexicons
from quotes.attribution import Attribution

MALE, FEMALE = "male", "female"
_MALE_HONORIFICS = frozenset({"Mr.", "Mr", "Sir", "Lord", "King", "Prince", "Father", "Rabbi"})
_FEMALE_HONORIFICS = frozenset({"Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Dame", "Lady", "Queen", "Princess"})
_PERSONAL_PRONOUNS = {"he": MALE, "him": MALE, "she": FEMALE, "her": FEMALE}

_POSSESSIVE = ("’s", "'s")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A personal name as it stands in the text, with the title written before it."""

    start: int
    end: int
    tokens: tuple[str, ...]  # the name alone: ("Donald", "Trump")
    titles: tuple[str, ...]  # ("US", "President") is not a title; ("President",) is


@cache
def _name_run() -> regex.Pattern:
    """A run of capitalised words, abbreviated titles, initials and name particles."""
    abbreviations = "|".join(
        regex.escape(a) for a in sorted(lexicons.words("abbreviations"), key=len, reverse=True) if a[0].isupper()
    )
    word = rf"(?:{abbreviations}|\p{{Lu}}[\p{{L}}\p{{M}}'’\-]*\p{{L}}|\p{{Lu}}\.)"
    particle = r"(?:de|da|di|del|della|der|den|van|von|bin|ibn|al|el|la|le|du|dos)(?=[ \u00a0]+\p{Lu})"
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){word}(?:[ \u00a0]+(?:{word}|{particle}))*")


@cache
def _sentence_end() -> regex.Pattern:
    """A full stop, question or exclamation mark ending a sentence, not an abbreviation's."""
    abbreviations = "|".join(regex.escape(a[:-1]) for a in sorted(lexicons.words("abbreviations")))
    return regex.compile(
        rf"(?<!\b(?:{abbreviations}))(?<![\s.]\p{{Lu}})(?<!^\p{{Lu}})[.!?][\"”’')]*\s+(?=\S)"
    )


@cache
def _titles() -> frozenset[str]:
    return frozenset(w for phrase in lexicons.phrases("titles") for w in phrase.split() if w[0].isupper())


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

    def __init__(self, text: str, quoted: list[tuple[int, int]] = ()) -> None:
        self.text = text
        self.quoted = sorted(quoted)  # (start, end) of quoted material, where names are not antecedents
        self.occurrences = _occurrences(text)
        self._sentence_ends: list[int] | None = None
        self.full_names: dict[str, list[tuple[str, ...]]] = {}
        self.titles_of: dict[tuple[str, ...], set[str]] = {}
        for occurrence in self.occurrences:
            if len(occurrence.tokens) >= 2:
                known = self.full_names.setdefault(occurrence.tokens[-1], [])
                if occurrence.tokens not in known:
                    known.append(occurrence.tokens)
        for occurrence in self.occurrences:
            self.titles_of.setdefault(occurrence.tokens, set()).update(occurrence.titles)

    # -- names ----------------------------------------------------------------

    def canonical_name(self, tokens: tuple[str, ...], at: int, titles: tuple[str, ...] = ()) -> str:
        """The full name a name mention stands for.

        >>> names = Names("Hillary Clinton met Bill Clinton. Mrs. Clinton spoke.")
        >>> names.canonical_name(("Clinton",), 40, ("Mrs.",))
        'Hillary Clinton'
        """
        return " ".join(self._full_name(tokens, at, titles))

    def _full_name(self, tokens: tuple[str, ...], at: int, titles: tuple[str, ...] = ()) -> tuple[str, ...]:
        if not tokens:
            return tokens
        candidates = self.full_names.get(tokens[-1], [])
        longer = [c for c in candidates if len(c) > len(tokens) and c[-len(tokens) :] == tokens]
        if len(tokens) >= 2:
            return longer[0] if len(longer) == 1 else tokens
        gender = _gender_of_titles(titles)
        if gender:
            longer = [c for c in longer if _gender_of(c, self) in (gender, None)]
        if not longer:
            if gender and candidates:
                # "Mrs. Clinton" when the only Clinton named in full is a man: keep her apart
                return tuple(t for t in titles if _gender_of_titles((t,)))[-1:] + tokens
            return tokens
        if len(longer) == 1:
            return longer[0]
        return self._nearest(longer, at)

    def _nearest(self, people: list[tuple[str, ...]], at: int) -> tuple[str, ...]:
        """Of several people, the one named in full most recently before ``at``."""
        best, best_at = people[0], -1
        for occurrence in self.occurrences:
            if occurrence.start >= at:
                break
            if occurrence.tokens in people and occurrence.start > best_at:
                best, best_at = occurrence.tokens, occurrence.start
        return best

    # -- pronouns ---------------------------------------------------------------

    def antecedent(self, pronoun: str, at: int, speakers: dict[tuple[str, ...], int]) -> str | None:
        """The person a *he* or *she* at offset ``at`` refers to, or ``None``.

        ``speakers`` counts the people already attributed quotations in the
        document: a person who has spoken is a person, whatever the name.

        >>> text = "Ukrainian President Volodymyr Zelenskyy accused Putin of delay. Then he spoke."
        >>> Names(text).antecedent("he", 70, {})
        'Volodymyr Zelenskyy'
        """
        wanted = _PERSONAL_PRONOUNS.get(pronoun.lower())
        if wanted is None:
            return None
        window_start = max(0, at - 2000)
        by_sentence: dict[int, list[tuple[int, tuple[str, ...]]]] = {}
        for occurrence in self.occurrences:
            if occurrence.start < window_start or self._is_quoted(occurrence.start):
                continue
            if occurrence.start >= at:
                break
            person = self._full_name(occurrence.tokens, occurrence.start, occurrence.titles)
            gender = _gender_of(person, self)
            if gender not in (wanted, None):
                continue
            evidence = self._personhood(person, speakers)
            if evidence == 0:
                continue
            distance = self._sentences_between(occurrence.end, at)
            by_sentence.setdefault(distance, []).append((evidence, person))
        for distance in sorted(by_sentence):
            people = by_sentence[distance]
            strongest = max(evidence for evidence, _ in people)
            for evidence, person in people:
                if evidence == strongest or evidence >= 2:
                    return " ".join(person)
        return None

    def _sentences_between(self, start: int, end: int) -> int:
        """How many sentence ends lie between two offsets."""
        if self._sentence_ends is None:
            self._sentence_ends = [m.start() for m in _sentence_end().finditer(self.text)]
        return bisect.bisect_left(self._sentence_ends, end) - bisect.bisect_left(self._sentence_ends, start)

    def _personhood(self, person: tuple[str, ...], speakers: dict[tuple[str, ...], int]) -> int:
        """How sure it is that a name is a person's: 0 (a place?) to 3 (given name or honorific)."""
        if _gender_of(person, self) is not None or (self.titles_of.get(person, set()) & _titles()):
            return 3
        if person in speakers:
            return 2
        return 1 if len(person) >= 2 else 0

    def _is_quoted(self, at: int) -> bool:
        for start, end in self.quoted:
            if start > at:
                return False
            if at < end:
                return True
        return False

    # -- described speakers ---------------------------------------------------------

    def holder_of(self, role: str, at: int) -> str | None:
        """The person last named before ``at`` with a title fitting ``role`` ("the senator").

        >>> Names("Sen. Bernie Sanders spoke. The senator left.").holder_of("senator", 30)
        'Bernie Sanders'
        """
        titles = _role_titles().get(role.lower())
        if not titles:
            return None
        for occurrence in reversed(self.occurrences):
            if occurrence.start < at and set(occurrence.titles) & titles:
                return " ".join(self._full_name(occurrence.tokens, occurrence.start, occurrence.titles))
        return None

    def owner_of(self, document: str, at: int) -> str | None:
        """Who a document belongs to: "the statement" after "the Kremlin’s statement".

        >>> Names("According to the Kremlin’s statement, talks went on.").owner_of("statement", 60)
        'Kremlin'
        """
        pattern = regex.compile(
            r"(\p{Lu}[\p{L}\-]+(?:[ ]\p{Lu}[\p{L}\-]+)*)['’]s(?:[ ][\p{L}\-]+){0,2}?[ ]" + regex.escape(document) + r"\b"
        )
        owners = [m.group(1) for m in pattern.finditer(self.text, 0, at)]
        return owners[-1] if owners else None


def _occurrences(text: str) -> list[Occurrence]:
    found = []
    for match in _name_run().finditer(text):
        offset = match.start()
        words: list[str] = []
        for word in regex.finditer(r"\S+", match.group()):
            words.append(word.group())
            # A possessive ends a name: "Trump’s Mar-a-Lago resort" names Trump alone.
            if word.group().endswith(_POSSESSIVE):
                found.extend(_occurrence(words, offset, offset + word.end()))
                words, offset = [], offset + word.end() + 1
        found.extend(_occurrence(words, offset, match.end()))
    return found


def _occurrence(words: list[str], start: int, end: int) -> list[Occurrence]:
    """The name in a run of capitalised words, without titles and sentence openers."""
    titles = _titles()
    not_names = lexicons.words("not_names")
    # Words up to the last title are not part of the name (Ukrainian President ...).
    last_title = max((i for i, w in enumerate(words) if w in titles), default=-1)
    leading = tuple(w for w in words[: last_title + 1] if w in titles)
    name = [w[:-2] if w.endswith(_POSSESSIVE) else w for w in words[last_title + 1 :]]
    name = [w for w in name if w not in not_names]
    if not name:
        return []
    return [Occurrence(start, end, tuple(name), leading)]


def _gender_of_titles(titles: tuple[str, ...]) -> str | None:
    if set(titles) & _MALE_HONORIFICS:
        return MALE
    if set(titles) & _FEMALE_HONORIFICS:
        return FEMALE
    return None


def _gender_of(person: tuple[str, ...], names: Names) -> str | None:
    """From the honorifics the person is given in the document, then the given name."""
    by_title = _gender_of_titles(tuple(names.titles_of.get(person, ())))
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
    for attribution in attributions:
        speaker = _canonical(text, attribution, names, speakers) if attribution else None
        if speaker:
            key = tuple(speaker.split())
            speakers[key] = speakers.get(key, 0) + 1
        result.append(speaker)
    return result


def _canonical(text: str, attribution: Attribution, names: Names, speakers: dict) -> str | None:
    mention = text[attribution.speaker_start : attribution.speaker_end]
    tags = attribution.speaker_tags
    if tags in ("P", "W"):
        if tags == "W" and attribution.antecedent:
            start, end = attribution.antecedent
            return _name_in(text[start:end], start, names) or _plain(text[start:end])
        return names.antecedent(mention, attribution.speaker_start, speakers) or mention
    if attribution.apposition:
        start, end = attribution.apposition
        apposed = _name_in(text[start:end], start, names, whole=True)
        if apposed:
            return apposed
    if tags.endswith("N"):
        if tags.startswith("D") and "T" not in tags and "R" not in tags:
            return _plain(mention)  # an organisation: the Kremlin
        return _name_in(mention, attribution.speaker_start, names) or mention
    head = mention.split()[-1].strip(",")
    person = names.holder_of(head, attribution.speaker_start) if tags.endswith("R") else None
    if person:
        return person
    owner = names.owner_of(head, attribution.speaker_start)
    return owner or _plain(mention)


def _name_in(mention: str, at: int, names: Names, whole: bool = False) -> str | None:
    """The canonical name of the personal name a mention ends with."""
    words = mention.replace("\u00a0", " ").split()
    titles = _titles()
    last_title = max((i for i, w in enumerate(words) if w in titles), default=-1)
    name = [w for w in words[last_title + 1 :]]
    if whole and not all(w[:1].isupper() for w in name):
        return None
    core: list[str] = []
    for word in reversed(name):
        if not word[:1].isupper() and word not in lexicons.words("name_particles"):
            break
        core.insert(0, word)
    if not core:
        return None
    if core[-1].endswith(_POSSESSIVE):
        core[-1] = core[-1][:-2]
    return names.canonical_name(tuple(core), at, tuple(w for w in words[: last_title + 1] if w in titles))


def _plain(mention: str) -> str:
    """A described speaker as a name: without a leading article or trailing commas."""
    mention = mention.strip(" ,")
    for article in ("The ", "the "):
        if mention.startswith(article) and mention[len(article) : len(article) + 1].isupper():
            return mention[len(article) :]
    return mention
