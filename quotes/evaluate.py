"""Evaluate: measure quotation finding and speaker attribution against annotated news.

The gold format is one JSON document a line (plain or gzip), each with ``text``,
``quotes`` (attributed quotations with ``start``, ``end``, ``speaker_start``,
``speaker_end``, ``content_fully_quoted``) and ``unattributed_quoted_spans``.

Definitions (the same for every figure this project reports):

- spans are cut at line breaks and trimmed of white space and quotation marks
  at both ends, so a quotation over several paragraphs counts once per
  paragraph on both sides;
- span precision = predicted spans equal to a gold span (attributed or not) /
  predicted spans; span recall = matched gold spans / gold spans; F1;
- speaker accuracy = attributed gold spans whose predicted speaker mention
  overlaps the gold speaker mention / attributed gold spans that have a speaker
  (a missed span counts as wrong); the same on ``content_fully_quoted`` spans
  alone (strict direct quotes);
- speaker precision = correct / those gold spans whose prediction has a speaker.

>>> gold = {"doc_id": "d", "text": "“We won,” he said.", "quotes": [{"start": 1, "end": 8,
...   "speaker_start": 10, "speaker_end": 12, "content_fully_quoted": True}],
...   "unattributed_quoted_spans": []}
>>> report = evaluate([gold])
>>> report.span_f1, report.speaker_accuracy
(1.0, 1.0)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from quotes.attribution import MIN_CONFIDENCE
from quotes.records import Quote, extract

_MARKS_AND_SPACE = " \t\u00a0\u2009\u202f\"'`“”‘’«»„‚‹›「」『』"
_LINE_BREAKS = "\n\r\u2028\u2029\v\f\x1c\x1d\x1e\x85"
PARTS = ("all", "dev", "heldout")


class GoldError(Exception):
    """The gold file cannot be read; the message names the file and the line."""


@dataclass
class Report:
    """Every figure of one evaluation run, and the material to explain it."""

    documents: int = 0
    predicted_spans: int = 0
    gold_spans: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0
    gold_with_speaker: int = 0
    correct_speaker: int = 0
    predicted_speaker: int = 0
    strict_with_speaker: int = 0
    strict_correct: int = 0
    by_rule: dict = field(default_factory=dict)  # rule -> {"correct": n, "attributed": n}
    errors: list = field(default_factory=list)

    @property
    def span_precision(self) -> float:
        return _ratio(self.matched_predicted, self.predicted_spans)

    @property
    def span_recall(self) -> float:
        return _ratio(self.matched_gold, self.gold_spans)

    @property
    def span_f1(self) -> float:
        p, r = self.span_precision, self.span_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return _ratio(self.correct_speaker, self.gold_with_speaker)

    @property
    def strict_speaker_accuracy(self) -> float:
        return _ratio(self.strict_correct, self.strict_with_speaker)

    @property
    def speaker_precision(self) -> float:
        return _ratio(self.correct_speaker, self.predicted_speaker)

    def figures(self) -> dict:
        """The headline figures as a dict (what ``--json`` writes, with the counts)."""
        return {
            "documents": self.documents,
            "span_precision": round(self.span_precision, 4),
            "span_recall": round(self.span_recall, 4),
            "span_f1": round(self.span_f1, 4),
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "strict_speaker_accuracy": round(self.strict_speaker_accuracy, 4),
            "speaker_precision": round(self.speaker_precision, 4),
            "counts": {k: v for k, v in asdict(self).items() if isinstance(v, int)},
            "by_rule": {
                rule: {**c, "precision": round(_ratio(c["correct"], c["attributed"]), 4)}
                for rule, c in sorted(self.by_rule.items())
            },
        }


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def read_gold(path: str | os.PathLike, split: str | None = None, part: str = "all") -> Iterator[dict]:
    """The gold documents of a JSON Lines file (``.gz`` too), filtered by split and part.

    ``part`` keeps half of the documents, chosen by a hash of their id, so that
    rules can be developed on one half (``dev``) and measured on the other
    (``heldout``).
    """
    if part not in PARTS:
        raise GoldError(f"part {part!r} is not one of {', '.join(PARTS)}")
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        handle = opener(path, "rt", encoding="utf-8")
    except OSError as error:
        raise GoldError(f"{path}: cannot be read ({error}); give a gold JSON Lines file") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
                document["text"], document["quotes"]
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise GoldError(f"{path}, line {number}: not a gold document ({error}); see the gold format") from None
            if split is not None and document.get("split") != split:
                continue
            if part != "all" and document_part(document.get("doc_id", str(number))) != part:
                continue
            yield document


def document_part(doc_id: str) -> str:
    """``dev`` or ``heldout``: a fixed half of any corpus, by the sha256 of the id.

    >>> document_part("nyt/2016-01-01/a")
    'heldout'
    """
    return "dev" if hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 0 else "heldout"


def pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut at line breaks, each piece trimmed of white space and quotation marks.

    >>> text = '“One.\\n\\n“Two.”'
    >>> [text[a:b] for a, b in pieces(text, 1, 12)]
    ['One.', 'Two.']
    """
    found = []
    piece_start = start
    for position in range(start, end + 1):
        if position == end or text[position] in _LINE_BREAKS:
            a, b = piece_start, position
            while a < b and text[a] in _MARKS_AND_SPACE:
                a += 1
            while b > a and text[b - 1] in _MARKS_AND_SPACE:
                b -= 1
            if a < b:
                found.append((a, b))
            piece_start = position + 1
    return found


