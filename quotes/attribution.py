"""Attribution: who said each quotation, by which cue, under which rule.

The rules live in ``lexicons/en/rules.toml`` as patterns over the tags of
:mod:`quotes.tagging`; this module applies them to each quotation's contexts
(the sentence around it, the sentence before it, the introduction of a list),
then lets quotations with no cue of their own continue a speaker's turn:

- ``same_paragraph_turn``: another quotation in the same paragraph is attributed;
- ``next_paragraph_turn``: the paragraph opens with a sentence of quotations only
  and the paragraph before ends with an attributed one.

The mention is the speaker as written next to the cue ("he", "Trump", "the
statement"); :mod:`quotes.names` turns it into a canonical name.

>>> from quotes.spans import find_spans
>>> text = '“We will win,” Trump told reporters.'
>>> [(a.rule, text[a.speaker_start:a.speaker_end], text[a.cue_start:a.cue_end])
...  for a in attribute(text, find_spans(text))]
[('after_speaker_cue', 'Trump', 'told')]
"""

from __future__ import annotations

import bisect
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from importlib import resources

import regex

from quotes import lexicons
from quotes.spans import Span, line_end, line_start
from quotes.tagging import LowercaseWords, Tokens, lowercase_words, sentence_boundary as _sentence_boundary, sentence_starts, tag

# Turns: a quotation with no rule of its own continues the speaker of a quotation near it.
SAME_PARAGRAPH_TURN = "same_paragraph_turn"  # a direct quotation after an attributed one
PARTIAL_TURN = "partial_turn"  # a fragment quoted shortly after an attributed quotation
FOLLOWING_TURN = "following_turn"  # a quotation opening a paragraph whose speaker is named later
NEXT_PARAGRAPH_TURN = "next_paragraph_turn"  # a paragraph opening with quotations after an attributed one
TURNS = (SAME_PARAGRAPH_TURN, PARTIAL_TURN, FOLLOWING_TURN, NEXT_PARAGRAPH_TURN)
# A fragment quoted further than this (in characters) from the last speaker named is
# more often someone else's word than the same speaker's.
_PARTIAL_TURN_REACH = 200
# A rule whose measured precision is below this attributes nothing: a wrong
# speaker is worse than none. Chosen on the development half of the gold data.
MIN_CONFIDENCE = 0.75
_VERBS = ("V", "K", "v", "Y", "y")
_CONTEXT_TOKENS = 120  # at most this many tokens either side of a quotation are read
_CONTEXTS = ("right", "tail", "left", "around", "previous", "intro", "signature")
# A line that signs the quotation above it: "— Jane Roe, a voter in Ohio."
_SIGNATURE = regex.compile(r"[ \t\u00a0]*[\-–—]+[ \t\u00a0]*\w")
_BULLET = regex.compile(r"[ \t\u00a0]*(?:[•·▪◦‣⁃*\-–—]|\d{1,2}[.)])\s")


class RuleError(Exception):
    """rules.toml holds a rule that cannot be used."""


@dataclass(frozen=True, slots=True)
class Attribution:
    """The speaker of one quotation as the text names it, and how it was found."""

    rule: str
    speaker_start: int
    speaker_end: int
    speaker_tags: str  # the tags of the mention's tokens, e.g. "TN" for "President Trump"
    cue_start: int | None = None
    cue_end: int | None = None
    apposition: tuple[int, int] | None = None  # ", a spokeswoman for X," beside the mention
    antecedent: tuple[int, int] | None = None  # for "who": the noun phrase before it


