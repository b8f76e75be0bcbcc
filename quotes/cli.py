"""The command line: each command parses its options, makes one library call and prints.

Data goes to stdout, messages and progress to stderr. Library errors become
``Error: ...`` with exit status 1.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click
import pyarrow as pa

import quotes
from quotes.badinput import BadInput, BadInputLog, ReadOptions
from quotes.batches import ExtractionError, batched, json_lines
from quotes.decoding import ERRORS
from quotes.parallel import WorkerLost, default_jobs, imap_ordered
from quotes.release import ReleaseError, build
from quotes.sources import Fields, SourceError, read_units

_KNOWN_ERRORS = (SourceError, ReleaseError, ExtractionError, WorkerLost)
SUMMARY_LISTED = 10  # bad inputs a build's summary lists; release.json lists them all (up to its limit)


def _corpus_options(command):
    """The options every command that reads a corpus takes: the record fields, bad input and the jobs."""
    # Applied last to first, so that --help lists them in this file's reverse order.
    command = click.option("--jobs", "-j", default=default_jobs(), show_default="the number of cores", type=click.IntRange(min=1),
                           help="Processes that extract; the output is the same for every number.")(command)
    command = click.option("--follow-symlinks", is_flag=True,
                           help="Read symbolic links that point out of the corpus (left out and listed otherwise).")(command)
    command = click.option("--strict", is_flag=True,
                           help="Stop at the first document that would be left out (exit status 1), whatever the reason.")(command)
    command = click.option("--encoding-errors", type=click.Choice(ERRORS), default="skip", show_default=True,
                           help="Files with bytes that are not UTF-8: skip leaves the document out and lists it; "
                                "replace keeps it with U+FFFD for the bad bytes (byte offsets still point into the "
                                "file); strict stops with an error naming the file and the byte.")(command)
    command = click.option("--id-field", default="id", show_default=True,
                           help="Field or column holding a document's id, its doc_id.")(command)
    command = click.option("--text-field", default="text", show_default=True,
                           help="Field (JSON Lines) or column (Parquet, saved dataset) holding a document's text.")(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(quotes.__version__, prog_name="quotes")
def main() -> None:
    """Find quotations and their speakers in text, and publish them as a versioned dataset."""
    # Arrow's default allocator (mimalloc) keeps the memory a build frees after
    # every sorted run and row group, which raised the peak of a build by a third;
    # the system's allocator gives it back.
    pa.set_memory_pool(pa.system_memory_pool())


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@_corpus_options
def extract_command(
    paths: tuple[str, ...], text_field: str, id_field: str, encoding_errors: str, strict: bool, follow_symlinks: bool, jobs: int
) -> None:
    """Print every quotation in PATHS as JSON Lines, one object per quotation.

    PATHS are .txt files, JSON Lines (.jsonl, .jsonl.gz, .jsonl.zst), Parquet
    files, datasets saved with Dataset.save_to_disk, or directories of them
    (read recursively). The doc_id of a text file is its path relative to the
    directory given, or its name when given directly; that of a record is its
    id field. Quotations come in the order of the documents. A document that
    cannot be read is left out and named on stderr (see --strict).

    \b
    Example:
      quotes extract seeds/ | head -1
      quotes extract news.jsonl.gz --id-field doc_id > quotes.jsonl
    """
    options = ReadOptions(encoding_errors, strict, follow_symlinks)
    log = BadInputLog()

    def report(bad: BadInput) -> None:
        log.add(bad)
        click.echo(f"{'replaced' if bad.kept else 'skipped'}: {bad.message()}", err=True)

    try:
        units = read_units(paths, Fields(text=text_field, id=id_field), options, report)  # JSON Lines decoded by the workers
        for lines, failed in imap_ordered(functools.partial(json_lines, strict=strict), batched(units), jobs):
            sys.stdout.write(lines)
            for bad in failed:
                report(bad)
    except _KNOWN_ERRORS as error:
        raise click.ClickException(str(error)) from None
    if log.skipped_count or log.counts["replaced"]:
        click.echo(_bad_input_counts(log), err=True)


def _bad_input_counts(log: BadInputLog) -> str:
    """One line: how many inputs were left out, and why; how many kept with bytes replaced.

    >>> log = BadInputLog()
    >>> log.add(BadInput("a.txt", "binary", "a binary file"))
    >>> _bad_input_counts(log)
    '1 document left out (binary: 1)'
    """
    reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(log.counts.items()) if reason != "replaced")
    parts = []
    if log.skipped_count:
        parts.append(f"{_count(log.skipped_count, 'document')} left out ({reasons})")
    if log.counts["replaced"]:
        parts.append(f"{_count(log.counts['replaced'], 'document')} kept with bytes replaced by U+FFFD")
    return "; ".join(parts)


@main.command("build")
@click.argument("source", default="seeds", type=click.Path(exists=True))
@click.option("--out", default="releases", show_default=True, type=click.Path(file_okay=False), help="Directory of releases.")
@click.option("--version", "version", default=None, metavar="X.Y.Z", help="Version to write (default: 1.0.0, then the next minor version when the rows change).")
@click.option("--eval", "gold", default=None, type=click.Path(exists=True, dir_okay=False), metavar="GOLD",
              help="Measure the extractor on annotated GOLD (the format of `quotes eval`); "
                   "the figures go into the card and release.json.")
@click.option("--eval-part", "gold_part", type=click.Choice(["all", "dev", "heldout"]), default="heldout",
              show_default=True, help="Which half of GOLD to measure on (the rules are calibrated on dev).")
@_corpus_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")
def build_command(
    source: str,
    out: str,
    version: str | None,
    gold: str | None,
    gold_part: str,
    text_field: str,
    id_field: str,
    encoding_errors: str,
    strict: bool,
    follow_symlinks: bool,
    jobs: int,
    quiet: bool,
) -> None:
    """Build a release of the quotations in SOURCE (default: seeds/).

    SOURCE is a .txt file or directory, JSON Lines (.jsonl, .jsonl.gz,
    .jsonl.zst), Parquet, a dataset saved with Dataset.save_to_disk, or a
    directory of them. Writes OUT/vX.Y.Z/ with Parquet shards, the dataset card,
    croissant.json and release.json; the files are the same whatever the order
    of the input and the number of jobs. A build whose rows equal the newest
    release's writes nothing. A document that cannot be read is left out, and
    listed in the summary and in release.json (see --strict). One build at a
    time writes into OUT; a second stops with a message.

    \b
    Example:
      quotes build seeds/ --out releases
      quotes build news.jsonl.zst --id-field doc_id --jobs 8
      quotes build seeds/ --eval ../shared/eval/polnear-train.jsonl.gz
    """
    from quotes.evaluate import GoldError

    try:
        fields = Fields(text=text_field, id=id_field)
        options = ReadOptions(encoding_errors, strict, follow_symlinks)
        result = build(
            [source], out, version, gold=gold, gold_part=gold_part, fields=fields, jobs=jobs, progress=not quiet,
            options=options,
        )
    except (*_KNOWN_ERRORS, GoldError) as error:
        raise click.ClickException(str(error)) from None
    counts = result.counts
    if result.written:
        click.echo(f"Wrote release {result.version} to {result.path}")
    else:
        click.echo(f"Nothing written: the rows equal release {result.version} at {result.path}")
    share = counts["attributed"] / counts["quotes"] if counts.get("quotes") else 0.0
    click.echo(f"  documents          {counts['documents']}")
    click.echo(f"  quotes             {counts['quotes']} ({counts['direct']} direct, {counts['partial']} partial)")
    click.echo(f"  attributed quotes  {counts['attributed']} ({share:.0%})")
    _echo_bad_input(result.bad_input, result.written)
    python = _this_python()
    click.echo("Load it with:")
    click.echo(f'  {python} -c "import quotes; print(quotes.load(\'{result.path}\'))"')
    click.echo(f'  {python} -c "from datasets import load_dataset; print(load_dataset(\'{result.path}\', split=\'train\'))"')


def _this_python() -> str:
    """The interpreter running this command, as a path to type: the one that has the package."""
    executable = Path(sys.executable)
    try:
        return executable.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(executable)


@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--split", default=None, help="Only the gold documents of this split (their `split` field).")
@click.option("--part", type=click.Choice(["all", "dev", "heldout"]), default="all", show_default=True,
              help="A fixed half of the documents (by a hash of their id): develop on dev, measure on heldout.")
@click.option("--errors", "errors", default=0, show_default=True, metavar="N", help="Print N misattributed or missed quotations with their context.")
@click.option("--json", "json_out", default=None, type=click.Path(dir_okay=False), metavar="OUT", help="Also write the figures to OUT as JSON.")
@click.option("--calibrate", default=None, type=click.Path(dir_okay=False), metavar="TSV",
              help="Write each rule's measured precision to TSV (the format of lexicons/en/rule_precision.tsv).")
def eval_command(gold: str, split: str | None, part: str, errors: int, json_out: str | None, calibrate: str | None) -> None:
    """Measure quotation finding and speaker attribution against GOLD.

    GOLD is JSON Lines (plain or .gz): one annotated document a line, with
    `text`, `quotes` and `unattributed_quoted_spans` (see the README).

    \b
    Example:
      quotes eval ../shared/eval/polnear-train.jsonl.gz --part heldout --errors 20
    """
    from quotes.attribution import MIN_CONFIDENCE
    from quotes.evaluate import GoldError, calibrate as calibration, evaluate, format_errors, format_report, read_gold

    try:
        report = evaluate(read_gold(gold, split, part), errors=errors, min_confidence=MIN_CONFIDENCE)
        table = calibration(read_gold(gold, split, part), in_use=report) if calibrate else None
    except GoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(format_report(report))
    if errors:
        click.echo()
        click.echo(format_errors(report))
    if json_out:
        with open(json_out, "w", encoding="utf-8") as handle:
            json.dump(report.figures(), handle, indent=2)
            handle.write("\n")
    if calibrate:
        with open(calibrate, "w", encoding="utf-8") as handle:
            handle.write(table)


def _echo_bad_input(log: BadInputLog, written: bool) -> None:
    """The summary's lines on what was left out or repaired, the first few named."""
    for label, entries, total in (
        ("left out", log.skipped, log.skipped_count),
        ("replaced bytes", log.replaced, log.counts["replaced"]),
    ):
        if not total:
            continue
        click.echo(f"  {label + ' ':<19}{_count(total, 'document')}" + (" (listed in release.json)" if written else ""))
        for bad in entries[:SUMMARY_LISTED]:
            click.echo(f"    {bad.message()}")
        if total > SUMMARY_LISTED:
            click.echo(f"    … and {total - SUMMARY_LISTED} more")


