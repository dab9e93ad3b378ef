"""DeltaTable.optimize (TableOptimizer.compact and z_order) of deltacpp, checked against
deltalake 1.6.6 on copies of one table.

Each case writes a table with deltalake, copies it, optimizes one copy with each package
and compares: the rows, the metrics that depend only on the files read (which and how
many files were removed, partitions, files considered and skipped; the files written
differ in size, deltalake compressing with zstd), and that deltalake reads the table
deltacpp optimized.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import random
import shutil

import deltalake
import pyarrow as pa
import pytest

import deltacpp
from deltacpp.exceptions import DeltaError, TableNotFoundError

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
TESTDATA = pathlib.Path(os.environ.get("DELTACPP_TESTDATA_DIR", REPO.parent / "shared/testdata"))

# Metrics both engines must agree on for compaction (same input files, same plan).
COMPACT_METRICS = ("numFilesAdded", "numFilesRemoved", "filesRemoved", "partitionsOptimized",
                   "totalConsideredFiles", "totalFilesSkipped", "preserveInsertionOrder",
                   "plannerStrategy", "preservedStableOrder", "maxBinSpanFiles")
# For Z-order: the files written are cut by size, which differs between the writers.
Z_ORDER_METRICS = ("numFilesRemoved", "filesRemoved", "partitionsOptimized",
                   "totalConsideredFiles", "totalFilesSkipped", "preserveInsertionOrder",
                   "plannerStrategy", "preservedStableOrder", "maxBinSpanFiles")


def sorted_rows(table) -> list[dict]:
    rows = pa.table(table).to_pylist()
    return sorted(rows, key=lambda row: tuple(str(v) for v in row.values()))


def append_batches(path, batches, partition_by=None):
    for batch in batches:
        deltalake.write_deltalake(path, batch, mode="append", partition_by=partition_by)


def growing_batches(count=6, part=None):
    """Appends of 10, 60, 110, ... rows: files of growing sizes."""
    batches = []
    for i in range(count):
        n = 10 + 50 * i
        columns = {"id": pa.array(range(1000 * i, 1000 * i + n), pa.int64()),
                   "value": pa.array([float(v % 97) for v in range(n)])}
        if part is not None:
            columns["part"] = [part(i, r) for r in range(n)]
        batches.append(pa.table(columns))
    return batches


def run_both(tmp_path, optimize):
    """Optimizes a copy of tmp_path/source with each engine (`optimize(dt)` returns the
    metrics); returns {engine: (metrics, rows, path)}."""
    results = {}
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        shutil.copytree(tmp_path / "source", path)
        metrics = optimize(engine.DeltaTable(path))
        rows = sorted_rows(deltalake.DeltaTable(path).to_pyarrow_table())
        results[engine] = (metrics, rows, path)
    return results


def assert_same(results, keys, source_rows):
    ours, theirs = results[deltacpp], results[deltalake]
    assert {k: ours[0][k] for k in keys} == {k: theirs[0][k] for k in keys}
    assert set(ours[0]) == set(theirs[0])
    assert ours[1] == theirs[1] == source_rows


def live_files(path) -> list[dict]:
    return pa.table(deltalake.DeltaTable(path).get_add_actions(flatten=True)).to_pylist()


def test_compacts_small_files_as_deltalake(tmp_path):
    append_batches(tmp_path / "source", growing_batches(8))
    source = sorted_rows(deltalake.DeltaTable(tmp_path / "source").to_pyarrow_table())
    results = run_both(tmp_path, lambda dt: dt.optimize.compact())
    assert_same(results, COMPACT_METRICS, source)
    metrics, _, path = results[deltacpp]
    assert metrics["numFilesRemoved"] == 8 and metrics["numFilesAdded"] == 1
    added = json.loads(metrics["filesAdded"])
    assert added["totalFiles"] == 1 and added["min"] == added["max"] == added["totalSize"]
    assert len(live_files(path)) == 1
    # deltalake finds nothing left to do in the table deltacpp compacted.
    again = deltalake.DeltaTable(path).optimize.compact()
    assert again["numFilesRemoved"] == 0


@pytest.mark.parametrize("target_size", [1500, 3000, 6000])
def test_target_size_groups_files_as_deltalake(tmp_path, target_size):
    append_batches(tmp_path / "source", growing_batches(8))
    source = sorted_rows(deltalake.DeltaTable(tmp_path / "source").to_pyarrow_table())
    results = run_both(tmp_path,
                       lambda dt: dt.optimize.compact(target_size=target_size))
    assert_same(results, COMPACT_METRICS, source)


def test_partitions_and_filters_as_deltalake(tmp_path):
    append_batches(tmp_path / "source",
                   growing_batches(6, part=lambda i, r: ["a", "b", "c"][(i + r) % 3]),
                   partition_by=["part"])
    # One more partition with a single small file: left alone.
    deltalake.write_deltalake(tmp_path / "source",
                              pa.table({"id": pa.array([7], pa.int64()),
                                        "value": [1.0], "part": ["d"]}), mode="append")
    source = sorted_rows(deltalake.DeltaTable(tmp_path / "source").to_pyarrow_table())
    results = run_both(tmp_path, lambda dt: dt.optimize.compact(target_size=4000))
    assert_same(results, COMPACT_METRICS, source)
    assert results[deltacpp][0]["partitionsOptimized"] == 3

    shutil.rmtree(tmp_path / "deltacpp")
    shutil.rmtree(tmp_path / "deltalake")
    results = run_both(tmp_path, lambda dt: dt.optimize.compact(
        partition_filters=[("part", "in", ["a", "c"])]))
    assert_same(results, COMPACT_METRICS, source)
    assert results[deltacpp][0]["partitionsOptimized"] == 2
    files = live_files(results[deltacpp][2])
    assert sum(1 for f in files if f["partition.part"] == "b") == 6


def test_large_file_ends_a_group_as_deltalake(tmp_path):
    batches = growing_batches(3)
    big = pa.table({"id": pa.array(range(100_000, 120_000), pa.int64()),
                    "value": pa.array([random.Random(i).random() for i in range(20_000)])})
    append_batches(tmp_path / "source", batches + [big] + growing_batches(3))
    source = sorted_rows(deltalake.DeltaTable(tmp_path / "source").to_pyarrow_table())
    results = run_both(tmp_path, lambda dt: dt.optimize.compact(target_size=50_000))
    assert_same(results, COMPACT_METRICS, source)
    assert results[deltacpp][0]["numFilesRemoved"] == 6
    assert results[deltacpp][0]["numFilesAdded"] == 2


def test_z_order_as_deltalake(tmp_path):
    rng = random.Random(5)
    batches = [pa.table({"x": pa.array([rng.randrange(1000) for _ in range(2000)], pa.int64()),
                         "y": pa.array([rng.random() for _ in range(2000)]),
                         "part": ["a" if i % 2 else "b"] * 2000}) for i in range(6)]
    append_batches(tmp_path / "source", batches, partition_by=["part"])
    source = sorted_rows(deltalake.DeltaTable(tmp_path / "source").to_pyarrow_table())
    results = run_both(tmp_path, lambda dt: dt.optimize.z_order(
        ["x", "y"], partition_filters=[("part", "=", "a")], target_size=20_000))
    assert_same(results, Z_ORDER_METRICS, source)
    metrics, _, path = results[deltacpp]
    assert metrics["numFilesRemoved"] == 3 and metrics["numFilesAdded"] >= 2
    assert metrics["plannerStrategy"] == "zOrder"
    # The files of partition a now cover narrower ranges of x than the files before.
    files = [f for f in live_files(path) if f["partition.part"] == "a"]
    spans = [f["max.x"] - f["min.x"] for f in files]
    assert sum(spans) / len(spans) < 800
    history = deltalake.DeltaTable(path).history(1)[0]
    assert history["operation"] == "OPTIMIZE"
    assert history["operationParameters"]["zOrderBy"] == '["x","y"]'
    assert history["operationParameters"]["predicate"] == '["part = \'a\'"]'


def test_optimize_moves_the_table_and_records_history(tmp_path):
    append_batches(tmp_path / "t", growing_batches(4))
    dt = deltacpp.DeltaTable(tmp_path / "t")
    metrics = dt.optimize.compact(
        commit_properties=deltacpp.CommitProperties(custom_metadata={"jobName": "nightly"}))
    assert dt.version() == 4
    assert metrics["numFilesRemoved"] == 4
    commit = dt.history(1)[0]
    assert commit["operation"] == "OPTIMIZE"
    assert commit["jobName"] == "nightly"
    assert commit["operationParameters"] == {"predicate": "[]", "zOrderBy": "[]",
                                             "clusterBy": "[]", "auto": "false"}
    assert commit["operationMetrics"]["numRemovedFiles"] == "4"
    assert commit["operationMetrics"]["numAddedFiles"] == "1"
    # Time travel to the version before reads the files removed.
    old = deltacpp.DeltaTable(tmp_path / "t", version=3)
    assert len(old.files()) == 4
    assert sorted_rows(old.to_pyarrow_table()) == sorted_rows(dt.to_pyarrow_table())
    # Nothing left to do: no commit.
    metrics = dt.optimize.compact()
    assert metrics["numFilesRemoved"] == 0 and metrics["totalFilesSkipped"] == 1
    assert json.loads(metrics["filesAdded"]) == {"avg": 0.0, "max": 0, "min": 0,
                                                 "totalFiles": 0, "totalSize": 0}
    assert dt.version() == 4


def test_min_commit_interval_commits_as_it_goes(tmp_path):
    append_batches(tmp_path / "t", growing_batches(6, part=lambda i, r: "abc"[i % 3]),
                   partition_by=["part"])
    dt = deltacpp.DeltaTable(tmp_path / "t")
    metrics = dt.optimize.compact(min_commit_interval=datetime.timedelta(0))
    assert metrics["numFilesRemoved"] == 6 and metrics["numFilesAdded"] == 3
    assert dt.version() == 8
    assert [c["operation"] for c in dt.history(3)] == ["OPTIMIZE"] * 3
    assert deltacpp.DeltaTable(tmp_path / "t").optimize.compact(
        min_commit_interval=60)["numFilesRemoved"] == 0


def test_deletion_vectors_are_purged(tmp_path):
    shutil.copytree(TESTDATA / "delta-rs/table-with-dv-small", tmp_path / "t")
    dt = deltacpp.DeltaTable(tmp_path / "t")
    before = sorted_rows(dt.to_pyarrow_table())
    metrics = dt.optimize.compact()
    assert metrics["numFilesRemoved"] == 1 and metrics["numFilesAdded"] == 1
    assert dt.history(1)[0]["operationMetrics"]["numDeletionVectorsRemoved"] == "1"
    assert sorted_rows(dt.to_pyarrow_table()) == before
    # deltalake does not read tables with the reader feature deletionVectors, but its log
    # replay shows the one file left, without a vector.
    theirs = deltalake.DeltaTable(tmp_path / "t")
    (add,) = pa.table(theirs.get_add_actions(flatten=True)).to_pylist()
    assert add["num_records"] == len(before) == 8
    assert add.get("deletionVector.storageType") is None


def test_errors(tmp_path):
    append_batches(tmp_path / "t", growing_batches(2, part=lambda i, r: "a"),
                   partition_by=["part"])
    dt = deltacpp.DeltaTable(tmp_path / "t")
    for call in (lambda: dt.optimize.z_order(["nope"]),
                 lambda: dt.optimize.z_order(["part"]),
                 lambda: dt.optimize.compact(partition_filters=[("id", "=", "1")])):
        with pytest.raises(DeltaError):
            call()
    with pytest.raises(ValueError):
        dt.optimize.z_order([])
    with pytest.raises(ValueError):
        dt.optimize.compact(target_size=0)
    assert dt.version() == 1
    shutil.rmtree(tmp_path / "t")
    with pytest.raises(TableNotFoundError):
        dt.optimize.compact()
