#include "deltacpp/txn/log_cleanup.h"

#include <sys/time.h>

#include <chrono>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"
#include "deltacpp/txn/checkpoint_writer.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {
namespace {

CommitOptions WithoutCheckpoints() {
  CommitOptions options;
  options.checkpoint = false;
  options.cleanup_expired_logs = false;
  return options;
}

namespace fs = std::filesystem;

constexpr int64_t kDayMs = 86400000;
constexpr const char* kSchema =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class LogCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir_->path().string()));
    table_ = std::make_unique<Table>(std::move(table));
    now_ = NowMs();
  }

  fs::path Log() const { return dir_->path() / "_delta_log"; }

  // Versions 0 (create) to `last`, version v adding file f<v>.parquet; no checkpoints.
  void MakeTable(int64_t last, StringMap configuration = {},
                 Protocol protocol = Protocol{1, 2, std::nullopt, std::nullopt},
                 CommitOptions options = WithoutCheckpoints()) {
    ASSERT_OK_AND_ASSIGN(auto create, Transaction::Begin(*table_));
    create.SetProtocol(protocol);
    Metadata metadata;
    metadata.id = "t";
    metadata.schema_string = kSchema;
    metadata.configuration = std::move(configuration);
    create.SetMetadata(metadata);
    ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}, options).status());
    for (int64_t v = 1; v <= last; ++v) Append(options);
  }

  void Append(CommitOptions options = WithoutCheckpoints()) {
    ASSERT_OK_AND_ASSIGN(auto txn, Transaction::Begin(*table_));
    AddFile add;
    add.path = "f" + std::to_string(txn.read_version() + 1) + ".parquet";
    add.size = 1;
    txn.Add(add);
    ASSERT_OK(txn.Commit(Operation{"WRITE", {}, {}}, options).status());
  }

  void Checkpoint(int64_t version) {
    ASSERT_OK_AND_ASSIGN(auto snapshot, table_->SnapshotAt(version));
    ASSERT_OK(WriteCheckpoint(*snapshot));
  }

  // Sets the modification time of every log file of `version` to `days` days ago.
  void Age(int64_t version, int64_t days) {
    const int64_t ms = now_ - days * kDayMs;
    timeval times[2];
    times[0].tv_sec = ms / 1000;
    times[0].tv_usec = (ms % 1000) * 1000;
    times[1] = times[0];
    for (const auto& entry : fs::directory_iterator(Log())) {
      auto parsed = ParseLogFileName(entry.path().filename().string());
      if (parsed && parsed->version == version) {
        ASSERT_EQ(::utimes(entry.path().c_str(), times), 0) << entry.path();
      }
    }
  }
  void Age(int64_t first, int64_t last, int64_t days) {
    for (int64_t v = first; v <= last; ++v) Age(v, days);
  }

  std::set<std::string> LogFiles() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(Log())) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  Result<LogCleanupResult> Cleanup(const LogCleanupOptions& options = {}) {
    DELTACPP_ASSIGN_OR_RAISE(auto snapshot, table_->LatestSnapshot());
    return CleanupExpiredLogs(*snapshot, now_, options);
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<Table> table_;
  int64_t now_ = 0;
};

