#include "deltacpp/scan/partition_values.h"

#include <arrow/compute/initialize.h>
#include <arrow/scalar.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

class PartitionValuesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_OK(arrow::compute::Initialize()); }

  static std::string Parse(const std::optional<std::string>& text,
                           const std::shared_ptr<arrow::DataType>& type) {
    auto scalar = ParsePartitionValue(text, type);
    EXPECT_TRUE(scalar.ok()) << scalar.status().ToString();
    if (!scalar.ok()) return "<error>";
    EXPECT_TRUE((*scalar)->type->Equals(*type)) << (*scalar)->type->ToString();
    return (*scalar)->is_valid ? (*scalar)->ToString() : "null";
  }
};

TEST_F(PartitionValuesTest, ParsesEveryPartitionableType) {
  EXPECT_EQ(Parse("a b/c=d%", arrow::utf8()), "a b/c=d%");
  EXPECT_EQ(Parse("-12", arrow::int8()), "-12");
  EXPECT_EQ(Parse("1234", arrow::int16()), "1234");
  EXPECT_EQ(Parse("-2147483648", arrow::int32()), "-2147483648");
  EXPECT_EQ(Parse("9223372036854775807", arrow::int64()), "9223372036854775807");
  EXPECT_EQ(Parse("1.5", arrow::float32()), "1.5");
  EXPECT_EQ(Parse("-0.25", arrow::float64()), "-0.25");
  EXPECT_EQ(Parse("true", arrow::boolean()), "true");
  EXPECT_EQ(Parse("false", arrow::boolean()), "false");
  EXPECT_EQ(Parse("12.340", arrow::decimal128(5, 3)), "12.340");
  EXPECT_EQ(Parse("2021-02-28", arrow::date32()), "2021-02-28");
}

TEST_F(PartitionValuesTest, ParsesTimestampsInBothSerializations) {
  const auto utc = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  const auto ntz = arrow::timestamp(arrow::TimeUnit::MICRO);
  EXPECT_EQ(Parse("1970-01-01 00:00:00", ntz), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(Parse("2021-01-02 03:04:05.123456", ntz), "2021-01-02 03:04:05.123456");
  EXPECT_EQ(Parse("2021-01-02T03:04:05.123456Z", utc), "2021-01-02 03:04:05.123456Z");
  EXPECT_EQ(Parse("2021-01-02 03:04:05", utc), "2021-01-02 03:04:05.000000Z");
}

TEST_F(PartitionValuesTest, NullAndEmptyAreNull) {
  EXPECT_EQ(Parse(std::nullopt, arrow::int32()), "null");
  EXPECT_EQ(Parse("", arrow::int32()), "null");
  EXPECT_EQ(Parse("", arrow::utf8()), "null");
}

TEST_F(PartitionValuesTest, BinaryValuesAreCodePoints) {
  auto scalar = ParsePartitionValue(std::string("\x01\x02\xc3\xbf"), arrow::binary());
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(static_cast<const arrow::BinaryScalar&>(**scalar).view(),
            std::string_view("\x01\x02\xff", 3));
}

TEST_F(PartitionValuesTest, BadValuesAreCorruptLogQuotingTheText) {
  auto result = ParsePartitionValue(std::string("12x"), arrow::int32());
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("'12x' is not a valid integer"),
            std::string::npos)
      << result.status().message();
  ASSERT_RAISES_DELTA(kCorruptLog,
                      ParsePartitionValue(std::string("300"), arrow::int8()));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      ParsePartitionValue(std::string("2021-13-01"), arrow::date32()));
  ASSERT_RAISES_DELTA(kUnsupportedFeature,
                      ParsePartitionValue(std::string("x"), arrow::list(arrow::int32())));
}

}  // namespace
}  // namespace deltacpp
