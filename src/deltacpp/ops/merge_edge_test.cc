// Edge cases of MergeIntoTable and UpdateRows found in review against
// deltalake 1.6.6 and Delta Spark (tests/python/test_merge_edge_cases.py has the
// comparisons with deltalake itself).

#include <arrow/array/builder_primitive.h>
#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/ops/merge.h"
#include "deltacpp/ops/update.h"
#include "deltacpp/ops/write_table.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"

namespace deltacpp {
namespace {

std::shared_ptr<arrow::RecordBatchReader> Rows(
    const std::string& json, const std::shared_ptr<arrow::Schema>& schema) {
  return testing::ReaderFromJson(schema, json);
}

PredicatePtr Parse(const std::string& text) { return ParsePredicate(text).ValueOrDie(); }
PredicatePtr Expr(const std::string& text) { return ParseExpression(text).ValueOrDie(); }

class MergeEdgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    uri_ = (dir_->path() / "table").string();
  }

  void Write(const std::string& json, const std::shared_ptr<arrow::Schema>& schema) {
    ASSERT_OK(WriteTable(uri_, *Rows(json, schema), WriteOptions{}).status());
  }

  int64_t Version() {
    return Table::Open(uri_).ValueOrDie().LatestSnapshot().ValueOrDie()->version();
  }

  // The table's rows as "a:b:..." strings, sorted.
  std::vector<std::string> Read() {
    auto snapshot = Table::Open(uri_).ValueOrDie().LatestSnapshot().ValueOrDie();
    auto rows = ScanBuilder(snapshot)
                    .Build()
                    .ValueOrDie()
                    ->ToTable()
                    .ValueOrDie()
                    ->CombineChunks()
                    .ValueOrDie();
    std::vector<std::string> out;
    for (int64_t i = 0; i < rows->num_rows(); ++i) {
      std::string row;
      for (int c = 0; c < rows->num_columns(); ++c) {
        auto value = rows->column(c)->GetScalar(i).ValueOrDie();
        row += (c ? ":" : "") + (value->is_valid ? value->ToString() : "null");
      }
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::string uri_;
};

const auto kIds = arrow::schema(
    {arrow::field("id", arrow::int64()), arrow::field("v", arrow::int64())});

TEST_F(MergeEdgeTest, OneUnconditionalDeleteTakesManyMatchesAndCountsRowsOnce) {
  Write(R"([{"id": 1, "v": 1}, {"id": 2, "v": 2}, {"id": 3, "v": 3}])", kIds);
  MergeOptions options;
  options.when_matched.push_back(MergeClause::Delete());
  options.when_not_matched.push_back(MergeClause::InsertAll());
  auto source = Rows(R"([{"id": 2, "v": 20}, {"id": 2, "v": 21}, {"id": 3, "v": 30},
                         {"id": 5, "v": 50}])",
                     kIds);
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *source, Parse("target.id = source.id"), options));
  EXPECT_EQ(result.num_target_rows_deleted, 2);
  EXPECT_EQ(result.num_target_rows_matched_deleted, 2);
  EXPECT_EQ(result.num_target_rows_inserted, 1);
  EXPECT_EQ(result.num_output_rows, 2);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:1", "5:50"}));
}

TEST_F(MergeEdgeTest, ManyMatchesUnderAConditionalClauseStillFail) {
  Write(R"([{"id": 1, "v": 1}, {"id": 2, "v": 2}])", kIds);
  for (auto clause :
       {MergeClause::Delete(Parse("source.v = 21")),
        MergeClause::Update({{"v", Expr("source.v")}}, Parse("source.v = 21"))}) {
    MergeOptions options;
    options.when_matched.push_back(clause);
    auto source = Rows(R"([{"id": 2, "v": 20}, {"id": 2, "v": 21}])", kIds);
    auto result = MergeIntoTable(uri_, *source, Parse("target.id = source.id"), options);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find("2 source rows match the same target row"),
              std::string::npos)
        << result.status().message();
  }
  EXPECT_EQ(Version(), 0);
}

// UPDATE SET * takes the source's values, which a row no source row matched has none
// of: it set every column to null, silently. Refused, naming the clause.
TEST_F(MergeEdgeTest, NotMatchedBySourceCannotUpdateAllColumns) {
  Write(R"([{"id": 1, "v": 1}, {"id": 2, "v": 2}])", kIds);
  MergeOptions options;
  options.when_not_matched_by_source.push_back(MergeClause::UpdateAll());
  auto source = Rows(R"([{"id": 2, "v": 20}])", kIds);
  auto result = MergeIntoTable(uri_, *source, Parse("target.id = source.id"), options);
  ASSERT_RAISES_DELTA(kInvalidArgument, result);
  EXPECT_NE(result.status().message().find("cannot UPDATE SET *"), std::string::npos)
      << result.status().message();
  EXPECT_EQ(Version(), 0);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:1", "2:2"}));
}