// Versions 0-7 are 40 days old, 8-12 new; checkpoints at 5 and 10. The cutoff commit is
// 7, the newest checkpoint at or before it 5: everything before 5 goes, and the log
// reads every version from 5 on.
TEST_F(LogCleanupTest, KeepsTheNewestExpiredCheckpointAndEverythingAfter) {
  MakeTable(12);
  Checkpoint(5);
  Checkpoint(10);
  for (int64_t v = 0; v <= 12; ++v) {
    ASSERT_OK(
        testing::WriteFile(Log() / (CommitFileName(v).substr(0, 20) + ".crc"), "{}"));
  }
  // Files readers do not need: an old multi-part checkpoint, compacted commits.
  const std::string part1 =
      "00000000000000000003.checkpoint.0000000001.0000000002.parquet";
  const std::string part2 =
      "00000000000000000003.checkpoint.0000000002.0000000002.parquet";
  const std::string old_compacted =
      "00000000000000000002.00000000000000000004.compacted.json";
  const std::string new_compacted =
      "00000000000000000006.00000000000000000008.compacted.json";
  for (const auto& name : {part1, part2, old_compacted, new_compacted}) {
    ASSERT_OK(testing::WriteFile(Log() / name, "x"));
  }
  Age(0, 7, 40);

  const auto before = LogFiles();
  ASSERT_OK_AND_ASSIGN(auto dry, Cleanup(LogCleanupOptions{std::nullopt, true}));
  EXPECT_EQ(LogFiles(), before);  // a dry run deletes nothing ...
  ASSERT_OK_AND_ASSIGN(auto result, Cleanup());
  EXPECT_EQ(dry.deleted, result.deleted);  // ... but lists the same files
  EXPECT_EQ(dry.checkpoint_version, 5);

  ASSERT_EQ(result.checkpoint_version, 5);
  EXPECT_EQ(result.cutoff_timestamp_ms % kDayMs, 0);  // midnight UTC
  EXPECT_LE(result.cutoff_timestamp_ms, now_ - 30 * kDayMs);
  EXPECT_GT(result.cutoff_timestamp_ms, now_ - 31 * kDayMs);
  std::vector<std::string> expected;
  for (int64_t v = 0; v <= 4; ++v) {
    if (v == 2) expected.push_back(old_compacted);
    if (v == 3) {
      expected.push_back(part1);
      expected.push_back(part2);
    }
    expected.push_back(CommitFileName(v).substr(0, 20) + ".crc");
    expected.push_back(CommitFileName(v));
  }
  EXPECT_EQ(result.deleted, expected);
  std::set<std::string> after = LogFiles();
  for (const auto& name : expected) EXPECT_EQ(after.count(name), 0u) << name;
  EXPECT_EQ(after.size(), before.size() - expected.size());
  for (const auto& name :
       {CheckpointFileName(5), CommitFileName(5), CheckpointFileName(10), new_compacted,
        std::string(kLastCheckpointFile)}) {
    EXPECT_EQ(after.count(name), 1u) << name;
  }

  // Time travel to every retained version still works; older ones are gone.
  for (int64_t v = 5; v <= 12; ++v) {
    ASSERT_OK_AND_ASSIGN(auto snapshot, table_->SnapshotAt(v));
    EXPECT_EQ(snapshot->files().size(), static_cast<size_t>(v)) << v;
  }
  for (int64_t v = 0; v <= 4; ++v) {
    ASSERT_RAISES_DELTA(kVersionNotFound, table_->SnapshotAt(v));
  }
  ASSERT_OK_AND_ASSIGN(auto latest, table_->LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto timestamps,
                       ListVersionTimestamps(*table_->store(), latest->metadata()));
  EXPECT_EQ(timestamps.front().version, 5);

  // Nothing more has expired: a second run deletes nothing.
  ASSERT_OK_AND_ASSIGN(auto again, Cleanup());
  EXPECT_TRUE(again.deleted.empty());
  EXPECT_EQ(again.checkpoint_version, 5);
}

TEST_F(LogCleanupTest, NothingToDoWithoutAnExpiredCheckpoint) {
  MakeTable(12);
  Checkpoint(10);
  // Nothing expired at all.
  ASSERT_OK_AND_ASSIGN(auto fresh, Cleanup());
  EXPECT_FALSE(fresh.checkpoint_version.has_value());
  EXPECT_TRUE(fresh.deleted.empty());
  // Old commits, but the only checkpoint is newer than the cutoff commit: it would be
  // the only way to read versions 8 and 9, so nothing goes.
  Age(0, 7, 40);
  ASSERT_OK_AND_ASSIGN(auto result, Cleanup());
  EXPECT_FALSE(result.checkpoint_version.has_value());
  EXPECT_TRUE(result.deleted.empty());
  EXPECT_EQ(LogFiles().count(CommitFileName(0)), 1u);
}

// A commit whose file time went backwards counts as later than its predecessor (as Delta
// Spark adjusts it), so a clock that ran ahead keeps the versions after it.
TEST_F(LogCleanupTest, FileTimesAreMadeToIncreaseWithVersions) {
  MakeTable(8);
  Checkpoint(4);
  Checkpoint(7);
  Age(0, 8, 40);
  Age(6, 0);  // written by a clock far ahead: 7 and 8 are at least as new
  ASSERT_OK_AND_ASSIGN(auto result, Cleanup());
  EXPECT_EQ(result.checkpoint_version, 4);
  EXPECT_EQ(result.deleted.back(), CommitFileName(3));
  EXPECT_EQ(LogFiles().count(CheckpointFileName(4)), 1u);
}

