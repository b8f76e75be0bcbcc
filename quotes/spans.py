"""Spans: find every quotation in a text by pairing its quotation marks.

The finder walks the text once, from quotation mark to quotation mark, keeping a
stack of open quotations:

- which mark closes which comes from ``lexicons/en/quote_pairs.tsv``;
- marks that look the same when opening and closing (straight ``"`` and ``'``,
  the newspaper ``''``) are told apart by what stands on either side;
- apostrophes are not marks: inside words (don't) the pattern never sees them,
  and elisions (’90s, rock 'n' roll) and plural possessives (officials’) are
  recognised where they could be mistaken for one;
- a quotation inside a quotation stays part of the outer one;
- at a paragraph end, an open quotation continues only if the next paragraph
  opens again (a quotation over several paragraphs); otherwise the open mark is
  given up, so one unbalanced mark never swallows the rest of the document, unless
  what it opened reads as whole sentences whose closing mark was left out (it then
  ends with its paragraph, or at the comma before a cue: “We will stay, he said.);
  a text with no line breaks is given the same protection by giving up a
  quotation that runs over 10,000 characters of one paragraph;
- where the line breaks between such paragraphs were lost (He said: "One. "Two."),
  an opening mark right after the end of a sentence of the open quotation ends it
  there and opens the next.

Only outermost quotations are returned, each with its ``kind``: ``direct`` for a
set-off utterance, ``partial`` for a fragment inside the author's own sentence.

>>> [(s.text, s.kind) for s in find_spans('“We won,” she said of the “historic” vote.')]
[('We won,', 'direct'), ('historic', 'partial')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import regex

from quotes import lexicons

DIRECT = "direct"
PARTIAL = "partial"


@dataclass(frozen=True, slots=True)
class Span:
    """One quotation: the quoted material ``text[start:end]`` and its marks."""

    start: int  # first code point of the quoted material, after the opening mark
    end: int  # one past its last code point, before the closing mark
    open_start: int  # where the opening mark begins
    close_end: int  # one past the closing mark
    paragraph: int  # index of the paragraph (non-blank line) the quotation starts in
    line_start: int  # offset where that paragraph begins
    kind: str  # DIRECT or PARTIAL
    text: str  # the quoted material
    open_mark: str
    close_mark: str  # "" when the quotation's paragraph ended with no mark and no line break
    paragraphs: int = 1  # how many paragraphs the quotation runs over


# Combining accents (U+0300 to U+036F) follow the letter they mark, as in José written
# decomposed: as a character class, for the patterns that must see them as part of a word.
COMBINING_ACCENTS = "\u0300-\u036f"

# Quotation marks are listed explicitly; an apostrophe (’ or ') is a candidate
# only where it is not between two word characters, so the regex engine skips
# don't, Zelensky’s and rock’n’roll without the Python loop ever seeing them (a
# combining accent counts as a word character: José’s written decomposed).
# The pattern opens with the first characters of all marks, so that the engine
# skips straight from one candidate to the next; the alternatives then look back
# at that character. (Opening with a look-ahead made it try every character.)
_MARK = re.compile(
    rf"""
    [“”"„«»‹›「」『』﹁﹂﹃﹄‘‚'’`]              # the first character of any mark
    (?:(?<=')'' | (?<=')' | (?<=`)`             # ASCII marks of some newspapers: ''', '', `` (''' is two marks)
  | (?<=[“”"„«»‹›「」『』﹁﹂﹃﹄‘‚])          # marks that are never apostrophes
  | (?<=['’])(?<![\w{COMBINING_ACCENTS}].) | (?<=['’])(?!\w))  # apostrophe-shaped, not inside a word
    """,
    re.VERBOSE,
)
# A line break of any convention ends a paragraph.
_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[{_BREAKS}]")
_BREAK_BEFORE = regex.compile(f"[{_BREAKS}]", regex.REVERSE)
# A line break before a non-blank line: paragraphs are counted by it.
_PARAGRAPH_BREAK = re.compile(f"[{_BREAKS}][^\\S{_BREAKS}]*(?=\\S)")

# Characters that may stand right before an opening mark / right after a closing one.
_OPENING_CONTEXT = frozenset("([{<—–-/\u00a0") | frozenset("“”\"„«»‹›「」『』‘’'‚`")
_CLOSING_CONTEXT = frozenset(".,;:!?)]}>…—–-/\u00a0") | frozenset("“”\"„«»‹›「」『』‘’'‚`")
# Marks whose direction must be read from their surroundings.
_SYMMETRIC = frozenset({'"', "'", "''", "’", "»", "«", "›", "‹", "”", "“"})
_APOSTROPHE_SHAPED = frozenset({"'", "’", "‘"})
_DECADE = re.compile(r"\d\d(?:s\b|\b)")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = frozenset(".!?")
_DEEPEST = 8  # quotations open at once at most, and how far out a closing mark may reach
_LONGEST = 10_000  # characters of one paragraph a quotation may run over before it is given up
# An unclosed quotation longer than this at the end of its paragraph is more often a
# text whose line breaks were lost (a quotation, then the rest of the article) than one
# whose closing mark was left out.
_LONGEST_UNCLOSED = 1_000


@cache
def _closers() -> dict[str, frozenset[str]]:
    """Opening mark -> the marks that may close it, from ``quote_pairs.tsv``."""
    return {row[0]: frozenset(row[1].split()) for row in lexicons.table("quote_pairs")}


@cache
def _cue_after_comma() -> re.Pattern:
    """The last comma of a stretch followed, within five words, by a reporting verb, and
    then by no quotation mark to the end: ", he said.", ", said Ana Ruiz, an analyst."

    Not a comma after the first word (Moreover, the board stressed), nor one that opens a
    clause of the author's (, and the company said), nor a verb with a clause of its own
    after it (, said it would), where the cue is part of the quotation.
    """
    lex = lexicons.finite_forms
    verbs = "|".join(sorted(lex("reporting_verbs") | lex("listener_verbs"), key=len, reverse=True))
    conjunctions = "|".join(sorted(lexicons.words("conjunctions")))
    pronouns = "|".join(sorted(row[0] for row in lexicons.table("pronouns")))
    return re.compile(
        rf"(?s)\S+\s.*(,)\s+(?!(?i:{conjunctions})\s)(?:[\w.'’\-]+\s+){{0,4}}?(?:{verbs})\b"
        rf"(?!\s+(?:that|{pronouns})\s+\w)[^\"“”«»„]{{0,200}}$"
    )


@cache
def _elisions() -> frozenset[str]:
    return lexicons.words("elisions")


@dataclass(slots=True)
class _Open:
    """A quotation whose closing mark has not been seen yet."""

    mark: str
    open_start: int
    start: int
    line_start: int
    paragraphs: int = 1
    inner: list[Span] = field(default_factory=list)  # closed quotations inside it
    fallback: tuple[int, int] | None = None  # a possessive-shaped ’ that may close it
    since: int = -1  # where its current paragraph began (its start, or a reopening mark)


def find_spans(text: str) -> list[Span]:
    """Every outermost quotation in ``text``, in order.

    >>> [s.text for s in find_spans("He said 'rock 'n' roll' in the '90s.")]
    ["rock 'n' roll"]
    >>> [s.text for s in find_spans('Unclosed "here.\\n\\nNext "one" ok.')]
    ['one']
    """
    return _Pairing(text).run()


class _Pairing:
    """The state of one left-to-right pass over a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.closers = _closers()
        self.stack: list[_Open] = []
        self.found: list[Span] = []
        self.skip_at = -1  # position of a mark already consumed (a reopening mark, an elision's end)
        self.checked = 0  # line breaks before this offset have been dealt with
        self.line_at = self.line_from = 0  # the line start last asked for, and where it was asked
        # Paragraphs before an offset, counted forward from the last place asked about.
        self.counted_at = 0
        self.paragraphs = 0 if text[: line_end(text, 0)].strip() else -1

    def run(self) -> list[Span]:
        text = self.text
        for token in _MARK.finditer(text):
            at, after = token.span()
            if self.stack:
                self._paragraph_ends(at)
                if self.stack and at - max(self.stack[0].start, self.stack[0].since) > _LONGEST:
                    # No quotation runs this long in one paragraph: the opening mark was a
                    # stray one. Given up here, so that a text with no line breaks at all
                    # cannot be swallowed by one unbalanced mark.
                    self._give_up()
            if at != self.skip_at:
                mark = token.group()
                if mark == "'''":
                    self._triple(at, after)
                else:
                    self._mark(mark, at, after)
            self.checked = max(self.checked, after)
        if self.stack:
            self._paragraph_ends(len(text))
        self._give_up(len(text))
        if not self.found:
            return self.found
        self.found.sort(key=lambda s: s.start)
        return self.found

    # -- line breaks -------------------------------------------------------

    def _paragraph_ends(self, until: int) -> None:
        """Deal with the line breaks met since the last mark while a quotation is open.

        At each, the quotation continues if the next paragraph opens again, and
        is given up otherwise. Breaks with nothing open need no look at all,
        which keeps the pass fast over text with few quotations.
        """
        text = self.text
        while self.stack:
            found = _BREAK.search(text, self.checked, until)
            if found is None:
                return
            ahead = _skip_space(text, found.end())
            self.checked = ahead
            if self._reopening_mark(ahead):
                outer = self.stack[0]
                del self.stack[1:]  # an inner quotation never runs over a paragraph end
                outer.paragraphs += 1
                outer.fallback = None
                outer.since = ahead
                self.skip_at = ahead
            else:
                self._give_up(found.start())

    def _reopening_mark(self, at: int) -> str | None:
        """The mark at ``at`` if it reopens the outermost quotation in a new paragraph."""
        text = self.text
        for mark in (text[at : at + 2], text[at : at + 1]):
            if self._reopens_outermost(mark):
                return mark
        return None

    def _reopens_outermost(self, mark: str) -> bool:
        """Whether ``mark`` opens a quotation of the outermost open one's kind."""
        return mark in self.closers and bool(self.closers[mark] & self.closers[self.stack[0].mark])

    def _give_up(self, paragraph_end: int | None = None) -> None:
        """End every open quotation at a paragraph end with no closing mark.

        The outermost one closes at a possessive-shaped ’ if it saw one; at the end of
        its paragraph if it is whole sentences left unclosed there (see
        ``_unclosed_sentences``); otherwise it is dropped. Quotations closed inside
        dropped ones come out on their own.
        """
        stack, self.stack = self.stack, []
        if not stack:
            return
        outer, resume = stack[0], 0
        if outer.fallback:
            at, resume = outer.fallback
            self._emit(outer, at, resume, self.text[at:resume])
        elif len(stack) == 1 and paragraph_end is not None and self._unclosed_sentences(outer, paragraph_end):
            end = self._unclosed_end(outer, paragraph_end)
            self._emit(outer, end, end, "")
            return
        for frame in stack:
            self.found.extend(s for s in frame.inner if s.start >= resume)

    def _unclosed_sentences(self, frame: _Open, paragraph_end: int) -> bool:
        """Whether an open quotation reads as whole sentences whose closing mark was
        left out (or cut off with the end of the text): its mark opens the paragraph,
        or follows a colon or the end of a sentence, a capital letter follows it, and
        the paragraph ends with the end of a sentence.

        >>> [s.text for s in find_spans('He said: “We will stay.\\n\\nThen he left.')]
        ['We will stay.']
        >>> [s.text for s in find_spans('Their “plan was\\n\\nThen he left.')]
        []
        """
        text = self.text
        if frame.inner or paragraph_end - frame.start > _LONGEST_UNCLOSED:
            return False
        if frame.line_start == 0 and paragraph_end == len(text):
            return False  # a text with no line breaks: its rest would follow the mark
        if frame.paragraphs == 1:
            before = text[frame.line_start : frame.open_start].rstrip()
            if before and before[-1] not in ":.!?":
                return False
            first = text[frame.start : frame.start + 1]
        else:  # the paragraph opened again with a mark, at frame.since
            first = text[frame.since : frame.since + 3].lstrip("".join(self.closers))[:1]
        ending = text[frame.start : paragraph_end].rstrip()
        return first[:1].isupper() and ending[-1:] in _SENTENCE_END | {"…"}

    def _unclosed_end(self, frame: _Open, paragraph_end: int) -> int:
        """Where a quotation left unclosed ends: after the comma before a reporting verb
        whose sentence ends the paragraph, where the closing mark was left out before
        the cue; otherwise at the end of the paragraph.

        >>> [s.text for s in find_spans('“We will stay, he said.\\n\\nThen he left.')]
        ['We will stay,']
        """
        cue = _cue_after_comma().match(self.text, frame.start, paragraph_end)
        if cue:
            return cue.start(1) + 1
        end = paragraph_end
        while self.text[end - 1].isspace():
            end -= 1
        return end

    # -- marks ---------------------------------------------------------------

    def _triple(self, at: int, after: int) -> None:
        """''' is two marks: ' closing an inner quotation, then '' closing the outer
        one; or, opening, '' then '."""
        if self.stack and self.stack[-1].mark in ("'", "‘"):
            self._mark("'", at, at + 1)
            self._mark("''", at + 1, after)
        else:
            self._mark("''", at, at + 2)
            self._mark("'", at + 2, after)

    def _mark(self, mark: str, at: int, after: int) -> None:
        text = self.text
        before = text[at - 1] if at else " "
        following = text[after] if after < len(text) else " "
        space_before = before.isspace() or before in _OPENING_CONTEXT
        space_after = following.isspace() or following in _CLOSING_CONTEXT
        symmetric = mark in _SYMMETRIC
        # A symmetric mark with space before and a word after opens; with a word
        # before and space after it closes; in between, the open quotations decide.
        can_close = not (symmetric and space_before and not space_after)
        can_open = not (symmetric and space_after and not space_before)

        if mark in _APOSTROPHE_SHAPED and space_before and not space_after and self._is_elision(mark, after):
            return  # ’90s, rock ’n’ roll: never a quotation mark
        if self.stack and can_close and mark in self.closers[self.stack[-1].mark]:
            if self._is_possessive(mark, at, after):
                self.stack[-1].fallback = (at, after)
                return
            self._close(len(self.stack) - 1, at, after, mark)
            return
        if mark in self.closers and can_open:
            if not can_close and self._opens_next_paragraph(mark, at):
                self._end_paragraph_here(at)
            if len(self.stack) < _DEEPEST:  # deeper still is a run of stray marks, not a quotation
                self.stack.append(_Open(mark, at, after, self._line_start(at)))
            return
        if mark not in _APOSTROPHE_SHAPED and can_close:
            # A closing mark for a quotation further out: the inner ones were never closed.
            for depth in range(len(self.stack) - 2, -1, -1):
                if mark in self.closers[self.stack[depth].mark]:
                    self._close(depth, at, after, mark)
                    return
        # Otherwise a stray closing mark or an apostrophe: ignored.

    def _opens_next_paragraph(self, mark: str, at: int) -> bool:
        """An opening mark of the open quotation's kind right after the end of one of
        its sentences: a quotation over several paragraphs whose line breaks were lost
        (Lund said: "The ferry runs in April. "Nobody should wait a winter."). Each paragraph
        of it opened again and none but the last was closed."""
        if len(self.stack) != 1 or not self._reopens_outermost(mark):
            return False
        before = self.text[max(self.stack[0].start, at - 3) : at].rstrip()
        return before[-1:] in _SENTENCE_END or before[-1:] == "…"

    def _end_paragraph_here(self, at: int) -> None:
        """End the open quotation before ``at``, as a paragraph end with no closing mark would."""
        frame = self.stack.pop()  # the quotations closed inside it stay part of it
        end = at
        while end > frame.start and self.text[end - 1].isspace():  # (no copy of the text before it)
            end -= 1
        self._emit(frame, end, end, "")

    def _is_possessive(self, mark: str, at: int, after: int) -> bool:
        """officials’ plan: an apostrophe after a plural, before a lower-case word."""
        text = self.text
        return (
            mark in ("’", "'")
            and at > 0
            and text[at - 1] in "sS"
            and text[after : after + 1] == " "
            and text[after + 1 : after + 2].islower()
        )

    def _is_elision(self, mark: str, after: int) -> bool:
        """’90s, 'em, rock 'n' roll: an apostrophe standing for left-out letters.

        The apostrophe closing an elision ('n') is consumed with it.
        """
        if _DECADE.match(self.text, after):
            return True
        word = _WORD.match(self.text, after)
        if word is None or word.group().lower() not in _elisions():
            return False
        following = self.text[word.end() : word.end() + 1]
        if following in ("'", "’"):
            self.skip_at = word.end()
            return True
        return following in (" ", "")

    def _close(self, depth: int, at: int, after: int, mark: str) -> None:
        frame = self.stack[depth]
        del self.stack[depth:]
        if self.stack:
            parent = self.stack[-1]
            if frame.start < at:
                parent.inner.append(self._span(frame, at, after, mark))
        else:
            self._emit(frame, at, after, mark)

    def _emit(self, frame: _Open, at: int, after: int, mark: str) -> None:
        if self.text[frame.start : at].strip():
            self.found.append(self._span(frame, at, after, mark))

    def _line_start(self, at: int) -> int:
        """line_start(), searching back only to the offset asked about before."""
        if at < self.line_from:
            self.line_from, self.line_at = 0, 0
        found = _BREAK_BEFORE.search(self.text, self.line_from, at)
        if found:
            self.line_at = found.end()
        self.line_from = at
        return self.line_at

    def _paragraph_of(self, at: int) -> int:
        """The index of the paragraph (non-blank line) holding offset ``at``."""
        if at < self.counted_at:
            self.counted_at, self.paragraphs = 0, (0 if self.text[: line_end(self.text, 0)].strip() else -1)
        self.paragraphs += len(_PARAGRAPH_BREAK.findall(self.text, self.counted_at, at))
        self.counted_at = at
        return max(self.paragraphs, 0)

    def _span(self, frame: _Open, at: int, after: int, mark: str) -> Span:
        text = self.text
        kind = quote_kind(text, frame.open_start, frame.start, at, frame.line_start, frame.paragraphs)
        return Span(
            start=frame.start,
            end=at,
            open_start=frame.open_start,
            close_end=after,
            paragraph=self._paragraph_of(frame.open_start),
            line_start=frame.line_start,
            kind=kind,
            text=text[frame.start : at],
            open_mark=frame.mark,
            close_mark=mark,
            paragraphs=frame.paragraphs,
        )


def line_end(text: str, at: int) -> int:
    """The offset of the first line break at or after ``at`` (or the text's end).

    >>> line_end("one\\ntwo", 1)
    3
    """
    found = _BREAK.search(text, at)
    return found.start() if found else len(text)


def line_start(text: str, at: int) -> int:
    """The offset where the line holding ``at`` begins.

    >>> line_start("one\\ntwo", 5)
    4
    """
    found = _BREAK_BEFORE.search(text, 0, at) if at else None
    return found.end() if found else 0


def _skip_space(text: str, at: int) -> int:
    """The first offset at or after ``at`` that is not white space."""
    end = len(text)
    while at < end and text[at].isspace():
        at += 1
    return at


def quote_kind(
    text: str, open_start: int, start: int, end: int, line_start: int, paragraphs: int = 1
) -> str:
    """``direct`` for a set-off utterance, ``partial`` for a fragment in the author's sentence.

    A quotation is direct when it begins with a capital (or a digit, dash or
    ellipsis) and either starts a sentence, follows a colon, follows a comma and
    runs to four words or more, or ends with its own sentence punctuation.

    >>> t = 'Leavitt noted, “There’s a power plant on the border.”'
    >>> quote_kind(t, 15, 16, len(t) - 1, 0)
    'direct'
    >>> t = 'Putin acknowledged the “idea” of a ceasefire.'
    >>> quote_kind(t, 23, 24, 28, 0)
    'partial'
    """
    if paragraphs > 1:
        return DIRECT
    content = text[start:end].strip()
    if not content:
        return PARTIAL
    first = content[0]
    if first.isalpha() and not first.isupper():
        return PARTIAL
    lead = text[max(line_start, open_start - 200) : open_start].rstrip()
    if not lead or lead[-1] in ".!?:;…—–-(" or lead[-1] in "”\"’'»«":
        return DIRECT
    words = len(content.split())
    if lead[-1] == "," and words >= 4:
        return DIRECT
    last = content.rstrip("”\"’' )]")[-1:]
    if last in _SENTENCE_END and words >= 3:
        return DIRECT
    return PARTIAL
