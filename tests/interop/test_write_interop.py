"""Tables delta-cpp writes, read by deltalake; tables deltalake writes, appended to by
delta-cpp and read again by both.

The rows go in as Parquet (`deltacpp write TABLE rows.parquet`), so every Delta type is
covered: all integer widths, float, double, decimals, string, binary, boolean, date,
timestamp, timestamp_ntz, struct, array, map and nesting of them. Each partitionable type
is also tried as the partition column, with nulls and characters that need escaping.
Expected rows are the input rows; both readers must return them (order-insensitive,
types exact).
"""
import datetime
import decimal
import pathlib
import subprocess
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, QueryBuilder, write_deltalake

from interop.test_read_interop import compare

UTC = datetime.timezone.utc


def every_type_table() -> pa.Table:
    struct = pa.struct([("a", pa.int32()), ("b", pa.list_(pa.string()))])
    return pa.table({
        "i8": pa.array([1, -128, None], pa.int8()),
        "i16": pa.array([2, 32767, None], pa.int16()),
        "i32": pa.array([3, -2147483648, None], pa.int32()),
        "i64": pa.array([4, 9223372036854775807, None], pa.int64()),
        "f32": pa.array([1.5, -0.25, None], pa.float32()),
        "f64": pa.array([2.5, 1e300, None], pa.float64()),
        "dec": pa.array([decimal.Decimal("1.25"), decimal.Decimal("-999.99"), None],
                        pa.decimal128(5, 2)),
        "dec38": pa.array([decimal.Decimal("12345678901234567890.1234567890"), None,
                           decimal.Decimal("0E-10")], pa.decimal128(38, 10)),
        "s": pa.array(["x", "", None], pa.string()),
        "bin": pa.array([b"\x00\x01", b"", None], pa.binary()),
        "flag": pa.array([True, False, None], pa.bool_()),
        "day": pa.array([datetime.date(2024, 2, 29), datetime.date(1, 1, 1), None]),
        "ts": pa.array([datetime.datetime(2024, 1, 1, 12, 0, 0, 123456, tzinfo=UTC),
                        datetime.datetime(1970, 1, 1, tzinfo=UTC), None],
                       pa.timestamp("us", tz="UTC")),
        "ntz": pa.array([datetime.datetime(2024, 1, 1, 12, 0, 0, 1), None,
                         datetime.datetime(2262, 4, 11)], pa.timestamp("us")),
        "st": pa.array([{"a": 1, "b": ["p", None]}, None, {"a": None, "b": []}], struct),
        "arr": pa.array([[1, 2], [], None], pa.list_(pa.int64())),
        "m": pa.array([[("k", 1)], [], None], pa.map_(pa.string(), pa.int32())),
        "nested": pa.array([[{"a": 5, "b": None}], None, []], pa.list_(struct)),
    })


