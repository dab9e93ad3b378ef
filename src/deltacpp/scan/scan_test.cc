#include "deltacpp/scan/scan.h"

#include <limits>

#include <arrow/array.h>
#include <arrow/compute/api.h>
#include <arrow/io/file.h>
#include <arrow/json/from_string.h>
#include <arrow/table.h>
#include <arrow/util/uri.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include "deltacpp/kernel/deletion_vectors/roaring_bitmap_array.h"
#include "deltacpp/kernel/deletion_vectors/z85.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

using testing::TempDir;

std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type,
                                   const std::string& json) {
  return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
}

std::vector<int64_t> SortedInt64s(const arrow::Table& table, const std::string& column) {
  std::vector<int64_t> values;
  for (const auto& chunk : table.GetColumnByName(column)->chunks()) {
    const auto& ints = static_cast<const arrow::Int64Array&>(*chunk);
    for (int64_t i = 0; i < ints.length(); ++i) values.push_back(ints.Value(i));
  }
  std::sort(values.begin(), values.end());
  return values;
}

TEST(ScanTest, SimpleTableRowsAtEachVersion) {
  ASSERT_OK_AND_ASSIGN(
      auto table, Table::Open(testing::TestdataPath("delta-rs/simple_table").string()));
  ASSERT_OK_AND_ASSIGN(auto latest, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(latest).Build());
  ASSERT_OK_AND_ASSIGN(auto rows, scan->ToTable());
  // The same rows deltalake (delta-rs) returns for this table.
  EXPECT_EQ(SortedInt64s(*rows, "id"), (std::vector<int64_t>{5, 7, 9}));

  ASSERT_OK_AND_ASSIGN(auto first, table.SnapshotAt(0));
  ASSERT_OK_AND_ASSIGN(auto first_scan, ScanBuilder(first).Build());
  ASSERT_OK_AND_ASSIGN(auto first_rows, first_scan->ToTable());
  EXPECT_EQ(SortedInt64s(*first_rows, "id"), (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST(ScanTest, TypeWideningReadsNarrowFilesAsTheWiderType) {
  // Version 0 wrote byte, int, float, date... columns; version 1 widened them all.
  ASSERT_OK_AND_ASSIGN(
      auto table, Table::Open(testing::TestdataPath("golden/type-widening").string()));
  ASSERT_OK_AND_ASSIGN(auto latest, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(latest).Build());
  ASSERT_OK_AND_ASSIGN(auto rows, scan->ToTable());
  EXPECT_TRUE(rows->schema()->Equals(*latest->schema()));
  EXPECT_EQ(SortedInt64s(*rows, "byte_long"),
            (std::vector<int64_t>{1, std::numeric_limits<int64_t>::max()}));
  ASSERT_OK_AND_ASSIGN(auto narrow_file_rows,
                       ScanBuilder(latest)
                           .Select({"date_timestamp_ntz"})
                           .Filter(Less(Column("byte_long"), Literal(int64_t{2})))
                           .Build());
  ASSERT_OK_AND_ASSIGN(auto narrow, narrow_file_rows->ToTable());
  ASSERT_EQ(narrow->num_rows(), 1);
  // A date read as timestamp_ntz is midnight of that day.
  EXPECT_EQ(narrow->column(0)->GetScalar(0).ValueOrDie()->ToString(),
            "2024-09-09 00:00:00.000000");
}

TEST(ScanTest, ParallelDecodeKeepsFileOrderAndRows) {
  ASSERT_OK_AND_ASSIGN(
      auto table, Table::Open(testing::TestdataPath("delta-rs/simple_table").string()));
  ASSERT_OK_AND_ASSIGN(auto first, table.SnapshotAt(1));  // 22 files
  ASSERT_OK_AND_ASSIGN(auto serial_scan, ScanBuilder(first).Parallelism(1).Build());
  ASSERT_OK_AND_ASSIGN(auto serial, serial_scan->ToTable());
  for (int parallelism : {2, 4, 64}) {
    ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(first).Parallelism(parallelism).Build());
    ASSERT_OK_AND_ASSIGN(auto parallel, scan->ToTable());
    EXPECT_TRUE(parallel->Equals(*serial)) << "parallelism " << parallelism;
    ASSERT_OK_AND_ASSIGN(
        auto limited,
        ScanBuilder(first).Parallelism(parallelism).Limit(3).BatchSize(1).Build());
    ASSERT_OK_AND_ASSIGN(auto few, limited->ToTable());
    EXPECT_EQ(few->num_rows(), 3);
  }
  ASSERT_RAISES_DELTA(kInvalidArgument, ScanBuilder(first).Parallelism(0).Build());
  // A reader dropped with files still in flight must not crash or leak.
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(first).Parallelism(8).BatchSize(1).Build());
  ASSERT_OK_AND_ASSIGN(auto reader, scan->Execute());
  std::shared_ptr<arrow::RecordBatch> batch;
  ASSERT_OK(reader->ReadNext(&batch));
  reader.reset();
}

// A partitioned table of the test's own: two data files written here with Parquet C++,
// and a log that names them with partition values, one of them null, one escaped.
class PartitionedScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, TempDir::Make());
    dir_ = std::make_unique<TempDir>(std::move(dir));
    // File 1 stores `value` as int32 (the table says long) and lacks `note`.
    WriteData("p=1/q=a%20b/f1.parquet",
              arrow::schema({arrow::field("value", arrow::int32())}),
              {Json(arrow::int32(), "[1, 2, 3]")});
    WriteData("p=__HIVE_DEFAULT_PARTITION__/q=x/f2.parquet",
              arrow::schema({arrow::field("value", arrow::int64()),
                             arrow::field("note", arrow::utf8())}),
              {Json(arrow::int64(), "[10]"), Json(arrow::utf8(), R"(["hi"])")});
    const std::string schema =
        R"({\"type\":\"struct\",\"fields\":[)"
        R"({\"name\":\"value\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},)"
        R"({\"name\":\"note\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},)"
        R"({\"name\":\"p\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},)"
        R"({\"name\":\"q\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]})";
    ASSERT_OK(testing::WriteCommit(
        dir_->path(), 0,
        {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})",
         R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":")" +
             schema + R"(","partitionColumns":["p","q"],"configuration":{}}})",
         AddLine("p=1/q=a%2520b/f1.parquet", R"({"p":"1","q":"a b"})"),
         AddLine("p=__HIVE_DEFAULT_PARTITION__/q=x/f2.parquet",
                 R"({"p":null,"q":"x"})")}));
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir_->path().string()));
    ASSERT_OK_AND_ASSIGN(snapshot_, table.LatestSnapshot());
  }

  std::string AddLine(const std::string& path, const std::string& partition_values) {
    auto size = std::filesystem::file_size(dir_->path() / arrow::util::UriUnescape(path));
    return R"({"add":{"path":")" + path + R"(","partitionValues":)" + partition_values +
           R"(,"size":)" + std::to_string(size) +
           R"(,"modificationTime":1,"dataChange":true}})";
  }

  void WriteData(const std::string& relative,
                 const std::shared_ptr<arrow::Schema>& schema,
                 const arrow::ArrayVector& columns) {
    auto path = dir_->path() / relative;
    std::filesystem::create_directories(path.parent_path());
    auto table = arrow::Table::Make(schema, columns);
    ASSERT_OK_AND_ASSIGN(auto out, arrow::io::FileOutputStream::Open(path.string()));
    ASSERT_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out));
    ASSERT_OK(out->Close());
  }

  Result<std::shared_ptr<arrow::Table>> Read(ScanBuilder builder) {
    DELTACPP_ASSIGN_OR_RAISE(auto scan, builder.Build());
    DELTACPP_ASSIGN_OR_RAISE(auto table, scan->ToTable());
    return table->CombineChunks();
  }

  std::unique_ptr<TempDir> dir_;
  std::shared_ptr<const Snapshot> snapshot_;
};

