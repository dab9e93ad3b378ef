"""Edge cases of DeltaTable.merge and DeltaTable.update (and the change data files they
write), checked against deltalake 1.6.6 on copies of the same table.

Each comparison runs the same operation with both packages on a table each wrote the
same way (or on two copies of one test table) and compares what the real deltalake
reads back: rows, change feed, row-count metrics. Where deltalake is wrong and Delta
Spark agrees with us, the test says why and asserts Spark's behaviour.
"""

from __future__ import annotations

import datetime
import decimal
import math
import pathlib
import shutil

import deltalake
import pyarrow as pa
import pytest

import deltacpp
from deltacpp.exceptions import DeltaError

TESTDATA = pathlib.Path("/work/shared/testdata/delta-rs")
CDF = {"delta.enableChangeDataFeed": "true"}

# Row counts both engines must agree on (file counts and times depend on the layout).
MERGE_METRICS = ("num_source_rows", "num_target_rows_inserted", "num_target_rows_updated",
                 "num_target_rows_deleted", "num_output_rows", "num_target_rows_copied")
UPDATE_METRICS = ("num_updated_rows", "num_copied_rows")


def _key(value):
    # NaN != NaN: compare it as text.
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def sorted_rows(table) -> list[dict]:
    rows = [{k: _key(v) for k, v in row.items()} for row in pa.table(table).to_pylist()]
    return sorted(rows, key=lambda row: tuple(str(v) for v in row.values()))


def read(path) -> list[dict]:
    """The rows deltalake reads (through DataFusion, which applies deletion vectors)."""
    table = deltalake.DeltaTable(path)
    return sorted_rows(deltalake.QueryBuilder().register("t", table)
                       .execute("select * from t").read_all())


def feed(path, start: int = 1) -> list[dict]:
    changes = pa.table(deltalake.DeltaTable(path).load_cdf(starting_version=start).read_all())
    return sorted_rows(changes.drop_columns(["_commit_timestamp"]))


class Outcome:
    def __init__(self, path, metrics=None, error=None):
        self.path, self.metrics, self.error = path, metrics, error
        self.rows = read(path)
        self.version = deltalake.DeltaTable(path).version()


def run(path, engine, operation) -> Outcome:
    try:
        result = operation(engine.DeltaTable(path))
        if hasattr(result, "execute"):
            result = result.execute()
        return Outcome(path, metrics=result)
    except Exception as error:  # noqa: BLE001 - compared by the tests
        return Outcome(path, error=error)


def run_both(tmp_path, target, operation, partition_by=None, configuration=None):
    """Writes `target` with each engine and runs `operation(dt)` (a merger or metrics)."""
    outcomes = []
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        engine.write_deltalake(path, target, partition_by=partition_by,
                               configuration=configuration)
        outcomes.append(run(path, engine, operation))
    return outcomes


def run_on_copies(tmp_path, source_table, operation):
    """Runs `operation` with each engine on its own copy of a test table."""
    outcomes = []
    for engine in (deltacpp, deltalake):
        path = tmp_path / engine.__name__
        shutil.copytree(source_table, path)
        outcomes.append(run(path, engine, operation))
    return outcomes


def assert_same(ours: Outcome, theirs: Outcome, metrics=MERGE_METRICS):
    assert ours.error is None, ours.error
    assert theirs.error is None, theirs.error
    assert ours.rows == theirs.rows
    for name in metrics:
        assert ours.metrics[name] == theirs.metrics[name], name
    assert ours.version == theirs.version


def upsert(source, on="t.id = s.id"):
    return lambda dt: (dt.merge(source, on, source_alias="s", target_alias="t")
                       .when_matched_update_all().when_not_matched_insert_all())


# --- Join keys


