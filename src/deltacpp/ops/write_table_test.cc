#include "deltacpp/ops/write_table.h"

#include <arrow/compute/api_vector.h>
#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/table.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"

namespace deltacpp {
namespace {

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64(), /*nullable=*/false),
    arrow::field("name", arrow::utf8()),
    arrow::field("part", arrow::utf8()),
});

std::shared_ptr<arrow::RecordBatchReader> Rows(
    const std::string& json, std::shared_ptr<arrow::Schema> schema = kSchema) {
  auto rows = arrow::json::ArrayFromJSONString(arrow::struct_(schema->fields()), json)
                  .ValueOrDie();
  auto batch = arrow::RecordBatch::FromStructArray(rows).ValueOrDie();
  batch = arrow::RecordBatch::Make(schema, batch->num_rows(), batch->columns());
  return arrow::RecordBatchReader::Make({batch}, schema).ValueOrDie();
}

class WriteTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    uri_ = (dir_->path() / "table").string();
  }

  // The table's rows as "id:name:part" strings, sorted.
  std::vector<std::string> Read() {
    auto table = Table::Open(uri_).ValueOrDie();
    auto snapshot = table.LatestSnapshot().ValueOrDie();
    ScanBuilder builder(snapshot);
    auto scan = builder.Build().ValueOrDie();
    auto rows = scan->ToTable().ValueOrDie()->CombineChunks().ValueOrDie();
    std::vector<std::string> out;
    for (int64_t i = 0; i < rows->num_rows(); ++i) {
      std::string row;
      for (int c = 0; c < rows->num_columns(); ++c) {
        auto value = rows->column(c)->GetScalar(i).ValueOrDie();
        row += (c ? ":" : "") + (value->is_valid ? value->ToString() : "null");
      }
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::string uri_;
};

TEST_F(WriteTableTest, CreatesAppendsAndOverwritesPartitionedTables) {
  WriteOptions options;
  options.partition_by = {"part"};
  auto first = Rows(R"([{"id": 1, "name": "a", "part": "x y"},
                        {"id": 2, "name": null, "part": "100%"},
                        {"id": 3, "name": "c", "part": null},
                        {"id": 4, "name": "d", "part": ""}])");
  ASSERT_OK_AND_ASSIGN(auto created, WriteTable(uri_, *first, options));
  EXPECT_EQ(created.version, 0);
  EXPECT_EQ(created.rows, 4);
  EXPECT_EQ(created.files, 3);  // "" and null are the same partition
  EXPECT_EQ(Read(),
            (std::vector<std::string>{"1:a:x y", "2:null:100%", "3:c:null", "4:d:null"}));
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "table/part=100%25"));
  EXPECT_TRUE(
      std::filesystem::exists(dir_->path() / "table/part=__HIVE_DEFAULT_PARTITION__"));

  options.partition_by.clear();
  options.mode = WriteMode::kAppend;
  ASSERT_OK_AND_ASSIGN(
      auto appended,
      WriteTable(uri_, *Rows(R"([{"id": 5, "name": "e", "part": "x y"}])"), options));
  EXPECT_EQ(appended.version, 1);
  EXPECT_EQ(Read().size(), 5u);

  options.mode = WriteMode::kOverwrite;
  ASSERT_OK_AND_ASSIGN(
      auto overwritten,
      WriteTable(uri_, *Rows(R"([{"id": 6, "name": "f", "part": "z"}])"), options));
  EXPECT_EQ(overwritten.version, 2);
  EXPECT_EQ(Read(), (std::vector<std::string>{"6:f:z"}));
  // Time travel still sees what was overwritten.
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto before, table.SnapshotAt(1));
  EXPECT_EQ(before->files().size(), 4u);
}

TEST_F(WriteTableTest, StatisticsLetScansSkipFiles) {
  WriteOptions options;
  options.partition_by = {"part"};
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"},
                                       {"id": 9, "name": "b", "part": "q"}])"),
                       options)
                .status());
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(
      auto scan,
      ScanBuilder(snapshot).Filter(Greater(Column("id"), Literal(int64_t{5}))).Build());
  ASSERT_EQ(scan->Files().size(), 1u);
  EXPECT_EQ(scan->Files()[0]->partition_values.at("part"), "q");
  EXPECT_NE(scan->Files()[0]->stats->find(R"("minValues":{"id":9)"), std::string::npos)
      << *scan->Files()[0]->stats;
}

TEST_F(WriteTableTest, ModesErrorAndIgnoreOnAnExistingTable) {
  WriteOptions options;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  auto exists =
      WriteTable(uri_, *Rows(R"([{"id": 2, "name": "b", "part": "p"}])"), options);
  ASSERT_RAISES_DELTA(kInvalidArgument, exists);
  EXPECT_NE(exists.status().message().find("already exists"), std::string::npos);
  options.mode = WriteMode::kIgnore;
  ASSERT_OK_AND_ASSIGN(
      auto ignored,
      WriteTable(uri_, *Rows(R"([{"id": 2, "name": "b", "part": "p"}])"), options));
  EXPECT_FALSE(ignored.committed);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:p"}));
}

TEST_F(WriteTableTest, BadInputCommitsNothing) {
  WriteOptions options;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  options.mode = WriteMode::kAppend;
  auto other_type = arrow::schema({arrow::field("id", arrow::utf8()),
                                   arrow::field("name", arrow::utf8()),
                                   arrow::field("part", arrow::utf8())});
  auto mismatch = WriteTable(
      uri_, *Rows(R"([{"id": "1", "name": "a", "part": "p"}])", other_type), options);
  ASSERT_RAISES_DELTA(kInvalidArgument, mismatch);
  EXPECT_NE(
      mismatch.status().message().find("column 'id' of the data is string but table"),
      std::string::npos)
      << mismatch.status().message();
  auto extra = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
       arrow::field("part", arrow::utf8()), arrow::field("more", arrow::utf8())});
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      WriteTable(uri_,
                 *Rows(R"([{"id": 1, "name": "a", "part": "p", "more": "m"}])", extra),
                 options));
  auto null_id = arrow::schema({arrow::field("id", arrow::int64()),
                                arrow::field("name", arrow::utf8()),
                                arrow::field("part", arrow::utf8())});
  auto nulls = WriteTable(
      uri_, *Rows(R"([{"id": null, "name": "a", "part": "p"}])", null_id), options);
  ASSERT_RAISES_DELTA(kInvalidArgument, nulls);
  EXPECT_NE(nulls.status().message().find("column 'id' is NOT NULL"), std::string::npos)
      << nulls.status().message();
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->version(), 0);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:p"}));
}

TEST_F(WriteTableTest, PartitionColumnsMustExistAndBePrimitive) {
  WriteOptions options;
  options.partition_by = {"nope"};
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options));
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "table/_delta_log"));
}

}  // namespace
}  // namespace deltacpp
