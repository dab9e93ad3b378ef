#include "deltacpp/kernel/log/log_replay.h"

#include <gtest/gtest.h>

#include "deltacpp/kernel/actions/action_json.h"

#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

using testing::TempDir;

const char* kProtocol = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";
std::string MetadataLine(const std::string& id) {
  return R"({"metaData":{"id":")" + id +
         R"(","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":[],"configuration":{}}})";
}
std::string Add(const std::string& path, const std::string& dv = "") {
  std::string line =
      R"({"add":{"path":")" + path +
      R"(","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true)";
  if (!dv.empty()) {
    line += R"(,"deletionVector":{"storageType":"u","pathOrInlineDv":")" + dv +
            R"(","offset":1,"sizeInBytes":36,"cardinality":2})";
  }
  return line + "}}";
}
std::string Remove(const std::string& path, const std::string& dv = "") {
  std::string line =
      R"({"remove":{"path":")" + path + R"(","deletionTimestamp":5,"dataChange":true)";
  if (!dv.empty()) {
    line += R"(,"deletionVector":{"storageType":"u","pathOrInlineDv":")" + dv +
            R"(","offset":1,"sizeInBytes":36,"cardinality":2})";
  }
  return line + "}}";
}

class LogReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, TempDir::Make());
    dir_ = std::make_unique<TempDir>(std::move(dir));
  }
  Result<TableState> Replay(std::optional<int64_t> version = std::nullopt) {
    DELTACPP_ASSIGN_OR_RAISE(auto store, ObjectStore::Make(dir_->path().string()));
    DELTACPP_ASSIGN_OR_RAISE(auto segment, LogSegment::Build(*store, version));
    return ReplayLog(*store, segment);
  }
  static std::vector<std::string> Paths(const TableState& state) {
    std::vector<std::string> paths;
    for (const auto& file : state.files) paths.push_back(file.path);
    std::sort(paths.begin(), paths.end());
    return paths;
  }
  std::unique_ptr<TempDir> dir_;
};

TEST_F(LogReplayTest, NewestActionOfAFileWins) {
  ASSERT_OK(testing::WriteCommit(dir_->path(), 0,
                                 {kProtocol, MetadataLine("m0"), Add("a"), Add("b")}));
  ASSERT_OK(testing::WriteCommit(dir_->path(), 1, {Remove("a"), Add("c")}));
  ASSERT_OK(testing::WriteCommit(dir_->path(), 2, {Add("a"), Remove("c")}));

  ASSERT_OK_AND_ASSIGN(auto v1, Replay(1));
  EXPECT_EQ(Paths(v1), (std::vector<std::string>{"b", "c"}));
  ASSERT_EQ(v1.tombstones.size(), 1u);
  EXPECT_EQ(v1.tombstones[0].path, "a");

  ASSERT_OK_AND_ASSIGN(auto v2, Replay());
  EXPECT_EQ(Paths(v2), (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(v2.tombstones.size(), 1u);
  EXPECT_EQ(v2.tombstones[0].path, "c");
}

TEST_F(LogReplayTest, FilesAreKeyedByPathAndDeletionVector) {
  ASSERT_OK(testing::WriteCommit(dir_->path(), 0,
                                 {kProtocol, MetadataLine("m0"), Add("f"), Add("g")}));
  // A delete that adds a deletion vector: remove the plain file, add it with the DV.
  ASSERT_OK(testing::WriteCommit(dir_->path(), 1, {Remove("f"), Add("f", "dv1")}));
  // A second delete replaces the DV.
  ASSERT_OK(testing::WriteCommit(dir_->path(), 2, {Remove("f", "dv1"), Add("f", "dv2")}));
  ASSERT_OK_AND_ASSIGN(auto state, Replay());
  ASSERT_EQ(state.files.size(), 2u);
  const AddFile& f = state.files[0].path == "f" ? state.files[0] : state.files[1];
  ASSERT_TRUE(f.deletion_vector.has_value());
  EXPECT_EQ(f.deletion_vector->path_or_inline_dv, "dv2");
  EXPECT_EQ(state.tombstones.size(), 2u);
}

TEST_F(LogReplayTest, NewestProtocolMetadataTxnAndDomainsWin) {
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 0,
      {R"({"commitInfo":{"operation":"CREATE"}})", kProtocol, MetadataLine("m0"),
       R"({"txn":{"appId":"app","version":1}})",
       R"({"domainMetadata":{"domain":"keep","configuration":"{\"a\":1}","removed":false}})",
       R"({"domainMetadata":{"domain":"drop","configuration":"{}","removed":false}})"}));
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 1,
      {R"({"commitInfo":{"operation":"WRITE"}})",
       R"({"protocol":{"minReaderVersion":1,"minWriterVersion":4}})", MetadataLine("m1"),
       R"({"txn":{"appId":"app","version":2}})",
       R"({"txn":{"appId":"other","version":9}})",
       R"({"domainMetadata":{"domain":"drop","configuration":"{}","removed":true}})"}));
  ASSERT_OK_AND_ASSIGN(auto state, Replay());
  EXPECT_EQ(state.protocol.min_writer_version, 4);
  EXPECT_EQ(state.metadata.id, "m1");
  EXPECT_EQ(state.app_transactions.at("app").version, 2);
  EXPECT_EQ(state.app_transactions.at("other").version, 9);
  EXPECT_EQ(state.domains.size(), 1u);
  EXPECT_EQ(state.domains.at("keep").configuration, R"({"a":1})");
  ASSERT_TRUE(state.latest_commit_info.has_value());
  EXPECT_EQ(state.latest_commit_info->operation, "WRITE");
}