def _release_errors() -> tuple[type[Exception], ...]:
    """The errors of the release commands that become ``Error: ...`` with exit status 1."""
    from quotes.load import ChecksumError, ReleaseNotFound
    from quotes.publish import PublishError
    from quotes.query import SpeakerNotFound

    return (*_KNOWN_ERRORS, ReleaseNotFound, ChecksumError, PublishError, SpeakerNotFound)


@main.command("stats")
@click.argument("release", default="releases", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead.")
@click.option("--recount", is_flag=True, help="Count the Parquet files again instead of reading release.json.")
def stats_command(release: str, as_json: bool, recount: bool) -> None:
    """Print the figures of RELEASE that its dataset card shows.

    RELEASE is a release directory, or a directory of releases (the newest is
    taken). The counts come from release.json, where the build wrote them while
    the rows streamed; --recount reads every Parquet file again to check them.

    \b
    Example:
      quotes stats releases/v1.0.0
      quotes stats releases --json | jq .stats.top_speakers
    """
    from quotes import stats

    try:
        summary = stats.read_stats(release)
        if recount:
            from quotes.load import find_release

            summary["stats"] = stats.recount(find_release(release))
    except _release_errors() as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(summary, indent=2, ensure_ascii=False) if as_json else stats.format_stats(summary))