TEST_F(PartitionedScanTest, MaterialisesPartitionsCastsAndFillsMissingColumns) {
  ASSERT_OK_AND_ASSIGN(auto table, Read(ScanBuilder(snapshot_)));
  ASSERT_TRUE(table->schema()->Equals(*snapshot_->schema()));
  // Sorted by value, so that the expectation does not depend on file order.
  ASSERT_OK_AND_ASSIGN(auto order,
                       arrow::compute::SortIndices(*table->GetColumnByName("value")));
  ASSERT_OK_AND_ASSIGN(auto sorted_datum, arrow::compute::Take(table, order));
  auto sorted = sorted_datum.table();
  auto expected = arrow::Table::Make(
      snapshot_->schema(), {Json(arrow::int64(), "[1, 2, 3, 10]"),
                            Json(arrow::utf8(), R"([null, null, null, "hi"])"),
                            Json(arrow::int32(), "[1, 1, 1, null]"),
                            Json(arrow::utf8(), R"(["a b", "a b", "a b", "x"])")});
  ASSERT_OK_AND_ASSIGN(sorted, sorted->CombineChunks());
  EXPECT_TRUE(sorted->Equals(*expected)) << sorted->ToString() << "\nexpected\n"
                                         << expected->ToString();
}

TEST_F(PartitionedScanTest, SelectsColumnsInOrderAndPartitionsAlone) {
  ASSERT_OK_AND_ASSIGN(auto table, Read(ScanBuilder(snapshot_).Select({"q", "value"})));
  EXPECT_EQ(table->schema()->field_names(), (std::vector<std::string>{"q", "value"}));
  EXPECT_EQ(table->num_rows(), 4);

  ASSERT_OK_AND_ASSIGN(auto partitions_only, Read(ScanBuilder(snapshot_).Select({"p"})));
  EXPECT_EQ(partitions_only->num_rows(), 4);
  EXPECT_EQ(partitions_only->column(0)->null_count(), 1);
}

