"""Tables written by Delta Spark, read by `deltacpp scan` and by Delta Spark itself.

Delta Spark is the protocol's reference implementation, and a second oracle beside
deltalake (test_read_interop.py), which is wrong on some Spark-written tables. The Spark
side runs in its own venv (.venv-spark, scripts/setup_spark.sh) as one subprocess,
spark_driver.py, with one Spark session: it builds the tables of spark_driver.BUILDERS in
a temporary folder (deletion vectors, column mapping by name and id with renames and
drops, partition values with special characters and nulls, multi-part and V2
checkpoints, timestamps from 0001 to 9999 and timestamp_ntz, decimals, nested types,
in-commit timestamps, type widening, checkpoints without JSON stats, variant, shredded
variant), reads every version back (`versionAsOf`), evaluates each table's filters at its
latest version (the rows where Spark finds the predicate TRUE: what `.where` returns), and
writes all the rows as Parquet. Here `deltacpp scan [--where]` reads the same versions and
filters, and the rows must be the same, order-insensitive, with the same column types.

The other direction, in the same driver run: before it starts, `deltacpp write` creates
tables (every Delta type, created then appended; partition values needing escaping and
nulls in string, date and int columns; 12 appends with a checkpoint at 10 and the commits
0..9 deleted; one overwrite; rows deleted; files compacted and Z-ordered; rows merged,
updated and deleted in a table with the change data feed), which Spark reads at their
latest version and must return exactly the rows delta-cpp was given (rows
"written_by_deltacpp/..."); for the merged table Spark also reads the change feed, which
must hold each change delta-cpp made once. And Spark creates a
partitioned table, the driver runs `deltacpp write --mode append` on it, and Spark reads it
again: its rows before plus ours (row "spark_created/deltacpp_appended").

Outcomes per (table, version) and per (table, filter):
  match        same rows, same types
  unsupported  delta-cpp refuses with an error naming what it does not implement yet
  FAIL         anything else: different rows or types, any other delta-cpp error, or Spark
               failing to build or read its own table
  FAIL (known: ...)  a FAIL listed in KNOWN_FAILURES, printed but not failing the test

~2-3 minutes on 2 cores (Spark's start, ~60 commits, ~65 reads); the comparisons take
seconds. DELTACPP_SKIP_SPARK=1 skips this module (and scripts/setup_spark.sh) for a quick
local run; CI runs it. DELTACPP_SPARK_ONLY=name,... builds and checks only those tables.
DELTACPP_INTEROP_VERBOSE=1 prints every non-match with delta-cpp's error.
"""
import datetime
import decimal
import json
import os
import pathlib
import subprocess
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from interop.test_read_interop import UNSUPPORTED_MARKERS, compare, normalize
from interop.test_write_interop import every_type_table

REPO = pathlib.Path(__file__).resolve().parents[2]
DRIVER = pathlib.Path(__file__).resolve().with_name("spark_driver.py")
SPARK_PYTHON = pathlib.Path(os.environ.get("DELTACPP_SPARK_VENV", REPO / ".venv-spark"),
                            "bin/python")
VERBOSE = os.environ.get("DELTACPP_INTEROP_VERBOSE") == "1"

# Genuine delta-cpp bugs already reported, keyed by (table, "v<N>" or "where: <predicate>"),
# each with its reason: printed as "FAIL (known: reason)" without failing the test.
KNOWN_FAILURES = {}


UTC = datetime.timezone.utc


