#include "deltacpp/ops/file_stats.h"

#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

std::shared_ptr<arrow::RecordBatch> Batch(const std::shared_ptr<arrow::Schema>& schema,
                                          const std::string& json) {
  return testing::BatchFromJson(schema, json);
}

TEST(FileStatsTest, MinMaxAndNullCountsAcrossBatches) {
  auto schema = arrow::schema({
      arrow::field("id", arrow::int64()),
      arrow::field("name", arrow::utf8()),
      arrow::field("price", arrow::decimal128(6, 2)),
      arrow::field("day", arrow::date32()),
      arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
      arrow::field("s", arrow::struct_({arrow::field("x", arrow::float64())})),
      arrow::field("flag", arrow::boolean()),
  });
  FileStatsCollector stats(schema);
  ASSERT_OK(stats.Update(*Batch(schema, R"([
      {"id": 5, "name": "m", "price": "1.50", "day": 1, "ts": 1999, "s": {"x": 2.5}, "flag": true},
      {"id": null, "name": null, "price": null, "day": null, "ts": null, "s": null, "flag": null}
  ])")));
  ASSERT_OK(stats.Update(*Batch(schema, R"([
      {"id": -2, "name": "b", "price": "10.00", "day": 0, "ts": 1000, "s": {"x": null}, "flag": false}
  ])")));
  EXPECT_EQ(stats.num_records(), 3);
  EXPECT_EQ(
      stats.ToJson(),
      R"({"numRecords":3,)"
      R"("minValues":{"id":-2,"name":"b","price":1.50,"day":"1970-01-01",)"
      R"("ts":"1970-01-01T00:00:00.001Z","s":{"x":2.5}},)"
      R"("maxValues":{"id":5,"name":"m","price":10.00,"day":"1970-01-02",)"
      R"("ts":"1970-01-01T00:00:00.001Z","s":{"x":2.5}},)"
      R"("nullCount":{"id":1,"name":1,"price":1,"day":1,"ts":1,"s":{"x":2},"flag":1}})");
}

TEST(FileStatsTest, LongStringsKeepAPrefixMinimumAndNoMaximum) {
  auto schema = arrow::schema({arrow::field("t", arrow::utf8())});
  FileStatsCollector stats(schema);
  const std::string long_text(40, 'z');
  ASSERT_OK(
      stats.Update(*Batch(schema, R"([{"t": "a"}, {"t": ")" + long_text + R"("}])")));
  EXPECT_EQ(stats.ToJson(), R"({"numRecords":2,"minValues":{"t":"a"},"maxValues":{},)"
                            R"("nullCount":{"t":0}})");
}

TEST(FileStatsTest, InfiniteBoundsAreLeftOut) {
  // JSON has no infinity; a bound left out is unknown to readers.
  auto schema = arrow::schema(
      {arrow::field("d", arrow::float64()), arrow::field("f", arrow::float32())});
  FileStatsCollector stats(schema);
  ASSERT_OK(
      stats.Update(*Batch(schema, R"([{"d": 1.5, "f": -Inf}, {"d": Inf, "f": 2}])")));
  EXPECT_EQ(stats.ToJson(),
            R"({"numRecords":2,"minValues":{"d":1.5},"maxValues":{"f":2.0},)"
            R"("nullCount":{"d":0,"f":0}})");
}

TEST(FileStatsTest, NaNLeavesNoBoundsAndOnlyTheFirstColumnsAreIndexed) {
  auto schema = arrow::schema(
      {arrow::field("d", arrow::float64()), arrow::field("i", arrow::int32())});
  StatsColumns first_one;
  first_one.first_leaves = 1;
  FileStatsCollector stats(schema, first_one);
  ASSERT_OK(stats.Update(*Batch(schema, R"([{"d": 1.0, "i": 1}, {"d": NaN, "i": 2}])")));
  EXPECT_EQ(stats.ToJson(),
            R"({"numRecords":2,"minValues":{},"maxValues":{},"nullCount":{"d":0}})");
}

TEST(FileStatsTest, StatsColumnsNameNestedAndQuotedColumns) {
  ASSERT_OK_AND_ASSIGN(auto columns,
                       StatsColumns::FromConfiguration(
                           {{"delta.dataSkippingStatsColumns", "s.y, `odd.name`,s2"},
                            {"delta.dataSkippingNumIndexedCols", "1"}}));
  ASSERT_TRUE(columns.named.has_value());
  EXPECT_EQ(*columns.named,
            (std::vector<std::vector<std::string>>{{"s", "y"}, {"odd.name"}, {"s2"}}));
  auto schema = arrow::schema({
      arrow::field("id", arrow::int64()),
      arrow::field("s", arrow::struct_({arrow::field("x", arrow::int32()),
                                        arrow::field("y", arrow::int32())})),
      arrow::field("odd.name", arrow::int32()),
      arrow::field("s2", arrow::struct_({arrow::field("z", arrow::int32())})),
  });
  FileStatsCollector stats(schema, columns);
  ASSERT_OK(stats.Update(*Batch(
      schema, R"([{"id": 1, "s": {"x": 1, "y": 2}, "odd.name": 3, "s2": {"z": 4}}])")));
  EXPECT_EQ(stats.ToJson(),
            R"({"numRecords":1,"minValues":{"s":{"y":2},"odd.name":3,"s2":{"z":4}},)"
            R"("maxValues":{"s":{"y":2},"odd.name":3,"s2":{"z":4}},)"
            R"("nullCount":{"s":{"y":0},"odd.name":0,"s2":{"z":0}}})");
}

TEST(FileStatsTest, NumIndexedColsIsAnIntegerOrMinusOneForAll) {
  ASSERT_OK_AND_ASSIGN(auto all, StatsColumns::FromConfiguration(
                                     {{"delta.dataSkippingNumIndexedCols", "-1"}}));
  EXPECT_EQ(all.first_leaves, -1);
  EXPECT_FALSE(all.named.has_value());
  ASSERT_OK_AND_ASSIGN(auto none, StatsColumns::FromConfiguration(
                                      {{"delta.dataSkippingNumIndexedCols", "0"}}));
  EXPECT_EQ(none.first_leaves, 0);
  for (const char* bad : {"x", "-2", "3x", ""}) {
    EXPECT_FALSE(
        StatsColumns::FromConfiguration({{"delta.dataSkippingNumIndexedCols", bad}}).ok())
        << bad;
  }
  EXPECT_FALSE(
      StatsColumns::FromConfiguration({{"delta.dataSkippingStatsColumns", "`a"}}).ok());
  EXPECT_FALSE(
      StatsColumns::FromConfiguration({{"delta.dataSkippingStatsColumns", "a,,b"}}).ok());
}

}  // namespace
}  // namespace deltacpp
