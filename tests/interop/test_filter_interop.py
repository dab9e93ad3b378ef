"""`deltacpp scan --where` against pyarrow's filter over deltalake's rows.

For the latest version of every shared table that delta-cpp and deltalake read alike, a
few top-level columns (partition columns first) are filtered with =, <, >=, IS NULL and a
compound predicate, using a value taken from the table itself. delta-cpp prunes files by
partition values and statistics and then filters rows; the expected rows are deltalake's
full read filtered by pyarrow.compute, an evaluator independent of ours. A wrong skip
(a file dropped that held a matching row) shows up as missing rows.
"""
import json
import pathlib
import subprocess
import tempfile

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from interop.test_read_interop import (DELTALAKE_WRONG, compare, find_tables, normalize,
                                       read_with_deltalake)

COLUMNS_PER_TABLE = 3


def comparable(t: pa.DataType) -> bool:
    return (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
            or pa.types.is_date32(t) or pa.types.is_timestamp(t) or pa.types.is_string(t)
            or pa.types.is_boolean(t))


def literal_text(value: pa.Scalar) -> str:
    t = value.type
    if pa.types.is_boolean(t):
        return "TRUE" if value.as_py() else "FALSE"
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return repr(value.as_py())
    text = pa.array([value]).cast(pa.string())[0].as_py()
    if pa.types.is_decimal(t):
        return text
    return "'" + text.replace("'", "''") + "'"


def partition_columns(table: pathlib.Path):
    columns = []
    for commit in sorted((table / "_delta_log").glob("*.json")):
        for line in commit.read_text().splitlines():
            if '"metaData"' in line:
                columns = json.loads(line)["metaData"].get("partitionColumns", columns)
    return columns


def middle_value(column: pa.ChunkedArray):
    values = pc.drop_null(column)
    if len(values) == 0:
        return None
    if pa.types.is_floating(values.type):
        values = values.filter(pc.invert(pc.is_nan(values)))
        if len(values) == 0:
            return None
    ordered = values.take(pc.sort_indices(values))
    return ordered[len(ordered) // 2]


def predicates(name: str, column: pa.ChunkedArray):
    """(our --where text, pyarrow expression) pairs for one column."""
    value = middle_value(column)
    field = pc.field(name)
    ours = "`" + name.replace("`", "``") + "`"
    if value is None:
        return [(f"{ours} IS NULL", field.is_null())]
    text = literal_text(value)
    scalar = pa.scalar(value.as_py() if not pa.types.is_timestamp(value.type) else value,
                       type=value.type)
    return [
        (f"{ours} = {text}", field == scalar),
        (f"{ours} < {text}", field < scalar),
        (f"{ours} >= {text}", field >= scalar),
        (f"{ours} IS NULL", field.is_null()),
        (f"NOT ({ours} > {text}) OR {ours} IS NULL", ~(field > scalar) | field.is_null()),
    ]


def scan_where(binary, table, where, out_path):
    args = [str(binary), "scan", str(table), "--where", where, "--format", "parquet",
            "--output", str(out_path)]
    run = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return None, run.stderr.strip()
    return pq.read_table(out_path), None


def test_filters_match_pyarrow_over_deltalake(deltacpp_bin, testdata, capsys):
    checked = 0
    tables = 0
    failures = []
    with tempfile.TemporaryDirectory() as scratch:
        out_path = pathlib.Path(scratch) / "out.parquet"
        for table in find_tables(testdata):
            name = str(table.relative_to(testdata))
            if name in DELTALAKE_WRONG:
                continue
            theirs, their_error = read_with_deltalake(table, None)
            if their_error or theirs.num_rows == 0:
                continue
            theirs = normalize(theirs)
            ours_all, our_error = scan_where(deltacpp_bin, table, "TRUE", out_path)
            if our_error or compare(ours_all, theirs) is not None:
                continue  # test_read_interop reports tables that do not match
            partitions = partition_columns(table)
            names = [c for c in partitions if c in theirs.column_names]
            names += [c for c in theirs.column_names if c not in names]
            names = [c for c in names if comparable(theirs.schema.field(c).type)]
            tables += 1
            for column in names[:COLUMNS_PER_TABLE]:
                for where, expression in predicates(column, theirs.column(column)):
                    expected = theirs.filter(expression)
                    ours, error = scan_where(deltacpp_bin, table, where, out_path)
                    checked += 1
                    if error:
                        failures.append(f"{name} WHERE {where}: delta-cpp failed: {error}")
                        continue
                    problem = compare(ours, expected)
                    if problem:
                        failures.append(f"{name} WHERE {where}: {problem}")
    with capsys.disabled():
        print(f"\nfilters: {checked} predicates over {tables} tables, "
              f"{len(failures)} failed")
    assert not failures, "\n".join(failures)
    assert checked > 100, "too few predicates were checked"