def test_keys_of_several_columns_with_nulls(tmp_path):
    target = pa.table({"a": [1, 1, None, 2], "b": ["x", None, "x", "y"], "v": [1, 2, 3, 4]})
    source = pa.table({"a": [1, 1, None, 2], "b": ["x", None, "x", "z"], "v": [10, 20, 30, 40]})
    ours, theirs = run_both(tmp_path, target, upsert(source, "t.a = s.a AND t.b = s.b"))
    assert_same(ours, theirs)
    # Only (1, x) matches: a null in a key matches nothing, so those rows are inserted.
    assert ours.metrics["num_target_rows_updated"] == 1
    assert ours.metrics["num_target_rows_inserted"] == 3


@pytest.mark.parametrize("on, insert", [
    ("lower(t.name) = lower(s.name)", {"name": "s.name", "v": "s.v"}),
    ("t.id = CAST(s.sid AS BIGINT)", {"id": "CAST(s.sid AS BIGINT)", "v": "s.v"}),
    ("t.id + 1 = s.n AND upper(t.name) = upper(s.name)", {"id": "s.n", "v": "s.v"}),
])
def test_keys_through_expressions(tmp_path, on, insert):
    target = pa.table({"id": [1, 2, 3], "name": ["Alice", "BOB", "carl"], "v": [1, 2, 3]})
    source = pa.table({"name": ["alice", "bob", "dave"], "sid": ["1", "2", "9"],
                       "n": [2, 3, 10], "v": [10, 20, 30]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, on, source_alias="s", target_alias="t")
        .when_matched_update({"v": "s.v"}).when_not_matched_insert(insert)))
    assert_same(ours, theirs)


def _ts(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone.utc)


D = decimal.Decimal


@pytest.mark.parametrize("target_keys, source_keys", [
    (pa.array(["a", "b", None]), pa.array(["b", None, "c"])),
    (pa.array([datetime.date(2024, 1, 1), datetime.date(2024, 1, 2), None]),
     pa.array([datetime.date(2024, 1, 2), None, datetime.date(2025, 1, 1)])),
    (pa.array([_ts(2024, 1, 1), _ts(2024, 1, 2, 3, 4, 5, 6), None], pa.timestamp("us", "UTC")),
     pa.array([_ts(2024, 1, 2, 3, 4, 5, 6), None, _ts(2025, 1, 1)], pa.timestamp("us", "UTC"))),
    (pa.array([D("1.10"), D("2.20"), None], pa.decimal128(10, 2)),
     pa.array([D("2.20"), None, D("4.40")], pa.decimal128(10, 2))),
    # Another scale and precision on the source side.
    (pa.array([D("1.10"), D("2.20"), None], pa.decimal128(10, 2)),
     pa.array([D("2.2"), None, D("4.4")], pa.decimal128(5, 1))),
])
def test_keys_of_each_type(tmp_path, target_keys, source_keys):
    target = pa.table({"k": target_keys, "v": [1, 2, 3]})
    source = pa.table({"k": source_keys, "v": [10, 20, 30]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, "t.k = s.k", source_alias="s", target_alias="t")
        .when_matched_update({"v": "s.v"})
        .when_not_matched_insert({"v": "s.v"})))
    assert_same(ours, theirs)
    assert ours.metrics["num_target_rows_updated"] == 1


@pytest.mark.parametrize("target_type", [pa.float64(), pa.float32()])
def test_float_keys_match_zero_and_nan_as_spark(tmp_path, target_type):
    """0.0 = -0.0 in SQL, and Spark's (and deltalake's) joins match NaN with NaN; the
    hash join compared bits and inserted -0.0 beside 0.0."""
    target = pa.table({"f": pa.array([1.0, float("nan"), 0.0], target_type), "v": [1, 2, 3]})
    source = pa.table({"f": [float("nan"), -0.0], "v": [20, 30]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, "t.f = s.f", source_alias="s", target_alias="t")
        .when_matched_update({"v": "s.v"}).when_not_matched_insert_all()))
    assert_same(ours, theirs)
    assert ours.metrics["num_target_rows_updated"] == 2
    assert ours.metrics["num_target_rows_inserted"] == 0


