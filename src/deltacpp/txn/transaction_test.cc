#include "deltacpp/txn/transaction.h"

#include <chrono>
#include <filesystem>
#include <set>

#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"
#include "deltacpp/txn/checkpoint_writer.h"

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

// A checkpoint named for the version before the last: the next commit takes the last
// version, and every one after fails instead of wrapping around to a negative version
// that no reader would see.
TEST_F(TransactionTest, CommitsStopAtTheLastVersion) {
  ASSERT_OK_AND_ASSIGN(auto created, table_->LatestSnapshot());
  ASSERT_OK(WriteCheckpoint(*created));
  const auto log = dir_->path() / "_delta_log";
  std::filesystem::rename(log / CheckpointFileName(0),
                          log / CheckpointFileName(kMaxVersion - 1));
  ASSERT_OK(testing::WriteFile(log / "_last_checkpoint",
                               R"({"version":9223372036854775806,"numOfAddFiles":2})"));
  ASSERT_OK_AND_ASSIGN(auto first, Begin());
  EXPECT_EQ(first.read_version(), kMaxVersion - 1);
  ASSERT_OK_AND_ASSIGN(auto racer, Begin());
  first.Add(File("c.parquet"));
  ASSERT_OK_AND_ASSIGN(int64_t version, first.Commit(Operation{"WRITE", {}, {}}));
  EXPECT_EQ(version, kMaxVersion);

  // Losing the race for the last version leaves no version to move on to.
  racer.Add(File("d.parquet"));
  auto lost = racer.Commit(Operation{"WRITE", {}, {}});
  ASSERT_RAISES_DELTA(kInvalidArgument, lost);
  EXPECT_NE(
      lost.status().message().find(
          "is at version 9223372036854775807, the last version the protocol allows"),
      std::string::npos)
      << lost.status().message();

  ASSERT_OK_AND_ASSIGN(auto last, table_->LatestSnapshot());
  EXPECT_EQ(last->version(), kMaxVersion);
  EXPECT_EQ(last->files().size(), 3u);
  // A writer is refused at once, before it writes any data file for the commit.
  auto refused = Begin();
  ASSERT_RAISES_DELTA(kInvalidArgument, refused);
  EXPECT_NE(refused.status().message().find("table " + table_->uri() +
                                            " is at version 9223372036854775807"),
            std::string::npos)
      << refused.status().message();

  std::set<std::string> commits;
  for (const auto& entry : std::filesystem::directory_iterator(log)) {
    const std::string name = entry.path().filename().string();
    EXPECT_NE(name.front(), '-') << name;
    if (name.ends_with(".json")) commits.insert(name);
  }
  EXPECT_EQ(commits,
            (std::set<std::string>{CommitFileName(0), CommitFileName(kMaxVersion)}));
}

TEST_F(TransactionTest, CreatedTableReadsBack) {
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->version(), 0);
  EXPECT_EQ(snapshot->files().size(), 2u);
  ASSERT_TRUE(snapshot->latest_commit_info().has_value());
  EXPECT_EQ(snapshot->latest_commit_info()->operation, "CREATE TABLE");
  EXPECT_FALSE(*snapshot->latest_commit_info()->is_blind_append);
}

