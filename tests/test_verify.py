"""``quotes verify`` and untrusted releases: a flipped byte in any file of a real release is
named with its file; a release whose checksums were forged to match finds its wrong rows
named by provenance, schema and counts; loading never runs code from a release, nor reads
a file release.json does not list."""

from __future__ import annotations

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import quotes
from quotes.load import ChecksumError
from quotes.release import RELEASE_FILE, build, data_file, manifest_bytes, seal, sha256_file
from quotes.shards import Limits
from quotes.stats import recount
from quotes.verify import verify
from tests.conftest import SEEDS, seed_records, write_jsonl
from tests.test_cli import run


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A release of the seeds, never changed: each test works on a copy."""
    return build([SEEDS], tmp_path_factory.mktemp("pristine")).path


@pytest.fixture
def release(pristine, tmp_path):
    copy = tmp_path / "releases" / pristine.name
    shutil.copytree(pristine, copy)
    return copy


def flip(path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def problems(release) -> list[str]:
    [report] = verify(release)
    return report.problems


def forge(release, config: str, change) -> None:
    """Rewrite a config's Parquet file with ``change(table)`` and make every checksum match again."""
    path = release / data_file(config)
    table = pq.read_table(path)
    pq.write_table(change(table).replace_schema_metadata(table.schema.metadata), path, compression="zstd")
    manifest = json.loads((release / RELEASE_FILE).read_text(encoding="utf-8"))
    manifest["files"][data_file(config)] = sha256_file(path)
    (release / RELEASE_FILE).write_bytes(manifest_bytes(seal(manifest)))


def test_a_whole_release_verifies_on_the_command_line(release):
    result = run("verify", str(release.parent))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{release}: ok: release.json and 4 files; 21 quotations in 5 documents, each documents.text[start:end]\n"


@pytest.mark.parametrize("name", [data_file("quotes"), data_file("documents"), "README.md", "croissant.json"])
@pytest.mark.parametrize("where", [0.1, 0.5, 0.97])
def test_a_flipped_byte_in_any_file_is_named(release, name, where):
    target = release / name
    flip(target, int(target.stat().st_size * where))
    found = problems(release)
    assert any(line.startswith(f"{target}: sha256 is ") for line in found), found


@pytest.mark.parametrize("where", [0.02, 0.2, 0.5, 0.8, 0.999])
def test_a_flipped_byte_in_release_json_is_named(release, where):
    target = release / RELEASE_FILE
    flip(target, int(target.stat().st_size * where))
    [line] = problems(release)
    assert line.startswith(f"{target}: ")


def test_a_changed_digit_or_space_in_release_json_is_named(release):
    target = release / RELEASE_FILE
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('"quotes": 21', '"quotes": 31', 1), encoding="utf-8")
    assert problems(release) == [f"{target}: its content does not match its manifest_sha256; the file was changed or damaged. Restore the release or rebuild it"]
    target.write_text(text.replace('"quotes": 21', '"quotes":  21', 1), encoding="utf-8")
    assert problems(release)[0].startswith(f"{target}: its bytes are not those its content is written as")


def test_the_command_line_exits_1_and_names_the_file(release):
    flip(release / data_file("quotes"), 100)
    result = run("verify", str(release))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{release / data_file('quotes')}: sha256 is ")
    assert result.stderr.rstrip().endswith("restore the release from its source, or build it again")


def test_a_file_release_json_does_not_list_is_a_problem(release):
    (release / "data" / "quotes" / "extra.parquet").write_bytes((release / data_file("quotes")).read_bytes())
    assert problems(release) == [
        f"{release / 'data/quotes/extra.parquet'}: is not listed in release.json, and a release holds only what it lists: remove it"
    ]


def test_wrong_text_under_matching_checksums_is_found_by_provenance(release):
    def change(table):
        texts = table["text"].to_pylist()
        texts[3] = texts[3].upper()
        return table.set_column(table.schema.get_field_index("text"), table.schema.field("text"), pa.array(texts, pa.string()))

    forge(release, "quotes", change)
    [line] = problems(release)
    assert line.startswith(f"{release / data_file('quotes')}, row 3: text ") and "is not documents.text[start:end]" in line