def evaluate(documents: Iterable[dict], errors: int = 0, min_confidence: float = MIN_CONFIDENCE) -> Report:
    """Run the extractor on every gold document and count (see the module's definitions).

    ``min_confidence=0`` lets every rule attribute, to measure each one's
    precision (what ``quotes eval --calibrate`` does).
    """
    report = Report()
    for document in documents:
        predicted = extract(document["text"], document.get("doc_id", ""), min_confidence=min_confidence)
        _score_document(document, predicted, report, errors)
        report.documents += 1
    return report


def _score_document(document: dict, predicted: list[Quote], report: Report, errors: int) -> None:
    text = document["text"]
    by_piece: dict[tuple[int, int], Quote] = {}
    for quote in predicted:
        for piece in pieces(text, quote.start, quote.end):
            by_piece[piece] = quote
    gold_pieces: dict[tuple[int, int], dict | None] = {}
    for span in document.get("unattributed_quoted_spans", []):
        for piece in pieces(text, span["start"], span["end"]):
            gold_pieces.setdefault(piece, None)
    for gold in document["quotes"]:
        for piece in pieces(text, gold["start"], gold["end"]):
            gold_pieces[piece] = gold
    report.predicted_spans += len(by_piece)
    report.gold_spans += len(gold_pieces)
    report.matched_predicted += sum(1 for piece in by_piece if piece in gold_pieces)
    report.matched_gold += sum(1 for piece in gold_pieces if piece in by_piece)
    for piece, gold in gold_pieces.items():
        if gold is None or gold.get("speaker_start") is None:
            continue
        quote = by_piece.get(piece)
        correct = quote is not None and quote.speaker_start is not None and _overlaps(
            (quote.speaker_start, quote.speaker_end), (gold["speaker_start"], gold["speaker_end"])
        )
        report.gold_with_speaker += 1
        report.correct_speaker += correct
        if gold.get("content_fully_quoted"):
            report.strict_with_speaker += 1
            report.strict_correct += correct
        if quote is not None and quote.speaker_start is not None:
            report.predicted_speaker += 1
            tally = report.by_rule.setdefault(quote.rule, {"correct": 0, "attributed": 0})
            tally["attributed"] += 1
            tally["correct"] += correct
        if not correct and len(report.errors) < errors:
            report.errors.append(_error(document, piece, gold, quote))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


def _error(document: dict, piece: tuple[int, int], gold: dict, quote: Quote | None) -> dict:
    text = document["text"]
    start = max(0, min(piece[0], gold["speaker_start"]) - 150)
    end = min(len(text), max(piece[1], gold["speaker_end"]) + 150)
    return {
        "doc_id": document.get("doc_id"),
        "quote": text[piece[0] : piece[1]],
        "context": text[start:end],
        "gold_speaker": text[gold["speaker_start"] : gold["speaker_end"]],
        "predicted_speaker": quote.speaker_mention if quote else None,
        "rule": quote.rule if quote else None,
        "status": "missed span" if quote is None else ("unattributed" if quote.speaker_start is None else "wrong speaker"),
    }


def calibrate(documents: Iterable[dict], in_use: Report | None = None) -> str:
    """``rule_precision.tsv`` contents measured on ``documents``: the rules below the
    threshold with every rule tried, the others as they run (``in_use``, measured
    here unless given: an evaluation at ``MIN_CONFIDENCE`` of the same documents).

    >>> calibrate([]).splitlines()[-1].split()
    ['next_paragraph_turn', '0.000', '0']
    """
    documents = list(documents)
    every_rule = evaluate(documents, min_confidence=0.0)
    return calibration_table(every_rule, in_use=in_use if in_use is not None else evaluate(documents))


