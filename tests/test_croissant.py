"""croissant.json: valid ML Commons Croissant that mlcroissant reads records from, typed from
the Arrow schemas, with the sha256 of every Parquet file. Real mlcroissant, real files."""

from __future__ import annotations

import json

import mlcroissant as mlc
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quotes.croissant import CROISSANT_FILE, CroissantError, data_type
from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA
from quotes.release import RELEASE_FILE, sha256_file

# mlcroissant's own dependencies warn about their deprecated calls, not about ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated"),
    pytest.mark.filterwarnings("ignore:The inplace keyword"),
]
SCHEMAS = {"quotes": QUOTE_SCHEMA, "documents": DOCUMENT_SCHEMA}
# A release is byte-identical when rebuilt, so it cannot say when it was published.
ALLOWED_WARNINGS = ['Property "https://schema.org/datePublished" is recommended, but does not exist.']


def croissant_of(release) -> dict:
    return json.loads((release / CROISSANT_FILE).read_text(encoding="utf-8"))


def test_mlcroissant_validates_it(seeds_release):
    dataset = mlc.Dataset(jsonld=seeds_release / CROISSANT_FILE)
    issues = dataset.metadata.issues
    assert not issues.errors
    assert all(any(allowed in warning for allowed in ALLOWED_WARNINGS) for warning in issues.warnings), issues.warnings
    assert dataset.metadata.version == "1.0.0"


@pytest.mark.parametrize("config", ["quotes", "documents"])
def test_mlcroissant_reads_back_every_row(seeds_release, config):
    dataset = mlc.Dataset(jsonld=seeds_release / CROISSANT_FILE)
    records = [
        {key.split("/", 1)[1]: value.decode() if isinstance(value, bytes) else value for key, value in record.items()}
        for record in dataset.records(config)
    ]
    table = pq.read_table(seeds_release / f"data/{config}").to_pylist()
    key = "quote_id" if config == "quotes" else "doc_id"
    by_key = {row[key]: row for row in table}
    assert len(records) == len(table)
    for record in records:
        expected = by_key[record[key]]
        assert list(record) == list(expected)
        for name, value in record.items():
            if isinstance(expected[name], float):
                assert value == pytest.approx(expected[name])
            else:
                assert value == expected[name], name


def test_every_parquet_file_is_listed_with_its_sha256(seeds_release):
    manifest = json.loads((seeds_release / RELEASE_FILE).read_text())
    objects = {d["contentUrl"]: d for d in croissant_of(seeds_release)["distribution"] if d["@type"] == "cr:FileObject"}
    parquet = sorted(p.relative_to(seeds_release).as_posix() for p in seeds_release.rglob("*.parquet"))
    assert sorted(objects) == parquet
    for path, described in objects.items():
        assert described["sha256"] == sha256_file(seeds_release / path) == manifest["files"][path]
        assert described["contentSize"] == f"{(seeds_release / path).stat().st_size} B"
    assert manifest["files"][CROISSANT_FILE] == sha256_file(seeds_release / CROISSANT_FILE)


def test_fields_are_typed_from_the_arrow_schemas(seeds_release):
    record_sets = {r["name"]: r for r in croissant_of(seeds_release)["recordSet"]}
    for config, schema in SCHEMAS.items():
        fields = record_sets[config]["field"]
        assert [f["name"] for f in fields] == schema.names
        assert [f["dataType"] for f in fields] == [data_type(f.type) for f in schema]
        assert all(f["source"]["fileSet"]["@id"] == f"{config}-parquet-files" for f in fields)
    quote_fields = {f["name"]: f for f in record_sets["quotes"]["field"]}
    assert quote_fields["confidence"]["dataType"] == "cr:Float32"
    assert quote_fields["doc_id"]["references"] == {"field": {"@id": "documents/doc_id"}}


def test_a_type_croissant_cannot_name_is_an_error_naming_the_field():
    with pytest.raises(CroissantError, match="field 'when' has the Arrow type timestamp"):
        data_type(pa.timestamp("s"), "when")
