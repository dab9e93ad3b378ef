"""TableMerger: deltalake's MERGE builder, run by delta-cpp's MergeIntoTable."""

from __future__ import annotations

from typing import Any, Callable

from deltacpp._filters import check_row_predicate
from deltacpp._input import to_reader
from deltacpp._load import _core
from deltacpp._table_handle import TableHandle
from deltacpp.transaction import (
    CommitProperties,
    PostCommitHookProperties,
    apply_commit_settings,
)
from deltacpp.writer import WriterProperties, new_request



class TableMerger:
    """Builds a MERGE of a source into a table; ``execute`` runs it.

    Made by ``DeltaTable.merge``. Each ``when_*`` method adds a clause and returns the
    merger, so calls chain. Clauses of one kind are tried in the order they were added;
    a row takes the first whose predicate holds. Predicates and values are SQL-like text
    that names columns as ``alias.column`` (the aliases given to ``merge``; "source" and
    "target" when none are) or by a name only one side has.
    """

    def __init__(self, table: TableHandle, source: Any, predicate: str, source_alias: str | None,
                 target_alias: str | None, merge_schema: bool,
                 writer_properties: WriterProperties | None,
                 commit_properties: CommitProperties | None,
                 post_commithook_properties: PostCommitHookProperties | None,
                 on_commit: Callable[[int], None]) -> None:
        check_row_predicate(predicate, "merge predicate")
        self._table = table
        self._source = to_reader(source)
        self._predicate = predicate
        self._source_alias = source_alias if source_alias is not None else "source"
        self._target_alias = target_alias if target_alias is not None else "target"
        self._merge_schema = merge_schema
        self._writer_properties = writer_properties
        self._commit_properties = commit_properties
        self._post_commithook_properties = post_commithook_properties
        self._on_commit = on_commit
        self._clauses: list[tuple[str, str, str | None, list[tuple[str, str]], bool,
                                  list[str]]] = []

    def _add(self, when: str, action: str, predicate: str | None,
             updates: dict[str, str] | None = None, all_columns: bool = False,
             except_cols: list[str] | None = None) -> TableMerger:
        if updates is not None and not isinstance(updates, dict):
            raise TypeError(f"updates must be a dict of column to SQL text, "
                            f"got {type(updates).__name__}")
        check_row_predicate(predicate, f"predicate of the {when.replace('_', ' ')} clause")
        assignments = [(str(column), str(value)) for column, value in (updates or {}).items()]
        self._clauses.append((when, action, predicate, assignments, all_columns,
                              list(except_cols or [])))
        return self

    def when_matched_update(self, updates: dict[str, str],
                            predicate: str | None = None) -> TableMerger:
        """Updates matched target rows: ``updates`` maps target columns to SQL values,
        e.g. ``{"x": "source.x", "n": "target.n + 1"}``; other columns stay."""
        return self._add("matched", "update", predicate, updates)

    def when_matched_update_all(self, predicate: str | None = None,
                                except_cols: list[str] | None = None) -> TableMerger:
        """Updates matched target rows with the source's columns of the same names
        (but ``except_cols``)."""
        return self._add("matched", "update", predicate, None, True, except_cols)

    def when_matched_delete(self, predicate: str | None = None) -> TableMerger:
        """Deletes matched target rows."""
        return self._add("matched", "delete", predicate)

    def when_not_matched_insert(self, updates: dict[str, str],
                                predicate: str | None = None) -> TableMerger:
        """Inserts source rows no target row matches: ``updates`` maps target columns to
        SQL values of the source; columns not named are null (generated ones computed)."""
        return self._add("not_matched", "insert", predicate, updates)

    def when_not_matched_insert_all(self, predicate: str | None = None,
                                    except_cols: list[str] | None = None) -> TableMerger:
        """Inserts source rows no target row matches, taking every target column from the
        source's column of the same name (but ``except_cols``, which are null)."""
        return self._add("not_matched", "insert", predicate, None, True, except_cols)

    def when_not_matched_by_source_update(self, updates: dict[str, str],
                                          predicate: str | None = None) -> TableMerger:
        """Updates target rows no source row matches (values name the target only)."""
        return self._add("not_matched_by_source", "update", predicate, updates)

    def when_not_matched_by_source_delete(self, predicate: str | None = None) -> TableMerger:
        """Deletes target rows no source row matches."""
        return self._add("not_matched_by_source", "delete", predicate)

    def execute(self) -> dict[str, Any]:
        """Runs the merge in one transaction and moves the table to the new version.

        Returns deltalake's metrics: num_source_rows, num_target_rows_inserted,
        num_target_rows_updated, num_target_rows_deleted, num_target_rows_copied,
        num_output_rows, num_target_files_scanned, num_target_files_skipped_during_scan,
        num_target_files_added, num_target_files_removed, execution_time_ms, scan_time_ms
        and rewrite_time_ms. Raises DeltaError for a predicate or value that does not
        parse or bind, a value that does not fit its column, or when two source rows match
        one target row and there is a WHEN MATCHED clause other than a lone unconditional
        delete; CommitFailedError when a concurrent commit conflicts. On a table
        with the change data feed every change is written to change data files too.
        """
        request = new_request("append", None, None, None, None)
        if self._writer_properties is not None:
            self._writer_properties._apply(request)
        apply_commit_settings(request, self._commit_properties,
                              self._post_commithook_properties)
        result = _core.merge(self._table._uri, self._source.__arrow_c_stream__(),
                             self._predicate, self._source_alias, self._target_alias,
                             self._clauses, self._merge_schema, request)
        self._on_commit(result.pop("version", None))
        return result
