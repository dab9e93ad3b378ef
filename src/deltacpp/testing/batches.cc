#include "deltacpp/testing/batches.h"

#include <arrow/json/from_string.h>
#include <arrow/type.h>

namespace deltacpp::testing {

std::shared_ptr<arrow::RecordBatch> BatchFromJson(
    const std::shared_ptr<arrow::Schema>& schema, std::string_view json) {
  auto rows = arrow::json::ArrayFromJSONString(arrow::struct_(schema->fields()), json)
                  .ValueOrDie();
  auto batch = arrow::RecordBatch::FromStructArray(rows).ValueOrDie();
  // FromStructArray's schema has no schema-level metadata: take the caller's.
  return arrow::RecordBatch::Make(schema, batch->num_rows(), batch->columns());
}

std::shared_ptr<arrow::RecordBatchReader> ReaderFromJson(
    const std::shared_ptr<arrow::Schema>& schema, std::string_view json) {
  return arrow::RecordBatchReader::Make({BatchFromJson(schema, json)}, schema)
      .ValueOrDie();
}

}  // namespace deltacpp::testing
