#include "deltacpp/ops/merge.h"

#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <gtest/gtest.h>

#include <thread>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/ops/update.h"
#include "deltacpp/ops/write_table.h"
#include "deltacpp/scan/change_data.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"

namespace deltacpp {
namespace {

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64(), /*nullable=*/false),
    arrow::field("value", arrow::utf8()),
    arrow::field("part", arrow::utf8()),
});

std::shared_ptr<arrow::RecordBatchReader> Rows(
    const std::string& json, std::shared_ptr<arrow::Schema> schema = kSchema) {
  return testing::ReaderFromJson(schema, json);
}

PredicatePtr Parse(const std::string& text) { return ParsePredicate(text).ValueOrDie(); }
PredicatePtr Expr(const std::string& text) { return ParseExpression(text).ValueOrDie(); }

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    uri_ = (dir_->path() / "table").string();
  }

  // A table of ids 1..4, one file per row (appended one at a time).
  void MakeTable(const std::vector<std::string>& partition_by = {},
                 StringMap configuration = {}) {
    WriteOptions options;
    options.mode = WriteMode::kAppend;
    options.partition_by = partition_by;
    options.configuration = std::move(configuration);
    for (const char* row : {R"([{"id": 1, "value": "a", "part": "x"}])",
                            R"([{"id": 2, "value": "b", "part": "x"}])",
                            R"([{"id": 3, "value": "c", "part": "y"}])",
                            R"([{"id": 4, "value": "d", "part": "y"}])"}) {
      ASSERT_OK(WriteTable(uri_, *Rows(row), options).status());
    }
  }

  // The table's rows as "id:value:part" strings, sorted.
  std::vector<std::string> Read() {
    auto table = Table::Open(uri_).ValueOrDie();
    auto snapshot = table.LatestSnapshot().ValueOrDie();
    auto scan = ScanBuilder(snapshot).Build().ValueOrDie();
    auto rows = scan->ToTable().ValueOrDie()->CombineChunks().ValueOrDie();
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

  int64_t LiveFiles() {
    auto table = Table::Open(uri_).ValueOrDie();
    return static_cast<int64_t>(table.LatestSnapshot().ValueOrDie()->files().size());
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::string uri_;
};

MergeOptions Upsert() {
  MergeOptions options;
  options.when_matched.push_back(MergeClause::UpdateAll());
  options.when_not_matched.push_back(MergeClause::InsertAll());
  return options;
}

TEST_F(MergeTest, UpsertsRewritingOnlyTheFilesThatChange) {
  MakeTable();
  auto source = Rows(R"([{"id": 2, "value": "B", "part": "x"},
                         {"id": 5, "value": "e", "part": "z"}])");
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *source, Parse("target.id = source.id"), Upsert()));
  EXPECT_TRUE(result.committed);
  EXPECT_EQ(result.version, 4);
  EXPECT_EQ(result.num_source_rows, 2);
  EXPECT_EQ(result.num_target_rows_updated, 1);
  EXPECT_EQ(result.num_target_rows_inserted, 1);
  EXPECT_EQ(result.num_target_rows_copied, 0);
  EXPECT_EQ(result.num_target_files_removed, 1);
  // Only file 2 can hold id 2 or 5 by its statistics: the others are not read.
  EXPECT_EQ(result.num_target_files_scanned, 1);
  EXPECT_EQ(result.num_target_files_skipped, 3);
  EXPECT_EQ(Read(),
            (std::vector<std::string>{"1:a:x", "2:B:x", "3:c:y", "4:d:y", "5:e:z"}));

  auto table = Table::Open(uri_).ValueOrDie();
  auto snapshot = table.LatestSnapshot().ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto history,
                       ReadHistory(*table.store(), snapshot->metadata(), 1));
  ASSERT_EQ(history.size(), 1u);
  ASSERT_TRUE(history[0].commit_info.has_value());
  const CommitInfo& info = *history[0].commit_info;
  EXPECT_EQ(info.operation, "MERGE");
  EXPECT_EQ(info.operation_parameters.at("matchedPredicates"),
            R"([{"actionType":"update"}])");
  EXPECT_EQ(info.operation_metrics.at("numTargetRowsInserted"), "1");
  EXPECT_EQ(info.operation_metrics.at("numTargetFilesRemoved"), "1");
}