TEST_F(PartitionedScanTest, LimitStopsEarly) {
  ASSERT_OK_AND_ASSIGN(auto table, Read(ScanBuilder(snapshot_).Limit(2).BatchSize(1)));
  EXPECT_EQ(table->num_rows(), 2);
  ASSERT_OK_AND_ASSIGN(auto none, Read(ScanBuilder(snapshot_).Limit(0)));
  EXPECT_EQ(none->num_rows(), 0);
}

TEST_F(PartitionedScanTest, BadSelectionsAreInvalidArgument) {
  auto unknown = ScanBuilder(snapshot_).Select({"nope"}).Build();
  ASSERT_RAISES_DELTA(kInvalidArgument, unknown);
  EXPECT_NE(unknown.status().message().find("its columns: value, note, p, q"),
            std::string::npos)
      << unknown.status().message();
  ASSERT_RAISES_DELTA(kInvalidArgument,
                      ScanBuilder(snapshot_).Select({"p", "p"}).Build());
  ASSERT_RAISES_DELTA(kInvalidArgument, ScanBuilder(snapshot_).Limit(-1).Build());
  ASSERT_RAISES_DELTA(kInvalidArgument, ScanBuilder(snapshot_).BatchSize(0).Build());
}

TEST_F(PartitionedScanTest, DeletionVectorsDropRows) {
  // Version 1 deletes row 1 (value 2) of f1 with an inline deletion vector, the way a
  // DELETE with deletion vectors commits it: remove the file, add it back with the DV.
  const std::string bitmap = EncodeRoaringBitmapArray({1});
  const std::string dv = R"("deletionVector":{"storageType":"i","pathOrInlineDv":")" +
                         Z85Encode(bitmap) + R"(","sizeInBytes":)" +
                         std::to_string(bitmap.size()) + R"(,"cardinality":1})";
  std::string add = AddLine("p=1/q=a%2520b/f1.parquet", R"({"p":"1","q":"a b"})");
  add.insert(add.size() - 2, "," + dv);
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 1,
      {R"({"remove":{"path":"p=1/q=a%2520b/f1.parquet","deletionTimestamp":2,"dataChange":true}})",
       add}));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  for (int64_t batch_size : {1, 2, 1024}) {
    ASSERT_OK_AND_ASSIGN(
        auto scan, ScanBuilder(snapshot).BatchSize(batch_size).Parallelism(1).Build());
    ASSERT_OK_AND_ASSIGN(auto rows, scan->ToTable());
    EXPECT_EQ(SortedInt64s(*rows, "value"), (std::vector<int64_t>{1, 3, 10}))
        << "batch size " << batch_size;
    ASSERT_OK_AND_ASSIGN(
        auto partitions_only,
        ScanBuilder(snapshot).Select({"p"}).BatchSize(batch_size).Build());
    ASSERT_OK_AND_ASSIGN(auto counted, partitions_only->ToTable());
    EXPECT_EQ(counted->num_rows(), 3);
  }
}

