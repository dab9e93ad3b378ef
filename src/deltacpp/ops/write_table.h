#pragma once

// Writing rows into a Delta table: create it, append to it or overwrite it, in one
// transaction (txn/transaction.h). Data files are Parquet with per-file statistics, in
// Hive-style partition folders.
//
//   WriteOptions options;
//   options.mode = WriteMode::kAppend;
//   DELTACPP_ASSIGN_OR_RAISE(auto result, WriteTable("/data/events", *reader, options));

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

enum class WriteMode {
  kErrorIfExists,  // create the table; fail if it exists
  kAppend,         // create it or add rows
  kOverwrite,      // create it or replace all its rows
  kIgnore,         // create it; do nothing if it exists
};

/// "error", "append", "overwrite" or "ignore".
DELTACPP_EXPORT Result<WriteMode> ParseWriteMode(std::string_view text);

struct WriteOptions {
  WriteMode mode = WriteMode::kErrorIfExists;
  /// For a new table: its partition columns. For an existing one: empty, or the same.
  std::vector<std::string> partition_by;
  /// For a new table.
  std::optional<std::string> name;
  std::optional<std::string> description;
  /// For a new table: its properties (`delta.*` and any user keys).
  StringMap configuration;
  /// Parquet compression: "snappy", "zstd", "gzip", "lz4" or "none".
  std::string compression = "snappy";
  /// A data file is closed once it holds this many rows.
  int64_t max_rows_per_file = 4 * 1024 * 1024;
  int64_t max_rows_per_row_group = 1024 * 1024;
  /// An application transaction (appId, version) to record, for idempotent writers.
  std::optional<SetTransaction> app_transaction;
};

struct WriteResult {
  /// The version committed; for kIgnore on an existing table, its current version.
  int64_t version = 0;
  bool committed = false;
  int64_t files = 0;
  int64_t rows = 0;
  int64_t bytes = 0;
};

/// Writes every batch of `data` to the table at `table_uri` as `options` say, then
/// commits. Data types are those of Delta: timestamps are stored in microseconds, large
/// and view strings, binaries and lists as their plain kinds, dictionaries decoded.
/// Fails, committing nothing, with kInvalidArgument for an existing table in mode
/// error, data whose columns or types differ from the table's (naming the column), a
/// partition column that is missing or not partitionable, nulls in a NOT NULL column
/// (naming it), or a type Delta cannot store; kUnsupportedFeature for a table with a
/// writer feature delta-cpp lacks; kConflict when a concurrent commit conflicts.
DELTACPP_EXPORT Result<WriteResult> WriteTable(const std::string& table_uri,
                                               arrow::RecordBatchReader& data,
                                               const WriteOptions& options);

}  // namespace deltacpp
