"""Croissant: describe a release in ML Commons Croissant 1.1 JSON-LD (``croissant.json``).

Croissant is the metadata format dataset search engines and ML frameworks
read. The description lists every Parquet file with its sha256 and size (one
``FileObject`` each), reads each config through a ``FileSet`` with the same
glob the card's ``configs`` use, so any number of shards is covered, and types
every field from the Arrow schema the writer uses. ``mlcroissant`` reads
records from it with no code from this package.

>>> field = record_set("quotes")["field"][0]
>>> field["name"], field["dataType"], field["source"]["extract"]
('quote_id', 'sc:Text', {'column': 'quote_id'})
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from quotes.records import DOCUMENT_SCHEMA, QUOTE_SCHEMA

CROISSANT_FILE = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"
SCHEMAS = {"quotes": QUOTE_SCHEMA, "documents": DOCUMENT_SCHEMA}
KEYS = {"quotes": "quote_id", "documents": "doc_id"}

# The standard Croissant 1.1 context, as mlcroissant writes it: readers warn on any other.
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


class CroissantError(Exception):
    """The schema holds a type Croissant cannot name; the message says which field."""


def data_type(arrow_type: pa.DataType, field: str = "?") -> str:
    """The Croissant data type of an Arrow type.

    >>> data_type(pa.int32()), data_type(pa.float32()), data_type(pa.string())
    ('cr:Int32', 'cr:Float32', 'sc:Text')
    """
    simple = {
        pa.string(): "sc:Text",
        pa.large_string(): "sc:Text",
        pa.bool_(): "sc:Boolean",
        pa.int8(): "cr:Int8",
        pa.int16(): "cr:Int16",
        pa.int32(): "cr:Int32",
        pa.int64(): "cr:Int64",
        pa.float16(): "cr:Float16",
        pa.float32(): "cr:Float32",
        pa.float64(): "cr:Float64",
    }
    if arrow_type not in simple:
        raise CroissantError(
            f"field {field!r} has the Arrow type {arrow_type}, which croissant.py does not map; "
            "add it to quotes.croissant.data_type"
        )
    return simple[arrow_type]


def file_set_id(config: str) -> str:
    """The @id of the FileSet that reads one config.

    >>> file_set_id("quotes")
    'quotes-parquet-files'
    """
    return f"{config}-parquet-files"


def record_set(config: str, meanings: dict[str, str] | None = None) -> dict:
    """One config's RecordSet: a field per column, typed from its Arrow schema."""
    fields = []
    for arrow_field in SCHEMAS[config]:
        field = {
            "@type": "cr:Field",
            "@id": f"{config}/{arrow_field.name}",
            "name": arrow_field.name,
            "description": (meanings or {}).get(arrow_field.name, arrow_field.name),
            "dataType": data_type(arrow_field.type, arrow_field.name),
            "source": {"fileSet": {"@id": file_set_id(config)}, "extract": {"column": arrow_field.name}},
        }
        if config == "quotes" and arrow_field.name == "doc_id":
            # Every quotation points to its document: a foreign key readers can join on.
            field["references"] = {"field": {"@id": "documents/doc_id"}}
        fields.append(field)
    return {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": {"quotes": "One record per quotation.", "documents": "One record per source document."}[config],
        "key": {"@id": f"{config}/{KEYS[config]}"},
        "field": fields,
    }


def distribution(files: dict[str, dict]) -> list[dict]:
    """A FileObject per Parquet file (path → sha256 and size), then a FileSet per config.

    >>> [d["@id"] for d in distribution({"data/quotes/train-00000-of-00001.parquet": {"sha256": "0" * 64, "bytes": 10}})]
    ['data/quotes/train-00000-of-00001.parquet', 'quotes-parquet-files', 'documents-parquet-files']
    """
    objects = [
        {
            "@type": "cr:FileObject",
            "@id": path,
            "name": path,
            "contentUrl": path,
            "contentSize": f"{facts['bytes']} B",
            "encodingFormat": PARQUET,
            "sha256": facts["sha256"],
        }
        for path, facts in sorted(files.items())
    ]
    sets = [
        {
            "@type": "cr:FileSet",
            "@id": file_set_id(config),
            "name": file_set_id(config),
            "description": f"The Parquet files of the `{config}` config.",
            "encodingFormat": PARQUET,
            "includes": f"data/{config}/*.parquet",
        }
        for config in SCHEMAS
    ]
    return objects + sets


def croissant(manifest: dict, files: dict[str, dict], texts: dict[str, str], meanings: dict[str, dict]) -> dict:
    """The Croissant description of a release.

    ``files`` maps each Parquet file to its sha256 and size; ``texts`` holds
    the card's prose (description, citation, license, limitations…) so the
    two descriptions say the same; ``meanings`` the field descriptions by config.
    """
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": texts["name"],
        "description": texts["description"],
        "version": manifest["version"],
        "license": texts["license"],
        "inLanguage": "en",
        "keywords": texts["keywords"],
        "citeAs": texts["citation"],
        "isLiveDataset": False,
        "rai:dataCollection": texts["collection"],
        "rai:dataAnnotationProtocol": texts["annotation"],
        "rai:dataLimitations": texts["limitations"],
        "rai:dataBiases": texts["biases"],
        "rai:personalSensitiveInformation": texts["personal"],
        "distribution": distribution(files),
        "recordSet": [record_set(config, meanings.get(config)) for config in SCHEMAS],
    }


def write_croissant(release: Path, manifest: dict) -> Path:
    """Write ``croissant.json`` into a (staged) release whose Parquet files are written.

    Keys keep a fixed order and nothing records the time, so a rebuild gives the same bytes.
    """
    from quotes.card import DOCUMENT_FIELD_MEANINGS, QUOTE_FIELD_MEANINGS, texts
    from quotes.release import sha256_file

    files = {
        path.relative_to(release).as_posix(): {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        for config in SCHEMAS
        for path in sorted(release.glob(f"data/{config}/*.parquet"))
    }
    meanings = {"quotes": QUOTE_FIELD_MEANINGS, "documents": DOCUMENT_FIELD_MEANINGS}
    document = croissant(manifest, files, texts(manifest), meanings)
    target = release / CROISSANT_FILE
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
