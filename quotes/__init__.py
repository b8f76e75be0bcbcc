"""quotes: find direct quotations and who said them, and publish them as a dataset.

>>> from quotes import extract
>>> [(q.text, q.speaker) for q in extract('“We will win,” said Jane Doe.', doc_id="a.txt")]
[('We will win,', 'Jane Doe')]
"""

__version__ = "0.1.0"

import os  # noqa: E402

# Arrow's default allocator (mimalloc) keeps the pages of the batches a build has freed:
# over 1 GB of news the processes of a --jobs 2 build together peaked at about 500 MB with
# it and 400 MB with the C library's malloc (scripts/peak_rss.py), at about the same speed.
# Arrow reads the choice when it is first loaded, and worker processes inherit it;
# setting ARROW_DEFAULT_MEMORY_POOL beforehand overrides it.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

from quotes.records import Quote, extract  # noqa: E402
from quotes.load import load  # noqa: E402  (the function, not the module, is quotes.load)

__all__ = ["Quote", "extract", "load", "__version__"]
