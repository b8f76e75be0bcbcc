"""Bad input gets a clear answer and the rest goes on: a corpus of real files, each bad in
its own way (not UTF-8, binary, a FIFO, dangling and escaping links, a link loop, bad
JSON Lines records and Parquet rows, unsafe ids), built once; each test checks what
became of one of them. Good but unusual files (a byte order mark, CRLF and lone CR,
NUL bytes, an empty file, twin files) are built with them and must come out exact."""

from __future__ import annotations

import codecs
import functools
import gzip
import json
import os
import pickle

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotes.badinput import BadInputLog, ReadOptions
from quotes.batches import DocumentBatch, ExtractionError, extract_rows
from quotes.decoding import ByteMap, decode_replacing
from quotes.parallel import imap_ordered
from quotes.release import RELEASE_FILE, ReleaseError, build
from quotes.shards import Limits
from quotes.sources import SourceError, read_documents, text_document
from quotes.verify import verify
from tests.conftest import SEEDS, seed_records, write_jsonl

ARTICLE = (SEEDS / "002_d268800eac509475.txt").read_text(encoding="utf-8")  # 14 quotations over 42 lines
OTHER = (SEEDS / "004_cd971be548da90b5.txt").read_text(encoding="utf-8")
SECRET = "“The password is swordfish,” the administrator said.\n"

# What the default build must leave out: (file, place, reason), in the order release.json lists them.
SKIPPED = [
    ("back\\slash.txt", None, "unsafe_doc_id"),
    ("gone.txt", None, "unreadable"),
    ("latin1.txt", ("byte", 3), "not_utf8"),
    ("loop/up", None, "symlink_loop"),
    ("news.jsonl", ("line", 2), "bad_json"),
    ("news.jsonl", ("line", 3), "missing_field"),
    ("news.jsonl", ("line", 4), "bad_json"),
    ("news.jsonl", ("line", 5), "bad_field"),
    ("news.jsonl", ("line", 6), "unsafe_doc_id"),
    ("news.jsonl", ("line", 7), "unsafe_doc_id"),
    ("news.jsonl", ("line", 8), "bad_field"),
    ("news.jsonl", ("line", 10), "not_utf8"),
    ("outside.txt", None, "symlink_outside"),
    ("pipe.txt", None, "unreadable"),
    ("scan.txt", ("byte", 0), "binary"),
    ("table.parquet", ("row", 1), "bad_field"),
    ("table.parquet", ("row", 2), "unsafe_doc_id"),
    ("utf16.txt", ("byte", 0), "not_utf8"),
]
KEPT = ["a.txt", "alias.txt", "b.txt", "bom.txt", "cr.txt", "crlf.txt", "empty.txt", "nul.txt", "rec-1", "rec-2", "row-0"]


def latin1_article() -> bytes:
    """The article in UTF-8 after a line pasted from Windows-1252 (single bytes no UTF-8 has), with
    sequences cut short (two bytes of a three-byte character) and stray bytes between its quotations."""
    pasted = "Café owners in Kyiv said “we are still open” on Monday.\n\n".encode("cp1252")
    article = ARTICLE.encode().replace(b". ", b".\xe2\x80 ", 6).replace(b", ", b",\xff ", 6)
    return pasted + article


