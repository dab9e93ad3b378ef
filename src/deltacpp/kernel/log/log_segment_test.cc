#include "deltacpp/kernel/log/log_segment.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

using testing::TempDir;

class LogSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, TempDir::Make());
    dir_ = std::make_unique<TempDir>(std::move(dir));
  }
  void Commit(int64_t version) {
    ASSERT_OK(testing::WriteCommit(dir_->path(), version,
                                   {R"({"txn":{"appId":"a","version":1}})"}));
  }
  void Touch(const std::string& name) {
    ASSERT_OK(testing::WriteFile(dir_->path() / "_delta_log" / name, "x"));
  }
  Result<LogSegment> Build(std::optional<int64_t> version = std::nullopt) {
    DELTACPP_ASSIGN_OR_RAISE(auto store, ObjectStore::Make(dir_->path().string()));
    return LogSegment::Build(*store, version);
  }
  std::unique_ptr<TempDir> dir_;
};

TEST_F(LogSegmentTest, TakesAllCommitsUpToTheNewest) {
  for (int v = 0; v < 3; ++v) Commit(v);
  ASSERT_OK_AND_ASSIGN(auto segment, Build());
  EXPECT_EQ(segment.version, 2);
  ASSERT_EQ(segment.commits.size(), 3u);
  EXPECT_EQ(segment.commits[2].name.version, 2);
  EXPECT_GT(segment.commits[2].size, 0);
}

TEST_F(LogSegmentTest, TimeTravelStopsAtTheVersion) {
  for (int v = 0; v < 5; ++v) Commit(v);
  ASSERT_OK_AND_ASSIGN(auto segment, Build(1));
  EXPECT_EQ(segment.version, 1);
  EXPECT_EQ(segment.commits.size(), 2u);
}

TEST_F(LogSegmentTest, IgnoresFilesThatAreNotCommits) {
  Commit(0);
  Touch("00000000000000000001.json.tmp");
  Touch(".00000000000000000000.json.crc");
  Touch("00000000000000000000.crc");
  Touch("_last_checkpoint");
  ASSERT_OK(testing::WriteFile(
      dir_->path() / "_delta_log" / ".tmp" / "00000000000000000005.json", "{}"));
  ASSERT_OK_AND_ASSIGN(auto segment, Build());
  EXPECT_EQ(segment.version, 0);
  EXPECT_EQ(segment.commits.size(), 1u);
}

TEST_F(LogSegmentTest, ListLogFilesKeepsLogFilesFromAVersion) {
  for (int v = 0; v < 4; ++v) Commit(v);
  Touch("00000000000000000002.checkpoint.parquet");
  Touch("00000000000000000003.json.tmp");
  Touch("_last_checkpoint");
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto all, ListLogFiles(*store));
  EXPECT_EQ(all.size(), 5u);
  ASSERT_OK_AND_ASSIGN(auto from_two, ListLogFiles(*store, 2));
  ASSERT_EQ(from_two.size(), 3u);
  EXPECT_EQ(from_two[0].name.name, "00000000000000000002.checkpoint.parquet");
  EXPECT_EQ(from_two[1].name.version, 2);
  EXPECT_EQ(from_two[2].name.version, 3);
}

TEST_F(LogSegmentTest, MissingLogIsTableNotFound) {
  ASSERT_RAISES_DELTA(kTableNotFound, Build());
  Touch("_last_checkpoint");
  ASSERT_RAISES_DELTA(kTableNotFound, Build());
}

TEST_F(LogSegmentTest, VersionPastTheNewestIsVersionNotFound) {
  Commit(0);
  auto result = Build(3);
  ASSERT_RAISES_DELTA(kVersionNotFound, result);
  EXPECT_NE(result.status().message().find("the newest is 0"), std::string::npos);
  ASSERT_RAISES_DELTA(kInvalidArgument, Build(-1));
}

TEST_F(LogSegmentTest, GapNamesTheMissingVersion) {
  Commit(0);
  Commit(1);
  Commit(3);
  auto result = Build();
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("needs commit 00000000000000000002.json"),
            std::string::npos)
      << result.status().message();
  // Versions before the gap are still readable.
  ASSERT_OK_AND_ASSIGN(auto segment, Build(1));
  EXPECT_EQ(segment.version, 1);
}

