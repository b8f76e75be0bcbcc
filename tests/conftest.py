"""Shared fixtures: the repository's paths, the shared data beside it, and a built release."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CASES = Path(__file__).resolve().parent / "cases"
SHARED = ROOT.parent / "shared"


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