def make_corpus(root):
    """Write the corpus of bad and unusual files under ``root``; return its directory."""
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "b.txt").write_text(ARTICLE, encoding="utf-8")  # the same content under another name
    (corpus / "bom.txt").write_bytes(codecs.BOM_UTF8 + ARTICLE.encode())
    (corpus / "crlf.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    (corpus / "cr.txt").write_bytes(ARTICLE.replace("\n", "\r").encode())
    (corpus / "nul.txt").write_bytes(ARTICLE.replace(". ", ".\x00 ", 5).encode())
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes(latin1_article())
    (corpus / "scan.txt").write_bytes(gzip.compress(ARTICLE.encode() * 3, mtime=0))  # binary under a .txt name
    (corpus / "utf16.txt").write_bytes(ARTICLE.encode("utf-16"))
    (corpus / "back\\slash.txt").write_text(OTHER, encoding="utf-8")  # a legal POSIX name, an unsafe doc_id
    os.mkfifo(corpus / "pipe.txt")  # reading it would wait for a writer forever
    (corpus / "gone.txt").symlink_to(corpus / "deleted.txt")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text(SECRET, encoding="utf-8")
    (corpus / "outside.txt").symlink_to(elsewhere / "secret.txt")
    (corpus / "alias.txt").symlink_to("a.txt")  # inside the corpus: read under its own name
    (corpus / "loop").mkdir()
    (corpus / "loop" / "up").symlink_to("..")
    (corpus / "notes.md").write_text("not a corpus file: never read\n", encoding="utf-8")
    lines = [
        json.dumps({"id": "rec-1", "text": OTHER}),
        '{"id": "rec-x", "text": "unfinished',
        json.dumps({"id": "rec-3", "body": "no text field"}),
        json.dumps(["rec-4", "a list"]),
        json.dumps({"id": None, "text": "a null id"}),
        json.dumps({"id": "../../etc/passwd", "text": "an id that leaves its directory"}),
        json.dumps({"id": "/abs/path", "text": "an absolute id"}),
        '{"id": "rec-8", "text": "\\ud83d half a pair"}',
        "",
        '{"id": "rec-10", "text": "caf\xe9"}',
        json.dumps({"id": "rec-2", "text": "“We are ready,” the mayor said."}),
    ]
    data = "\n".join(lines).encode().replace("caf\xe9".encode(), b"caf\xe9") + b"\n"
    (corpus / "news.jsonl").write_bytes(data)
    table = pa.table({"id": ["row-0", "row-1", "../row-2"], "text": ["“Fine,” she said.", None, "“Out,” he said."]})
    pq.write_table(table, corpus / "table.parquet")
    return corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("bad-input"))


@pytest.fixture(scope="module")
def default_build(corpus, tmp_path_factory):
    return build([corpus], tmp_path_factory.mktemp("default") / "releases")


@pytest.fixture(scope="module")
def replacing_build(corpus, tmp_path_factory):
    return build([corpus], tmp_path_factory.mktemp("replace") / "releases", options=ReadOptions("replace"))


def manifest(result) -> dict:
    return json.loads((result.path / RELEASE_FILE).read_text(encoding="utf-8"))


def table(result, config: str) -> list[dict]:
    return pq.read_table(result.path / "data" / config).to_pylist()


def rows_of(result, doc_id: str) -> list[dict]:
    return [row for row in table(result, "quotes") if row["doc_id"] == doc_id]


def document(result, doc_id: str) -> dict:
    [found] = [row for row in table(result, "documents") if row["doc_id"] == doc_id]
    return found


def assert_rows_point_into(path, rows, document_text, replaced: bool = False):
    """Every row's code point offsets cut its text from the document, its byte offsets from the file."""
    data = path.read_bytes()
    assert rows
    for row in rows:
        assert document_text[row["start"] : row["end"]] == row["text"]
        assert data[row["byte_start"] : row["byte_end"]].decode("utf-8", "replace" if replaced else "strict") == row["text"]


# --- The rest goes on, and what was left out is listed -------------------------------------------


def test_every_bad_input_is_left_out_and_listed_with_its_place_and_reason(default_build):
    listed = manifest(default_build)["skipped"]
    found = [(e["file"], next(((k, e[k]) for k in ("line", "row", "byte") if k in e), None), e["reason"]) for e in listed["documents"]]
    assert found == SKIPPED
    assert listed["count"] == len(SKIPPED)
    assert sum(listed["reasons"].values()) == len(SKIPPED)
    assert all(entry["problem"] and "/" not in entry["file"][:1] for entry in listed["documents"])


def test_the_good_documents_are_built_and_verify(default_build):
    assert sorted(row["doc_id"] for row in table(default_build, "documents")) == KEPT
    assert default_build.written and default_build.counts["documents"] == len(KEPT)
    [report] = verify(default_build.path)
    assert report.ok, report.problems


def test_messages_name_the_file_and_the_place(default_build, corpus):
    messages = [bad.message() for bad in default_build.bad_input.skipped]
    assert f"{corpus / 'latin1.txt'}: not valid UTF-8 at byte 3 (invalid continuation byte); convert the file to UTF-8" in messages[2]
    assert messages[4].startswith(f"{corpus / 'news.jsonl'}:2: not valid JSON (Invalid control character at column 36)")
    assert messages[5] == (
        f"{corpus / 'news.jsonl'}:3: no field 'text' (the record has: body, id); name the text field with --text-field"
    )
    assert f"{corpus / 'table.parquet'}, row 1: column 'text' is null" in messages[15]


