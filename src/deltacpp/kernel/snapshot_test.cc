#include "deltacpp/kernel/snapshot.h"

#include <arrow/type.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace deltacpp
