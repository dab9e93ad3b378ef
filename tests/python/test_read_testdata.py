"""deltacpp's DeltaTable reads every shared test table as deltalake 1.6.6 does.

What the tests prove:

- test_table_matches_deltalake (one test per table in the testdata folder, every
  version): ``deltacpp.DeltaTable(t, version=v)`` gives the same rows as deltalake
  (order-insensitive, same column types after test_read_interop's normalisation), the same
  ``version()``, ``schema().to_json()`` (as parsed JSON), ``metadata()`` fields,
  ``protocol()``, ``file_uris()`` and ``partitions()`` (as sets), ``history()`` (versions,
  operations, timestamps) and ``get_add_actions(flatten=True)`` (paths, sizes, record
  counts, modification times, partition values, and every min/max/null count deltalake
  gives). deltalake's rows come from its DataFusion path (QueryBuilder), because its
  ``to_pyarrow_table`` returns all-null columns for column-mapped tables and refuses
  deletion vectors. Where deltalake is known to return wrong rows (DELTALAKE_WRONG) the
  expected rows are the live Parquet files' own content. Where deltalake cannot read a
  version at all, deltacpp must read it without error or refuse it as unsupported; where
  both refuse, nothing is compared. deltacpp refusing a feature it does not implement yet
  (UNSUPPORTED_MARKERS in its message) is accepted. Differences known to be deltacpp's bugs
  are listed in KNOWN_BUGS (the table's test then xfails, and fails once the bug is gone,
  so that the entry is removed).
- Filters: DNF tuples (AND list, OR list of lists, in / not in, the null partition as
  ``("p", "=", None)``), predicate strings and pyarrow expressions in ``to_pyarrow_table``
  and ``to_pandas`` select the rows deltalake selects; ``columns=`` keeps order and
  duplicates.
- Time travel: ``load_as_version`` with an int, ISO 8601 strings (``Z``, offsets, a space
  separator) and naive (UTC) and aware datetimes loads the version deltalake loads, before,
  at and after commits. Both readers take a commit's time from its file's modification
  time (or its in-commit timestamp), and the shared tables' files all carry the time they
  were copied, so these tests copy the tables and set each commit file's time to its
  commitInfo time.
- ``is_deltatable``, and the exception classes for a missing table and a missing version.
- ``load_cdf`` gives deltalake's change rows (on those copies), for version and timestamp
  ranges, ``predicate=``, ``columns=`` (exactly those, in that order) and
  ``allow_out_of_range=True``. Tolerated differences: ``_commit_version`` is int64 and
  ``_commit_timestamp`` timestamp[us, UTC] (deltalake: uint64, timestamp[ms]), and the
  columns keep the table's order (deltalake moves partition columns last). deltalake
  takes ``_commit_timestamp`` from commitInfo.timestamp, deltacpp from the commit file's
  time, so they agree only on the copies (for time travel both use the file time).
"""
import datetime
import decimal
import functools
import importlib.util
import json
import math
import os
import pathlib
import shutil
import urllib.parse

import deltalake
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from deltalake import QueryBuilder

import deltacpp
from deltacpp.exceptions import DeltaError, TableNotFoundError

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
TESTDATA = pathlib.Path(os.environ.get("DELTACPP_TESTDATA_DIR", REPO.parent / "shared/testdata"))


def _load_interop_helpers():
    """tests/interop/test_read_interop.py, imported by path (tests/ is no package)."""
    path = REPO / "tests/interop/test_read_interop.py"
    spec = importlib.util.spec_from_file_location("_read_interop_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_interop = _load_interop_helpers()
find_tables = _interop.find_tables
versions_of = _interop.versions_of
normalize = _interop.normalize
compare_rows = _interop.compare
read_files_directly = _interop.read_files_directly
SKIPPED = _interop.SKIPPED
DELTALAKE_WRONG = _interop.DELTALAKE_WRONG
UNSUPPORTED_MARKERS = _interop.UNSUPPORTED_MARKERS

# Differences that are deltacpp's bugs: (aspect, text in the difference, what is wrong,
# the tables it is known on, or None for any table). Aspects: open, rows, version, schema,
# metadata, protocol, file_uris, partitions, history, add_actions. A table showing only
# known differences xfails; a table named here that no longer shows its difference fails,
# so that the entry is removed.
KNOWN_BUGS: list[tuple[str, str, str, tuple[str, ...] | None]] = []

TABLES = ([str(t.relative_to(TESTDATA)) for t in find_tables(TESTDATA)]
          if TESTDATA.is_dir() else [])


def table_path(testdata: pathlib.Path, name: str) -> str:
    return str(testdata / name)


def _call(function):
    try:
        return function(), None
    except Exception as error:  # both libraries raise many exception types
        return None, error


def _unsupported(error: BaseException | None) -> bool:
    return error is not None and any(m in str(error) for m in UNSUPPORTED_MARKERS)


def _brief(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:200]}"


