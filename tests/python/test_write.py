"""write_deltalake and DeltaTable.create of deltacpp, checked against deltalake 1.6.6.

What this file proves:

- the write modes (error, append, overwrite, ignore), ``partition_by`` as a str and a list,
  ``schema_mode`` merge (new columns, narrower types widened) and overwrite (with a new
  partitioning), ``predicate`` (replaceWhere, and a violation committing nothing),
  ``target_file_size``, and the table's name, description and configuration;
- a DeltaTable given as the target moves to the version written;
- WriterProperties reach the Parquet files (codec, level, row groups, page size,
  dictionary, statistics, Bloom filters, per-column settings), read back with
  ``pyarrow.parquet`` metadata;
- CommitProperties (custom commitInfo fields, application transactions, retries) and
  PostCommitHookProperties (checkpoints on and off);
- DeltaTable.create from a deltacpp Schema and a pyarrow schema, in each mode;
- errors arrive as deltalake's exception classes (DeltaError, SchemaMismatchError,
  TableNotFoundError, CommitFailedError);
- every kind of input data is taken (pyarrow Table, RecordBatch, reader, list, generator,
  pandas, objects with only ``__arrow_c_array__`` or ``__arrow_c_stream__``);
- and, for every table written here, the real deltalake reads the rows we meant to write.
"""

from __future__ import annotations

import os
import pathlib
import random
import threading

import deltalake
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import deltacpp
from deltacpp import (
    BloomFilterProperties,
    ColumnProperties,
    CommitProperties,
    DeltaTable,
    PostCommitHookProperties,
    Transaction,
    WriterProperties,
    write_deltalake,
)
from deltacpp.exceptions import (
    CommitFailedError,
    DeltaError,
    DeltaProtocolError,
    SchemaMismatchError,
    TableNotFoundError,
)
from deltacpp.schema import Field, PrimitiveType, Schema

# --- Helpers


def sample(n: int = 6, start: int = 0) -> pa.Table:
    """A small table: id (long), country (string), year (int), value (double)."""
    ids = list(range(start, start + n))
    countries = ["DE", "FR", "US"]
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "country": pa.array([countries[i % 3] for i in ids]),
        "year": pa.array([2020 + i % 2 for i in ids], pa.int32()),
        "value": pa.array([i * 1.5 for i in ids], pa.float64()),
    })


def rows(table: pa.Table, columns: list[str], key: str = "id") -> list[dict]:
    """The rows of ``table`` (its ``columns``, in that order), sorted by ``key``."""
    return table.select(columns).sort_by(key).to_pylist()


def assert_deltalake_reads(path: pathlib.Path | str, expected: pa.Table,
                           key: str = "id") -> None:
    """The interop check: deltalake and deltacpp both read exactly ``expected``'s rows."""
    columns = expected.column_names
    theirs = deltalake.DeltaTable(str(path)).to_pyarrow_table()
    assert sorted(theirs.column_names) == sorted(columns)
    assert rows(theirs, columns, key) == rows(expected, columns, key)
    ours = DeltaTable(path).to_pyarrow_table()
    assert rows(ours, columns, key) == rows(expected, columns, key)


def parquet_files(path: pathlib.Path) -> list[pathlib.Path]:
    """The live data files of the table at ``path``."""
    return [pathlib.Path(f) for f in DeltaTable(path).file_uris()]


def only_file_metadata(path: pathlib.Path) -> pq.FileMetaData:
    files = parquet_files(path)
    assert len(files) == 1, files
    return pq.ParquetFile(files[0]).metadata


def column_chunk(metadata: pq.FileMetaData, name: str, row_group: int = 0):
    group = metadata.row_group(row_group)
    for i in range(group.num_columns):
        if group.column(i).path_in_schema == name:
            return group.column(i)
    raise KeyError(name)


def commit_files(path: pathlib.Path) -> list[str]:
    return sorted(f for f in os.listdir(path / "_delta_log") if f.endswith(".json"))


# --- Modes


def test_mode_error_refuses_an_existing_table(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample())
    with pytest.raises(DeltaError, match="exists"):
        write_deltalake(path, sample(3, start=100))
    with pytest.raises(DeltaError):
        write_deltalake(path, sample(3, start=100), mode="error")
    assert DeltaTable(path).version() == 0
    assert commit_files(path) == ["00000000000000000000.json"]
    assert_deltalake_reads(path, sample())


def test_mode_append_adds_rows(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(4))
    write_deltalake(path, sample(3, start=10), mode="append")
    write_deltalake(str(path), sample(2, start=20), mode="append")
    assert DeltaTable(path).version() == 2
    expected = pa.concat_tables([sample(4), sample(3, start=10), sample(2, start=20)])
    assert_deltalake_reads(path, expected)
    history = deltalake.DeltaTable(str(path)).history()
    assert [h["version"] for h in history] == [2, 1, 0]