# --- Conditions without an equality (the nested loop)


@pytest.mark.parametrize("on, updates", [
    ("t.id = s.id OR t.code = s.code", {"v": "s.v"}),
    ("t.id >= s.lo AND t.id <= s.hi", {"v": "s.v"}),
    ("t.id = s.id AND t.v < s.v", {"v": "s.v + t.v"}),
    ("t.id = s.id AND (s.code = 'x' OR t.code = 'c')", {"code": "concat(t.code, s.code)"}),
])
def test_conditions_beyond_equalities(tmp_path, on, updates):
    target = pa.table({"id": [1, 2, 3, 4], "code": ["a", "b", "c", "d"], "v": [1, 2, 3, 4]})
    source = pa.table({"id": [1, 9, 7], "code": ["x", "c", "y"], "lo": [3, 8, 9],
                       "hi": [3, 9, 9], "v": [10, 30, 70]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, on, source_alias="s", target_alias="t")
        .when_matched_update(updates)
        .when_not_matched_insert({"id": "s.id", "code": "s.code", "v": "s.v"})
        .when_not_matched_by_source_delete("t.id = 4")))
    assert_same(ours, theirs)


def test_nested_loop_over_more_pairs_than_one_chunk(tmp_path):
    """600 target rows meet 120 source rows: 72000 pairs, more than one 65536-pair chunk
    of the residual condition."""
    target = pa.table({"id": list(range(600)), "v": [i * 7 % 1000 for i in range(600)]})
    source = pa.table({"lo": list(range(0, 600, 5)), "w": [i % 11 for i in range(120)]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, "t.id = s.lo + 3 OR t.id * 1000 = s.lo", source_alias="s",
                 target_alias="t")
        .when_matched_update({"v": "s.w"})
        .when_not_matched_insert({"id": "s.lo + 100000", "v": "s.w"})))
    assert_same(ours, theirs)
    assert ours.metrics["num_target_rows_updated"] == 121


# --- Sources


def test_source_of_no_rows(tmp_path):
    target = pa.table({"id": [1, 2, 3], "v": [1, 2, 3]})
    empty = pa.table({"id": pa.array([], pa.int64()), "v": pa.array([], pa.int64())})
    ours, theirs = run_both(tmp_path, target, upsert(empty))
    assert_same(ours, theirs)
    assert ours.version == 0  # nothing to commit
    ours, theirs = run_both(tmp_path / "by_source", target, lambda dt: (
        dt.merge(empty, "t.id = s.id", source_alias="s", target_alias="t")
        .when_not_matched_by_source_delete("t.id > 1")))
    assert_same(ours, theirs)
    assert ours.rows == [{"id": 1, "v": 1}]


def test_duplicate_keys_with_only_inserts(tmp_path):
    target = pa.table({"id": [1, 2, 3], "v": [1, 2, 3]})
    source = pa.table({"id": [2, 2, 5, 5], "v": [20, 21, 50, 51]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, "t.id = s.id", source_alias="s", target_alias="t")
        .when_not_matched_insert_all()))
    assert_same(ours, theirs)
    assert ours.metrics["num_target_rows_inserted"] == 2


@pytest.mark.parametrize("configuration", [None, CDF])
def test_duplicate_keys_with_one_unconditional_delete(tmp_path, configuration):
    """Delta Spark allows many matches when the only WHEN MATCHED clause is an
    unconditional DELETE (MergeIntoSuiteBase "only delete with multiple matches"): each
    target row is deleted, and counted, once."""
    target = pa.table({"id": [1, 2, 3], "v": [1, 2, 3]})
    source = pa.table({"id": [2, 2, 3, 5, 5], "v": [20, 21, 30, 50, 51]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, "t.id = s.id", source_alias="s", target_alias="t")
        .when_matched_delete().when_not_matched_insert_all()),
        configuration=configuration)
    assert_same(ours, theirs)
    assert ours.metrics["num_target_rows_deleted"] == 2
    if configuration:
        assert feed(ours.path) == feed(theirs.path)
        kinds = sorted(row["_change_type"] for row in feed(ours.path))
        assert kinds == ["delete", "delete", "insert", "insert"]


