"""DeltaTable: one Delta table at one version, with deltalake's methods."""

from __future__ import annotations

import bisect
import datetime
import json
import os
import pathlib
import threading
import time
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Callable, Literal, NamedTuple
from urllib.parse import unquote

import pyarrow as pa

from deltacpp._filters import check_row_predicate, filters_to_predicate, is_arrow_expression
from deltacpp._load import _core
from deltacpp._table_handle import TableHandle
from deltacpp.exceptions import DeltaError, DeltaProtocolError
from deltacpp.merge import TableMerger
from deltacpp.schema import Schema
from deltacpp.transaction import (
    CommitProperties,
    PostCommitHookProperties,
    apply_commit_settings,
)
from deltacpp.writer import (
    WriterProperties,
    check_storage_options,
    new_request,
    table_uri_of,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow.dataset as ds
    import pyarrow.fs as pa_fs

FilterType = Any  # DNF tuples, e.g. [("year", "=", "2021")], or a predicate string

# Rows per batch when a whole table is read: fewer, larger chunks for pandas to join.
_TABLE_BATCH_ROWS = 1 << 20

# The delta.* table properties Delta Spark knows; create() refuses others unless asked
# not to (raise_if_key_not_exists=False), since a misspelt one would silently do nothing.
_KNOWN_TABLE_PROPERTIES = {
    "delta.appendOnly", "delta.autoOptimize.autoCompact", "delta.autoOptimize.optimizeWrite",
    "delta.checkpoint.writeStatsAsJson", "delta.checkpoint.writeStatsAsStruct",
    "delta.checkpointInterval", "delta.checkpointPolicy", "delta.columnMapping.mode",
    "delta.columnMapping.maxColumnId", "delta.compatibility.symlinkFormatManifest.enabled",
    "delta.dataSkippingNumIndexedCols", "delta.dataSkippingStatsColumns",
    "delta.deletedFileRetentionDuration", "delta.enableChangeDataFeed",
    "delta.enableDeletionVectors", "delta.enableExpiredLogCleanup",
    "delta.enableInCommitTimestamps", "delta.enableRowTracking", "delta.enableTypeWidening",
    "delta.inCommitTimestampEnablementTimestamp", "delta.inCommitTimestampEnablementVersion",
    "delta.isolationLevel", "delta.logRetentionDuration", "delta.minReaderVersion",
    "delta.minWriterVersion", "delta.randomizeFilePrefixes", "delta.randomPrefixLength",
    "delta.setTransactionRetentionDuration", "delta.targetFileSize", "delta.tuneFileSizesForRewrites",
    "delta.universalFormat.enabledFormats", "delta.parquet.format.version",
}


# The columns the change data feed adds to the table's.
_CHANGE_COLUMNS = ("_change_type", "_commit_version", "_commit_timestamp")


class ProtocolVersions(NamedTuple):
    """The table's protocol action: the versions and features readers and writers need."""

    min_reader_version: int
    min_writer_version: int
    writer_features: list[str] | None
    reader_features: list[str] | None


class Metadata:
    """The table's metaData action: id, name, description, partitioning, properties."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    @property
    def id(self) -> str:
        """The table's unique id (a UUID chosen at creation)."""
        return self._values["id"]

    @property
    def name(self) -> str | None:
        """The table's name, if it was given one."""
        return self._values["name"]

    @property
    def description(self) -> str | None:
        """The table's description, if it was given one."""
        return self._values["description"]

    @property
    def partition_columns(self) -> list[str]:
        """The columns the table is partitioned by, in order."""
        return list(self._values["partition_columns"])

    @property
    def created_time(self) -> int | None:
        """When the table was created, in ms since the epoch (if recorded)."""
        return self._values["created_time"]

    @property
    def configuration(self) -> dict[str, str]:
        """The table properties (``delta.*`` and others)."""
        return dict(self._values["configuration"])

    def __str__(self) -> str:
        return (f"Metadata(id: {self.id}, name: {self.name}, description: "
                f"{self.description}, partition_columns: {self.partition_columns}, "
                f"created_time: {self.created_time}, configuration: {self.configuration})")

    __repr__ = __str__


def _reader(capsule: Any) -> pa.RecordBatchReader:
    return pa.RecordBatchReader._import_from_c_capsule(capsule)


def _arrow_schema(snapshot: Any) -> pa.Schema:
    return pa.Schema._import_from_c_capsule(snapshot.arrow_schema())


def _and(*predicates: str | None) -> str | None:
    parts = [p for p in predicates if p]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else " AND ".join(f"({p})" for p in parts)


def _timestamp_ms(value: str | datetime.datetime) -> int:
    """Milliseconds since the epoch of an RFC 3339 / ISO 8601 text or a datetime (UTC when
    naive)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"cannot parse timestamp {text!r}: use ISO 8601, e.g. "
                             "'2024-01-31T12:00:00Z'") from None
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"expected a datetime or an ISO 8601 string, got {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return int(value.timestamp() * 1000)


def _version_at(timestamps: list[tuple[int, int]], timestamp_ms: int) -> int:
    """The newest version committed at or before ``timestamp_ms``; the oldest one kept
    when all are later (as deltalake does)."""
    times = [t for _, t in timestamps]
    index = bisect.bisect_right(times, timestamp_ms) - 1
    return timestamps[max(index, 0)][0]


def _positional_commit_args(args: tuple, commit_properties: Any,
                            post_commithook_properties: Any) -> tuple[Any, Any]:
    """deltalake still takes the commit settings positionally, with a warning."""
    if not args:
        return commit_properties, post_commithook_properties
    if len(args) > 2:
        raise TypeError(f"at most 2 positional commit arguments, got {len(args)}")
    warnings.warn("passing commit_properties and post_commithook_properties "
                  "positionally is deprecated; pass them as keywords",
                  DeprecationWarning, stacklevel=3)
    if commit_properties is None:
        commit_properties = args[0]
    if len(args) > 1 and post_commithook_properties is None:
        post_commithook_properties = args[1]
    return commit_properties, post_commithook_properties


def _sql_literal(value: Any) -> str:
    """A Python value as the SQL literal of our predicate grammar."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return f"TIMESTAMP_NTZ '{value.isoformat(sep=' ')}'"
        utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return f"TIMESTAMP '{utc.isoformat(sep=' ')}'"
    if isinstance(value, datetime.date):
        return f"DATE '{value.isoformat()}'"
    raise TypeError(f"new_values takes str, int, float, bool, None, date and datetime "
                    f"values; got {type(value).__name__}")


def _warn_partition_filters(partition_filters: Any) -> None:
    if partition_filters is not None:
        warnings.warn("`partition_filters` is deprecated; pass the filters to "
                      "`file_pruning_predicate` instead", DeprecationWarning, stacklevel=3)


def _deprecated_partitions(partitions: Any, filters: Any) -> Any:
    if partitions is None:
        return filters
    warnings.warn("`partitions` is deprecated; pass the filters to `filters` instead",
                  DeprecationWarning, stacklevel=3)
    return filters_to_predicate(partitions) if filters is None else _and(
        filters_to_predicate(partitions), filters_to_predicate(filters))


class DeltaTable(TableHandle):
    """A Delta table, loaded at one version (the newest unless asked).

    The object holds an immutable snapshot of the table's log; reading it from several
    threads at once is safe, and ``load_as_version`` or a ``write_deltalake`` to it
    replaces the snapshot. It exposes ``__arrow_c_stream__``, so ``pyarrow.table(dt)``,
    ``polars.from_arrow(dt)`` and DuckDB (``duckdb.sql("select * from dt")``) read its rows
    without a copy.

    Args:
        table_uri: the table's folder (a path, a ``pathlib.Path`` or a ``file://`` URI).
        version: the version to load (default: the newest).
        storage_options: not needed for local tables (object stores are not supported
            yet).
        without_files, log_buffer_size, skip_stats: accepted for compatibility with
            deltalake; the core always keeps the file list, compactly.

    Raises:
        TableNotFoundError: no Delta table there.
        DeltaError: the version does not exist.
        DeltaProtocolError: the log is corrupt, or the table needs a feature deltacpp
            does not support.
    """

    def __init__(self, table_uri: str | pathlib.Path | os.PathLike[str],
                 version: int | None = None, storage_options: dict[str, str] | None = None,
                 without_files: bool = False, log_buffer_size: int | None = None,
                 skip_stats: bool = False) -> None:
        self._uri = table_uri_of(table_uri)
        check_storage_options(storage_options, self._uri)
        self._storage_options = storage_options
        self._lock = threading.Lock()
        self._snapshot = _core.open(self._uri, version)

    def _load(self, version: int | None) -> None:
        snapshot = _core.open(self._uri, version)
        with self._lock:
            self._snapshot = snapshot

    # --- The table and its version

    @property
    def table_uri(self) -> str:
        """The table's location as a URI, e.g. ``file:///data/sales/``."""
        uri = self._snapshot.table_uri
        if "://" in uri:
            return uri if uri.endswith("/") else uri + "/"
        return pathlib.Path(uri).absolute().as_uri().rstrip("/") + "/"

    def version(self) -> int:
        """The version loaded."""
        return self._snapshot.version

    def schema(self) -> Schema:
        """The table's schema, as deltalake's Schema."""
        return Schema.from_json(self._snapshot.metadata()["schema_string"])

    def metadata(self) -> Metadata:
        """The table's metadata: id, name, description, partition columns, properties."""
        return Metadata(self._snapshot.metadata())

    def protocol(self) -> ProtocolVersions:
        """The reader and writer versions and features the table needs."""
        reader, writer, reader_features, writer_features = self._snapshot.protocol()
        # An empty feature list reads as None, as deltalake gives it.
        return ProtocolVersions(reader, writer, writer_features or None,
                                reader_features or None)

    @staticmethod
    def is_deltatable(table_uri: str | pathlib.Path | os.PathLike[str],
                      storage_options: dict[str, str] | None = None) -> bool:
        """True when the location holds a Delta table (a commit or a checkpoint)."""
        uri = table_uri_of(table_uri)
        check_storage_options(storage_options, uri)
        return _core.is_deltatable(uri)

    def load_as_version(self, version: int | str | datetime.datetime) -> None:
        """Loads another version: a number, or the version current at a time (a datetime,
        UTC when naive, or an ISO 8601 string). A time before the first commit loads the
        oldest version still in the log, as deltalake does."""
        if isinstance(version, bool):
            raise TypeError("version must be an int, a str or a datetime")
        if isinstance(version, int):
            self._load(version)
            return
        timestamp_ms = _timestamp_ms(version)
        latest = _core.open(self._uri, None)
        self._load(_version_at(latest.version_timestamps(), timestamp_ms))

    def load_version(self, version: int) -> None:
        """Deprecated alias of ``load_as_version(version)`` (removed in deltalake 1.0,
        still in its docs)."""
        warnings.warn("load_version is deprecated; use load_as_version",
                      DeprecationWarning, stacklevel=2)
        self.load_as_version(version)

    def load_with_datetime(self, datetime_string: str) -> None:
        """Deprecated alias of ``load_as_version(datetime_string)``."""
        warnings.warn("load_with_datetime is deprecated; use load_as_version",
                      DeprecationWarning, stacklevel=2)
        self.load_as_version(datetime_string)

    def update_incremental(self) -> None:
        """Loads the newest version."""
        self._load(None)

    def transaction_version(self, app_id: str) -> int | None:
        """The version application ``app_id`` last committed (see Transaction), if any."""
        return self._snapshot.app_transaction_version(app_id)

    def history(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The commits, newest first: each commit's commitInfo plus its ``version``."""
        if limit is not None and limit < 0:
            raise ValueError("limit must be >= 0")
        entries = []
        for version, timestamp_ms, commit_info in self._snapshot.history(limit):
            entry = json.loads(commit_info) if commit_info else {"timestamp": timestamp_ms}
            entry["version"] = version
            entries.append(entry)
        return entries

    # --- Files

    def files(self, partition_filters: FilterType | None = None) -> list[str]:
        """The paths of the table's data files, relative to its folder (only those that
        can hold rows matching ``partition_filters``)."""
        return self._snapshot.file_paths(filters_to_predicate(partition_filters), False)

    def file_uris(self, partition_filters: FilterType | None = None, *,
                  file_pruning_predicate: FilterType | None = None) -> list[str]:
        """The absolute paths of the data files that can hold rows matching the filters
        (partition values and statistics rule the others out)."""
        _warn_partition_filters(partition_filters)
        predicate = _and(filters_to_predicate(partition_filters),
                         filters_to_predicate(file_pruning_predicate))
        return self._snapshot.file_paths(predicate, True)

    def partitions(self, partition_filters: FilterType | None = None, *,
                   file_pruning_predicate: FilterType | None = None) -> list[dict[str, str]]:
        """The distinct partition values (as the log writes them) of the files that can
        hold matching rows (none for an unpartitioned table)."""
        _warn_partition_filters(partition_filters)
        if not self._snapshot.metadata()["partition_columns"]:
            return []
        predicate = _and(filters_to_predicate(partition_filters),
                         filters_to_predicate(file_pruning_predicate))
        wanted = None
        if predicate is not None:
            wanted = set(self._snapshot.file_paths(predicate, False))
        actions = _reader(self._snapshot.add_actions()).read_all()
        seen: dict[tuple, dict[str, str]] = {}
        paths = [unquote(p) for p in actions.column("path").to_pylist()]
        for path, values in zip(paths, actions.column("partition_values").to_pylist()):
            if wanted is not None and path not in wanted:
                continue
            partition = dict(values)
            seen.setdefault(tuple(sorted(partition.items(), key=str)), partition)
        return list(seen.values())

    def get_add_actions(self, flatten: bool = False) -> pa.Table:
        """The live files with their statistics: path, size_bytes, modification_time (ms),
        num_records, null_count, min, max (structs of the table's columns, typed) and,
        for partitioned tables, partition (a struct of typed values). With ``flatten``
        the structs become columns such as ``min.id``. (deltalake returns an arro3 table;
        this is a pyarrow one.)"""
        from deltacpp._add_actions import add_actions_table

        actions = _reader(self._snapshot.add_actions()).read_all()
        return add_actions_table(actions, self._snapshot, flatten)

    def count(self) -> int:
        """The number of rows: from the files' statistics when all have them."""
        actions = self.get_add_actions()
        counts = actions.column("num_records")
        if counts.null_count == 0:
            total = sum(counts.to_pylist())
            deleted = self._snapshot_deleted_rows()
            return total - deleted
        return sum(batch.num_rows for batch in self.scan())

    def _snapshot_deleted_rows(self) -> int:
        actions = _reader(self._snapshot.add_actions()).read_all()
        deleted = actions.column("deletion_vector_cardinality").to_pylist()
        return sum(d for d in deleted if d)

    # --- Rows

    def scan(self, columns: list[str] | None = None,
             predicate: str | None = None) -> pa.RecordBatchReader:
        """A lazy reader of the rows matching ``predicate`` (SQL-like text, e.g.
        ``"id > 10 AND day = '2024-01-01'"``): files the predicate rules out by partition
        values or statistics are never opened."""
        return _reader(self._snapshot.scan(columns, predicate, None, None))

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The Arrow PyCapsule stream of all rows of the version loaded; each call starts
        a new, lazy scan (``requested_schema`` is not applied)."""
        return self._snapshot.scan(None, None, None, _TABLE_BATCH_ROWS)

    def to_pyarrow_table(self, partitions: FilterType | None = None,
                         columns: list[str] | None = None,
                         filesystem: str | pa_fs.FileSystem | None = None,
                         filters: FilterType | Any | None = None) -> pa.Table:
        """The rows as a pyarrow Table.

        Args:
            partitions: deprecated; filters on partition columns (use ``filters``).
            columns: the columns to read, in this order (repeats allowed).
            filesystem: accepted for compatibility; the core reads the files itself.
            filters: DNF tuples (``[("year", "=", "2021")]``), a predicate string, or a
                ``pyarrow.compute.Expression`` (applied by pyarrow while streaming). Tuple
                and string filters skip files by partition values and statistics.
        """
        filters = _deprecated_partitions(partitions, filters)
        if is_arrow_expression(filters):
            import pyarrow.dataset as ds

            reader = _reader(self._snapshot.scan(None, None, None, _TABLE_BATCH_ROWS))
            scanner = ds.Scanner.from_batches(reader, filter=filters, columns=columns)
            return scanner.to_table()
        unique = list(dict.fromkeys(columns)) if columns is not None else None
        reader = _reader(self._snapshot.scan(unique, filters_to_predicate(filters), None,
                                              _TABLE_BATCH_ROWS))
        table = reader.read_all()
        if columns is not None and len(unique) != len(columns):
            table = table.select(columns)
        return table

    def to_pandas(self, partitions: FilterType | None = None,
                  columns: list[str] | None = None,
                  filesystem: str | pa_fs.FileSystem | None = None,
                  filters: FilterType | Any | None = None,
                  types_mapper: Callable[[pa.DataType], Any] | None = None) -> pd.DataFrame:
        """The rows as a pandas DataFrame (arguments as ``to_pyarrow_table``;
        ``types_mapper`` as pyarrow's ``Table.to_pandas``)."""
        table = self.to_pyarrow_table(partitions=partitions, columns=columns,
                                      filesystem=filesystem, filters=filters)
        return table.to_pandas(types_mapper=types_mapper)

    def to_pyarrow_dataset(self, partitions: FilterType | None = None,
                           filesystem: str | pa_fs.FileSystem | None = None,
                           parquet_read_options: Any | None = None,
                           schema: pa.Schema | None = None, as_large_types: bool = False,
                           file_pruning_predicate: FilterType | None = None) -> ds.Dataset:
        """A pyarrow Dataset of the table's Parquet files, with typed partition values,
        for pyarrow (or DuckDB, ...) to read. Tables with deletion vectors or column
        mapping need more than Parquet files say: read them with ``to_pyarrow_table`` or
        ``scan`` instead (this raises DeltaProtocolError, as deltalake does)."""
        import pyarrow.dataset as ds
        import pyarrow.fs as pa_fs

        from deltacpp._add_actions import typed_partition_values

        metadata = self._snapshot.metadata()
        mode = metadata["configuration"].get("delta.columnMapping.mode", "none")
        if mode != "none":
            raise DeltaProtocolError(
                f"table {self._uri} uses column mapping ({mode}): its Parquet files do "
                "not hold the logical columns; use to_pyarrow_table() or scan()")
        actions = _reader(self._snapshot.add_actions()).read_all()
        if actions.column("deletion_vector_cardinality").null_count != actions.num_rows:
            raise DeltaProtocolError(
                f"table {self._uri} has deletion vectors: its Parquet files hold deleted "
                "rows; use to_pyarrow_table() or scan()")
        predicate = _and(filters_to_predicate(partitions),
                         filters_to_predicate(file_pruning_predicate))
        if partitions is not None:
            warnings.warn("`partitions` is deprecated; use `file_pruning_predicate`",
                          DeprecationWarning, stacklevel=2)
        table_schema = pa.schema(_arrow_schema(self._snapshot))
        if schema is None:
            schema = table_schema
            if as_large_types:
                from deltacpp.schema import _large_types_schema

                schema = _large_types_schema(schema)
        relative = filesystem is not None
        if filesystem is None:
            filesystem = pa_fs.LocalFileSystem()
        elif isinstance(filesystem, str):
            filesystem, _ = pa_fs.FileSystem.from_uri(filesystem)
        paths = self._snapshot.file_paths(predicate, not relative)
        by_relative = {unquote(path): row
                       for row, path in enumerate(actions.column("path").to_pylist())}
        relative_paths = (paths if relative
                          else self._snapshot.file_paths(predicate, False))
        partition_columns = metadata["partition_columns"]
        values = typed_partition_values(actions, table_schema, partition_columns)
        file_format = ds.ParquetFileFormat(read_options=parquet_read_options)
        fragments = []
        for path, rel in zip(paths, relative_paths):
            row = by_relative.get(rel)
            expression = None
            if partition_columns and row is not None:
                for column in partition_columns:
                    value = values[column][row]
                    term = (ds.field(column).is_null() if not value.is_valid
                            else ds.field(column) == value)
                    expression = term if expression is None else expression & term
            fragments.append(file_format.make_fragment(
                path, filesystem,
                partition_expression=expression if expression is not None else ds.scalar(True)))
        return ds.FileSystemDataset(fragments, schema, file_format, filesystem)

    # --- Change data feed

    def load_cdf(self, starting_version: int = 0, ending_version: int | None = None,
                 starting_timestamp: str | None = None, ending_timestamp: str | None = None,
                 columns: list[str] | None = None, predicate: str | None = None,
                 allow_out_of_range: bool = False) -> pa.RecordBatchReader:
        """The change data feed (inserts, deletes, update pre- and post-images) of the
        versions from ``starting_version`` (or the first committed at or after
        ``starting_timestamp``) to ``ending_version`` (or the last committed at or before
        ``ending_timestamp``; default the newest), with ``_change_type``,
        ``_commit_version`` and ``_commit_timestamp`` columns. ``predicate`` filters the
        changed rows. An end after the newest version reads to the newest; with
        ``allow_out_of_range`` a start after it gives no rows instead of an error."""
        latest = _core.open(self._uri, None)
        if starting_timestamp is not None or ending_timestamp is not None:
            timestamps = latest.version_timestamps()
            times = [t for _, t in timestamps]
            if starting_timestamp is not None:
                index = bisect.bisect_left(times, _timestamp_ms(starting_timestamp))
                if index == len(times):
                    if allow_out_of_range:
                        return self._empty_changes(latest, columns)
                    raise DeltaError(f"no version of table {self._uri} was committed at or "
                                     f"after {starting_timestamp}")
                starting_version = timestamps[index][0]
            if ending_timestamp is not None:
                index = bisect.bisect_right(times, _timestamp_ms(ending_timestamp)) - 1
                if index < 0:
                    if allow_out_of_range:
                        return self._empty_changes(latest, columns)
                    raise DeltaError(f"no version of table {self._uri} was committed at or "
                                     f"before {ending_timestamp}")
                ending_version = timestamps[index][0]
        if starting_version > latest.version and allow_out_of_range:
            return self._empty_changes(latest, columns)
        if ending_version is not None and ending_version > latest.version:
            ending_version = latest.version  # as Delta Spark: up to the newest there is
        table_columns = None
        if columns is not None:
            table_columns = [c for c in columns if c not in _CHANGE_COLUMNS]
        reader = _reader(_core.load_cdf(self._uri, starting_version, ending_version,
                                        table_columns, predicate))
        if columns is None or reader.schema.names == list(columns):
            return reader
        # Exactly the columns asked for, in that order (the change columns too).
        schema = pa.schema([reader.schema.field(c) for c in columns])
        return pa.RecordBatchReader.from_batches(
            schema, (batch.select(columns) for batch in reader))

    def _empty_changes(self, latest: Any, columns: list[str] | None) -> pa.RecordBatchReader:
        schema = pa.schema(_arrow_schema(latest))
        schema = (schema.append(pa.field("_change_type", pa.string()))
                  .append(pa.field("_commit_version", pa.int64()))
                  .append(pa.field("_commit_timestamp", pa.timestamp("us", "UTC"))))
        if columns is not None:
            schema = pa.schema([schema.field(c) for c in columns])
        return pa.RecordBatchReader.from_batches(schema, [])

    # --- Changing rows

    def delete(self, predicate: str | None = None,
               writer_properties: WriterProperties | None = None, *args: Any,
               commit_properties: CommitProperties | None = None,
               post_commithook_properties: PostCommitHookProperties | None = None
               ) -> dict[str, Any]:
        """Deletes the rows where ``predicate`` holds (SQL-like text, e.g.
        ``"country = 'US' AND id > 10"``), or every row when it is None, and moves this
        object to the new version.

        Files whose rows all match are removed without being read, files the predicate's
        partition values or statistics rule out are not opened, and files with some
        matching rows are written again without them (with ``writer_properties``).
        Nothing is committed when no row matches. On a table with the change data feed
        the deleted rows are written to change data files (unless only whole files go).

        Returns the metrics: num_deleted_rows, num_removed_files, num_added_files,
        num_copied_rows and execution_time_ms.
        """
        commit_properties, post_commithook_properties = _positional_commit_args(
            args, commit_properties, post_commithook_properties)
        check_row_predicate(predicate, "predicate")
        request = new_request("append", None, None, None, None)
        if writer_properties is not None:
            writer_properties._apply(request)
        apply_commit_settings(request, commit_properties, post_commithook_properties)
        started = time.monotonic()
        result = _core.delete(self._uri, predicate, request)
        elapsed_ms = int((time.monotonic() - started) * 1000)
        self._load(result["version"])
        return {
            "num_added_files": result["num_added_files"],
            "num_removed_files": result["num_removed_files"],
            "num_deleted_rows": result["num_deleted_rows"],
            "num_copied_rows": result["num_copied_rows"],
            "execution_time_ms": elapsed_ms,
        }

    def update(self, updates: dict[str, str] | None = None,
               new_values: dict[str, int | float | str | datetime.datetime | bool | list[Any]]
               | None = None, predicate: str | None = None,
               writer_properties: WriterProperties | None = None,
               error_on_type_mismatch: bool = True, *args: Any,
               commit_properties: CommitProperties | None = None,
               post_commithook_properties: PostCommitHookProperties | None = None
               ) -> dict[str, Any]:
        """Sets columns in the rows where ``predicate`` holds (every row when None), and
        moves this object to the new version.

        ``updates`` maps columns to SQL values over the row (``{"n": "n + 1"}``);
        ``new_values`` maps them to Python values instead (str, int, float, bool, None,
        date and datetime). Files the predicate's partition values or statistics rule
        out are not read, and only files with a matching row are written again;
        generated columns are computed again. Nothing is committed when no row matches.
        On a table with the change data feed, each updated row's pre- and post-image is
        written to change data files.

        Returns the metrics: num_added_files, num_removed_files, num_updated_rows,
        num_copied_rows, execution_time_ms and scan_time_ms.
        """
        commit_properties, post_commithook_properties = _positional_commit_args(
            args, commit_properties, post_commithook_properties)
        del error_on_type_mismatch  # values never cast unsafely
        check_row_predicate(predicate, "predicate")
        if updates is not None and new_values is not None:
            raise ValueError("Passing updates and new_values at same time is not allowed, "
                             "pick one.")
        if updates is None and new_values is None:
            raise ValueError("Either updates or new_values need to be passed to update the "
                             "table.")
        if updates is not None:
            for key, value in updates.items():
                if not isinstance(value, str) or not isinstance(key, str):
                    raise TypeError("The values of the updates parameter must all be SQL "
                                    f"strings. Got {updates}. Did you mean to use the "
                                    "new_values parameter?")
            assignments = list(updates.items())
        else:
            assignments = [(key, _sql_literal(value)) for key, value in new_values.items()]
        request = new_request("append", None, None, None, None)
        if writer_properties is not None:
            writer_properties._apply(request)
        apply_commit_settings(request, commit_properties, post_commithook_properties)
        result = _core.update(self._uri, predicate, assignments, request)
        self._load(result.pop("version"))
        return result

    def merge(self, source: Any, predicate: str, source_alias: str | None = None,
              target_alias: str | None = None, merge_schema: bool = False,
              error_on_type_mismatch: bool = True,
              writer_properties: WriterProperties | None = None, streamed_exec: bool = True,
              max_spill_size: int | None = None, max_temp_directory_size: int | None = None,
              *args: Any, commit_properties: CommitProperties | None = None,
              post_commithook_properties: PostCommitHookProperties | None = None
              ) -> TableMerger:
        """A MERGE of ``source`` (Arrow data or a pandas DataFrame, read into memory)
        into this table on ``predicate`` (e.g. ``"target.id = source.id"``); add clauses
        with the ``when_*`` methods of the TableMerger returned, then ``execute()`` it.

        The predicate's equalities of a target and a source expression are the join's
        hash key; target files the source's key values rule out by partition values or
        statistics are not read, and only files where some row changes are written
        again. With ``merge_schema=True`` the source's columns the table lacks that a
        ``*_update_all`` / ``*_insert_all`` clause takes are added to the table (nullable).
        ``streamed_exec``, ``max_spill_size`` and ``max_temp_directory_size`` are
        accepted for deltalake's sake and do nothing; the source's columns must have the
        target's types or narrower ones (``error_on_type_mismatch`` is always on).
        """
        commit_properties, post_commithook_properties = _positional_commit_args(
            args, commit_properties, post_commithook_properties)
        if not isinstance(predicate, str):
            raise TypeError(f"predicate must be SQL text, got {type(predicate).__name__}")
        del streamed_exec, max_spill_size, max_temp_directory_size, error_on_type_mismatch

        def on_commit(version: int | None) -> None:
            self._load(version)

        return TableMerger(self, source, predicate, source_alias, target_alias, merge_schema,
                           writer_properties, commit_properties, post_commithook_properties,
                           on_commit)

    # --- Maintenance

    @property
    def optimize(self) -> TableOptimizer:
        """Compaction and Z-order of this table's data files: ``dt.optimize.compact()``
        and ``dt.optimize.z_order(["x", "y"])`` (see TableOptimizer)."""
        return TableOptimizer(self)

    def vacuum(self, retention_hours: int | None = None, dry_run: bool = True,
               enforce_retention_duration: bool = True, *args: Any,
               commit_properties: CommitProperties | None = None,
               post_commithook_properties: PostCommitHookProperties | None = None,
               full: bool = False, keep_versions: list[int] | None = None) -> list[str]:
        """Deletes the data files the table no longer needs and returns their paths
        (relative to the table); with ``dry_run`` (the default) only lists them.

        A file goes when the newest version does not use it and it was removed (or, with
        ``full``, last written) longer ago than ``retention_hours`` (default the table's
        ``delta.deletedFileRetentionDuration``, a week). A shorter retention needs
        ``enforce_retention_duration=False``. Without ``full`` only the files of expired
        removals are deleted (found in the log, no listing); with it every file under the
        table that nothing needs, as Delta Spark's VACUUM. Live deletion vector files,
        ``_delta_log`` and hidden files are kept; ``keep_versions`` keeps the files of
        those versions too. A real run records VACUUM START and VACUUM END commits and
        moves this object to the newest version.
        """
        commit_properties, post_commithook_properties = _positional_commit_args(
            args, commit_properties, post_commithook_properties)
        if retention_hours is not None and retention_hours < 0:
            raise ValueError("The retention period should be positive.")
        request = new_request("append", None, None, None, None)
        apply_commit_settings(request, commit_properties, post_commithook_properties)
        retention_ms = None if retention_hours is None else int(retention_hours * 3_600_000)
        deleted = _core.vacuum(self._uri, retention_ms, dry_run, enforce_retention_duration,
                               full, list(keep_versions or []), request)
        if not dry_run:
            self._load(None)
        return deleted

    def create_checkpoint(self) -> None:
        """Writes a checkpoint of the version loaded."""
        self._snapshot.checkpoint()

    def cleanup_metadata(self) -> None:
        """Deletes the log files older than the table's ``delta.logRetentionDuration``
        (default 30 days) that no version after the newest expired checkpoint needs."""
        self._snapshot.cleanup_metadata(None, False)

    @classmethod
    def create(cls, table_uri: str | pathlib.Path, schema: Schema | Any,
               mode: Literal["error", "append", "overwrite", "ignore"] = "error",
               partition_by: list[str] | str | None = None, name: str | None = None,
               description: str | None = None,
               configuration: Mapping[str, str | None] | None = None,
               storage_options: dict[str, str] | None = None, *args: Any,
               commit_properties: CommitProperties | None = None,
               post_commithook_properties: PostCommitHookProperties | None = None,
               raise_if_key_not_exists: bool = True) -> DeltaTable:
        """Creates an empty table with ``schema`` (a deltacpp Schema or anything with
        ``__arrow_c_schema__``) and returns it.

        ``mode``: "error" fails if a table is there; "ignore" and "append" keep an
        existing table as it is; "overwrite" replaces it (CREATE OR REPLACE: the same table
        id and history, a new schema, partitioning and properties, no rows).
        ``raise_if_key_not_exists`` refuses ``delta.*`` properties Delta does not know.
        """
        commit_properties, post_commithook_properties = _positional_commit_args(
            args, commit_properties, post_commithook_properties)
        uri = table_uri_of(table_uri)
        check_storage_options(storage_options, uri)
        if raise_if_key_not_exists:
            for key in configuration or {}:
                if key.startswith("delta.") and key not in _KNOWN_TABLE_PROPERTIES:
                    raise DeltaError(f"unknown table property {key!r} (pass "
                                     "raise_if_key_not_exists=False to set it anyway)")
        request = new_request("ignore" if mode == "append" else mode, partition_by, name,
                              description, configuration)
        apply_commit_settings(request, commit_properties, post_commithook_properties)
        if isinstance(schema, Schema):
            # Straight from the protocol's JSON: field metadata stays exactly as given.
            capsule = _core.schema_from_json(schema.to_json())
        elif hasattr(schema, "__arrow_c_schema__"):
            capsule = schema.__arrow_c_schema__()
        else:
            raise TypeError("schema must be a deltacpp Schema or have __arrow_c_schema__")
        _core.create(uri, capsule, request)
        return cls(uri)


class TableOptimizer:
    """OPTIMIZE: rewrites small data files into larger ones, or Z-orders partitions,
    without changing the table's rows (``DeltaTable.optimize``).

    Files are removed and added with ``dataChange`` false, so the change data feed and
    streaming readers see no change, and append-only tables can be optimized; time travel
    to earlier versions keeps working until ``vacuum`` deletes the old files. A concurrent
    commit that removes a file being rewritten makes it fail (CommitFailedError);
    concurrent appends do not. It always optimizes the newest version of the table, then
    moves the DeltaTable to the newest version.

    ``max_concurrent_tasks``, ``max_spill_size`` and ``max_temp_directory_size`` are
    accepted for deltalake's sake and do nothing: data files are read on Arrow's thread
    pool, and a Z-order holds one partition's rows in memory.
    """

    def __init__(self, table: DeltaTable) -> None:
        self.table = table

    def compact(self, partition_filters: FilterType | None = None,
                target_size: int | None = None, max_concurrent_tasks: int | None = None,
                max_spill_size: int | None = None,
                max_temp_directory_size: int | None = None,
                min_commit_interval: int | datetime.timedelta | None = None,
                writer_properties: WriterProperties | None = None, *args: Any,
                commit_properties: CommitProperties | None = None,
                post_commithook_properties: PostCommitHookProperties | None = None
                ) -> dict[str, Any]:
        """Compacts small files, partition by partition.

        Files smaller than ``target_size`` (default: the table's ``delta.targetFileSize``,
        else 100 MiB), and files with a deletion vector, are grouped in the log's order
        (newest first) into groups of consecutive files of at most ``target_size`` bytes,
        each written to one new file with its rows in order (the rows deletion vectors
        deleted are dropped for good). A group of one file without a deletion vector is
        left alone. ``partition_filters`` (DNF tuples or a predicate on partition columns)
        selects the partitions. ``min_commit_interval`` (seconds or a timedelta) commits
        the work done so far whenever that long has passed (0: a commit per group).
        Nothing is committed when there is nothing to compact.

        Returns deltalake's metrics: numFilesAdded, numFilesRemoved, filesAdded and
        filesRemoved (JSON texts of avg, max, min, totalFiles, totalSize),
        partitionsOptimized, numBatches, totalConsideredFiles, totalFilesSkipped,
        preserveInsertionOrder, plannerStrategy, preservedStableOrder, maxBinSpanFiles.
        """
        commit_properties, post_commithook_properties = _positional_commit_args(
            args, commit_properties, post_commithook_properties)
        del max_concurrent_tasks, max_spill_size, max_temp_directory_size
        return self._optimize([], partition_filters, target_size, min_commit_interval,
                              writer_properties, commit_properties,
                              post_commithook_properties)

    def z_order(self, columns: Iterable[str], partition_filters: FilterType | None = None,
                target_size: int | None = None, max_concurrent_tasks: int | None = None,
                max_spill_size: int | None = None,
                max_temp_directory_size: int | None = None,
                min_commit_interval: int | datetime.timedelta | None = None,
                writer_properties: WriterProperties | None = None, *args: Any,
                commit_properties: CommitProperties | None = None,
                post_commithook_properties: PostCommitHookProperties | None = None
                ) -> dict[str, Any]:
        """Rewrites every file of each selected partition with its rows sorted along a
        Z-order curve of ``columns`` (data columns, not partition columns), cut into files
        of about ``target_size`` bytes, so that each file spans a narrow range of every
        column and data skipping prunes better.

        The other arguments and the metrics are those of ``compact``.
        """
        commit_properties, post_commithook_properties = _positional_commit_args(
            args, commit_properties, post_commithook_properties)
        del max_concurrent_tasks, max_spill_size, max_temp_directory_size
        columns = [columns] if isinstance(columns, str) else list(columns)
        if not columns:
            raise ValueError("Z-order needs at least one column")
        for column in columns:
            if not isinstance(column, str):
                raise TypeError(f"Z-order columns must be names, got {column!r}")
        return self._optimize(columns, partition_filters, target_size, min_commit_interval,
                              writer_properties, commit_properties,
                              post_commithook_properties)

    def _optimize(self, z_order: list[str], partition_filters: FilterType | None,
                  target_size: int | None,
                  min_commit_interval: int | datetime.timedelta | None,
                  writer_properties: WriterProperties | None,
                  commit_properties: CommitProperties | None,
                  post_commithook_properties: PostCommitHookProperties | None
                  ) -> dict[str, Any]:
        if target_size is not None and (not isinstance(target_size, int) or target_size < 1):
            raise ValueError(f"target_size must be a positive number of bytes, "
                             f"got {target_size!r}")
        interval_ms = None
        if min_commit_interval is not None:
            if isinstance(min_commit_interval, datetime.timedelta):
                interval_ms = int(min_commit_interval.total_seconds() * 1000)
            else:
                interval_ms = int(min_commit_interval * 1000)
            if interval_ms < 0:
                raise ValueError("min_commit_interval must not be negative")
        request = new_request("append", None, None, None, None)
        if writer_properties is not None:
            writer_properties._apply(request)
        apply_commit_settings(request, commit_properties, post_commithook_properties)
        table = self.table
        result = _core.optimize(table._uri, filters_to_predicate(partition_filters),
                                target_size, z_order, interval_ms, request.data_files,
                                request.commit, request.app_transactions)
        table._load(None)
        z_ordered = bool(z_order)
        return {
            "numFilesAdded": result["num_files_added"],
            "numFilesRemoved": result["num_files_removed"],
            "filesAdded": _file_sizes_json(result["files_added"]),
            "filesRemoved": _file_sizes_json(result["files_removed"]),
            "partitionsOptimized": result["partitions_optimized"],
            "numBatches": result["num_batches"],
            "totalConsideredFiles": result["total_considered_files"],
            "totalFilesSkipped": result["total_files_skipped"],
            "preserveInsertionOrder": not z_ordered,
            "plannerStrategy": "zOrder" if z_ordered else "preserveLocality",
            "preservedStableOrder": not z_ordered,
            "maxBinSpanFiles": result["max_bin_files"],
        }


def _file_sizes_json(sizes: Mapping[str, Any]) -> str:
    """deltalake's text of file size metrics: a JSON object, in its key order."""
    return json.dumps({"avg": float(sizes["avg"]), "max": sizes["max"], "min": sizes["min"],
                       "totalFiles": sizes["total_files"], "totalSize": sizes["total_size"]},
                      separators=(",", ":"))


__all__ = ["DeltaTable", "Metadata", "ProtocolVersions", "TableOptimizer"]
