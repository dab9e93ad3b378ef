#include "deltacpp/kernel/schema/schema_json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include "deltacpp/kernel/json_internal.h"

namespace deltacpp {

namespace {

using internal::FindMember;
using internal::StringOf;
using rapidjson::Value;

Status SchemaError(std::string_view where, std::string_view problem) {
  return DeltaError(DeltaErrorCode::kCorruptLog, "invalid table schema: ", where, " ",
                    problem);
}

// `depth` counts the complex types around the one being parsed: 0 for a column's type.
Result<std::shared_ptr<arrow::DataType>> ParseType(const Value& type,
                                                   const std::string& where, int depth);

Result<std::shared_ptr<arrow::Field>> ParseField(const Value& field,
                                                 const std::string& parent, int depth) {
  if (!field.IsObject()) return SchemaError(parent, "has a field that is not an object");
  const Value* name = FindMember(field, "name");
  if (name == nullptr || !name->IsString()) {
    return SchemaError(parent, "has a field without a string 'name'");
  }
  const std::string where = parent.empty() ? std::string(StringOf(*name))
                                           : parent + "." + std::string(StringOf(*name));
  const Value* type = FindMember(field, "type");
  if (type == nullptr) return SchemaError(where, "has no 'type'");
  DELTACPP_ASSIGN_OR_RAISE(auto arrow_type, ParseType(*type, where, depth));
  bool nullable = true;
  if (const Value* flag = FindMember(field, "nullable")) {
    if (!flag->IsBool())
      return SchemaError(where, "has a 'nullable' that is not a boolean");
    nullable = flag->GetBool();
  }
  std::shared_ptr<arrow::KeyValueMetadata> metadata;
  const Value* metadata_object = FindMember(field, "metadata");
  if (metadata_object != nullptr && metadata_object->IsObject() &&
      metadata_object->MemberCount() > 0) {
    std::vector<std::string> keys;
    std::vector<std::string> values;
    for (const auto& entry : metadata_object->GetObject()) {
      keys.emplace_back(StringOf(entry.name));
      values.push_back(internal::ToJsonText(entry.value));
    }
    metadata = arrow::key_value_metadata(std::move(keys), std::move(values));
  }
  return arrow::field(std::string(StringOf(*name)), std::move(arrow_type), nullable,
                      std::move(metadata));
}

Result<std::vector<std::shared_ptr<arrow::Field>>> ParseFields(const Value& struct_object,
                                                               const std::string& where,
                                                               int depth) {
  const Value* fields = FindMember(struct_object, "fields");
  if (fields == nullptr || !fields->IsArray()) {
    return SchemaError(where.empty() ? "the root struct" : where,
                       "has no 'fields' array");
  }
  std::vector<std::shared_ptr<arrow::Field>> result;
  for (const auto& field : fields->GetArray()) {
    DELTACPP_ASSIGN_OR_RAISE(auto parsed, ParseField(field, where, depth));
    result.push_back(std::move(parsed));
  }
  return result;
}

Result<bool> ReadFlag(const Value& obj, std::string_view key, const std::string& where) {
  const Value* value = FindMember(obj, key);
  if (value == nullptr) return true;
  if (!value->IsBool()) {
    return SchemaError(
        where, std::string("has a '") + std::string(key) + "' that is not a boolean");
  }
  return value->GetBool();
}

Result<std::shared_ptr<arrow::DataType>> ParseType(const Value& type,
                                                   const std::string& where, int depth) {
  if (type.IsString()) {
    auto primitive = ParsePrimitiveType(StringOf(type));
    if (!primitive.ok()) {
      return primitive.status().WithMessage(primitive.status().message(), " (column ",
                                            where, ")");
    }
    return primitive;
  }
  const Value* name_value = type.IsObject() ? FindMember(type, "type") : nullptr;
  if (name_value == nullptr || !name_value->IsString()) {
    return SchemaError(where,
                       "has a type that is neither a name nor an object with 'type'");
  }
  const std::string_view name = StringOf(*name_value);
  if (depth >= kMaxTypeNesting) {
    return SchemaError(
        where, "nests types deeper than " + std::to_string(kMaxTypeNesting) + " levels");
  }
  if (name == "struct") {
    DELTACPP_ASSIGN_OR_RAISE(auto fields, ParseFields(type, where, depth + 1));
    return arrow::struct_(std::move(fields));
  }
  if (name == "array") {
    const Value* element_type = FindMember(type, "elementType");
    if (element_type == nullptr) {
      return SchemaError(where, "is an array without 'elementType'");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto value_type,
                             ParseType(*element_type, where + ".element", depth + 1));
    DELTACPP_ASSIGN_OR_RAISE(bool contains_null, ReadFlag(type, "containsNull", where));
    return arrow::list(arrow::field("element", std::move(value_type), contains_null));
  }
  if (name == "map") {
    const Value* key_type = FindMember(type, "keyType");
    const Value* value_type = FindMember(type, "valueType");
    if (key_type == nullptr || value_type == nullptr) {
      return SchemaError(where, "is a map without 'keyType' and 'valueType'");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto key, ParseType(*key_type, where + ".key", depth + 1));
    DELTACPP_ASSIGN_OR_RAISE(auto value,
                             ParseType(*value_type, where + ".value", depth + 1));
    DELTACPP_ASSIGN_OR_RAISE(bool value_contains_null,
                             ReadFlag(type, "valueContainsNull", where));
    return std::make_shared<arrow::MapType>(
        arrow::field("key", std::move(key), false),
        arrow::field("value", std::move(value), value_contains_null));
  }
  return SchemaError(where,
                     std::string("has unknown complex type '") + std::string(name) + "'");
}

}  // namespace

const char* DeltaNameOfSqlType(std::string_view name) {
  static const std::pair<std::string_view, const char*> kNames[] = {
      {"boolean", "boolean"},
      {"bool", "boolean"},
      {"tinyint", "byte"},
      {"byte", "byte"},
      {"smallint", "short"},
      {"short", "short"},
      {"int", "integer"},
      {"integer", "integer"},
      {"bigint", "long"},
      {"long", "long"},
      {"float", "float"},
      {"real", "float"},
      {"double", "double"},
      {"string", "string"},
      {"varchar", "string"},
      {"char", "string"},
      {"binary", "binary"},
      {"date", "date"},
      {"timestamp", "timestamp"},
      {"timestamp_ltz", "timestamp"},
      {"timestamp_ntz", "timestamp_ntz"},
      {"decimal", "decimal"},
      {"dec", "decimal"},
      {"numeric", "decimal"},
  };
  for (const auto& [sql, delta] : kNames) {
    if (sql.size() == name.size() &&
        std::equal(sql.begin(), sql.end(), name.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      return delta;
    }
  }
  return nullptr;
}

Result<std::shared_ptr<arrow::DataType>> ParsePrimitiveType(std::string_view name) {
  static const std::pair<std::string_view, std::shared_ptr<arrow::DataType>>
      kPrimitives[] = {
          {"string", arrow::utf8()},
          {"long", arrow::int64()},
          {"integer", arrow::int32()},
          {"short", arrow::int16()},
          {"byte", arrow::int8()},
          {"float", arrow::float32()},
          {"double", arrow::float64()},
          {"boolean", arrow::boolean()},
          {"binary", arrow::binary()},
          {"date", arrow::date32()},
          {"timestamp", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")},
          {"timestamp_ntz", arrow::timestamp(arrow::TimeUnit::MICRO)},
      };
  for (const auto& [delta_name, type] : kPrimitives) {
    if (delta_name == name) return type;
  }
  // decimal(p,s), spaces allowed after the comma as Spark writes none but people do.
  if (name.starts_with("decimal(") && name.ends_with(")")) {
    std::string_view args = name.substr(8, name.size() - 9);
    auto comma = args.find(',');
    int precision = -1;
    int scale = -1;
    if (comma != std::string_view::npos) {
      std::string_view p = args.substr(0, comma);
      std::string_view s = args.substr(comma + 1);
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      auto [p_end, p_error] = std::from_chars(p.data(), p.data() + p.size(), precision);
      auto [s_end, s_error] = std::from_chars(s.data(), s.data() + s.size(), scale);
      if (p_error != std::errc() || s_error != std::errc() ||
          p_end != p.data() + p.size() || s_end != s.data() + s.size()) {
        precision = -1;
      }
    }
    if (precision < 1 || precision > kMaxDecimalPrecision || scale < 0 ||
        scale > precision) {
      return DeltaError(DeltaErrorCode::kCorruptLog, "invalid decimal type '", name,
                        "': precision must be 1..", kMaxDecimalPrecision,
                        " and scale 0..precision");
    }
    return arrow::decimal128(precision, scale);
  }
  if (name == "variant") return VariantStorageType();
  return DeltaError(DeltaErrorCode::kCorruptLog, "unknown Delta type '", name, "'");
}

const std::shared_ptr<arrow::DataType>& VariantStorageType() {
  static const auto type =
      arrow::struct_({arrow::field("metadata", arrow::binary(), /*nullable=*/false),
                      arrow::field("value", arrow::binary(), /*nullable=*/false)});
  return type;
}

Result<std::shared_ptr<arrow::Schema>> ParseSchemaJson(std::string_view schema_string) {
  rapidjson::Document doc;
  // Exact numbers: a metadata number must read back as the double it was written from
  // (the default parse can be an ulp off, so a schema changed as it round-tripped).
  DELTACPP_ASSIGN_OR_RAISE(const bool well_formed,
                           internal::ParseJsonBoundedExactNumbers(
                               doc, schema_string, DeltaErrorCode::kCorruptLog,
                               "invalid table schema: schemaString"));
  const Value* type = well_formed && doc.IsObject() ? FindMember(doc, "type") : nullptr;
  if (type == nullptr || !type->IsString() || StringOf(*type) != "struct") {
    return SchemaError("schemaString", "is not a JSON struct type");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto fields, ParseFields(doc, "", /*depth=*/0));
  return arrow::schema(std::move(fields));
}

std::string DeltaTypeString(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::STRING:
      return "string";
    case arrow::Type::INT64:
      return "long";
    case arrow::Type::INT32:
      return "integer";
    case arrow::Type::INT16:
      return "short";
    case arrow::Type::INT8:
      return "byte";
    case arrow::Type::FLOAT:
      return "float";
    case arrow::Type::DOUBLE:
      return "double";
    case arrow::Type::BOOL:
      return "boolean";
    case arrow::Type::BINARY:
      return "binary";
    case arrow::Type::DATE32:
      return "date";
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp = static_cast<const arrow::TimestampType&>(type);
      return timestamp.timezone().empty() ? "timestamp_ntz" : "timestamp";
    }
    case arrow::Type::DECIMAL128: {
      const auto& decimal = static_cast<const arrow::Decimal128Type&>(type);
      return "decimal(" + std::to_string(decimal.precision()) + "," +
             std::to_string(decimal.scale()) + ")";
    }
    case arrow::Type::LIST:
      return "array<" +
             DeltaTypeString(*static_cast<const arrow::ListType&>(type).value_type()) +
             ">";
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      return "map<" + DeltaTypeString(*map.key_type()) + ", " +
             DeltaTypeString(*map.item_type()) + ">";
    }
    case arrow::Type::STRUCT: {
      if (type.Equals(*VariantStorageType())) return "variant";
      std::string text = "struct<";
      for (int i = 0; i < type.num_fields(); ++i) {
        if (i > 0) text += ", ";
        text += type.field(i)->name() + ": " + DeltaTypeString(*type.field(i)->type());
      }
      return text + ">";
    }
    default:
      return "<" + type.ToString() + ">";
  }
}

