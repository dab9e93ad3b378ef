"""Deterministic benchmark data: the same sizes always give the same rows and tables.

Every data set is built once into the data folder and reused by later runs (building the
full size takes minutes; timing must not include it). A data set is built under a
temporary name and renamed when complete, so an interrupted build is never mistaken for a
finished one. GENERATION is part of every name: bump it when the generator changes, so
that stale data is never reused.

The data sets:
  rows        N rows of a mixed 10-column schema in one Parquet file: the input of the
              append and overwrite workloads.
  log table   C commits of F files each (one file removed per commit), checkpoints every
              K commits written by deltalake, so the checkpoint is the reference's own
              format. Only the log exists: the data files are never opened by the
              workloads that use it (opening a snapshot, time travel, checkpoint).
  data table  N rows in S files, one deltalake append each, ids ascending, so that each
              file's min/max statistics cover a disjoint id range and a filter on id can
              skip files.
  small table M files of R rows (M deltalake appends), to be compacted.
  vacuum table  the small table after deltalake compacted it: M files are tombstones.
  merge source  1% of the data table's rows: half of them update the last ids, half insert
              new ids.
"""
import dataclasses
import json
import pathlib
import shutil
import time

GENERATION = "g1"
# A fixed clock for the synthetic log: commits are one second apart from here.
LOG_EPOCH_MS = 1_700_000_000_000


@dataclasses.dataclass(frozen=True)
class Sizes:
    """How big each data set is, and how many times each workload runs."""
    log_commits: int
    log_files_per_commit: int
    checkpoint_interval: int
    scan_rows: int
    scan_files: int
    write_rows: int
    small_files: int
    small_file_rows: int
    repeat: int

    def problem(self) -> str | None:
        """Why these sizes cannot make the workloads' data, if they cannot."""
        if min(dataclasses.astuple(self)) < 1:
            return "every size and --repeat must be at least 1"
        if self.log_commits < 2:
            return "--log-commits must be at least 2 (time travel needs an old version)"
        if self.scan_files % 10 or self.scan_rows % self.scan_files:
            return ("--scan-files must be a multiple of 10 (the filtered scan reads a tenth "
                    "of them) and divide --scan-rows")
        return None

    def live_log_files(self, version: int) -> int:
        """Live files of the log table at `version`: F added per commit, one removed."""
        return (version + 1) * self.log_files_per_commit - version

    @property
    def time_travel_version(self) -> int:
        """An old version half way back, a few commits past a checkpoint (so that the
        reader needs the checkpoint and some commits after it, as a real one would)."""
        return min(self.log_commits // 2 + min(7, self.checkpoint_interval // 2),
                   self.log_commits - 1)


# --quick must finish in minutes on two cores; --full is the size the issue names
# (100,001 live files in 1,000 commits, 10M rows); --smoke only proves that it all runs.
PRESETS = {
    "smoke": Sizes(log_commits=12, log_files_per_commit=5, checkpoint_interval=5,
                   scan_rows=20_000, scan_files=10, write_rows=20_000, small_files=20,
                   small_file_rows=100, repeat=1),
    "quick": Sizes(log_commits=500, log_files_per_commit=50, checkpoint_interval=50,
                   scan_rows=4_000_000, scan_files=40, write_rows=4_000_000,
                   small_files=200, small_file_rows=1_000, repeat=3),
    "full": Sizes(log_commits=1_000, log_files_per_commit=101, checkpoint_interval=100,
                  scan_rows=10_000_000, scan_files=100, write_rows=10_000_000,
                  small_files=1_000, small_file_rows=1_000, repeat=3),
}


@dataclasses.dataclass(frozen=True)
class DataFile:
    """One live data file of a generated table, as its log lists it."""
    path: str  # absolute
    rows: int
    min_id: int
    max_id: int


@dataclasses.dataclass(frozen=True)
class Datasets:
    """Where the generated data sets are, and what the floor needs to know about them."""
    rows: pathlib.Path
    log_table: pathlib.Path
    data_table: pathlib.Path
    data_files: list[DataFile]
    small_table: pathlib.Path
    small_files: list[DataFile]
    vacuum_table: pathlib.Path
    vacuum_live_files: int
    merge_source: pathlib.Path
    merge_updates: int
    merge_inserts: int


