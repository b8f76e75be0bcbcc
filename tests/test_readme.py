"""The README opens with the two commands a new user runs, and CI runs the second."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil

from tests.conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first_block and text.index("```sh") < text.index("\n## "), "the README must open with its commands"
    return [line for line in first_block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands():
    build, test = readme_commands()
    assert "quotes build" in build
    assert "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_readme_python_examples_run(tmp_path, monkeypatch):
    import quotes
    from quotes.release import build

    build([ROOT / "seeds"], tmp_path / "releases")
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        if "quotes.spark" in block and not spark_runs():
            continue  # the optional extra; its own tests say it was skipped
        exec(compile(block, "README.md", "exec"), {"quotes": quotes})


def spark_runs() -> bool:
    """Whether PySpark (the `spark` extra) and the Java it needs are here."""
    return importlib.util.find_spec("pyspark") is not None and (shutil.which("java") or os.environ.get("JAVA_HOME"))
