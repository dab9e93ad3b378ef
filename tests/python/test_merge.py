"""DeltaTable.merge and DeltaTable.update of deltacpp, checked against deltalake 1.6.6 on
copies of one table.

Each case writes the same target with both packages, runs the same merge (source,
predicate, aliases and clauses) with each, and compares: the rows left, the metrics that
do not depend on how files are laid out, and the commit deltalake reads back from ours.
Errors are compared by class. The real deltalake reads every table merged here.
"""

from __future__ import annotations

import deltalake
import pyarrow as pa
import pytest

import deltacpp
from deltacpp.exceptions import DeltaError

# Row counts both engines must agree on (file counts and times depend on the layout).
COMPARED_METRICS = ("num_source_rows", "num_target_rows_inserted", "num_target_rows_updated",
                    "num_target_rows_deleted", "num_output_rows", "num_target_rows_copied")


def target_rows() -> pa.Table:
    return pa.table({
        "id": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
        "name": ["a", "b", "c", "d", "e", "f"],
        "score": pa.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        "part": ["x", "x", "y", "y", "z", "z"],
    })


def source_rows() -> pa.Table:
    return pa.table({
        "id": pa.array([2, 4, 7, 8], pa.int64()),
        "name": ["B", "D", "g", "h"],
        "score": pa.array([20.0, 40.0, 70.0, None]),
        "part": ["x", "q", "z", "q"],
        "op": ["update", "delete", "insert", "skip"],
    })


def sorted_rows(table: pa.Table) -> list[dict]:
    return sorted(table.to_pylist(), key=lambda row: tuple(str(v) for v in row.values()))


def run_both(tmp_path, build, partition_by=None, source=None, target=None):
    """Writes the target with each engine, merges with `build(dt, source)` (which returns
    the TableMerger), and returns (ours, theirs) as (metrics, rows, table path)."""
    results = []
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        engine.write_deltalake(path, target if target is not None else target_rows(),
                               partition_by=partition_by)
        dt = engine.DeltaTable(path)
        metrics = build(dt, source if source is not None else source_rows()).execute()
        rows = sorted_rows(deltalake.DeltaTable(path).to_pyarrow_table())
        results.append((metrics, rows, path))
    return results


def assert_same(ours, theirs):
    assert ours[1] == theirs[1]
    for name in COMPARED_METRICS:
        assert ours[0][name] == theirs[0][name], name
    assert set(ours[0]) == set(theirs[0])


def test_upsert_with_aliases(tmp_path):
    ours, theirs = run_both(tmp_path, lambda dt, src: dt.merge(
        src, "t.id = s.id", source_alias="s", target_alias="t")
        .when_matched_update_all(except_cols=["op"]).when_not_matched_insert_all())
    assert_same(ours, theirs)
    assert ours[0]["num_target_rows_updated"] == 2
    assert ours[0]["num_target_rows_inserted"] == 2
    history = deltalake.DeltaTable(ours[2]).history(1)[0]
    assert history["operation"] == "MERGE"
    assert history["operationParameters"]["matchedPredicates"] == '[{"actionType":"update"}]'


def test_every_clause_kind_in_order(tmp_path):
    def build(dt, src):
        return (dt.merge(src, "target.id = source.id", source_alias="source",
                         target_alias="target")
                .when_matched_delete("source.op = 'delete'")
                .when_matched_update({"name": "concat(target.name, source.name)",
                                      "score": "target.score * 10 + 1"})
                .when_not_matched_insert({"id": "source.id", "name": "upper(source.name)",
                                          "part": "'new'"}, "source.op <> 'skip'")
                .when_not_matched_by_source_update({"score": "-1"}, "target.id > 4")
                .when_not_matched_by_source_delete("target.part = 'x'"))

    ours, theirs = run_both(tmp_path, build)
    assert_same(ours, theirs)
    assert {row["id"] for row in ours[1]} == {2, 3, 4, 5, 6, 7} - {4}


