"""What the writing modules need of a loaded table, below them all.

``DeltaTable`` (table.py) is one. ``write_deltalake`` (writer.py) and ``TableMerger``
(merge.py) take a table and reload it after their commit; table.py imports both, so they
know the table by this base class instead of importing table.py back.
"""
from __future__ import annotations


class TableHandle:
    """A table loaded at one version, which a commit to it moves on."""

    _uri: str

    def _load(self, version: int | None) -> None:
        """Load `version` (the newest for None) in place."""
        raise NotImplementedError