@pytest.mark.parametrize("clauses", [
    lambda m: m.when_matched_update({"v": "s.v"}, "s.v = 21"),
    lambda m: m.when_matched_delete("s.v = 21"),
    lambda m: m.when_matched_update({"v": "s.v"}, "s.v = 21").when_not_matched_insert_all(),
    lambda m: m.when_matched_delete().when_matched_update({"v": "s.v"}),
])
def test_duplicate_keys_under_other_matched_clauses_fail_as_spark(tmp_path, clauses):
    """deltalake runs these, taking whichever pair its clause conditions let through;
    Delta Spark raises DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE whenever a
    target row matches two source rows, conditions or not (MergeIntoSuiteBase "only
    conditional update with multiple matches", "only conditional delete with multiple
    matches"), but for a lone unconditional DELETE."""
    target = pa.table({"id": [1, 2, 3], "v": [1, 2, 3]})
    source = pa.table({"id": [2, 2, 5], "v": [20, 21, 50]})
    path = tmp_path / "ours"
    deltacpp.write_deltalake(path, target)
    merger = deltacpp.DeltaTable(path).merge(source, "t.id = s.id", source_alias="s",
                                             target_alias="t")
    with pytest.raises(DeltaError, match="2 source rows match the same target row"):
        clauses(merger).execute()
    assert deltalake.DeltaTable(path).version() == 0


def test_duplicate_keys_with_only_not_matched_by_source_clauses(tmp_path):
    """deltalake writes the target row twice (once per matching source row); a row that
    any source row matches is simply not 'not matched by source'. (Delta Spark raises
    its multiple-match error here too; we keep the row once: the result does not depend
    on which source row matched.)"""
    target = pa.table({"id": [1, 2, 3], "v": [1, 2, 3]})
    source = pa.table({"id": [2, 2], "v": [20, 21]})
    ours, theirs = run_both(tmp_path, target, lambda dt: (
        dt.merge(source, "t.id = s.id", source_alias="s", target_alias="t")
        .when_not_matched_by_source_delete()))
    assert ours.error is None and theirs.error is None
    assert ours.rows == [{"id": 2, "v": 2}]
    assert theirs.rows == [{"id": 2, "v": 2}, {"id": 2, "v": 2}]  # deltalake's bug


def test_source_columns_in_other_case(tmp_path):
    """Delta Spark resolves columns case-insensitively (UPDATE SET * / INSERT * too);
    deltalake's *_all clauses match names exactly and write nulls instead."""
    target = pa.table({"id": [1, 2, 3], "Name": ["a", "b", "c"]})
    source = pa.table({"ID": [2, 9], "name": ["B", "I"]})
    ours, theirs = run_both(tmp_path, target, upsert(source, "t.id = s.ID"))
    assert ours.error is None
    assert ours.rows == [{"id": 1, "Name": "a"}, {"id": 2, "Name": "B"},
                         {"id": 3, "Name": "c"}, {"id": 9, "Name": "I"}]
    assert {"id": None, "Name": None} in theirs.rows  # deltalake's bug
    # Columns may be named in any case in conditions and assignments too.
    path = tmp_path / "spelled"
    deltacpp.write_deltalake(path, target)
    deltacpp.DeltaTable(path).merge(source, "T.ID = S.id", source_alias="s",
                                    target_alias="t") \
        .when_matched_update({"NAME": "s.NAME"}) \
        .when_not_matched_insert({"Id": "s.Id", "name": "s.Name"}).execute()
    assert read(path) == ours.rows