TEST_F(LogSegmentTest, StartsFromTheNewestCheckpointAtOrBelowTheVersion) {
  for (int v = 0; v < 6; ++v) Commit(v);
  Touch("00000000000000000002.checkpoint.parquet");
  Touch("00000000000000000004.checkpoint.parquet");
  ASSERT_OK_AND_ASSIGN(auto latest, Build());
  EXPECT_EQ(latest.checkpoint_version, 4);
  ASSERT_EQ(latest.checkpoint_parts.size(), 1u);
  ASSERT_EQ(latest.commits.size(), 1u);
  EXPECT_EQ(latest.commits[0].name.version, 5);
  ASSERT_OK_AND_ASSIGN(auto three, Build(3));
  EXPECT_EQ(three.checkpoint_version, 2);
  EXPECT_EQ(three.commits.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto one, Build(1));
  EXPECT_FALSE(one.checkpoint_version.has_value());
  EXPECT_EQ(one.commits.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto at_checkpoint, Build(4));
  EXPECT_EQ(at_checkpoint.checkpoint_version, 4);
  EXPECT_TRUE(at_checkpoint.commits.empty());
  EXPECT_GT(at_checkpoint.version_timestamp_ms, 0);
}

TEST_F(LogSegmentTest, CleanedUpHistoryBeforeTheCheckpointIsVersionNotFound) {
  Touch("00000000000000000002.checkpoint.parquet");
  Commit(3);
  ASSERT_OK_AND_ASSIGN(auto segment, Build());
  EXPECT_EQ(segment.checkpoint_version, 2);
  auto result = Build(1);
  ASSERT_RAISES_DELTA(kVersionNotFound, result);
  EXPECT_NE(result.status().message().find("oldest version left is 2"), std::string::npos)
      << result.status().message();
}

TEST_F(LogSegmentTest, IncompleteMultiPartCheckpointsAreSkipped) {
  for (int v = 0; v < 4; ++v) Commit(v);
  Touch("00000000000000000001.checkpoint.0000000001.0000000002.parquet");
  Touch("00000000000000000001.checkpoint.0000000002.0000000002.parquet");
  Touch("00000000000000000003.checkpoint.0000000001.0000000003.parquet");
  Touch("00000000000000000003.checkpoint.0000000003.0000000003.parquet");
  ASSERT_OK_AND_ASSIGN(auto segment, Build());
  EXPECT_EQ(segment.checkpoint_version, 1);
  ASSERT_EQ(segment.checkpoint_parts.size(), 2u);
  EXPECT_EQ(segment.checkpoint_parts[0].name.part, 1);
  EXPECT_EQ(segment.checkpoint_parts[1].name.part, 2);
  EXPECT_EQ(segment.commits.size(), 2u);
}

TEST_F(LogSegmentTest, LastCheckpointHintIsUsedAndStaleOrBadHintsRecover) {
  for (int v = 0; v < 8; ++v) Commit(v);
  Touch("00000000000000000003.checkpoint.parquet");
  Touch("00000000000000000006.checkpoint.parquet");
  // Stale: names 3 while 6 exists; the listing from 3 still finds 6.
  ASSERT_OK(testing::WriteFile(dir_->path() / "_delta_log" / "_last_checkpoint",
                               R"({"version":3})"));
  ASSERT_OK_AND_ASSIGN(auto stale, Build());
  EXPECT_EQ(stale.checkpoint_version, 6);
  // Wrong: names a checkpoint that does not exist.
  ASSERT_OK(testing::WriteFile(dir_->path() / "_delta_log" / "_last_checkpoint",
                               R"({"version":5})"));
  ASSERT_OK_AND_ASSIGN(auto wrong, Build());
  EXPECT_EQ(wrong.checkpoint_version, 6);
  ASSERT_OK_AND_ASSIGN(auto wrong_old, Build(4));
  EXPECT_EQ(wrong_old.checkpoint_version, 3);
  // Corrupt: ignored.
  ASSERT_OK(testing::WriteFile(dir_->path() / "_delta_log" / "_last_checkpoint", "{{"));
  ASSERT_OK_AND_ASSIGN(auto corrupt, Build());
  EXPECT_EQ(corrupt.checkpoint_version, 6);
  EXPECT_EQ(corrupt.commits.size(), 1u);
}

