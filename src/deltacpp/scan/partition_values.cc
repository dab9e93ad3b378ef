#include "deltacpp/scan/partition_values.h"

#include <arrow/scalar.h>
#include <arrow/type.h>

#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/scan/typed_value.h"

namespace deltacpp {

namespace {

// Binary partition values are written as a string whose code points are the bytes
// ("\u0001\u0002"); after JSON decoding that is UTF-8 of code points below 256.
Result<std::string> CodePointsToBytes(const std::string& text) {
  std::string bytes;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      bytes.push_back(static_cast<char>(lead));
    } else if ((lead & 0xE0) == 0xC0 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[++i]);
      bytes.push_back(static_cast<char>(((lead & 0x1F) << 6) | (next & 0x3F)));
    } else {
      return DeltaError(DeltaErrorCode::kCorruptLog, "binary partition value holds a ",
                        "character above \\u00ff");
    }
  }
  return bytes;
}

}  // namespace

Result<std::shared_ptr<arrow::Scalar>> ParsePartitionValue(
    const std::optional<std::string>& serialized,
    const std::shared_ptr<arrow::DataType>& type) {
  if (!serialized.has_value() || serialized->empty()) return arrow::MakeNullScalar(type);
  const std::string& text = *serialized;
  switch (type->id()) {
    case arrow::Type::STRING:
      return std::make_shared<arrow::StringScalar>(text);
    case arrow::Type::BINARY: {
      DELTACPP_ASSIGN_OR_RAISE(auto bytes, CodePointsToBytes(text));
      return std::make_shared<arrow::BinaryScalar>(std::move(bytes));
    }
    case arrow::Type::BOOL:
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::DECIMAL128:
    case arrow::Type::DATE32:
    case arrow::Type::TIMESTAMP: {
      auto value = ParseTypedValue(text, type);
      if (!value.ok()) {
        return DeltaError(DeltaErrorCode::kCorruptLog, "partition value ",
                          value.status().message());
      }
      return value;
    }
    default:
      return DeltaError(DeltaErrorCode::kUnsupportedFeature, "a ", DeltaTypeString(*type),
                        " column cannot be a partition column");
  }
}

}  // namespace deltacpp
