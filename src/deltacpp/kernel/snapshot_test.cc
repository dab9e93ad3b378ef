#include "deltacpp/kernel/snapshot.h"

#include <filesystem>

#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

using testing::TestdataPath;

TEST(SnapshotTest, SimpleTableAtEveryVersion) {
  ASSERT_OK_AND_ASSIGN(auto table,
                       Table::Open(TestdataPath("delta-rs/simple_table").string()));
  // Files live after each commit, counted from the commit files by hand.
  const std::vector<size_t> expected_files = {6, 22, 6, 6, 5};
  for (int64_t version = 0; version < 5; ++version) {
    ASSERT_OK_AND_ASSIGN(auto snapshot, table.SnapshotAt(version));
    EXPECT_EQ(snapshot->version(), version);
    EXPECT_EQ(snapshot->files().size(), expected_files[version]) << "version " << version;
  }
  ASSERT_OK_AND_ASSIGN(auto latest, table.LatestSnapshot());
  EXPECT_EQ(latest->version(), 4);
  EXPECT_EQ(latest->protocol(), (Protocol{1, 2, std::nullopt, std::nullopt}));
  EXPECT_EQ(latest->metadata().id, "5fba94ed-9794-4965-ba6e-6ee3c0d22af9");
  EXPECT_TRUE(
      latest->schema()->Equals(*arrow::schema({arrow::field("id", arrow::int64())})));
  EXPECT_TRUE(latest->partition_columns().empty());
  ASSERT_TRUE(latest->latest_commit_info().has_value());
  EXPECT_EQ(latest->latest_commit_info()->operation, "DELETE");
  EXPECT_GT(latest->commit_timestamp_ms(), 0);

  ASSERT_OK_AND_ASSIGN(auto loaded_latest, table.LoadSnapshot(std::nullopt));
  EXPECT_EQ(loaded_latest->version(), 4);
  ASSERT_OK_AND_ASSIGN(auto loaded_two, table.LoadSnapshot(2));
  EXPECT_EQ(loaded_two->version(), 2);
}

TEST(SnapshotTest, SnapshotAtTimestampUsesInCommitTimestamps) {
  ASSERT_OK_AND_ASSIGN(auto table,
                       Table::Open(TestdataPath("delta-rs/cdc_ict_table").string()));
  ASSERT_OK_AND_ASSIGN(auto third, table.SnapshotAtTimestamp(1783874212175));
  EXPECT_EQ(third->version(), 2);
  ASSERT_OK_AND_ASSIGN(auto latest, table.SnapshotAtTimestamp(1783874213881 + 1000));
  EXPECT_EQ(latest->version(), 3);
}

TEST(SnapshotTest, LatestProtocolAndSchemaAreUsed) {
  ASSERT_OK_AND_ASSIGN(
      auto table,
      Table::Open(TestdataPath("golden/log-replay-latest-metadata-protocol").string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->protocol().min_reader_version, 3);
  EXPECT_EQ(snapshot->schema()->num_fields(), 2);
}

TEST(SnapshotTest, UnsupportedReaderVersionIsRefusedNamingTheTable) {
  ASSERT_OK_AND_ASSIGN(
      auto table,
      Table::Open(TestdataPath("golden/deltalog-invalid-protocol-version").string()));
  auto result = table.LatestSnapshot();
  ASSERT_RAISES_DELTA(kUnsupportedFeature, result);
  EXPECT_NE(
      result.status().message().find("deltalog-invalid-protocol-version at version 0"),
      std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("reader protocol version 99"),
            std::string::npos);
}

TEST(SnapshotTest, FolderWithoutLogIsTableNotFound) {
  ASSERT_OK_AND_ASSIGN(auto table,
                       Table::Open(TestdataPath("golden/no-delta-log-folder").string()));
  ASSERT_RAISES_DELTA(kTableNotFound, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto missing, Table::Open(TestdataPath("no/such/table").string()));
  ASSERT_RAISES_DELTA(kTableNotFound, missing.LatestSnapshot());
}

TEST(SnapshotTest, IsDeltaTableLooksForCommitsOrCheckpoints) {
  EXPECT_EQ(IsDeltaTable(TestdataPath("delta-rs/simple_table").string()).ValueOrDie(),
            true);
  EXPECT_EQ(
      IsDeltaTable(TestdataPath("golden/no-delta-log-folder").string()).ValueOrDie(),
      false);
  EXPECT_EQ(IsDeltaTable(TestdataPath("no/such/table").string()).ValueOrDie(), false);
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  std::filesystem::create_directories(dir.path() / "_delta_log");
  EXPECT_EQ(IsDeltaTable(dir.path().string()).ValueOrDie(), false);
  ASSERT_OK(testing::WriteCommit(
      dir.path(), 0, {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})"}));
  EXPECT_EQ(IsDeltaTable(dir.path().string()).ValueOrDie(), true);
}

TEST(SnapshotTest, PartitionColumnMissingFromSchemaIsCorrupt) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK(testing::WriteCommit(
      dir.path(), 0,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})",
       R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":["b"],"configuration":{}}})"}));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  auto result = table.LatestSnapshot();
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("partition column 'b'"), std::string::npos);
}

