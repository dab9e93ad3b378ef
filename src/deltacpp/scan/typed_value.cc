#include "deltacpp/scan/typed_value.h"

#include <cmath>
#include <string>

#include <arrow/scalar.h>
#include <arrow/type.h>
#include <arrow/util/decimal.h>
#include <arrow/util/value_parsing.h>

#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp {

namespace {

Status NotA(std::string_view text, const arrow::DataType& type) {
  return DeltaError(DeltaErrorCode::kInvalidArgument, "'", text, "' is not a valid ",
                    DeltaTypeString(type));
}

template <typename ArrowType>
Result<std::shared_ptr<arrow::Scalar>> ParseNumeric(
    std::string_view text, const std::shared_ptr<arrow::DataType>& type) {
  typename ArrowType::c_type value{};
  if (!arrow::internal::ParseValue<ArrowType>(text.data(), text.size(), &value)) {
    return NotA(text, *type);
  }
  return std::make_shared<typename arrow::TypeTraits<ArrowType>::ScalarType>(value, type);
}

template <typename Decimal, typename ScalarType>
Result<std::shared_ptr<arrow::Scalar>> ParseDecimal(
    std::string_view text, const std::shared_ptr<arrow::DataType>& type) {
  const auto& decimal_type = static_cast<const arrow::DecimalType&>(*type);
  Decimal value;
  int32_t precision = 0;
  int32_t scale = 0;
  if (!Decimal::FromString(text, &value, &precision, &scale).ok()) {
    return NotA(text, *type);
  }
  if (scale != decimal_type.scale()) {
    auto rescaled = value.Rescale(scale, decimal_type.scale());
    if (!rescaled.ok()) return NotA(text, *type);
    value = *rescaled;
  }
  if (!value.FitsInPrecision(decimal_type.precision())) return NotA(text, *type);
  return std::make_shared<ScalarType>(value, type);
}

template <typename T>
int Order(const T& left, const T& right) {
  return left < right ? -1 : (right < left ? 1 : 0);
}

template <typename ScalarType>
int OrderValues(const arrow::Scalar& left, const arrow::Scalar& right) {
  return Order(static_cast<const ScalarType&>(left).value,
               static_cast<const ScalarType&>(right).value);
}

template <typename ScalarType>
std::optional<int> OrderFloats(const arrow::Scalar& left, const arrow::Scalar& right) {
  const auto a = static_cast<const ScalarType&>(left).value;
  const auto b = static_cast<const ScalarType&>(right).value;
  if (std::isnan(a) || std::isnan(b)) return std::nullopt;
  return Order(a, b);
}

}  // namespace

Result<std::shared_ptr<arrow::Scalar>> ParseTypedValue(
    std::string_view text, const std::shared_ptr<arrow::DataType>& type) {
  switch (type->id()) {
    case arrow::Type::STRING:
      return std::make_shared<arrow::StringScalar>(std::string(text));
    case arrow::Type::BINARY:
      return std::make_shared<arrow::BinaryScalar>(std::string(text));
    case arrow::Type::BOOL:
      return ParseNumeric<arrow::BooleanType>(text, type);
    case arrow::Type::INT8:
      return ParseNumeric<arrow::Int8Type>(text, type);
    case arrow::Type::INT16:
      return ParseNumeric<arrow::Int16Type>(text, type);
    case arrow::Type::INT32:
      return ParseNumeric<arrow::Int32Type>(text, type);
    case arrow::Type::INT64:
      return ParseNumeric<arrow::Int64Type>(text, type);
    case arrow::Type::FLOAT:
      return ParseNumeric<arrow::FloatType>(text, type);
    case arrow::Type::DOUBLE:
      return ParseNumeric<arrow::DoubleType>(text, type);
    case arrow::Type::DATE32:
      return ParseNumeric<arrow::Date32Type>(text, type);
    case arrow::Type::DECIMAL128:
      return ParseDecimal<arrow::Decimal128, arrow::Decimal128Scalar>(text, type);
    case arrow::Type::DECIMAL256:
      return ParseDecimal<arrow::Decimal256, arrow::Decimal256Scalar>(text, type);
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp_type = static_cast<const arrow::TimestampType&>(*type);
      int64_t value = 0;
      if (!arrow::internal::ParseTimestampISO8601(text.data(), text.size(),
                                                  timestamp_type.unit(), &value)) {
        return NotA(text, *type);
      }
      return std::make_shared<arrow::TimestampScalar>(value, type);
    }
    default:
      return DeltaError(DeltaErrorCode::kInvalidArgument, "a value of type ",
                        DeltaTypeString(*type), " cannot be written as text");
  }
}

std::optional<int> CompareScalars(const arrow::Scalar& left, const arrow::Scalar& right) {
  if (!left.is_valid || !right.is_valid || left.type->id() != right.type->id()) {
    return std::nullopt;
  }
  switch (left.type->id()) {
    case arrow::Type::BOOL:
      return OrderValues<arrow::BooleanScalar>(left, right);
    case arrow::Type::INT8:
      return OrderValues<arrow::Int8Scalar>(left, right);
    case arrow::Type::INT16:
      return OrderValues<arrow::Int16Scalar>(left, right);
    case arrow::Type::INT32:
      return OrderValues<arrow::Int32Scalar>(left, right);
    case arrow::Type::INT64:
      return OrderValues<arrow::Int64Scalar>(left, right);
    case arrow::Type::DATE32:
      return OrderValues<arrow::Date32Scalar>(left, right);
    case arrow::Type::TIMESTAMP:
      if (!left.type->Equals(*right.type)) return std::nullopt;
      return OrderValues<arrow::TimestampScalar>(left, right);
    case arrow::Type::FLOAT:
      return OrderFloats<arrow::FloatScalar>(left, right);
    case arrow::Type::DOUBLE:
      return OrderFloats<arrow::DoubleScalar>(left, right);
    case arrow::Type::DECIMAL128:
      if (!left.type->Equals(*right.type)) return std::nullopt;
      return OrderValues<arrow::Decimal128Scalar>(left, right);
    case arrow::Type::DECIMAL256:
      if (!left.type->Equals(*right.type)) return std::nullopt;
      return OrderValues<arrow::Decimal256Scalar>(left, right);
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      // Bytewise, as UTF-8 binary order (the order Delta statistics use).
      const auto a = static_cast<const arrow::BaseBinaryScalar&>(left).view();
      const auto b = static_cast<const arrow::BaseBinaryScalar&>(right).view();
      const int order = a.compare(b);
      return order < 0 ? -1 : (order > 0 ? 1 : 0);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace deltacpp
