#include "deltacpp/kernel/schema/column_mapping.h"

#include <charconv>

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include "deltacpp/kernel/json_internal.h"
#include "deltacpp/kernel/schema/field_metadata.h"

namespace deltacpp {

namespace {

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<PhysicalColumn> GetPhysicalColumn(const arrow::Field& logical,
                                         ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone)
    return PhysicalColumn{logical.name(), std::nullopt};
  const auto& metadata = logical.metadata();
  auto error = [&](std::string_view problem) {
    return DeltaError(DeltaErrorCode::kCorruptLog, "column '", logical.name(),
                      "': ", problem);
  };
  if (metadata == nullptr ||
      !metadata->Contains(std::string(field_metadata::kColumnMappingPhysicalName))) {
    return error("column mapping is on but the column has no physical name");
  }
  // Field metadata values are kept as JSON text (schema_json.h): a quoted string here.
  const std::string json =
      metadata->Get(std::string(field_metadata::kColumnMappingPhysicalName)).ValueOrDie();
  rapidjson::Document doc;
  DELTACPP_RETURN_NOT_OK(
      internal::ParseJsonBounded(doc, json, DeltaErrorCode::kCorruptLog,
                                 "the physical name of column '", logical.name(), "'"));
  if (doc.HasParseError() || !doc.IsString()) {
    return error("its physical name is not a string");
  }
  PhysicalColumn physical{std::string(internal::StringOf(doc)), std::nullopt};
  if (mode == ColumnMappingMode::kId) {
    auto id = metadata->Get(std::string(field_metadata::kColumnMappingId));
    if (!id.ok()) return error("column mapping mode id but the column has no id");
    physical.field_id = ParseInt(*id);
    if (!physical.field_id) return error("its column mapping id is not an integer");
  }
  return physical;
}

std::optional<int64_t> GetParquetFieldId(const arrow::Field& field) {
  if (field.metadata() == nullptr) return std::nullopt;
  auto id = field.metadata()->Get(std::string(kParquetFieldIdKey));
  if (!id.ok()) return std::nullopt;
  return ParseInt(*id);
}

}  // namespace deltacpp
