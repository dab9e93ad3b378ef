#include "deltacpp/kernel/actions/action_json.h"

#include <gtest/gtest.h>

#include "deltacpp/kernel/json_internal.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

template <typename T>
const T& As(const Action& action) {
  EXPECT_TRUE(std::holds_alternative<T>(action));
  return std::get<T>(action);
}

TEST(ActionJsonTest, ParsesProtocolAndMetadata) {
  const char* commit =
      R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors","appendOnly"]}}
{"metaData":{"id":"abc","name":"t","format":{"provider":"parquet","options":{"k":"v"}},"schemaString":"{}","partitionColumns":["p"],"configuration":{"delta.appendOnly":"true","odd":5},"createdTime":1700}}
)";
  ASSERT_OK_AND_ASSIGN(auto actions, ParseCommitJson(commit, "c.json"));
  ASSERT_EQ(actions.size(), 2u);
  const auto& protocol = As<Protocol>(actions[0]);
  EXPECT_EQ(protocol.min_reader_version, 3);
  EXPECT_EQ(protocol.min_writer_version, 7);
  EXPECT_EQ(protocol.reader_features, std::vector<std::string>{"deletionVectors"});
  ASSERT_TRUE(protocol.writer_features.has_value());
  EXPECT_EQ(protocol.writer_features->size(), 2u);

  const auto& metadata = As<Metadata>(actions[1]);
  EXPECT_EQ(metadata.id, "abc");
  EXPECT_EQ(metadata.name, "t");
  EXPECT_FALSE(metadata.description.has_value());
  EXPECT_EQ(metadata.format.options.at("k"), "v");
  EXPECT_EQ(metadata.partition_columns, std::vector<std::string>{"p"});
  EXPECT_EQ(metadata.configuration.at("delta.appendOnly"), "true");
  EXPECT_EQ(metadata.configuration.at("odd"), "5");
  EXPECT_EQ(metadata.created_time, 1700);
}

TEST(ActionJsonTest, ParsesFileActionsWithAllFields) {
  const char* commit =
      R"({"add":{"path":"a%20b/x.parquet","partitionValues":{"p":"1","q":null},"size":10,"modificationTime":20,"dataChange":true,"stats":"{\"numRecords\":3}","tags":{"t":"v"},"deletionVector":{"storageType":"u","pathOrInlineDv":"ab^-aqEH.-t@S}K{vb[*k^","offset":4,"sizeInBytes":40,"cardinality":6},"baseRowId":7,"defaultRowCommitVersion":8,"clusteringProvider":"liquid"}}
{"remove":{"path":"old.parquet","deletionTimestamp":30,"dataChange":false,"extendedFileMetadata":true,"partitionValues":{},"size":5}}
{"cdc":{"path":"_change_data/c.parquet","partitionValues":{},"size":3,"dataChange":false}}
)";
  ASSERT_OK_AND_ASSIGN(auto actions, ParseCommitJson(commit, "c.json"));
  ASSERT_EQ(actions.size(), 3u);
  const auto& add = As<AddFile>(actions[0]);
  EXPECT_EQ(add.path, "a%20b/x.parquet");
  EXPECT_EQ(add.partition_values.at("p"), "1");
  EXPECT_FALSE(add.partition_values.at("q").has_value());
  EXPECT_EQ(add.size, 10);
  EXPECT_EQ(add.modification_time, 20);
  EXPECT_EQ(add.stats, R"({"numRecords":3})");
  ASSERT_TRUE(add.deletion_vector.has_value());
  EXPECT_EQ(add.deletion_vector->offset, 4);
  EXPECT_EQ(add.deletion_vector->cardinality, 6);
  EXPECT_EQ(add.deletion_vector->UniqueId(), "uab^-aqEH.-t@S}K{vb[*k^@4");
  EXPECT_EQ(add.base_row_id, 7);
  EXPECT_EQ(add.default_row_commit_version, 8);
  EXPECT_EQ(add.clustering_provider, "liquid");

  const auto& remove = As<RemoveFile>(actions[1]);
  EXPECT_EQ(remove.deletion_timestamp, 30);
  EXPECT_FALSE(remove.data_change);
  EXPECT_EQ(remove.extended_file_metadata, true);
  EXPECT_EQ(remove.size, 5);

  const auto& cdc = As<AddCdcFile>(actions[2]);
  EXPECT_EQ(cdc.path, "_change_data/c.parquet");
}