namespace {

// The Delta JSON of `type` (a nested type as an object, a primitive as its name).
Status WriteType(const arrow::DataType& type,
                 rapidjson::Writer<rapidjson::StringBuffer>& out);

Status WriteField(const arrow::Field& field,
                  rapidjson::Writer<rapidjson::StringBuffer>& out) {
  out.StartObject();
  out.Key("name");
  out.String(field.name().data(), static_cast<rapidjson::SizeType>(field.name().size()));
  out.Key("type");
  DELTACPP_RETURN_NOT_OK(WriteType(*field.type(), out));
  out.Key("nullable");
  out.Bool(field.nullable());
  out.Key("metadata");
  out.StartObject();
  if (field.metadata() != nullptr) {
    // Values are kept as JSON text (see ParseSchemaJson): written back verbatim.
    for (int64_t i = 0; i < field.metadata()->size(); ++i) {
      const auto& key = field.metadata()->key(i);
      const auto& value = field.metadata()->value(i);
      out.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      rapidjson::Document parsed;
      // Too deep to be a value we wrote (a field of an input file, say): kept as text.
      const bool too_deep =
          !internal::ParseJsonBounded(parsed, value, DeltaErrorCode::kInvalidArgument, "")
               .ok();
      if (too_deep || parsed.HasParseError()) {
        out.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
      } else {
        out.RawValue(value.data(), value.size(), parsed.GetType());
      }
    }
  }
  out.EndObject();
  out.EndObject();
  return Status::OK();
}

Status WriteType(const arrow::DataType& type,
                 rapidjson::Writer<rapidjson::StringBuffer>& out) {
  switch (type.id()) {
    case arrow::Type::STRUCT: {
      if (type.Equals(*VariantStorageType())) {
        out.String("variant");
        return Status::OK();
      }
      out.StartObject();
      out.Key("type");
      out.String("struct");
      out.Key("fields");
      out.StartArray();
      for (const auto& field : type.fields())
        DELTACPP_RETURN_NOT_OK(WriteField(*field, out));
      out.EndArray();
      out.EndObject();
      return Status::OK();
    }
    case arrow::Type::LIST: {
      const auto& element = static_cast<const arrow::ListType&>(type).value_field();
      out.StartObject();
      out.Key("type");
      out.String("array");
      out.Key("elementType");
      DELTACPP_RETURN_NOT_OK(WriteType(*element->type(), out));
      out.Key("containsNull");
      out.Bool(element->nullable());
      out.EndObject();
      return Status::OK();
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      out.StartObject();
      out.Key("type");
      out.String("map");
      out.Key("keyType");
      DELTACPP_RETURN_NOT_OK(WriteType(*map.key_type(), out));
      out.Key("valueType");
      DELTACPP_RETURN_NOT_OK(WriteType(*map.item_type(), out));
      out.Key("valueContainsNull");
      out.Bool(map.item_field()->nullable());
      out.EndObject();
      return Status::OK();
    }
    default: {
      const std::string name = DeltaTypeString(type);
      if (name.empty() || name[0] == '<') {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "type ", type.ToString(),
                          " has no Delta counterpart");
      }
      out.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      return Status::OK();
    }
  }
}

}  // namespace

Result<std::string> SchemaToJson(const arrow::Schema& schema) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
  out.StartObject();
  out.Key("type");
  out.String("struct");
  out.Key("fields");
  out.StartArray();
  for (const auto& field : schema.fields())
    DELTACPP_RETURN_NOT_OK(WriteField(*field, out));
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace deltacpp