def test_mode_overwrite_replaces_rows_and_keeps_old_versions(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(5))
    write_deltalake(path, sample(2, start=50), mode="overwrite")
    assert DeltaTable(path).version() == 1
    assert_deltalake_reads(path, sample(2, start=50))
    old = deltalake.DeltaTable(str(path), version=0).to_pyarrow_table()
    assert rows(old, sample().column_names) == rows(sample(5), sample().column_names)
    assert DeltaTable(path, version=0).to_pyarrow_table().num_rows == 5


def test_mode_ignore_writes_nothing_to_an_existing_table(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(3), mode="ignore")  # no table yet: it is created
    assert DeltaTable(path).version() == 0
    result = write_deltalake(path, sample(4, start=10), mode="ignore")
    assert result is None
    assert DeltaTable(path).version() == 0
    assert commit_files(path) == ["00000000000000000000.json"]
    assert_deltalake_reads(path, sample(3))


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises((ValueError, DeltaError)):
        write_deltalake(tmp_path / "t", sample(), mode="upsert")
    assert not DeltaTable.is_deltatable(tmp_path / "t")


# --- Partitions


def test_partition_by_a_string(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(9), partition_by="country")
    dt = DeltaTable(path)
    assert dt.metadata().partition_columns == ["country"]
    assert deltalake.DeltaTable(str(path)).metadata().partition_columns == ["country"]
    assert sorted(p["country"] for p in dt.partitions()) == ["DE", "FR", "US"]
    for file in dt.files():
        assert file.split("/")[0] in {"country=DE", "country=FR", "country=US"}
    assert_deltalake_reads(path, sample(9))


def test_partition_by_a_list_with_nulls_and_odd_values(tmp_path):
    path = tmp_path / "t"
    data = pa.table({
        "id": pa.array(range(6), pa.int64()),
        "country": pa.array(["DE", "DE", "x y", None, "a/b", "x y"]),
        "year": pa.array([2020, 2021, 2020, 2021, None, 2020], pa.int32()),
    })
    write_deltalake(path, data, partition_by=["country", "year"])
    assert DeltaTable(path).metadata().partition_columns == ["country", "year"]
    theirs = deltalake.DeltaTable(str(path))
    assert theirs.metadata().partition_columns == ["country", "year"]
    assert len(theirs.file_uris()) == 5
    assert_deltalake_reads(path, data)
    # Partition pruning through deltalake's own filters sees our partition values.
    de = theirs.to_pyarrow_table(filters=[("country", "=", "DE")])
    assert sorted(de.column("id").to_pylist()) == [0, 1]
    nulls = DeltaTable(path).to_pyarrow_table(filters=[("country", "=", "")])
    assert nulls.column("id").to_pylist() == [3]


# --- Schema modes


def test_schema_mode_merge_adds_a_column(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(3))
    extra = sample(2, start=10).append_column("note", pa.array(["n10", "n11"]))
    write_deltalake(path, extra, mode="append", schema_mode="merge")
    names = [f.name for f in DeltaTable(path).schema().fields]
    assert names == ["id", "country", "year", "value", "note"]
    old = sample(3).append_column("note", pa.nulls(3, pa.string()))
    assert_deltalake_reads(path, pa.concat_tables([old, extra]))


def test_schema_mode_merge_widens_int32_into_a_long_column(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, pa.table({"id": pa.array([1, 2], pa.int64()), "s": ["a", "b"]}))
    narrow = pa.table({"id": pa.array([3], pa.int32()), "s": ["c"]})
    write_deltalake(path, narrow, mode="append", schema_mode="merge")
    assert DeltaTable(path).schema().fields[0].type == PrimitiveType("long")
    theirs = deltalake.DeltaTable(str(path))
    assert theirs.schema().to_arrow().field("id").type == pa.int64()
    expected = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "s": ["a", "b", "c"]})
    assert_deltalake_reads(path, expected)


def test_narrower_type_appends_without_schema_mode(tmp_path):
    """deltalake casts int32 data into a long column on a plain append (checked)."""
    path = tmp_path / "t"
    write_deltalake(path, pa.table({"id": pa.array([1, 2], pa.int64())}))
    write_deltalake(path, pa.table({"id": pa.array([3], pa.int32())}), mode="append")
    assert DeltaTable(path).version() == 1
    assert_deltalake_reads(path, pa.table({"id": pa.array([1, 2, 3], pa.int64())}))


def test_schema_mode_overwrite_replaces_schema_and_partitioning(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(6), partition_by="country")
    table_id = DeltaTable(path).metadata().id
    new = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "k": ["a", "b", "a"],
                    "flag": [True, False, None]})
    write_deltalake(path, new, mode="overwrite", schema_mode="overwrite", partition_by="k")
    dt = DeltaTable(path)
    assert dt.version() == 1
    assert dt.metadata().partition_columns == ["k"]
    assert dt.metadata().id == table_id
    assert [f.name for f in dt.schema().fields] == ["id", "k", "flag"]
    assert sorted(f.split("/")[0] for f in dt.files()) == ["k=a", "k=b"]
    assert deltalake.DeltaTable(str(path)).metadata().partition_columns == ["k"]
    assert_deltalake_reads(path, new)