TEST_F(LogSegmentTest, GapAfterTheCheckpointIsCorrupt) {
  Commit(0);
  Touch("00000000000000000001.checkpoint.parquet");
  Commit(2);
  Commit(4);
  auto result = Build();
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("00000000000000000003.json"),
            std::string::npos);
}

TEST_F(LogSegmentTest, MissingFirstCommitWithoutCheckpointIsCorrupt) {
  Commit(1);
  Commit(2);
  ASSERT_RAISES_DELTA(kCorruptLog, Build());
}

TEST_F(LogSegmentTest, CountsOfTheHintApplyToItsCheckpointOnly) {
  for (int v = 0; v < 8; ++v) Commit(v);
  Touch("00000000000000000003.checkpoint.parquet");
  Touch("00000000000000000006.checkpoint.parquet");
  ASSERT_OK(testing::WriteFile(dir_->path() / "_delta_log" / "_last_checkpoint",
                               R"({"version":6,"size":9,"numOfAddFiles":4})"));
  ASSERT_OK_AND_ASSIGN(auto newest, Build());
  EXPECT_EQ(newest.checkpoint_version, 6);
  EXPECT_EQ(newest.checkpoint_action_count, 9);
  EXPECT_EQ(newest.checkpoint_add_count, 4);
  // Time travel before the hinted checkpoint starts from another one.
  ASSERT_OK_AND_ASSIGN(auto older, Build(4));
  EXPECT_EQ(older.checkpoint_version, 3);
  EXPECT_FALSE(older.checkpoint_action_count.has_value());
  EXPECT_FALSE(older.checkpoint_add_count.has_value());
  // A stale hint describes an older checkpoint than the one used.
  ASSERT_OK(testing::WriteFile(dir_->path() / "_delta_log" / "_last_checkpoint",
                               R"({"version":3,"size":9,"numOfAddFiles":4})"));
  ASSERT_OK_AND_ASSIGN(auto stale, Build());
  EXPECT_EQ(stale.checkpoint_version, 6);
  EXPECT_FALSE(stale.checkpoint_add_count.has_value());
}

TEST_F(LogSegmentTest, NamesPastTheLastVersionAreCorrupt) {
  Commit(0);
  Commit(1);
  Touch("99999999999999999999.json");
  auto result = Build();
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("99999999999999999999.json names a version "
                                           "past 9223372036854775807"),
            std::string::npos)
      << result.status().message();
}

TEST_F(LogSegmentTest, TheLastVersionIsReadWithoutOverflow) {
  // A checkpoint of the last version needs no commit after it; one of the version
  // before needs exactly one.
  Touch("09223372036854775806.checkpoint.parquet");
  ASSERT_OK(testing::WriteFile(dir_->path() / "_delta_log" / "_last_checkpoint",
                               R"({"version":9223372036854775806})"));
  ASSERT_OK_AND_ASSIGN(auto before_last, Build());
  EXPECT_EQ(before_last.version, kMaxVersion - 1);
  EXPECT_TRUE(before_last.commits.empty());
  Commit(kMaxVersion);
  ASSERT_OK_AND_ASSIGN(auto last, Build());
  EXPECT_EQ(last.version, kMaxVersion);
  ASSERT_EQ(last.commits.size(), 1u);
  EXPECT_EQ(last.commits[0].name.version, kMaxVersion);
  Touch("09223372036854775807.checkpoint.parquet");
  ASSERT_OK_AND_ASSIGN(auto from_last, Build());
  EXPECT_EQ(from_last.checkpoint_version, kMaxVersion);
  EXPECT_TRUE(from_last.commits.empty());
}

TEST_F(LogSegmentTest, ReferenceTableWithGapIsRefused) {
  ASSERT_OK_AND_ASSIGN(
      auto store, ObjectStore::Make(
                      testing::TestdataPath("golden/versions-not-contiguous").string()));
  auto result = LogSegment::Build(*store);
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("is missing"), std::string::npos);
}

}  // namespace
}  // namespace deltacpp
