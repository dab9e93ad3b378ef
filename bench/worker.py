"""One workload run by one Python engine, in a fresh process of its own.

    worker.py ENGINE WORKLOAD PARAMS_JSON

The runner times this whole process (interpreter start and imports included: a Python
user pays them too) and reads its peak memory. Only the engine's own modules are
imported. A read of a snapshot prints the number of live files, an in-memory read
(to-pyarrow-table, to-pandas) the rows it holds; scans and writes leave their result on
disk, where the runner checks it. An API that an engine does not have yet (a missing
attribute, or NotImplementedError raised by it) exits with NOT_IMPLEMENTED, which the
runner shows as "n/a (not implemented yet)".

pandas and numpy live apart from the venv's site-packages (bench/requirements.py): their
folder, the parameter "dataframe_packages", goes first on sys.path for to-pandas only, as
importing pyarrow is slower for every other workload once numpy is importable.

ENGINE is one of:
  deltalake   the deltalake package (delta-rs)
  deltacpp    `import deltacpp` (delta-cpp's Python package, found on the PYTHONPATH that
              the runner sets), which promises deltalake's API: the same calls
  floor       pyarrow.parquet on the same data files, with no Delta work at all
  duckdb      DuckDB with its delta extension, loaded from the duckdb-extension-delta
              package's file: never installed or loaded from the network
"""
import importlib
import json
import os
import sys

NOT_IMPLEMENTED = 3
# Batches streamed from a Parquet input: as large as a default Parquet row group.
INPUT_BATCH_ROWS = 1 << 20


class NotImplementedYet(Exception):
    """The engine lacks the API this workload needs."""


def _method(owner, name):
    """owner.name, or NotImplementedYet when the engine does not have it yet."""
    method = getattr(owner, name, None)
    if method is None:
        raise NotImplementedYet(f"{getattr(owner, '__name__', type(owner).__name__)}.{name}")
    return method


def _write_batches(batches, schema, output):
    """Streams record batches into one Parquet file: the sink every scan writes to."""
    import pyarrow.parquet as pq
    with pq.ParquetWriter(output, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)


def _input_reader(path):
    """A Parquet file as a stream of batches, so that no engine holds the whole input."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    source = pq.ParquetFile(path)
    return pa.RecordBatchReader.from_batches(
        source.schema_arrow, source.iter_batches(batch_size=INPUT_BATCH_ROWS))


def run_delta_api(module_name, workload, params):
    """deltalake's Python API, run by deltalake itself or by `deltacpp` (same calls)."""
    module = importlib.import_module(module_name)
    if workload == "startup":
        return None
    table_class = _method(module, "DeltaTable")
    table = params.get("table")
    if workload == "open-latest":
        return len(_method(table_class(table), "file_uris")())
    if workload == "time-travel":
        return len(_method(table_class(table, version=params["version"]), "file_uris")())
    if workload == "to-pyarrow-table":
        return _method(table_class(table), "to_pyarrow_table")().num_rows
    if workload == "to-pandas":
        return len(_method(table_class(table), "to_pandas")())
    if workload in ("full-scan", "filtered-scan"):
        import pyarrow.dataset as ds
        dataset = _method(table_class(table), "to_pyarrow_dataset")()
        condition = (ds.field("id") < params["id_below"]) if "id_below" in params else None
        _write_batches(dataset.to_batches(filter=condition), dataset.schema, params["output"])
        return None
    if workload in ("append", "overwrite"):
        _method(module, "write_deltalake")(table, _input_reader(params["rows"]),
                                           mode=workload)
        return None
    if workload == "checkpoint":
        _method(table_class(table), "create_checkpoint")()
        return None
    if workload == "delete":
        _method(table_class(table), "delete")(
            f"id >= {params['id_from']} AND id < {params['id_to']}")
        return None
    if workload == "merge":
        import pyarrow.parquet as pq
        merger = _method(table_class(table), "merge")(
            pq.read_table(params["source"]), predicate="target.id = source.id",
            source_alias="source", target_alias="target")
        merger.when_matched_update_all().when_not_matched_insert_all().execute()
        return None
    if workload == "optimize":
        _method(_method(table_class(table), "optimize"), "compact")()
        return None
    if workload == "vacuum":
        _method(table_class(table), "vacuum")(retention_hours=0, dry_run=False,
                                               enforce_retention_duration=False)
        return None
    raise ValueError(f"{module_name}: no workload {workload}")