TEST(ActionJsonTest, ParsesTxnCommitInfoDomainSidecarCheckpointMetadata) {
  const char* commit =
      R"({"commitInfo":{"timestamp":99,"operation":"WRITE","operationParameters":{"mode":"Append","partitionBy":"[]","n":3},"readVersion":"2","isBlindAppend":true,"engineInfo":"x"}}
{"txn":{"appId":"app","version":4,"lastUpdated":5}}
{"domainMetadata":{"domain":"d","configuration":"{}","removed":false}}
{"sidecar":{"path":"s.parquet","sizeInBytes":10,"modificationTime":11}}
{"checkpointMetadata":{"version":12}}
)";
  ASSERT_OK_AND_ASSIGN(auto actions, ParseCommitJson(commit, "c.json"));
  ASSERT_EQ(actions.size(), 5u);
  const auto& info = As<CommitInfo>(actions[0]);
  EXPECT_EQ(info.timestamp, 99);
  EXPECT_EQ(info.operation, "WRITE");
  EXPECT_EQ(info.operation_parameters.at("mode"), "Append");
  EXPECT_EQ(info.operation_parameters.at("n"), "3");
  EXPECT_FALSE(info.read_version.has_value());  // a string: tolerated, left out
  EXPECT_EQ(info.is_blind_append, true);
  EXPECT_NE(info.json.find("\"engineInfo\":\"x\""), std::string::npos);
  EXPECT_EQ(As<SetTransaction>(actions[1]).version, 4);
  EXPECT_EQ(As<DomainMetadata>(actions[2]).domain, "d");
  EXPECT_EQ(As<Sidecar>(actions[3]).size_in_bytes, 10);
  EXPECT_EQ(As<CheckpointMetadata>(actions[4]).version, 12);
}

TEST(ActionJsonTest, SkipsUnknownActionsAndBlankLines) {
  const char* commit =
      "\n{\"futureAction\":{\"x\":1}}\r\n\n{\"txn\":{\"appId\":\"a\",\"version\":1}}";
  ASSERT_OK_AND_ASSIGN(auto actions, ParseCommitJson(commit, "c.json"));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(As<SetTransaction>(actions[0]).app_id, "a");
}

TEST(ActionJsonTest, MalformedLinesNameFileAndLine) {
  auto result = ParseCommitJson("{\"txn\":{\"appId\":\"a\",\"version\":1}}\n{not json\n",
                                "/t/_delta_log/00000000000000000003.json");
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("00000000000000000003.json line 2"),
            std::string::npos)
      << result.status().message();
}

TEST(ActionJsonTest, MissingOrMistypedFieldsAreCorruptLog) {
  auto missing = ParseCommitJson(
      R"({"add":{"path":"x","partitionValues":{},"modificationTime":1,"dataChange":true}})",
      "f");
  ASSERT_RAISES_DELTA(kCorruptLog, missing);
  EXPECT_NE(missing.status().message().find("add.size is missing"), std::string::npos)
      << missing.status().message();

  auto mistyped = ParseCommitJson(
      R"({"protocol":{"minReaderVersion":"1","minWriterVersion":2}})", "f");
  ASSERT_RAISES_DELTA(kCorruptLog, mistyped);
  EXPECT_NE(
      mistyped.status().message().find("protocol.minReaderVersion is not an integer"),
      std::string::npos);

  ASSERT_RAISES_DELTA(kCorruptLog, ParseCommitJson(R"([1,2])", "f"));
  ASSERT_RAISES_DELTA(kCorruptLog, ParseCommitJson(R"({"add":5})", "f"));
  ASSERT_RAISES_DELTA(
      kCorruptLog,
      ParseCommitJson(
          R"({"add":{"path":"x","partitionValues":{"p":1},"size":1,"modificationTime":1,"dataChange":true}})",
          "f"));
}

