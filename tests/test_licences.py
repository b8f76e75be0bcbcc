"""The annotated and benchmark news in ../shared may be read, never copied: no sentence of
it may stand in the repository's examples, test cases, code or documentation.

A run of eight words shared with any article counts as copied (shorter runs are common
English: "said in a statement on Monday").
"""

from __future__ import annotations

import gzip
import json
import re
import tomllib

import pytest

from tests.conftest import CASES, ROOT, SHARED

RUN = 8
_WORD = re.compile(r"\w+")


def _runs(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _repository_texts() -> dict[str, str]:
    """Every example, test case, source file and document of the repository, by name."""
    texts = {}
    for path in sorted(CASES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")).get("cases", []):
            if isinstance(case, dict) and "text" in case:
                texts[f"{path.name}: {case.get('label', '')}"] = case["text"]
    with open(ROOT / "quotes" / "lexicons" / "en" / "rules.toml", "rb") as file:
        for rule in tomllib.load(file)["rule"]:
            texts[f"rules.toml: {rule['name']}"] = rule["example"]
    for pattern in ("quotes/*.py", "tests/*.py", "benchmarks/*.py", "scripts/*.py", "*.md"):
        for path in sorted(ROOT.glob(pattern)):
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


@pytest.mark.parametrize("corpus", ["eval/polnear-train.jsonl.gz", "corpora/news.jsonl.gz"])
def test_no_text_of_the_shared_news_is_copied(corpus):
    path = SHARED / corpus
    if not path.exists():
        pytest.skip(f"{path} is not here")
    owners: dict[str, list[str]] = {}
    for name, text in _repository_texts().items():
        for run in _runs(text):
            owners.setdefault(run, []).append(name)
    copied: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            words = _WORD.findall(json.loads(line).get("text", "").lower())
            for i in range(len(words) - RUN + 1):
                run = " ".join(words[i : i + RUN])
                for name in owners.get(run, ()):
                    copied.setdefault(name, run)
    assert not copied, f"text from {corpus} copied into the repository (write an example of your own): {copied}"