def deltacpp_write(binary, table, rows: pa.Table, scratch, *args):
    source = pathlib.Path(scratch) / f"rows-{len(list(pathlib.Path(scratch).iterdir()))}.parquet"
    pq.write_table(rows, source)
    run = subprocess.run([str(binary), "write", str(table), str(source), *args],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run


def deltalake_rows(table) -> pa.Table:
    dt = DeltaTable(str(table))
    return pa.table(QueryBuilder().register("t", dt).execute("SELECT * FROM t"))


def deltacpp_rows(binary, table, scratch) -> pa.Table:
    out = pathlib.Path(scratch) / "scan.parquet"
    run = subprocess.run([str(binary), "scan", str(table), "--format", "parquet",
                          "--output", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return pq.read_table(out)


def test_every_type_reads_back_in_deltalake(deltacpp_bin):
    rows = every_type_table()
    with tempfile.TemporaryDirectory() as scratch:
        table = pathlib.Path(scratch) / "t"
        deltacpp_write(deltacpp_bin, table, rows, scratch)
        deltacpp_write(deltacpp_bin, table, rows, scratch, "--mode", "append")
        expected = pa.concat_tables([rows, rows])
        assert compare(deltalake_rows(table), expected) is None
        assert compare(deltacpp_rows(deltacpp_bin, table, scratch), expected) is None
        dt = DeltaTable(str(table))
        assert dt.version() == 1
        protocol = dt.protocol()
        # timestamp_ntz needs table features; nothing else does.
        assert (protocol.min_reader_version, protocol.min_writer_version) == (3, 7)
        assert protocol.reader_features == ["timestampNtz"]


PARTITION_VALUES = {
    "s": pa.array(["a b", "100%", "x=y/z", None, "é"], pa.string()),
    "i32": pa.array([1, -5, None, 0, 7], pa.int32()),
    "i64": pa.array([None, 2**40, 3, 4, 5], pa.int64()),
    "i8": pa.array([1, 2, None, -1, 3], pa.int8()),
    "f64": pa.array([1.5, None, -2.0, 0.1, 3.0], pa.float64()),
    "flag": pa.array([True, None, False, True, False], pa.bool_()),
    "day": pa.array([datetime.date(2024, 1, 1), None, datetime.date(2000, 12, 31),
                     datetime.date(1999, 1, 1), datetime.date(2024, 1, 1)]),
    "dec": pa.array([decimal.Decimal("1.10"), None, decimal.Decimal("-3.00"),
                     decimal.Decimal("0.01"), decimal.Decimal("1.10")], pa.decimal128(6, 2)),
    "ts": pa.array([datetime.datetime(2024, 1, 1, 1, 2, 3, 456789, tzinfo=UTC), None,
                    datetime.datetime(1970, 1, 1, tzinfo=UTC),
                    datetime.datetime(2030, 6, 1, tzinfo=UTC),
                    datetime.datetime(2024, 1, 1, 1, 2, 3, 456789, tzinfo=UTC)],
                   pa.timestamp("us", tz="UTC")),
}


@pytest.mark.parametrize("column", sorted(PARTITION_VALUES))
def test_partition_columns_of_every_type(deltacpp_bin, column):
    values = PARTITION_VALUES[column]
    rows = pa.table({"id": pa.array(range(len(values)), pa.int64()), column: values})
    with tempfile.TemporaryDirectory() as scratch:
        table = pathlib.Path(scratch) / "t"
        deltacpp_write(deltacpp_bin, table, rows, scratch, "--partition-by", column)
        assert compare(deltalake_rows(table), rows) is None
        assert compare(deltacpp_rows(deltacpp_bin, table, scratch), rows) is None


def test_append_to_a_table_deltalake_created(deltacpp_bin):
    first = pa.table({"id": pa.array([1, 2], pa.int64()),
                      "part": pa.array(["a", None], pa.string()),
                      "v": pa.array([0.5, None], pa.float64())})
    more = pa.table({"id": pa.array([3], pa.int64()), "part": pa.array(["b"]),
                     "v": pa.array([1.5])})
    with tempfile.TemporaryDirectory() as scratch:
        table = pathlib.Path(scratch) / "t"
        write_deltalake(str(table), first, partition_by=["part"])
        deltacpp_write(deltacpp_bin, table, more, scratch, "--mode", "append")
        expected = pa.concat_tables([first, more])
        assert compare(deltalake_rows(table), expected) is None
        assert compare(deltacpp_rows(deltacpp_bin, table, scratch), expected) is None
        # And deltalake appends after us.
        write_deltalake(str(table), first, mode="append")
        expected = pa.concat_tables([expected, first])
        assert compare(deltacpp_rows(deltacpp_bin, table, scratch), expected) is None
        assert DeltaTable(str(table)).version() == 2


def test_deltalake_reads_our_checkpoints(deltacpp_bin):
    rows = pa.table({"id": pa.array([1, 2], pa.int64()),
                     "p": pa.array(["a", None], pa.string()),
                     "m": pa.array([[("k", "v")], []], pa.map_(pa.string(), pa.string()))})
    with tempfile.TemporaryDirectory() as scratch:
        table = pathlib.Path(scratch) / "t"
        for _ in range(12):  # versions 0..11: a checkpoint at 10 (the default interval)
            deltacpp_write(deltacpp_bin, table, rows, scratch, "--mode", "append",
                           "--partition-by", "p")
        log = table / "_delta_log"
        assert (log / "00000000000000000010.checkpoint.parquet").exists()
        # Without the commits before it, only the checkpoint can say what is live.
        for version in range(10):
            (log / f"{version:020d}.json").unlink()
        expected = pa.concat_tables([rows] * 12)
        assert compare(deltalake_rows(table), expected) is None
        assert compare(deltacpp_rows(deltacpp_bin, table, scratch), expected) is None
        assert DeltaTable(str(table)).version() == 11


def test_schema_merge_and_replace_where_read_back_in_deltalake(deltacpp_bin):
    first = pa.table({"id": pa.array(range(6), pa.int64()),
                      "p": pa.array(["a", "a", "b", "b", "c", None]),
                      "v": pa.array([10, 11, 12, 13, 14, 15], pa.int32())})
    merged = pa.table({"id": pa.array([6], pa.int64()), "p": pa.array(["c"]),
                       "v": pa.array([16], pa.int32()), "note": pa.array(["new"])})
    replacement = pa.table({"id": pa.array([100], pa.int64()), "p": pa.array(["b"]),
                            "v": pa.array([1], pa.int32()), "note": pa.array([None], pa.string())})
    with tempfile.TemporaryDirectory() as scratch:
        table = pathlib.Path(scratch) / "t"
        deltacpp_write(deltacpp_bin, table, first, scratch, "--partition-by", "p")
        refused = subprocess.run(
            [str(deltacpp_bin), "write", str(table), "-", "--format", "json", "--mode", "append"],
            input='{"id": 9, "p": "a", "v": 1, "extra": true}\n', capture_output=True,
            text=True, timeout=60)
        assert refused.returncode != 0 and "column 'extra'" in refused.stderr, refused.stderr
        deltacpp_write(deltacpp_bin, table, merged, scratch, "--mode", "append",
                       "--schema-mode", "merge")
        # Replaces rows 1 and 2 (two files touched: p=a keeps row 0, p=b keeps row 3).
        deltacpp_write(deltacpp_bin, table, replacement, scratch, "--mode", "overwrite",
                       "--replace-where", "id IN (1, 2) OR v < 5")
        expected = pa.table({
            "id": pa.array([0, 3, 4, 5, 6, 100], pa.int64()),
            "p": pa.array(["a", "b", "c", None, "c", "b"]),
            "v": pa.array([10, 13, 14, 15, 16, 1], pa.int32()),
            "note": pa.array([None, None, None, None, "new", None], pa.string())})
        assert compare(deltalake_rows(table), expected) is None
        assert compare(deltacpp_rows(deltacpp_bin, table, scratch), expected) is None
        # deltalake appends with the merged schema, and sees the history we wrote.
        write_deltalake(str(table), merged, mode="append")
        history = DeltaTable(str(table)).history()
        assert [h["operation"] for h in history][:3] == ["WRITE", "WRITE", "WRITE"]
        assert history[1]["operationParameters"]["mode"] == "Overwrite"