def test_schema_mode_overwrite_needs_mode_overwrite(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2))
    with pytest.raises(DeltaError):
        write_deltalake(path, pa.table({"z": [1]}), mode="append", schema_mode="overwrite")
    assert DeltaTable(path).version() == 0


def test_type_mismatch_raises_schema_mismatch(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2))
    bad = sample(2).set_column(0, "id", pa.array(["x", "y"]))
    with pytest.raises(SchemaMismatchError) as caught:
        write_deltalake(path, bad, mode="append")
    assert isinstance(caught.value, DeltaError)
    assert "id" in str(caught.value)
    assert DeltaTable(path).version() == 0
    assert_deltalake_reads(path, sample(2))


def test_extra_column_raises_schema_mismatch(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2))
    extra = sample(2).append_column("surprise", pa.array([1, 2]))
    with pytest.raises(SchemaMismatchError, match="surprise"):
        write_deltalake(path, extra, mode="append")
    with pytest.raises(SchemaMismatchError):
        write_deltalake(path, extra, mode="overwrite")
    assert DeltaTable(path).version() == 0
    assert_deltalake_reads(path, sample(2))


# --- Predicate (replaceWhere)


def test_predicate_replaces_one_partition(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(9), partition_by="country")
    new_de = pa.table({
        "id": pa.array([100, 101], pa.int64()),
        "country": ["DE", "DE"],
        "year": pa.array([2030, 2031], pa.int32()),
        "value": [0.5, 1.5],
    })
    write_deltalake(path, new_de, mode="overwrite", predicate="country = 'DE'")
    assert DeltaTable(path).version() == 1
    kept = sample(9).filter(pc.not_equal(sample(9).column("country"), "DE"))
    assert_deltalake_reads(path, pa.concat_tables([kept, new_de]))


def test_predicate_on_a_data_column_keeps_the_other_rows(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, pa.table({"id": pa.array(range(10), pa.int64())}))
    write_deltalake(path, pa.table({"id": pa.array([50, 60], pa.int64())}),
                    mode="overwrite", predicate="id >= 5")
    expected = pa.table({"id": pa.array([0, 1, 2, 3, 4, 50, 60], pa.int64())})
    assert_deltalake_reads(path, expected)


def test_predicate_violation_commits_nothing(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(6), partition_by="country")
    outside = pa.table({
        "id": pa.array([100, 101], pa.int64()),
        "country": ["DE", "FR"],
        "year": pa.array([2030, 2031], pa.int32()),
        "value": [0.5, 1.5],
    })
    with pytest.raises(DeltaError):
        write_deltalake(path, outside, mode="overwrite", predicate="country = 'DE'")
    assert DeltaTable(path).version() == 0
    assert commit_files(path) == ["00000000000000000000.json"]
    assert_deltalake_reads(path, sample(6))


@pytest.mark.parametrize("predicate", ["", "  ", "\t"])
def test_an_empty_predicate_never_means_every_row(tmp_path, predicate):
    """As deltalake (which fails to parse it), an empty predicate is refused: it must not
    be taken for None, which overwrites, deletes or updates every row."""
    path = tmp_path / "t"
    write_deltalake(path, sample(6))
    table = DeltaTable(path)
    calls = {
        "overwrite": lambda: write_deltalake(path, sample(2, start=50), mode="overwrite",
                                             predicate=predicate),
        "delete": lambda: table.delete(predicate),
        "update": lambda: table.update({"value": "0.0"}, predicate=predicate),
        "merge on": lambda: table.merge(sample(2), predicate, source_alias="s",
                                        target_alias="t").when_matched_delete().execute(),
        "merge clause": lambda: table.merge(
            sample(2), "t.id = s.id", source_alias="s",
            target_alias="t").when_matched_delete(predicate=predicate).execute(),
    }
    for name, call in calls.items():
        with pytest.raises(DeltaError, match="is empty"):
            call()
        assert commit_files(path) == ["00000000000000000000.json"], name
    assert_deltalake_reads(path, sample(6))
    with pytest.raises(deltalake.exceptions.DeltaError):
        deltalake.DeltaTable(str(path)).delete(predicate)


# --- File sizes


def random_doubles(n: int) -> pa.Table:
    rng = random.Random(7)
    return pa.table({"id": pa.array(range(n), pa.int64()),
                     "x": pa.array([rng.random() for _ in range(n)], pa.float64())})


def test_target_file_size_splits_files(tmp_path):
    """~3 MB of barely compressible data with a 400 kB target: deltalake 1.6.6 writes 10
    files of 244-324 kB (checked)."""
    path = tmp_path / "t"
    data = random_doubles(200_000)
    write_deltalake(path, data, target_file_size=400_000)
    sizes = [f.stat().st_size for f in parquet_files(path)]
    assert len(sizes) >= 4, sizes
    assert max(sizes) < 3 * 400_000, sizes
    assert_deltalake_reads(path, data)