@main.command("verify")
@click.argument("release", type=click.Path(exists=True, file_okay=False))
def verify_command(release: str) -> None:
    """Check RELEASE whole: checksums, row counts, schemas and provenance.

    RELEASE is a release directory, or a directory of releases (each is
    checked). Re-checks the sha256 of every file release.json lists (and that
    no other file is there), release.json's own checksum, the rows each config
    counts, the schema of every Parquet file, and the provenance of every
    quotation: documents.text[start:end] == quotes.text, and its byte offsets
    in its document's bytes. Reads the Parquet files a batch at a time, so
    memory does not grow with the release. Each problem is printed on stderr
    with the file (and row) it is in; the exit status is 1 if there is any.

    \b
    Example:
      quotes verify releases/v1.0.0
      quotes verify releases && quotes publish releases/v1.1.0 --repo my-lab/news-quotes
    """
    from quotes.verify import verify

    try:
        reports = verify(release)
    except _release_errors() as error:
        raise click.ClickException(str(error)) from None
    for report in reports:
        for line in report.notes + report.problems:
            click.echo(line, err=True)
        click.echo(report.summary(), err=not report.ok)
    failed = [report for report in reports if not report.ok]
    if failed:
        problems = sum(len(report.problems) for report in failed)
        raise click.ClickException(
            f"{_count(problems, 'problem')} in {', '.join(str(r.release) for r in failed)}; "
            "restore the release from its source, or build it again"
        )