@dataclass(frozen=True)
class Rule:
    """One named pattern over the tags of one context of a quotation."""

    name: str
    context: str  # one of _CONTEXTS
    source: str  # the pattern as written in rules.toml, its macros expanded
    example: str
    requires: str = ""  # tags of which the context must hold one for the rule to be tried
    # A pattern the end of the context must match for the rule to be tried: the end of the
    # rule's own pattern, written alone (see rules.toml).
    requires_end: str = ""

    # Compiled on first use: the regex module parses a pattern in Python, and compiling
    # the rules costs each process about as much as extracting from 300 news texts; a
    # tenth of it went to the rules below the confidence extraction asks for, which it
    # never tries.
    @cached_property
    def pattern(self) -> regex.Pattern:
        """The compiled pattern.

        >>> rule("speaker_colon").pattern.search(",NV.") is None
        True
        """
        try:
            return regex.compile(self.source)
        except regex.error as error:
            raise RuleError(f"rules.toml: rule {self.name}: {error}") from None

    @cached_property
    def ending(self) -> regex.Pattern | None:
        """The compiled ``requires_end``, if the rule has one.

        >>> rule("before_speaker_cue").ending.search("NVDR") is None
        True
        """
        if not self.requires_end:
            return None
        try:
            return regex.compile(self.requires_end)
        except regex.error as error:
            raise RuleError(f"rules.toml: rule {self.name}, requires_end: {error}") from None

    def applies_to(self, tags: str) -> bool:
        """Whether the context holds a tag the rule cannot match without.

        >>> rule("according_to_after").applies_to(",PV.")
        False
        """
        return not self.requires or any(map(tags.__contains__, self.requires))

    def match(self, tags: str) -> regex.Match | None:
        """The match of this rule in a context's tags, if any.

        >>> rule("after_speaker_cue").match(",PV.").group("spk")
        'P'
        """
        return _search(self.pattern, tags, self.ending)


# Contexts repeat from quotation to quotation (",NV." after "…,” Trump said."):
# each rule searches each distinct context once, and the match is read again
# (the most recent 8,192 matches are kept: about 2 MB).
@lru_cache(maxsize=8_192)
def _search(pattern: regex.Pattern, tags: str, ending: regex.Pattern | None = None) -> regex.Match | None:
    # A pattern with no anchor at its start is tried from every tag of the context, its
    # noun phrases and all, before it fails at the end; the end alone is tried far faster.
    # Any match of the pattern ends with a match of ``ending``, so the test drops no match.
    if ending is not None and ending.search(tags) is None:
        return None
    return pattern.search(tags)


@cache
def rules() -> tuple[Rule, ...]:
    """Every rule of ``rules.toml``, in the order they are tried (each pattern is
    compiled when first used: see ``Rule.pattern``).

    >>> rules()[0].name, rules()[0].context
    ('according_to_tail', 'tail')
    """
    source = resources.files("quotes.lexicons") / "en" / "rules.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    macros: dict[str, str] = {}
    for name, body in data.get("macros", {}).items():
        macros[name] = _expand(body, macros, f"macro {name}")
    loaded = []
    for entry in data.get("rule", []):
        try:
            name, context, pattern = entry["name"], entry["context"], entry["pattern"]
        except KeyError as missing:
            raise RuleError(f"{source}: a rule lacks the field {missing}; see the file's header") from None
        if context not in _CONTEXTS:
            raise RuleError(f"{source}: rule {name} has context {context!r}; use one of {', '.join(_CONTEXTS)}")
        loaded.append(
            Rule(
                name,
                context,
                _expand(pattern, macros, name),
                entry.get("example", ""),
                entry.get("requires", ""),
                entry.get("requires_end", ""),
            )
        )
    return tuple(loaded)


@cache
def rule_confidence() -> dict[str, float]:
    """Each rule's measured precision, from ``lexicons/en/rule_precision.tsv``.

    >>> 0 < rule_confidence()["after_speaker_cue"] <= 1
    True
    """
    return {row[0]: float(row[1]) for row in lexicons.table("rule_precision")}


@cache
def usable_rules(min_confidence: float) -> tuple[Rule, ...]:
    """The rules whose measured precision reaches ``min_confidence``, in the order they
    are tried. A rule below it is not tried at all, so that it cannot stand in the way
    of a later, surer rule that also matches.

    >>> "sentence_subject" in {r.name for r in usable_rules(0.75)}
    False
    """
    confidence = rule_confidence()
    return tuple(r for r in rules() if confidence.get(r.name, 0.0) >= min_confidence)


# The contexts cut from a quotation's own sentence, by their place in the tuple of
# contexts that ``_attribute_one`` cuts; the other contexts are read only on demand.
_OWN_SENTENCE = {"right": 0, "tail": 1, "left": 2, "around": 3}


