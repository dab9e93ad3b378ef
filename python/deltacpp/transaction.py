"""Commit settings: deltalake's CommitProperties, PostCommitHookProperties, Transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class Transaction:
    """An application transaction to record with a commit, for idempotent writers.

    A writer that commits ``version`` for ``app_id`` can later ask the table
    (``DeltaTable.transaction_version(app_id)``) which version it last committed, and skip
    a batch it wrote before. ``last_updated`` (ms since the epoch) defaults to the commit's
    time.
    """

    app_id: str
    version: int
    last_updated: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.app_id, str) or not self.app_id:
            raise ValueError("a Transaction's app_id must be a non-empty string")
        if not isinstance(self.version, int) or self.version < 0:
            raise ValueError("a Transaction's version must be an integer >= 0")


class PostCommitHookProperties:
    """What runs after a commit: a checkpoint, and the cleanup of expired log files.

    Args:
        create_checkpoint: write a checkpoint when the version committed is a multiple of
            ``delta.checkpointInterval`` (default True).
        cleanup_expired_logs: after such a checkpoint, delete the log files older than
            ``delta.logRetentionDuration``, as ``delta.enableExpiredLogCleanup`` allows (on
            by default); False skips it for this commit.
    """

    def __init__(self, create_checkpoint: bool = True,
                 cleanup_expired_logs: bool | None = None) -> None:
        self.create_checkpoint = create_checkpoint
        self.cleanup_expired_logs = cleanup_expired_logs

    def __repr__(self) -> str:
        return (f"PostCommitHookProperties(create_checkpoint={self.create_checkpoint}, "
                f"cleanup_expired_logs={self.cleanup_expired_logs})")


class CommitProperties:
    """How to commit: extra commitInfo fields, retries, application transactions.

    Args:
        custom_metadata: top-level fields to add to the commit's commitInfo (string keys;
            values are written as strings, other JSON values as their JSON text). Names
            the protocol or Delta Spark use (timestamp, operation, readVersion, ...) are
            refused.
        max_commit_retries: how often to try again after losing a race to a concurrent
            commit that does not conflict (default: until it succeeds or conflicts).
        app_transactions: application transactions to record (see Transaction).
    """

    def __init__(self, custom_metadata: dict[str, Any] | None = None,
                 max_commit_retries: int | None = None,
                 app_transactions: list[Transaction] | None = None) -> None:
        self.custom_metadata = custom_metadata
        self.max_commit_retries = max_commit_retries
        self.app_transactions = app_transactions

    def __repr__(self) -> str:
        return (f"CommitProperties(custom_metadata={self.custom_metadata!r}, "
                f"max_commit_retries={self.max_commit_retries!r}, "
                f"app_transactions={self.app_transactions!r})")


def apply_commit_settings(request: Any, commit_properties: CommitProperties | None,
                          post_commithook_properties: PostCommitHookProperties | None) -> None:
    """Copies the settings onto a core WriteRequest."""
    if commit_properties is not None:
        metadata = commit_properties.custom_metadata or {}
        for key in metadata:
            if not isinstance(key, str):
                raise ValueError(f"custom_metadata keys must be strings, got {key!r}")
        request.commit.custom_metadata = {
            key: value if isinstance(value, str) else json.dumps(value, allow_nan=False)
            for key, value in metadata.items()
        }
        if commit_properties.max_commit_retries is not None:
            if commit_properties.max_commit_retries < 0:
                raise ValueError("max_commit_retries must be >= 0")
            # deltalake counts retries; the core counts attempts.
            request.commit.max_attempts = commit_properties.max_commit_retries + 1
        request.app_transactions = [
            (t.app_id, t.version, t.last_updated)
            for t in (commit_properties.app_transactions or [])
        ]
    if post_commithook_properties is not None:
        request.commit.checkpoint = bool(post_commithook_properties.create_checkpoint)
        if post_commithook_properties.cleanup_expired_logs is not None:
            request.commit.cleanup_expired_logs = bool(
                post_commithook_properties.cleanup_expired_logs)


__all__ = ["CommitProperties", "PostCommitHookProperties", "Transaction"]