def run_floor(workload, params):
    """The least work the data needs: the same files read and written by pyarrow, with
    the file list given (no log replay, no statistics, no commit)."""
    if workload == "startup":
        import pyarrow.dataset  # noqa: F401  (what the floor's reads and writes load)
        import pyarrow.parquet  # noqa: F401
        return None
    if workload == "vacuum":
        for path in params["files"]:
            os.remove(path)
        return None
    if workload == "to-pyarrow-table":
        import pyarrow.parquet as pq
        return pq.read_table(params["files"]).num_rows
    if workload == "to-pandas":
        import pyarrow.parquet as pq
        return len(pq.read_table(params["files"]).to_pandas())
    if workload in ("append", "overwrite"):
        reader = _input_reader(params["rows"])
        _write_batches(reader, reader.schema, params["output"])
        return None
    if workload in ("full-scan", "filtered-scan", "delete", "optimize"):
        import pyarrow.dataset as ds
        dataset = ds.dataset(params["files"], format="parquet")
        condition = None
        if workload == "filtered-scan":
            condition = ds.field("id") < params["id_below"]
        elif workload == "delete":
            condition = ~((ds.field("id") >= params["id_from"]) &
                          (ds.field("id") < params["id_to"]))
        _write_batches(dataset.to_batches(filter=condition), dataset.schema, params["output"])
        return None
    raise ValueError(f"floor: no workload {workload}")


def _sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def duckdb_connection():
    """A DuckDB connection with the delta extension loaded from the pip package's file.

    Automatic extension installs and loads are off: DuckDB would otherwise fetch a
    missing extension from its extension server, and the benchmark never leaves the
    machine."""
    import pathlib
    import duckdb
    import duckdb_extension_delta
    extensions = pathlib.Path(duckdb_extension_delta.__file__).parent / "extensions"
    found = sorted(extensions.glob("*/delta.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no delta.duckdb_extension under {extensions}")
    connection = duckdb.connect(config={"autoinstall_known_extensions": False,
                                        "autoload_known_extensions": False})
    connection.execute(f"LOAD {_sql_string(str(found[-1]))}")
    return connection


def run_duckdb(workload, params):
    """DuckDB SQL over the delta extension's table functions."""
    connection = duckdb_connection()
    if workload == "startup":
        return None
    table = _sql_string(params.get("table", ""))
    if workload in ("open-latest", "time-travel"):
        version = f", version => {params['version']}" if workload == "time-travel" else ""
        return connection.execute(
            f"SELECT count(*) FROM delta_list_files({table}{version})").fetchone()[0]
    if workload == "to-pyarrow-table":
        return connection.sql(f"SELECT * FROM delta_scan({table})").to_arrow_table().num_rows
    if workload == "to-pandas":
        # Not quite the same frame: DuckDB turns DECIMAL into float64, where pyarrow (and
        # so the other engines) makes a Python Decimal object per value, the bulk of the
        # conversion's time on this schema.
        return len(connection.sql(f"SELECT * FROM delta_scan({table})").df())
    if workload in ("full-scan", "filtered-scan"):
        where = f" WHERE id < {params['id_below']}" if "id_below" in params else ""
        connection.execute(f"COPY (SELECT * FROM delta_scan({table}){where}) "
                           f"TO {_sql_string(params['output'])} (FORMAT parquet)")
        return None
    if workload == "append":
        connection.execute(f"ATTACH {table} AS target (TYPE delta)")
        connection.execute(
            f"INSERT INTO target SELECT * FROM read_parquet({_sql_string(params['rows'])})")
        return None
    raise ValueError(f"duckdb: no workload {workload}")


def main():
    engine, workload, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if workload == "to-pandas":
        sys.path.insert(0, params["dataframe_packages"])
    try:
        if engine in ("deltalake", "deltacpp"):
            result = run_delta_api(engine, workload, params)
        elif engine == "floor":
            result = run_floor(workload, params)
        elif engine == "duckdb":
            result = run_duckdb(workload, params)
        else:
            raise ValueError(f"unknown engine {engine}")
    # NotImplementedError: the engine has the call, but says it cannot do this yet.
    except (NotImplementedYet, NotImplementedError) as missing:
        print(f"not implemented yet: {' '.join(str(missing).split())}", file=sys.stderr)
        sys.exit(NOT_IMPLEMENTED)
    if result is not None:
        print(result)
    if engine == "deltalake" and workload in ("to-pyarrow-table", "to-pandas"):
        # deltalake's dataset reads its files through a Python filesystem handler, called
        # from pyarrow's I/O threads. One of them can still be calling it when the
        # interpreter finalizes: its thread then exits inside C++ code, which aborts the
        # process after the result is out ("terminate called without an active
        # exception": here up to half of the 4M-row runs; delta-io/delta-rs#2184,
        # pola-rs/polars#24169). The work is done: end without the teardown. (This
        # spares deltalake the teardown the others pay; the other engines exit normally,
        # so that a crash of their own at exit still fails their run.)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
