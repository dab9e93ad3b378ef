#include "deltacpp/scan/data_skipping.h"

#include <gtest/gtest.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

// A log-only table: the files are never read, only their log entries.
class DataSkippingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    const std::string schema =
        R"({\"type\":\"struct\",\"fields\":[)"
        R"({\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},)"
        R"({\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},)"
        R"({\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},)"
        R"({\"name\":\"s\",\"type\":{\"type\":\"struct\",\"fields\":[)"
        R"({\"name\":\"x\",\"type\":\"decimal(10,2)\",\"nullable\":true,\"metadata\":{}}]},)"
        R"(\"nullable\":true,\"metadata\":{}},)"
        R"({\"name\":\"p\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]})";
    auto add = [](const std::string& path, const std::string& p,
                  const std::string& stats) {
      return R"({"add":{"path":")" + path + R"(","partitionValues":{"p":)" + p +
             R"(},"size":1,"modificationTime":1,"dataChange":true)" +
             (stats.empty() ? "" : R"(,"stats":")" + stats + R"(")") + "}}";
    };
    ASSERT_OK(testing::WriteCommit(
        dir.path(), 0,
        {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})",
         R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":")" +
             schema + R"(","partitionColumns":["p"],"configuration":{}}})",
         // ids 1..10, names a..f, one null name; a timestamp maximum truncated to ms.
         add("low", R"("1")",
             R"({\"numRecords\":10,\"minValues\":{\"id\":1,\"name\":\"a\",)"
             R"(\"ts\":\"2024-01-01T00:00:00.000Z\",\"s\":{\"x\":1.50}},)"
             R"(\"maxValues\":{\"id\":10,\"name\":\"f\",)"
             R"(\"ts\":\"2024-01-01T00:00:00.123Z\",\"s\":{\"x\":2.00}},)"
             R"(\"nullCount\":{\"id\":0,\"name\":1,\"ts\":0,\"s\":{\"x\":0}}})"),
         // ids 100..200 as wide bounds; names all null.
         add("high", R"("2")",
             R"({\"numRecords\":5,\"tightBounds\":false,)"
             R"(\"minValues\":{\"id\":100},\"maxValues\":{\"id\":200},)"
             R"(\"nullCount\":{\"id\":0,\"name\":5}})"),
         // No statistics, null partition.
         add("unknown", "null", ""),
         // Unparsable statistics prove nothing.
         add("garbled", R"("3")", R"({\"numRecords\":)")}));
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
    ASSERT_OK_AND_ASSIGN(snapshot_, table.LatestSnapshot());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
  }

  // The files that may match `text`, by path.
  std::string Kept(std::string_view text) {
    auto parsed = ParsePredicate(text);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    auto bound = BindPredicate(*parsed, *snapshot_->schema());
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    auto skipping = DataSkipping::Make(*bound, *snapshot_);
    EXPECT_TRUE(skipping.ok()) << skipping.status().ToString();
    std::string kept;
    for (const auto& file : snapshot_->files()) {
      if ((*skipping)->MayMatch(file)) kept += (kept.empty() ? "" : " ") + file.path;
    }
    return kept;
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::shared_ptr<const Snapshot> snapshot_;
};

TEST_F(DataSkippingTest, MinMaxRangesPrune) {
  EXPECT_EQ(Kept("id = 5"), "low unknown garbled");
  EXPECT_EQ(Kept("id = 150"), "high unknown garbled");
  EXPECT_EQ(Kept("id = 50"), "unknown garbled");
  EXPECT_EQ(Kept("id > 10"), "high unknown garbled");
  EXPECT_EQ(Kept("id >= 10"), "low high unknown garbled");
  EXPECT_EQ(Kept("id < 100"), "low unknown garbled");
  EXPECT_EQ(Kept("id <= 1"), "low unknown garbled");
  EXPECT_EQ(Kept("id < 1"), "unknown garbled");
  EXPECT_EQ(Kept("id IN (0, 150)"), "high unknown garbled");
  EXPECT_EQ(Kept("s.x > 2"), "high unknown garbled");
  EXPECT_EQ(Kept("s.x >= 2"), "low high unknown garbled");
  EXPECT_EQ(Kept("name > 'f'"), "unknown garbled");
}

TEST_F(DataSkippingTest, NotEqualPrunesOnlyASingleValueFile) {
  EXPECT_EQ(Kept("p != 1"), "high garbled");
  EXPECT_EQ(Kept("id != 5"), "low high unknown garbled");
}

TEST_F(DataSkippingTest, NullCountsSayNoneOrAll) {
  EXPECT_EQ(Kept("id IS NULL"), "unknown garbled");
  EXPECT_EQ(Kept("name IS NOT NULL"), "low unknown garbled");
  EXPECT_EQ(Kept("name IS NULL"), "low high unknown garbled");
  // A column of nulls never satisfies a comparison.
  EXPECT_EQ(Kept("name = 'zzz' OR name < 'zzz'"), "low unknown garbled");
}