def test_target_file_size_with_small_row_groups(tmp_path):
    path = tmp_path / "t"
    data = random_doubles(200_000)
    write_deltalake(path, data, target_file_size=400_000,
                    writer_properties=WriterProperties(max_row_group_size=10_000))
    files = parquet_files(path)
    assert len(files) >= 4, files
    assert sum(pq.ParquetFile(f).metadata.num_rows for f in files) == 200_000
    assert_deltalake_reads(path, data)


# --- Metadata


def test_name_description_configuration(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2), name="sales", description="all sales",
                    configuration={"delta.appendOnly": "false", "custom.key": "v",
                                   "dropped": None})
    metadata = DeltaTable(path).metadata()
    assert metadata.name == "sales"
    assert metadata.description == "all sales"
    assert metadata.configuration == {"delta.appendOnly": "false", "custom.key": "v"}
    theirs = deltalake.DeltaTable(str(path)).metadata()
    assert theirs.id == metadata.id
    assert theirs.name == "sales"
    assert theirs.description == "all sales"
    assert theirs.configuration == {"delta.appendOnly": "false", "custom.key": "v"}
    assert_deltalake_reads(path, sample(2))


# --- A DeltaTable as the target


def test_deltatable_target_moves_to_the_new_version(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(3))
    dt = DeltaTable(path)
    assert dt.version() == 0
    write_deltalake(dt, sample(2, start=10), mode="append")
    assert dt.version() == 1
    assert dt.to_pyarrow_table().num_rows == 5
    write_deltalake(dt, sample(1, start=20), mode="overwrite")
    assert dt.version() == 2
    assert dt.to_pyarrow_table().column("id").to_pylist() == [20]
    write_deltalake(dt, sample(4, start=30), mode="ignore")
    assert dt.version() == 2
    assert DeltaTable(path).version() == 2
    assert_deltalake_reads(path, sample(1, start=20))


def test_deltatable_target_at_an_old_version_appends_to_the_newest(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(3))
    write_deltalake(path, sample(3, start=3), mode="append")
    old = DeltaTable(path, version=0)
    write_deltalake(old, sample(3, start=6), mode="append")
    assert old.version() == 2
    assert_deltalake_reads(path, sample(9))


# --- Writer properties


WIDE = pa.table({
    "id": pa.array(range(20_000), pa.int64()),
    "s": pa.array([f"value-{i % 50}" for i in range(20_000)]),
    "f": pa.array([(i % 100) * 0.25 for i in range(20_000)], pa.float64()),
})


@pytest.mark.parametrize("compression, level, codec", [
    ("ZSTD", None, "ZSTD"),
    ("ZSTD", 19, "ZSTD"),
    ("GZIP", 9, "GZIP"),
    ("BROTLI", 5, "BROTLI"),
    ("LZ4_RAW", None, ("LZ4_RAW", "LZ4")),  # pyarrow names the raw LZ4 codec "LZ4"
    ("UNCOMPRESSED", None, "UNCOMPRESSED"),
    ("SNAPPY", None, "SNAPPY"),
    ("zstd", 3, "ZSTD"),
])
def test_compression(tmp_path, compression, level, codec):
    path = tmp_path / "t"
    write_deltalake(path, WIDE, writer_properties=WriterProperties(
        compression=compression, compression_level=level))
    metadata = only_file_metadata(path)
    codecs = {codec} if isinstance(codec, str) else set(codec)
    for i in range(metadata.num_columns):
        assert metadata.row_group(0).column(i).compression in codecs
    assert_deltalake_reads(path, WIDE)


def test_compression_changes_the_file_size(tmp_path):
    sizes = {}
    for name in ("UNCOMPRESSED", "GZIP"):
        path = tmp_path / name
        write_deltalake(path, WIDE, writer_properties=WriterProperties(compression=name))
        sizes[name] = parquet_files(path)[0].stat().st_size
    assert sizes["GZIP"] < sizes["UNCOMPRESSED"]


@pytest.mark.parametrize("compression, low, high", [("BROTLI", 0, 11), ("ZSTD", 1, 19)])
def test_compression_level_reaches_the_codec(tmp_path, compression, low, high):
    sizes = {}
    for level in (low, high):
        path = tmp_path / f"level-{level}"
        write_deltalake(path, WIDE, writer_properties=WriterProperties(
            compression=compression, compression_level=level))
        sizes[level] = parquet_files(path)[0].stat().st_size
    assert sizes[high] < sizes[low], sizes


def test_writer_properties_validate_their_arguments():
    with pytest.raises(ValueError):
        WriterProperties(compression="DEFLATE")
    with pytest.raises(ValueError):
        ColumnProperties(statistics_enabled="SOMETIMES")
    with pytest.raises(ValueError):
        BloomFilterProperties(True, fpp=1.5)


def test_max_row_group_size(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, WIDE, writer_properties=WriterProperties(max_row_group_size=3000))
    metadata = only_file_metadata(path)
    counts = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert counts == [3000] * 6 + [2000]
    assert_deltalake_reads(path, WIDE)