TEST_F(TransactionTest, CustomCommitInfoFieldsAreWrittenUnlessReserved) {
  ASSERT_OK_AND_ASSIGN(auto txn, Begin());
  txn.Add(File("c.parquet"));
  CommitOptions options;
  options.custom_metadata = {{"job_id", "nightly-7"}, {"userName", "alice"}};
  ASSERT_OK(txn.Commit(Operation{"WRITE", {}, {}}, options).status());
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  const std::string& json = snapshot->latest_commit_info()->json;
  EXPECT_NE(json.find(R"("job_id":"nightly-7")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("userName":"alice")"), std::string::npos) << json;
  ASSERT_OK_AND_ASSIGN(auto refused, Begin());
  options.custom_metadata = {{"operation", "DELETE"}};
  auto result = refused.Commit(Operation{"WRITE", {}, {}}, options);
  ASSERT_RAISES_DELTA(kInvalidArgument, result);
  EXPECT_NE(result.status().message().find("'operation'"), std::string::npos);
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

// The commitInfo of `version`, and whether it is the commit's first line.
struct CommitHead {
  CommitInfo info;
  bool first = false;
};
CommitHead ReadCommitHead(const Table& table, int64_t version) {
  CommitHead head;
  auto contents = table.store()->ReadAll(CommitFilePath(version));
  EXPECT_TRUE(contents.ok());
  if (!contents.ok()) return head;
  auto actions = ParseCommitJson((*contents)->ToString(), "commit");
  EXPECT_TRUE(actions.ok());
  if (!actions.ok()) return head;
  for (size_t i = 0; i < actions->size(); ++i) {
    if (auto* info = std::get_if<CommitInfo>(&(*actions)[i])) {
      head.info = *info;
      head.first = i == 0;
    }
  }
  return head;
}

std::vector<Action> CommitActions(const Table& table, int64_t version) {
  auto contents = table.store()->ReadAll(CommitFilePath(version));
  EXPECT_TRUE(contents.ok());
  if (!contents.ok()) return {};
  auto actions = ParseCommitJson((*contents)->ToString(), "commit");
  EXPECT_TRUE(actions.ok());
  return actions.ok() ? *actions : std::vector<Action>{};
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A blind append written by "another writer", with an in-commit timestamp of its own.
Status WriteForeignAppend(const std::filesystem::path& root, int64_t version,
                          std::optional<int64_t> in_commit_timestamp,
                          const std::string& path) {
  std::string info = R"({"commitInfo":{)";
  if (in_commit_timestamp) {
    info += R"("inCommitTimestamp":)" + std::to_string(*in_commit_timestamp) + ",";
  }
  info += R"("timestamp":1,"operation":"WRITE","isBlindAppend":true}})";
  return testing::WriteCommit(
      root, version,
      {info,
       R"({"add":{"path":")" + path +
           R"(","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})"});
}

const std::string kIctKey(table_property::kEnableInCommitTimestamps);

TEST(TransactionIctTest, NewTableWithInCommitTimestamps) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  Metadata metadata;
  metadata.id = "t";
  metadata.schema_string = kSchema;
  metadata.configuration[kIctKey] = "true";
  ASSERT_OK_AND_ASSIGN(
      auto protocol, ProtocolForNewTable(
                         *arrow::schema({arrow::field("id", arrow::int64())}), metadata));
  EXPECT_EQ(protocol, (Protocol{1, 7, std::nullopt,
                                std::vector<std::string>{"inCommitTimestamp"}}));
  ASSERT_OK_AND_ASSIGN(auto create, Transaction::Begin(table));
  create.SetProtocol(protocol);
  create.SetMetadata(metadata);
  const int64_t before = NowMs();
  ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}).status());
  auto head = ReadCommitHead(table, 0);
  EXPECT_TRUE(head.first);
  ASSERT_TRUE(head.info.in_commit_timestamp.has_value());
  EXPECT_GE(*head.info.in_commit_timestamp, before);
  EXPECT_LE(*head.info.in_commit_timestamp, NowMs());
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  // A table born with them needs no enablement provenance.
  EXPECT_EQ(snapshot->metadata().configuration.count(
                std::string(table_property::kInCommitTimestampEnablementVersion)),
            0u);

  // Each commit's timestamp follows the previous one's, even one from a clock ahead.
  const int64_t ahead = NowMs() + 86400000;
  ASSERT_OK(WriteForeignAppend(dir.path(), 1, ahead, "x.parquet"));
  ASSERT_OK_AND_ASSIGN(auto append, Transaction::Begin(table));
  append.Add(File("a.parquet"));
  ASSERT_OK_AND_ASSIGN(int64_t version, append.Commit(Operation{"WRITE", {}, {}}));
  EXPECT_EQ(version, 2);
  head = ReadCommitHead(table, 2);
  EXPECT_TRUE(head.first);
  EXPECT_EQ(head.info.in_commit_timestamp, ahead + 1);
  EXPECT_LT(*head.info.timestamp, ahead);  // the wall clock stays in `timestamp`
  ASSERT_OK_AND_ASSIGN(auto at_ahead, table.SnapshotAtTimestamp(ahead));
  EXPECT_EQ(at_ahead->version(), 1);
  ASSERT_OK_AND_ASSIGN(auto latest, table.SnapshotAtTimestamp(ahead + 1));
  EXPECT_EQ(latest->version(), 2);
}

