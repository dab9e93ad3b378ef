#include "deltacpp/ops/z_order.h"

#include <cstring>
#include <string>

#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "deltacpp/scan/compute_init.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

std::shared_ptr<arrow::Array> ArrayOf(const std::shared_ptr<arrow::DataType>& type,
                                      const std::string& json) {
  return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
}

std::vector<int64_t> Order(const std::vector<std::shared_ptr<arrow::Array>>& columns) {
  auto indices = ZOrderSortIndices(columns).ValueOrDie();
  return {indices->raw_values(), indices->raw_values() + indices->length()};
}

class ZOrderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(EnsureComputeInitialized()); }
};

TEST_F(ZOrderTest, OneColumnSortsByValueWithNullsFirst) {
  auto column = ArrayOf(arrow::int64(), "[30, null, 10, 20, 10]");
  // Equal values keep their order.
  EXPECT_EQ(Order({column}), (std::vector<int64_t>{1, 2, 4, 3, 0}));
  auto text = ArrayOf(arrow::utf8(), R"(["b", "a", null, "c"])");
  EXPECT_EQ(Order({text}), (std::vector<int64_t>{2, 1, 0, 3}));
}

TEST_F(ZOrderTest, TwoColumnsFollowTheZCurve) {
  // A 4x4 grid of (x, y), given in row-major order; the Z curve visits the 2x2
  // quadrants in turn: (0,0) (0,1) (1,0) (1,1) first, with x the more significant.
  std::string xs = "[", ys = "[";
  for (int x = 0; x < 4; ++x) {
    for (int y = 0; y < 4; ++y) {
      xs += std::to_string(x) + (x == 3 && y == 3 ? "]" : ",");
      ys += std::to_string(y) + (x == 3 && y == 3 ? "]" : ",");
    }
  }
  auto x = ArrayOf(arrow::int32(), xs);
  auto y = ArrayOf(arrow::float64(), ys);
  std::vector<int64_t> expected;
  // Row of (x, y) is 4x + y; Z-order interleaves x1 y1 x0 y0.
  for (int z = 0; z < 16; ++z) {
    const int xv = ((z >> 3) & 1) << 1 | ((z >> 1) & 1);
    const int yv = ((z >> 2) & 1) << 1 | (z & 1);
    expected.push_back(4 * xv + yv);
  }
  EXPECT_EQ(Order({x, y}), expected);
}

TEST_F(ZOrderTest, KeysInterleaveScaledRanks) {
  // Two distinct values take ranks 0 and 2^31 after scaling: the top bit.
  auto a = ArrayOf(arrow::boolean(), "[false, true]");
  auto b = ArrayOf(arrow::utf8(), R"(["x", "x"])");
  ASSERT_OK_AND_ASSIGN(auto keys, ZOrderKeys({a, b}));
  ASSERT_EQ(keys->byte_width(), 8);
  const uint8_t zero[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t top[8] = {0x80, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::memcmp(keys->GetValue(0), zero, 8), 0);
  EXPECT_EQ(std::memcmp(keys->GetValue(1), top, 8), 0);
}

TEST_F(ZOrderTest, Errors) {
  ASSERT_RAISES_DELTA(kInvalidArgument, ZOrderKeys({}).status());
  auto a = ArrayOf(arrow::int64(), "[1, 2]");
  auto b = ArrayOf(arrow::int64(), "[1]");
  ASSERT_RAISES_DELTA(kInvalidArgument, ZOrderKeys({a, b}).status());
  auto nested = ArrayOf(arrow::list(arrow::int64()), "[[1], [2]]");
  ASSERT_RAISES_DELTA(kInvalidArgument, ZOrderKeys({nested}).status());
}

}  // namespace
}  // namespace deltacpp
