"""quotes: find direct quotations and who said them, and publish them as a dataset.

>>> from quotes import extract
>>> [(q.text, q.speaker) for q in extract('“We will win,” said Jane Doe.', doc_id="a.txt")]
[('We will win,', 'Jane Doe')]
"""

__version__ = "0.1.0"

from quotes.records import Quote, extract  # noqa: E402
from quotes.load import load  # noqa: E402  (the function, not the module, is quotes.load)

__all__ = ["Quote", "extract", "load", "__version__"]