TEST(TransactionIctTest, RecomputedAgainstTheCommitThatWonTheRace) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto create, Transaction::Begin(table));
  create.SetProtocol(
      Protocol{1, 7, std::nullopt, std::vector<std::string>{"inCommitTimestamp"}});
  Metadata metadata;
  metadata.id = "t";
  metadata.schema_string = kSchema;
  metadata.configuration[kIctKey] = "true";
  create.SetMetadata(metadata);
  ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}).status());

  ASSERT_OK_AND_ASSIGN(auto late, Transaction::Begin(table));
  late.Add(File("late.parquet"));
  const int64_t ahead = NowMs() + 3600000;
  ASSERT_OK(WriteForeignAppend(dir.path(), 1, ahead, "won.parquet"));
  ASSERT_OK_AND_ASSIGN(int64_t version, late.Commit(Operation{"WRITE", {}, {}}));
  EXPECT_EQ(version, 2);
  EXPECT_EQ(ReadCommitHead(table, 2).info.in_commit_timestamp, ahead + 1);
}

// A snapshot read from a checkpoint of its own version has no commitInfo: the previous
// in-commit timestamp then comes from that version's commit file.
TEST(TransactionIctTest, PreviousTimestampOfASnapshotStartingAtACheckpoint) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto create, Transaction::Begin(table));
  create.SetProtocol(
      Protocol{1, 7, std::nullopt, std::vector<std::string>{"inCommitTimestamp"}});
  Metadata metadata;
  metadata.id = "t";
  metadata.schema_string = kSchema;
  metadata.configuration[kIctKey] = "true";
  metadata.configuration["delta.checkpointInterval"] = "2";
  create.SetMetadata(metadata);
  ASSERT_OK(create.Commit(Operation{"CREATE TABLE", {}, {}}).status());
  const int64_t ahead = NowMs() + 3600000;
  ASSERT_OK(WriteForeignAppend(dir.path(), 1, ahead, "x.parquet"));
  ASSERT_OK_AND_ASSIGN(auto second, Transaction::Begin(table));
  second.Add(File("a.parquet"));
  ASSERT_OK(second.Commit(Operation{"WRITE", {}, {}}).status());  // checkpoint at 2
  ASSERT_OK_AND_ASSIGN(auto third, Transaction::Begin(table));
  EXPECT_FALSE(third.read_snapshot()->latest_commit_info().has_value());
  third.Add(File("b.parquet"));
  ASSERT_OK(third.Commit(Operation{"WRITE", {}, {}}).status());
  EXPECT_EQ(ReadCommitHead(table, 2).info.in_commit_timestamp, ahead + 1);
  EXPECT_EQ(ReadCommitHead(table, 3).info.in_commit_timestamp, ahead + 2);
}