@cache
def _rule_steps(
    min_confidence: float,
) -> tuple[tuple[int, frozenset[str] | None, regex.Pattern, regex.Pattern | None, Rule], ...]:
    """The usable rules, each as (own-sentence context or -1, required tags, pattern,
    required end, rule): worked out once, so that trying a rule on a quotation reads a
    tuple rather than calling the rule's methods (each quotation tries a dozen rules or
    more).

    >>> [step[:2] for step in _rule_steps(0.75) if step[-1].name == "according_to_before"]
    [(2, frozenset({'U'}))]
    """
    return tuple(
        (_OWN_SENTENCE.get(r.context, -1), frozenset(r.requires) or None, r.pattern, r.ending, r)
        for r in usable_rules(min_confidence)
    )


def rule_names() -> tuple[str, ...]:
    """Every rule that can attribute a quotation: the patterns, then the turn rules.

    >>> rule_names()[-2:]
    ('following_turn', 'next_paragraph_turn')
    """
    return tuple(r.name for r in rules()) + TURNS


def rule(name: str) -> Rule:
    """The rule called ``name``.

    >>> rule("before_speaker_cue").context
    'left'
    """
    for candidate in rules():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no rule named {name!r}; known rules: {', '.join(r.name for r in rules())}")


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    def substitute(match: regex.Match) -> str:
        key = match.group(1)
        if key not in macros:
            raise RuleError(f"rules.toml, {where}: unknown macro {{{key}}}")
        return macros[key]

    return regex.sub(r"\{([A-Z_]+)\}", substitute, pattern)


# -- the contexts of a quotation -------------------------------------------------


@dataclass
class _Unit:
    """A stretch of paragraphs holding quotations, tagged once."""

    start: int
    end: int
    spans: list[int]  # indices into the document's spans
    tokens: Tokens = Tokens("", (), ())  # tagged by _tag_unit before any rule reads them
    quote_tokens: tuple[int, ...] = ()
    sentences: tuple[int, ...] = ()
    # The paragraph before, tagged on first use for the rules of the "previous" context.
    before: tuple[Tokens, int] | None = None
    before_tagged: bool = False


def _units(text: str, spans: list[Span]) -> list[_Unit]:
    """Group quotations by the paragraphs they stand in."""
    units: list[_Unit] = []
    for index, span in enumerate(spans):
        if units and span.open_start < units[-1].end:
            unit = units[-1]
            unit.spans.append(index)
            if span.close_end > unit.end:  # a quotation over several paragraphs
                unit.end = line_end(text, span.close_end)
        else:
            units.append(_Unit(span.line_start, line_end(text, span.close_end), [index]))
    return units


def attribute(text: str, spans: list[Span], min_confidence: float = 0.0) -> list[Attribution | None]:
    """The attribution of each span (``None`` where no rule applies), in span order.

    Rules whose measured precision (``rule_confidence``) is below
    ``min_confidence`` are not used, nor are they continued as turns.

    >>> from quotes.spans import find_spans
    >>> text = 'Leavitt noted, “There’s a power plant on the border.” Later: “Fine.”'
    >>> [a.rule if a else None for a in attribute(text, find_spans(text))]
    ['before_speaker_cue', 'same_paragraph_turn']
    """
    found: list[Attribution | None] = [None] * len(spans)
    units = _units(text, spans)
    words = lowercase_words(text)  # reads the text only when asked about a word

    def lowercase() -> LowercaseWords:  # (a plain function: a cache() wrapper per document cost more)
        return words

    confidence = rule_confidence()
    steps = _rule_steps(min_confidence)
    for unit in units:
        _tag_unit(text, spans, unit, lowercase)
        for position, index in enumerate(unit.spans):
            found[index] = _attribute_one(text, spans, unit, position, steps)

    def allowed(turn: str) -> bool:
        return confidence.get(turn, 0.0) >= min_confidence

    for number in range(len(units)):
        _continue_turns(text, spans, units, number, found, allowed)
    return found


