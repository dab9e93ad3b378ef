"""The workloads: what each one gives the engines, and how its result is checked.

A workload prepares one run (a private copy of the table when the run writes), names the
parameters every engine gets (bench/engines.py turns them into a command), and checks the
run's result against a number known from the generated data: live files for snapshot
reads, rows for scans, in-memory reads and writes. A result that differs fails the run,
so that no time is ever shown for a wrong answer. The floor writes plain Parquet files, so
its expected number can differ from the Delta engines'.

The in-memory reads (to-pyarrow-table, to-pandas) are what a Python user calls: the whole
data table as one pyarrow Table or pandas DataFrame, whose wall time and peak memory show
the reader's own scan and copies; the floor is pyarrow.parquet.read_table of the table's
live files. full-scan, by contrast, streams batches into a Parquet file, and through
to_pyarrow_dataset leaves the reading to pyarrow for every deltalake-API engine.
"""
import dataclasses
import json
import os
import pathlib
import shutil
from typing import Callable

import requirements
from datagen import Datasets, Sizes
from engines import Engine

FLOOR = "floor"
# What --help says of each workload (all_workloads makes them, in this order).
SUMMARIES = {
    "startup": "start a process that loads the engine, no work",
    "open-latest": "open the latest snapshot of a long log, count live files",
    "time-travel": "open an old version of the same log",
    "full-scan": "every row of the data table, into a Parquet file",
    "filtered-scan": "the same with id < 10%: statistics skip 90% of the files",
    "to-pyarrow-table": "DeltaTable(t).to_pyarrow_table() of the data table (10M rows"
                        " with --full); floor: pq.read_table(live files)",
    "to-pandas": "DeltaTable(t).to_pandas() of it; floor: pq.read_table(...).to_pandas()",
    "append": "append rows from a Parquet file",
    "overwrite": "overwrite the table with them",
    "checkpoint": "write a checkpoint of the long log",
    "delete": "delete 1% of the rows (a predicate on id)",
    "merge": "merge upsert of 1% of the rows (half updates, half inserts)",
    "optimize": "compact many small files",
    "vacuum": "delete the files that the compaction removed",
}


@dataclasses.dataclass
class Workload:
    key: str  # as --workloads names it
    title: str  # as the results show it
    about: str  # what the data is, for the results' heading
    # (job folder) -> parameters for every engine; may copy a table into the folder
    prepare: Callable[[pathlib.Path], dict]
    # (engine, parameters, what the engine printed) -> the number to check
    observe: Callable[[Engine, dict, str], int] | None = None
    # engine key -> the number that observe must give
    expected: Callable[[str], int] | None = None


