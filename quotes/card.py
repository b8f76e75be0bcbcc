"""Card: render a release's README.md (the dataset card) from ``dataset_card.md``.

The YAML front matter (configs, features, split sizes) is generated from the
same Arrow schemas the Parquet writer uses, so the card and the data cannot
disagree; the prose is a Jinja2 template filled with the release's figures.

>>> from quotes.release import data_file
>>> front = front_matter({"counts": {"quotes": 21, "documents": 5}, "version": "1.0.0"})
>>> front["configs"][0]["data_files"][0]["path"]
'data/quotes/*.parquet'
"""

from __future__ import annotations

from importlib import resources

import datasets
import jinja2
import yaml

from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA

PRETTY_NAME = "Quotes"

QUOTE_FIELD_MEANINGS = {
    "quote_id": "stable id: hash of (doc_id, start, end)",
    "doc_id": "the source document (its path relative to the corpus root)",
    "start": "code point offset of the quoted material (inside the marks) in the document text",
    "end": "code point offset one past its end",
    "byte_start": "the same start as a UTF-8 byte offset into the source file",
    "byte_end": "the same end as a UTF-8 byte offset into the source file",
    "text": "the quoted material, exactly `documents.text[start:end]`",
    "kind": "`direct` (a set-off utterance) or `partial` (a fragment inside the author's sentence)",
    "speaker": "canonical speaker name within the document (\"Donald Trump\" for \"he\", \"Trump\", \"President Trump\")",
    "speaker_mention": "the mention that attributes the quotation, as written (\"he\", \"Trump\", \"the statement\")",
    "speaker_start": "code point offset of the mention",
    "speaker_end": "code point offset one past the mention",
    "cue": "the reporting verb or phrase as written (\"said\", \"told\", \"according to\")",
    "cue_start": "code point offset of the cue",
    "cue_end": "code point offset one past the cue",
    "rule": "name of the attribution rule that fired",
    "confidence": "0–1: the measured precision of that rule",
    "paragraph": "index of the paragraph (non-blank line) the quotation starts in",
    "continues": "for the second part of a split quotation (“A,” she said, “B.”), the `quote_id` of the first part",
}
DOCUMENT_FIELD_MEANINGS = {
    "doc_id": "the source document (its path relative to the corpus root)",
    "text": "the decoded text the offsets refer to",
    "sha256": "sha256 of the source file's bytes",
    "n_bytes": "length of the source file in bytes",
    "n_chars": "length of the text in code points",
    "n_quotes": "number of quotations found in it",
}


def template_text() -> str:
    """The card template shipped with the package (the repository's dataset_card.md)."""
    return (resources.files("quotes") / "dataset_card.md").read_text(encoding="utf-8")


def size_category(rows: int) -> str:
    """The Hub's size category for a number of rows.

    >>> size_category(21), size_category(12_000)
    ('n<1K', '10K<n<100K')
    """
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B")]
    for bound, label in bounds:
        if rows < bound:
            return label
    return "n>1T"


def front_matter(manifest: dict) -> dict:
    """The YAML header of the card as a dict: configs, features and split sizes."""
    counts = manifest["counts"]
    rows = {"quotes": counts.get("quotes", 0), "documents": counts.get("documents", 0)}
    sizes = counts.get("arrow_bytes", {})
    infos = []
    for config, schema in (("quotes", QUOTE_SCHEMA), ("documents", DOCUMENT_SCHEMA)):
        info = datasets.DatasetInfo(
            features=datasets.Features.from_arrow_schema(schema),
            config_name=config,
            splits=datasets.SplitDict(
                {"train": datasets.SplitInfo(name="train", num_bytes=sizes.get(config, 0), num_examples=rows[config])}
            ),
        )
        infos.append(info._to_yaml_dict())
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": "other",
        "license_name": "source-articles",
        "license_details": "Quotations are excerpts of copyrighted source articles; offsets and attributions are machine-generated.",
        "annotations_creators": ["machine-generated"],
        "task_categories": ["token-classification"],
        "size_categories": [size_category(rows["quotes"])],
        "tags": ["quotation-attribution", "news", "speaker-attribution"],
        "configs": [
            {"config_name": "quotes", "data_files": [{"split": "train", "path": "data/quotes/*.parquet"}], "default": True},
            {"config_name": "documents", "data_files": [{"split": "train", "path": "data/documents/*.parquet"}]},
        ],
        "dataset_info": infos,
    }


def render_card(manifest: dict, releases: dict | None = None) -> str:
    """The release's README.md: YAML front matter and prose filled with its figures."""
    counts = manifest["counts"]
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    template = environment.from_string(template_text())
    share = counts["attributed"] / counts["quotes"] if counts.get("quotes") else 0.0
    return template.render(
        front_matter=yaml.safe_dump(front_matter(manifest), sort_keys=False, allow_unicode=True),
        pretty_name=PRETTY_NAME,
        version=manifest["version"],
        package_version=manifest["package_version"],
        counts=counts,
        attributed_share=f"{share:.1%}",
        load_path=f"releases/v{manifest['version']}",
        quote_fields=[(f.name, str(f.type), QUOTE_FIELD_MEANINGS[f.name]) for f in QUOTE_SCHEMA],
        document_fields=[(f.name, str(f.type), DOCUMENT_FIELD_MEANINGS[f.name]) for f in DOCUMENT_SCHEMA],
        rules_fingerprint=manifest["rules_fingerprint"],
        sources_fingerprint=manifest["sources_fingerprint"],
        previous_versions=manifest.get("previous_versions", []),
    )
