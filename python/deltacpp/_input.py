"""Whatever a user writes, turned into one pyarrow RecordBatchReader for the core.

Takes anything with ``__arrow_c_stream__`` (pyarrow tables, batches and readers, polars
frames, DuckDB relations, pandas >= 2.2), ``__arrow_c_array__`` (a record batch of another
library), pandas DataFrames, and sequences or iterables of record batches. The reader is
always one pyarrow made: its ReadNext takes the GIL itself, so the core may read it on a
background thread while the calling thread waits without the GIL.
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

import pyarrow as pa


def _is_pandas(data: Any) -> bool:
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def to_reader(data: Any, schema: pa.Schema | None = None) -> pa.RecordBatchReader:
    """``data`` as a reader; ``schema`` (optional) the schema to give it."""
    if isinstance(data, pa.RecordBatchReader):
        reader = data
    elif isinstance(data, pa.Table):
        reader = data.to_reader()
    elif isinstance(data, pa.RecordBatch):
        reader = pa.RecordBatchReader.from_batches(data.schema, [data])
    elif hasattr(data, "__arrow_c_stream__"):
        # pandas >= 2.2 too: a non-default index becomes a column, as with deltalake.
        reader = pa.RecordBatchReader.from_stream(data)
    elif _is_pandas(data):
        reader = pa.Table.from_pandas(data).to_reader()
    elif hasattr(data, "__arrow_c_array__"):
        batch = pa.record_batch(data)
        reader = pa.RecordBatchReader.from_batches(batch.schema, [batch])
    elif isinstance(data, (str, bytes, dict)) or not hasattr(data, "__iter__"):
        raise TypeError(
            "data must be Arrow data (a pyarrow Table, RecordBatch or RecordBatchReader, "
            "or any object with __arrow_c_stream__ or __arrow_c_array__), a pandas "
            f"DataFrame, or an iterable of record batches; got {type(data).__name__}")
    else:
        batches = iter(data)
        try:
            first = next(batches)
        except StopIteration:
            if schema is None:
                raise ValueError("no record batches to write, and no schema given")
            return pa.RecordBatchReader.from_batches(schema, [])
        if not isinstance(first, pa.RecordBatch):
            first = pa.record_batch(first)
        rest = (b if isinstance(b, pa.RecordBatch) else pa.record_batch(b) for b in batches)
        reader = pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], rest))
    if schema is not None and not reader.schema.equals(schema):
        reader = reader.cast(schema)
    return reader