@pytest.mark.parametrize("pages", [
    # Arrow checks the page size after each write batch: small batches make small pages.
    {"data_page_size_limit": 256, "write_batch_size": 64},
    {"data_page_row_count_limit": 64},
])
def test_page_limits(tmp_path, pages):
    """Tiny pages mean many page headers: the same data takes clearly more bytes."""
    plain = ColumnProperties(dictionary_enabled=False)
    sizes = {}
    for name, settings in (("default", {}), ("small", pages)):
        path = tmp_path / name
        write_deltalake(path, WIDE, writer_properties=WriterProperties(
            compression="UNCOMPRESSED", default_column_properties=plain, **settings))
        sizes[name] = parquet_files(path)[0].stat().st_size
        assert_deltalake_reads(path, WIDE)
    assert sizes["small"] > sizes["default"] * 1.05, sizes


def test_dictionary_and_statistics_off(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, WIDE, writer_properties=WriterProperties(
        default_column_properties=ColumnProperties(dictionary_enabled=False,
                                                   statistics_enabled="NONE")))
    metadata = only_file_metadata(path)
    for name in WIDE.column_names:
        chunk = column_chunk(metadata, name)
        assert not chunk.has_dictionary_page
        assert not {"RLE_DICTIONARY", "PLAIN_DICTIONARY"} & set(chunk.encodings)
        assert not chunk.is_stats_set
    # The Delta log still carries statistics: they are gathered apart from Parquet's.
    actions = deltalake.DeltaTable(str(path)).get_add_actions(flatten=True)
    assert actions.column("num_records").to_pylist() == [20_000]
    assert_deltalake_reads(path, WIDE)


def test_defaults_write_dictionaries_and_statistics(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, WIDE)
    metadata = only_file_metadata(path)
    chunk = column_chunk(metadata, "s")
    assert chunk.has_dictionary_page
    assert chunk.is_stats_set
    assert chunk.compression == "SNAPPY"
    assert chunk.bloom_filter_offset is None


def test_column_properties_for_one_column(tmp_path):
    path = tmp_path / "t"
    bloom = BloomFilterProperties(True, fpp=0.01, ndv=1000)
    write_deltalake(path, WIDE, writer_properties=WriterProperties(column_properties={
        "s": ColumnProperties(dictionary_enabled=False, statistics_enabled="NONE",
                              bloom_filter_properties=bloom)}))
    metadata = only_file_metadata(path)
    s = column_chunk(metadata, "s")
    assert not s.has_dictionary_page
    assert not s.is_stats_set
    assert s.bloom_filter_offset is not None and s.bloom_filter_length > 0
    for other in ("id", "f"):
        chunk = column_chunk(metadata, other)
        assert chunk.has_dictionary_page
        assert chunk.is_stats_set
        assert chunk.bloom_filter_offset is None
    assert_deltalake_reads(path, WIDE)


def test_default_bloom_filter_on_every_column(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, WIDE, writer_properties=WriterProperties(
        default_column_properties=ColumnProperties(
            bloom_filter_properties=BloomFilterProperties(True))))
    metadata = only_file_metadata(path)
    for name in WIDE.column_names:
        assert column_chunk(metadata, name).bloom_filter_offset is not None
    assert_deltalake_reads(path, WIDE)


def test_disabled_bloom_filter_writes_none(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, WIDE, writer_properties=WriterProperties(column_properties={
        "s": ColumnProperties(bloom_filter_properties=BloomFilterProperties(False))}))
    assert column_chunk(only_file_metadata(path), "s").bloom_filter_offset is None


# --- Commit properties and post-commit hooks


def test_custom_metadata_in_history(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2), commit_properties=CommitProperties(
        custom_metadata={"pipeline": "nightly", "owner": "etl"}))
    write_deltalake(path, sample(2, start=2), mode="append",
                    commit_properties=CommitProperties(custom_metadata={"run": "2"}))
    ours = DeltaTable(path).history()
    theirs = deltalake.DeltaTable(str(path)).history()
    for history in (ours, theirs):
        assert history[0]["run"] == "2"
        assert "pipeline" not in history[0]
        assert history[1]["pipeline"] == "nightly"
        assert history[1]["owner"] == "etl"
        assert history[0]["operation"] == "WRITE"
    assert_deltalake_reads(path, sample(4))


def test_custom_metadata_with_commit_info_names_users_set(tmp_path):
    """deltalake documents userName, userId and userMetadata as settable through
    custom_metadata (as strings); its users record who wrote a commit that way."""
    path = tmp_path / "t"
    write_deltalake(path, sample(2), commit_properties=CommitProperties(
        custom_metadata={"userName": "alice", "userMetadata": "backfill"}))
    for history in (DeltaTable(path).history(), deltalake.DeltaTable(str(path)).history()):
        assert history[0]["userName"] == "alice"
        assert history[0]["userMetadata"] == "backfill"
        assert history[0]["operation"] == "WRITE"


@pytest.mark.parametrize("key", ["operation", "timestamp", "engineInfo"])
def test_custom_metadata_cannot_replace_generated_fields(tmp_path, key):
    path = tmp_path / "t"
    # deltalake raises ValueError here.
    with pytest.raises((ValueError, DeltaError), match=key):
        write_deltalake(path, sample(2), commit_properties=CommitProperties(
            custom_metadata={key: "mine"}))
    assert not DeltaTable.is_deltatable(path)


