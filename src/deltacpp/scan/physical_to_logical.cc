#include "deltacpp/scan/physical_to_logical.h"

#include <arrow/array/util.h>
#include <arrow/compute/cast.h>
#include <arrow/type.h>

#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp {

namespace {

// Works on whole (unsliced) ArrayData: a struct or list keeps its own offset, length and
// buffers, and only its children are replaced, each converted over its full length.
Result<std::shared_ptr<arrow::ArrayData>> Convert(
    const std::shared_ptr<arrow::ArrayData>& physical,
    const std::shared_ptr<arrow::DataType>& logical_type, ColumnMappingMode mode,
    const std::string& where);

Result<std::shared_ptr<arrow::ArrayData>> CastTo(
    const std::shared_ptr<arrow::ArrayData>& physical,
    const std::shared_ptr<arrow::DataType>& logical_type, const std::string& where) {
  auto cast = arrow::compute::Cast(*arrow::MakeArray(physical), logical_type);
  if (!cast.ok()) {
    return DeltaError(DeltaErrorCode::kCorruptLog, "column ", where, " is stored as ",
                      physical->type->ToString(),
                      ", which does not convert to the table's ",
                      logical_type->ToString(), ": ", cast.status().message());
  }
  return (*cast)->data();
}

Result<std::shared_ptr<arrow::ArrayData>> ConvertStruct(
    const std::shared_ptr<arrow::ArrayData>& physical,
    const std::shared_ptr<arrow::DataType>& logical_type, ColumnMappingMode mode,
    const std::string& where) {
  const int64_t child_length = physical->offset + physical->length;
  // A variant's two parts are named by the Parquet variant encoding, not column mapping.
  const ColumnMappingMode children_mode =
      logical_type->Equals(*VariantStorageType()) ? ColumnMappingMode::kNone : mode;
  std::vector<std::shared_ptr<arrow::ArrayData>> children;
  for (const auto& logical_child : logical_type->fields()) {
    DELTACPP_ASSIGN_OR_RAISE(int index, FindPhysicalField(physical->type->fields(),
                                                          *logical_child, children_mode));
    const std::string child_where = where + "." + logical_child->name();
    if (index < 0) {
      DELTACPP_ASSIGN_OR_RAISE(
          auto nulls, arrow::MakeArrayOfNull(logical_child->type(), child_length));
      children.push_back(nulls->data());
      continue;
    }
    DELTACPP_ASSIGN_OR_RAISE(auto child,
                             Convert(physical->child_data[index], logical_child->type(),
                                     children_mode, child_where));
    children.push_back(std::move(child));
  }
  return arrow::ArrayData::Make(logical_type, physical->length, {physical->buffers[0]},
                                std::move(children), physical->null_count,
                                physical->offset);
}

}  // namespace

Result<int> FindPhysicalField(const arrow::FieldVector& physical_fields,
                              const arrow::Field& logical, ColumnMappingMode mode) {
  DELTACPP_ASSIGN_OR_RAISE(auto column, GetPhysicalColumn(logical, mode));
  if (column.field_id.has_value()) {
    for (size_t i = 0; i < physical_fields.size(); ++i) {
      if (GetParquetFieldId(*physical_fields[i]) == column.field_id) {
        return static_cast<int>(i);
      }
    }
  }
  for (size_t i = 0; i < physical_fields.size(); ++i) {
    if (physical_fields[i]->name() == column.name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

Result<std::shared_ptr<arrow::ArrayData>> Convert(
    const std::shared_ptr<arrow::ArrayData>& physical,
    const std::shared_ptr<arrow::DataType>& logical_type, ColumnMappingMode mode,
    const std::string& where) {
  const auto physical_id = physical->type->id();
  switch (logical_type->id()) {
    case arrow::Type::STRUCT:
      if (physical_id != arrow::Type::STRUCT) break;
      return ConvertStruct(physical, logical_type, mode, where);
    case arrow::Type::LIST: {
      if (physical_id != arrow::Type::LIST) break;
      DELTACPP_ASSIGN_OR_RAISE(
          auto values, Convert(physical->child_data[0], logical_type->field(0)->type(),
                               mode, where + ".element"));
      return arrow::ArrayData::Make(logical_type, physical->length, physical->buffers,
                                    {std::move(values)}, physical->null_count,
                                    physical->offset);
    }
    case arrow::Type::MAP: {
      if (physical_id != arrow::Type::MAP) break;
      // A map's child is its struct<key, value> of entries: convert the entries by
      // position, since map entries carry no mapped names.
      const auto& entries = physical->child_data[0];
      const auto& logical_entries = logical_type->field(0)->type();
      std::vector<std::shared_ptr<arrow::ArrayData>> kv;
      for (int i = 0; i < 2; ++i) {
        DELTACPP_ASSIGN_OR_RAISE(
            auto converted,
            Convert(entries->child_data[i], logical_entries->field(i)->type(), mode,
                    where + (i == 0 ? ".key" : ".value")));
        kv.push_back(std::move(converted));
      }
      auto logical_entries_data =
          arrow::ArrayData::Make(logical_entries, entries->length, {entries->buffers[0]},
                                 std::move(kv), entries->null_count, entries->offset);
      return arrow::ArrayData::Make(logical_type, physical->length, physical->buffers,
                                    {std::move(logical_entries_data)},
                                    physical->null_count, physical->offset);
    }
    default:
      if (physical->type->Equals(*logical_type)) return physical;
      return CastTo(physical, logical_type, where);
  }
  // Nested types stored differently (e.g. a large list): let Arrow cast them.
  return CastTo(physical, logical_type, where);
}

}  // namespace

Result<std::shared_ptr<arrow::Array>> PhysicalToLogical(
    const std::shared_ptr<arrow::Array>& physical, const arrow::Field& logical,
    ColumnMappingMode mode) {
  DELTACPP_ASSIGN_OR_RAISE(
      auto data, Convert(physical->data(), logical.type(), mode, logical.name()));
  return arrow::MakeArray(std::move(data));
}

}  // namespace deltacpp