// ApplyCommit moves a replayed state forward by one commit as replaying it would.
TEST_F(LogReplayTest, ApplyCommitMatchesReplay) {
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 0,
      {R"({"commitInfo":{"operation":"CREATE"}})", kProtocol, MetadataLine("m0"),
       R"({"txn":{"appId":"app","version":1}})",
       R"({"domainMetadata":{"domain":"keep","configuration":"{}","removed":false}})",
       R"({"domainMetadata":{"domain":"drop","configuration":"{}","removed":false}})",
       Add("a"), Add("b"), Add("c", "dv1")}));
  const std::vector<std::string> next = {
      MetadataLine("m1"),
      R"({"txn":{"appId":"app","version":2}})",
      R"({"domainMetadata":{"domain":"drop","configuration":"{}","removed":true}})",
      R"({"domainMetadata":{"domain":"new","configuration":"x","removed":false}})",
      Remove("a"),
      Remove("c", "dv1"),
      Add("c", "dv2"),
      Add("d"),
      Add("d")};
  ASSERT_OK_AND_ASSIGN(auto before, Replay());
  ASSERT_OK(testing::WriteCommit(dir_->path(), 1, next));
  ASSERT_OK_AND_ASSIGN(auto replayed, Replay());
  std::string text;
  for (const auto& line : next) text += line + "\n";
  ASSERT_OK_AND_ASSIGN(auto actions, ParseCommitJson(text, "1.json"));
  TableState applied = ApplyCommit(std::move(before), std::move(actions));
  EXPECT_EQ(applied.metadata, replayed.metadata);
  EXPECT_EQ(applied.app_transactions, replayed.app_transactions);
  EXPECT_EQ(applied.domains, replayed.domains);
  EXPECT_EQ(applied.domains.count("drop"), 0u);
  EXPECT_FALSE(applied.latest_commit_info.has_value());  // this commit has none
  EXPECT_EQ(Paths(applied), Paths(replayed));
  EXPECT_EQ(Paths(applied), (std::vector<std::string>{"b", "c", "d"}));
  ASSERT_EQ(applied.files.size(), replayed.files.size());
  EXPECT_EQ(applied.files.front().path, "c");  // the newest commit's first
  EXPECT_EQ(applied.tombstones.size(), replayed.tombstones.size());
}

TEST_F(LogReplayTest, MissingProtocolOrMetadataIsCorrupt) {
  ASSERT_OK(testing::WriteCommit(dir_->path(), 0, {MetadataLine("m0"), Add("a")}));
  auto result = Replay();
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("no protocol action"), std::string::npos);
}

TEST_F(LogReplayTest, ReferenceTablesWithoutProtocolOrMetadataAreRefused) {
  for (const char* name : {"golden/deltalog-state-reconstruction-without-metadata",
                           "golden/deltalog-state-reconstruction-without-protocol"}) {
    ASSERT_OK_AND_ASSIGN(auto store,
                         ObjectStore::Make(testing::TestdataPath(name).string()));
    ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*store));
    ASSERT_RAISES_DELTA(kCorruptLog, ReplayLog(*store, segment));
  }
}

TEST_F(LogReplayTest, ReferenceTableDeleteThenReAdd) {
  ASSERT_OK_AND_ASSIGN(
      auto store,
      ObjectStore::Make(
          testing::TestdataPath("golden/delete-re-add-same-file-different-transactions")
              .string()));
  ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*store));
  ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(*store, segment));
  EXPECT_EQ(Paths(state), (std::vector<std::string>{"bar", "foo"}));
  for (const auto& file : state.files) {
    if (file.path == "foo") {
      EXPECT_EQ(file.modification_time, 1700000000000);
    }
  }
  EXPECT_TRUE(state.tombstones.empty());
}

}  // namespace
}  // namespace deltacpp
