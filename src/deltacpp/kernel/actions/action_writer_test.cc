#include "deltacpp/kernel/actions/action_writer.h"

#include <gtest/gtest.h>

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

// Every action, every field set: what is written reads back the same.
std::vector<Action> EveryAction() {
  Protocol protocol{3, 7, std::vector<std::string>{"deletionVectors"},
                    std::vector<std::string>{"deletionVectors", "appendOnly"}};
  Metadata metadata;
  metadata.id = "id-1";
  metadata.name = "events";
  metadata.description = "the \"events\"\ntable";
  metadata.format.options = {{"k", "v"}};
  metadata.schema_string = R"({"type":"struct","fields":[]})";
  metadata.partition_columns = {"day", "é"};
  metadata.configuration = {{"delta.appendOnly", "true"}};
  metadata.created_time = 1700000000000;
  AddFile add;
  add.path = "day=2024-01-01/part%20one.parquet";
  add.partition_values = {{"day", "2024-01-01"}, {"none", std::nullopt}};
  add.size = 123;
  add.modification_time = 456;
  add.data_change = true;
  add.stats = R"({"numRecords":3})";
  add.tags = StringMap{{"t", "1"}};
  add.deletion_vector = DeletionVectorDescriptor{"u", "ab^-aqEH.-t@S}K{vb[*k^", 1, 34, 2};
  add.base_row_id = 7;
  add.default_row_commit_version = 8;
  add.clustering_provider = "liquid";
  RemoveFile remove;
  remove.path = "old.parquet";
  remove.deletion_timestamp = 9;
  remove.data_change = false;
  remove.extended_file_metadata = true;
  remove.partition_values = PartitionValues{{"day", std::nullopt}};
  remove.size = 10;
  remove.stats = "{}";
  AddCdcFile cdc;
  cdc.path = "_change_data/c.parquet";
  cdc.size = 11;
  SetTransaction txn{"app", 12, 13};
  DomainMetadata domain{"delta.clustering", R"({"a":1})", false};
  CommitInfo info;
  info.timestamp = 14;
  info.in_commit_timestamp = 15;
  info.operation = "WRITE";
  info.operation_parameters = {{"mode", "Append"}};
  info.operation_metrics = {{"numFiles", "1"}};
  info.engine_info = "delta-cpp/test";
  info.read_version = 16;
  info.is_blind_append = true;
  return {info, protocol, metadata, add, remove, cdc, txn, domain};
}

TEST(ActionWriterTest, EveryActionReadsBackTheSame) {
  const auto written = EveryAction();
  const std::string commit = CommitToJson(written);
  ASSERT_OK_AND_ASSIGN(auto read, ParseCommitJson(commit, "test"));
  ASSERT_EQ(read.size(), written.size());
  for (size_t i = 0; i < read.size(); ++i) {
    if (auto* info = std::get_if<CommitInfo>(&read[i])) info->json.clear();
    EXPECT_TRUE(read[i] == written[i])
        << "action " << i << ": " << ActionToJson(written[i]);
  }
}

TEST(ActionWriterTest, InCommitTimestampComesFirstAndUnsetFieldsAreLeftOut) {
  CommitInfo info;
  info.in_commit_timestamp = 5;
  info.operation = "WRITE";
  EXPECT_EQ(ActionToJson(info),
            R"({"commitInfo":{"inCommitTimestamp":5,"operation":"WRITE",)"
            R"("operationParameters":{}}})");
  AddFile add;
  add.path = "a.parquet";
  add.partition_values = {{"p", std::nullopt}};
  EXPECT_EQ(ActionToJson(add),
            R"({"add":{"path":"a.parquet","partitionValues":{"p":null},"size":0,)"
            R"("modificationTime":0,"dataChange":true}})");
}

}  // namespace
}  // namespace deltacpp