# --- What each aspect compares; each returns None when equal, else what differs.

def _same(ours, theirs):
    return None if ours == theirs else f"{ours!r} != deltalake's {theirs!r}"


def _same_schema(ours, theirs):
    return _same(json.loads(ours.to_json()), json.loads(theirs.to_json()))


def _metadata_values(metadata):
    return {"id": metadata.id, "name": metadata.name, "description": metadata.description,
            "partition_columns": list(metadata.partition_columns),
            "created_time": metadata.created_time,
            "configuration": dict(metadata.configuration)}


def _same_metadata(ours, theirs):
    return _same(_metadata_values(ours), _metadata_values(theirs))


def _protocol_values(protocol):
    def features(values):
        return None if values is None else sorted(values)

    return (protocol.min_reader_version, protocol.min_writer_version,
            features(protocol.writer_features), features(protocol.reader_features))


def _same_protocol(ours, theirs):
    return _same(_protocol_values(ours), _protocol_values(theirs))


def _same_set(ours, theirs):
    ours, theirs = set(ours), set(theirs)
    if ours == theirs:
        return None
    return (f"only deltacpp: {sorted(ours - theirs)[:5]}; "
            f"only deltalake: {sorted(theirs - ours)[:5]}")


def _same_partitions(ours, theirs):
    def as_set(partitions):
        return {frozenset(p.items()) for p in partitions}

    return _same_set(as_set(ours), as_set(theirs))


def _same_history(ours, theirs):
    if ours == theirs:
        return None
    versions = [h.get("version") for h in ours], [h.get("version") for h in theirs]
    if versions[0] != versions[1]:
        return f"versions {versions[0]} != deltalake's {versions[1]}"
    for mine, their in zip(ours, theirs):
        if mine != their:
            keys = sorted(k for k in set(mine) | set(their) if mine.get(k) != their.get(k))
            return (f"version {mine.get('version')}: " + ", ".join(
                f"{k}: {mine.get(k)!r} != deltalake's {their.get(k)!r}" for k in keys))
    return None