def test_same_alias_for_both_sides_is_refused(tmp_path):
    deltacpp.write_deltalake(tmp_path, pa.table({"id": [1]}))
    with pytest.raises(DeltaError, match="different aliases"):
        deltacpp.DeltaTable(tmp_path).merge(pa.table({"id": [1]}), "x.id = x.id",
                                            source_alias="x", target_alias="X") \
            .when_matched_delete().execute()


# --- Types the source brings


def test_wider_source_types_that_fit_are_written(tmp_path):
    target = pa.table({"id": pa.array([1, 2, 3], pa.int32()), "v": pa.array([1, 2, 3], pa.int32())})
    source = pa.table({"id": pa.array([2, 9], pa.int64()), "v": pa.array([20, 90], pa.int64())})
    ours, theirs = run_both(tmp_path, target, upsert(source))
    assert_same(ours, theirs)
    assert pa.schema(deltalake.DeltaTable(ours.path).schema().to_arrow()).field("v").type \
        == pa.int32()


@pytest.mark.parametrize("source", [
    pa.table({"id": pa.array([2, 9], pa.int64()), "v": pa.array([2**40, 90], pa.int64())}),
    pa.table({"id": pa.array([2, 9], pa.int32()), "v": ["20", "x"]}),
])
def test_source_values_that_do_not_fit_fail_and_commit_nothing(tmp_path, source):
    target = pa.table({"id": pa.array([1, 2, 3], pa.int32()), "v": pa.array([1, 2, 3], pa.int32())})
    ours, theirs = run_both(tmp_path, target, upsert(source))
    assert theirs.error is not None
    assert isinstance(ours.error, DeltaError)
    assert "the value of v" in str(ours.error)
    assert ours.version == 0 and ours.rows == theirs.rows


def test_decimals_are_rounded_to_the_columns_scale(tmp_path):
    """deltalake (and Spark's store assignment) round half away from zero to the
    column's scale; the cast refused every value with more digits after the point."""
    target = pa.table({"id": [1, 2, 3], "d": pa.array([D("1.23"), D("1.00"), D("0")],
                                                       pa.decimal128(5, 2))})
    source = pa.table({"id": [1, 2, 3, 4], "d": pa.array(
        [D("-1.235"), D("1.235"), D("2.2449"), D("-0.005")], pa.decimal128(12, 4))})
    ours, theirs = run_both(tmp_path, target, upsert(source))
    assert_same(ours, theirs)
    assert [row["d"] for row in ours.rows] == [D("-1.24"), D("1.24"), D("2.24"), D("-0.01")]
    ours, theirs = run_both(tmp_path / "update", target,
                            lambda dt: dt.update({"d": "d * 1.001"}, predicate="id = 1"))
    assert_same(ours, theirs, UPDATE_METRICS)
    # Too many digits before the point still fails.
    too_big = pa.table({"id": [1], "d": pa.array([D("123456.7")], pa.decimal128(12, 1))})
    ours, theirs = run_both(tmp_path / "overflow", target, upsert(too_big))
    assert isinstance(ours.error, DeltaError) and theirs.error is not None
    assert ours.version == 0


STRUCT = pa.struct([("x", pa.int64()), ("y", pa.string())])


def struct_table():
    return pa.table({"id": [1, 2], "s": pa.array([{"x": 1, "y": "a"}, {"x": 2, "y": "b"}],
                                                  STRUCT)})


@pytest.mark.parametrize("source_type", [
    STRUCT, pa.struct([("y", pa.string()), ("x", pa.int64())])])
def test_update_all_of_a_struct_column(tmp_path, source_type):
    source = pa.table({"id": [2, 3], "s": pa.array([{"x": 20, "y": None}, None], source_type)})
    ours, theirs = run_both(tmp_path, struct_table(), lambda dt: (
        dt.merge(source, "t.id = src.id", source_alias="src", target_alias="t")
        .when_matched_update_all().when_not_matched_insert_all()))
    assert_same(ours, theirs)