def test_release_json_names_no_local_paths(default_build, corpus):
    assert str(corpus.parent) not in (default_build.path / RELEASE_FILE).read_text(encoding="utf-8")


def test_the_card_says_what_was_left_out(default_build):
    card = (default_build.path / "README.md").read_text(encoding="utf-8")
    assert f"{len(SKIPPED)} inputs of the corpus were left out" in card


@pytest.mark.parametrize("encoding_errors", ["skip", "replace"])
def test_lines_decoded_by_the_workers_are_listed_as_one_process_lists_them(corpus, tmp_path, encoding_errors):
    # Batches of a few hundred bytes: the lines of news.jsonl reach the workers in several batches.
    options = ReadOptions(encoding_errors)
    one = build([corpus], tmp_path / "one", options=options)
    two = build([corpus], tmp_path / "two", options=options, jobs=2, limits=Limits(batch_bytes=300))
    assert [bad.message() for bad in two.bad_input.skipped] == [bad.message() for bad in one.bad_input.skipped]
    assert [bad.message() for bad in two.bad_input.replaced] == [bad.message() for bad in one.bad_input.replaced]
    for name in ("release.json", "data/quotes/train-00000-of-00001.parquet", "data/documents/train-00000-of-00001.parquet"):
        assert (two.path / name).read_bytes() == (one.path / name).read_bytes()


def test_a_bad_line_found_by_a_worker_stops_a_strict_build_with_its_place(tmp_path):
    records = [{"id": f"rec-{n:03d}", "text": ARTICLE} for n in range(12)]
    corpus = write_jsonl(tmp_path / "news.jsonl", records)
    corpus.write_bytes(corpus.read_bytes() + b'{"id": "rec-bad", "text": "cut short\n')
    with pytest.raises(SourceError) as raised:
        build([corpus], tmp_path / "out", options=ReadOptions(strict=True), jobs=2, limits=Limits(batch_bytes=20_000))
    assert (raised.value.reason, raised.value.place) == ("bad_json", ("line", 13))
    assert str(raised.value).startswith(f"{corpus}:13: not valid JSON (")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_source_error_crosses_a_process_boundary_whole():
    error = SourceError("news.jsonl:4", "not valid JSON (Expecting value at column 1)", "bad_json", ("line", 4))
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.where, again.problem, again.reason, again.place) == (
        str(error), error.where, error.problem, error.reason, error.place)


def test_strict_stops_at_the_first_and_writes_nothing(corpus, tmp_path):
    # A directory is listed before its files are read: the dangling link is the first problem.
    with pytest.raises(SourceError, match=r"gone.txt: a symbolic link to a file that does not exist"):
        build([corpus], tmp_path / "out", options=ReadOptions(strict=True))
    assert list((tmp_path / "out").iterdir()) == []


def test_encoding_errors_strict_stops_at_bytes_that_are_not_utf8_only(corpus, tmp_path):
    with pytest.raises(SourceError, match=r"latin1.txt: not valid UTF-8 at byte 3"):
        build([corpus], tmp_path / "out", options=ReadOptions("strict"))
    assert list((tmp_path / "out").iterdir()) == []