TEST_F(TransactionTest, EnablingInCommitTimestampsRecordsWhen) {
  // A blind append wins version 1 while the change is prepared: the enablement moves
  // to version 2 with the commit.
  ASSERT_OK_AND_ASSIGN(auto enable, Begin());
  Metadata metadata = enable.read_snapshot()->metadata();
  metadata.configuration[kIctKey] = "true";
  enable.SetMetadata(metadata);
  ASSERT_OK_AND_ASSIGN(auto append, Begin());
  append.Add(File("c.parquet"));
  ASSERT_OK(append.Commit(Operation{"WRITE", {}, {}}).status());
  ASSERT_OK_AND_ASSIGN(int64_t version,
                       enable.Commit(Operation{"SET TBLPROPERTIES", {}, {}}));
  EXPECT_EQ(version, 2);

  auto head = ReadCommitHead(*table_, 2);
  EXPECT_TRUE(head.first);
  ASSERT_TRUE(head.info.in_commit_timestamp.has_value());
  const int64_t ict = *head.info.in_commit_timestamp;
  ASSERT_OK_AND_ASSIGN(auto previous, table_->store()->GetInfo(CommitFilePath(1)));
  EXPECT_GT(ict, previous.modification_time_ms);
  // The protocol gained the feature, keeping what writer version 2 implied.
  std::optional<Protocol> committed_protocol;
  for (const auto& action : CommitActions(*table_, 2)) {
    if (auto* protocol = std::get_if<Protocol>(&action)) committed_protocol = *protocol;
  }
  EXPECT_EQ(committed_protocol,
            (Protocol{1, 7, std::nullopt,
                      std::vector<std::string>{"appendOnly", "invariants",
                                               "inCommitTimestamp"}}));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  const auto& config = snapshot->metadata().configuration;
  EXPECT_EQ(config.at(std::string(table_property::kInCommitTimestampEnablementVersion)),
            "2");
  EXPECT_EQ(config.at(std::string(table_property::kInCommitTimestampEnablementTimestamp)),
            std::to_string(ict));

  // Later commits carry them and keep the provenance, even through a new metaData.
  ASSERT_OK_AND_ASSIGN(auto alter, Begin());
  Metadata altered = alter.read_snapshot()->metadata();
  altered.configuration.erase(
      std::string(table_property::kInCommitTimestampEnablementVersion));
  altered.configuration.erase(
      std::string(table_property::kInCommitTimestampEnablementTimestamp));
  altered.configuration["user.key"] = "v";
  alter.SetMetadata(altered);
  ASSERT_OK(alter.Commit(Operation{"SET TBLPROPERTIES", {}, {}}).status());
  EXPECT_GT(ReadCommitHead(*table_, 3).info.in_commit_timestamp, ict);
  ASSERT_OK_AND_ASSIGN(snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->metadata().configuration.at(
                std::string(table_property::kInCommitTimestampEnablementVersion)),
            "2");
  EXPECT_EQ(snapshot->protocol(), *committed_protocol);

  // History: file times before the enablement, in-commit timestamps from it on.
  ASSERT_OK_AND_ASSIGN(auto timestamps,
                       ListVersionTimestamps(*table_->store(), snapshot->metadata()));
  ASSERT_EQ(timestamps.size(), 4u);
  EXPECT_GE(timestamps[1].timestamp_ms, previous.modification_time_ms);
  EXPECT_EQ(timestamps[2].timestamp_ms, ict);
}

TEST_F(TransactionTest, DomainMetadataNeedsTheWriterFeature) {
  ASSERT_OK_AND_ASSIGN(auto txn, Begin());
  txn.SetDomainMetadata(DomainMetadata{"app.settings", "{}", false});
  auto refused = txn.Commit(Operation{"WRITE", {}, {}});
  ASSERT_RAISES_DELTA(kUnsupportedFeature, refused);
  EXPECT_NE(refused.status().message().find("'domainMetadata'"), std::string::npos);
  // The commit that adds the feature may set domains.
  txn.SetProtocol(
      Protocol{1, 7, std::nullopt,
               std::vector<std::string>{"appendOnly", "invariants", "domainMetadata"}});
  ASSERT_OK(txn.Commit(Operation{"UPGRADE PROTOCOL", {}, {}}).status());
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->domains().at("app.settings").configuration, "{}");
}

