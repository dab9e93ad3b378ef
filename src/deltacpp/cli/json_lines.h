#pragma once

// Rows as JSON Lines: one JSON object per row, keyed by column name, for `--format json`;
// and the guard on JSON Lines read as input.

#include <memory>
#include <ostream>
#include <string>

#include <arrow/io/interfaces.h>
#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp::cli {

/// How deeply arrays and objects may nest inside a row of JSON Lines input: each level
/// becomes a level of the column's type, so no deeper than a table's types may nest.
inline constexpr int kMaxJsonInputDepth = kMaxTypeNesting;

/// `input` (JSON Lines) checked as it is read: a read fails with kInvalidArgument naming
/// `name`, the line and kMaxJsonInputDepth once a row nests arrays and objects deeper.
/// Arrow's JSON reader recurses once per level (reading, typing, converting a column),
/// so the input must not choose the depth; it never sees the deep row.
std::shared_ptr<arrow::io::InputStream> DepthCheckedJsonInput(
    std::shared_ptr<arrow::io::InputStream> input, std::string name);

/// Writes every row of `reader`. Numbers stay numbers (decimals exactly, as written),
/// NaN and infinities become the strings "NaN", "Infinity" and "-Infinity", dates and
/// timestamps ISO 8601 strings, binaries base64 strings, structs objects, lists arrays,
/// maps objects when their keys are strings and arrays of {"key", "value"} otherwise;
/// null is null.
Status WriteJsonLines(arrow::RecordBatchReader& reader, std::ostream& out);

}  // namespace deltacpp::cli
