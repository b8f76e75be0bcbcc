"""Decoding: the bytes of a text file to text, and a map from the text back to those bytes.

A text file is UTF-8, maybe behind a byte order mark, which is not part of the
text but is counted by byte offsets (``Decoded.byte_base``). Before decoding,
files that are not UTF-8 text at all are told apart, so that they can be named
for what they are: a file that starts with the byte order mark of UTF-16 or
UTF-32, and a binary file (``binary_reason``).

Bytes that are not UTF-8 are the caller's choice (``errors``):

- ``strict`` (and ``skip``, which leaves the document out): ``NotText`` names
  the offset of the first bad byte in the file;
- ``replace``: each bad sequence becomes one U+FFFD, exactly as Python's own
  ``errors="replace"`` does (one replacement character per *maximal subpart*
  of a sequence, as the Unicode Standard and the WHATWG Encoding Standard
  recommend: one U+FFFD may stand for one, two or three bytes). The text then
  no longer encodes to the file's bytes, so ``Decoded.replaced`` records, for
  each replacement, where it stands in the text and how many bytes of the file
  it stands for; ``ByteMap`` turns that into the shift that keeps every byte
  offset pointing into the file: ``data[byte_start:byte_end]`` decoded with
  ``errors="replace"`` is the text of the row.

>>> decoded = decode_text(b"caf\\xe9 \\xe2\\x80\\x9cok\\xe2\\x80\\x9d", "replace")
>>> decoded.text, decoded.replaced
('caf� “ok”', ((3, 1),))
>>> ByteMap(decoded.replaced).byte_offset(decoded.text, 6)  # the 'o' of "ok": byte 8 of the file
8
"""

from __future__ import annotations

import codecs
import threading
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate

SAMPLE_BYTES = 8192  # how much of a file the binary test looks at, as git and grep do
CONTROL_SHARE = 0.3  # more control bytes than this in the sample: binary, even when it decodes
REPLACEMENT = "\ufffd"
REPLACEMENT_BYTES = len(REPLACEMENT.encode("utf-8"))  # 3: what a U+FFFD weighs in the text's own encoding
ERRORS = ("strict", "replace", "skip")

# Control bytes no text holds: C0 controls but tab, line feed, vertical tab,
# form feed, carriage return and escape; and DEL.
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
# The byte order marks of encodings other than UTF-8, longest first (UTF-32 LE begins like UTF-16 LE).
_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)", "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)", "UTF-32BE"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)", "UTF-16BE"),
)


class NotText(ValueError):
    """The bytes are not UTF-8 text: ``kind`` is ``not_utf8`` or ``binary``, ``offset`` the first bad byte."""

    def __init__(self, kind: str, offset: int, problem: str) -> None:
        super().__init__(problem)
        self.kind, self.offset, self.problem = kind, offset, problem


@dataclass(frozen=True)
class Decoded:
    """A file's text, the bytes before it (a byte order mark), and the replacements decoding made."""

    text: str
    byte_base: int = 0
    replaced: tuple[tuple[int, int], ...] = ()  # (offset in the text, bytes of the file it stands for)


def decode_text(data: bytes, errors: str = "strict") -> Decoded:
    """Decode a text file's bytes as UTF-8 (see the module for ``errors``).

    >>> decode_text(codecs.BOM_UTF8 + "“Hi”".encode()).byte_base
    3
    >>> decode_text(b"ok \\xff")
    Traceback (most recent call last):
    ...
    quotes.decoding.NotText: not valid UTF-8 at byte 3 (invalid start byte); convert the file to UTF-8 (for example with iconv) or build with --encoding-errors replace
    """
    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {errors!r}")
    base = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if not base:
        _check_foreign_bom(data)
    binary = binary_reason(data)
    if binary:
        raise NotText("binary", 0, f"a binary file, not text ({binary}); leave it out of the corpus")
    if errors == "replace":
        text, replaced = decode_replacing(memoryview(data)[base:])
        return Decoded(text, base, replaced)
    try:
        return Decoded(codecs.utf_8_decode(memoryview(data)[base:], "strict", True)[0], base)
    except UnicodeDecodeError as error:
        offset = error.start + base
        raise NotText(
            "not_utf8",
            offset,
            f"not valid UTF-8 at byte {offset} ({error.reason}); convert the file to UTF-8 "
            "(for example with iconv) or build with --encoding-errors replace",
        ) from None