def test_a_build_with_nothing_left_writes_nothing(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "only.txt").write_bytes(latin1_article())
    with pytest.raises(ReleaseError, match=r"every document was left out \(1; the first: .*only.txt: not valid UTF-8 at byte 3"):
        build([tmp_path / "bad"], tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


# --- Not UTF-8: replace keeps the document, and byte offsets still point into the file ----------


def test_replace_keeps_the_document_and_its_bytes_map_back(replacing_build, corpus):
    data = (corpus / "latin1.txt").read_bytes()
    kept = document(replacing_build, "latin1.txt")
    assert kept["text"] == data.decode("utf-8", "replace")
    assert kept["n_bytes"] == len(data)
    rows = rows_of(replacing_build, "latin1.txt")
    assert len(rows) >= 10
    assert_rows_point_into(corpus / "latin1.txt", rows, kept["text"], replaced=True)
    # The offsets are the file's, not those of the text's own encoding (a U+FFFD is 3 bytes there).
    assert rows[-1]["byte_end"] < len(kept["text"][: rows[-1]["end"]].encode())


def test_replace_lists_what_it_replaced_and_leaves_out_the_rest(replacing_build):
    listed = manifest(replacing_build)
    replaced = [(e["file"], e.get("byte", e.get("line")), e["doc_id"]) for e in listed["replaced"]["documents"]]
    assert replaced == [("latin1.txt", 3, "latin1.txt"), ("news.jsonl", 10, "rec-10")]
    assert "sequences of bytes that are not UTF-8 replaced by U+FFFD, the first at byte 3" in listed["replaced"]["documents"][0]["problem"]
    reasons = {e["file"]: e["reason"] for e in listed["skipped"]["documents"]}
    assert reasons["scan.txt"] == "binary" and reasons["utf16.txt"] == "not_utf8"  # not text at all: still left out
    assert "latin1.txt" not in reasons
    assert document(replacing_build, "rec-10")["text"] == "caf\ufffd"
    [report] = verify(replacing_build.path)
    assert report.ok, report.problems


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=4), st.sampled_from(["“", "”", "é", "a", " said ", "\n"]).map(str.encode)), max_size=30).map(b"".join))
def test_replaced_text_maps_back_to_the_bytes_of_any_file(data):
    text, replaced = decode_replacing(data)
    assert text == data.decode("utf-8", "replace")
    bytes_of = ByteMap(replaced)
    for start in range(len(text) + 1):
        end = min(len(text), start + 3)
        piece = data[bytes_of.byte_offset(text, start) : bytes_of.byte_offset(text, end)]
        assert piece.decode("utf-8", "replace") == text[start:end]


# --- Unusual but good files come out exact -------------------------------------------------------


def test_a_byte_order_mark_is_counted_by_byte_offsets_not_code_points(default_build, corpus):
    kept = document(default_build, "bom.txt")
    assert kept["text"] == ARTICLE and kept["n_bytes"] == len(ARTICLE.encode()) + 3
    rows, plain = rows_of(default_build, "bom.txt"), rows_of(default_build, "a.txt")
    assert [(r["start"], r["end"]) for r in rows] == [(r["start"], r["end"]) for r in plain]
    assert [r["byte_start"] for r in rows] == [r["byte_start"] + 3 for r in plain]
    assert_rows_point_into(corpus / "bom.txt", rows, kept["text"])


@pytest.mark.parametrize("name", ["crlf.txt", "cr.txt"])
def test_crlf_and_lone_cr_keep_paragraphs_and_exact_offsets(default_build, corpus, name):
    kept = document(default_build, name)
    assert kept["text"] == (corpus / name).read_bytes().decode()  # line endings kept as they are
    rows, plain = rows_of(default_build, name), rows_of(default_build, "a.txt")
    assert len(plain) == 14
    assert [(r["text"].replace("\r\n", "\n").replace("\r", "\n"), r["paragraph"], r["speaker"]) for r in rows] == [
        (r["text"], r["paragraph"], r["speaker"]) for r in plain
    ]
    assert_rows_point_into(corpus / name, rows, kept["text"])


def test_nul_bytes_are_characters_of_the_text(default_build, corpus):
    kept = document(default_build, "nul.txt")
    assert kept["text"].count("\x00") == 5
    assert_rows_point_into(corpus / "nul.txt", rows_of(default_build, "nul.txt"), kept["text"])


def test_an_empty_file_is_a_document_without_quotations(default_build):
    assert document(default_build, "empty.txt") == {
        "doc_id": "empty.txt", "text": "", "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "n_bytes": 0, "n_chars": 0, "n_quotes": 0,
    }


def test_files_with_the_same_content_are_both_kept(default_build):
    twins = [document(default_build, name) for name in ("a.txt", "b.txt", "alias.txt")]
    assert len({d["sha256"] for d in twins}) == 1
    ids = [{r["quote_id"] for r in rows_of(default_build, d["doc_id"])} for d in twins]
    assert all(len(quote_ids) == 14 for quote_ids in ids) and not (ids[0] & ids[1])