TEST_F(MergeTest, ClausesRunInOrderWithConditionsAndExpressions) {
  MakeTable();
  auto source = Rows(R"([{"id": 1, "value": "delete", "part": "x"},
                         {"id": 2, "value": "bump", "part": "x"},
                         {"id": 3, "value": "keep", "part": "y"},
                         {"id": 7, "value": "new", "part": "q"},
                         {"id": 8, "value": "skip", "part": "q"}])");
  MergeOptions options;
  options.source_alias = "s";
  options.target_alias = "t";
  options.when_matched.push_back(MergeClause::Delete(Parse("s.value = 'delete'")));
  options.when_matched.push_back(MergeClause::Update(
      {{"value", Expr("concat(t.value, '+', s.value)")}, {"part", Expr("'w'")}},
      Parse("s.value = 'bump'")));
  options.when_not_matched.push_back(
      MergeClause::Insert({{"id", Expr("s.id * 10")}, {"value", Expr("upper(s.value)")}},
                          Parse("s.value <> 'skip'")));
  options.when_not_matched_by_source.push_back(
      MergeClause::Update({{"value", Expr("'orphan'")}}, Parse("t.id > 3")));
  ASSERT_OK_AND_ASSIGN(auto result,
                       MergeIntoTable(uri_, *source, Parse("t.id = s.id"), options));
  EXPECT_EQ(result.num_target_rows_matched_deleted, 1);
  EXPECT_EQ(result.num_target_rows_matched_updated, 1);
  EXPECT_EQ(result.num_target_rows_not_matched_by_source_updated, 1);
  EXPECT_EQ(result.num_target_rows_inserted, 1);
  // Without a clause whose condition holds, a matched row stays.
  EXPECT_EQ(Read(), (std::vector<std::string>{"2:b+bump:w", "3:c:y", "4:orphan:y",
                                              "70:NEW:null"}));
}

TEST_F(MergeTest, UnqualifiedColumnsResolveToTheOneSideThatHasThem) {
  MakeTable();
  auto other = arrow::schema(
      {arrow::field("key", arrow::int32()), arrow::field("note", arrow::utf8())});
  MergeOptions options;
  options.when_matched.push_back(MergeClause::Update({{"value", Expr("note")}}));
  ASSERT_OK_AND_ASSIGN(
      auto result, MergeIntoTable(uri_, *Rows(R"([{"key": 3, "note": "three"}])", other),
                                  Parse("id = key"), options));
  EXPECT_EQ(result.num_target_rows_updated, 1);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:x", "2:b:x", "3:three:y", "4:d:y"}));

  // A name both sides have must say which side it means.
  auto ambiguous =
      MergeIntoTable(uri_, *Rows(R"([{"id": 3, "value": "v", "part": "y"}])"),
                     Parse("id = id"), Upsert());
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.status().message().find("in both the target and the source"),
            std::string::npos)
      << ambiguous.status().message();
}

TEST_F(MergeTest, InsertOnlyMergesAddNewRowsAndKeepEveryFile) {
  MakeTable();
  MergeOptions options;
  options.when_not_matched.push_back(MergeClause::InsertAll());
  auto source = Rows(R"([{"id": 4, "value": "dup", "part": "y"},
                         {"id": 9, "value": "i", "part": "y"}])");
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *source, Parse("target.id = source.id"), options));
  EXPECT_EQ(result.num_target_rows_inserted, 1);
  EXPECT_EQ(result.num_target_files_removed, 0);
  EXPECT_EQ(LiveFiles(), 5);
  EXPECT_EQ(Read().back(), "9:i:y");
}

