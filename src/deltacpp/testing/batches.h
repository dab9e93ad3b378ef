#pragma once

// Record batches for tests, written as JSON rows.
//
// Tested by: the tests that use it.

#include <memory>
#include <string_view>

#include <arrow/record_batch.h>
#include <arrow/type_fwd.h>

namespace deltacpp::testing {

/// The rows of `json` (an array of objects, in Arrow's JSON notation: decimals and
/// timestamps as strings) as one batch of `schema`, its field metadata and nullability
/// kept. Aborts the test binary on JSON that does not fit the schema.
std::shared_ptr<arrow::RecordBatch> BatchFromJson(
    const std::shared_ptr<arrow::Schema>& schema, std::string_view json);

/// The same rows as a reader of that one batch.
std::shared_ptr<arrow::RecordBatchReader> ReaderFromJson(
    const std::shared_ptr<arrow::Schema>& schema, std::string_view json);

}  // namespace deltacpp::testing