def _tag_unit(text: str, spans: list[Span], unit: _Unit, lowercase: Callable[[], frozenset[str]]) -> None:
    quotes = [(spans[i].open_start, spans[i].close_end) for i in unit.spans]
    start, end = _window(text, unit, quotes[0][0], quotes[-1][1])
    unit.tokens = tag(text, start, end, quotes, lowercase)
    starts = unit.tokens.starts
    quote_at = {spans[i].open_start for i in unit.spans}
    unit.quote_tokens = tuple(k for k in _positions_of_q(unit.tokens.tags) if starts[k] in quote_at)
    unit.sentences = tuple(sentence_starts(unit.tokens, text))


def _positions_of_q(tags: str) -> list[int]:
    """Where the quotation tokens are, found by ``str.find`` rather than tag by tag
    (a unit holds one or two: a call of the regular expression engine cost more).

    >>> _positions_of_q("NVQ,NQ.")
    [2, 5]
    """
    found = []
    at = tags.find("Q")
    while at >= 0:
        found.append(at)
        at = tags.find("Q", at + 1)
    return found

# Sentences further than this from a quotation are not tagged: no rule reads them.
_WINDOW_SLACK = 300


def _window(text: str, unit: _Unit, first_open: int, last_close: int) -> tuple[int, int]:
    """The stretch of a unit the rules read: from the sentence before the first
    quotation to the end of the sentence of the last one."""
    start, end = unit.start, unit.end
    if first_open - start > _WINDOW_SLACK:
        boundaries = [m.end() for m in _sentence_boundary().finditer(text, start, first_open)]
        if len(boundaries) >= 2:
            start = boundaries[-2]
    if end - last_close > _WINDOW_SLACK:
        boundary = _sentence_boundary().search(text, last_close, end)
        if boundary:
            end = boundary.start() + 1
    return start, end


def _attribute_one(
    text: str,
    spans: list[Span],
    unit: _Unit,
    position: int,
    steps: tuple[tuple[int, frozenset[str] | None, regex.Pattern, regex.Pattern | None, Rule], ...],
) -> Attribution | None:
    tokens = unit.tokens
    tags = tokens.tags
    q = unit.quote_tokens[position]
    here = bisect.bisect_right(unit.sentences, q)
    sentence = unit.sentences[here - 1]
    following = unit.sentences[here : here + 2]
    sentence_end = following[0] if following else len(tags)
    if sentence_end == q + 1 and _speaker_may_follow(spans[unit.spans[position]], following):
        sentence_end = following[1] if len(following) > 1 else len(tags)
    # A sentence of thousands of words (a text with no full stops) is read near the
    # quotation only: the patterns' work stays bounded per quotation.
    sentence = max(sentence, q - _CONTEXT_TOKENS)
    sentence_end = min(sentence_end, q + 1 + _CONTEXT_TOKENS)
    right_end = tags.find("Q", q + 1, sentence_end)
    right_end = sentence_end if right_end < 0 else right_end
    # Each context is cut once: the rules that read it share the string (and its hash).
    # In the order of _OWN_SENTENCE.
    right, left = tags[q + 1 : right_end], tags[sentence:q]
    contexts = (
        (q + 1, right),
        (q + 1, tags[q + 1 : sentence_end]),
        (sentence, left),
        (sentence, left + "q" + right),  # both sides, the quotation marked q: "called a q by Democrats"
    )
    span = spans[unit.spans[position]]
    for own, requires, pattern, ending, candidate in steps:
        if own >= 0:
            # What Rule.applies_to and Rule.match do, without two method calls per rule.
            start, context = contexts[own]
            if requires is None or not requires.isdisjoint(context):
                match = _search(pattern, context, ending)
                if match:
                    found = _attribution(candidate.name, match, tokens, start)
                    if not _is_dateline(text, found):
                        return found
        elif candidate.context == "previous" and sentence == q and not _has_verb(tags, q + 1, sentence_end):
            found = _match_previous(text, spans, unit, sentence, candidate)
            if found:
                return found
        elif candidate.context == "intro" and _BULLET.match(text, span.line_start):
            found = _match_intro(text, spans, span, candidate)
            if found:
                return found
        elif candidate.context == "signature" and _alone_in_paragraph(text, span, tags, q):
            found = _match_signature(text, spans, unit, candidate)
            if found:
                return found
    return None


