"""write_deltalake and the Parquet writer settings, as deltalake names them."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from deltacpp._filters import check_row_predicate
from deltacpp._load import _core
from deltacpp._input import to_reader
from deltacpp._table_handle import TableHandle
from deltacpp.transaction import (
    CommitProperties,
    PostCommitHookProperties,
    apply_commit_settings,
)

_COMPRESSIONS = {"UNCOMPRESSED": "none", "SNAPPY": "snappy", "GZIP": "gzip",
                 "BROTLI": "brotli", "LZ4": "lz4", "ZSTD": "zstd", "LZ4_RAW": "lz4_raw"}
# The levels each codec takes (as deltalake checks them).
_LEVELS = {"GZIP": (0, 9), "BROTLI": (0, 11), "ZSTD": (1, 22)}
_ENCODINGS = {"PLAIN", "RLE", "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY",
              "DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT"}


class BloomFilterProperties:
    """A Parquet Bloom filter for a column.

    Args:
        set_bloom_filter_enabled: write one (True) or not.
        fpp: the false-positive probability, between 0 and 1 (Arrow's default 0.05).
        ndv: the number of distinct values to size it for (default: the row group's rows).
    """

    def __init__(self, set_bloom_filter_enabled: bool | None, fpp: float | None = None,
                 ndv: int | None = None) -> None:
        if fpp is not None and not 0 < fpp < 1:
            raise ValueError("fpp must be between 0 and 1 (exclusive)")
        if ndv is not None and ndv < 0:
            raise ValueError("ndv must be >= 0")
        self.set_bloom_filter_enabled = set_bloom_filter_enabled
        self.fpp = fpp
        self.ndv = ndv

    def __repr__(self) -> str:
        return (f"set_bloom_filter_enabled: {self.set_bloom_filter_enabled}, "
                f"fpp: {self.fpp}, ndv: {self.ndv}")


class ColumnProperties:
    """Parquet settings of one column (or, as default_column_properties, of all).

    Args:
        dictionary_enabled: dictionary-encode the column.
        statistics_enabled: "NONE" writes no statistics; "CHUNK" and "PAGE" write them
            (Arrow keeps chunk and page statistics together).
        bloom_filter_properties: a Bloom filter for the column.
        encoding: the encoding of values that are not dictionary-encoded.
    """

    def __init__(self, dictionary_enabled: bool | None = None,
                 statistics_enabled: Literal["NONE", "CHUNK", "PAGE"] | None = None,
                 bloom_filter_properties: BloomFilterProperties | None = None,
                 encoding: Literal["PLAIN", "RLE", "DELTA_BINARY_PACKED",
                                   "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
                                   "BYTE_STREAM_SPLIT"] | None = None) -> None:
        if statistics_enabled is not None and statistics_enabled not in ("NONE", "CHUNK",
                                                                         "PAGE"):
            raise ValueError("statistics_enabled must be NONE, CHUNK or PAGE")
        if encoding is not None and encoding not in _ENCODINGS:
            raise ValueError(f"encoding must be one of {', '.join(sorted(_ENCODINGS))}")
        self.dictionary_enabled = dictionary_enabled
        self.statistics_enabled = statistics_enabled
        self.bloom_filter_properties = bloom_filter_properties
        self.encoding = encoding

    def __repr__(self) -> str:
        return (f"dictionary_enabled: {self.dictionary_enabled}, statistics_enabled: "
                f"{self.statistics_enabled}, bloom_filter_properties: "
                f"{self.bloom_filter_properties}, encoding: {self.encoding}")

    def _to_core(self) -> Any:
        options = _core.ParquetColumnOptions()
        options.dictionary = self.dictionary_enabled
        if self.statistics_enabled is not None:
            options.statistics = self.statistics_enabled != "NONE"
        bloom = self.bloom_filter_properties
        if bloom is not None and bloom.set_bloom_filter_enabled:
            options.bloom_filter_fpp = bloom.fpp if bloom.fpp is not None else 0.05
            options.bloom_filter_ndv = bloom.ndv
        if self.encoding is not None:
            options.encoding = self.encoding.lower()
        return options


class WriterProperties:
    """How data files are written (Parquet settings).

    Args:
        data_page_size_limit: bytes of a data page.
        dictionary_page_size_limit: bytes of a dictionary page.
        data_page_row_count_limit: rows of a data page.
        write_batch_size: values handed to the encoder at once.
        max_row_group_size: rows of a row group.
        compression: UNCOMPRESSED, SNAPPY (default), GZIP, BROTLI, LZ4, ZSTD or LZ4_RAW.
        compression_level: the codec's level (GZIP 0-9, BROTLI 0-11, ZSTD 1-22).
        statistics_truncate_length: accepted for compatibility; Arrow does not truncate
            statistics, so it has no effect (a warning says so).
        default_column_properties: settings of every column.
        column_properties: settings of single columns, by name (a nested one by its
            Parquet path, e.g. "s.a"), over the defaults.
    """

    def __init__(self, data_page_size_limit: int | None = None,
                 dictionary_page_size_limit: int | None = None,
                 data_page_row_count_limit: int | None = None,
                 write_batch_size: int | None = None,
                 max_row_group_size: int | None = None,
                 compression: Literal["UNCOMPRESSED", "SNAPPY", "GZIP", "BROTLI", "LZ4",
                                      "ZSTD", "LZ4_RAW"] | None = None,
                 compression_level: int | None = None,
                 statistics_truncate_length: int | None = None,
                 default_column_properties: ColumnProperties | None = None,
                 column_properties: dict[str, ColumnProperties] | None = None) -> None:
        if compression is not None and compression.upper() not in _COMPRESSIONS:
            raise ValueError(f"compression must be one of {', '.join(_COMPRESSIONS)}")
        if compression_level is not None:
            if compression is None:
                raise ValueError("compression_level needs a compression")
            low, high = _LEVELS.get(compression.upper(), (None, None))
            if low is None:
                raise ValueError(f"{compression.upper()} takes no compression_level")
            if not low <= compression_level <= high:
                raise ValueError(f"{compression.upper()} compression_level should fall "
                                 f"between {low}-{high}, got {compression_level}")
        self.data_page_size_limit = data_page_size_limit
        self.dictionary_page_size_limit = dictionary_page_size_limit
        self.data_page_row_count_limit = data_page_row_count_limit
        self.write_batch_size = write_batch_size
        self.max_row_group_size = max_row_group_size
        self.compression = compression.upper() if compression is not None else None
        self.compression_level = compression_level
        self.statistics_truncate_length = statistics_truncate_length
        self.default_column_properties = default_column_properties
        self.column_properties = column_properties

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}: {v}" for k, v in vars(self).items())
        return f"WriterProperties({fields})"

    def _apply(self, request: Any) -> None:
        if self.statistics_truncate_length is not None:
            warnings.warn("statistics_truncate_length has no effect in deltacpp: Arrow "
                          "writes untruncated Parquet statistics", stacklevel=3)
        files = request.data_files
        files.data_page_size = self.data_page_size_limit
        files.dictionary_page_size = self.dictionary_page_size_limit
        files.data_page_row_count = self.data_page_row_count_limit
        files.write_batch_size = self.write_batch_size
        if self.max_row_group_size is not None:
            files.max_rows_per_row_group = self.max_row_group_size
        if self.compression is not None:
            files.compression = _COMPRESSIONS[self.compression]
        files.compression_level = self.compression_level
        if self.default_column_properties is not None:
            files.default_columns = self.default_column_properties._to_core()
        if self.column_properties:
            files.columns = {name: props._to_core()
                             for name, props in self.column_properties.items()}


def table_uri_of(table_or_uri: Any) -> str:
    """A local path (or URI) from a str, Path or DeltaTable."""
    if isinstance(table_or_uri, TableHandle):
        return table_or_uri._uri
    if isinstance(table_or_uri, (str, os.PathLike)):
        text = os.fspath(table_or_uri)
        if text.startswith("file://"):
            from urllib.parse import unquote, urlparse

            text = unquote(urlparse(text).path)
        return text
    raise TypeError(f"expected a table path or a DeltaTable, got {type(table_or_uri).__name__}")


def check_storage_options(storage_options: dict[str, str] | None, uri: str) -> None:
    """Local tables need no storage options; object stores are not supported yet."""
    if "://" in uri and not uri.startswith("file://"):
        raise NotImplementedError(
            f"deltacpp reads and writes local tables only for now; {uri} is not local")


def new_request(mode: str, partition_by: list[str] | str | None, name: str | None,
                description: str | None,
                configuration: Mapping[str, str | None] | None) -> Any:
    """A core WriteRequest with the arguments write_deltalake and create share."""
    if mode not in ("error", "append", "overwrite", "ignore"):
        raise ValueError(f"mode must be 'error', 'append', 'overwrite' or 'ignore', got {mode!r}")
    request = _core.WriteRequest()
    request.mode = mode
    if isinstance(partition_by, str):
        partition_by = [partition_by]
    request.partition_by = list(partition_by or [])
    request.name = name
    request.description = description
    request.configuration = {k: v for k, v in (configuration or {}).items() if v is not None}
    return request


def write_deltalake(
    table_or_uri: str | Path | TableHandle,
    data: Any,
    *,
    partition_by: list[str] | str | None = None,
    mode: Literal["error", "append", "overwrite", "ignore"] = "error",
    name: str | None = None,
    description: str | None = None,
    configuration: Mapping[str, str | None] | None = None,
    schema_mode: Literal["merge", "overwrite"] | None = None,
    storage_options: dict[str, str] | None = None,
    predicate: str | None = None,
    target_file_size: int | None = None,
    writer_properties: WriterProperties | None = None,
    commit_properties: CommitProperties | None = None,
    post_commithook_properties: PostCommitHookProperties | None = None,
) -> None:
    """Writes data to a Delta table, creating it if needed.

    Args:
        table_or_uri: the table's path, or a DeltaTable (which then moves to the version
            written).
        data: Arrow data (anything with ``__arrow_c_stream__`` or ``__arrow_c_array__``:
            pyarrow, polars, DuckDB, ...), a pandas DataFrame, or an iterable of record
            batches. It is streamed: a RecordBatchReader or a generator is never held in
            memory whole.
        partition_by: partition columns of a new table (or, with schema_mode "overwrite",
            the new partitioning).
        mode: "error" (the default: fail if the table exists), "append", "overwrite"
            (replace all rows, or those matching ``predicate``), or "ignore" (do nothing
            if the table exists).
        name, description, configuration: the new table's metadata; configuration holds
            table properties such as ``delta.enableChangeDataFeed``.
        schema_mode: None rejects data whose schema differs from the table's (a nullable
            column the data lacks is written as nulls); "merge" adds new columns and
            widens types; "overwrite" (with mode "overwrite") replaces the schema.
        storage_options: not needed for local tables; object stores are not supported
            yet.
        predicate: with mode "overwrite", replace only the rows matching it (e.g.
            ``"country = 'DE'"``); every written row must match it.
        target_file_size: close a data file once it reaches about this many bytes.
        writer_properties: Parquet settings (WriterProperties).
        commit_properties: commit settings (CommitProperties).
        post_commithook_properties: checkpoint and log cleanup after the commit.

    Raises:
        DeltaError: the table exists (mode "error"), a row violates a constraint or the
            predicate, or the arguments are wrong.
        SchemaMismatchError: the data's schema does not fit the table's.
        CommitFailedError: a concurrent commit conflicts with this one.
    """
    uri = table_uri_of(table_or_uri)
    check_storage_options(storage_options, uri)
    request = new_request(mode, partition_by, name, description, configuration)
    if schema_mode not in (None, "merge", "overwrite"):
        raise ValueError(f"schema_mode must be None, 'merge' or 'overwrite', got {schema_mode!r}")
    request.schema_mode = schema_mode or "reject"
    check_row_predicate(predicate, "predicate")
    request.predicate = predicate
    if target_file_size is not None:
        request.data_files.target_file_size = target_file_size
    if writer_properties is not None:
        writer_properties._apply(request)
    apply_commit_settings(request, commit_properties, post_commithook_properties)
    reader = to_reader(data)
    result = _core.write(uri, reader.__arrow_c_stream__(), request)
    if isinstance(table_or_uri, TableHandle):
        table_or_uri._load(result["version"])


__all__ = ["BloomFilterProperties", "ColumnProperties", "WriterProperties",
           "write_deltalake"]
