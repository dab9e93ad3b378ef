#include "deltacpp/ops/write_schema.h"

#include <arrow/array.h>
#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/compute/cast.h>

#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp {

namespace {

// The type Delta stores for `type`: null when Delta has none.
std::shared_ptr<arrow::DataType> StorageType(
    const std::shared_ptr<arrow::DataType>& type) {
  switch (type->id()) {
    case arrow::Type::BOOL:
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
    case arrow::Type::DATE32:
    case arrow::Type::DECIMAL128:
      return type;
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return arrow::utf8();
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::BINARY_VIEW:
    case arrow::Type::FIXED_SIZE_BINARY:
      return arrow::binary();
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp = static_cast<const arrow::TimestampType&>(*type);
      return timestamp.timezone().empty()
                 ? arrow::timestamp(arrow::TimeUnit::MICRO)
                 : arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    }
    case arrow::Type::DICTIONARY:
      return StorageType(static_cast<const arrow::DictionaryType&>(*type).value_type());
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::LIST_VIEW:
    case arrow::Type::LARGE_LIST_VIEW: {
      auto element = StorageType(type->field(0)->type());
      if (element == nullptr) return nullptr;
      return arrow::list(type->field(0)->WithType(element)->WithName("element"));
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(*type);
      auto key = StorageType(map.key_type());
      auto item = StorageType(map.item_type());
      if (key == nullptr || item == nullptr) return nullptr;
      return std::make_shared<arrow::MapType>(map.key_field()->WithType(key),
                                              map.item_field()->WithType(item));
    }
    case arrow::Type::STRUCT: {
      arrow::FieldVector fields;
      for (const auto& field : type->fields()) {
        auto child = StorageType(field->type());
        if (child == nullptr) return nullptr;
        fields.push_back(field->WithType(child)->WithMetadata(nullptr));
      }
      return arrow::struct_(fields);
    }
    default:
      return nullptr;
  }
}

int IntegerWidth(arrow::Type::type id) {
  switch (id) {
    case arrow::Type::INT8:
      return 1;
    case arrow::Type::INT16:
      return 2;
    case arrow::Type::INT32:
      return 4;
    case arrow::Type::INT64:
      return 8;
    default:
      return 0;
  }
}

// True when every value of `from` is a value of `to` (the widenings Delta's type
// widening allows without a table feature change of the data itself).
bool WidensSafely(const arrow::DataType& from, const arrow::DataType& to) {
  const int from_width = IntegerWidth(from.id());
  const int to_width = IntegerWidth(to.id());
  if (from_width > 0 && to_width > 0) return from_width < to_width;
  if (from.id() == arrow::Type::FLOAT && to.id() == arrow::Type::DOUBLE) return true;
  if (from.id() == arrow::Type::DATE32 && to.id() == arrow::Type::TIMESTAMP) {
    return static_cast<const arrow::TimestampType&>(to).timezone().empty();
  }
  if (from.id() == arrow::Type::DECIMAL128 && to.id() == arrow::Type::DECIMAL128) {
    const auto& f = static_cast<const arrow::Decimal128Type&>(from);
    const auto& t = static_cast<const arrow::Decimal128Type&>(to);
    return t.scale() >= f.scale() &&
           t.precision() - t.scale() >= f.precision() - f.scale();
  }
  return false;
}

class SchemaResolver {
 public:
  SchemaResolver(bool merge, const std::string& table_uri)
      : merge_(merge), table_uri_(table_uri) {}

  Result<arrow::FieldVector> Fields(const std::string& prefix,
                                    const arrow::FieldVector& table,
                                    const arrow::FieldVector& data,
                                    const std::set<std::string>& may_omit) const {
    arrow::FieldVector out;
    auto find = [](const arrow::FieldVector& fields, const std::string& name) {
      for (const auto& field : fields) {
        if (field->name() == name) return field;
      }
      return std::shared_ptr<arrow::Field>();
    };
    for (const auto& table_field : table) {
      const std::string path = prefix + table_field->name();
      auto data_field = find(data, table_field->name());
      if (data_field == nullptr) {
        if (!table_field->nullable() && may_omit.count(path) == 0) {
          return DeltaError(DeltaErrorCode::kSchemaMismatch, "the data lacks column '",
                            path, "', which is NOT NULL in table ", table_uri_);
        }
        out.push_back(table_field);
        continue;
      }
      DELTACPP_ASSIGN_OR_RAISE(auto type,
                               Type(path, table_field->type(), data_field->type()));
      out.push_back(table_field->WithType(type));
    }
    for (const auto& data_field : data) {
      if (find(table, data_field->name()) != nullptr) continue;
      if (!merge_) {
        return DeltaError(DeltaErrorCode::kSchemaMismatch, "column '",
                          prefix + data_field->name(), "' of the data is not in table ",
                          table_uri_, " (schema mode merge adds it)");
      }
      out.push_back(data_field->WithNullable(true));
    }
    return out;
  }