def test_struct_field_the_column_lacks_is_never_dropped(tmp_path):
    """The value was cast to the column's struct, dropping field z without a word. Delta
    Spark refuses ("All from fields must be present in the final schema, or we'll
    silently lose data"), and so does deltalake; delta-cpp's schema evolution adds no
    nested fields, so merge_schema=True refuses too."""
    wider = pa.struct([("x", pa.int64()), ("y", pa.string()), ("z", pa.int64())])
    source = pa.table({"id": [2, 3], "s": pa.array([{"x": 20, "y": "q", "z": 7},
                                                    {"x": 30, "y": "r", "z": 8}], wider)})
    for merge_schema in (False, True):
        path = tmp_path / str(merge_schema)
        deltacpp.write_deltalake(path, struct_table())
        with pytest.raises(DeltaError, match=r"has field s\.z, which the column lacks"):
            deltacpp.DeltaTable(path).merge(source, "t.id = s.id", source_alias="s",
                                            target_alias="t", merge_schema=merge_schema) \
                .when_matched_update_all().when_not_matched_insert_all().execute()
        assert read(path) == sorted_rows(struct_table())
    ours, theirs = run_both(tmp_path / "both", struct_table(), upsert(source))
    assert theirs.error is not None and isinstance(ours.error, DeltaError)


def test_struct_field_the_value_lacks_is_null_only_with_schema_evolution(tmp_path):
    """Delta Spark casts structs by name and fills a missing field with null only with
    schema evolution (CastByName(allowMissingStructField = schemaEvolutionEnabled));
    deltalake refuses both ways."""
    narrower = pa.struct([("x", pa.int64())])
    source = pa.table({"id": [2, 5], "s": pa.array([{"x": 20}, {"x": 50}], narrower)})
    ours, theirs = run_both(tmp_path, struct_table(), upsert(source))
    assert theirs.error is not None
    assert isinstance(ours.error, DeltaError)
    assert "lacks field s.y" in str(ours.error)
    path = tmp_path / "evolving"
    deltacpp.write_deltalake(path, struct_table())
    deltacpp.DeltaTable(path).merge(source, "t.id = s.id", source_alias="s", target_alias="t",
                                    merge_schema=True) \
        .when_matched_update_all().when_not_matched_insert_all().execute()
    assert read(path) == [{"id": 1, "s": {"x": 1, "y": "a"}}, {"id": 2, "s": {"x": 20, "y": None}},
                          {"id": 5, "s": {"x": 50, "y": None}}]


# --- Tables with deletion vectors, constraints, generated columns


def test_merge_and_update_of_a_table_with_deletion_vectors(tmp_path):
    """table-with-dv-small: 10 rows, 0 and 9 deleted by a deletion vector. The deleted
    rows stay deleted: they match nothing, and the file's rewrite leaves them out."""
    table = TESTDATA / "table-with-dv-small"
    source = pa.table({"value": pa.array([0, 1, 2, 5, 20], pa.int32())})
    ours, theirs = run_on_copies(tmp_path / "merge", table, lambda dt: (
        dt.merge(source, "t.value = s.value", source_alias="s", target_alias="t")
        .when_matched_update({"value": "t.value + 100"}).when_not_matched_insert_all()
        .when_not_matched_by_source_delete("t.value > 6")))
    assert_same(ours, theirs)
    assert {"value": 0} in ours.rows and {"value": 9} not in ours.rows
    ours, theirs = run_on_copies(tmp_path / "update", table,
                                 lambda dt: dt.update({"value": "value * 10"}))
    assert_same(ours, theirs, UPDATE_METRICS)
    assert ours.metrics["num_updated_rows"] == 8


def constrained(path):
    deltalake.write_deltalake(path, pa.table({"id": [1, 2, 3], "v": [1, 2, 3]}))
    deltalake.DeltaTable(path).alter.add_constraint({"v_pos": "v > 0"})