def _alone_in_paragraph(text: str, span: Span, tags: str, q: int) -> bool:
    """The quotation opens its paragraph, and only a full stop or a dash, if anything,
    follows it there.

    The search stops at the first character that is not a space: copying the line up
    to the quotation instead made a long line of quotations quadratic.

    >>> from quotes.spans import find_spans
    >>> text = "“We will count every vote.”"
    >>> _alone_in_paragraph(text, find_spans(text)[0], "Q.", 0)
    True
    """
    return _NOT_SPACE.search(text, span.line_start, span.open_start) is None and not tags[q + 1 :].strip(".-")


_NOT_SPACE = regex.compile(r"\S")


def _match_signature(text: str, spans: list[Span], unit: _Unit, candidate: Rule) -> Attribution | None:
    """The line after a paragraph ending with a quotation, when it opens with a dash:
    a pull quotation's signature ("— Jane Roe, a voter in Ohio.")."""
    start = _skip_blank_lines(text, unit.end)
    if start is None or not _SIGNATURE.match(text, start):
        return None
    end = line_end(text, start)
    if any(s.open_start < end and s.close_end > start for s in spans):
        return None
    signature = tag(text, start, end)
    found = candidate.match(signature.tags)
    return _attribution(candidate.name, found, signature, 0) if found else None


def _skip_blank_lines(text: str, at: int) -> int | None:
    """The start of the first line after ``at`` that is not blank, if any."""
    found = _NEXT_LINE.search(text, at)
    return found.start(1) if found else None


_NEXT_LINE = regex.compile(r"\n\s*?^([^\n]*\S)", regex.MULTILINE)


def _speaker_may_follow(span: Span, following: tuple[int, ...]) -> bool:
    """A direct quotation ending with its own question mark ("Why?" Hannity asked.),
    or followed by a short sentence ("We won." Trump said.), is attributed by what
    follows it; after a partial quotation a new sentence starts."""
    if span.kind != "direct":
        return False
    if span.text.rstrip().rstrip("’'”\"»›」』")[-1:] in ("?", "!"):
        return True
    return len(following) > 1 and following[1] - following[0] <= 6


def _has_verb(tags: str, start: int, end: int) -> bool:
    return any(verb in tags[start:end] for verb in _VERBS)


def _attribution(name: str, found: regex.Match, tokens: Tokens, offset: int) -> Attribution:
    """Turn a match over tags into character offsets."""
    first, last = found.span("spk")
    first -= _possessor_before(tokens.tags, offset + first)
    last += _rest_of_name(tokens.tags, offset + last)
    last -= _unfinished_place(tokens.tags, offset + first, offset + last)
    speaker_tags = tokens.tags[offset + first : offset + last]
    groups = found.groupdict()
    cue = found.span("cue") if groups.get("cue") is not None else None
    app = found.span("app") if groups.get("app") is not None else None
    antecedent = None
    if speaker_tags == "W":
        antecedent = _antecedent_of_who(tokens, offset + first)
    return Attribution(
        rule=name,
        speaker_start=tokens.starts[offset + first],
        speaker_end=tokens.ends[offset + last - 1],
        speaker_tags=speaker_tags,
        cue_start=tokens.starts[offset + cue[0]] if cue else None,
        cue_end=tokens.ends[offset + cue[1] - 1] if cue else None,
        apposition=(tokens.starts[offset + app[0]], tokens.ends[offset + app[1] - 1]) if app else None,
        antecedent=antecedent,
    )


# A dateline after a place in capitals: ", March 9 -", ", MARCH 11 -", " (Reuters) -"
_DATELINE_AFTER = regex.compile(r"(?:,\s*\p{L}+\.?\s+\d{1,2}|\s*\([^()]{1,20}\))\s*[-–—]")


def _is_dateline(text: str, found: Attribution) -> bool:
    """Whether the speaker found is the place of a dateline (NEW YORK, March 9 - …),
    run into the sentence after it when the headline before it ends with no full stop:
    a place that reports nothing.

    >>> text = "MERGER TALKS END NEW YORK, March 9 - Harbor Corp said it had “no plans.”"
    >>> _is_dateline(text, Attribution("subject_verb", 17, 25, "NN"))
    True
    """
    mention = text[found.speaker_start : found.speaker_end]
    return mention.isupper() and _DATELINE_AFTER.match(text, found.speaker_end) is not None