TEST_F(MergeTest, NothingMatchingCommitsNothing) {
  MakeTable();
  MergeOptions options;
  options.when_matched.push_back(MergeClause::Delete());
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *Rows(R"([{"id": 42, "value": "x", "part": "x"}])"),
                     Parse("target.id = source.id"), options));
  EXPECT_FALSE(result.committed);
  EXPECT_EQ(result.version, 3);
  EXPECT_EQ(result.num_target_files_scanned, 0);
}

TEST_F(MergeTest, TwoSourceRowsForOneTargetRowFail) {
  MakeTable();
  auto source = Rows(R"([{"id": 2, "value": "one", "part": "x"},
                         {"id": 2, "value": "two", "part": "x"}])");
  auto result = MergeIntoTable(uri_, *source, Parse("target.id = source.id"), Upsert());
  ASSERT_FALSE(result.ok());
  ASSERT_RAISES_DELTA(kInvalidArgument, result.status());
  EXPECT_NE(result.status().message().find("2 source rows match the same target row"),
            std::string::npos)
      << result.status().message();
  EXPECT_EQ(Read().size(), 4u);
}

TEST_F(MergeTest, NullKeysNeverMatch) {
  auto nullable = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("value", arrow::utf8())});
  WriteOptions create;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": null, "value": "t"}])", nullable), create)
                .status());
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *Rows(R"([{"id": null, "value": "s"}])", nullable),
                     Parse("target.id = source.id"), Upsert()));
  EXPECT_EQ(result.num_target_rows_updated, 0);
  EXPECT_EQ(result.num_target_rows_inserted, 1);
  // <=> matches nulls; with no equality the merge joins every pair of rows.
  ASSERT_OK_AND_ASSIGN(
      result, MergeIntoTable(uri_, *Rows(R"([{"id": 5, "value": "s"}])", nullable),
                             Parse("target.value = 't' AND source.id > 1"), Upsert()));
  EXPECT_EQ(result.num_target_rows_updated, 1);
}

TEST_F(MergeTest, PartitionedTablesMoveUpdatedRowsToTheirNewPartition) {
  MakeTable({"part"});
  MergeOptions options;
  options.when_matched.push_back(MergeClause::Update({{"part", Expr("source.part")}}));
  auto source = Rows(R"([{"id": 1, "value": "?", "part": "moved"}])");
  ASSERT_OK_AND_ASSIGN(auto result, MergeIntoTable(uri_, *source,
                                                   Parse("target.id = source.id AND "
                                                         "target.part = 'x'"),
                                                   options));
  EXPECT_EQ(result.num_target_rows_updated, 1);
  EXPECT_EQ(result.num_target_files_scanned, 1);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:moved", "2:b:x", "3:c:y", "4:d:y"}));
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "table/part=moved"));
}

TEST_F(MergeTest, ConstraintsAndTypesAreChecked) {
  MakeTable();
  // id is NOT NULL: an insert without it fails, committing nothing.
  MergeOptions options;
  options.when_not_matched.push_back(
      MergeClause::Insert({{"value", Expr("source.value")}}));
  auto result = MergeIntoTable(uri_, *Rows(R"([{"id": 10, "value": "x", "part": "x"}])"),
                               Parse("target.id = source.id"), options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("id"), std::string::npos);

  MergeOptions bad;
  bad.when_matched.push_back(MergeClause::Update({{"nope", Expr("1")}}));
  result = MergeIntoTable(uri_, *Rows(R"([{"id": 1, "value": "x", "part": "x"}])"),
                          Parse("target.id = source.id"), bad);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("sets nope, which the target does not have"),
            std::string::npos)
      << result.status().message();

  MergeOptions sees_target;
  sees_target.when_not_matched.push_back(
      MergeClause::Insert({{"id", Expr("target.id")}}));
  result = MergeIntoTable(uri_, *Rows(R"([{"id": 1, "value": "x", "part": "x"}])"),
                          Parse("target.id = source.id"), sees_target);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("cannot name the target"), std::string::npos)
      << result.status().message();

  // A narrower source type is widened to the target's: int32 ids join int64 ones.
  auto narrow = arrow::schema(
      {arrow::field("id", arrow::int32()), arrow::field("value", arrow::utf8())});
  ASSERT_OK_AND_ASSIGN(auto widened,
                       MergeIntoTable(uri_, *Rows(R"([{"id": 4, "value": "D"}])", narrow),
                                      Parse("target.id = source.id"), Upsert()));
  EXPECT_EQ(widened.num_target_rows_updated, 1);
  EXPECT_EQ(Read().back(), "4:D:y");
  EXPECT_EQ(Read().size(), 4u);
}

