"""deltacpp: Delta Lake tables from Python, on delta-cpp's C++ core.

The API is the ``deltalake`` package's (delta-rs), so code written for it runs with
``import deltacpp as deltalake``: ``DeltaTable`` to read a table (``to_pyarrow_table``,
``to_pandas``, ``scan``, time travel, history, change data feed), ``write_deltalake`` to
create, append to and overwrite tables. Data moves as Arrow, without copies.

Deliberate differences: methods return pyarrow objects where deltalake returns arro3
ones; predicates use deltacpp's SQL-like grammar; only local tables are supported yet.
"""

import enum as _enum

from deltacpp._load import _core
from deltacpp.exceptions import (
    CommitFailedError,
    DeltaError,
    DeltaProtocolError,
    SchemaMismatchError,
    TableNotFoundError,
)
from deltacpp.schema import (
    ArrayType,
    DataType,
    Field,
    MapType,
    PrimitiveType,
    Schema,
    StructType,
)
from deltacpp.table import DeltaTable, Metadata, ProtocolVersions
from deltacpp.transaction import CommitProperties, PostCommitHookProperties, Transaction
from deltacpp.writer import (
    BloomFilterProperties,
    ColumnProperties,
    WriterProperties,
    write_deltalake,
)

try:
    from deltacpp.schema import VariantType
except ImportError:  # pragma: no cover - older schema module
    VariantType = None  # type: ignore[assignment,misc]

__version__: str = _core.__version__


class TableFeatures(_enum.Enum):
    """Table features by deltalake's names (for code that refers to them)."""

    ColumnMapping = "ColumnMapping"
    DeletionVectors = "DeletionVectors"
    TimestampWithoutTimezone = "TimestampWithoutTimezone"
    V2Checkpoint = "V2Checkpoint"
    AppendOnly = "AppendOnly"
    Invariants = "Invariants"
    CheckConstraints = "CheckConstraints"
    ChangeDataFeed = "ChangeDataFeed"
    GeneratedColumns = "GeneratedColumns"
    IdentityColumns = "IdentityColumns"
    RowTracking = "RowTracking"
    DomainMetadata = "DomainMetadata"
    IcebergCompatV1 = "IcebergCompatV1"
    VariantType = "VariantType"
    VariantTypePreview = "VariantTypePreview"
    TimestampNanos = "TimestampNanos"


__all__ = [
    "ArrayType",
    "BloomFilterProperties",
    "ColumnProperties",
    "CommitFailedError",
    "CommitProperties",
    "DataType",
    "DeltaError",
    "DeltaProtocolError",
    "DeltaTable",
    "Field",
    "MapType",
    "Metadata",
    "PostCommitHookProperties",
    "PrimitiveType",
    "ProtocolVersions",
    "Schema",
    "SchemaMismatchError",
    "StructType",
    "TableFeatures",
    "TableNotFoundError",
    "Transaction",
    "VariantType",
    "WriterProperties",
    "__version__",
    "write_deltalake",
]