@main.command("show")
@click.argument("release", type=click.Path(exists=True, file_okay=False))
@click.option("--speaker", required=True, help="Canonical speaker name, in any case (as `quotes stats` lists them).")
@click.option("--kind", type=click.Choice(["direct", "partial"]), default=None, help="Only quotations of this kind.")
@click.option("--context", "width", default=200, show_default=True, metavar="N", type=click.IntRange(min=0),
              help="Characters of context on each side.")
def show_command(release: str, speaker: str, kind: str | None, width: int) -> None:
    """Print every quotation of SPEAKER in RELEASE with the text around it.

    Each quotation comes with its document, paragraph, cue, the mention that
    named the speaker and the rule that attributed it; the quoted words are in
    bold on a terminal.

    \b
    Example:
      quotes show releases/v1.0.0 --speaker "Donald Trump" --kind direct
    """
    from quotes.query import format_passage, passages

    try:
        found = passages(release, speaker, kind, width)
    except _release_errors() as error:
        raise click.ClickException(str(error)) from None
    documents = len({p.quote["doc_id"] for p in found})
    click.echo(f"{_count(len(found), 'quotation')} by {found[0].quote['speaker']} in {_count(documents, 'document')}", err=True)
    for passage in found:
        click.echo()
        click.echo(format_passage(passage, click.style))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@main.command("publish")
@click.argument("release", type=click.Path(exists=True, file_okay=False))
@click.option("--repo", "repo_id", required=True, metavar="OWNER/NAME",
              help="The Hub dataset repository to publish to.")
@click.option("--version", "version", default=None, metavar="X.Y.Z",
              help="With a directory of releases: which one (default: the newest).")
@click.option("--private", is_flag=True, help="Create the repository as private if it does not exist.")
@click.option("--dry-run", is_flag=True, help="Print what would be sent and the tag, and send nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: print the plan as JSON.")
def publish_command(
    release: str, repo_id: str, version: str | None, private: bool, dry_run: bool, as_json: bool
) -> None:
    """Upload RELEASE to the Hugging Face Hub and tag the commit vX.Y.Z.

    The checksums are verified first. The files go to the root of the dataset
    repository OWNER/NAME (branch main); the commit is then tagged with the
    release's version, so that load_dataset("OWNER/NAME", revision="vX.Y.Z")
    reads exactly this release. A version already tagged there is refused.
    Log in first with `hf auth login`, or set HF_TOKEN.

    \b
    Example:
      quotes publish releases/v1.0.0 --repo my-lab/news-quotes --dry-run
      quotes publish releases/v1.0.0 --repo my-lab/news-quotes
    """
    from quotes.publish import format_plan, plan, publish

    try:
        planned = plan(release, repo_id, version, private)
        if dry_run:
            click.echo(json.dumps(planned.to_dict(), indent=2) if as_json else format_plan(planned))
            return
        click.echo(f"Uploading release {planned.version} to {repo_id}…", err=True)
        url = publish(planned)
    except _release_errors() as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Published release {planned.version}, tagged {planned.tag}: {url}", err=True)
    click.echo(url)
