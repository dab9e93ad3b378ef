#include "deltacpp/txn/transaction.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

constexpr const char* kSchema =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})";

AddFile File(const std::string& path) {
  AddFile add;
  add.path = path;
  add.size = 1;
  add.modification_time = 1;
  return add;
}

RemoveFile Removal(const std::string& path) {
  RemoveFile remove;
  remove.path = path;
  remove.deletion_timestamp = 2;
  return remove;
}

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir_->path().string()));
    table_ = std::make_unique<Table>(std::move(table));
    ASSERT_OK_AND_ASSIGN(auto create, Transaction::Begin(*table_));
    EXPECT_EQ(create.read_snapshot(), nullptr);
    EXPECT_EQ(create.read_version(), -1);
    create.SetProtocol(Protocol{1, 2, std::nullopt, std::nullopt});
    Metadata metadata;
    metadata.id = "t";
    metadata.schema_string = kSchema;
    create.SetMetadata(metadata);
    create.Add(File("a.parquet"));
    create.Add(File("b.parquet"));
    ASSERT_OK_AND_ASSIGN(int64_t version,
                         create.Commit(Operation{"CREATE TABLE", {}, {}}));
    EXPECT_EQ(version, 0);
  }

  Result<Transaction> Begin() { return Transaction::Begin(*table_); }

  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<Table> table_;
};

TEST_F(TransactionTest, CreatedTableReadsBack) {
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->version(), 0);
  EXPECT_EQ(snapshot->files().size(), 2u);
  ASSERT_TRUE(snapshot->latest_commit_info().has_value());
  EXPECT_EQ(snapshot->latest_commit_info()->operation, "CREATE TABLE");
  EXPECT_FALSE(*snapshot->latest_commit_info()->is_blind_append);
}

TEST_F(TransactionTest, ConcurrentBlindAppendsBothCommit) {
  ASSERT_OK_AND_ASSIGN(auto first, Begin());
  ASSERT_OK_AND_ASSIGN(auto second, Begin());
  first.Add(File("c.parquet"));
  second.Add(File("d.parquet"));
  ASSERT_OK_AND_ASSIGN(int64_t first_version, first.Commit(Operation{"WRITE", {}, {}}));
  ASSERT_OK_AND_ASSIGN(int64_t second_version, second.Commit(Operation{"WRITE", {}, {}}));
  EXPECT_EQ(first_version, 1);
  EXPECT_EQ(second_version, 2);  // lost version 1, did not conflict, moved on
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->files().size(), 4u);
  EXPECT_EQ(snapshot->latest_commit_info()->read_version, 0);
}

TEST_F(TransactionTest, RemovingTheSameFileTwiceConflicts) {
  ASSERT_OK_AND_ASSIGN(auto first, Begin());
  ASSERT_OK_AND_ASSIGN(auto second, Begin());
  first.Remove(Removal("a.parquet"));
  second.Remove(Removal("a.parquet"));
  second.Add(File("a2.parquet"));
  ASSERT_OK(first.Commit(Operation{"DELETE", {}, {}}).status());
  auto lost = second.Commit(Operation{"UPDATE", {}, {}});
  ASSERT_RAISES_DELTA(kConflict, lost);
  EXPECT_NE(lost.status().message().find("conflicts with version 1"), std::string::npos)
      << lost.status().message();
  EXPECT_NE(lost.status().message().find("a.parquet"), std::string::npos);
  // Nothing of the loser is in the log.
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->version(), 1);
  EXPECT_EQ(snapshot->files().size(), 1u);
}

TEST_F(TransactionTest, ReadersConflictWithConcurrentNonBlindChanges) {
  ASSERT_OK_AND_ASSIGN(auto reader, Begin());
  reader.SetReadsData(true);
  reader.Remove(Removal("b.parquet"));
  ASSERT_OK_AND_ASSIGN(auto deleter, Begin());
  deleter.Remove(Removal("a.parquet"));
  ASSERT_OK(deleter.Commit(Operation{"DELETE", {}, {}}).status());
  ASSERT_RAISES_DELTA(kConflict, reader.Commit(Operation{"DELETE", {}, {}}));
}

TEST_F(TransactionTest, ReadersCommuteWithBlindAppends) {
  ASSERT_OK_AND_ASSIGN(auto reader, Begin());
  reader.SetReadsData(true);
  reader.Remove(Removal("b.parquet"));
  ASSERT_OK_AND_ASSIGN(auto appender, Begin());
  appender.Add(File("c.parquet"));
  ASSERT_OK(appender.Commit(Operation{"WRITE", {}, {}}).status());
  ASSERT_OK_AND_ASSIGN(int64_t version, reader.Commit(Operation{"DELETE", {}, {}}));
  EXPECT_EQ(version, 2);
}

TEST_F(TransactionTest, MetadataAndAppIdChangesConflict) {
  ASSERT_OK_AND_ASSIGN(auto appender, Begin());
  appender.Add(File("c.parquet"));
  appender.SetAppTransaction(SetTransaction{"stream", 1, std::nullopt});
  ASSERT_OK_AND_ASSIGN(auto same_app, Begin());
  same_app.Add(File("d.parquet"));
  same_app.SetAppTransaction(SetTransaction{"stream", 1, std::nullopt});
  ASSERT_OK(appender.Commit(Operation{"WRITE", {}, {}}).status());
  ASSERT_RAISES_DELTA(kConflict, same_app.Commit(Operation{"WRITE", {}, {}}));

  ASSERT_OK_AND_ASSIGN(auto late, Begin());
  late.Add(File("e.parquet"));
  ASSERT_OK_AND_ASSIGN(auto alter, Begin());
  Metadata metadata = alter.read_snapshot()->metadata();
  metadata.configuration["user.key"] = "v";
  alter.SetMetadata(metadata);
  ASSERT_OK(alter.Commit(Operation{"SET TBLPROPERTIES", {}, {}}).status());
  auto lost = late.Commit(Operation{"WRITE", {}, {}});
  ASSERT_RAISES_DELTA(kConflict, lost);
  EXPECT_NE(lost.status().message().find("metadata"), std::string::npos);
}

TEST(TransactionCreateTest, FirstCommitNeedsProtocolAndMetadata) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto txn, Transaction::Begin(table));
  txn.Add(File("a.parquet"));
  ASSERT_RAISES_DELTA(kInvalidArgument, txn.Commit(Operation{"WRITE", {}, {}}));
}

TEST(TransactionCreateTest, UnsupportedWriterFeatureIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK(testing::WriteCommit(
      dir.path(), 0,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["rowTracking"]}})",
       std::string(
           R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":")") +
           R"({\"type\":\"struct\",\"fields\":[]})" +
           R"(","partitionColumns":[],"configuration":{}}})"}));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  auto refused = Transaction::Begin(table);
  ASSERT_RAISES_DELTA(kUnsupportedFeature, refused);
  EXPECT_NE(refused.status().message().find("'rowTracking'"), std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace deltacpp
