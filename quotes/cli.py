"""The command line: each command parses its options, makes one library call and prints.

Data goes to stdout, messages and progress to stderr. Library errors become
``Error: ...`` with exit status 1.
"""

from __future__ import annotations

import json
import sys

import click
import pyarrow as pa

import quotes
from quotes.batches import ExtractionError, batched, json_lines
from quotes.parallel import default_jobs, imap_ordered
from quotes.release import ReleaseError, build
from quotes.sources import Fields, SourceError, read_documents

_KNOWN_ERRORS = (SourceError, ReleaseError, ExtractionError)


def _corpus_options(command):
    """The options every command that reads a corpus takes: the record fields and the jobs."""
    # Applied last to first, so that --help lists them in this file's reverse order.
    command = click.option("--jobs", "-j", default=default_jobs(), show_default="the number of cores", type=click.IntRange(min=1),
                           help="Processes that extract; the output is the same for every number.")(command)
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
def extract_command(paths: tuple[str, ...], text_field: str, id_field: str, jobs: int) -> None:
    """Print every quotation in PATHS as JSON Lines, one object per quotation.

    PATHS are .txt files, JSON Lines (.jsonl, .jsonl.gz, .jsonl.zst), Parquet
    files, datasets saved with Dataset.save_to_disk, or directories of them
    (read recursively). The doc_id of a text file is its path relative to the
    directory given, or its name when given directly; that of a record is its
    id field. Quotations come in the order of the documents.

    \b
    Example:
      quotes extract seeds/ | head -1
      quotes extract news.jsonl.gz --id-field doc_id > quotes.jsonl
    """
    try:
        documents = read_documents(paths, Fields(text=text_field, id=id_field))
        for lines in imap_ordered(json_lines, batched(documents), jobs):
            sys.stdout.write(lines)
    except _KNOWN_ERRORS as error:
        raise click.ClickException(str(error)) from None


@main.command("build")
@click.argument("source", default="seeds", type=click.Path(exists=True))
@click.option("--out", default="releases", show_default=True, type=click.Path(file_okay=False), help="Directory of releases.")
@click.option("--version", "version", default=None, metavar="X.Y.Z", help="Version to write (default: 1.0.0, then the next minor version when the rows change).")
@_corpus_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")
def build_command(source: str, out: str, version: str | None, text_field: str, id_field: str, jobs: int, quiet: bool) -> None:
    """Build a release of the quotations in SOURCE (default: seeds/).

    SOURCE is a .txt file or directory, JSON Lines (.jsonl, .jsonl.gz,
    .jsonl.zst), Parquet, a dataset saved with Dataset.save_to_disk, or a
    directory of them. Writes OUT/vX.Y.Z/ with Parquet shards, the dataset card
    and release.json; the files are the same whatever the order of the input
    and the number of jobs. A build whose rows equal the newest release's
    writes nothing.

    \b
    Example:
      quotes build seeds/ --out releases
      quotes build news.jsonl.zst --id-field doc_id --jobs 8
    """
    try:
        fields = Fields(text=text_field, id=id_field)
        result = build([source], out, version, fields=fields, jobs=jobs, progress=not quiet)
    except _KNOWN_ERRORS as error:
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
    click.echo("Load it with:")
    click.echo(f'  python -c "import quotes; print(quotes.load(\'{result.path}\'))"')
    click.echo(f'  python -c "from datasets import load_dataset; print(load_dataset(\'{result.path}\', split=\'train\'))"')


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
    from quotes.evaluate import GoldError, calibration_table, evaluate, format_errors, format_report, read_gold

    try:
        report = evaluate(read_gold(gold, split, part), errors=errors)
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
            handle.write(calibration_table(report))
