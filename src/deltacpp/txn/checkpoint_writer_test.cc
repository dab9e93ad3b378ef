#include "deltacpp/txn/checkpoint_writer.h"

#include <filesystem>
#include <optional>
#include <set>

#include <gtest/gtest.h>

#include "deltacpp/kernel/log/checkpoint_reader.h"
#include "deltacpp/kernel/log/log_segment.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {
namespace {

// A checkpoint of a table of every kind of state reads back as the same snapshot.
// A transaction creating a table of no columns at protocol (1, 2), with a checkpoint
// every `interval` commits when given.
Result<Transaction> BeginCreate(const Table& table,
                                std::optional<int> interval = std::nullopt) {
  DELTACPP_ASSIGN_OR_RAISE(auto create, Transaction::Begin(table));
  create.SetProtocol(Protocol{1, 2, std::nullopt, std::nullopt});
  Metadata metadata;
  metadata.id = "t";
  metadata.schema_string = R"({"type":"struct","fields":[]})";
  if (interval) {
    metadata.configuration[std::string(table_property::kCheckpointInterval)] =
        std::to_string(*interval);
  }
  create.SetMetadata(metadata);
  return create;
}

TEST(CheckpointWriterTest, CheckpointReplaysToTheSameSnapshot) {
  for (const char* name :
       {"golden/dv-partitioned-with-checkpoint", "delta-rs/simple_table",
        "golden/data-reader-partition-values", "delta-rs/cdf-table"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    ASSERT_OK(testing::CopyTable(testing::TestdataPath(name), dir.path()));
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
    ASSERT_OK_AND_ASSIGN(auto before, table.LatestSnapshot());
    ASSERT_OK(WriteCheckpoint(*before));
    // Readers now start from our checkpoint.
    ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*table.store()));
    EXPECT_EQ(segment.checkpoint_version, before->version());
    EXPECT_TRUE(segment.commits.empty());
    ASSERT_OK_AND_ASSIGN(auto after, table.LatestSnapshot());
    EXPECT_EQ(after->protocol(), before->protocol());
    EXPECT_EQ(after->metadata(), before->metadata());
    EXPECT_EQ(after->app_transactions(), before->app_transactions());
    ASSERT_EQ(after->files().size(), before->files().size());
    std::map<std::string, AddFile> by_path;
    for (const auto& file : before->files()) by_path[file.path] = file;
    for (auto file : after->files()) {
      auto expected = by_path.at(file.path);
      file.data_change = expected.data_change;
      EXPECT_EQ(file, expected) << file.path;
    }
    EXPECT_EQ(after->tombstones().size(), before->tombstones().size());
  }
}

TEST(CheckpointWriterTest, CommitsCheckpointEveryInterval) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto create, BeginCreate(table, 3));
  ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}).status());
  for (int i = 1; i <= 7; ++i) {
    ASSERT_OK_AND_ASSIGN(auto append, Transaction::Begin(table));
    AddFile add;
    add.path = "f" + std::to_string(i) + ".parquet";
    append.Add(add);
    ASSERT_OK(append.Commit(Operation{"WRITE", {}, {}}).status());
  }
  const auto log = dir.path() / "_delta_log";
  EXPECT_TRUE(std::filesystem::exists(log / "00000000000000000003.checkpoint.parquet"));
  EXPECT_TRUE(std::filesystem::exists(log / "00000000000000000006.checkpoint.parquet"));
  EXPECT_FALSE(std::filesystem::exists(log / "00000000000000000007.checkpoint.parquet"));
  ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*table.store()));
  EXPECT_EQ(segment.checkpoint_version, 6);
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->files().size(), 7u);
}

// Checkpoints keep the live metadata domains and drop the removed ones.
TEST(CheckpointWriterTest, CheckpointKeepsLiveDomainsOnly) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto create, Transaction::Begin(table));
  create.SetProtocol(
      Protocol{1, 7, std::nullopt, std::vector<std::string>{"domainMetadata"}});
  Metadata metadata;
  metadata.id = "t";
  metadata.schema_string = R"({"type":"struct","fields":[]})";
  metadata.configuration[std::string(table_property::kCheckpointInterval)] = "2";
  create.SetMetadata(metadata);
  create.SetDomainMetadata(DomainMetadata{"app.kept", R"({"k":1})", false});
  create.SetDomainMetadata(DomainMetadata{"app.dropped", "d", false});
  ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}).status());
  ASSERT_OK_AND_ASSIGN(auto remove, Transaction::Begin(table));
  remove.SetDomainMetadata(DomainMetadata{"app.dropped", "", true});
  ASSERT_OK(remove.Commit(Operation{"WRITE", {}, {}}).status());
  ASSERT_OK_AND_ASSIGN(auto set, Transaction::Begin(table));
  set.SetDomainMetadata(DomainMetadata{"app.new", "n", false});
  ASSERT_OK(set.Commit(Operation{"WRITE", {}, {}}).status());  // checkpoint at 2

  ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*table.store()));
  ASSERT_EQ(segment.checkpoint_version, 2);
  std::vector<DomainMetadata> stored;
  ASSERT_OK(VisitCheckpointFile(*table.store(), LogFilePath(CheckpointFileName(2)), -1,
                                [&](Action&& action) {
                                  if (auto* d = std::get_if<DomainMetadata>(&action)) {
                                    stored.push_back(*d);
                                  }
                                }));
  EXPECT_EQ(stored, (std::vector<DomainMetadata>{{"app.kept", R"({"k":1})", false},
                                                 {"app.new", "n", false}}));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->domains().size(), 2u);
  EXPECT_EQ(snapshot->domains().at("app.kept").configuration, R"({"k":1})");
}

