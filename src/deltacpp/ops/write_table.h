#pragma once

// Writing rows into a Delta table: create it, append to it or overwrite it (all of it
// or the rows matching a predicate), with schema evolution, or delete rows, in one
// transaction (txn/transaction.h). Data files are Parquet with per-file statistics, in
// Hive-style partition folders (partitioned_writer.h).
//
//   WriteOptions options;
//   options.mode = WriteMode::kAppend;
//   DELTACPP_ASSIGN_OR_RAISE(auto result, WriteTable("/data/events", *reader, options));

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/partitioned_writer.h"
#include "deltacpp/ops/write_schema.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

enum class WriteMode {
  kErrorIfExists,  // create the table; fail if it exists
  kAppend,         // create it or add rows
  kOverwrite,      // create it or replace its rows (all, or those matching a predicate)
  kIgnore,         // create it; do nothing if it exists
};

/// "error", "append", "overwrite" or "ignore".
DELTACPP_EXPORT Result<WriteMode> ParseWriteMode(std::string_view text);

/// Parses the condition of a command that changes rows from a user's text: a
/// replaceWhere, the predicate of a delete or an update, a merge's ON. There a missing
/// condition means every row, so an empty one (an unset shell variable, a blank form
/// field) must never be taken for a missing one: empty or all-white-space `text` fails
/// with kInvalidArgument naming `what` (e.g. "--replace-where"). Otherwise as
/// ParsePredicate (kInvalidArgument naming the position of a syntax error).
DELTACPP_EXPORT Result<PredicatePtr> ParseRowPredicate(std::string_view text,
                                                       std::string_view what);

struct WriteOptions {
  WriteMode mode = WriteMode::kErrorIfExists;
  /// How the data's schema may differ from an existing table's (write_schema.h).
  /// kOverwrite needs mode kOverwrite and may change the partition columns too.
  SchemaMode schema_mode = SchemaMode::kReject;
  /// With kOverwrite: replace only the rows matching this predicate (Delta's
  /// replaceWhere). Every row written must match it too. Rows of a data file that do
  /// not match are written again to a new file.
  PredicatePtr replace_where;
  /// For a new table (or with schema mode overwrite): its partition columns. For an
  /// existing one otherwise: empty, or the same.
  std::vector<std::string> partition_by;
  /// For a new table.
  std::optional<std::string> name;
  std::optional<std::string> description;
  /// For a new table: its properties (`delta.*` and any user keys).
  StringMap configuration;
  /// For a new table: create it even in a folder that holds other files (by default
  /// that fails, see CheckLocationForNewTable: vacuum would take them for garbage).
  bool allow_non_empty_location = false;
  /// Compression and sizes of the data files. Their statistics cover the columns the
  /// table's delta.dataSkippingStatsColumns or delta.dataSkippingNumIndexedCols name.
  DataFileOptions data_files;
  /// Application transactions (appId, version) to record, for idempotent writers;
  /// lastUpdated defaults to now.
  std::vector<SetTransaction> app_transactions;
  /// Retries, checkpoint and log cleanup after the commit, custom commitInfo fields.
  CommitOptions commit;
  /// Called after every batch taken, e.g. to show progress on long writes.
  std::function<void(const WriteProgress&)> on_progress;
};

struct WriteResult {
  /// The version committed; for kIgnore on an existing table, its current version.
  int64_t version = 0;
  bool committed = false;
  int64_t files = 0;  // data files added
  int64_t rows = 0;   // rows written, the data's and those rewritten
  int64_t bytes = 0;
  int64_t removed_files = 0;
  /// Rows of earlier files written again by a replaceWhere overwrite or a delete.
  int64_t rewritten_rows = 0;
  /// Rows a delete (or a replaceWhere overwrite) removed.
  int64_t deleted_rows = 0;
};

/// Writes every batch of `data` to the table at `table_uri` as `options` say, then
/// commits. Data types are those of Delta (write_schema.h: StorageSchema). Fails,
/// committing nothing, with kInvalidArgument for an existing table in mode error, data
/// whose schema the schema mode refuses (naming the column), a partition column that is
/// missing or not partitionable, nulls in a NOT NULL column (naming it), a replaceWhere
/// predicate that does not bind to the table or that a written row does not match, or
/// a type Delta cannot store; kUnsupportedFeature for a table with a writer feature
/// delta-cpp lacks; kConflict when a concurrent commit conflicts.
DELTACPP_EXPORT Result<WriteResult> WriteTable(const std::string& table_uri,
                                               arrow::RecordBatchReader& data,
                                               const WriteOptions& options);

/// Creates an empty table of `schema` (with Delta's types, as ParseSchemaJson or
/// ParseSchemaDdl return them; field metadata such as comments is kept) with the
/// partition columns, name, description and properties of `options`, whose mode must be
/// kErrorIfExists or kIgnore. Commits a "CREATE TABLE" version 0. Fails like WriteTable.
DELTACPP_EXPORT Result<WriteResult> CreateTable(
    const std::string& table_uri, const std::shared_ptr<arrow::Schema>& schema,
    const WriteOptions& options);

/// Deletes the rows of the table at `table_uri` where `predicate` holds (every row when
/// it is null), as Delta Spark's DELETE: files whose rows all match are removed, files
/// the predicate's partition values or statistics rule out are not opened, and files
/// with some matching rows are removed and their other rows written again (with
/// `options.data_files`). Commits operation DELETE with metrics numDeletedRows,
/// numRemovedFiles, numAddedFiles, numCopiedRows; nothing when no row matches
/// (`committed` false). Uses `options.commit` and `options.app_transactions`; the rest
/// of `options` does not apply. On a table with the change data feed, the deleted rows
/// are written to change data files (change_data_writer.h) when a file keeps some rows;
/// removals of whole files alone need none. Fails with kTableNotFound when there is no
/// table, and with kUnsupportedFeature for column mapping.
DELTACPP_EXPORT Result<WriteResult> DeleteRows(const std::string& table_uri,
                                               const PredicatePtr& predicate,
                                               const WriteOptions& options);

}  // namespace deltacpp