def _rest_of_name(tags: str, end: int) -> int:
    """How many words right after a mention that ends in a name or a title still belong
    to it: a pattern may stop inside a name, where the words after it suit what it asks
    next ("Texas Sen. Ted" of "Texas Sen. Ted Cruz has called it …"), before the name's
    possessive ("William" of "William Hill's"), or before the roles a name qualifies
    ("Sanders" of "Sanders supporters are crying …"; "Kelly Ayotte’s" of "Kelly Ayotte’s
    campaign said"). The mention is widened to the whole, at most four words more, but
    not over roles a name follows (in "Harbor spokesman Tom Berg" the pattern has taken
    the whole); which quotations a rule attributes does not change.

    >>> _rest_of_name("TNNXv", 2), _rest_of_name("NVN", 1), _rest_of_name("NGwV", 1)
    (1, 0, 1)
    >>> _rest_of_name("NRBy", 1), _rest_of_name("NRNV", 1), _rest_of_name("TNGRV", 2)
    (1, 0, 2)
    """
    if end == 0:
        return 0
    if tags[end - 1] == "R":
        return _holder_after_role(tags, end)
    if tags[end - 1] not in "NT":
        return 0
    count = _run_of(tags, end, "N", 4)
    if tags[end + count : end + count + 1] == "G":
        count += 1  # the name's possessive: "William Hill's"
    roles = _run_of(tags, end + count, "R", 4 - count)
    if roles and tags[end + count + roles : end + count + roles + 1] not in ("N", "T"):
        count += roles
    return count


def _holder_after_role(tags: str, end: int) -> int:
    """How many capitalised words after a mention that ends in a role name its holder
    ("Committee chairman" of "Committee chairman Ana Ruiz said"), when the name ends the
    noun phrase ("the official" of "the official Harbor news agency" names nobody).

    >>> _holder_after_role("RNNV", 1), _holder_after_role("RNwR", 1)
    (2, 0)
    """
    names = _run_of(tags, end, "N", 4)
    return names if names and tags[end + names : end + names + 1] not in ("w", "R", "G", "N") else 0


def _run_of(tags: str, start: int, tag: str, most: int) -> int:
    """How many tags ``tag`` stand in a row from ``start``, at most ``most``."""
    count = 0
    while count < most and start + count < len(tags) and tags[start + count] == tag:
        count += 1
    return count


def _unfinished_place(tags: str, start: int, end: int) -> int:
    """How many words to drop from the end of a mention whose last phrase, a place or an
    employer after a preposition, stops inside a longer noun phrase, a role or a name
    following it: in "Mervyn Davies at a London press conference said" the mention is
    Mervyn Davies, not "Mervyn Davies at a London". (A plain word after it may be a verb,
    as in "a survey by Harbor Bank found", and leaves the mention whole.)

    >>> _unfinished_place("NNODNRwV", 0, 5), _unfinished_place("NNONV", 0, 4), _unfinished_place("DRONR", 0, 4)
    (3, 0, 2)
    """
    if end >= len(tags) or tags[end] not in "RNG" or tags[end - 1] not in "NG":
        return 0
    at = tags.rfind("O", start, end)
    if at <= start or tags[at - 1] not in "NR":
        return 0
    return end - at


def _possessor_before(tags: str, first: int) -> int:
    """How many capitalised words and titles right before a mention that opens with a
    possessive belong to it: the patterns start a role at the possessive, and
    "Sen. Tom Berg’s office" would otherwise be "Berg’s office". At most five, and a
    modifier only before a capitalised word (former Sen. Tom Berg’s office).

    >>> _possessor_before("CTNGR", 3), _possessor_before("VGR", 1), _possessor_before("NNNNNNGR", 6)
    (2, 0, 5)
    >>> _possessor_before("DaNGR", 3), _possessor_before("DaGR", 2)
    (2, 0)
    """
    if tags[first : first + 1] != "G":
        return 0
    count = 0
    while count < 5 and first - count > 0 and tags[first - count - 1] in ("NT" if count == 0 else "aNT"):
        count += 1
    return count


