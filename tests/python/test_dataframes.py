"""deltacpp with the data frame libraries: pandas, polars, DuckDB and pyarrow.

What this file proves:

- pandas frames round-trip through write_deltalake and to_pandas with their types (int,
  float, string, bool, datetime64 in UTC, date), the index handled as deltalake does;
- polars reads a DeltaTable through ``__arrow_c_stream__`` (``pl.from_arrow``,
  ``pl.DataFrame``) and its frames are written as they are;
- DuckDB queries a DeltaTable held in a local variable, and its relations are written;
- ``pyarrow.table(dt)`` reads the table, and without copying it: the bytes pyarrow's pool
  holds afterwards are about the table's size, not twice it;
- deltalake reads what each library wrote through deltacpp.

pandas, polars and numpy live in .venv/dataframe-packages, which conftest.py puts on
sys.path before this module is imported.
"""

from __future__ import annotations

import datetime
import gc

import deltalake
import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from deltacpp import DeltaTable, write_deltalake

UTC = datetime.timezone.utc


def typed_frame():
    """A pandas frame of every type the round trip covers, with nulls."""
    return pd.DataFrame({
        "i": pd.array([3, 1, 2, 4], dtype="int64"),
        "f": [1.5, np.nan, -2.25, 1e300],
        "s": ["c", "a", None, "ü tf-8"],
        "b": [True, False, True, False],
        "ts": pd.to_datetime(["2024-01-01 10:00:00", "2023-06-30 23:59:59.123456",
                              "1999-12-31 00:00:00", "2030-01-01 00:00:00"],
                             utc=True, format="ISO8601").as_unit("us"),
        "d": [datetime.date(2024, 1, 1), datetime.date(1970, 1, 1), None,
              datetime.date(2100, 12, 31)],
    })


def sorted_frame(frame, key="i"):
    return frame.sort_values(key).reset_index(drop=True)


# --- pandas


def test_pandas_round_trip(tmp_path):
    path = tmp_path / "t"
    frame = typed_frame()
    write_deltalake(path, frame)
    fields = {f.name: f.type.type for f in DeltaTable(path).schema().fields}
    assert fields == {"i": "long", "f": "double", "s": "string", "b": "boolean",
                      "ts": "timestamp", "d": "date"}
    back = DeltaTable(path).to_pandas()
    assert list(back.columns) == list(frame.columns)
    assert str(back["ts"].dtype) == "datetime64[us, UTC]"
    pd.testing.assert_frame_equal(sorted_frame(back), sorted_frame(frame))
    # deltalake reads the same frame from our files.
    theirs = deltalake.DeltaTable(str(path)).to_pandas()
    pd.testing.assert_frame_equal(sorted_frame(theirs), sorted_frame(frame))


def test_pandas_append_and_partitions(tmp_path):
    path = tmp_path / "t"
    frame = typed_frame()
    write_deltalake(path, frame.iloc[:2], partition_by="b")
    write_deltalake(path, frame.iloc[2:], mode="append")
    back = DeltaTable(path).to_pandas(columns=list(frame.columns))
    pd.testing.assert_frame_equal(sorted_frame(back), sorted_frame(frame))
    theirs = deltalake.DeltaTable(str(path)).to_pandas(columns=list(frame.columns))
    pd.testing.assert_frame_equal(sorted_frame(theirs), sorted_frame(frame))


def test_pandas_default_index_is_not_written(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, typed_frame())
    assert [f.name for f in DeltaTable(path).schema().fields] == list(typed_frame().columns)


def test_pandas_other_index_as_deltalake_writes_it(tmp_path):
    """A frame whose index is not the default RangeIndex (here after filtering): the
    columns written are deltalake's for the same frame."""
    frame = typed_frame()
    filtered = frame[frame["b"]]
    write_deltalake(tmp_path / "ours", filtered)
    deltalake.write_deltalake(str(tmp_path / "theirs"), filtered)
    ours = [f.name for f in DeltaTable(tmp_path / "ours").schema().fields]
    theirs = deltalake.DeltaTable(str(tmp_path / "theirs")).schema().to_arrow().names
    assert ours == theirs
    got = DeltaTable(tmp_path / "ours").to_pandas(columns=list(frame.columns))
    pd.testing.assert_frame_equal(sorted_frame(got), sorted_frame(filtered))


def test_to_pandas_with_filters_and_columns(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, typed_frame())
    got = DeltaTable(path).to_pandas(columns=["i", "s"], filters=[("i", ">", 2)])
    assert sorted(got["i"].tolist()) == [3, 4]
    assert list(got.columns) == ["i", "s"]


# --- polars


def polars_frame():
    return pl.DataFrame({
        "i": [3, 1, 2],
        "f": [0.5, None, 2.0],
        "s": ["x", "y", None],
        "b": [True, None, False],
        "d": [datetime.date(2024, 1, 1), None, datetime.date(2024, 3, 1)],
        "ts": [datetime.datetime(2024, 1, 1, 12, tzinfo=UTC), None,
               datetime.datetime(2020, 2, 29, tzinfo=UTC)],
    }, schema_overrides={"ts": pl.Datetime("us", "UTC")})


