"""The exceptions of deltacpp, named and nested as deltalake's.

Every error of the C++ core arrives as one of these (or as a built-in exception such as
FileNotFoundError or ValueError), with the core's message, which names the table, the
version or the file involved.
"""


class DeltaError(Exception):
    """The base class of deltacpp's errors."""


class TableNotFoundError(DeltaError):
    """No Delta table at the given location (no ``_delta_log`` with a commit)."""


class CommitFailedError(DeltaError):
    """A commit lost to a concurrent one it conflicts with; nothing was written."""


class DeltaProtocolError(DeltaError):
    """The table's log is corrupt, or it uses a feature deltacpp does not support."""


class SchemaMismatchError(DeltaError):
    """The data's schema does not fit the table's (see ``schema_mode``)."""


__all__ = [
    "CommitFailedError",
    "DeltaError",
    "DeltaProtocolError",
    "SchemaMismatchError",
    "TableNotFoundError",
]