# The noun phrase before a relative *who*: set off by a comma or a dash, past an age
# (Lina Holm, 42, who), or right before it (actor Tom Berg who said)
_NOUN_PHRASE_END = regex.compile(r"[DG]?[aNTRGw]*[NR]\)?(?:,(?:n,)?|-)?$")


def _antecedent_of_who(tokens: Tokens, who: int) -> tuple[int, int] | None:
    """The noun phrase a relative *who* refers to: "Trump, who said" -> Trump.

    >>> from quotes.tagging import tag
    >>> text = "says Lina Holm, 42, who said"
    >>> start, end = _antecedent_of_who(tag(text), 6)
    >>> text[start:end]
    'Lina Holm'
    """
    base = max(0, who - 12)
    found = _NOUN_PHRASE_END.search(tokens.tags, base, who)
    if not found:
        return None
    first, last = found.start(), found.end()
    while last > first and tokens.tags[last - 1] not in "NR":  # drop the comma, the age, the dash
        last -= 1
    return tokens.starts[first], tokens.ends[last - 1]


def _match_previous(text: str, spans: list[Span], unit: _Unit, sentence: int, candidate: Rule) -> Attribution | None:
    """The sentence before a quotation that opens its own: "X said in a statement:"."""
    tokens = unit.tokens
    if sentence > 0:
        earlier = max(unit.sentences[bisect.bisect_left(unit.sentences, sentence) - 1], sentence - _CONTEXT_TOKENS)
        found = candidate.match(tokens.tags[earlier:sentence])
        return _attribution(candidate.name, found, tokens, earlier) if found else None
    if not unit.before_tagged:
        unit.before, unit.before_tagged = _paragraph_before(text, spans, unit), True
    if unit.before is None:
        return None
    before, last = unit.before
    found = candidate.match(before.tags[last:])
    return _attribution(candidate.name, found, before, last) if found else None


def _paragraph_before(text: str, spans: list[Span], unit: _Unit) -> tuple[Tokens, int] | None:
    """The tags of the paragraph before a unit, and where its last sentence starts,
    when that sentence ends with a full stop or a colon and holds no quotation."""
    previous = _previous_paragraph(text, unit.start)
    if previous is None:
        return None
    start, end = previous
    inside = [(s.open_start, s.close_end) for s in spans if s.open_start < end and s.close_end > start]
    before = tag(text, start, end, inside)
    if not before.tags or before.tags[-1] not in ".:":
        return None
    last = sentence_starts(before, text)[-1]
    return None if "Q" in before.tags[last:] else (before, last)


def _previous_paragraph(text: str, at: int) -> tuple[int, int] | None:
    """The non-blank line before the line starting at ``at``."""
    end = at
    while end > 0:
        end = line_start(text, end - 1) if end > 0 else 0
        start = end
        stop = line_end(text, start)
        if text[start:stop].strip():
            return start, stop
        if start == 0:
            return None
    return None


def _match_intro(text: str, spans: list[Span], span: Span, candidate: Rule) -> Attribution | None:
    """A list item's quotation takes the speaker of the sentence introducing the list."""
    at = span.line_start
    for _ in range(30):  # a list longer than this has lost its introduction
        previous = _previous_paragraph(text, at)
        if previous is None:
            return None
        start, end = previous
        if not _BULLET.match(text, start):
            inside = [(s.open_start, s.close_end) for s in spans if s.open_start < end and s.close_end > start]
            intro = tag(text, start, end, inside)
            last = sentence_starts(intro, text)[-1]
            found = candidate.match(intro.tags[last:])
            return _attribution(candidate.name, found, intro, last) if found else None
        at = start
    return None


# -- turns: quotations that continue an attributed one ----------------------------


def split_links(text: str, spans: list[Span], found: list[Attribution | None]) -> list[int | None]:
    """For each quotation, the index of the one it continues, if it is the second
    part of a split quotation ("A," he said, "B."): the cue between the two parts
    attributes both, and no sentence ends between them.

    >>> from quotes.spans import find_spans
    >>> text = '“We will win,” he said, “and soon.” “Later.”'
    >>> spans = find_spans(text)
    >>> split_links(text, spans, attribute(text, spans))
    [None, 0, None]
    """
    links: list[int | None] = [None] * len(spans)
    for index in range(1, len(spans)):
        before, after = spans[index - 1], spans[index]
        first, second = found[index - 1], found[index]
        if first is None or second is None or first.speaker_start != second.speaker_start:
            continue
        between = text[before.close_end : after.open_start]
        if before.close_end <= first.speaker_start < after.open_start and not _ends_sentence(between, before):
            links[index] = index - 1
    return links