def test_polars_from_arrow_reads_a_deltatable(tmp_path):
    path = tmp_path / "t"
    expected = pa.table({"i": pa.array([1, 2, 3], pa.int64()), "s": ["a", "b", "c"]})
    write_deltalake(path, expected)
    dt = DeltaTable(path)
    got = pl.from_arrow(dt)
    # polars turns a PyCapsule stream into a Series of structs (its own choice for
    # objects that are not pyarrow); unnested it is the table.
    if isinstance(got, pl.Series):
        got = got.struct.unnest()
    assert got.sort("i").to_arrow().to_pylist() == expected.to_pylist()
    frame = pl.DataFrame(dt)
    assert frame.columns == ["i", "s"]
    assert frame.sort("i").to_dicts() == expected.to_pylist()


def test_polars_frame_round_trip(tmp_path):
    path = tmp_path / "t"
    frame = polars_frame()
    write_deltalake(path, frame)  # polars speaks string views and large types
    fields = {f.name: f.type.type for f in DeltaTable(path).schema().fields}
    assert fields == {"i": "long", "f": "double", "s": "string", "b": "boolean",
                      "d": "date", "ts": "timestamp"}
    back = pl.DataFrame(DeltaTable(path))
    assert back.sort("i").equals(frame.sort("i"))
    theirs = pl.from_arrow(deltalake.DeltaTable(str(path)).to_pyarrow_table())
    assert theirs.sort("i").to_dicts() == frame.sort("i").to_dicts()


def test_polars_append_to_a_pyarrow_table(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, pa.table({"i": pa.array([1], pa.int64()), "s": ["a"]}))
    write_deltalake(path, pl.DataFrame({"i": [2, 3], "s": ["b", "c"]}), mode="append")
    got = deltalake.DeltaTable(str(path)).to_pyarrow_table().sort_by("i")
    assert got.to_pydict() == {"i": [1, 2, 3], "s": ["a", "b", "c"]}


# --- DuckDB


def test_duckdb_queries_a_deltatable_variable(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, pa.table({"id": pa.array(range(1000), pa.int64()),
                                    "g": pa.array([i % 4 for i in range(1000)], pa.int32())}))
    dt = DeltaTable(path)  # noqa: F841 - DuckDB finds it by name
    assert duckdb.sql("select count(*) from dt").fetchall() == [(1000,)]
    got = duckdb.sql("select g, count(*), sum(id) from dt group by g order by g").fetchall()
    expected = [(g, 250, sum(i for i in range(1000) if i % 4 == g)) for g in range(4)]
    assert got == expected
    # Each query scans anew, and twice in one query is fine.
    assert duckdb.sql("select count(*) from dt a join dt b using (id)").fetchall() == [(1000,)]


def test_write_a_duckdb_relation(tmp_path):
    path = tmp_path / "t"
    relation = duckdb.sql(
        "select range as id, 'v' || range::varchar as s, range % 2 = 0 as even, "
        "date '2024-01-01' + range::int as d from range(100)")
    write_deltalake(path, relation)
    theirs = deltalake.DeltaTable(str(path)).to_pyarrow_table().sort_by("id")
    assert theirs.column("id").to_pylist() == list(range(100))
    assert theirs.column("s").to_pylist()[:3] == ["v0", "v1", "v2"]
    assert theirs.column("even").to_pylist()[:3] == [True, False, True]
    assert theirs.column("d").to_pylist()[1] == datetime.date(2024, 1, 2)
    # And back through DuckDB.
    dt = DeltaTable(path)  # noqa: F841 - DuckDB finds it by name
    assert duckdb.sql("select sum(id), count(*) filter (where even) from dt").fetchall() == [
        (4950, 50)]


# --- pyarrow


def test_pyarrow_table_of_a_deltatable(tmp_path):
    path = tmp_path / "t"
    expected = pa.table({"id": pa.array(range(10), pa.int64()), "s": [str(i) for i in range(10)]})
    write_deltalake(path, expected.slice(0, 5))
    write_deltalake(path, expected.slice(5), mode="append")
    dt = DeltaTable(path)
    got = pa.table(dt)
    assert got.schema == dt.to_pyarrow_table().schema
    assert got.sort_by("id").equals(expected)
    assert pa.RecordBatchReader.from_stream(dt).read_all().num_rows == 10


def test_pyarrow_table_does_not_copy(tmp_path):
    """About 1M rows (24 MB): the table pyarrow gets is the buffers the core decoded, from
    the same memory pool; nothing is held twice."""
    path = tmp_path / "t"
    n = 1_000_000
    ids = pa.array(np.arange(n, dtype=np.int64))
    source = pa.table({
        "id": ids,
        "x": pa.array(np.arange(n, dtype=np.float64) * 0.5),
        "s": pa.array(np.array([f"v{i}" for i in range(1000)])[np.arange(n) % 1000]),
    })
    write_deltalake(path, source)
    del source, ids
    dt = DeltaTable(path)
    gc.collect()
    before = pa.total_allocated_bytes()
    table = pa.table(dt)
    grown = pa.total_allocated_bytes() - before
    assert table.num_rows == n
    assert table.nbytes > 15_000_000
    assert grown < 1.5 * table.nbytes, (grown, table.nbytes)
    assert grown > 0.5 * table.nbytes, (grown, table.nbytes)  # the pool is shared
    del table
    gc.collect()
    # The buffers are freed into the same pool when pyarrow lets go.
    assert pa.total_allocated_bytes() - before < 0.1 * grown + 1_000_000