def copy_table(source: pathlib.Path, destination: pathlib.Path):
    """A private copy of a table for one write run. Data files are hard links (Delta
    never changes a data file; deleting the link leaves the original), the log is copied
    (`_last_checkpoint` may be rewritten in place)."""
    for folder, _, files in os.walk(source):
        relative = pathlib.Path(folder).relative_to(source)
        (destination / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            if relative.parts[:1] == ("_delta_log",):
                shutil.copy2(pathlib.Path(folder) / name, destination / relative / name)
            else:
                os.link(pathlib.Path(folder) / name, destination / relative / name)


def rows_in_parquet(path) -> int:
    import pyarrow.parquet as pq
    return pq.ParquetFile(path).metadata.num_rows


def rows_in_table(table) -> int:
    """Rows of a Delta table's latest version by its files' statistics, read by deltalake
    (an independent reader, also of what delta-cpp and DuckDB wrote)."""
    import pyarrow as pa
    from deltalake import DeltaTable
    adds = pa.table(DeltaTable(str(table)).get_add_actions(flatten=True))
    return sum(adds.column("num_records").to_pylist())


def data_files_on_disk(table: pathlib.Path) -> int:
    return sum(1 for path in table.rglob("*.parquet") if "_delta_log" not in path.parts)


def all_workloads(data: Datasets, sizes: Sizes) -> list[Workload]:
    latest = sizes.log_commits - 1
    old = sizes.time_travel_version
    id_below = sizes.scan_rows // 10
    skipped_to = [f.path for f in data.data_files if f.min_id < id_below]
    rows_per_file = sizes.scan_rows // sizes.scan_files
    # 1% of the rows, starting inside a file: a delete that skips most files by their
    # statistics and rewrites the one or two it touches.
    delete_from = sizes.scan_rows * 45 // 100 + rows_per_file // 4
    delete_to = delete_from + max(sizes.scan_rows // 100, 1)
    touched = [f for f in data.data_files if f.max_id >= delete_from and f.min_id < delete_to]
    small_rows = sizes.small_files * sizes.small_file_rows
    live_files = {"files": [f.path for f in data.data_files]}

    def on_output(job):
        return {"output": str(job / "out.parquet")}

    def on_copy(template, **more):
        def prepare(job):
            copy_table(template, job / "table")
            return {"table": str(job / "table"), "output": str(job / "out.parquet"), **more}
        return prepare

    def printed(engine, params, stdout):
        return engine.count_from_output(stdout)

    def output_rows(engine, params, stdout):
        return rows_in_parquet(params["output"])

    def written_rows(engine, params, stdout):
        return rows_in_parquet(params["output"]) if engine.key == FLOOR else \
            rows_in_table(params["table"])

    def checkpoint_version(engine, params, stdout):
        last = pathlib.Path(params["table"]) / "_delta_log" / "_last_checkpoint"
        return json.loads(last.read_text())["version"]

    def files_left(engine, params, stdout):
        return data_files_on_disk(pathlib.Path(params["table"]))

    def vacuum_prepare(job):
        params = on_copy(data.vacuum_table)(job)
        params["files"] = [str(job / "table" / pathlib.Path(f.path).relative_to(
            data.small_table)) for f in data.small_files]
        return params

    workloads = [
        Workload("startup", "start-up, no work",
                 "each engine's fixed cost: a process that loads it and exits",
                 prepare=lambda job: {}),
        Workload("open-latest", "open latest snapshot",
                 f"{sizes.log_commits:,} commits, checkpoint every "
                 f"{sizes.checkpoint_interval}, {sizes.live_log_files(latest):,} live files",
                 prepare=lambda job: {"table": str(data.log_table)},
                 observe=printed, expected=lambda e: sizes.live_log_files(latest)),
        Workload("time-travel", f"time travel to v{old}",
                 f"the same table at version {old}: "
                 f"{sizes.live_log_files(old):,} live files",
                 prepare=lambda job: {"table": str(data.log_table), "version": old},
                 observe=printed, expected=lambda e: sizes.live_log_files(old)),
        Workload("full-scan", "full scan",
                 f"{sizes.scan_rows:,} rows in {sizes.scan_files} files, "
                 "written to a Parquet file",
                 prepare=lambda job: {"table": str(data.data_table), **on_output(job),
                                      "files": [f.path for f in data.data_files]},
                 observe=output_rows, expected=lambda e: sizes.scan_rows),
        Workload("filtered-scan", "filtered scan (id < 10%)",
                 f"statistics leave {len(skipped_to)} of {sizes.scan_files} files; "
                 f"{id_below:,} rows",
                 prepare=lambda job: {"table": str(data.data_table), **on_output(job),
                                      "id_below": id_below, "files": skipped_to},
                 observe=output_rows, expected=lambda e: id_below),
        Workload("to-pyarrow-table", "to_pyarrow_table()",
                 f"{sizes.scan_rows:,} rows in {sizes.scan_files} files into one pyarrow "
                 "Table in memory",
                 prepare=lambda job: {"table": str(data.data_table), **live_files},
                 observe=printed, expected=lambda e: sizes.scan_rows),
        Workload("to-pandas", "to_pandas()",
                 f"the same {sizes.scan_rows:,} rows into one pandas DataFrame (a Python "
                 "Decimal per price)",
                 prepare=lambda job: {"table": str(data.data_table), **live_files,
                                      "dataframe_packages": str(
                                          requirements.DATAFRAME_PACKAGES)},
                 observe=printed, expected=lambda e: sizes.scan_rows),
        Workload("append", f"append {sizes.write_rows:,} rows",
                 f"from one Parquet file into a copy of the {sizes.scan_files}-file table",
                 prepare=on_copy(data.data_table, rows=str(data.rows)),
                 observe=written_rows,
                 expected=lambda e: sizes.write_rows + (0 if e == FLOOR else sizes.scan_rows)),
        Workload("overwrite", f"overwrite with {sizes.write_rows:,} rows",
                 "the same input replacing the copy's rows",
                 prepare=on_copy(data.data_table, rows=str(data.rows)),
                 observe=written_rows, expected=lambda e: sizes.write_rows),
        Workload("checkpoint", "checkpoint write",
                 f"of the {sizes.live_log_files(latest):,}-file log table at its latest "
                 f"version {latest}",
                 prepare=on_copy(data.log_table),
                 observe=checkpoint_version, expected=lambda e: latest),
        Workload("delete", "delete 1%",
                 f"ids {delete_from:,}..{delete_to - 1:,}: {len(touched)} of "
                 f"{sizes.scan_files} files touched and rewritten",
                 prepare=on_copy(data.data_table, id_from=delete_from, id_to=delete_to,
                                 files=[f.path for f in touched]),
                 observe=written_rows,
                 expected=lambda e: (sum(f.rows for f in touched) if e == FLOOR
                                     else sizes.scan_rows) - (delete_to - delete_from)),
        Workload("merge", "merge upsert",
                 f"{data.merge_updates + data.merge_inserts:,} source rows: "
                 f"{data.merge_updates:,} updates, {data.merge_inserts:,} inserts",
                 prepare=on_copy(data.data_table, source=str(data.merge_source)),
                 observe=written_rows,
                 expected=lambda e: sizes.scan_rows + data.merge_inserts),
        Workload("optimize", f"optimize {sizes.small_files:,} small files",
                 f"{sizes.small_file_rows:,} rows each, compacted",
                 prepare=on_copy(data.small_table, files=[f.path for f in data.small_files]),
                 observe=written_rows, expected=lambda e: small_rows),
        Workload("vacuum", "vacuum",
                 f"the compacted table: its {sizes.small_files:,} removed files deleted",
                 prepare=vacuum_prepare,
                 observe=files_left, expected=lambda e: data.vacuum_live_files),
    ]
    assert [w.key for w in workloads] == list(SUMMARIES), "SUMMARIES is out of date"
    return workloads
