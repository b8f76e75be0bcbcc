"""Shared fixtures: the repository's paths, the shared data beside it, and a built release."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CASES = Path(__file__).resolve().parent / "cases"
SHARED = ROOT.parent / "shared"


def seed_records() -> list[dict]:
    """The seed articles as records of a JSON Lines corpus: each article, and each of its paragraphs.

    Real text, made at test time, in doc_id order: enough documents (87) for a
    build to need several batches, row groups, shards and sorted runs.
    """
    records = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        records.append({"id": path.name, "text": text})
        paragraphs = [line for line in text.split("\n") if line.strip()]
        records += [{"id": f"{path.name}#{i:02d}", "text": p} for i, p in enumerate(paragraphs)]
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """Records as JSON Lines, compressed by the file's suffix (.gz, .zst or none)."""
    data = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    elif path.name.endswith(".zst"):
        import zstandard

        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


def load_cases(name: str) -> dict:
    """A case file from tests/cases, parsed."""
    return json.loads((CASES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_release(tmp_path_factory) -> Path:
    """A release built once from seeds/ for the tests that only read it."""
    from quotes.release import build

    out = tmp_path_factory.mktemp("releases")
    return build([SEEDS], out).path


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A writable copy of seeds/."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
