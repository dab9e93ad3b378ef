#include "deltacpp/kernel/history.h"

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

void SetModificationTime(const std::filesystem::path& path, int64_t millis) {
  const auto target =
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(millis));
  std::filesystem::last_write_time(
      path, std::chrono::time_point_cast<std::filesystem::file_time_type::duration>(
                std::chrono::file_clock::from_sys(target)));
}

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    // Three commits; the clock went backwards for the third.
    const int64_t times[] = {1'000'000, 2'000'000, 1'500'000};
    for (int v = 0; v < 3; ++v) {
      ASSERT_OK(testing::WriteCommit(
          dir_->path(), v,
          {R"({"commitInfo":{"timestamp":)" + std::to_string(times[v]) +
           R"(,"operation":"OP)" + std::to_string(v) + R"("}})"}));
      SetModificationTime(dir_->path() / CommitFilePath(v), times[v]);
    }
    ASSERT_OK_AND_ASSIGN(store_, ObjectStore::Make(dir_->path().string()));
  }
  std::unique_ptr<testing::TempDir> dir_;
  std::shared_ptr<ObjectStore> store_;
};

TEST_F(HistoryTest, TimestampsAreFileTimesMadeIncreasing) {
  ASSERT_OK_AND_ASSIGN(auto timestamps, ListVersionTimestamps(*store_, Metadata{}));
  ASSERT_EQ(timestamps.size(), 3u);
  EXPECT_EQ(timestamps[0].timestamp_ms, 1'000'000);
  EXPECT_EQ(timestamps[1].timestamp_ms, 2'000'000);
  EXPECT_EQ(timestamps[2].timestamp_ms, 2'000'001);
}

TEST_F(HistoryTest, VersionAtTimestampTakesTheNewestAtOrBefore) {
  ASSERT_OK_AND_ASSIGN(auto timestamps, ListVersionTimestamps(*store_, Metadata{}));
  ASSERT_OK_AND_ASSIGN(auto exact, VersionAtTimestamp(timestamps, 1'000'000));
  EXPECT_EQ(exact, 0);
  ASSERT_OK_AND_ASSIGN(auto between, VersionAtTimestamp(timestamps, 1'999'999));
  EXPECT_EQ(between, 0);
  ASSERT_OK_AND_ASSIGN(auto second, VersionAtTimestamp(timestamps, 2'000'000));
  EXPECT_EQ(second, 1);
  ASSERT_OK_AND_ASSIGN(auto later, VersionAtTimestamp(timestamps, 9'000'000));
  EXPECT_EQ(later, 2);
  ASSERT_RAISES_DELTA(kVersionNotFound, VersionAtTimestamp(timestamps, 999'999));
}

TEST_F(HistoryTest, HistoryIsNewestFirstWithLimit) {
  ASSERT_OK_AND_ASSIGN(auto history, ReadHistory(*store_, Metadata{}, 2));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].version, 2);
  ASSERT_TRUE(history[0].commit_info.has_value());
  EXPECT_EQ(history[0].commit_info->operation, "OP2");
  EXPECT_EQ(history[1].version, 1);
  ASSERT_OK_AND_ASSIGN(auto all, ReadHistory(*store_, Metadata{}, std::nullopt));
  EXPECT_EQ(all.size(), 3u);
}

TEST(HistoryReferenceTest, InCommitTimestampsComeFromCommitInfo) {
  ASSERT_OK_AND_ASSIGN(
      auto table, Table::Open(testing::TestdataPath("delta-rs/cdc_ict_table").string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto timestamps,
                       ListVersionTimestamps(*table.store(), snapshot->metadata()));
  ASSERT_EQ(timestamps.size(), 4u);
  EXPECT_EQ(timestamps[0].timestamp_ms, 1783874203271);
  EXPECT_EQ(timestamps[3].timestamp_ms, 1783874213881);
}

TEST(HistoryReferenceTest, SimpleTableOperations) {
  ASSERT_OK_AND_ASSIGN(
      auto table, Table::Open(testing::TestdataPath("delta-rs/simple_table").string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto history,
                       ReadHistory(*table.store(), snapshot->metadata(), {}));
  std::vector<std::string> operations;
  for (const auto& entry : history) operations.push_back(*entry.commit_info->operation);
  EXPECT_EQ(operations,
            (std::vector<std::string>{"DELETE", "UPDATE", "WRITE", "MERGE", "WRITE"}));
}

}  // namespace
}  // namespace deltacpp