 private:
  Result<std::shared_ptr<arrow::DataType>> Type(
      const std::string& path, const std::shared_ptr<arrow::DataType>& table,
      const std::shared_ptr<arrow::DataType>& data) const {
    if (table->id() == arrow::Type::STRUCT && data->id() == arrow::Type::STRUCT) {
      DELTACPP_ASSIGN_OR_RAISE(auto fields,
                               Fields(path + ".", table->fields(), data->fields(), {}));
      return arrow::struct_(fields);
    }
    if (table->id() == arrow::Type::LIST && data->id() == arrow::Type::LIST) {
      DELTACPP_ASSIGN_OR_RAISE(
          auto element,
          Type(path + ".element", table->field(0)->type(), data->field(0)->type()));
      return arrow::list(table->field(0)->WithType(element));
    }
    if (table->id() == arrow::Type::MAP && data->id() == arrow::Type::MAP) {
      const auto& table_map = static_cast<const arrow::MapType&>(*table);
      const auto& data_map = static_cast<const arrow::MapType&>(*data);
      DELTACPP_ASSIGN_OR_RAISE(
          auto key, Type(path + ".key", table_map.key_type(), data_map.key_type()));
      DELTACPP_ASSIGN_OR_RAISE(
          auto item, Type(path + ".value", table_map.item_type(), data_map.item_type()));
      return std::make_shared<arrow::MapType>(table_map.key_field()->WithType(key),
                                              table_map.item_field()->WithType(item));
    }
    if (!arrow::is_nested(table->id()) && table->Equals(*data)) return table;
    // Narrower data is cast up to the table's type; the table's schema stays.
    if (WidensSafely(*data, *table)) return table;
    return DeltaError(DeltaErrorCode::kSchemaMismatch, "column '", path,
                      "' of the data is ", DeltaTypeString(*data), " but table ",
                      table_uri_, " has ", DeltaTypeString(*table));
  }

  bool merge_;
  const std::string& table_uri_;
};

