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

}  // namespace
}  // namespace deltacpp
