#pragma once

// Rows as JSON Lines: one JSON object per row, keyed by column name, for `--format json`.

#include <ostream>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"

namespace deltacpp::cli {

/// Writes every row of `reader`. Numbers stay numbers (decimals exactly, as written),
/// NaN and infinities become the strings "NaN", "Infinity" and "-Infinity", dates and
/// timestamps ISO 8601 strings, binaries base64 strings, structs objects, lists arrays,
/// maps objects when their keys are strings and arrays of {"key", "value"} otherwise;
/// null is null.
Status WriteJsonLines(arrow::RecordBatchReader& reader, std::ostream& out);

}  // namespace deltacpp::cli