Result<std::shared_ptr<arrow::Array>> ConformArray(
    std::shared_ptr<arrow::Array> array, const std::shared_ptr<arrow::DataType>& target) {
  if (array->type()->Equals(*target)) return array;
  if (array->type_id() == arrow::Type::DICTIONARY) {
    const auto& dictionary = static_cast<const arrow::DictionaryType&>(*array->type());
    DELTACPP_ASSIGN_OR_RAISE(array,
                             arrow::compute::Cast(*array, dictionary.value_type()));
    return ConformArray(std::move(array), target);
  }
  switch (target->id()) {
    case arrow::Type::STRUCT: {
      if (array->type_id() != arrow::Type::STRUCT) break;
      const auto& data = *array->data();
      const auto& data_type = static_cast<const arrow::StructType&>(*array->type());
      arrow::ArrayVector children;
      for (const auto& field : target->fields()) {
        const int index = data_type.GetFieldIndex(field->name());
        // Children are taken whole: the struct's offset applies to them as before.
        if (index < 0) {
          DELTACPP_ASSIGN_OR_RAISE(
              auto nulls,
              arrow::MakeArrayOfNull(field->type(), data.offset + data.length));
          children.push_back(std::move(nulls));
          continue;
        }
        DELTACPP_ASSIGN_OR_RAISE(
            auto child,
            ConformArray(arrow::MakeArray(data.child_data[index]), field->type()));
        children.push_back(std::move(child));
      }
      return std::make_shared<arrow::StructArray>(
          target, data.length, children, data.buffers[0], data.null_count, data.offset);
    }
    case arrow::Type::LIST: {
      if (array->type_id() != arrow::Type::LIST) {
        if (!arrow::is_list_like(array->type_id()) &&
            array->type_id() != arrow::Type::LIST_VIEW &&
            array->type_id() != arrow::Type::LARGE_LIST_VIEW) {
          break;
        }
        DELTACPP_ASSIGN_OR_RAISE(
            array, arrow::compute::Cast(*array, arrow::list(array->type()->field(0))));
      }
      const auto& list = static_cast<const arrow::ListArray&>(*array);
      DELTACPP_ASSIGN_OR_RAISE(auto values,
                               ConformArray(list.values(), target->field(0)->type()));
      return std::make_shared<arrow::ListArray>(
          target, list.length(), list.value_offsets(), values, list.null_bitmap(),
          list.data()->null_count, list.offset());
    }
    case arrow::Type::MAP: {
      if (array->type_id() != arrow::Type::MAP) break;
      const auto& map = static_cast<const arrow::MapArray&>(*array);
      const auto& target_map = static_cast<const arrow::MapType&>(*target);
      DELTACPP_ASSIGN_OR_RAISE(auto keys,
                               ConformArray(map.keys(), target_map.key_type()));
      DELTACPP_ASSIGN_OR_RAISE(auto items,
                               ConformArray(map.items(), target_map.item_type()));
      return std::make_shared<arrow::MapArray>(target, map.length(), map.value_offsets(),
                                               keys, items, map.null_bitmap(),
                                               map.data()->null_count, map.offset());
    }
    default: {
      auto options = arrow::compute::CastOptions::Safe(target);
      // Delta stores microseconds: finer digits are dropped, not an error.
      options.allow_time_truncate = true;
      DELTACPP_ASSIGN_OR_RAISE(auto datum, arrow::compute::Cast(array, options));
      return datum.make_array();
    }
  }
  return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot write ",
                    array->type()->ToString(), " values as ", target->ToString());
}

}  // namespace

Result<SchemaMode> ParseSchemaMode(std::string_view text) {
  if (text.empty() || text == "reject" || text == "none") return SchemaMode::kReject;
  if (text == "merge") return SchemaMode::kMerge;
  if (text == "overwrite") return SchemaMode::kOverwrite;
  return DeltaError(DeltaErrorCode::kInvalidArgument, "unknown schema mode '", text,
                    "' (reject, merge or overwrite)");
}

Result<std::shared_ptr<arrow::Schema>> StorageSchema(const arrow::Schema& data) {
  arrow::FieldVector fields;
  for (const auto& field : data.fields()) {
    auto type = StorageType(field->type());
    if (type == nullptr) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", field->name(),
                        "' has type ", field->type()->ToString(),
                        ", which a Delta table cannot store");
    }
    fields.push_back(field->WithType(type)->WithMetadata(nullptr));
  }
  return arrow::schema(fields);
}

Result<std::shared_ptr<arrow::Schema>> ResolveWriteSchema(
    const std::shared_ptr<arrow::Schema>& table_schema,
    const std::shared_ptr<arrow::Schema>& data_schema, SchemaMode mode,
    const std::set<std::string>& may_omit, const std::string& table_uri) {
  if (mode == SchemaMode::kOverwrite) return data_schema;
  SchemaResolver resolver(mode == SchemaMode::kMerge, table_uri);
  DELTACPP_ASSIGN_OR_RAISE(auto fields, resolver.Fields("", table_schema->fields(),
                                                        data_schema->fields(), may_omit));
  return arrow::schema(fields);
}

Result<std::shared_ptr<arrow::RecordBatch>> ConformBatch(
    const arrow::RecordBatch& batch, const arrow::Schema& target,
    const std::set<std::string>& leave_out) {
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  for (const auto& field : target.fields()) {
    const int index = batch.schema()->GetFieldIndex(field->name());
    if (index < 0) {
      if (leave_out.count(field->name()) != 0) continue;
      DELTACPP_ASSIGN_OR_RAISE(auto nulls,
                               arrow::MakeArrayOfNull(field->type(), batch.num_rows()));
      columns.push_back(std::move(nulls));
    } else {
      DELTACPP_ASSIGN_OR_RAISE(auto column,
                               ConformArray(batch.column(index), field->type()));
      columns.push_back(std::move(column));
    }
    fields.push_back(field);
  }
  return arrow::RecordBatch::Make(arrow::schema(fields), batch.num_rows(), columns);
}

}  // namespace deltacpp