class DomainTransactionTest : public TransactionTest {
 protected:
  void SetUp() override {
    TransactionTest::SetUp();
    ASSERT_OK_AND_ASSIGN(auto upgrade, Begin());
    upgrade.SetProtocol(
        Protocol{1, 7, std::nullopt, std::vector<std::string>{"domainMetadata"}});
    upgrade.SetDomainMetadata(DomainMetadata{"app.a", "A", false});
    upgrade.SetDomainMetadata(DomainMetadata{"app.b", "first", false});
    upgrade.SetDomainMetadata(DomainMetadata{"app.b", "B", false});  // replaces
    ASSERT_OK(upgrade.Commit(Operation{"UPGRADE PROTOCOL", {}, {}}).status());
  }
};

TEST_F(DomainTransactionTest, DomainsAreSetAndRemoved) {
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->domains().size(), 2u);
  EXPECT_EQ(snapshot->domains().at("app.b").configuration, "B");

  ASSERT_OK_AND_ASSIGN(auto remove, Begin());
  remove.SetDomainMetadata(DomainMetadata{"app.a", "", true});
  ASSERT_OK_AND_ASSIGN(int64_t version, remove.Commit(Operation{"WRITE", {}, {}}));
  // The tombstone carries the pre-image, as the protocol asks.
  bool found = false;
  for (const auto& action : CommitActions(*table_, version)) {
    if (auto* domain = std::get_if<DomainMetadata>(&action)) {
      EXPECT_EQ(*domain, (DomainMetadata{"app.a", "A", true}));
      found = true;
    }
  }
  EXPECT_TRUE(found);
  ASSERT_OK_AND_ASSIGN(snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->domains().size(), 1u);
  EXPECT_EQ(snapshot->domains().count("app.a"), 0u);
}

TEST_F(DomainTransactionTest, SystemAndMissingDomainsAreRefused) {
  ASSERT_OK_AND_ASSIGN(auto system, Begin());
  system.SetDomainMetadata(DomainMetadata{"delta.rowTracking", "{}", false});
  ASSERT_RAISES_DELTA(kInvalidArgument, system.Commit(Operation{"WRITE", {}, {}}));
  ASSERT_OK_AND_ASSIGN(auto missing, Begin());
  missing.SetDomainMetadata(DomainMetadata{"app.none", "", true});
  auto refused = missing.Commit(Operation{"WRITE", {}, {}});
  ASSERT_RAISES_DELTA(kInvalidArgument, refused);
  EXPECT_NE(refused.status().message().find("'app.none'"), std::string::npos);
}

TEST_F(DomainTransactionTest, ConcurrentCommitsToOneDomainConflict) {
  ASSERT_OK_AND_ASSIGN(auto first, Begin());
  ASSERT_OK_AND_ASSIGN(auto second, Begin());
  ASSERT_OK_AND_ASSIGN(auto other, Begin());
  first.SetDomainMetadata(DomainMetadata{"app.a", "1", false});
  second.SetDomainMetadata(DomainMetadata{"app.a", "2", false});
  other.SetDomainMetadata(DomainMetadata{"app.c", "3", false});
  ASSERT_OK(first.Commit(Operation{"WRITE", {}, {}}).status());
  auto lost = second.Commit(Operation{"WRITE", {}, {}});
  ASSERT_RAISES_DELTA(kConflict, lost);
  EXPECT_NE(lost.status().message().find("metadata domain 'app.a'"), std::string::npos)
      << lost.status().message();
  // Another domain commutes.
  ASSERT_OK_AND_ASSIGN(int64_t version, other.Commit(Operation{"WRITE", {}, {}}));
  EXPECT_EQ(version, 3);
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  EXPECT_EQ(snapshot->domains().at("app.a").configuration, "1");
  EXPECT_EQ(snapshot->domains().at("app.c").configuration, "3");
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
