"""Collection: the Spark module's doctests need pyspark and Java, an optional extra."""

import importlib.util
import os
import shutil

collect_ignore = []
if importlib.util.find_spec("pyspark") is None or (shutil.which("java") is None and not os.environ.get("JAVA_HOME")):
    collect_ignore.append("quotes/spark.py")