def test_app_transactions(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2), commit_properties=CommitProperties(
        app_transactions=[Transaction("stream-a", 7),
                          Transaction("stream-b", 3, last_updated=1_700_000_000_000)]))
    write_deltalake(path, sample(2, start=2), mode="append", commit_properties=CommitProperties(
        app_transactions=[Transaction("stream-a", 8)]))
    dt = DeltaTable(path)
    assert dt.transaction_version("stream-a") == 8
    assert dt.transaction_version("stream-b") == 3
    assert dt.transaction_version("nobody") is None
    theirs = deltalake.DeltaTable(str(path))
    assert theirs.transaction_version("stream-a") == 8
    assert theirs.transaction_version("stream-b") == 3
    assert DeltaTable(path, version=0).transaction_version("stream-a") == 7
    assert_deltalake_reads(path, sample(4))


def test_max_commit_retries_is_accepted(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2), commit_properties=CommitProperties(max_commit_retries=0))
    write_deltalake(path, sample(2, start=2), mode="append",
                    commit_properties=CommitProperties(max_commit_retries=5))
    assert DeltaTable(path).version() == 1
    assert_deltalake_reads(path, sample(4))


@pytest.mark.parametrize("create_checkpoint", [False, True])
def test_post_commit_checkpoint(tmp_path, create_checkpoint):
    path = tmp_path / "t"
    hooks = PostCommitHookProperties(create_checkpoint=create_checkpoint)
    write_deltalake(path, sample(1), configuration={"delta.checkpointInterval": "2"},
                    post_commithook_properties=hooks)
    for i in range(1, 4):
        write_deltalake(path, sample(1, start=i), mode="append",
                        post_commithook_properties=hooks)
    log = os.listdir(path / "_delta_log")
    checkpoints = [f for f in log if ".checkpoint." in f]
    if create_checkpoint:
        assert "00000000000000000002.checkpoint.parquet" in checkpoints
        assert "_last_checkpoint" in log
    else:
        assert checkpoints == []
        assert "_last_checkpoint" not in log
    assert deltalake.DeltaTable(str(path)).version() == 3
    assert_deltalake_reads(path, sample(4))


def test_default_post_commit_hook_checkpoints(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(1), configuration={"delta.checkpointInterval": "2"})
    for i in range(1, 3):
        write_deltalake(path, sample(1, start=i), mode="append")
    assert (path / "_delta_log" / "00000000000000000002.checkpoint.parquet").exists()
    assert_deltalake_reads(path, sample(3))


# --- DeltaTable.create


def test_create_from_a_deltacpp_schema(tmp_path):
    path = tmp_path / "t"
    schema = Schema([Field("id", PrimitiveType("long"), nullable=False),
                     Field("country", PrimitiveType("string")),
                     Field("amount", PrimitiveType("decimal(10,2)"))])
    dt = DeltaTable.create(path, schema, partition_by="country", name="n",
                           description="d", configuration={"delta.appendOnly": "false",
                                                           "none": None})
    assert isinstance(dt, DeltaTable)
    assert dt.version() == 0
    assert dt.schema() == schema
    metadata = dt.metadata()
    assert (metadata.name, metadata.description) == ("n", "d")
    assert metadata.partition_columns == ["country"]
    assert metadata.configuration == {"delta.appendOnly": "false"}
    theirs = deltalake.DeltaTable(str(path))
    assert theirs.to_pyarrow_table().num_rows == 0
    assert theirs.schema().to_json() == dt.schema().to_json()
    assert theirs.metadata().partition_columns == ["country"]


def test_create_from_a_pyarrow_schema_then_write(tmp_path):
    path = tmp_path / "t"
    schema = pa.schema([("id", pa.int64()), ("country", pa.string()), ("year", pa.int32()),
                        ("value", pa.float64())])
    dt = DeltaTable.create(path, schema)
    assert dt.version() == 0
    assert dt.to_pyarrow_table().num_rows == 0
    assert [f.name for f in dt.schema().fields] == schema.names
    write_deltalake(path, sample(3), mode="append")
    assert_deltalake_reads(path, sample(3))


def test_create_modes(tmp_path):
    path = tmp_path / "t"
    schema = pa.schema([("id", pa.int64()), ("s", pa.string())])
    first = DeltaTable.create(path, schema)
    table_id = first.metadata().id
    with pytest.raises(DeltaError):
        DeltaTable.create(path, schema)
    with pytest.raises(DeltaError):
        DeltaTable.create(path, schema, mode="error")
    ignored = DeltaTable.create(path, pa.schema([("other", pa.string())]), mode="ignore")
    assert ignored.version() == 0
    assert [f.name for f in ignored.schema().fields] == ["id", "s"]
    write_deltalake(path, pa.table({"id": pa.array([1, 2], pa.int64()), "s": ["a", "b"]}),
                    mode="append")
    replaced = DeltaTable.create(path, pa.schema([("z", pa.float64())]), mode="overwrite",
                                 partition_by=None)
    assert replaced.version() == 2
    assert replaced.metadata().id == table_id
    assert [f.name for f in replaced.schema().fields] == ["z"]
    assert replaced.to_pyarrow_table().num_rows == 0
    theirs = deltalake.DeltaTable(str(path))
    assert theirs.version() == 2
    assert theirs.metadata().id == table_id
    assert theirs.to_pyarrow_table().num_rows == 0
    assert theirs.schema().to_arrow().names == ["z"]
    # The old rows are still there at the old version.
    assert deltalake.DeltaTable(str(path), version=1).to_pyarrow_table().num_rows == 2