@pytest.mark.parametrize("partition_by", [None, "part"])
def test_updates_may_move_rows_between_partitions(tmp_path, partition_by):
    ours, theirs = run_both(tmp_path, lambda dt, src: dt.merge(
        src, "target.id = source.id AND source.op = 'update'", source_alias="source",
        target_alias="target").when_matched_update({"part": "'moved'"}),
        partition_by=partition_by)
    assert_same(ours, theirs)


def test_insert_only_keeps_every_file(tmp_path):
    ours, theirs = run_both(tmp_path, lambda dt, src: dt.merge(
        src, "t.id = s.id", source_alias="s", target_alias="t")
        .when_not_matched_insert_all(except_cols=["op"]))
    assert_same(ours, theirs)
    assert ours[0]["num_target_files_removed"] == 0


def test_source_as_pandas_and_narrower_types(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": pd.array([3, 9], dtype="int32"), "name": ["C", "i"]})
    ours, theirs = run_both(tmp_path, lambda dt, src: dt.merge(
        src, "t.id = s.id", source_alias="s", target_alias="t")
        .when_matched_update({"name": "s.name"})
        .when_not_matched_insert({"id": "s.id", "name": "s.name"}), source=frame)
    assert_same(ours, theirs)


def test_table_moves_to_the_merged_version(tmp_path):
    deltacpp.write_deltalake(tmp_path, target_rows())
    dt = deltacpp.DeltaTable(tmp_path)
    dt.merge(source_rows(), "t.id = s.id", source_alias="s", target_alias="t") \
        .when_matched_delete().execute()
    assert dt.version() == 1
    assert dt.to_pyarrow_table().num_rows == 4
    # Nothing matched: no commit, the version stays.
    metrics = dt.merge(pa.table({"id": [100]}), "t.id = s.id", source_alias="s",
                       target_alias="t").when_matched_delete().execute()
    assert metrics["num_target_rows_deleted"] == 0
    assert dt.version() == 1 and deltacpp.DeltaTable(tmp_path).version() == 1


def test_two_source_rows_for_one_target_row_fail_like_deltalake(tmp_path):
    duplicated = pa.table({"id": [2, 2], "name": ["one", "two"]})
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        engine.write_deltalake(path, target_rows())
        with pytest.raises(Exception) as raised:
            engine.DeltaTable(path).merge(duplicated, "t.id = s.id", source_alias="s",
                                          target_alias="t").when_matched_update_all().execute()
        if engine is deltacpp:
            assert isinstance(raised.value, DeltaError)
            assert "2 source rows match the same target row" in str(raised.value)
        assert engine.DeltaTable(path).version() == 0


@pytest.mark.parametrize("predicate, updates, message", [
    ("t.id = s.nope", None, "no column 'nope'"),
    ("t.id = s.id", {"nope": "s.name"}, "which the target does not have"),
    ("t.id = s.id", {"name": "s.name +"}, "cannot parse"),
    ("id = id", None, "in both the target and the source"),
])
def test_bad_merges_raise_delta_error_and_commit_nothing(tmp_path, predicate, updates,
                                                         message):
    deltacpp.write_deltalake(tmp_path, target_rows())
    merger = deltacpp.DeltaTable(tmp_path).merge(source_rows(), predicate, source_alias="s",
                                                 target_alias="t")
    merger = merger.when_matched_update(updates) if updates else \
        merger.when_matched_update_all()
    with pytest.raises(DeltaError, match=message):
        merger.execute()
    assert deltacpp.DeltaTable(tmp_path).version() == 0


@pytest.mark.parametrize("partition_by", [None, "part"])
def test_change_data_feed_matches_deltalakes(tmp_path, partition_by):
    """Both engines merge, then update, a table with the change data feed; deltalake
    reads the same feed from both."""
    feeds = []
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        engine.write_deltalake(path, target_rows(), partition_by=partition_by,
                               configuration={"delta.enableChangeDataFeed": "true"})
        dt = engine.DeltaTable(path)
        dt.merge(source_rows(), "t.id = s.id", source_alias="s", target_alias="t") \
            .when_matched_delete("s.op = 'delete'") \
            .when_matched_update({"name": "s.name"}) \
            .when_not_matched_insert_all(except_cols=["op"]).execute()
        dt.update({"score": "score + 1"}, predicate="id = 6")
        changes = pa.table(deltalake.DeltaTable(path).load_cdf(starting_version=1).read_all())
        feeds.append(sorted_rows(changes.drop_columns(["_commit_timestamp"])))
    assert feeds[0] == feeds[1]
    kinds = sorted(row["_change_type"] for row in feeds[0])
    assert kinds == ["delete", "insert", "insert", "update_postimage", "update_postimage",
                     "update_preimage", "update_preimage"]


def test_merge_schema_adds_the_sources_new_columns_like_deltalake(tmp_path):
    ours, theirs = run_both(tmp_path, lambda dt, src: dt.merge(
        src, "t.id = s.id", source_alias="s", target_alias="t", merge_schema=True)
        .when_matched_update_all().when_not_matched_insert_all())
    assert_same(ours, theirs)
    schemas = [deltalake.DeltaTable(result[2]).schema().to_arrow() for result in (ours, theirs)]
    assert pa.schema(schemas[0]) == pa.schema(schemas[1])
    assert "op" in pa.schema(schemas[0]).names


# --- DeltaTable.update (a merge of no source rows, in the core)

@pytest.mark.parametrize("partition_by", [None, "part"])
@pytest.mark.parametrize("updates, predicate", [
    ({"name": "upper(name)", "score": "score * 2"}, "id > 2"),
    ({"part": "'moved'"}, "part = 'y'"),
    ({"score": "0"}, None),
    ({"name": "'never'"}, "id > 100"),
])
def test_update_matches_deltalake(tmp_path, partition_by, updates, predicate):
    results = []
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        engine.write_deltalake(path, target_rows(), partition_by=partition_by)
        engine.write_deltalake(path, target_rows().slice(0, 2), mode="append",
                               partition_by=partition_by)
        dt = engine.DeltaTable(path)
        metrics = dt.update(updates, predicate=predicate)
        results.append((metrics, sorted_rows(deltalake.DeltaTable(path).to_pyarrow_table()),
                        dt.version()))
    ours, theirs = results
    assert ours[1] == theirs[1]
    assert set(ours[0]) == set(theirs[0])
    for name in ("num_updated_rows", "num_copied_rows", "num_removed_files"):
        assert ours[0][name] == theirs[0][name], name
    assert ours[2] == theirs[2]


def test_update_new_values_are_literals(tmp_path):
    import datetime
    table = pa.table({"id": [1, 2], "name": ["a", "b"], "flag": [False, False],
                      "ts": pa.array([None, None], pa.timestamp("us", tz="UTC")),
                      "day": pa.array([None, None], pa.date32()), "score": [1.0, 2.0]})
    deltacpp.write_deltalake(tmp_path, table)
    dt = deltacpp.DeltaTable(tmp_path)
    moment = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc)
    metrics = dt.update(new_values={"name": "it's", "flag": True, "ts": moment,
                                    "day": datetime.date(2024, 2, 29), "score": None},
                        predicate="id = 1")
    assert metrics["num_updated_rows"] == 1 and dt.version() == 1
    row = sorted_rows(deltalake.DeltaTable(tmp_path).to_pyarrow_table())[0]
    assert row == {"id": 1, "name": "it's", "flag": True, "ts": moment,
                   "day": datetime.date(2024, 2, 29), "score": None}
    assert deltalake.DeltaTable(tmp_path).history(1)[0]["operation"] == "UPDATE"


def test_update_errors(tmp_path):
    deltacpp.write_deltalake(tmp_path, target_rows())
    dt = deltacpp.DeltaTable(tmp_path)
    with pytest.raises(ValueError, match="Either updates or new_values"):
        dt.update()
    with pytest.raises(ValueError, match="at same time"):
        dt.update({"name": "'x'"}, new_values={"name": "x"})
    with pytest.raises(TypeError, match="must all be SQL strings"):
        dt.update({"score": 1})
    with pytest.raises(DeltaError, match="nope"):
        dt.update({"nope": "1"})
    with pytest.raises(DeltaError):
        dt.update({"score": "'not a number'"})
    assert dt.version() == 0