def make_batch(first_id: int, count: int, salt: int = 0):
    """Rows first_id..first_id+count-1 of the benchmark schema. The other columns are
    derived from the id (and salt, which the merge source uses to change values), so
    that any range of rows is the same in every run."""
    import pyarrow as pa
    import pyarrow.compute as pc
    ids = pa.array(range(first_id, first_id + count), pa.int64())
    mixed = pc.bit_wise_and(pc.add(pc.multiply(ids, 2654435761), salt), 0x7FFFFFFF)
    categories = pa.array(["books", "games", "music", "food", "toys"])
    return pa.table({
        "id": ids,
        "user": pc.cast(pc.bit_wise_and(mixed, 0xFFFF), pa.int32()),
        "amount": pc.divide(pc.cast(mixed, pa.float64()), 2147483.647),
        "quantity": pc.cast(pc.add(pc.bit_wise_and(mixed, 31), 1), pa.int16()),
        "price": pc.cast(pc.cast(pc.bit_wise_and(mixed, 0xFFFFF), pa.int32()),
                         pa.decimal128(12, 2)),
        "category": pc.take(categories, pc.bit_wise_and(mixed, 3)),
        "comment": pc.binary_join_element_wise("order ", pc.cast(ids, pa.string()), ""),
        "day": pc.cast(pc.cast(pc.add(pc.bit_wise_and(ids, 255), 19723), pa.int32()),
                       pa.date32()),
        "ts": pc.cast(pc.add(pc.multiply(ids, 1_000_003), 1_704_067_200_000_000),
                      pa.timestamp("us", tz="UTC")),
        "flag": pc.equal(pc.bit_wise_and(ids, 1), 0),
    })


def _build_once(final: pathlib.Path, build) -> pathlib.Path:
    """Runs build(temporary path) unless `final` exists, then renames it into place."""
    if final.exists():
        return final
    partial = final.with_name(final.name + ".partial")
    if partial.is_dir():
        shutil.rmtree(partial)
    else:
        partial.unlink(missing_ok=True)
    started = time.perf_counter()
    build(partial)
    partial.rename(final)
    print(f"bench: generated {final} in {time.perf_counter() - started:.1f}s", flush=True)
    return final


def _write_rows_file(path: pathlib.Path, rows: int):
    import pyarrow.parquet as pq
    chunk = 1_000_000
    writer = None
    for start in range(0, rows, chunk):
        batch = make_batch(start, min(chunk, rows - start))
        if writer is None:
            writer = pq.ParquetWriter(path, batch.schema)
        writer.write_table(batch)
    writer.close()


def _log_commit_lines(version: int, files_per_commit: int) -> list[str]:
    """Commit `version` of the log table: F adds with statistics, and the removal of the
    first file the previous commit added."""
    first_file = version * files_per_commit
    lines = [json.dumps({"commitInfo": {"timestamp": LOG_EPOCH_MS + version * 1000,
                                        "operation": "WRITE",
                                        "operationParameters": {"mode": "Append"}}})]
    if version == 0:
        schema = {"type": "struct", "fields": [
            {"name": "id", "type": "long", "nullable": True, "metadata": {}},
            {"name": "value", "type": "double", "nullable": True, "metadata": {}},
            {"name": "name", "type": "string", "nullable": True, "metadata": {}},
            {"name": "day", "type": "string", "nullable": True, "metadata": {}}]}
        lines.append(json.dumps({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}))
        lines.append(json.dumps({"metaData": {
            "id": "00000000-0000-0000-0000-000000000001",
            "format": {"provider": "parquet", "options": {}},
            "schemaString": json.dumps(schema), "partitionColumns": ["day"],
            # The log is older than any retention period: no engine may delete it.
            "configuration": {"delta.enableExpiredLogCleanup": "false"},
            "createdTime": LOG_EPOCH_MS}}))

    def path_of(file_id):
        day = f"2024-01-{(file_id % 28) + 1:02d}"
        return day, f"day={day}/part-{file_id:08d}-c000.snappy.parquet"

    for file_id in range(first_file, first_file + files_per_commit):
        day, path = path_of(file_id)
        stats = {"numRecords": 1000,
                 "minValues": {"id": file_id * 1000, "value": 0.5, "name": f"a{file_id}"},
                 "maxValues": {"id": file_id * 1000 + 999, "value": 99.5,
                               "name": f"z{file_id}"},
                 "nullCount": {"id": 0, "value": 3, "name": 1}}
        lines.append(json.dumps({"add": {
            "path": path, "partitionValues": {"day": day}, "size": 123_456,
            "modificationTime": LOG_EPOCH_MS + version, "dataChange": True,
            "stats": json.dumps(stats)}}))
    if version > 0:
        _, path = path_of(first_file - files_per_commit)
        lines.append(json.dumps({"remove": {
            "path": path, "deletionTimestamp": LOG_EPOCH_MS + version, "dataChange": True}}))
    return lines