def run_deltacpp_write(binary, table, rows: pa.Table, scratch: pathlib.Path, *args):
    source = scratch / f"rows-{len(list(scratch.iterdir()))}.parquet"
    pq.write_table(rows, source)
    run = subprocess.run([str(binary), "write", str(table), str(source), *args],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        pytest.fail(f"deltacpp write {table.name} {' '.join(args)} failed: {run.stderr}")


def write_tables_with_deltacpp(binary, root: pathlib.Path):
    """Tables delta-cpp writes for Spark to read: {name: (path, expected rows)}."""
    scratch = root / "rows"
    scratch.mkdir(parents=True)
    tables = {}

    rows = every_type_table()   # (a) every Delta type, created then appended once
    path = root / "every_type"
    run_deltacpp_write(binary, path, rows, scratch)
    run_deltacpp_write(binary, path, rows, scratch, "--mode", "append")
    tables["every_type"] = (path, pa.concat_tables([rows, rows]))

    # (b) partition values that need escaping, and nulls, in string, date and int columns
    rows = pa.table({"id": pa.array(range(5), pa.int64()),
                     "s": pa.array(["a b", "100%", "x=y/z", None, "é"], pa.string()),
                     "v": pa.array([1.5, None, -2.0, 0.25, 3.0], pa.float64())})
    path = root / "partitioned_string"
    run_deltacpp_write(binary, path, rows, scratch, "--partition-by", "s")
    tables["partitioned_string"] = (path, rows)
    rows = pa.table({"id": pa.array(range(6), pa.int64()),
                     "day": pa.array([datetime.date(2024, 1, 1), None, datetime.date(1, 1, 1),
                                      datetime.date(9999, 12, 31), datetime.date(2024, 1, 1),
                                      None]),
                     "n": pa.array([1, None, -2147483648, 2147483647, 1, None], pa.int32()),
                     "s": pa.array(["p", "q", None, "", "r", "t"], pa.string())})
    path = root / "partitioned_date_int"
    run_deltacpp_write(binary, path, rows, scratch, "--partition-by", "day,n")
    tables["partitioned_date_int"] = (path, rows)

    # (c) 12 appends: a checkpoint at version 10, then the commits 0..9 deleted
    rows = pa.table({"id": pa.array([1, 2], pa.int64()),
                     "p": pa.array(["a", None], pa.string()),
                     "m": pa.array([[("k", "v")], []], pa.map_(pa.string(), pa.string()))})
    path = root / "checkpoint"
    for _ in range(12):
        run_deltacpp_write(binary, path, rows, scratch, "--mode", "append", "--partition-by", "p")
    log = path / "_delta_log"
    if not (log / "00000000000000000010.checkpoint.parquet").exists():
        pytest.fail(f"deltacpp wrote no checkpoint at version 10: {sorted(os.listdir(log))}")
    for version in range(10):
        (log / f"{version:020d}.json").unlink()
    tables["checkpoint"] = (path, pa.concat_tables([rows] * 12))

    # (d) overwritten once
    first = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "s": pa.array(["a", "b", None])})
    rows = pa.table({"id": pa.array([10, 11], pa.int64()), "s": pa.array([None, "z"])})
    path = root / "overwritten"
    run_deltacpp_write(binary, path, first, scratch)
    run_deltacpp_write(binary, path, rows, scratch, "--mode", "overwrite")
    tables["overwritten"] = (path, rows)

    # (e) created empty by `deltacpp create` (NOT NULL, a comment, a nested struct), then
    # appended with schema merge: a new column and a new nested field
    path = root / "created_then_merged"
    create = subprocess.run(
        [str(binary), "create", str(path), "--schema",
         "id long NOT NULL COMMENT 'key', s struct<a: int>, p string", "--partition-by", "p"],
        capture_output=True, text=True, timeout=60)
    if create.returncode != 0:
        pytest.fail(f"deltacpp create failed: {create.stderr}")
    first = pa.table({"id": pa.array([1, 2], pa.int64()),
                      "s": pa.array([{"a": 1}, None], pa.struct([("a", pa.int32())])),
                      "p": pa.array(["x", None])})
    run_deltacpp_write(binary, path, first, scratch, "--mode", "append")
    merged = pa.table({"id": pa.array([3], pa.int64()),
                       "s": pa.array([{"a": 3, "b": "new"}],
                                     pa.struct([("a", pa.int32()), ("b", pa.string())])),
                       "p": pa.array(["y"]),
                       "score": pa.array([2.5], pa.float64())})
    run_deltacpp_write(binary, path, merged, scratch, "--mode", "append", "--schema-mode", "merge")
    struct_ab = pa.struct([("a", pa.int32()), ("b", pa.string())])
    tables["created_then_merged"] = (path, pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "s": pa.array([{"a": 1, "b": None}, None, {"a": 3, "b": "new"}], struct_ab),
        "p": pa.array(["x", None, "y"]),
        "score": pa.array([None, None, 2.5], pa.float64())}))

    # (f) replaceWhere on a data column: matching rows replaced, the others of the touched
    # files written again
    first = pa.table({"id": pa.array(range(6), pa.int64()),
                      "p": pa.array(["a", "a", "b", "b", "c", None]),
                      "v": pa.array([10, 11, 12, 13, 14, 15], pa.int32())})
    path = root / "replaced_where"
    run_deltacpp_write(binary, path, first, scratch, "--partition-by", "p")
    replacement = pa.table({"id": pa.array([100, 101], pa.int64()),
                            "p": pa.array(["b", "z"]),
                            "v": pa.array([1, 2], pa.int32())})
    run_deltacpp_write(binary, path, replacement, scratch, "--mode", "overwrite",
                       "--replace-where", "v < 3 OR id IN (1, 2)")
    tables["replaced_where"] = (path, pa.table({
        "id": pa.array([0, 3, 4, 5, 100, 101], pa.int64()),
        "p": pa.array(["a", "b", "c", None, "b", "z"]),
        "v": pa.array([10, 13, 14, 15, 1, 2], pa.int32())}))

    # (h) rows deleted: a whole partition (its file removed unread), then rows of a data
    # column (the other rows of their files written again)
    path = root / "deleted"
    run_deltacpp_write(binary, path, first, scratch, "--partition-by", "p")
    for where in ("p = 'c'", "v = 10 OR id = 3"):
        run = subprocess.run([str(binary), "delete", str(path), "--where", where],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            pytest.fail(f"deltacpp delete {where} failed: {run.stderr}")
    tables["deleted"] = (path, pa.table({
        "id": pa.array([1, 2, 5], pa.int64()),
        "p": pa.array(["a", "b", None]),
        "v": pa.array([11, 12, 15], pa.int32())}))

    # (i) optimized: four appends compacted, partition a first (by a partition filter),
    # then the rest, then Z-ordered by two data columns; no row changes
    path = root / "optimized"
    appended = []
    for i in range(4):
        rows = pa.table({"id": pa.array(range(10 * i, 10 * i + 5), pa.int64()),
                         "p": pa.array(["a", "b", None, "a", "b"]),
                         "v": pa.array([5 - j + i for j in range(5)], pa.int32())})
        run_deltacpp_write(binary, path, rows, scratch, "--mode", "append",
                           "--partition-by", "p")
        appended.append(rows)
    for args in (["--where", "p = 'a'"], [], ["--z-order", "v,id"]):
        run = subprocess.run([str(binary), "optimize", str(path), *args],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0 or "nothing to optimize" in run.stdout:
            pytest.fail(f"deltacpp optimize {' '.join(args)} failed: {run.stderr}{run.stdout}")
    tables["optimized"] = (path, pa.concat_tables(appended))

    # (j) merged: a table with the change data feed that delta-cpp merges into (update,
    # delete and insert clauses), updates and deletes from; Spark reads its rows and its
    # change feed (MERGED_CHANGES) from the change data files delta-cpp wrote
    path = root / "merged"
    run_deltacpp_write(binary, path, pa.table({
        "id": pa.array(range(1, 7), pa.int64()), "p": pa.array(["a", "a", "b", "b", "c", "c"]),
        "v": pa.array([10, 20, 30, 40, 50, 60], pa.int32())}), scratch, "--partition-by", "p",
        "--property", "delta.enableChangeDataFeed=true")
    source = scratch / "merge-source.parquet"
    pq.write_table(pa.table({"id": pa.array([2, 4, 7], pa.int64()), "p": ["a", "b", "c"],
                             "v": pa.array([200, 0, 70], pa.int32()), "op": ["U", "D", "I"]}),
                   source)
    for args in (["merge", str(path), str(source), "--on", "target.id = source.id",
                  "--when", "matched AND source.op = 'D' THEN DELETE",
                  "--when", "matched THEN UPDATE SET v = source.v",
                  "--when", "not matched THEN INSERT (id, p, v) VALUES (source.id, source.p, "
                            "source.v)"],
                 ["update", str(path), "--set", "v = v + 100", "--where", "id = 6"],
                 ["delete", str(path), "--where", "id = 1"]):
        run = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            pytest.fail(f"deltacpp {' '.join(args)} failed: {run.stderr}")
    tables["merged"] = (path, pa.table({
        "id": pa.array([2, 3, 5, 6, 7], pa.int64()), "p": pa.array(["a", "b", "c", "c", "c"]),
        "v": pa.array([200, 30, 50, 160, 70], pa.int32())}))
    return tables


# The change feed of the "merged" table from version 1, as Spark must read it:
# (id, p, v, _change_type, _commit_version).
MERGED_CHANGES = sorted([
    (2, "a", 20, "update_preimage", 1), (2, "a", 200, "update_postimage", 1),
    (4, "b", 40, "delete", 1), (7, "c", 70, "insert", 1),
    (6, "c", 60, "update_preimage", 2), (6, "c", 160, "update_postimage", 2),
    (1, "a", 10, "delete", 3),
], key=lambda change: (change[4], change[0], change[3]))


# The rows delta-cpp appends to the table Spark creates (spark_driver.spark_then_deltacpp).
APPENDED_TO_SPARK_TABLE = pa.table({
    "id": pa.array([10, 11, 12], pa.int64()),
    "part": pa.array(["a", "new=part", None], pa.string()),
    "d": pa.array([datetime.date(2020, 2, 29), None, datetime.date(1, 1, 1)]),
    "ts": pa.array([datetime.datetime(2024, 5, 5, 5, 5, 5, 123456, tzinfo=UTC), None,
                    datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)],
                   pa.timestamp("us", tz="UTC")),
    "v": pa.array([decimal.Decimal("99999999.99"), None, decimal.Decimal("-0.01")],
                  pa.decimal128(10, 2)),
    "s": pa.array(["x", None, "é"], pa.string()),
})


# Rows delta-cpp appends to the table with a generated column (day = CAST(ts AS DATE)),
# CHECK (amount > 0) and in-commit timestamps that Spark creates; the bad rows break the
# constraint. day is left for delta-cpp to compute.
APPENDED_TO_CONSTRAINED_TABLE = pa.table({
    "id": pa.array([2, 3], pa.int64()),
    "ts": pa.array([datetime.datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC), None],
                   pa.timestamp("us", tz="UTC")),
    "amount": pa.array([7, 1], pa.int32()),
})
BREAKING_CONSTRAINT = pa.table({
    "id": pa.array([4], pa.int64()),
    "ts": pa.array([datetime.datetime(2024, 3, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
    "amount": pa.array([0], pa.int32()),
})


@pytest.fixture(scope="module")
def spark_results(tmp_path_factory, deltacpp_bin):
    """Runs spark_driver.py once; returns its manifest (tables, versions, filters), with
    "expected" set to {name: rows} for the tables delta-cpp wrote."""
    if os.environ.get("DELTACPP_SKIP_SPARK") == "1":
        pytest.skip("DELTACPP_SKIP_SPARK=1")
    if not SPARK_PYTHON.exists():
        pytest.fail(f"{SPARK_PYTHON} missing: run scripts/setup_spark.sh (scripts/setup.sh "
                    "calls it)")
    work = tmp_path_factory.mktemp("spark")
    args = [str(SPARK_PYTHON), str(DRIVER), "--work", str(work)]
    only = os.environ.get("DELTACPP_SPARK_ONLY")
    if only:
        args += ["--only", only]
    expected = {}
    if not only or "written_by_deltacpp" in only.split(","):
        written = write_tables_with_deltacpp(deltacpp_bin, work / "written_by_deltacpp")
        append_rows = work / "append_to_spark_table.parquet"
        pq.write_table(APPENDED_TO_SPARK_TABLE, append_rows)
        constrained_rows = work / "append_to_constrained_table.parquet"
        pq.write_table(APPENDED_TO_CONSTRAINED_TABLE, constrained_rows)
        breaking_rows = work / "breaking_constraint.parquet"
        pq.write_table(BREAKING_CONSTRAINT, breaking_rows)
        spec = {"read": [{"name": n, "path": str(p),
                          **({"changes_from": 1} if n == "merged" else {})}
                         for n, (p, _) in written.items()],
                "append": {"name": "spark_then_deltacpp_append", "binary": str(deltacpp_bin),
                           "rows": str(append_rows)},
                "append_constrained": {"name": "spark_constrained_then_deltacpp",
                                       "binary": str(deltacpp_bin),
                                       "rows": str(constrained_rows),
                                       "bad_rows": str(breaking_rows)}}
        (work / "written.json").write_text(json.dumps(spec, indent=1))
        args += ["--written", str(work / "written.json")]
        expected = {n: rows for n, (_, rows) in written.items()}
    started = time.monotonic()
    log_path = work / "driver.log"
    with open(log_path, "w") as log:
        run = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, timeout=900,
                             cwd=REPO)
    if run.returncode != 0:
        tail = "\n".join(log_path.read_text().splitlines()[-40:])
        pytest.fail(f"spark_driver.py failed ({run.returncode}), log {log_path}:\n{tail}")
    manifest = json.loads((work / "manifest.json").read_text())
    manifest["wall_seconds"] = round(time.monotonic() - started, 1)
    manifest["expected"] = expected
    return manifest


def canonical_type(t: pa.DataType) -> pa.DataType:
    """The type with Arrow's naming choices for nested children made uniform: Spark calls a
    list's item "element", a map's entries "key_value"; delta-cpp may name them otherwise.
    Names and nullability of struct fields are kept: they are the table's schema."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.list_(pa.field("element", canonical_type(t.value_type),
                                 t.value_field.nullable))
    if pa.types.is_map(t):
        return pa.map_(pa.field("key", canonical_type(t.key_type), False),
                       pa.field("value", canonical_type(t.item_type), t.item_field.nullable))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, canonical_type(f.type), f.nullable) for f in t])
    return t


def canonical(table: pa.Table) -> pa.Table:
    table = normalize(table)
    schema = pa.schema([pa.field(f.name, canonical_type(f.type)) for f in table.schema])
    return table if schema == table.schema else table.cast(schema)


def scan_with_deltacpp(binary, table, out_path, version, where=None):
    args = [str(binary), "scan", str(table), "--format", "parquet", "--output", str(out_path),
            "--version", str(version)]
    if where is not None:
        args += ["--where", where]
    for _ in range(10):   # the binary may be briefly missing while it relinks
        if pathlib.Path(binary).exists():
            break
        time.sleep(3)
    run = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return None, (run.stderr.strip() or f"exit code {run.returncode}")
    return pq.read_table(out_path), None


def check(binary, table_path, item, out_path, where=None):
    """(outcome, detail) for one version or one filter."""
    if item["error"]:
        return "FAIL", f"Spark failed: {item['error'].splitlines()[0][:500]}"
    ours, our_error = scan_with_deltacpp(binary, table_path, out_path, item["version"], where)
    if our_error:
        if any(m in our_error for m in UNSUPPORTED_MARKERS):
            return "unsupported", our_error
        return "FAIL", f"delta-cpp failed: {our_error}"
    theirs = pq.read_table(item["result"])
    problem = compare(canonical(ours), canonical(theirs))
    if problem:
        return "FAIL", problem + (f"\n  delta-cpp: {ours.to_pylist()[:20]}\n  Spark:     "
                                  f"{theirs.to_pylist()[:20]}" if problem == "rows differ"
                                  else "")
    return "match", None


def check_written(item, expected):
    """(outcome, detail) for a table delta-cpp wrote, as Spark reads its latest version.
    expected is None for the table Spark created and delta-cpp appended to: then it is
    Spark's own read before the append plus delta-cpp's rows."""
    if item["error"]:
        return "FAIL", f"Spark failed: {item['error'][:1500]}"
    theirs = pq.read_table(item["result"])
    if item["name"] == "spark_constrained_then_deltacpp":
        before = canonical(pq.read_table(item["before"]))
        appended = APPENDED_TO_CONSTRAINED_TABLE.append_column(
            "day", pa.array([datetime.date(2024, 2, 29), None], pa.date32()))
        expected = pa.concat_tables([before, canonical(appended.select(before.column_names))])
        # Versions: create, constraint, Spark's insert, our append (the refused one is none).
        if item.get("history_versions") != [0, 1, 2, 3]:
            return "FAIL", f"history versions {item.get('history_versions')}"
    elif expected is None:
        before = canonical(pq.read_table(item["before"]))
        appended = canonical(APPENDED_TO_SPARK_TABLE.select(before.column_names))
        if appended.schema != before.schema:
            return "FAIL", f"appended rows' types differ:\n{appended.schema}\nvs\n{before.schema}"
        expected = pa.concat_tables([before, appended])
    problem = compare(canonical(expected), canonical(theirs))
    if problem:
        return "FAIL", problem + (f"\n  given:  {expected.to_pylist()[:20]}\n  Spark:  "
                                  f"{theirs.to_pylist()[:20]}" if problem == "rows differ"
                                  else "")
    if item.get("changes"):
        feed = pq.read_table(item["changes"]).to_pylist()
        changes = sorted(((r["id"], r["p"], r["v"], r["_change_type"], r["_commit_version"])
                          for r in feed), key=lambda c: (c[4], c[0], c[3]))
        if changes != MERGED_CHANGES:
            return "FAIL", f"change feed differs:\n  ours:  {MERGED_CHANGES}\n  Spark: {changes}"
    return "match", None


def test_spark_written_tables_match_spark(deltacpp_bin, spark_results, tmp_path, capsys):
    rows, failures, details = [], [], []
    started = time.monotonic()
    out_path = tmp_path / "out.parquet"
    for entry in spark_results["tables"]:
        name, path = entry["name"], entry["path"]
        if entry["build_error"]:
            failures.append(f"{name}: Spark could not build it: {entry['build_error']}")
            rows.append((name, 0, 0, "FAIL (Spark build)"))
            continue
        outcomes = {}
        cases = [(item, f"v{item['version']}", None) for item in entry["versions"]]
        cases += [(item, f"where: {item['where']}", item["where"]) for item in entry["filters"]]
        for item, label, where in cases:
            outcome, detail = check(deltacpp_bin, path, item, out_path, where)
            kind = "" if where is None else "filter "
            if outcome == "FAIL" and (name, label) in KNOWN_FAILURES:
                outcome = f"FAIL (known: {KNOWN_FAILURES[(name, label)]})"
            elif outcome == "FAIL":
                failures.append(f"{name} {label} (version {item['version']}): {detail}")
            key = kind + outcome
            outcomes[key] = outcomes.get(key, 0) + 1
            if outcome != "match" and (VERBOSE or outcome.startswith("FAIL")):
                details.append(f"{name} {label}: {outcome}: {detail}")
        summary = "; ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        rows.append((name, len(entry["versions"]), len(entry["filters"]), summary))

    # Tables delta-cpp wrote (or appended to), read by Spark at their latest version.
    for item in spark_results.get("written", []):
        name = item["name"]
        label = f"written_by_deltacpp/{name}"
        if name == "spark_then_deltacpp_append":
            label = "spark_created/deltacpp_appended"
        if name == "spark_constrained_then_deltacpp":
            label = "spark_created_constrained/deltacpp_appended"
        outcome, detail = check_written(item, spark_results["expected"].get(name))
        if outcome == "FAIL" and (label, "latest") in KNOWN_FAILURES:
            outcome = f"FAIL (known: {KNOWN_FAILURES[(label, 'latest')]})"
        elif outcome == "FAIL":
            failures.append(f"{label}: {detail}")
        if outcome != "match":
            details.append(f"{label}: {outcome}: {detail}")
        rows.append((label, 1, 0, outcome))

    with capsys.disabled():
        width = max(len(r[0]) for r in rows)
        print(f"\nDelta Spark {spark_results['spark']} + {spark_results['packages']}: "
              f"driver {spark_results['wall_seconds']}s, comparisons "
              f"{time.monotonic() - started:.1f}s")
        print(f"{'table':<{width}}  versions  filters  outcome")
        for name, versions, filters, summary in rows:
            print(f"{name:<{width}}  {versions:>8}  {filters:>7}  {summary}")
        for line in details:
            print(line)
    assert not failures, "\n".join(failures)
    assert any("match" in r[3] for r in rows), "no table was compared"