def test_create_refuses_unknown_delta_properties(tmp_path):
    path = tmp_path / "t"
    schema = pa.schema([("id", pa.int64())])
    with pytest.raises(DeltaError):
        DeltaTable.create(path, schema, configuration={"delta.noSuchProperty": "1"})
    assert not DeltaTable.is_deltatable(path)
    dt = DeltaTable.create(path, schema, configuration={"delta.noSuchProperty": "1"},
                           raise_if_key_not_exists=False)
    assert dt.metadata().configuration == {"delta.noSuchProperty": "1"}
    # Keys outside delta.* are free either way.
    other = DeltaTable.create(tmp_path / "u", schema, configuration={"my.key": "1"})
    assert other.metadata().configuration == {"my.key": "1"}


def test_create_with_commit_properties(tmp_path):
    path = tmp_path / "t"
    DeltaTable.create(path, pa.schema([("id", pa.int64())]),
                      commit_properties=CommitProperties(custom_metadata={"who": "me"}))
    assert DeltaTable(path).history()[0]["who"] == "me"
    assert deltalake.DeltaTable(str(path)).history()[0]["who"] == "me"


# --- Errors


def test_exception_classes():
    for cls in (TableNotFoundError, CommitFailedError, DeltaProtocolError,
                SchemaMismatchError):
        assert issubclass(cls, DeltaError)
    assert issubclass(DeltaError, Exception)
    assert deltacpp.DeltaError is DeltaError
    assert deltacpp.CommitFailedError is CommitFailedError


def test_table_not_found(tmp_path):
    with pytest.raises(TableNotFoundError):
        DeltaTable(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TableNotFoundError):
        DeltaTable(tmp_path / "empty")
    assert not DeltaTable.is_deltatable(tmp_path / "missing")


def test_concurrent_overwrites_conflict(tmp_path):
    """Writer A reads version 0 and stalls inside its input; B overwrites meanwhile. A's
    overwrite removes the files B already removed: CommitFailedError, nothing from A."""
    path = tmp_path / "t"
    write_deltalake(path, sample(4))
    resumed = threading.Event()
    reading = threading.Event()
    outcome: dict[str, object] = {}

    def stalled_batches():
        yield sample(2, start=100).to_batches()[0]  # peeked by the Python layer
        reading.set()  # the core now reads: it has loaded version 0
        resumed.wait(30)
        yield sample(2, start=102).to_batches()[0]

    def writer_a():
        try:
            write_deltalake(path, stalled_batches(), mode="overwrite",
                            commit_properties=CommitProperties(max_commit_retries=3))
            outcome["a"] = "committed"
        except Exception as error:  # noqa: BLE001 - checked below
            outcome["a"] = error

    thread = threading.Thread(target=writer_a)
    thread.start()
    assert reading.wait(30)
    write_deltalake(path, sample(3, start=200), mode="overwrite")
    resumed.set()
    thread.join(60)
    assert not thread.is_alive()
    assert isinstance(outcome["a"], CommitFailedError), outcome
    assert DeltaTable(path).version() == 1
    assert_deltalake_reads(path, sample(3, start=200))


# --- Input data


class ArrayOnly:
    """Exposes one record batch through ``__arrow_c_array__`` only."""

    def __init__(self, batch: pa.RecordBatch) -> None:
        self._batch = batch

    def __arrow_c_array__(self, requested_schema=None):
        return self._batch.__arrow_c_array__(requested_schema)


