"""The C++ core of deltacpp; use the package deltacpp, not this module."""

from collections.abc import Mapping, Sequence

from typing_extensions import CapsuleType


def schema_from_json(json: str) -> CapsuleType:
    """An arrow_schema capsule of a schema in the Delta protocol's JSON."""

def schema_to_json(schema_capsule: object) -> str:
    """The Delta protocol's JSON of an arrow_schema capsule's schema."""

class Snapshot:
    """One version of a Delta table, as loaded from its log."""

    @property
    def version(self) -> int:
        """The version loaded."""

    @property
    def table_uri(self) -> str:
        """The table's root, normalised (an absolute path for local tables)."""

    @property
    def commit_timestamp_ms(self) -> int:
        """
        When the version was committed (in-commit timestamp or file time), in ms.
        """

    @property
    def num_files(self) -> int:
        """The number of live data files."""

    def protocol(self) -> tuple[int, int, list[str] | None, list[str] | None]:
        """
        (min_reader_version, min_writer_version, reader_features, writer_features)
        """

    def metadata(self) -> dict:
        """The metaData action, as a dict."""

    def arrow_schema(self) -> CapsuleType:
        """The logical schema, as an arrow_schema capsule."""

    def app_transaction_version(self, app_id: str) -> int | None:
        """The version application `app_id` last committed, or None."""

    def file_paths(self, predicate: str | None = None, absolute: bool = False) -> list[str]:
        """Paths of the files a scan with `predicate` reads."""

    def add_actions(self) -> CapsuleType:
        """The live files, as an arrow_array_stream capsule."""

    def history(self, limit: int | None = None) -> list[tuple[int, int, str | None]]:
        """(version, timestamp ms, commitInfo JSON or None), newest first."""

    def version_timestamps(self) -> list[tuple[int, int]]:
        """
        (version, timestamp ms) of every version still in the log, oldest first.
        """

    def scan(self, columns: Sequence[str] | None = None, predicate: str | None = None, limit: int | None = None, batch_size: int | None = None) -> CapsuleType:
        """The rows, as an arrow_array_stream capsule read lazily."""

    def checkpoint(self) -> None:
        """Writes a checkpoint of this version."""

    def cleanup_metadata(self, retention: str | None = None, dry_run: bool = False) -> list[str]:
        """Deletes expired log files; returns their names."""

def open(uri: str, version: int | None = None) -> Snapshot:
    """The snapshot of `uri` at `version` (the newest when None)."""

def open_at_timestamp(uri: str, timestamp_ms: int) -> Snapshot:
    """The snapshot of `uri` that was current at `timestamp_ms`."""

def is_deltatable(uri: str) -> bool:
    """
    True when `uri` holds a Delta table (a commit or checkpoint in _delta_log/).
    """

def load_cdf(uri: str, starting_version: int, ending_version: int | None = None, columns: Sequence[str] | None = None, predicate: str | None = None) -> CapsuleType:
    """The change data feed, as an arrow_array_stream capsule."""

def check_predicate(predicate: str) -> str:
    """The predicate in canonical form; raises if it does not parse."""

class ParquetColumnOptions:
    """Parquet settings of one column (None: Arrow's default)."""

    def __init__(self) -> None: ...

    @property
    def dictionary(self) -> bool | None: ...

    @dictionary.setter
    def dictionary(self, arg: bool | None, /) -> None: ...

    @property
    def statistics(self) -> bool | None: ...

    @statistics.setter
    def statistics(self, arg: bool | None, /) -> None: ...

    @property
    def bloom_filter_fpp(self) -> float | None: ...

    @bloom_filter_fpp.setter
    def bloom_filter_fpp(self, arg: float | None, /) -> None: ...

    @property
    def bloom_filter_ndv(self) -> int | None: ...

    @bloom_filter_ndv.setter
    def bloom_filter_ndv(self, arg: int | None, /) -> None: ...

    @property
    def encoding(self) -> str | None: ...

    @encoding.setter
    def encoding(self, arg: str | None, /) -> None: ...

class DataFileOptions:
    """How data files are written (ops/partitioned_writer.h)."""

    def __init__(self) -> None: ...

    @property
    def compression(self) -> str: ...

    @compression.setter
    def compression(self, arg: str, /) -> None: ...

    @property
    def compression_level(self) -> int | None: ...

    @compression_level.setter
    def compression_level(self, arg: int | None, /) -> None: ...

    @property
    def max_rows_per_file(self) -> int: ...

    @max_rows_per_file.setter
    def max_rows_per_file(self, arg: int, /) -> None: ...

    @property
    def target_file_size(self) -> int: ...

    @target_file_size.setter
    def target_file_size(self, arg: int, /) -> None: ...

    @property
    def max_rows_per_row_group(self) -> int: ...

    @max_rows_per_row_group.setter
    def max_rows_per_row_group(self, arg: int, /) -> None: ...

    @property
    def data_page_size(self) -> int | None: ...

    @data_page_size.setter
    def data_page_size(self, arg: int | None, /) -> None: ...

    @property
    def dictionary_page_size(self) -> int | None: ...

    @dictionary_page_size.setter
    def dictionary_page_size(self, arg: int | None, /) -> None: ...

    @property
    def data_page_row_count(self) -> int | None: ...

    @data_page_row_count.setter
    def data_page_row_count(self, arg: int | None, /) -> None: ...

    @property
    def write_batch_size(self) -> int | None: ...

    @write_batch_size.setter
    def write_batch_size(self, arg: int | None, /) -> None: ...

    @property
    def default_columns(self) -> ParquetColumnOptions: ...

    @default_columns.setter
    def default_columns(self, arg: ParquetColumnOptions, /) -> None: ...

    @property
    def columns(self) -> dict[str, ParquetColumnOptions]: ...

    @columns.setter
    def columns(self, arg: Mapping[str, ParquetColumnOptions], /) -> None: ...

