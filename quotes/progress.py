"""Progress: the one progress bar of long work, drawn on stderr; silent when not wanted.

A build shows the source text read so far (MB), its rate (MB/s), and the
documents and quotations done::

    extracting: 52.4MB [00:21, 2.46MB/s, 45,210 documents, 53,981 quotes]

>>> bar = BuildProgress(enabled=False)
>>> bar.add(documents=3, n_bytes=1200, quotes=4)
>>> bar.documents, bar.quotes
(3, 4)
>>> bar.close()
"""

from __future__ import annotations

import sys

from tqdm import tqdm


class BuildProgress:
    """Documents, megabytes and quotations done, on one line of stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.documents = 0
        self.quotes = 0
        # No bar at all when disabled: even a disabled tqdm starts a monitor thread.
        self.bar = tqdm(
            desc="extracting",
            unit="B",
            unit_scale=True,
            unit_divisor=1000,
            file=sys.stderr,
            mininterval=0.5,
            dynamic_ncols=True,
        ) if enabled else None

    def add(self, documents: int, n_bytes: int, quotes: int) -> None:
        """Count one batch of documents done."""
        self.documents += documents
        self.quotes += quotes
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.documents:,} documents, {self.quotes:,} quotes", refresh=False)
            self.bar.update(n_bytes)

    def note(self, message: str) -> None:
        """A line of its own above the bar (nothing when the bar is off)."""
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
