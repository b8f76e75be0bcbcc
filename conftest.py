"""Collection from the repository root: the tests and the package's doctests only.

The benchmarks run apart (``python -m pytest benchmarks``, see benchmarks/pytest.ini)
and scripts/ are tested by tests/test_scripts.py; the Spark module's doctests need
pyspark and Java, an optional extra.
"""

import importlib.util
import os
import shutil

collect_ignore = ["benchmarks", "scripts"]
if importlib.util.find_spec("pyspark") is None or (shutil.which("java") is None and not os.environ.get("JAVA_HOME")):
    collect_ignore.append("quotes/spark.py")
