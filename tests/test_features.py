"""The features a release describes its columns with, computed without ``datasets``, are those
``datasets`` itself computes: for every config, in the Parquet metadata and in the card's YAML.
And a build does not import ``datasets`` at all (it cost a second of every build's start-up)."""

from __future__ import annotations

import subprocess
import sys

import datasets
import pyarrow as pa
import pytest

from quotes.features import _DTYPES, dataset_info_yaml, dtype, features_dict
from quotes.release import CONFIGS
from tests.conftest import ROOT


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_features_are_those_datasets_derives(config):
    schema = CONFIGS[config]
    assert features_dict(schema) == datasets.Features.from_arrow_schema(schema).to_dict()


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_dataset_info_is_that_of_datasets(config):
    schema = CONFIGS[config]
    info = datasets.DatasetInfo(
        features=datasets.Features.from_arrow_schema(schema),
        config_name=config,
        splits=datasets.SplitDict({"train": datasets.SplitInfo(name="train", num_bytes=4096, num_examples=17)}),
    )
    assert dataset_info_yaml(config, schema, 4096, 17) == info._to_yaml_dict()


@pytest.mark.parametrize("arrow_type", list(_DTYPES), ids=str)
def test_every_type_mapped_is_named_as_datasets_names_it(arrow_type):
    schema = pa.schema([pa.field("value", arrow_type)])
    assert features_dict(schema) == datasets.Features.from_arrow_schema(schema).to_dict()


def test_a_type_not_mapped_says_where_to_add_it():
    with pytest.raises(TypeError, match=r"field 'when' is timestamp\[s\].*_DTYPES in quotes/features.py"):
        dtype(pa.field("when", pa.timestamp("s")))


def test_a_build_does_not_import_datasets(tmp_path):
    script = (
        "import sys\n"
        "from quotes.cli import main\n"
        f"try:\n    main(['build', 'seeds', '--out', {str(tmp_path)!r}, '--jobs', '1', '--quiet'])\n"
        "except SystemExit as end:\n    assert not end.code, end.code\n"
        "assert 'datasets' not in sys.modules, 'the build imported datasets'\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    assert list(tmp_path.glob("v1.0.0/data/quotes/*.parquet"))