TEST_F(MergeTest, ChangeDataFeedTablesGetEveryChange) {
  MakeTable({}, {{"delta.enableChangeDataFeed", "true"}});
  MergeOptions options;
  options.when_matched.push_back(MergeClause::Delete(Parse("source.value = 'gone'")));
  options.when_matched.push_back(MergeClause::UpdateAll());
  options.when_not_matched.push_back(MergeClause::InsertAll());
  auto source = Rows(R"([{"id": 1, "value": "gone", "part": "x"},
                         {"id": 2, "value": "B", "part": "x"},
                         {"id": 9, "value": "i", "part": "q"}])");
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *source, Parse("target.id = source.id"), options));
  EXPECT_GE(result.num_target_change_files_added, 1);
  auto table = Table::Open(uri_).ValueOrDie();
  auto scan = ChangeDataScanBuilder(table, 4).Build().ValueOrDie();
  auto rows = scan->ToTable().ValueOrDie()->CombineChunks().ValueOrDie();
  std::vector<std::string> changes;
  for (int64_t i = 0; i < rows->num_rows(); ++i) {
    changes.push_back(
        rows->GetColumnByName("_change_type")->GetScalar(i).ValueOrDie()->ToString() +
        ":" + rows->GetColumnByName("id")->GetScalar(i).ValueOrDie()->ToString() + ":" +
        rows->GetColumnByName("value")->GetScalar(i).ValueOrDie()->ToString());
  }
  std::sort(changes.begin(), changes.end());
  EXPECT_EQ(changes,
            (std::vector<std::string>{"delete:1:a", "insert:9:i", "update_postimage:2:B",
                                      "update_preimage:2:b"}));
  // An UPDATE records both images too.
  ASSERT_OK_AND_ASSIGN(auto updated,
                       UpdateRows(uri_, Parse("id = 3"), {{"value", Expr("'C'")}}, {}));
  EXPECT_EQ(updated.num_added_change_files, 1);
}

TEST_F(MergeTest, SchemaEvolutionAddsTheSourcesNewColumns) {
  MakeTable();
  auto wider = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("value", arrow::utf8()),
       arrow::field("extra", arrow::int32()), arrow::field("op", arrow::utf8())});
  auto source = Rows(R"([{"id": 2, "value": "B", "extra": 7, "op": "u"},
                         {"id": 8, "value": "h", "extra": 8, "op": "i"}])",
                     wider);
  MergeOptions options = Upsert();
  options.when_matched[0].except_columns = {"op"};
  options.when_not_matched[0].except_columns = {"op"};
  // Without merge_schema the new column is not taken.
  auto plain = MergeIntoTable(uri_, *source, Parse("target.id = source.id"), options);
  ASSERT_OK(plain.status());
  auto table = Table::Open(uri_).ValueOrDie();
  EXPECT_EQ(table.LatestSnapshot().ValueOrDie()->schema()->num_fields(), 3);

  options.merge_schema = true;
  source = Rows(R"([{"id": 3, "value": "C", "extra": 9, "op": "u"}])", wider);
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *source, Parse("target.id = source.id"), options));
  EXPECT_EQ(result.num_target_rows_updated, 1);
  auto schema = Table::Open(uri_).ValueOrDie().LatestSnapshot().ValueOrDie()->schema();
  ASSERT_EQ(schema->num_fields(), 4);
  EXPECT_EQ(schema->field(3)->name(), "extra");
  EXPECT_TRUE(schema->field(3)->nullable());
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:x:null", "2:B:x:null", "3:C:y:9",
                                              "4:d:y:null", "8:h:null:null"}));
}

