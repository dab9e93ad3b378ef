"""Every version of every shared test table, read by `deltacpp scan` and by deltalake.

Outcomes per (table, version):
  match          both read it, same rows (order-insensitive) and same column types
  unsupported    delta-cpp refuses it with an error naming what it does not implement yet
                 (checkpoints, deletion vectors, column mapping, ...); split by whether
                 deltalake reads it ("unsupported, deltalake reads") or not
  both-refuse    both refuse it with a real error (the deliberately broken tables,
                 versions whose commits were cleaned up)
  only-deltacpp  deltalake fails where delta-cpp reads (to be settled with Spark)
  FAIL           anything else: different rows, different types, or an error from
                 delta-cpp on a table deltalake reads without claiming lack of support
A table may opt out only through SKIPPED below, with the reason written there.
"""
import os
import pathlib
import subprocess
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, QueryBuilder

# Tables not checked at all, each with its reason.
SKIPPED = {
    # deltalake's to_pyarrow_table returns all-null columns for column-mapped tables and
    # cannot apply deletion vectors; until delta-cpp reads those features (kernel issue)
    # there is nothing to compare, and delta-cpp refusing them is checked by unit tests.
}

# Tables where deltalake is known to return wrong rows without an error. For these the
# expected rows are the live data files' own content, read by pyarrow (the live files
# listed by deltalake's log replay), cast to the table's types: what the files prove.
DELTALAKE_WRONG = {
    "delta-rs/table_with_edge_timestamps": "deltalake wraps timestamps outside 1677-2262 "
    "(year 9999 comes back as 1816)",
}

# DELTACPP_INTEROP_VERBOSE=1 prints both readers' errors for every version that is not a match.
VERBOSE = os.environ.get("DELTACPP_INTEROP_VERBOSE") == "1"

# Words delta-cpp uses when it refuses a table for a feature it does not implement yet.
UNSUPPORTED_MARKERS = ("not supported yet", "does not support yet", "does not apply yet",
                       "does not read yet")


def find_tables(root: pathlib.Path):
    for log in sorted(root.rglob("_delta_log")):
        if log.is_dir():
            yield log.parent


def versions_of(table: pathlib.Path):
    versions = sorted(
        int(p.name.split(".")[0])
        for p in (table / "_delta_log").iterdir()
        if p.name.endswith(".json") and p.name.split(".")[0].isdigit() and len(p.name) == 25
    )
    return versions or [None]


def plain_type(t: pa.DataType) -> pa.DataType:
    """The type without DataFusion's representation choices (views, dictionaries)."""
    if pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_dictionary(t):
        return plain_type(t.value_type)
    if pa.types.is_list(t) or pa.types.is_list_view(t):
        return pa.list_(pa.field(t.value_field.name, plain_type(t.value_type),
                                 t.value_field.nullable))
    if pa.types.is_map(t):
        return pa.map_(plain_type(t.key_type),
                       pa.field(t.item_field.name, plain_type(t.item_type), t.item_field.nullable))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, plain_type(f.type), f.nullable) for f in t])
    return t


def normalize(table: pa.Table) -> pa.Table:
    # Compare data, not metadata: drop field metadata and nullability flags, and read
    # view and dictionary types as the plain ones.
    fields = [pa.field(f.name, plain_type(f.type)) for f in table.schema]
    columns = [c.cast(f.type) if c.type != f.type else c for c, f in zip(table.columns, fields)]
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def sorted_rows(table: pa.Table):
    return sorted(table.to_pylist(), key=repr)


def sortable(t: pa.DataType) -> bool:
    return not (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_floating(t))


def same_rows(ours: pa.Table, theirs: pa.Table) -> bool:
    """Order-insensitive equality; fast when every column sorts, exact in any case."""
    keys = [(name, "ascending") for name, t in zip(ours.column_names, ours.schema.types)
            if sortable(t)]
    if len(keys) == ours.num_columns and keys:
        if ours.sort_by(keys).equals(theirs.sort_by(keys)):
            return True
    return sorted_rows(ours) == sorted_rows(theirs)


