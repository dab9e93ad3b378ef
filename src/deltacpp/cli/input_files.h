#pragma once

// Rows from input files (CSV, JSON lines, Parquet, or stdin as '-'), for the commands
// that take data: write and merge.
//
// Tested by: the write CLI tests (cli/CMakeLists.txt) and
// tests/safety/test_nesting_limits.py.

#include <memory>
#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"

namespace deltacpp::cli {

/// `format` when given, else the first path's extension (.csv, .json, .jsonl,
/// .parquet). Fails with kInvalidArgument when it cannot tell.
Result<std::string> InputFormat(const std::string& format,
                                const std::vector<std::string>& paths);

/// The rows of `paths` one after another, as one stream of the first file's schema;
/// `types`, when given, fixes the types of CSV and JSON columns of those names. Reading
/// fails with kInvalidArgument for a file whose columns differ from the first's, and
/// kFileNotFound for one that cannot be opened.
Result<std::shared_ptr<arrow::RecordBatchReader>> OpenInputs(
    std::vector<std::string> paths, std::string format,
    std::shared_ptr<arrow::Schema> types);

}  // namespace deltacpp::cli