TEST_F(MergeTest, MissingTableAndMissingClausesFail) {
  auto missing =
      MergeIntoTable(uri_, *Rows("[]"), Parse("target.id = source.id"), Upsert());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no Delta table"), std::string::npos);
  MakeTable();
  auto none = MergeIntoTable(uri_, *Rows("[]"), Parse("target.id = source.id"), {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("at least one WHEN clause"), std::string::npos);
}

TEST_F(MergeTest, MatchedUpdatesRecomputeGeneratedColumnsAndByTargetPruneFiles) {
  MakeTable();
  // A WHEN NOT MATCHED BY SOURCE clause with a condition reads only the files where it
  // may hold (and those the source's keys may match).
  MergeOptions options;
  options.when_not_matched_by_source.push_back(
      MergeClause::Delete(Parse("target.id = 4")));
  ASSERT_OK_AND_ASSIGN(
      auto result,
      MergeIntoTable(uri_, *Rows(R"([{"id": 1, "value": "a", "part": "x"}])"),
                     Parse("target.id = source.id"), options));
  EXPECT_EQ(result.num_target_files_scanned, 2);
  EXPECT_EQ(result.num_target_rows_deleted, 1);
  EXPECT_EQ(Read().size(), 3u);
}

TEST_F(MergeTest, UpdateRowsSetsColumnsWhereThePredicateHolds) {
  MakeTable({"part"});
  ASSERT_OK_AND_ASSIGN(
      auto result,
      UpdateRows(uri_, Parse("id >= 3"),
                 {{"value", Expr("concat(value, '!')")}, {"part", Expr("'w'")}}, {}));
  EXPECT_TRUE(result.committed);
  EXPECT_EQ(result.num_updated_rows, 2);
  EXPECT_EQ(result.num_removed_files, 2);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:x", "2:b:x", "3:c!:w", "4:d!:w"}));
  auto table = Table::Open(uri_).ValueOrDie();
  auto snapshot = table.LatestSnapshot().ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto history,
                       ReadHistory(*table.store(), snapshot->metadata(), 1));
  const CommitInfo& info = *history[0].commit_info;
  EXPECT_EQ(info.operation, "UPDATE");
  EXPECT_EQ(info.operation_parameters.at("predicate"), R"(["id >= 3"])");
  EXPECT_EQ(info.operation_metrics.at("numUpdatedRows"), "2");

  // Every row without a predicate; nothing committed when no row matches.
  ASSERT_OK_AND_ASSIGN(result, UpdateRows(uri_, nullptr, {{"value", Expr("'z'")}}, {}));
  EXPECT_EQ(result.num_updated_rows, 4);
  ASSERT_OK_AND_ASSIGN(
      result, UpdateRows(uri_, Parse("id > 100"), {{"value", Expr("'never'")}}, {}));
  EXPECT_FALSE(result.committed);
  EXPECT_EQ(result.num_removed_files, 0);

  auto bad = UpdateRows(uri_, nullptr, {{"nope", Expr("1")}}, {});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad.status());
  EXPECT_NE(bad.status().message().find("UPDATE clause sets nope"), std::string::npos)
      << bad.status().message();
  auto not_null = UpdateRows(uri_, nullptr, {{"id", NullLiteral()}}, {});
  ASSERT_RAISES_DELTA(kInvalidArgument, not_null.status());
  EXPECT_EQ(Read().size(), 4u);
}

}  // namespace
}  // namespace deltacpp