// The checkpoint after a lost race holds the winner's changes too (the snapshot it
// writes is built from the read snapshot, the winning commit and ours).
TEST(CheckpointWriterTest, CheckpointAfterALostRaceHoldsTheWinner) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto create, BeginCreate(table, 2));
  AddFile first;
  first.path = "first.parquet";
  create.Add(first);
  ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}).status());
  ASSERT_OK_AND_ASSIGN(auto loser, Transaction::Begin(table));
  AddFile ours;
  ours.path = "ours.parquet";
  loser.Add(ours);
  ASSERT_OK_AND_ASSIGN(auto winner, Transaction::Begin(table));
  AddFile theirs;
  theirs.path = "theirs.parquet";
  winner.Add(theirs);
  winner.SetAppTransaction(SetTransaction{"stream", 4, std::nullopt});
  ASSERT_OK(winner.Commit(Operation{"WRITE", {}, {}}).status());
  ASSERT_OK_AND_ASSIGN(int64_t version, loser.Commit(Operation{"WRITE", {}, {}}));
  ASSERT_EQ(version, 2);

  ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*table.store()));
  ASSERT_EQ(segment.checkpoint_version, 2);
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  std::set<std::string> paths;
  for (const auto& file : snapshot->files()) paths.insert(file.path);
  EXPECT_EQ(paths,
            (std::set<std::string>{"first.parquet", "ours.parquet", "theirs.parquet"}));
  EXPECT_EQ(snapshot->app_transactions().at("stream").version, 4);
}

std::set<std::string> FilesIn(const std::filesystem::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// A checkpoint is a write: a table whose writer features delta-cpp does not know is
// refused as commits refuse it, with nothing written.
TEST(CheckpointWriterTest, RefusesTablesWithWriterFeaturesItDoesNotKnow) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto create, BeginCreate(table));
  ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}).status());
  ASSERT_OK(testing::WriteCommit(
      dir.path(), 1,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","someFutureFeature"]}})"}));
  const auto log = dir.path() / "_delta_log";
  const auto before = FilesIn(log);
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  auto refused = WriteCheckpoint(*snapshot);
  ASSERT_RAISES_DELTA(kUnsupportedFeature, refused);
  EXPECT_NE(refused.message().find("cannot write a checkpoint of table " + table.uri() +
                                   " at version 1"),
            std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("'someFutureFeature'"), std::string::npos);
  EXPECT_EQ(FilesIn(log), before);

  // checkpointProtection asks nothing of checkpoint writers.
  ASSERT_OK(testing::WriteCommit(
      dir.path(), 2,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","checkpointProtection"]}})"}));
  ASSERT_OK_AND_ASSIGN(auto protected_snapshot, table.LatestSnapshot());
  ASSERT_OK(WriteCheckpoint(*protected_snapshot));
  EXPECT_TRUE(std::filesystem::exists(log / CheckpointFileName(2)));
}

// V2 checkpoint tables need checkpoints delta-cpp does not write (with
// checkpointMetadata): a classic one there would break the protocol.
TEST(CheckpointWriterTest, RefusesV2CheckpointTables) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK(testing::CopyTable(testing::TestdataPath("golden/v2-checkpoint-parquet"),
                               dir.path()));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  const auto before = FilesIn(dir.path() / "_delta_log");
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  auto refused = WriteCheckpoint(*snapshot);
  ASSERT_RAISES_DELTA(kUnsupportedFeature, refused);
  EXPECT_NE(refused.message().find("'v2Checkpoint'"), std::string::npos)
      << refused.message();
  EXPECT_EQ(FilesIn(dir.path() / "_delta_log"), before);
}

}  // namespace
}  // namespace deltacpp
