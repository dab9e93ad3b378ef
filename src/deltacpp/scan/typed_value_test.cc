#include "deltacpp/scan/typed_value.h"

#include <arrow/scalar.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

std::shared_ptr<arrow::Scalar> Parse(std::string_view text,
                                     const std::shared_ptr<arrow::DataType>& type) {
  auto scalar = ParseTypedValue(text, type);
  EXPECT_TRUE(scalar.ok()) << text << ": " << scalar.status().ToString();
  return scalar.ok() ? *scalar : arrow::MakeNullScalar(type);
}

TEST(TypedValueTest, ParsesEveryPrimitiveType) {
  EXPECT_EQ(Parse("-128", arrow::int8())->ToString(), "-128");
  EXPECT_EQ(Parse("9223372036854775807", arrow::int64())->ToString(),
            "9223372036854775807");
  EXPECT_EQ(Parse("1.5e3", arrow::float64())->ToString(), "1500");
  EXPECT_EQ(Parse("true", arrow::boolean())->ToString(), "true");
  EXPECT_EQ(Parse("2024-02-29", arrow::date32())->ToString(), "2024-02-29");
  EXPECT_EQ(Parse("a'b", arrow::utf8())->ToString(), "a'b");
  // Decimals keep every digit and take the column's scale.
  EXPECT_EQ(Parse("12345678901234567890.5", arrow::decimal128(38, 2))->ToString(),
            "12345678901234567890.50");
  EXPECT_EQ(Parse("1E+2", arrow::decimal128(5, 1))->ToString(), "100.0");
}

TEST(TypedValueTest, TimestampsAreIsoWithOptionalZone) {
  const auto utc = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  const auto ntz = arrow::timestamp(arrow::TimeUnit::MICRO);
  EXPECT_EQ(Parse("2021-01-02T03:04:05.123Z", utc)->ToString(),
            "2021-01-02 03:04:05.123000Z");
  EXPECT_EQ(Parse("2021-01-02T03:04:05.123-08:00", utc)->ToString(),
            "2021-01-02 11:04:05.123000Z");
  EXPECT_EQ(Parse("2021-01-02 03:04:05", ntz)->ToString(), "2021-01-02 03:04:05.000000");
}

TEST(TypedValueTest, BadTextIsAnErrorNamingTextAndType) {
  auto result = ParseTypedValue("12x", arrow::int32());
  ASSERT_RAISES_DELTA(kInvalidArgument, result);
  EXPECT_EQ(result.status().message(), "'12x' is not a valid integer");
  ASSERT_RAISES_DELTA(kInvalidArgument, ParseTypedValue("300", arrow::int8()));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParseTypedValue("2021-02-30", arrow::date32()));
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      ParseTypedValue("1.234", arrow::decimal128(5, 2)));  // loses a digit
  ASSERT_RAISES_DELTA(kInvalidArgument,
                      ParseTypedValue("1000", arrow::decimal128(4, 2)));  // too wide
  ASSERT_RAISES_DELTA(kInvalidArgument,
                      ParseTypedValue("1", arrow::list(arrow::int32())));
}

TEST(TypedValueTest, ComparesSameTypedScalars) {
  EXPECT_EQ(CompareScalars(*Parse("1", arrow::int32()), *Parse("2", arrow::int32())), -1);
  EXPECT_EQ(CompareScalars(*Parse("b", arrow::utf8()), *Parse("a", arrow::utf8())), 1);
  // Strings order as unsigned bytes (UTF-8 binary order).
  EXPECT_EQ(CompareScalars(*Parse("\xc3\xa9", arrow::utf8()), *Parse("z", arrow::utf8())),
            1);
  EXPECT_EQ(CompareScalars(*Parse("1.50", arrow::decimal128(5, 2)),
                           *Parse("1.5", arrow::decimal128(5, 2))),
            0);
  EXPECT_EQ(
      CompareScalars(*Parse("NaN", arrow::float64()), *Parse("1", arrow::float64())),
      std::nullopt);
  EXPECT_EQ(CompareScalars(*Parse("1", arrow::int32()), *Parse("1", arrow::int64())),
            std::nullopt);
  EXPECT_EQ(
      CompareScalars(*arrow::MakeNullScalar(arrow::int32()), *Parse("1", arrow::int32())),
      std::nullopt);
}

}  // namespace
}  // namespace deltacpp