// Issue 14: a line of 100,000 nested '[' overflowed the stack of every reader.
TEST(ActionJsonTest, NestingDeeperThanTheLimitIsCorruptLogNotACrash) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string commit =
      "{\"txn\":{\"appId\":\"a\",\"version\":1}}\n{\"commitInfo\":{\"x\":" + deep +
      "}}\n";
  auto result = ParseCommitJson(commit, "/t/_delta_log/00000000000000000001.json");
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find(
                "00000000000000000001.json line 2 nests JSON deeper than 1000 levels"),
            std::string::npos)
      << result.status().message();
  // Unclosed, and as a whole line, too.
  ASSERT_RAISES_DELTA(kCorruptLog, ParseCommitJson(std::string(100'000, '['), "f"));
  ASSERT_RAISES_DELTA(kCorruptLog, ParseCommitJson(std::string(100'000, '{'), "f"));
}

TEST(ActionJsonTest, NestingUpToTheLimitIsRead) {
  // The line's object is one level, commitInfo two, "x" the rest.
  const int inside = internal::kMaxJsonDepth - 2;
  const std::string at_limit = "{\"commitInfo\":{\"x\":" + std::string(inside, '[') +
                               std::string(inside, ']') + "},\"txn\":{\"appId\":\"a\"," +
                               "\"version\":1}}";
  ASSERT_OK_AND_ASSIGN(auto actions, ParseCommitJson(at_limit, "f"));
  EXPECT_FALSE(actions.empty());
  const std::string over = "{\"commitInfo\":{\"x\":" + std::string(inside + 1, '[') +
                           std::string(inside + 1, ']') + "}}";
  ASSERT_RAISES_DELTA(kCorruptLog, ParseCommitJson(over, "f"));
}

TEST(ActionJsonTest, BracketsInsideStringsAreNotNesting) {
  // Escaped quotes and backslashes do not end the string the brackets are in.
  const std::string text = std::string(5000, '[') + "\\\"" + std::string(5000, '{') +
                           "\\\\" + std::string(5000, '[');
  ASSERT_OK_AND_ASSIGN(
      auto actions,
      ParseCommitJson("{\"txn\":{\"appId\":\"" + text + "\",\"version\":1}}", "f"));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(As<SetTransaction>(actions[0]).app_id.size(), 15002u);
}

TEST(JsonDepthTest, CountsBracketsOutsideStrings) {
  using internal::JsonNestsDeeperThan;
  EXPECT_FALSE(JsonNestsDeeperThan("[[[]]]", 3));
  EXPECT_TRUE(JsonNestsDeeperThan("[[[[]]]]", 3));
  EXPECT_TRUE(JsonNestsDeeperThan("[{\"a\":[{}]}]", 3));
  EXPECT_FALSE(JsonNestsDeeperThan("[\"[[[[\",[]]", 3));
  EXPECT_FALSE(JsonNestsDeeperThan("[\"\\\"[[[[\",[]]", 3));
  EXPECT_TRUE(JsonNestsDeeperThan("[\"\\\\\",[[[]]]]", 3));
  // Closing brackets do not make room for more than the limit.
  EXPECT_FALSE(JsonNestsDeeperThan("]]]]]][[[]]]", 3));
  internal::JsonDepthScanner lines(2, /*lines=*/true);
  EXPECT_TRUE(lines.Feed("[[\n[["));
  EXPECT_TRUE(lines.Feed("]]\n[\"\n"));
  EXPECT_FALSE(lines.Feed("[[[\n"));
  EXPECT_EQ(lines.newlines(), 3);
}

}  // namespace
}  // namespace deltacpp