def test_a_long_single_line_file(tmp_path):
    line = " ".join(ARTICLE.split())  # no line break at all
    text = " ".join([line] * (2_000_000 // len(line)))  # 2 MB
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "line.txt").write_text(text, encoding="utf-8")
    result = build([tmp_path / "corpus"], tmp_path / "out")
    rows = table(result, "quotes")
    assert len(rows) >= 14 * (2_000_000 // len(line)) - 14 and {r["paragraph"] for r in rows} == {0}
    assert_rows_point_into(tmp_path / "corpus" / "line.txt", rows[:: max(1, len(rows) // 200)], text)


# --- Links and files that cannot be read ---------------------------------------------------------


def test_links_out_of_the_corpus_are_read_only_when_asked(corpus, tmp_path):
    found = {d.doc_id: d.text for d in read_documents([corpus], options=ReadOptions(follow_symlinks=True), on_bad_input=lambda bad: None)}
    assert found["outside.txt"] == SECRET
    log = BadInputLog()
    assert "outside.txt" not in {d.doc_id for d in read_documents([corpus], on_bad_input=log.add)}
    [outside] = [bad for bad in log.skipped if bad.file == "outside.txt"]
    assert outside.problem.endswith("out of the corpus: not followed; give --follow-symlinks to read it")


def test_a_fifo_and_a_dangling_link_are_named_without_being_opened(default_build, corpus):
    problems = {bad.file: bad.message() for bad in default_build.bad_input.skipped}
    assert problems["pipe.txt"] == f"{corpus / 'pipe.txt'}: cannot be read: a FIFO, not a regular file; a corpus holds files"
    assert problems["gone.txt"] == f"{corpus / 'gone.txt'}: a symbolic link to a file that does not exist; remove the link or restore its file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its permissions; the FIFO and link tests cover it")
def test_a_file_without_read_permission(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "corpus" / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "corpus" / "locked.txt").chmod(0)
    result = build([tmp_path / "corpus"], tmp_path / "out")
    [bad] = result.bad_input.skipped
    assert (bad.file, bad.reason) == ("locked.txt", "unreadable") and "Permission denied" in bad.problem


# --- Records ----------------------------------------------------------------------------------


def test_a_truncated_compressed_file_keeps_the_lines_before_and_lists_the_rest(tmp_path):
    records = seed_records()
    whole = write_jsonl(tmp_path / "whole.jsonl.gz", records).read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    log = BadInputLog()
    kept = list(read_documents([tmp_path / "cut.jsonl.gz"], on_bad_input=log.add))
    [bad] = log.skipped
    assert 0 < len(kept) < len(records) and bad.place == ("line", len(kept) + 1) and bad.reason == "unreadable"
    assert "cannot be decompressed after line" in bad.problem and "the lines from there on are lost" in bad.problem


def test_ids_that_leave_a_directory_are_refused_from_every_source():
    for doc_id in ["../x", "a/../../x", "/abs", "", "a\\..\\x", "nul\x00"]:
        with pytest.raises(SourceError, match="doc_ids are relative POSIX paths"):
            text_document(doc_id, "text", "news.jsonl:1")
    assert text_document("2025/a..b.txt", "text", "x").doc_id == "2025/a..b.txt"


# --- An extractor failure on one document -------------------------------------------------------


def test_an_extractor_failure_leaves_out_that_document_only():
    # A document whose byte_base is not a number makes extract() itself fail (on
    # its first quotation); the extractor has no input that fails it otherwise.
    good = [text_document(f"good-{i}", ARTICLE, f"news.jsonl:{i}", "news.jsonl", ("line", i)) for i in range(4)]
    bad = text_document("bad", ARTICLE, "news.jsonl:9", "news.jsonl", ("line", 9))
    bad = type(bad)(**{**{name: getattr(bad, name) for name in bad.__slots__}, "byte_base": None})
    batches = [DocumentBatch(good[:2]), DocumentBatch([good[2], bad, good[3]])]
    rows = list(imap_ordered(functools.partial(extract_rows, strict=False), batches, jobs=2))
    assert [r.documents.column("doc_id").to_pylist() for r in rows] == [["good-0", "good-1"], ["good-2", "good-3"]]
    [failure] = rows[1].failed
    assert (failure.file, failure.place, failure.reason, failure.doc_id) == ("news.jsonl", ("line", 9), "extractor_failed", "bad")
    assert failure.message().startswith("news.jsonl:9: the extractor failed on document 'bad' (TypeError:")
    with pytest.raises(ExtractionError, match="news.jsonl:9: the extractor failed on document 'bad'"):
        list(imap_ordered(extract_rows, batches, jobs=2))