// A snapshot built in memory from the one before and the next commit equals the one
// replayed from the log, for tables of every kind of action.
TEST(SnapshotTest, BuildAfterMatchesReplay) {
  for (const char* name : {"delta-rs/simple_table", "golden/log-replay-dv-key-cases",
                           "golden/dv-partitioned-with-checkpoint", "delta-rs/cdf-table",
                           "golden/log-replay-latest-metadata-protocol"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(TestdataPath(name).string()));
    ASSERT_OK_AND_ASSIGN(auto latest, table.LatestSnapshot());
    std::shared_ptr<const Snapshot> built;
    for (int64_t version = 0; version <= latest->version(); ++version) {
      SCOPED_TRACE(version);
      const std::string path = CommitFilePath(version);
      ASSERT_OK_AND_ASSIGN(auto contents, table.store()->ReadAll(path));
      ASSERT_OK_AND_ASSIGN(auto actions, ParseCommitJson(contents->ToString(), path));
      ASSERT_OK_AND_ASSIGN(built, SnapshotBuilder::BuildAfter(table.store(), built,
                                                              std::move(actions), 7));
      ASSERT_OK_AND_ASSIGN(auto replayed, table.SnapshotAt(version));
      EXPECT_EQ(built->version(), version);
      EXPECT_EQ(built->commit_timestamp_ms(), 7);
      EXPECT_EQ(built->protocol(), replayed->protocol());
      EXPECT_EQ(built->metadata(), replayed->metadata());
      EXPECT_TRUE(built->schema()->Equals(*replayed->schema()));
      EXPECT_EQ(built->app_transactions(), replayed->app_transactions());
      EXPECT_EQ(built->domains(), replayed->domains());
      // Replay from a checkpoint of the version itself has no commitInfo to give.
      if (replayed->latest_commit_info().has_value()) {
        EXPECT_EQ(built->latest_commit_info(), replayed->latest_commit_info());
      }
      auto by_key = [](const auto& files) {
        std::map<std::string, std::decay_t<decltype(files.front())>> keyed;
        for (const auto& file : files) {
          keyed.emplace(
              file.path + "|" +
                  (file.deletion_vector ? file.deletion_vector->UniqueId() : ""),
              file);
        }
        return keyed;
      };
      // A checkpoint marks its adds dataChange=false; commits keep theirs.
      auto replayed_files = by_key(replayed->files());
      for (auto& [key, file] : replayed_files) file.data_change = true;
      auto built_files = by_key(built->files());
      for (auto& [key, file] : built_files) file.data_change = true;
      EXPECT_EQ(built_files, replayed_files);
      EXPECT_EQ(by_key(built->tombstones()).size(),
                by_key(replayed->tombstones()).size());
    }
  }
}

TEST(SnapshotTest, BuildAfterNeedsProtocolAndMetadataFirst) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make("/tmp/not-used"));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      SnapshotBuilder::BuildAfter(store, nullptr, {AddFile{}}, 0));
  Metadata metadata;
  metadata.schema_string = R"({"type":"struct","fields":[]})";
  ASSERT_RAISES_DELTA(
      kUnsupportedFeature,
      SnapshotBuilder::BuildAfter(
          store, nullptr, {Protocol{9, 9, std::nullopt, std::nullopt}, metadata}, 0));
}

// A copy of `name` (a table with a checkpoint) to change.
std::unique_ptr<testing::TempDir> CopyOf(const char* name) {
  auto dir = testing::TempDir::Make();
  EXPECT_TRUE(dir.ok()) << dir.status().ToString();
  if (!dir.ok()) return nullptr;
  auto copy = std::make_unique<testing::TempDir>(*std::move(dir));
  EXPECT_OK(testing::CopyTable(TestdataPath(name), copy->path()));
  return copy;
}