def _check_foreign_bom(data: bytes) -> None:
    for mark, name, iconv in _FOREIGN_BOMS:
        if data.startswith(mark):
            raise NotText(
                "not_utf8",
                0,
                f"not valid UTF-8 at byte 0 (it starts with the byte order mark of {name}); "
                f"convert it to UTF-8, for example with iconv -f {iconv} -t UTF-8",
            )


def binary_reason(data: bytes) -> str | None:
    """Why the start of ``data`` is not text but binary, or None when it may be text.

    Binary: the first 8 KB hold a NUL byte and are not UTF-8 (images, archives,
    compressed files, executables), or more than 30% of them are control bytes
    (NUL-padded records, UTF-16 without a byte order mark). A few NUL bytes in
    UTF-8 text are text: they are kept, as any character is.

    >>> binary_reason(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR\\x00\\x00\\x01\\xf4")
    'NUL bytes among bytes that are not UTF-8 in its first 8 KB'
    >>> binary_reason("“Yes,” she said.\\x00".encode()) is None
    True
    """
    sample = data[:SAMPLE_BYTES]
    if not sample:
        return None
    if b"\x00" in sample and not _is_utf8_prefix(sample):
        return f"NUL bytes among bytes that are not UTF-8 in its first {SAMPLE_BYTES // 1024} KB"
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls > CONTROL_SHARE * len(sample):
        return f"{controls / len(sample):.0%} control bytes in its first {SAMPLE_BYTES // 1024} KB"
    return None


def _is_utf8_prefix(sample: bytes) -> bool:
    """Whether ``sample`` is UTF-8, allowing a character cut at its end."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return True
    except UnicodeDecodeError:
        return False


# The replacements of the decode under way in this thread: an error handler is
# looked up by name, process-wide, so its record is kept per thread.
_replacing = threading.local()


def _record_replacement(error: UnicodeDecodeError) -> tuple[str, int]:
    _replacing.spans.append((error.start, error.end))
    return REPLACEMENT, error.end


codecs.register_error("quotes.replace", _record_replacement)


def decode_replacing(data: bytes | memoryview) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``data`` decoded with ``errors="replace"``, and (text offset, bytes replaced) for each U+FFFD it put.

    >>> decode_replacing(b"a\\xe2\\x80b\\xff\\xfe")
    ('a�b��', ((1, 2), (3, 1), (4, 1)))
    """
    _replacing.spans = []
    try:
        text = codecs.decode(data, "utf-8", "quotes.replace")
        spans = _replacing.spans
    finally:
        del _replacing.spans
    replaced = []
    chars = previous_end = 0
    view = memoryview(data)
    for start, end in spans:
        # The bytes between two replacements decoded whole: count their characters.
        chars += len(codecs.utf_8_decode(view[previous_end:start], "strict", True)[0])
        replaced.append((chars, end - start))
        chars += 1
        previous_end = end
    return text, tuple(replaced)


class ByteMap:
    """Byte offsets in a file for code point offsets in a text decoded with replacements.

    The byte offset of code point ``p`` is that of the text's own UTF-8
    encoding, shifted by what the replacements before ``p`` weigh in the file
    against the three bytes of a U+FFFD.

    >>> text, replaced = decode_replacing(b"\\xff\\xfe" + "“x”".encode())
    >>> ByteMap(replaced).shift(2), ByteMap(replaced).byte_offset(text, 3)
    (-4, 5)
    """

    def __init__(self, replaced: tuple[tuple[int, int], ...]) -> None:
        self.offsets = [offset for offset, _ in replaced]
        self.shifts = list(accumulate(n_bytes - REPLACEMENT_BYTES for _, n_bytes in replaced))

    def shift(self, position: int) -> int:
        """Bytes to add to the text's own byte offset of ``position`` (replacements before it)."""
        before = bisect_left(self.offsets, position)
        return self.shifts[before - 1] if before else 0

    def byte_offset(self, text: str, position: int) -> int:
        """The offset in the file (after any byte order mark) of code point ``position`` of ``text``."""
        return len(text[:position].encode("utf-8")) + self.shift(position)
