#include "deltacpp/scan/change_data.h"

#include <map>

#include <arrow/array.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

// "type@version" -> rows.
std::map<std::string, int> CountByTypeAndVersion(const arrow::Table& changes) {
  std::map<std::string, int> counts;
  auto types = changes.GetColumnByName("_change_type");
  auto versions = changes.GetColumnByName("_commit_version");
  for (int c = 0; c < types->num_chunks(); ++c) {
    const auto& type = static_cast<const arrow::StringArray&>(*types->chunk(c));
    const auto& version = static_cast<const arrow::Int64Array&>(*versions->chunk(c));
    for (int64_t i = 0; i < type.length(); ++i) {
      ++counts[std::string(type.GetView(i)) + "@" + std::to_string(version.Value(i))];
    }
  }
  return counts;
}

Table Open(const std::string& name) {
  return Table::Open(testing::TestdataPath(name).string()).ValueOrDie();
}

// Expected counts are those of deltalake's load_cdf on the same tables (the interop test
// tests/interop/test_changes_interop.py compares every row).
TEST(ChangeDataTest, ReadsChangeDataFilesWhereACommitHasThem) {
  ASSERT_OK_AND_ASSIGN(auto scan,
                       ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 0).Build());
  EXPECT_EQ(scan->schema()->ToString(),
            "id: int32\nname: string\nbirthday: date32[day]\n_change_type: string\n"
            "_commit_version: int64\n_commit_timestamp: timestamp[us, tz=UTC]");
  ASSERT_OK_AND_ASSIGN(auto changes, scan->ToTable());
  EXPECT_EQ(CountByTypeAndVersion(*changes),
            (std::map<std::string, int>{{"insert@0", 10},
                                        {"update_preimage@1", 3},
                                        {"update_postimage@1", 3},
                                        {"update_preimage@2", 3},
                                        {"update_postimage@2", 3},
                                        {"delete@3", 1}}));
}

TEST(ChangeDataTest, DeletionVectorUpdatesYieldOnlyTheNewlyDeletedRows) {
  ASSERT_OK_AND_ASSIGN(
      auto scan, ChangeDataScanBuilder(Open("delta-rs/cdf-table-with-cdc-and-dvs"), 2)
                     .EndVersion(6)
                     .Build());
  ASSERT_OK_AND_ASSIGN(auto changes, scan->ToTable());
  // 2 and 5 delete through deletion vectors without cdc files; 3 and 6 are OPTIMIZE
  // (no data change); 4 appends.
  EXPECT_EQ(
      CountByTypeAndVersion(*changes),
      (std::map<std::string, int>{{"delete@2", 1}, {"insert@4", 1}, {"delete@5", 2}}));
}

TEST(ChangeDataTest, SelectAndLimit) {
  ASSERT_OK_AND_ASSIGN(auto scan, ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 1)
                                      .Select({"name"})
                                      .Limit(4)
                                      .Build());
  EXPECT_EQ(scan->schema()->field_names(),
            (std::vector<std::string>{"name", "_change_type", "_commit_version",
                                      "_commit_timestamp"}));
  ASSERT_OK_AND_ASSIGN(auto changes, scan->ToTable());
  EXPECT_EQ(changes->num_rows(), 4);
}

TEST(ChangeDataTest, FilterKeepsMatchingChangesBeforeTheLimit) {
  ASSERT_OK_AND_ASSIGN(
      auto predicate,
      ParsePredicate("_change_type LIKE 'update%' AND _commit_version = 2"));
  ASSERT_OK_AND_ASSIGN(
      auto scan,
      ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 0).Filter(predicate).Build());
  ASSERT_OK_AND_ASSIGN(auto changes, scan->ToTable());
  EXPECT_EQ(
      CountByTypeAndVersion(*changes),
      (std::map<std::string, int>{{"update_preimage@2", 3}, {"update_postimage@2", 3}}));
  ASSERT_OK_AND_ASSIGN(auto limited, ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 0)
                                         .Filter(predicate)
                                         .Limit(4)
                                         .Build());
  ASSERT_OK_AND_ASSIGN(auto first_four, limited->ToTable());
  EXPECT_EQ(first_four->num_rows(), 4);
  ASSERT_OK_AND_ASSIGN(auto unknown, ParsePredicate("nope = 1"));
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 0).Filter(unknown).Build());
}

TEST(ChangeDataTest, ErrorsNameTheVersionAndTheReason) {
  auto disabled = ChangeDataScanBuilder(Open("delta-rs/simple_table"), 0).Build();
  ASSERT_RAISES_DELTA(kInvalidArgument, disabled);
  EXPECT_NE(disabled.status().message().find("did not record change data at version 0"),
            std::string::npos)
      << disabled.status().message();
  ASSERT_RAISES_DELTA(kInvalidArgument,
                      ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 9).Build());
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 2).EndVersion(1).Build());
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      ChangeDataScanBuilder(Open("delta-rs/cdf-table"), 0).Select({"nope"}).Build());
  ASSERT_RAISES_DELTA(
      kVersionNotFound,
      ChangeDataScanBuilder(Open("delta-rs/checkpoint-cdf-table"), 0).Build());
}

}  // namespace
}  // namespace deltacpp
