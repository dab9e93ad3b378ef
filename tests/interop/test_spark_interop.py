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
import json
import os
import pathlib
import subprocess
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from interop.test_read_interop import UNSUPPORTED_MARKERS, compare, normalize

REPO = pathlib.Path(__file__).resolve().parents[2]
DRIVER = pathlib.Path(__file__).resolve().with_name("spark_driver.py")
SPARK_PYTHON = pathlib.Path(os.environ.get("DELTACPP_SPARK_VENV", REPO / ".venv-spark"),
                            "bin/python")
VERBOSE = os.environ.get("DELTACPP_INTEROP_VERBOSE") == "1"

# Genuine delta-cpp bugs already reported, keyed by (table, "v<N>" or "where: <predicate>"),
# each with its reason: printed as "FAIL (known: reason)" without failing the test.
KNOWN_FAILURES = {}


@pytest.fixture(scope="module")
def spark_results(tmp_path_factory):
    """Runs spark_driver.py once; returns its manifest (tables, versions, filters)."""
    if os.environ.get("DELTACPP_SKIP_SPARK") == "1":
        pytest.skip("DELTACPP_SKIP_SPARK=1")
    if not SPARK_PYTHON.exists():
        pytest.fail(f"{SPARK_PYTHON} missing: run scripts/setup_spark.sh (scripts/setup.sh "
                    "calls it)")
    work = tmp_path_factory.mktemp("spark")
    args = [str(SPARK_PYTHON), str(DRIVER), "--work", str(work)]
    if os.environ.get("DELTACPP_SPARK_ONLY"):
        args += ["--only", os.environ["DELTACPP_SPARK_ONLY"]]
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