def _ends_sentence(between: str, before: Span) -> bool:
    """A sentence ends between two quotations, or the first ends with its own full stop."""
    return any(mark in between for mark in ".!?\n") or before.text.rstrip()[-1:] in (".", "!", "?")


def _continue_turns(
    text: str, spans: list[Span], units: list[_Unit], number: int, found: list, allowed: Callable[[str], bool]
) -> None:
    unit = units[number]
    indices = unit.spans
    # The next attributed quotation after each position, found in one backward pass.
    next_found: list[Attribution | None] = [None] * len(indices)
    upcoming = None
    for position in range(len(indices) - 1, -1, -1):
        next_found[position] = upcoming
        upcoming = found[indices[position]] or upcoming
    last = last_direct = None  # the last attributed quotation so far, and the last direct one
    for position, index in enumerate(indices):
        if found[index] is None:
            # A direct quotation continues the last direct one, not a fragment quoted in
            # passing, unless that fragment's speaker was named after it, just before
            # this quotation (…that "we will need them," Moreno said. "The hard part starts now.").
            direct = spans[index].kind == "direct"
            source = last
            if last_direct is not None and direct and not _named_after(spans, found, last):
                source = last_direct
            # The turns in the order they are tried; one below the threshold is not
            # tried at all, so that it cannot stand in the way of the next.
            turn = None
            if source is not None:
                if direct:
                    turn = replace(found[source], rule=SAME_PARAGRAPH_TURN)
                elif spans[index].open_start - found[source].speaker_end <= _PARTIAL_TURN_REACH:
                    turn = replace(found[source], rule=PARTIAL_TURN)
            elif next_found[position] is not None and _opens_sentence(unit, position) and allowed(FOLLOWING_TURN):
                turn = replace(next_found[position], rule=FOLLOWING_TURN)
            elif position == 0 and number > 0 and _only_quotations(unit):
                before = units[number - 1]
                previous = found[before.spans[-1]]
                if previous is not None and _adjacent(text, before, unit) and _ends_with_turn(before, previous):
                    turn = replace(previous, rule=NEXT_PARAGRAPH_TURN)
            if turn is not None and allowed(turn.rule):
                found[index] = turn
        if found[index] is not None:
            last = index
            if spans[index].kind == "direct":
                last_direct = index


def _named_after(spans: list[Span], found: list, index: int | None) -> bool:
    return index is not None and found[index].speaker_start >= spans[index].close_end


def _opens_sentence(unit: _Unit, position: int) -> bool:
    q = unit.quote_tokens[position]
    at = bisect.bisect_left(unit.sentences, q)
    return at < len(unit.sentences) and unit.sentences[at] == q


def _only_quotations(unit: _Unit) -> bool:
    """A paragraph opening with a sentence of quotations that has no reporting verb
    outside them (what follows that sentence names no speaker of it)."""
    tags = unit.tokens.tags
    first_end = unit.sentences[1] if len(unit.sentences) > 1 else len(tags)
    return tags[:1] == "Q" and not _has_verb(tags, 0, first_end)


def _ends_with_turn(before: _Unit, previous: Attribution) -> bool:
    """The paragraph ends with the attributed quotation or with the sentence naming
    its speaker: a paragraph that goes on to a sentence of its own ("Alvarez added.
    She then took questions from the audience.") hands the turn to nobody."""
    tokens = before.tokens
    if not before.sentences:
        return True
    last_sentence = tokens.starts[before.sentences[-1]]
    last_quote = tokens.starts[before.quote_tokens[-1]] if before.quote_tokens else -1
    return last_quote >= last_sentence or previous.speaker_start >= last_sentence


def _adjacent(text: str, before: _Unit, unit: _Unit) -> bool:
    """Nothing but white space between the two paragraphs."""
    return not text[before.end : unit.start].strip()
