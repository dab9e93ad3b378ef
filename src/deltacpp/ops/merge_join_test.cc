#include "deltacpp/ops/merge_join.h"

#include <arrow/array.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/ops/merge_plan.h"
#include "deltacpp/ops/write_constraints.h"
#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp::internal {
namespace {

PredicatePtr Parse(const std::string& text) { return ParsePredicate(text).ValueOrDie(); }

std::shared_ptr<arrow::RecordBatch> Batch(const std::shared_ptr<arrow::Schema>& schema,
                                          const std::string& json) {
  return testing::BatchFromJson(schema, json);
}

std::shared_ptr<arrow::RecordBatch> Doubles(const std::shared_ptr<arrow::Schema>& schema,
                                            const std::vector<double>& values) {
  arrow::DoubleBuilder builder;
  EXPECT_TRUE(builder.AppendValues(values).ok());
  auto array = builder.Finish().ValueOrDie();
  return arrow::RecordBatch::Make(schema, array->length(), {array});
}

// A merge planned as MergeIntoTable plans it (aliases target and source), for its join.
class MergeJoinTest : public ::testing::Test {
 protected:
  // Plans a merge on `on` with one WHEN MATCHED DELETE and the WHEN NOT MATCHED BY
  // SOURCE clauses `by_source`.
  void Plan(std::shared_ptr<arrow::Schema> target, std::shared_ptr<arrow::Schema> source,
            const std::string& on, std::vector<MergeClause> by_source = {}) {
    MergeOptions options;
    options.when_matched.push_back(MergeClause::Delete());
    options.when_not_matched_by_source = std::move(by_source);
    // The plan keeps a pointer to the sides: they must not move after this.
    sides_ = std::make_unique<Sides>(Sides::Make(options, target, source));
    ASSERT_OK_AND_ASSIGN(auto rules, WriteConstraints::Make(target, {}));
    rules_.emplace(std::move(rules));
    ASSERT_OK_AND_ASSIGN(auto plan, MergePlan::Make(*sides_, Parse(on), options, *rules_,
                                                    "WHEN NOT MATCHED BY SOURCE"));
    plan_.emplace(std::move(plan));
  }

  // The source rows as the merge joins them: one struct column of the joined schema.
  std::shared_ptr<arrow::RecordBatch> JoinedSource(
      const std::shared_ptr<arrow::RecordBatch>& rows) {
    auto source =
        arrow::StructArray::Make(rows->columns(), sides_->source->fields()).ValueOrDie();
    return sides_->Join(nullptr, source, rows->num_rows()).ValueOrDie();
  }

  std::shared_ptr<arrow::RecordBatch> JoinedTarget(
      const std::shared_ptr<arrow::RecordBatch>& rows) {
    auto target =
        arrow::StructArray::Make(rows->columns(), sides_->target->fields()).ValueOrDie();
    return sides_->Join(target, nullptr, rows->num_rows()).ValueOrDie();
  }

  SourceIndex Index(const std::shared_ptr<arrow::RecordBatch>& source_rows) {
    return SourceIndex::Make(*plan_, *JoinedSource(source_rows)).ValueOrDie();
  }

  // For each target row, the source rows it meets (none: not found).
  std::vector<std::vector<int64_t>> Matches(
      const SourceIndex& index, const std::shared_ptr<arrow::RecordBatch>& target_rows) {
    auto groups = index.Lookup(*plan_, *JoinedTarget(target_rows)).ValueOrDie();
    EXPECT_EQ(static_cast<int64_t>(groups.size()), target_rows->num_rows());
    std::vector<std::vector<int64_t>> out;
    for (int64_t group : groups) {
      if (group < 0) {
        out.emplace_back();
        continue;
      }
      auto [begin, end] = index.Rows(group);
      out.emplace_back(begin, end);
    }
    return out;
  }

  std::string Filter(const SourceIndex& index, int64_t source_rows) {
    PredicatePtr filter = FileFilter(*plan_, index, source_rows);
    return filter == nullptr ? "every file" : filter->ToString();
  }

  std::unique_ptr<Sides> sides_;
  std::optional<WriteConstraints> rules_;
  std::optional<MergePlan> plan_;
};

using Rows = std::vector<std::vector<int64_t>>;

const auto kIds = arrow::schema({arrow::field("id", arrow::int64())});
const auto kIdsAndValues =
    arrow::schema({arrow::field("id", arrow::int64()), arrow::field("v", arrow::utf8())});

TEST_F(MergeJoinTest, EachTargetRowMeetsTheSourceRowsOfItsKey) {
  Plan(kIds, kIdsAndValues, "target.id = source.id");
  ASSERT_EQ(plan_->keys().size(), 1u);
  auto source = Batch(kIdsAndValues, R"([{"id": 1, "v": "a"}, {"id": 2, "v": "b"},
      {"id": 2, "v": "c"}, {"id": null, "v": "d"}, {"id": 3, "v": "e"}])");
  const SourceIndex index = Index(source);
  // SQL's = never holds for a null: neither the source's null key nor the target's
  // meets anything.
  EXPECT_EQ(Matches(index, Batch(kIds, R"([{"id": 2}, {"id": 5}, {"id": 1},
                                           {"id": null}, {"id": 3}])")),
            (Rows{{1, 2}, {}, {0}, {}, {4}}));
  // Every source row's key value, by row, for file skipping.
  EXPECT_EQ(index.key_values(0)->length(), 5);
}

