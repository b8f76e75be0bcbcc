"""Features: how Hugging Face ``datasets`` describes an Arrow schema, without importing ``datasets``.

A release says what its columns are in the terms of ``datasets``: in the
metadata of every Parquet file (``Features.to_dict()``) and in the card's YAML
(``DatasetInfo._to_yaml_dict()``). Importing ``datasets`` to compute them took
about a second of every build, before any document was read. The configs'
schemas are flat, of a few primitive types, and for those the description is
the type's ``datasets`` name (``float32`` where Arrow says ``float``).
``tests/test_features.py`` checks that this module gives what ``datasets``
itself gives for every config, so the two cannot drift apart.

>>> features_dict(pa.schema([pa.field("n_quotes", pa.int32(), nullable=False)]))
{'n_quotes': {'dtype': 'int32', '_type': 'Value'}}
"""

from __future__ import annotations

import pyarrow as pa

# The Arrow types a ``datasets.Value`` stands for, by their ``datasets`` names
# (``datasets.features.features._arrow_to_datasets_dtype``).
_DTYPES = {
    pa.null(): "null",
    pa.bool_(): "bool",
    pa.int8(): "int8",
    pa.int16(): "int16",
    pa.int32(): "int32",
    pa.int64(): "int64",
    pa.uint8(): "uint8",
    pa.uint16(): "uint16",
    pa.uint32(): "uint32",
    pa.uint64(): "uint64",
    pa.float16(): "float16",
    pa.float32(): "float32",
    pa.float64(): "float64",
    pa.string(): "string",
    pa.large_string(): "large_string",
    pa.binary(): "binary",
    pa.large_binary(): "large_binary",
}


def dtype(field: pa.Field) -> str:
    """The ``datasets`` name of a field's type.

    >>> dtype(pa.field("confidence", pa.float32()))
    'float32'
    >>> dtype(pa.field("tags", pa.list_(pa.string())))
    Traceback (most recent call last):
    ...
    TypeError: field 'tags' is list<item: string>, which quotes.features does not describe; add its datasets name to _DTYPES in quotes/features.py (tests/test_features.py checks it against datasets)
    """
    try:
        return _DTYPES[field.type]
    except KeyError:
        raise TypeError(
            f"field {field.name!r} is {field.type}, which quotes.features does not describe; add its datasets "
            "name to _DTYPES in quotes/features.py (tests/test_features.py checks it against datasets)"
        ) from None


def features_dict(schema: pa.Schema) -> dict:
    """What ``datasets.Features.from_arrow_schema(schema).to_dict()`` returns, for a flat schema.

    >>> features_dict(pa.schema([("doc_id", pa.string())]))["doc_id"]
    {'dtype': 'string', '_type': 'Value'}
    """
    return {field.name: {"dtype": dtype(field), "_type": "Value"} for field in schema}


def dataset_info_yaml(config: str, schema: pa.Schema, num_bytes: int, num_examples: int) -> dict:
    """A config's ``dataset_info`` entry of the card's YAML, with one ``train`` split.

    The same as ``datasets.DatasetInfo(features=..., config_name=config,
    splits=...)._to_yaml_dict()``.

    >>> info = dataset_info_yaml("documents", pa.schema([("doc_id", pa.string())]), 120, 3)
    >>> info["features"], info["splits"]
    ([{'name': 'doc_id', 'dtype': 'string'}], [{'name': 'train', 'num_bytes': 120, 'num_examples': 3}])
    """
    return {
        "features": [{"name": field.name, "dtype": dtype(field)} for field in schema],
        "config_name": config,
        "splits": [{"name": "train", "num_bytes": num_bytes, "num_examples": num_examples}],
    }