// `_last_checkpoint` records how many add actions its checkpoint holds: a checkpoint
// with another number lost rows (or gained some), and reading it would give a table
// without those files, so it is corrupt.
TEST(SnapshotTest, CheckpointAddCountMustMatchLastCheckpoint) {
  auto dir = CopyOf("golden/basic-with-inserts-deletes-checkpoint");
  ASSERT_NE(dir, nullptr);
  const auto hint = dir->path() / "_delta_log" / "_last_checkpoint";
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir->path().string()));
  ASSERT_OK(table.LatestSnapshot().status());  // {"numOfAddFiles":6}: as it holds

  ASSERT_OK(testing::WriteFile(hint, R"({"version":10,"size":13,"numOfAddFiles":7})"));
  auto result = table.LatestSnapshot();
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  const std::string& message = result.status().message();
  EXPECT_NE(
      message.find("corrupt checkpoint " + (dir->path() / "_delta_log" /
                                            "00000000000000000010.checkpoint.parquet")
                                               .string()),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("it holds 6 add actions, but _last_checkpoint records 7"),
            std::string::npos)
      << message;
  // Time travel before the checkpoint does not read it.
  ASSERT_OK(table.SnapshotAt(9).status());

  // A hint of another version says nothing about the checkpoint read.
  ASSERT_OK(testing::WriteFile(hint, R"({"version":9,"size":13,"numOfAddFiles":7})"));
  ASSERT_OK(table.LatestSnapshot().status());
  // Nor does a hint without the count.
  ASSERT_OK(testing::WriteFile(hint, R"({"version":10,"size":99})"));
  ASSERT_OK(table.LatestSnapshot().status());
}

// A V2 checkpoint (here in JSON) that lost its add actions, and the same checkpoint
// whole: the count covers the checkpoint's files, whatever their form.
TEST(SnapshotTest, CheckpointThatLostItsAddsIsCorrupt) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  const std::string protocol =
      R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";
  const std::string metadata =
      R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}})";
  auto add = [](int i) {
    return R"({"add":{"path":"f)" + std::to_string(i) +
           R"(.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})";
  };
  ASSERT_OK(testing::WriteCommit(dir.path(), 0, {protocol, metadata, add(0)}));
  ASSERT_OK(testing::WriteCommit(dir.path(), 1, {add(1)}));
  const auto log = dir.path() / "_delta_log";
  const auto checkpoint =
      log / "00000000000000000001.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json";
  ASSERT_OK(testing::WriteFile(checkpoint, protocol + "\n" + metadata + "\n"));
  ASSERT_OK(testing::WriteFile(log / "_last_checkpoint",
                               R"({"version":1,"size":4,"numOfAddFiles":2})"));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  auto lost = table.LatestSnapshot();
  ASSERT_RAISES_DELTA(kCorruptLog, lost);
  EXPECT_NE(lost.status().message().find(checkpoint.filename().string()),
            std::string::npos)
      << lost.status().message();
  EXPECT_NE(lost.status().message().find("holds 0 add actions, but _last_checkpoint "
                                         "records 2"),
            std::string::npos)
      << lost.status().message();

  ASSERT_OK(testing::WriteFile(
      checkpoint, protocol + "\n" + metadata + "\n" + add(0) + "\n" + add(1) + "\n"));
  ASSERT_OK_AND_ASSIGN(auto whole, table.LatestSnapshot());
  EXPECT_EQ(whole->files().size(), 2u);
}

// The reference tables whose `_last_checkpoint` records numOfAddFiles agree with it:
// multi-part checkpoints and V2 ones with sidecars count all their files. Those whose
// hint is corrupt or records a wrong `size` still read.
TEST(SnapshotTest, ReferenceCheckpointsAgreeWithTheirCounts) {
  for (const char* name :
       {"golden/multi-part-checkpoint", "golden/v2-checkpoint-json",
        "golden/v2-checkpoint-parquet", "delta-rs/checkpoint-v2-table",
        "delta-rs/checkpoint-cdf-table", "golden/checkpoint",
        "golden/dv-partitioned-with-checkpoint", "golden/only-checkpoint-files",
        "golden/corrupted-last-checkpoint-kernel", "delta-rs/latest_not_checkpointed",
        "delta-rs/checkpoint_with_partitions",
        "delta-rs/table_failed_last_checkpoint_update"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(TestdataPath(name).string()));
    ASSERT_OK(table.LatestSnapshot().status());
  }
}

}  // namespace
}  // namespace deltacpp