TEST_F(PartitionedScanTest, MissingDataFileIsFileNotFound) {
  std::filesystem::remove(dir_->path() / "p=1/q=a%20b/f1.parquet");
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(snapshot_).Build());
  auto result = scan->ToTable();
  ASSERT_RAISES_DELTA(kFileNotFound, result);
  EXPECT_NE(result.status().message().find("f1.parquet"), std::string::npos);
}

TEST_F(PartitionedScanTest, GarbageDataFileIsCorruptNamingTheFile) {
  ASSERT_OK(testing::WriteFile(dir_->path() / "p=1/q=a%20b/f1.parquet", "not parquet"));
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(snapshot_).Build());
  auto result = scan->ToTable();
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("f1.parquet"), std::string::npos)
      << result.status().message();
}

TEST_F(PartitionedScanTest, FilterKeepsTrueRowsAndReadsColumnsItNeeds) {
  ASSERT_OK_AND_ASSIGN(auto table, Read(ScanBuilder(snapshot_).Select({"q"}).Filter(
                                       Greater(Column("value"), Literal(int64_t{2})))));
  EXPECT_EQ(table->schema()->field_names(), (std::vector<std::string>{"q"}));
  auto column = table->column(0)->chunk(0);
  ASSERT_OK_AND_ASSIGN(auto order, arrow::compute::SortIndices(*column));
  ASSERT_OK_AND_ASSIGN(auto sorted, arrow::compute::Take(*column, *order));
  EXPECT_TRUE(sorted->Equals(*Json(arrow::utf8(), R"(["a b", "x"])")))
      << sorted->ToString();
  // Nulls are not true: note is null in f1's rows.
  ASSERT_OK_AND_ASSIGN(
      auto not_hi,
      Read(ScanBuilder(snapshot_).Filter(NotEqual(Column("note"), Literal("hi")))));
  EXPECT_EQ(not_hi->num_rows(), 0);
  ASSERT_OK_AND_ASSIGN(auto no_note,
                       Read(ScanBuilder(snapshot_).Filter(IsNull(Column("note")))));
  EXPECT_EQ(no_note->num_rows(), 3);
  auto bad = ScanBuilder(snapshot_).Filter(Equal(Column("value"), Literal("x"))).Build();
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
}

TEST_F(PartitionedScanTest, AbsoluteUrisNameFilesAnywhere) {
  // A shallow clone's log names its source table's files by absolute URI: here f2 moves
  // to another folder (with a space, percent-encoded in the URI).
  ASSERT_OK_AND_ASSIGN(auto elsewhere, TempDir::Make());
  const auto source = dir_->path() / "p=__HIVE_DEFAULT_PARTITION__/q=x/f2.parquet";
  const auto moved = elsewhere.path() / "other place" / "f2.parquet";
  std::filesystem::create_directories(moved.parent_path());
  std::filesystem::rename(source, moved);
  const std::string uri =
      "file://" + elsewhere.path().string() + "/other%20place/f2.parquet";
  std::string add = AddLine("p=1/q=a%2520b/f1.parquet", R"({"p":null,"q":"x"})");
  add.replace(add.find("p=1/q=a%2520b/f1.parquet"), 24, uri);
  add.replace(add.find(R"("size":)") + 7,
              add.find(",", add.find(R"("size":)")) - add.find(R"("size":)") - 7,
              std::to_string(std::filesystem::file_size(moved)));
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 1,
      {R"({"remove":{"path":"p=__HIVE_DEFAULT_PARTITION__/q=x/f2.parquet","deletionTimestamp":2,"dataChange":true}})",
       add}));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(snapshot).Build());
  ASSERT_OK_AND_ASSIGN(auto rows, scan->ToTable());
  EXPECT_EQ(SortedInt64s(*rows, "value"), (std::vector<int64_t>{1, 2, 3, 10}));
  std::filesystem::remove(moved);
  auto missing = scan->ToTable();
  ASSERT_RAISES_DELTA(kFileNotFound, missing);
  EXPECT_NE(missing.status().message().find("other place"), std::string::npos)
      << missing.status().message();
}