TEST_F(MergeEdgeTest, FloatKeysMatchNegativeZeroAndNaN) {
  const auto floats = arrow::schema(
      {arrow::field("f", arrow::float64()), arrow::field("v", arrow::int64())});
  Write(R"([{"f": 0.0, "v": 1}, {"f": 1.5, "v": 2}])", floats);
  // JSON has no NaN: build the keys.
  arrow::DoubleBuilder builder;
  ASSERT_OK(builder.AppendValues({-0.0, std::nan("")}));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<arrow::Array> source_f, builder.Finish());
  auto source_v =
      arrow::json::ArrayFromJSONString(arrow::int64(), "[10, 20]").ValueOrDie();
  auto batch = arrow::RecordBatch::Make(floats, 2, {source_f, source_v});
  auto source = arrow::RecordBatchReader::Make({batch}, floats).ValueOrDie();
  MergeOptions options;
  options.when_matched.push_back(MergeClause::Update({{"v", Expr("source.v")}}));
  options.when_not_matched.push_back(MergeClause::InsertAll());
  ASSERT_OK_AND_ASSIGN(
      auto first, MergeIntoTable(uri_, *source, Parse("target.f = source.f"), options));
  EXPECT_EQ(first.num_target_rows_updated, 1);   // 0.0 = -0.0
  EXPECT_EQ(first.num_target_rows_inserted, 1);  // the NaN
  // Now the table has a NaN, which a NaN of the source matches.
  batch = arrow::RecordBatch::Make(floats, 2, {source_f, source_v});
  source = arrow::RecordBatchReader::Make({batch}, floats).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(
      auto second, MergeIntoTable(uri_, *source, Parse("target.f = source.f"), options));
  EXPECT_EQ(second.num_target_rows_updated, 2);
  EXPECT_EQ(second.num_target_rows_inserted, 0);
}

TEST_F(MergeEdgeTest, DecimalsAreRoundedHalfAwayFromZeroToTheColumnsScale) {
  const auto money = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("d", arrow::decimal128(5, 2))});
  Write(R"([{"id": 1, "d": "1.00"}, {"id": 2, "d": "-1.00"}])", money);
  ASSERT_OK_AND_ASSIGN(auto result,
                       UpdateRows(uri_, nullptr, {{"d", Expr("d * 1.005")}}, {}));
  EXPECT_EQ(result.num_updated_rows, 2);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:1.01", "2:-1.01"}));
  // Too many digits before the point: an error, nothing committed.
  auto overflow = UpdateRows(uri_, nullptr, {{"d", Expr("d * 100000")}}, {});
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(Version(), 1);
}

TEST_F(MergeEdgeTest, StructValuesMustHaveTheColumnsFields) {
  const auto xy = arrow::struct_(
      {arrow::field("x", arrow::int64()), arrow::field("y", arrow::utf8())});
  const auto table =
      arrow::schema({arrow::field("id", arrow::int64()), arrow::field("s", xy)});
  Write(R"([{"id": 1, "s": {"x": 1, "y": "a"}}])", table);
  const auto xyz = arrow::schema(
      {arrow::field("id", arrow::int64()),
       arrow::field("s", arrow::struct_({arrow::field("x", arrow::int64()),
                                         arrow::field("y", arrow::utf8()),
                                         arrow::field("z", arrow::int64())}))});
  const auto x = arrow::schema(
      {arrow::field("id", arrow::int64()),
       arrow::field("s", arrow::struct_({arrow::field("x", arrow::int64())}))});
  MergeOptions options;
  options.when_matched.push_back(MergeClause::UpdateAll());
  auto extra =
      MergeIntoTable(uri_, *Rows(R"([{"id": 1, "s": {"x": 2, "y": "b", "z": 3}}])", xyz),
                     Parse("target.id = source.id"), options);
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.status().message().find("has field s.z, which the column lacks"),
            std::string::npos)
      << extra.status().message();
  auto missing = MergeIntoTable(uri_, *Rows(R"([{"id": 1, "s": {"x": 2}}])", x),
                                Parse("target.id = source.id"), options);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("lacks field s.y"), std::string::npos)
      << missing.status().message();
  EXPECT_EQ(Version(), 0);
  // With schema evolution a missing field is null.
  options.merge_schema = true;
  ASSERT_OK(MergeIntoTable(uri_, *Rows(R"([{"id": 1, "s": {"x": 2}}])", x),
                           Parse("target.id = source.id"), options)
                .status());
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:{x:int64 = 2, y:string = null}"}));
}

TEST_F(MergeEdgeTest, UpdateErrorsNameTheUpdate) {
  Write(R"([{"id": 1, "v": 1}])", kIds);
  auto result = UpdateRows(uri_, nullptr, {{"v", Expr("1 / 0")}}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message().rfind("UPDATE clause: the value of v", 0), 0u)
      << result.status().message();
}

TEST_F(MergeEdgeTest, TheSidesNeedDifferentAliases) {
  Write(R"([{"id": 1, "v": 1}])", kIds);
  MergeOptions options;
  options.source_alias = "x";
  options.target_alias = "X";
  options.when_matched.push_back(MergeClause::Delete());
  auto result = MergeIntoTable(uri_, *Rows(R"([{"id": 1, "v": 1}])", kIds),
                               Parse("x.id = x.id"), options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("different aliases"), std::string::npos);
}

}  // namespace
}  // namespace deltacpp