def not_null(path):
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("v", pa.int64())])
    deltalake.write_deltalake(path, pa.table({"id": [1, 2, 3], "v": [1, 2, 3]}, schema=schema))


@pytest.mark.parametrize("make, operation, message", [
    (constrained, lambda dt: dt.merge(pa.table({"id": [2, 9], "v": [-5, 7]}), "t.id = s.id",
                                      source_alias="s", target_alias="t")
     .when_matched_update_all().when_not_matched_insert_all(), "CHECK constraint v_pos"),
    (constrained, lambda dt: dt.merge(pa.table({"id": [9], "v": [-1]}), "t.id = s.id",
                                      source_alias="s", target_alias="t")
     .when_not_matched_insert_all(), "CHECK constraint v_pos"),
    (constrained, lambda dt: dt.update({"v": "v - 2"}), "CHECK constraint v_pos"),
    (not_null, lambda dt: dt.merge(pa.table({"k": [9], "v": [1]}), "t.id = s.k",
                                   source_alias="s", target_alias="t")
     .when_not_matched_insert({"v": "s.v"}), "NOT NULL constraint on column id"),
    (not_null, lambda dt: dt.update({"id": "NULL"}, predicate="v = 2"),
     "NOT NULL constraint on column id"),
])
def test_constraints_are_checked_and_nothing_is_committed(tmp_path, make, operation, message):
    make(tmp_path / "made")
    ours, theirs = run_on_copies(tmp_path, tmp_path / "made", operation)
    assert isinstance(theirs.error, deltalake.exceptions.DeltaError)
    assert isinstance(ours.error, DeltaError)
    assert message in str(ours.error) and "nothing was committed" in str(ours.error)
    assert ours.version == theirs.version == deltalake.DeltaTable(tmp_path / "made").version()


def generated(path):
    schema = pa.schema([pa.field("id", pa.int64()), pa.field("v", pa.int64()),
                        pa.field("g", pa.int64(),
                                 metadata={"delta.generationExpression": "v * 2"})])
    deltalake.DeltaTable.create(path, schema)
    deltalake.write_deltalake(path, pa.table({"id": [1, 2, 3], "v": [1, 2, 3]}), mode="append")


def test_generated_columns_are_computed_again(tmp_path):
    """Delta Spark computes generated columns again from the new values in UPDATE and
    MERGE; deltalake keeps the old value and then fails its own check."""
    generated(tmp_path / "made")
    source = pa.table({"id": [2, 9], "v": [20, 90]})
    ours, theirs = run_on_copies(tmp_path / "merge", tmp_path / "made", upsert(source))
    assert isinstance(theirs.error, deltalake.exceptions.DeltaError)  # deltalake's bug
    assert ours.rows == [{"id": 1, "v": 1, "g": 2}, {"id": 2, "v": 20, "g": 40},
                         {"id": 3, "v": 3, "g": 6}, {"id": 9, "v": 90, "g": 180}]
    ours, theirs = run_on_copies(tmp_path / "update", tmp_path / "made",
                                 lambda dt: dt.update({"v": "v + 100"}, predicate="id = 1"))
    assert isinstance(theirs.error, deltalake.exceptions.DeltaError)  # deltalake's bug
    assert {"id": 1, "v": 101, "g": 202} in ours.rows
    # A value given for a generated column must be the one its expression gives.
    wrong = pa.table({"id": [2], "v": [20], "g": [1]})
    ours, theirs = run_on_copies(tmp_path / "wrong", tmp_path / "made", upsert(wrong))
    assert theirs.error is not None
    assert isinstance(ours.error, DeltaError) and "generated column g" in str(ours.error)


# --- UPDATE


def partitioned_rows():
    return pa.table({"id": [1, 2, 3, 4, 5, 6], "part": ["a", "a", "b", "b", None, "c"],
                     "v": [1, 2, 3, 4, 5, 6]})