TEST_F(PartitionedScanTest, PartitionPruningNeverOpensPrunedFiles) {
  // f1 is garbage: a scan that opened it would fail.
  ASSERT_OK(testing::WriteFile(dir_->path() / "p=1/q=a%20b/f1.parquet", "not parquet"));
  ASSERT_OK_AND_ASSIGN(auto scan,
                       ScanBuilder(snapshot_).Filter(IsNull(Column("p"))).Build());
  ASSERT_EQ(scan->Files().size(), 1u);
  EXPECT_EQ(scan->Files()[0]->path, "p=__HIVE_DEFAULT_PARTITION__/q=x/f2.parquet");
  ASSERT_OK_AND_ASSIGN(auto rows, scan->ToTable());
  EXPECT_EQ(SortedInt64s(*rows, "value"), (std::vector<int64_t>{10}));
  // The same garbage is found by a filter that keeps f1.
  ASSERT_OK_AND_ASSIGN(
      auto keeps_f1,
      ScanBuilder(snapshot_).Filter(Equal(Column("q"), Literal("a b"))).Build());
  EXPECT_EQ(keeps_f1->Files().size(), 1u);
  ASSERT_RAISES_DELTA(kCorruptLog, keeps_f1->ToTable());
}

TEST_F(PartitionedScanTest, StatisticsSkippingNeverOpensSkippedFiles) {
  // Version 1 gives both files statistics (as a writer's re-add would), then f1 turns
  // to garbage: only a scan that skips it can succeed.
  auto with_stats = [&](const std::string& path, const std::string& partitions,
                        const std::string& stats) {
    std::string add = AddLine(path, partitions);
    add.insert(add.size() - 2, R"(,"stats":")" + stats + R"(")");
    return add;
  };
  ASSERT_OK(testing::WriteCommit(
      dir_->path(), 1,
      {with_stats("p=1/q=a%2520b/f1.parquet", R"({"p":"1","q":"a b"})",
                  R"({\"numRecords\":3,\"minValues\":{\"value\":1},)"
                  R"(\"maxValues\":{\"value\":3},\"nullCount\":{\"value\":0}})"),
       with_stats("p=__HIVE_DEFAULT_PARTITION__/q=x/f2.parquet", R"({"p":null,"q":"x"})",
                  R"({\"numRecords\":1,\"minValues\":{\"value\":10},)"
                  R"(\"maxValues\":{\"value\":10},\"nullCount\":{\"value\":0}})")}));
  ASSERT_OK(testing::WriteFile(dir_->path() / "p=1/q=a%20b/f1.parquet", "not parquet"));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_EQ(snapshot->files().size(), 2u);
  for (int parallelism : {1, 4}) {
    ASSERT_OK_AND_ASSIGN(auto scan,
                         ScanBuilder(snapshot)
                             .Filter(GreaterEqual(Column("value"), Literal(int64_t{5})))
                             .Parallelism(parallelism)
                             .Build());
    ASSERT_EQ(scan->Files().size(), 1u);
    ASSERT_OK_AND_ASSIGN(auto rows, scan->ToTable());
    EXPECT_EQ(SortedInt64s(*rows, "value"), (std::vector<int64_t>{10}));
  }
  ASSERT_OK_AND_ASSIGN(
      auto keeps_f1,
      ScanBuilder(snapshot).Filter(Less(Column("value"), Literal(int64_t{5}))).Build());
  EXPECT_EQ(keeps_f1->Files().size(), 1u);
  ASSERT_RAISES_DELTA(kCorruptLog, keeps_f1->ToTable());
}

}  // namespace
}  // namespace deltacpp
