#pragma once

// How commands that print rows (scan, changes) write them: --format and --output.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"

namespace deltacpp::cli {

/// A terminal table shows a screenful unless asked: this many rows.
inline constexpr int64_t kDefaultTableRows = 20;

/// Adds --format table|csv|json|parquet and --output FILE (parquet only) to `command`.
void AddOutputOptions(CLI::App* command, std::string* format, std::string* output);

/// Writes every batch of `reader` to stdout in `format`, or for parquet to `output` when
/// given. Fails with kInvalidArgument for --output with another format.
Status WriteRows(const std::shared_ptr<arrow::RecordBatchReader>& reader,
                 const std::string& format, const std::string& output);

}  // namespace deltacpp::cli