TEST_F(DataSkippingTest, PartitionValuesPrune) {
  EXPECT_EQ(Kept("p = 2"), "high");
  EXPECT_EQ(Kept("p IS NULL"), "unknown");
  EXPECT_EQ(Kept("p > 1 AND id < 150"), "high garbled");
  EXPECT_EQ(Kept("p = 1 OR id > 150"), "low high unknown garbled");
  // Comparisons with NULL are never true.
  EXPECT_EQ(Kept("p = NULL"), "");
}

TEST_F(DataSkippingTest, TruncatedTimestampMaximaAreWidened) {
  // The file may hold 00:00:00.123999, which is above the written maximum .123.
  EXPECT_EQ(Kept("ts > '2024-01-01T00:00:00.123500Z'"), "low high unknown garbled");
  EXPECT_EQ(Kept("ts > '2024-01-01T00:00:00.124Z'"), "high unknown garbled");
  EXPECT_EQ(Kept("ts < '2024-01-01T00:00:00Z'"), "high unknown garbled");
}

TEST_F(DataSkippingTest, ExpressionsStatisticsCannotJudgeKeepEveryFile) {
  // Each would exclude "low" (ids 1..10) if its expression were mistaken for the column.
  const std::string all = "low high unknown garbled";
  EXPECT_EQ(Kept("id * 100 > 500"), all);
  EXPECT_EQ(Kept("-id < -20"), all);
  EXPECT_EQ(Kept("id = 5.5"), all);  // compared as decimals: a cast of the column
  EXPECT_EQ(Kept("abs(id) > 50"), all);
  EXPECT_EQ(Kept("id + 0 IN (150, 151)"), all);
  EXPECT_EQ(Kept("coalesce(id, 0) IS NULL"), all);
  EXPECT_EQ(Kept("id <=> 150"), all);
  EXPECT_EQ(Kept("NOT (id <=> 150)"), all);
  EXPECT_EQ(Kept("name LIKE 'z%'"), all);
  EXPECT_EQ(Kept("year(ts) = 1999"), all);
  EXPECT_EQ(Kept("id = p"), all);
  // Within AND, the parts statistics can judge still prune.
  EXPECT_EQ(Kept("id * 100 > 500 AND id > 100"), "high unknown garbled");
  // A column compared with a typed constant is judged as before.
  EXPECT_EQ(Kept("ts < TIMESTAMP '2024-01-01 00:00:00Z'"), "high unknown garbled");
}

TEST_F(DataSkippingTest, ConstantsDecideAlone) {
  EXPECT_EQ(Kept("FALSE"), "");
  EXPECT_EQ(Kept("TRUE"), "low high unknown garbled");
  EXPECT_EQ(Kept("NULL"), "");
}

TEST_F(DataSkippingTest, LongInListsPrune) {
  std::string values;
  for (int i = 20'000; i < 40'000; ++i) values += std::to_string(i) + ", ";
  EXPECT_EQ(Kept("id IN (" + values + "150)"), "high unknown garbled");
  EXPECT_EQ(Kept("id IN (" + values + "15)"), "unknown garbled");
  EXPECT_EQ(Kept("id NOT IN (" + values + "15)"), "low high unknown garbled");
}

// Issue 14: statistics nested 100,000 deep overflowed the stack of a filtered scan.
TEST(DataSkippingDeepStatsTest, StatisticsTooDeepToReadProveNothing) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  const std::string schema =
      R"({\"type\":\"struct\",\"fields\":[)"
      R"({\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]})";
  auto add = [](const std::string& path, const std::string& extra) {
    return R"({"add":{"path":")" + path +
           R"(","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,)" +
           R"("stats":"{\"numRecords\":1,\"minValues\":{\"id\":500},)" +
           R"(\"maxValues\":{\"id\":500},\"nullCount\":{\"id\":0})" + extra + R"(}"}})";
  };
  const std::string deep =
      ",\\\"x\\\":" + std::string(100'000, '[') + std::string(100'000, ']');
  ASSERT_OK(testing::WriteCommit(
      dir.path(), 0,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})",
       R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":")" +
           schema + R"(","partitionColumns":[],"configuration":{}}})",
       add("plain", ""), add("deep", deep)}));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto parsed, ParsePredicate("id = 1"));
  ASSERT_OK_AND_ASSIGN(auto bound, BindPredicate(parsed, *snapshot->schema()));
  ASSERT_OK_AND_ASSIGN(auto skipping, DataSkipping::Make(bound, *snapshot));
  std::string kept;
  for (const auto& file : snapshot->files()) {
    if (skipping->MayMatch(file)) kept += file.path;
  }
  EXPECT_EQ(kept, "deep");
}

}  // namespace
}  // namespace deltacpp