def _equal_values(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _logical_names(schema_json: str) -> dict[str, str]:
    """Dotted physical column path -> dotted logical path, for column-mapped tables."""
    names = {}

    def walk(fields, physical_prefix, logical_prefix):
        for field in fields:
            physical = field.get("metadata", {}).get("delta.columnMapping.physicalName",
                                                     field["name"])
            physical, logical = physical_prefix + physical, logical_prefix + field["name"]
            names[physical] = logical
            if isinstance(field["type"], dict) and field["type"].get("type") == "struct":
                walk(field["type"]["fields"], physical + ".", logical + ".")

    walk(json.loads(schema_json)["fields"], "", "")
    return names


def _logical_stats_columns(theirs: pa.Table, schema_json: str) -> pa.Table:
    """deltalake names the min/max/null_count columns of a column-mapped table by the
    physical names (``min.col-5f1e...``); deltacpp by the logical ones, like the partition
    columns. Rename deltalake's to compare."""
    names = _logical_names(schema_json)
    renamed = []
    for column in theirs.column_names:
        prefix, _, rest = column.partition(".")
        if prefix in ("min", "max", "null_count") and rest in names:
            column = f"{prefix}.{names[rest]}"
        renamed.append(column)
    return theirs.rename_columns(renamed)


def _same_add_actions(ours: pa.Table, theirs: pa.Table) -> list[str]:
    problems = []
    our_paths = ours.column("path").to_pylist()
    their_paths = theirs.column("path").to_pylist()
    if len(our_paths) != len(set(our_paths)):
        return ["deltacpp lists a path twice"]
    if set(our_paths) != set(their_paths):
        decoded = [urllib.parse.unquote(p) for p in their_paths]
        if set(our_paths) != set(decoded):
            return [f"paths differ: {_same_set(our_paths, their_paths)}"]
        example = next(p for p in their_paths if urllib.parse.unquote(p) != p)
        problems.append(f"path is percent-decoded ({urllib.parse.unquote(example)!r}); "
                        f"deltalake gives the log's text ({example!r})")
        their_paths = decoded
    our_rows = dict(zip(our_paths, ours.to_pylist()))
    checked = [c for c in theirs.column_names
               if c in ("size_bytes", "num_records", "modification_time")
               or c.startswith(("min.", "max.", "null_count.", "partition."))]
    for column in checked:
        their_type = theirs.schema.field(column).type
        if column not in ours.column_names:
            if theirs.column(column).null_count < theirs.num_rows:
                problems.append(f"no column {column!r} (deltalake: {their_type})")
            continue
        our_type = ours.schema.field(column).type
        for path, value in zip(their_paths, theirs.column(column).to_pylist()):
            if value is None:
                continue  # deltalake gives no value: nothing to check
            mine = our_rows[path][column]
            if not _equal_values(mine, value):
                problems.append(f"{column} of {path}: {mine!r} ({our_type}) != deltalake's "
                                f"{value!r} ({their_type})")
                break
    return problems


def _same_rows(ours: pa.Table, theirs: pa.Table) -> str | None:
    if ours.column_names != theirs.column_names:
        return f"columns {ours.column_names} != deltalake's {theirs.column_names}"
    return compare_rows(ours, theirs)


def _deltalake_rows(table) -> pa.Table:
    # deltalake's DataFusion path applies column mapping and deletion vectors; its
    # to_pyarrow_table does neither.
    return pa.table(QueryBuilder().register("t", table).execute("SELECT * FROM t"))


def _deltalake_add_actions(table) -> pa.Table:
    actions = pa.table(table.get_add_actions(flatten=True))
    return _logical_stats_columns(actions, table.schema().to_json())


class _Report:
    """Differences found in one table, split into unexpected ones and known bugs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.bugs = [b for b in KNOWN_BUGS if b[3] is None or name in b[3]]
        self.problems: list[str] = []
        self.bugs_seen: dict[int, str] = {}
        self.unsupported: list[str] = []
        self.compared = 0

    def add(self, aspect: str, version, text: str) -> None:
        line = f"{self.name}@{version} {aspect}: {text}"
        for index, (bug_aspect, pattern, _, _) in enumerate(self.bugs):
            if aspect == bug_aspect and pattern in text:
                self.bugs_seen.setdefault(index, line)
                return
        self.problems.append(line)

    def check(self, aspect: str, version, ours_fn, theirs_fn, same) -> None:
        ours, our_error = _call(ours_fn)
        theirs, their_error = _call(theirs_fn)
        if _unsupported(our_error):
            self.unsupported.append(f"{aspect}@{version}: {_brief(our_error)}")
        elif our_error and their_error:
            pass  # both refuse
        elif our_error:
            self.add(aspect, version, f"deltacpp raised {_brief(our_error)}; deltalake "
                     "did not")
        elif their_error:
            pass  # deltalake refuses what deltacpp reads
        else:
            self.compared += 1
            problems = same(ours, theirs)
            for problem in [problems] if isinstance(problems, str) else problems or []:
                self.add(aspect, version, problem)

    def finish(self) -> None:
        if self.problems:
            pytest.fail("\n".join(self.problems), pytrace=False)
        if self.bugs_seen:
            pytest.xfail("; ".join(f"{self.bugs[i][2]} (e.g. {line})"
                                   for i, line in self.bugs_seen.items()))
        stale = [b[2] for i, b in enumerate(self.bugs)
                 if b[3] is not None and i not in self.bugs_seen]
        if stale:
            pytest.fail(f"KNOWN_BUGS entries no longer seen on {self.name} (remove them): "
                        f"{stale}", pytrace=False)
        if not self.compared and self.unsupported:
            pytest.skip("deltacpp does not support this table yet: " + self.unsupported[0])


def _check_version(report: _Report, name: str, path: str, version, history) -> None:
    ours, our_error = _call(lambda: deltacpp.DeltaTable(path, version=version))
    theirs, their_error = _call(lambda: deltalake.DeltaTable(path, version=version))
    if _unsupported(our_error):
        report.unsupported.append(f"open@{version}: {_brief(our_error)}")
        return
    if our_error and their_error:
        return  # both refuse (broken tables, cleaned-up versions)
    if our_error:
        report.add("open", version, f"deltacpp raised {_brief(our_error)}; deltalake opens it")
        return
    if their_error:
        # deltalake cannot open it: deltacpp must at least read the rows (or refuse them
        # as unsupported).
        _, error = _call(ours.to_pyarrow_table)
        if _unsupported(error):
            report.unsupported.append(f"rows@{version}: {_brief(error)}")
        elif error is not None:
            report.add("rows", version, f"deltacpp raised {_brief(error)} (deltalake cannot "
                       f"open it either: {_brief(their_error)})")
        else:
            report.compared += 1
        return
    if name in DELTALAKE_WRONG:
        report.check("rows", version, ours.to_pyarrow_table,
                     lambda: read_files_directly(path, version, ours.to_pyarrow_table()),
                     _same_rows)
    else:
        report.check("rows", version, ours.to_pyarrow_table, lambda: _deltalake_rows(theirs),
                     _same_rows)
    report.check("version", version, ours.version, theirs.version, _same)
    report.check("schema", version, ours.schema, theirs.schema, _same_schema)
    report.check("metadata", version, ours.metadata, theirs.metadata, _same_metadata)
    report.check("protocol", version, ours.protocol, theirs.protocol, _same_protocol)
    report.check("file_uris", version, ours.file_uris, theirs.file_uris, _same_set)
    report.check("partitions", version, ours.partitions, theirs.partitions,
                 _same_partitions)
    # deltalake's history of an older version lists the same commits as the newest's (all
    # of them, newer ones too) but numbers them down from the version loaded (version 0
    # loaded: 0, -1, -2, ...), so every version's history is compared with deltalake's
    # history of the newest.
    report.check("history", version, ours.history, history, _same_history)
    report.check("add_actions", version, lambda: ours.get_add_actions(flatten=True),
                 lambda: _deltalake_add_actions(theirs), _same_add_actions)


@pytest.mark.parametrize("name", TABLES)
def test_table_matches_deltalake(testdata, name):
    if name in SKIPPED:
        pytest.skip(SKIPPED[name])
    path = table_path(testdata, name)
    report = _Report(name)
    newest_history = functools.cache(lambda: deltalake.DeltaTable(path).history())
    for version in versions_of(pathlib.Path(path)):
        _check_version(report, name, path, version, newest_history)
    report.finish()


# --- Filters and columns


def _rows(table: pa.Table) -> list:
    return _interop.sorted_rows(normalize(table))


# (table, filters): DNF tuples as deltalake takes them; deltalake's to_pyarrow_table applies
# them with pyarrow (filters_to_expression), deltacpp turns them into its predicate text.
FILTER_CASES = [
    ("delta-rs/delta-0.8.0-partitioned", [("year", "=", "2021")]),
    ("delta-rs/delta-0.8.0-partitioned", [("year", "=", "2021"), ("month", "=", "12")]),
    ("delta-rs/delta-0.8.0-partitioned",
     [[("year", "=", "2021"), ("month", "=", "12")], [("day", "=", "1")]]),
    ("delta-rs/delta-0.8.0-partitioned", [("month", "in", ["1", "4"])]),
    ("delta-rs/delta-0.8.0-partitioned", [("month", "not in", ["1", "4"])]),
    ("delta-rs/delta-0.8.0-partitioned", [("year", "!=", "2021"), ("value", ">", "2")]),
    ("delta-rs/delta-0.8.0-partitioned", [("year", ">=", "2021")]),
    ("delta-rs/delta-0.8.0-partitioned", [("day", "<", "20"), ("day", "<=", "4")]),
    ("delta-rs/delta-0.8.0-null-partition", [("k", "=", "A")]),
    ("delta-rs/delta-0.8.0-numeric-partition", [("x", "=", 10)]),
    ("delta-rs/delta-0.8.0-numeric-partition", [("y", "<", 10.0)]),
    ("delta-rs/delta-0.8.0-special-partition", [("x", "in", ["B B", "A/A"])]),
    ("delta-rs/delta-2.2.0-partitioned-types", [("c1", ">", 4)]),
    ("delta-rs/delta-2.2.0-partitioned-types", [("c1", "in", [4, 6])]),
    ("delta-rs/delta-2.2.0-partitioned-types",
     [[("c1", "=", 4)], [("c3", "<", 6), ("c2", "!=", "b")]]),
    ("delta-rs/partition-type-primitives", [("year", "=", "2021.0"), ("is_active", "=", "true")]),
    ("delta-rs/partition-type-primitives",
     [[("category", "=", "A")], [("event_date", ">", "2023-01-01")]]),
    ("delta-rs/delta-0.8.0-date", [("date", ">=", datetime.date(2021, 1, 2))]),
    ("golden/data-reader-partition-values", [("as_date", "=", datetime.date(2021, 9, 8))]),
    ("golden/data-reader-partition-values", [("as_boolean", "=", True)]),
    ("golden/data-reader-partition-values", [("as_int", "in", [0, 1]), ("as_double", ">", 0.5)]),
    ("golden/data-reader-partition-values", [("as_big_decimal", "=", decimal.Decimal(1))]),
    ("golden/data-reader-partition-values",
     [("as_timestamp", "=", datetime.datetime(2021, 9, 8, 11, 11, 11,
                                              tzinfo=datetime.timezone.utc))]),
    ("golden/data-skipping-partition-and-data-column", [("part", "=", 1), ("id", ">", 1)]),
    ("golden/hive/deltatbl-special-chars-in-partition-column", [("c2", "=", "+ =%0")]),
]


@pytest.mark.parametrize("name, filters", FILTER_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(FILTER_CASES)])
def test_dnf_filters_match_deltalake(testdata, name, filters):
    path = table_path(testdata, name)
    ours = deltacpp.DeltaTable(path).to_pyarrow_table(filters=filters)
    theirs = deltalake.DeltaTable(path).to_pyarrow_table(filters=filters)
    assert _rows(ours) == _rows(theirs)
    assert ours.num_rows > 0 or theirs.num_rows == 0


# (table, predicate string): deltacpp's filters= text, against the same WHERE clause run by
# deltalake's DataFusion (deltalake's own to_pyarrow_table takes no strings).
PREDICATE_CASES = [
    ("delta-rs/delta-0.8.0-partitioned", "year = '2021' AND value > '5'"),
    ("delta-rs/delta-0.8.0-partitioned", "month IN ('1', '12') OR day = '1'"),
    ("delta-rs/delta-0.8.0-partitioned", "NOT (year = '2020')"),
    ("delta-rs/delta-0.8.0-null-partition", "k IS NULL"),
    ("delta-rs/delta-0.8.0-null-partition", "k IS NOT NULL"),
    ("delta-rs/delta-2.2.0-partitioned-types", "c1 > 4 AND c3 < 7"),
    ("delta-rs/simple_table", "id BETWEEN 5 AND 9"),
    ("golden/data-reader-primitives", "as_int < 3 OR as_string = '7'"),
]


@pytest.mark.parametrize("name, predicate", PREDICATE_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(PREDICATE_CASES)])
def test_predicate_strings_match_deltalake(testdata, name, predicate):
    path = table_path(testdata, name)
    ours = deltacpp.DeltaTable(path).to_pyarrow_table(filters=predicate)
    theirs = pa.table(QueryBuilder().register("t", deltalake.DeltaTable(path))
                      .execute(f"SELECT * FROM t WHERE {predicate}"))
    assert _rows(ours) == _rows(theirs)


def test_arrow_expression_filters_match_deltalake(testdata):
    path = table_path(testdata, "delta-rs/delta-0.8.0-partitioned")
    expression = (pc.field("year") == "2021") | (pc.field("value") < "3")
    ours = deltacpp.DeltaTable(path).to_pyarrow_table(filters=expression,
                                                      columns=["value", "year"])
    theirs = deltalake.DeltaTable(path).to_pyarrow_table(filters=expression,
                                                         columns=["value", "year"])
    assert ours.column_names == theirs.column_names == ["value", "year"]
    assert _rows(ours) == _rows(theirs)


def test_null_partition_filters(testdata):
    """deltacpp names the null partition ("k", "=", None) in every filter; deltalake's
    to_pyarrow_table compares with null there (no rows: say it with an expression
    instead), and its partition_filters take "" for null and refuse None."""
    path = table_path(testdata, "delta-rs/delta-0.8.0-null-partition")
    ours, theirs = deltacpp.DeltaTable(path), deltalake.DeltaTable(path)
    for op, expression in (("=", pc.field("k").is_null()), ("!=", pc.field("k").is_valid())):
        assert (_rows(ours.to_pyarrow_table(filters=[("k", op, None)]))
                == _rows(theirs.to_pyarrow_table(filters=expression)))
    assert _rows(ours.to_pyarrow_table(filters=[("k", "=", None)])) == [{"k": None, "v": 2}]
    for null in (None, ""):
        assert (ours.file_uris(file_pruning_predicate=[("k", "=", null)])
                == theirs.file_uris(file_pruning_predicate=[("k", "=", "")]))
        assert (ours.partitions(file_pruning_predicate=[("k", "=", null)])
                == theirs.partitions(file_pruning_predicate=[("k", "=", "")]) == [{"k": None}])
    assert (_rows(ours.to_pyarrow_table(filters=[("k", "in", ["A", None])]))
            == _rows(ours.to_pyarrow_table()))


def test_not_in_filter_keeps_null_rows_like_deltalake(testdata):
    path = table_path(testdata, "delta-rs/delta-0.8.0-null-partition")
    filters = [("k", "not in", ["A"])]
    theirs = deltalake.DeltaTable(path).to_pyarrow_table(filters=filters)
    assert _rows(theirs) == [{"k": None, "v": 2}]
    assert _rows(deltacpp.DeltaTable(path).to_pyarrow_table(filters=filters)) == _rows(theirs)


@pytest.mark.parametrize("pruning", [
    [("year", "=", "2021")],
    [("month", "in", ["1", "12"])],
    [("year", "=", "2020"), ("day", "!=", "1")],
    [[("year", "=", "2020"), ("day", "=", "1")], [("month", "=", "4")]],
    "year = '2021'",
    "value > '5'",
])
def test_file_pruning_matches_deltalake(testdata, pruning):
    path = table_path(testdata, "delta-rs/delta-0.8.0-partitioned")
    ours, theirs = deltacpp.DeltaTable(path), deltalake.DeltaTable(path)
    assert (sorted(ours.file_uris(file_pruning_predicate=pruning))
            == sorted(theirs.file_uris(file_pruning_predicate=pruning)))
    assert (_same_partitions(ours.partitions(file_pruning_predicate=pruning),
                             theirs.partitions(file_pruning_predicate=pruning)) is None)


def test_deprecated_partition_filters_warn_and_match(testdata):
    path = table_path(testdata, "delta-rs/delta-0.8.0-partitioned")
    filters = [("year", "=", "2021")]
    ours, theirs = deltacpp.DeltaTable(path), deltalake.DeltaTable(path)
    with pytest.warns(DeprecationWarning):
        their_uris = theirs.file_uris(filters)
    with pytest.warns(DeprecationWarning):
        their_partitions = theirs.partitions(filters)
    with pytest.warns(DeprecationWarning):
        assert sorted(ours.file_uris(filters)) == sorted(their_uris)
    with pytest.warns(DeprecationWarning):
        assert _same_partitions(ours.partitions(filters), their_partitions) is None


def test_deprecated_partitions_argument(testdata):
    path = table_path(testdata, "delta-rs/delta-0.8.0-partitioned")
    with pytest.warns(DeprecationWarning):
        theirs = deltalake.DeltaTable(path).to_pyarrow_table(partitions=[("year", "=", "2020")])
    with pytest.warns(DeprecationWarning):
        ours = deltacpp.DeltaTable(path).to_pyarrow_table(partitions=[("year", "=", "2020")])
    assert _rows(ours) == _rows(theirs)


@pytest.mark.parametrize("columns, filters", [
    (["day", "value", "day"], None),
    (["value"], [("year", "=", "2020")]),
    (["month", "year"], [[("day", "=", "1")], [("day", "=", "20")]]),
    ([], None),
])
def test_columns_keep_order_and_duplicates(testdata, columns, filters):
    path = table_path(testdata, "delta-rs/delta-0.8.0-partitioned")
    ours = deltacpp.DeltaTable(path).to_pyarrow_table(columns=columns, filters=filters)
    theirs = deltalake.DeltaTable(path).to_pyarrow_table(columns=columns, filters=filters)
    assert ours.column_names == theirs.column_names == columns
    assert ours.num_rows == theirs.num_rows
    if columns:
        assert _rows(ours.rename_columns([f"c{i}" for i in range(len(columns))])) == _rows(
            theirs.rename_columns([f"c{i}" for i in range(len(columns))]))


@pytest.mark.parametrize("name, kwargs", [
    ("delta-rs/delta-0.8.0-partitioned", {"columns": ["value", "year"],
                                          "filters": [("year", "=", "2021")]}),
    ("delta-rs/delta-0.8.0-null-partition", {"filters": [("k", "=", "A")]}),
    ("delta-rs/delta-2.2.0-partitioned-types",
     {"columns": ["c3", "c1"], "filters": [[("c1", "=", 4)], [("c3", "<", 6)]]}),
    ("golden/data-reader-primitives", {}),
    ("golden/data-reader-partition-values",
     {"columns": ["as_date", "as_timestamp", "as_big_decimal", "value"]}),
])
def test_to_pandas_matches_deltalake(testdata, name, kwargs):
    import pandas as pd

    path = table_path(testdata, name)
    ours = deltacpp.DeltaTable(path).to_pandas(**kwargs)
    theirs = deltalake.DeltaTable(path).to_pandas(**kwargs)
    assert list(ours.columns) == list(theirs.columns)
    assert ours.dtypes.to_dict() == theirs.dtypes.to_dict()
    key = list(theirs.columns)
    ours = ours.sort_values(key, na_position="first", ignore_index=True)
    theirs = theirs.sort_values(key, na_position="first", ignore_index=True)
    pd.testing.assert_frame_equal(ours, theirs)


def test_to_pandas_types_mapper(testdata):
    import pandas as pd

    path = table_path(testdata, "delta-rs/delta-2.2.0-partitioned-types")
    ours = deltacpp.DeltaTable(path).to_pandas(types_mapper=pd.ArrowDtype)
    theirs = deltalake.DeltaTable(path).to_pandas(types_mapper=pd.ArrowDtype)
    assert ours.dtypes.to_dict() == theirs.dtypes.to_dict()


# --- Time travel by version and by time


def _copy_with_commit_times(source: pathlib.Path, target: pathlib.Path) -> list[int]:
    """Copies a table and sets each commit file's modification time to its commit's time
    (inCommitTimestamp, else commitInfo.timestamp), so that readers that use either agree;
    the shared copies' files all have the time they were copied. Returns the times (ms) by
    version."""
    shutil.copytree(source, target)
    times = []
    for commit in sorted((target / "_delta_log").glob("*.json")):
        for line in commit.read_text().splitlines():
            info = json.loads(line).get("commitInfo") if line.strip() else None
            if info:
                ms = info.get("inCommitTimestamp", info["timestamp"])
                os.utime(commit, ns=(ms * 1_000_000, ms * 1_000_000))
                times.append(ms)
    return times


def _utc(ms: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)


@pytest.fixture(scope="module")
def timed_tables(testdata, tmp_path_factory):
    """simple_table and cdf tables copied, with commit file times = commit times."""
    root = tmp_path_factory.mktemp("timed")
    tables = {}
    for name in ("delta-rs/simple_table", "delta-rs/cdf-table",
                 "delta-rs/cdf-table-non-partitioned", "delta-rs/simple_table_with_cdc",
                 "delta-rs/cdf-table-with-cdc-and-dvs", "delta-rs/cdc_ict_table",
                 "delta-rs/checkpoint-cdf-table"):
        target = root / name.replace("/", "_")
        tables[name] = (str(target), _copy_with_commit_times(testdata / name, target))
    return tables


def _time_travel_targets(times: list[int]) -> list:
    first, second, last = times[0], times[1], times[-1]
    return [
        0, 1, len(times) - 1,
        _utc(second).isoformat(),                                   # exactly a commit
        _utc(second + 1).isoformat().replace("+00:00", "Z"),        # just after
        _utc(second - 1).isoformat(sep=" "),                        # just before
        _utc(second).astimezone(
            datetime.timezone(datetime.timedelta(hours=-7))).isoformat(),
        _utc(second).replace(tzinfo=None),                          # naive: UTC
        _utc(second + 500).astimezone(datetime.timezone(datetime.timedelta(hours=5, minutes=30))),
        _utc(first - 86_400_000),                                   # before the first
        _utc(last + 86_400_000).isoformat(),                        # after the last
    ]


@pytest.mark.parametrize("name", ["delta-rs/simple_table", "delta-rs/cdf-table",
                                  "delta-rs/cdf-table-with-cdc-and-dvs"])
def test_load_as_version_matches_deltalake(timed_tables, name):
    path, times = timed_tables[name]
    ours, theirs = deltacpp.DeltaTable(path), deltalake.DeltaTable(path)
    for target in _time_travel_targets(times):
        theirs.load_as_version(target)
        ours.load_as_version(target)
        assert ours.version() == theirs.version(), f"load_as_version({target!r})"
        assert _rows(ours.to_pyarrow_table()) == _rows(_deltalake_rows(theirs)), target


def test_load_as_version_of_shared_tables(testdata):
    path = table_path(testdata, "delta-rs/simple_table")
    ours, theirs = deltacpp.DeltaTable(path, version=1), deltalake.DeltaTable(path, version=1)
    assert ours.version() == 1
    for version in (3, 0, 4):
        ours.load_as_version(version)
        theirs.load_as_version(version)
        assert ours.version() == version
        assert _rows(ours.to_pyarrow_table()) == _rows(theirs.to_pyarrow_table())
    ours.load_as_version(2)
    ours.update_incremental()
    assert ours.version() == 4


# --- Tables that are not there


def test_is_deltatable(testdata, tmp_path):
    (tmp_path / "empty_log" / "_delta_log").mkdir(parents=True)
    (tmp_path / "plain").mkdir()
    places = [table_path(testdata, "delta-rs/simple_table"),
              testdata / "delta-rs/simple_table",
              table_path(testdata, "delta-rs/table-with-domain-metadata"),  # checkpoint only
              str(tmp_path / "empty_log"), str(tmp_path / "plain"),
              str(tmp_path / "missing"), str(testdata / "delta-rs")]
    ours = [deltacpp.DeltaTable.is_deltatable(p) for p in places]
    assert ours == [deltalake.DeltaTable.is_deltatable(p) for p in places]
    assert ours == [True, True, True, False, False, False, False]


def test_missing_table_and_version_errors(testdata, tmp_path):
    (tmp_path / "empty_log" / "_delta_log").mkdir(parents=True)
    for place in (tmp_path / "missing", tmp_path, tmp_path / "empty_log"):
        with pytest.raises(TableNotFoundError):
            deltacpp.DeltaTable(place)
        with pytest.raises(deltalake.exceptions.TableNotFoundError):
            deltalake.DeltaTable(place)
    path = table_path(testdata, "delta-rs/simple_table")
    with pytest.raises(DeltaError) as error:
        deltacpp.DeltaTable(path, version=99)
    assert not isinstance(error.value, TableNotFoundError)
    with pytest.raises(deltalake.exceptions.DeltaError):
        deltalake.DeltaTable(path, version=99)
    table = deltacpp.DeltaTable(path, version=1)
    with pytest.raises(DeltaError):
        table.load_as_version(99)
    assert table.version() == 1  # a failed load keeps the version loaded


# --- Change data feed


def _changes(reader) -> pa.Table:
    """A CDF result with deltalake's types made ours: deltalake gives _commit_version as
    uint64 and _commit_timestamp as timestamp[ms] (UTC, no zone); deltacpp gives Delta
    Spark's long and timestamp (int64, timestamp[us, UTC])."""
    table = pa.table(reader)
    columns = []
    for field, column in zip(table.schema, table.columns):
        if field.name == "_commit_version":
            column = column.cast(pa.int64())
        elif field.name == "_commit_timestamp" and field.type.tz is None:
            column = column.cast(pa.timestamp("us")).cast(pa.timestamp("us", "UTC"))
        columns.append(column)
    return normalize(pa.Table.from_arrays(columns, names=table.column_names))


CDF_TYPES = {"_change_type": pa.string(), "_commit_version": pa.int64(),
             "_commit_timestamp": pa.timestamp("us", "UTC")}


def _cdf_cases(times: list[int], by_time: bool) -> list[dict]:
    by_version = [
        {},
        {"starting_version": 1},
        {"starting_version": 1, "ending_version": 2},
        {"ending_version": 1},
        {"starting_version": len(times) + 5, "allow_out_of_range": True},
        {"starting_version": 0, "ending_version": len(times) + 5, "allow_out_of_range": True},
    ]
    return by_version + ([] if not by_time else [
        {"starting_timestamp": _utc(times[1]).isoformat()},
        {"starting_timestamp": _utc(times[1] + 1).isoformat()},
        {"ending_timestamp": _utc(times[1]).isoformat()},
        {"starting_timestamp": _utc(times[0]).isoformat(),
         "ending_timestamp": _utc(times[-1] - 1).isoformat()},
        {"starting_timestamp": _utc(times[-1] + 1000).isoformat(), "allow_out_of_range": True},
    ])


# Table -> a predicate to filter its changes by, and whether to compare time ranges:
# cdc_ict_table's version 1 has an in-commit timestamp a year before version 0's, so which
# versions a time range holds is not defined there.
CDF_TABLES = {
    "delta-rs/cdf-table": ("id > 3", True),
    "delta-rs/cdf-table-non-partitioned": ("id > 3 AND boolean_field", True),
    "delta-rs/simple_table_with_cdc": ("name = 'Mino'", True),
    "delta-rs/cdf-table-with-cdc-and-dvs": ("id > 3", True),
    "delta-rs/cdc_ict_table": ("age >= 30", False),
}


@pytest.mark.parametrize("name", sorted(CDF_TABLES))
def test_load_cdf_matches_deltalake(timed_tables, name):
    path, times = timed_tables[name]
    ours_table, theirs_table = deltacpp.DeltaTable(path), deltalake.DeltaTable(path)
    predicate, by_time = CDF_TABLES[name]
    cases = _cdf_cases(times, by_time) + [{"predicate": predicate},
                                          {"starting_version": 1, "predicate": predicate}]
    for kwargs in cases:
        ours = ours_table.load_cdf(**kwargs)
        assert isinstance(ours, pa.RecordBatchReader)
        ours = pa.table(ours)
        theirs = _changes(theirs_table.load_cdf(**kwargs))
        for column, expected in CDF_TYPES.items():
            assert ours.schema.field(column).type == expected, (kwargs, column)
        ours = normalize(ours)
        # deltalake moves partition columns after the others (cdc_ict_table: name, age,
        # birthyear); deltacpp keeps the table's order, as its to_pyarrow_table and
        # deltalake's do.
        assert ours.column_names == (
            deltacpp.DeltaTable(path).schema().to_arrow().names + list(CDF_TYPES)), kwargs
        assert sorted(ours.column_names) == sorted(theirs.column_names), kwargs
        assert ours.schema == theirs.select(ours.column_names).schema, kwargs
        assert _interop.sorted_rows(ours) == _interop.sorted_rows(
            theirs.select(ours.column_names)), kwargs


def test_load_cdf_after_cleaned_up_versions(timed_tables):
    """checkpoint-cdf-table keeps versions 3-5; reading from 3 on works in both."""
    path, times = timed_tables["delta-rs/checkpoint-cdf-table"]
    ours, theirs = deltacpp.DeltaTable(path), deltalake.DeltaTable(path)
    for kwargs in ({"starting_version": 3}, {"starting_version": 4, "ending_version": 5},
                   {"starting_version": 9, "allow_out_of_range": True}):
        assert _interop.sorted_rows(normalize(pa.table(ours.load_cdf(**kwargs)))) == (
            _interop.sorted_rows(_changes(theirs.load_cdf(**kwargs)))), kwargs
    with pytest.raises(DeltaError):
        ours.load_cdf(starting_version=0)
    with pytest.raises(DeltaError):
        ours.load_cdf(starting_version=9)


@pytest.mark.parametrize("columns", [["id"], ["name", "id"], ["id", "_change_type"],
                                     ["_commit_version", "id"]])
def test_load_cdf_columns_match_deltalake(timed_tables, columns):
    path, _ = timed_tables["delta-rs/cdf-table"]
    ours = pa.table(deltacpp.DeltaTable(path).load_cdf(columns=columns))
    theirs = _changes(deltalake.DeltaTable(path).load_cdf(columns=columns))
    assert ours.column_names == theirs.column_names == columns
    assert _interop.sorted_rows(normalize(ours)) == _interop.sorted_rows(theirs)