def read_with_deltacpp(binary, table, version, out_path):
    args = [str(binary), "scan", str(table), "--format", "parquet", "--output", str(out_path)]
    if version is not None:
        args += ["--version", str(version)]
    run = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return None, run.stderr.strip()
    return pq.read_table(out_path), None


def read_with_deltalake(table, version):
    # deltalake's DataFusion path (QueryBuilder) applies column mapping and deletion
    # vectors; its to_pyarrow_table does neither (all-null columns, refused DV tables).
    try:
        dt = DeltaTable(str(table), version=version)
        reader = QueryBuilder().register("t", dt).execute("SELECT * FROM t")
        return pa.table(reader), None
    except Exception as error:  # deltalake raises many exception types
        return None, f"{type(error).__name__}: {error}"


def read_files_directly(table, version, like: pa.Table):
    dt = DeltaTable(str(table), version=version)
    parts = [pq.read_table(uri, coerce_int96_timestamp_unit="us") for uri in dt.file_uris()]
    files = pa.concat_tables(parts) if parts else like.schema.empty_table()
    return files.select(like.column_names).cast(like.schema)


def compare(ours: pa.Table, theirs: pa.Table):
    ours, theirs = normalize(ours), normalize(theirs)
    if set(ours.column_names) != set(theirs.column_names):
        return f"columns differ: {ours.column_names} vs {theirs.column_names}"
    theirs = theirs.select(ours.column_names)
    if ours.schema != theirs.schema:
        return f"types differ:\n{ours.schema}\nvs\n{theirs.schema}"
    if ours.num_rows != theirs.num_rows:
        return f"row counts differ: {ours.num_rows} vs {theirs.num_rows}"
    if not same_rows(ours, theirs):
        return "rows differ"
    return None


def test_every_table_matches_deltalake(deltacpp_bin, testdata, capsys):
    rows = []
    failures = []
    details = []
    with tempfile.TemporaryDirectory() as scratch:
        out_path = pathlib.Path(scratch) / "out.parquet"
        for table in find_tables(testdata):
            name = str(table.relative_to(testdata))
            if name in SKIPPED:
                rows.append((name, 0, f"skipped: {SKIPPED[name]}"))
                continue
            outcomes = {}
            for version in versions_of(table):
                ours, our_error = read_with_deltacpp(deltacpp_bin, table, version, out_path)
                theirs, their_error = read_with_deltalake(table, version)
                if our_error and any(m in our_error for m in UNSUPPORTED_MARKERS):
                    outcome = "unsupported" + ("" if their_error else ", deltalake reads")
                elif our_error and their_error:
                    outcome = "both-refuse"
                elif our_error:
                    outcome = "FAIL"
                    failures.append(f"{name}@{version}: delta-cpp failed: {our_error}")
                elif their_error:
                    # deltalake refuses a table we read: reported, checked by Spark later.
                    outcome = "only-deltacpp"
                else:
                    if name in DELTALAKE_WRONG:
                        theirs = read_files_directly(table, version, ours)
                    problem = compare(ours, theirs)
                    outcome = "FAIL" if problem else "match"
                    if problem:
                        failures.append(f"{name}@{version}: {problem}")
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if VERBOSE and outcome != "match":
                    details.append(f"{name}@{version} {outcome}: delta-cpp: {our_error} | "
                                   f"deltalake: {their_error}")
            summary = "; ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
            rows.append((name, sum(outcomes.values()), summary))

    with capsys.disabled():
        width = max(len(r[0]) for r in rows)
        print(f"\n{'table':<{width}}  versions  outcome")
        for name, count, summary in rows:
            print(f"{name:<{width}}  {count:>8}  {summary}")
        totals = {}
        for _, _, summary in rows:
            for part in summary.split("; "):
                key, _, count = part.rpartition(" ")
                if count.isdigit():
                    totals[key] = totals.get(key, 0) + int(count)
        for line in details:
            print(line)
        print("totals:", "; ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    assert not failures, "\n".join(failures)
    assert totals.get("match", 0) > 0, "no table was compared"