TEST_F(LogCleanupTest, RetentionComesFromTheTableOrTheOptions) {
  MakeTable(6, {{std::string(table_property::kLogRetentionDuration), "interval 2 days"}});
  Checkpoint(3);
  Age(0, 4, 5);
  ASSERT_OK_AND_ASSIGN(auto result, Cleanup(LogCleanupOptions{10 * kDayMs, true}));
  EXPECT_FALSE(result.checkpoint_version.has_value());  // 5 days < 10 days
  ASSERT_OK_AND_ASSIGN(result, Cleanup());
  EXPECT_EQ(result.checkpoint_version, 3);
  EXPECT_EQ(result.deleted.size(), 3u);
}

TEST_F(LogCleanupTest, BadRetentionPropertyFails) {
  MakeTable(2, {{std::string(table_property::kLogRetentionDuration), "a while"}});
  auto result = Cleanup();
  ASSERT_RAISES_DELTA(kInvalidArgument, result);
  EXPECT_NE(result.status().message().find(dir_->path().string()), std::string::npos)
      << result.status().message();
}

// The snapshot bounds the cleanup: a checkpoint after its version is not used.
TEST_F(LogCleanupTest, NeverStartsTheLogAfterTheSnapshot) {
  MakeTable(12);
  Checkpoint(5);
  Checkpoint(10);
  Age(0, 12, 40);
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->SnapshotAt(8));
  ASSERT_OK_AND_ASSIGN(auto result, CleanupExpiredLogs(*snapshot, now_));
  EXPECT_EQ(result.checkpoint_version, 5);
  ASSERT_OK_AND_ASSIGN(auto latest, table_->LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(result, CleanupExpiredLogs(*latest, now_));
  EXPECT_EQ(result.checkpoint_version, 10);
  for (int64_t v = 10; v <= 12; ++v) ASSERT_OK(table_->SnapshotAt(v).status());
}

TEST_F(LogCleanupTest, RefusesTablesWithWriterFeaturesItDoesNotHonour) {
  MakeTable(2);
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 3,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","checkpointProtection"]}})"}));
  ASSERT_OK(Cleanup().status());  // checkpointProtection: a checkpoint is always kept
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 4,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["rowTracking"]}})"}));
  auto refused = Cleanup();
  ASSERT_RAISES_DELTA(kUnsupportedFeature, refused);
  EXPECT_NE(refused.status().message().find("'rowTracking'"), std::string::npos);
}

// The committer cleans up after the checkpoints it writes, unless the table says not to.
TEST_F(LogCleanupTest, CommitterCleansUpAfterItsCheckpoint) {
  const CommitOptions defaults;
  MakeTable(9, {{std::string(table_property::kCheckpointInterval), "5"}},
            Protocol{1, 2, {}, {}}, defaults);
  EXPECT_EQ(LogFiles().count(CheckpointFileName(5)), 1u);
  Age(0, 9, 40);
  Append(defaults);  // version 10: a checkpoint, then cleanup up to checkpoint 5
  auto files = LogFiles();
  EXPECT_EQ(files.count(CheckpointFileName(10)), 1u);
  for (int64_t v = 0; v <= 4; ++v) EXPECT_EQ(files.count(CommitFileName(v)), 0u) << v;
  for (int64_t v = 5; v <= 10; ++v) ASSERT_OK(table_->SnapshotAt(v).status());
}

TEST_F(LogCleanupTest, CommitterKeepsTheLogWhenCleanupIsDisabled) {
  const CommitOptions defaults;
  MakeTable(9,
            {{std::string(table_property::kCheckpointInterval), "5"},
             {std::string(table_property::kEnableExpiredLogCleanup), "false"}},
            Protocol{1, 2, {}, {}}, defaults);
  Age(0, 9, 40);
  Append(defaults);
  auto files = LogFiles();
  EXPECT_EQ(files.count(CheckpointFileName(10)), 1u);
  EXPECT_EQ(files.count(CommitFileName(0)), 1u);
}

}  // namespace
}  // namespace deltacpp