TEST_F(MergeJoinTest, FloatingKeysCompareAsSpark) {
  // 0.0 = -0.0, and NaN = NaN whatever its bits, though the hash grouper compares bits.
  const auto schema = arrow::schema({arrow::field("x", arrow::float64())});
  Plan(schema, schema, "target.x = source.x");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const SourceIndex index = Index(Doubles(schema, {0.0, nan, 2.5}));
  EXPECT_EQ(Matches(index, Doubles(schema, {-0.0, -nan, std::nan("7"), 1.0, 2.5})),
            (Rows{{0}, {1}, {1}, {}, {2}}));
}

TEST_F(MergeJoinTest, KeysOfSeveralColumnsMatchWhole) {
  const auto schema = arrow::schema(
      {arrow::field("a", arrow::int64()), arrow::field("b", arrow::utf8())});
  Plan(schema, schema, "target.a = source.a AND source.b = target.b");
  ASSERT_EQ(plan_->keys().size(), 2u);
  EXPECT_FALSE(plan_->residual().has_value());
  const SourceIndex index =
      Index(Batch(schema, R"([{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"},
                              {"a": 1, "b": null}])"));
  EXPECT_EQ(Matches(index, Batch(schema, R"([{"a": 1, "b": "y"}, {"a": 2, "b": "y"},
                                             {"a": 1, "b": null}, {"a": 2, "b": "x"}])")),
            (Rows{{1}, {}, {}, {2}}));
}

TEST_F(MergeJoinTest, KeysOfDifferentWidthsMatch) {
  const auto narrow = arrow::schema({arrow::field("id", arrow::int32())});
  Plan(narrow, kIds, "target.id = source.id");
  const SourceIndex index = Index(Batch(kIds, R"([{"id": 8}, {"id": 4000000000}])"));
  EXPECT_EQ(Matches(index, Batch(narrow, R"([{"id": 7}, {"id": 8}])")), (Rows{{}, {0}}));
}

TEST_F(MergeJoinTest, WithoutAnEqualityEveryTargetRowMeetsEverySourceRow) {
  Plan(kIds, kIds, "target.id < source.id");
  EXPECT_TRUE(plan_->keys().empty());
  EXPECT_TRUE(plan_->residual().has_value());
  const auto target = Batch(kIds, R"([{"id": 1}, {"id": null}])");
  EXPECT_EQ(
      Matches(Index(Batch(kIds, R"([{"id": 3}, {"id": null}, {"id": 0}])")), target),
      (Rows{{0, 1, 2}, {0, 1, 2}}));
  EXPECT_EQ(Matches(Index(Batch(kIds, "[]")), target), (Rows{{}, {}}));
}

TEST_F(MergeJoinTest, FilesAreFilteredByTheSourceKeys) {
  Plan(kIds, kIdsAndValues, "target.id = source.id");
  // Few keys: a list, in the order the source has them.
  auto source = Batch(kIdsAndValues, R"([{"id": 3, "v": "a"}, {"id": 1, "v": "b"},
                                         {"id": 3, "v": "c"}, {"id": null, "v": "d"}])");
  EXPECT_EQ(Filter(Index(source), source->num_rows()), Parse("id IN (3, 1)")->ToString());

  // Many keys: their range.
  std::string json = "[";
  for (int id = 1; id <= 40; ++id) {
    json += (id > 1 ? ", " : "") + std::string(R"({"id": )") + std::to_string(id * 10) +
            R"(, "v": "x"})";
  }
  auto many = Batch(kIdsAndValues, json + "]");
  EXPECT_EQ(Filter(Index(many), many->num_rows()),
            Parse("id >= 10 AND id <= 400")->ToString());

  // No source row, or none with a key: no file can hold a match.
  auto empty = Batch(kIdsAndValues, "[]");
  EXPECT_EQ(Filter(Index(empty), 0), Literal(false)->ToString());
  auto null_keys = Batch(kIdsAndValues, R"([{"id": null, "v": "a"}])");
  EXPECT_EQ(Filter(Index(null_keys), 1), Literal(false)->ToString());
}

TEST_F(MergeJoinTest, FilesAreFilteredByTheConditionsTargetTerms) {
  const auto table = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("part", arrow::utf8())});
  Plan(table, kIds, "target.id = source.id AND target.part = 'x'");
  auto source = Batch(kIds, R"([{"id": 1}])");
  EXPECT_EQ(Filter(Index(source), 1), Parse("part = 'x' AND id IN (1)")->ToString());
}

TEST_F(MergeJoinTest, AKeyThatIsNoTargetColumnFiltersNoFile) {
  Plan(kIds, kIds, "target.id + 1 = source.id");
  ASSERT_EQ(plan_->keys().size(), 1u);
  auto source = Batch(kIds, R"([{"id": 1}])");
  EXPECT_EQ(Filter(Index(source), 1), "every file");
  // It still joins on the expression.
  EXPECT_EQ(Matches(Index(source), Batch(kIds, R"([{"id": 0}, {"id": 1}])")),
            (Rows{{0}, {}}));
}

TEST_F(MergeJoinTest, NotMatchedBySourceClausesWidenTheFilter) {
  auto source = Batch(kIds, R"([{"id": 1}])");
  Plan(kIds, kIds, "target.id = source.id",
       {MergeClause::Delete(Parse("target.id > 10"))});
  EXPECT_EQ(Filter(Index(source), 1), Parse("id IN (1) OR id > 10")->ToString());
  // Even with no source row, the clause's files must be read.
  EXPECT_EQ(Filter(Index(Batch(kIds, "[]")), 0), Parse("false OR id > 10")->ToString());

  // A clause without a condition may change a row of any file.
  Plan(kIds, kIds, "target.id = source.id",
       {MergeClause::Delete(Parse("target.id > 10")), MergeClause::Delete()});
  EXPECT_EQ(Filter(Index(source), 1), "every file");
}

}  // namespace
}  // namespace deltacpp::internal