def test_offsets_moved_under_matching_checksums_are_found(release):
    def change(table):
        shifted = pa.array([value + 1 for value in table["byte_start"].to_pylist()], pa.int64())
        return table.set_column(table.schema.get_field_index("byte_start"), table.schema.field("byte_start"), shifted)

    forge(release, "quotes", change)
    found = problems(release)
    assert found[0].startswith(f"{release / data_file('quotes')}, row 0: bytes ")
    assert all(line.endswith("of its document are not its text") for line in found[:20])
    assert found[20:] == [f"{release / data_file('quotes')}: 1 more row with problems"]


def test_a_missing_row_a_wrong_schema_and_an_unsafe_id_are_named(release):
    forge(release, "quotes", lambda table: table.slice(1))
    found = problems(release)
    assert f"{release / 'data/quotes'}: 20 rows in its Parquet files, release.json counts 21" in found
    assert any("n_quotes is" in line for line in found)

    def retype(table):
        return table.set_column(0, pa.field("doc_id", pa.large_string(), nullable=False), table["doc_id"].cast(pa.large_string()))

    forge(release, "documents", retype)
    assert f"{release / data_file('documents')}: schema differs from quotes.records: field doc_id is large_string, not string" in problems(release)


def test_documents_with_an_id_out_of_their_directory_are_named(release):
    def change(table):
        ids = table["doc_id"].to_pylist()
        ids[0] = "../" + ids[0]
        return table.set_column(0, table.schema.field("doc_id"), pa.array(ids, pa.string()))

    forge(release, "documents", change)
    assert any(
        line.startswith(f"{release / data_file('documents')}, row 0: the id '../000_") and "has a '..' part" in line
        for line in problems(release)
    )


def test_a_release_of_many_shards_verifies(tmp_path):
    tiny = Limits(row_group_rows=7, row_group_bytes=6_000, shard_bytes=5_000, run_bytes=8_000, fan_in=3, batch_bytes=3_000)
    records = list(reversed(seed_records()))
    release = build([write_jsonl(tmp_path / "news.jsonl", records)], tmp_path / "out", limits=tiny).path
    [report] = verify(release)
    assert report.ok, report.problems
    assert report.rows == {"quotes": json.loads((release / RELEASE_FILE).read_text())["counts"]["quotes"], "documents": len(records)}


# --- Untrusted releases -------------------------------------------------------------------------


def test_loading_runs_no_code_and_reads_only_the_files_release_json_lists(release, tmp_path):
    ran = tmp_path / "code-ran"
    script = f"open({str(ran)!r}, 'w').write('ran')\n"
    (release / f"{release.name}.py").write_text(script, encoding="utf-8")  # where a loading script would be
    (release / "data" / "quotes" / "loader.py").write_text(script, encoding="utf-8")
    forged = pq.read_table(release / data_file("quotes")).slice(0, 5)
    pq.write_table(forged, release / "data" / "quotes" / "train-00001-of-00002.parquet")  # matches the card's glob
    assert quotes.load(release).num_rows == 21
    assert quotes.load(release, config="documents").num_rows == 5
    assert recount(release)["quotes"] == 21  # `quotes stats --recount` and `quotes show` read the same files
    assert not ran.exists()
    assert len(problems(release)) == 3  # verify names all three files


def test_a_link_out_of_the_release_is_refused(release, tmp_path):
    outside = tmp_path / "outside.parquet"
    shutil.copy(release / data_file("quotes"), outside)
    (release / data_file("quotes")).unlink()
    (release / data_file("quotes")).symlink_to(outside)
    with pytest.raises(ChecksumError, match=r"refuses the path 'data/quotes/train-00000-of-00001.parquet', a symbolic link to .*outside the release"):
        quotes.load(release)
