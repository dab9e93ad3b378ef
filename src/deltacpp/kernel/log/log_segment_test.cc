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
  EXPECT_NE(result.status().message().find("00000000000000000002.json is missing"),
            std::string::npos)
      << result.status().message();
  // Versions before the gap are still readable.
  ASSERT_OK_AND_ASSIGN(auto segment, Build(1));
  EXPECT_EQ(segment.version, 1);
}

TEST_F(LogSegmentTest, CleanedUpHistoryBehindACheckpointIsNotReadYet) {
  Touch("00000000000000000002.checkpoint.parquet");
  Commit(3);
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Build());
  ASSERT_RAISES_DELTA(kVersionNotFound, Build(1));
}

TEST_F(LogSegmentTest, MissingFirstCommitWithoutCheckpointIsCorrupt) {
  Commit(1);
  Commit(2);
  ASSERT_RAISES_DELTA(kCorruptLog, Build());
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