class StreamOnly:
    """Exposes a table through ``__arrow_c_stream__`` only."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


def _pandas_frame(table: pa.Table):
    return table.to_pandas()


INPUTS = {
    "table": lambda t: t,
    "record_batch": lambda t: t.combine_chunks().to_batches()[0],
    "reader": lambda t: t.to_reader(max_chunksize=2),
    "list_of_batches": lambda t: t.to_batches(max_chunksize=2),
    "tuple_of_batches": lambda t: tuple(t.to_batches(max_chunksize=3)),
    "generator": lambda t: (b for b in t.to_batches(max_chunksize=2)),
    "pandas": _pandas_frame,
    "array_only": lambda t: ArrayOnly(t.combine_chunks().to_batches()[0]),
    "stream_only": lambda t: StreamOnly(t),
}


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_input_kinds(tmp_path, kind):
    path = tmp_path / "t"
    data = sample(7)
    write_deltalake(path, INPUTS[kind](data))
    write_deltalake(path, INPUTS[kind](sample(3, start=50)), mode="append")
    assert_deltalake_reads(path, pa.concat_tables([data, sample(3, start=50)]))


def test_pandas_input_drops_a_default_index(tmp_path):
    path = tmp_path / "t"
    frame = sample(4).to_pandas()
    write_deltalake(path, frame)
    assert [f.name for f in DeltaTable(path).schema().fields] == sample().column_names
    assert_deltalake_reads(path, sample(4))


@pytest.mark.parametrize("bad", [42, "not data", {"id": [1]}, None, object(), b"bytes"])
def test_bad_input_type(tmp_path, bad):
    with pytest.raises(TypeError):
        write_deltalake(tmp_path / "t", bad)
    assert not DeltaTable.is_deltatable(tmp_path / "t")


def test_bad_target_type(tmp_path):
    with pytest.raises(TypeError):
        write_deltalake(42, sample())


# --- DeltaTable.delete

def test_delete_removes_matching_rows_and_deltalake_agrees(tmp_path):
    path = tmp_path / "t"
    data = pa.table({"id": list(range(8)), "part": ["a", "a", "b", "b", "c", "c", "d", "d"]})
    write_deltalake(path, data, partition_by=["part"])
    dt = DeltaTable(path)
    by_partition = dt.delete("part = 'c'")
    assert dt.version() == 1
    assert by_partition["num_deleted_rows"] == 2
    assert by_partition["num_removed_files"] == 1
    assert by_partition["num_copied_rows"] == 0
    by_data = dt.delete("id = 0 OR id = 3")
    assert (by_data["num_deleted_rows"], by_data["num_copied_rows"]) == (2, 2)
    assert dt.version() == 2
    expected = data.filter(pc.is_in(data["id"], pa.array([1, 2, 6, 7])))
    assert rows(dt.to_pyarrow_table(), ["id", "part"]) == rows(expected, ["id", "part"])
    assert_deltalake_reads(path, expected)
    assert dt.history(1)[0]["operation"] == "DELETE"
    nothing = dt.delete("id > 100")
    assert nothing["num_deleted_rows"] == 0 and dt.version() == 2
    everything = dt.delete()
    assert everything["num_deleted_rows"] == 4 and dt.to_pyarrow_table().num_rows == 0


def test_delete_on_change_data_tables_matches_deltalakes_feed(tmp_path):
    feeds = []
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        engine.write_deltalake(path, pa.table({"id": [1, 2, 3], "part": ["a", "a", "b"]}),
                               partition_by=["part"],
                               configuration={"delta.enableChangeDataFeed": "true"})
        dt = engine.DeltaTable(path)
        assert dt.delete("id = 1")["num_deleted_rows"] == 1  # part of a file
        assert dt.delete("part = 'b'")["num_deleted_rows"] == 1  # a whole file
        changes = pa.table(deltalake.DeltaTable(path).load_cdf(starting_version=1).read_all())
        feeds.append(sorted(changes.drop_columns(["_commit_timestamp"]).to_pylist(),
                            key=lambda row: (row["_commit_version"], row["id"])))
    assert feeds[0] == feeds[1]
    assert [(row["id"], row["_change_type"]) for row in feeds[0]] == [(1, "delete"),
                                                                     (3, "delete")]


def test_delete_errors(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, pa.table({"id": [1, 2], "part": ["a", "a"]}), partition_by=["part"])
    dt = DeltaTable(path)
    with pytest.raises(DeltaError, match="nope"):
        dt.delete("nope = 1")
    with pytest.raises(DeltaError):
        dt.delete("id = ")


# --- DeltaTable.vacuum

def test_vacuum_deletes_what_no_version_needs_and_deltalake_agrees(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(4), partition_by=["country"])
    write_deltalake(path, sample(4, start=10), mode="overwrite")
    dt = DeltaTable(path)
    listed = dt.vacuum(retention_hours=0, enforce_retention_duration=False)
    assert len(listed) == 3 and all(p.startswith("country=") for p in listed)
    assert dt.version() == 1  # a dry run commits nothing
    theirs = deltalake.DeltaTable(str(path)).vacuum(retention_hours=0,
                                                   enforce_retention_duration=False)
    assert sorted(listed) == sorted(theirs)
    deleted = dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False,
                        commit_properties=CommitProperties(custom_metadata={"run": "7"}))
    assert sorted(deleted) == sorted(listed)
    assert dt.version() == 3
    assert [h["operation"] for h in dt.history(2)] == ["VACUUM END", "VACUUM START"]
    assert dt.history(1)[0]["run"] == "7"
    assert not any((path / p).exists() for p in deleted)
    assert_deltalake_reads(path, sample(4, start=10))
    assert dt.vacuum(retention_hours=0, enforce_retention_duration=False, full=True) == []


def test_vacuum_refuses_a_retention_below_the_tables(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, sample(2))
    dt = DeltaTable(path)
    with pytest.raises(DeltaError, match="168 hours"):
        dt.vacuum(retention_hours=1)
    with pytest.raises(ValueError):
        dt.vacuum(retention_hours=-1)