@pytest.mark.parametrize("partition_by", [None, ["part"]])
@pytest.mark.parametrize("updates, predicate", [
    ({"v": "v * 10"}, "part = 'b'"),          # the partition column only
    ({"part": "'z'"}, "v > 3"),               # rows move to another partition
    ({"part": "NULL"}, "part = 'a'"),         # ... to the null partition
    ({"v": "0"}, "part IS NULL"),
    ({"v": "v + 1", "part": "upper(part)"}, None),  # every row
])
def test_update_of_partitioned_tables(tmp_path, partition_by, updates, predicate):
    ours, theirs = run_both(tmp_path, partitioned_rows(),
                            lambda dt: dt.update(updates, predicate=predicate),
                            partition_by=partition_by, configuration=CDF)
    assert_same(ours, theirs, UPDATE_METRICS)
    assert feed(ours.path) == feed(theirs.path)


def test_update_errors_name_the_update(tmp_path):
    deltacpp.write_deltalake(tmp_path, pa.table({"id": [1, 2], "v": pa.array([1, 2], pa.int32()),
                                                 "s": ["a", "b"]}))
    dt = deltacpp.DeltaTable(tmp_path)
    for updates in ({"v": "'x'"}, {"v": "2147483647 + v"}, {"v": "1 / 0"}):
        with pytest.raises(DeltaError, match="^UPDATE clause: the value of v") as raised:
            dt.update(updates)
        assert "NOT MATCHED" not in str(raised.value)
    assert dt.version() == 0


# --- Change data feed


@pytest.mark.parametrize("partition_by", [None, ["part"]])
@pytest.mark.parametrize("operation", [
    lambda dt: dt.delete("part = 'b'"),       # whole files (partitions)
    lambda dt: dt.delete("id = 3"),
    lambda dt: dt.delete(),
    lambda dt: dt.merge(pa.table({"id": [1, 3, 5, 9], "part": ["a", "b", "c", "c"],
                                  "v": [10, 30, 50, 90]}), "t.id = s.id", source_alias="s",
                        target_alias="t").when_matched_delete().execute(),
    lambda dt: dt.merge(pa.table({"id": [1, 3, 9], "part": ["a", "b", "c"], "v": [10, 30, 90]}),
                        "t.id = s.id", source_alias="s", target_alias="t")
    .when_matched_update({"part": "'zz'"}).when_not_matched_insert_all()
    .when_not_matched_by_source_delete("t.part = 'c'").execute(),
    lambda dt: dt.merge(pa.table({"id": [9], "part": ["new"], "v": [90]}), "t.id = s.id",
                        source_alias="s", target_alias="t").when_not_matched_insert_all()
    .execute(),
])
def test_change_data_feed_matches_deltalakes(tmp_path, partition_by, operation):
    ours, theirs = run_both(tmp_path, partitioned_rows().drop_null(), operation,
                            partition_by=partition_by, configuration=CDF)
    assert ours.error is None and theirs.error is None
    assert ours.rows == theirs.rows
    assert feed(ours.path) == feed(theirs.path)


def test_change_data_feed_of_a_delete_of_files_with_deletion_vectors(tmp_path):
    table = TESTDATA / "cdf-table-with-cdc-and-dvs"
    version = deltalake.DeltaTable(table).version()
    ours, theirs = run_on_copies(tmp_path, table, lambda dt: dt.delete("id >= 5"))
    assert ours.rows == theirs.rows
    assert feed(ours.path, version + 1) == feed(theirs.path, version + 1)


def test_infinite_values_leave_a_table_deltalake_reads(tmp_path):
    target = pa.table({"id": [1, 2], "f": pa.array([1.0, 2.0], pa.float32())})
    source = pa.table({"id": [2], "f": [1e300]})  # inf as a float, as deltalake writes it
    ours, theirs = run_both(tmp_path, target, upsert(source))
    assert_same(ours, theirs)
