#pragma once

// How commands that print rows (scan, changes) write them: --format and --output.
//
// Tested by: the scan and changes CLI tests (cli/CMakeLists.txt) and
// tests/safety/test_paths.py.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp::cli {

/// A terminal table shows a screenful unless asked: this many rows.
inline constexpr int64_t kDefaultTableRows = 20;

/// Adds --format table|csv|json|parquet and --output FILE (parquet only) to `command`.
void AddOutputOptions(CLI::App* command, std::string* format, std::string* output);

/// OK when `output` (the --output file, which need not exist yet; empty for stdout) lies
/// outside the folder of the local table in `table`: writing a table's rows over one of
/// its own data files would truncate it, and a new file there would be a stray one in
/// the table. Real paths are compared (symbolic links, also a link as the file itself,
/// resolved; for a file not there yet, its folder's). Fails with kInvalidArgument naming
/// both. Call it before the rows are read.
Status CheckOutputOutsideTable(const std::string& output, const ObjectStore& table);

/// Writes every batch of `reader` to stdout in `format`, or for parquet to `output` when
/// given. Fails with kInvalidArgument for --output with another format.
Status WriteRows(const std::shared_ptr<arrow::RecordBatchReader>& reader,
                 const std::string& format, const std::string& output);

}  // namespace deltacpp::cli