class CommitOptions:
    """How a commit is made (txn/transaction.h)."""

    def __init__(self) -> None: ...

    @property
    def max_attempts(self) -> int: ...

    @max_attempts.setter
    def max_attempts(self, arg: int, /) -> None: ...

    @property
    def checkpoint(self) -> bool: ...

    @checkpoint.setter
    def checkpoint(self, arg: bool, /) -> None: ...

    @property
    def cleanup_expired_logs(self) -> bool: ...

    @cleanup_expired_logs.setter
    def cleanup_expired_logs(self, arg: bool, /) -> None: ...

    @property
    def custom_metadata(self) -> dict[str, str]: ...

    @custom_metadata.setter
    def custom_metadata(self, arg: Mapping[str, str], /) -> None: ...

class WriteRequest:
    """The options of write and create, as plain values."""

    def __init__(self) -> None: ...

    @property
    def mode(self) -> str: ...

    @mode.setter
    def mode(self, arg: str, /) -> None: ...

    @property
    def schema_mode(self) -> str: ...

    @schema_mode.setter
    def schema_mode(self, arg: str, /) -> None: ...

    @property
    def predicate(self) -> str | None: ...

    @predicate.setter
    def predicate(self, arg: str | None, /) -> None: ...

    @property
    def partition_by(self) -> list[str]: ...

    @partition_by.setter
    def partition_by(self, arg: Sequence[str], /) -> None: ...

    @property
    def name(self) -> str | None: ...

    @name.setter
    def name(self, arg: str | None, /) -> None: ...

    @property
    def description(self) -> str | None: ...

    @description.setter
    def description(self, arg: str | None, /) -> None: ...

    @property
    def configuration(self) -> dict[str, str]: ...

    @configuration.setter
    def configuration(self, arg: Mapping[str, str], /) -> None: ...

    @property
    def data_files(self) -> DataFileOptions: ...

    @data_files.setter
    def data_files(self, arg: DataFileOptions, /) -> None: ...

    @property
    def commit(self) -> CommitOptions: ...

    @commit.setter
    def commit(self, arg: CommitOptions, /) -> None: ...

    @property
    def app_transactions(self) -> list[tuple[str, int, int | None]]: ...

    @app_transactions.setter
    def app_transactions(self, arg: Sequence[tuple[str, int, int | None]], /) -> None: ...

def write(uri: str, stream: object, request: WriteRequest) -> dict:
    """Writes an arrow_array_stream capsule's rows to the table at `uri`."""

def create(uri: str, schema: object, request: WriteRequest) -> dict:
    """
    Creates (or with mode overwrite replaces) the table at `uri` with no rows.
    """

def delete(uri: str, predicate: str | None, request: WriteRequest) -> dict:
    """Deletes the rows where `predicate` holds (all rows for None)."""

def merge(uri: str, source: object, predicate: str, source_alias: str, target_alias: str, clauses: Sequence[tuple[str, str, str | None, Sequence[tuple[str, str]], bool, Sequence[str]]], merge_schema: bool, request: WriteRequest) -> dict:
    """
    Merges an arrow_array_stream capsule's rows into the table at `uri`; clauses are (when, action, condition, assignments, all_columns, except_columns) tuples.
    """

def update(uri: str, predicate: str | None, assignments: Sequence[tuple[str, str]], request: WriteRequest) -> dict:
    """
    Sets columns (column, SQL value) in the rows where `predicate` holds (all for None).
    """

def vacuum(uri: str, retention_ms: int | None, dry_run: bool, enforce_retention: bool, full: bool, keep_versions: Sequence[int], request: WriteRequest) -> list[str]:
    """
    Deletes the files no version within the retention needs; returns their paths.
    """

def optimize(uri: str, partition_filter: str | None, target_size: int | None, z_order: Sequence[str], min_commit_interval_ms: int | None, data_files: DataFileOptions, commit: CommitOptions, app_transactions: Sequence[tuple[str, int, int | None]]) -> dict:
    """
    Compacts the table at `uri` (or, with `z_order` columns, Z-orders its partitions); returns the metrics.
    """