def _write_log_table(path: pathlib.Path, sizes: Sizes):
    from deltalake import DeltaTable
    log = path / "_delta_log"
    log.mkdir(parents=True)
    for version in range(sizes.log_commits):
        lines = _log_commit_lines(version, sizes.log_files_per_commit)
        (log / f"{version:020d}.json").write_text("\n".join(lines) + "\n")
        if version > 0 and version % sizes.checkpoint_interval == 0:
            DeltaTable(str(path)).create_checkpoint()


def _appends_table(path: pathlib.Path, files: int, rows_per_file: int):
    """A table of `files` deltalake appends (one file each) of consecutive ids."""
    from deltalake import write_deltalake
    for index in range(files):
        # delta-rs checkpoints every 100 commits and delta-cpp every 10 by default: pin
        # it, so that a write workload costs both engines the same checkpoint work.
        write_deltalake(str(path), make_batch(index * rows_per_file, rows_per_file),
                        mode="append",
                        configuration={"delta.checkpointInterval": "100"} if index == 0
                        else None)


def _write_manifest(table: pathlib.Path):
    """Saves the live files of a table (from its own log, read by deltalake) beside it,
    never inside it: vacuum would delete it. Paths are relative to the table."""
    import pyarrow as pa
    from deltalake import DeltaTable
    adds = pa.table(DeltaTable(str(table)).get_add_actions(flatten=True)).to_pylist()
    files = [{"path": add["path"], "rows": add["num_records"], "min_id": add["min.id"],
              "max_id": add["max.id"]} for add in adds]
    _manifest_path(table).write_text(json.dumps(files))


def _manifest_path(table: pathlib.Path) -> pathlib.Path:
    return table.with_name(table.name.removesuffix(".partial") + ".files.json")


def _read_manifest(table: pathlib.Path) -> list[DataFile]:
    """The live files of a generated table, ordered by id, with absolute paths."""
    entries = json.loads(_manifest_path(table).read_text())
    files = [DataFile(path=str(table / entry["path"]), rows=entry["rows"],
                      min_id=entry["min_id"], max_id=entry["max_id"]) for entry in entries]
    return sorted(files, key=lambda file: file.min_id)


def generate(root: pathlib.Path, sizes: Sizes) -> Datasets:
    """Builds the data sets `sizes` needs under root (each only once) and returns them."""
    import pyarrow.parquet as pq
    from deltalake import DeltaTable
    root = root / GENERATION
    root.mkdir(parents=True, exist_ok=True)

    rows = _build_once(root / f"rows-{sizes.write_rows}.parquet",
                       lambda path: _write_rows_file(path, sizes.write_rows))
    log_table = _build_once(
        root / f"log-{sizes.log_commits}x{sizes.log_files_per_commit}"
               f"-every{sizes.checkpoint_interval}",
        lambda path: _write_log_table(path, sizes))

    def data_table(path):
        _appends_table(path, sizes.scan_files, sizes.scan_rows // sizes.scan_files)
        _write_manifest(path)

    data = _build_once(root / f"data-{sizes.scan_rows}x{sizes.scan_files}", data_table)

    def small_table(path):
        _appends_table(path, sizes.small_files, sizes.small_file_rows)
        _write_manifest(path)

    small = _build_once(root / f"small-{sizes.small_files}x{sizes.small_file_rows}",
                        small_table)

    def vacuum_table(path):
        shutil.copytree(small, path)
        DeltaTable(str(path)).optimize.compact()
        _write_manifest(path)

    vacuum = _build_once(root / f"vacuum-{sizes.small_files}x{sizes.small_file_rows}",
                         vacuum_table)

    merge_rows = max(sizes.scan_rows // 100, 2)
    updates = merge_rows // 2
    merge_source = _build_once(
        root / f"merge-{sizes.scan_rows}-{merge_rows}.parquet",
        lambda path: pq.write_table(
            make_batch(sizes.scan_rows - updates, merge_rows, salt=1), path))

    return Datasets(rows=rows, log_table=log_table, data_table=data,
                    data_files=_read_manifest(data), small_table=small,
                    small_files=_read_manifest(small), vacuum_table=vacuum,
                    vacuum_live_files=len(_read_manifest(vacuum)),
                    merge_source=merge_source, merge_updates=updates,
                    merge_inserts=merge_rows - updates)