def calibration_table(report: Report, in_use: Report | None = None) -> str:
    """``rule_precision.tsv`` contents from a report: each rule's measured precision.

    The figure is (correct + 2p) / (attributed + 2), where p is the precision
    of all rules together: the measured share, pulled towards the overall one
    when a rule fired too rarely for its own share to be trusted (a rule that
    never fired gets p). ``report`` is measured with every rule tried; the rules
    at or above the threshold are figured from ``in_use`` instead, measured at the
    threshold, where the rules below it are not tried and so never stand in the
    way of a later rule: their figures are then those of the rows users get.

    >>> report = Report(correct_speaker=90, predicted_speaker=100,
    ...                 by_rule={"after_speaker_cue": {"correct": 98, "attributed": 100}})
    >>> calibration_table(report).splitlines()[-1].split()
    ['next_paragraph_turn', '0.900', '0']
    """
    lines = [
        "# The measured precision of each attribution rule: the share of its",
        "# attributions whose speaker mention overlaps the annotated one, as",
        "# (correct + 2p) / (attributed + 2) with p the precision of all rules together,",
        "# measured by",
        "#   quotes eval GOLD --part dev --calibrate quotes/lexicons/en/rule_precision.tsv",
        "# on the development half of an annotated corpus: the rules at or above",
        "# attribution.MIN_CONFIDENCE as they run, the others as they fire when every rule",
        "# is tried. After a change of rules, run it until the file stays the same. Every",
        "# quote row's `confidence` is its rule's figure; rules below the threshold are not",
        "# tried, and leave their quotations unattributed.",
        "# rule\tprecision\tattributions",
    ]
    from quotes.attribution import MIN_CONFIDENCE, rule_confidence, rule_names

    confidence = rule_confidence()
    for rule in rule_names():
        used = in_use is not None and confidence.get(rule, 0.0) >= MIN_CONFIDENCE
        source = in_use if used else report
        tally = source.by_rule.get(rule, {"correct": 0, "attributed": 0})
        overall = source.speaker_precision
        precision = (tally["correct"] + 2 * overall) / (tally["attributed"] + 2)
        lines.append(f"{rule}\t{precision:.3f}\t{tally['attributed']}")
    return "\n".join(lines) + "\n"


def format_report(report: Report) -> str:
    """The figures as a short table for a terminal."""
    figures = report.figures()
    rows = [
        ("documents", f"{report.documents}"),
        ("span precision", f"{figures['span_precision']:.4f}  ({report.matched_predicted}/{report.predicted_spans})"),
        ("span recall", f"{figures['span_recall']:.4f}  ({report.matched_gold}/{report.gold_spans})"),
        ("span F1", f"{figures['span_f1']:.4f}"),
        ("speaker accuracy", f"{figures['speaker_accuracy']:.4f}  ({report.correct_speaker}/{report.gold_with_speaker})"),
        ("  strict direct quotes", f"{figures['strict_speaker_accuracy']:.4f}  ({report.strict_correct}/{report.strict_with_speaker})"),
        ("speaker precision", f"{figures['speaker_precision']:.4f}  ({report.correct_speaker}/{report.predicted_speaker})"),
    ]
    lines = [f"{name:<24}{value}" for name, value in rows]
    lines.append("by rule (correct/attributed):")
    for rule, tally in sorted(report.by_rule.items(), key=lambda kv: -kv[1]["attributed"]):
        lines.append(f"  {rule:<26}{tally['correct']:>5}/{tally['attributed']:<5} {_ratio(tally['correct'], tally['attributed']):.3f}")
    return "\n".join(lines)


def format_errors(report: Report) -> str:
    """The collected errors, each with its context, for a person to read."""
    blocks = []
    counts = Counter(e["status"] for e in report.errors)
    for error in report.errors:
        context = " ".join(error["context"].split())
        blocks.append(
            f"[{error['status']}] {error['doc_id']}\n"
            f"  quote:     {error['quote'][:100]!r}\n"
            f"  gold:      {error['gold_speaker']!r}\n"
            f"  predicted: {error['predicted_speaker']!r} (rule: {error['rule']})\n"
            f"  context:   {context}"
        )
    summary = ", ".join(f"{n} {status}" for status, n in counts.most_common())
    return "\n\n".join(blocks) + (f"\n\n{summary}" if blocks else "")


def release_evaluation(gold: str | os.PathLike, part: str = "heldout") -> dict:
    """The figures a release records when it is built with ``--eval GOLD``.

    The gold file is named by its file name and sha256, never by where it
    lies, so that the same build gives the same release.json on any machine.
    ``heldout`` by default: the rules' precisions were calibrated on ``dev``.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
    >>> _ = path.write_text(json.dumps({"doc_id": "d", "text": "“We won,” he said.", "quotes": [{"start": 1, "end": 8,
    ...     "speaker_start": 10, "speaker_end": 12, "content_fully_quoted": True}]}) + "\\n")
    >>> figures = release_evaluation(path, part="all")
    >>> figures["gold"], figures["documents"], figures["speaker_accuracy"]
    ('gold.jsonl', 1, 1.0)
    """
    report = evaluate(read_gold(gold, part=part))
    figures = report.figures()
    digest = hashlib.sha256()
    with open(gold, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"gold": os.path.basename(gold), "gold_sha256": digest.hexdigest(), "part": part, **figures}
