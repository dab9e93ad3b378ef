#include "deltacpp/ops/optimize.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>

#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/table.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/ops/write_table.h"
#include "deltacpp/ops/z_order.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

namespace fs = std::filesystem;

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64(), /*nullable=*/false),
    arrow::field("part", arrow::utf8()),
    arrow::field("x", arrow::int64()),
    arrow::field("y", arrow::int64()),
});

std::shared_ptr<arrow::RecordBatch> Batch(const std::string& json) {
  return testing::BatchFromJson(kSchema, json);
}

// `rows` rows with ids from `first_id`, in partition `part`, x and y random in [0, 1000).
std::shared_ptr<arrow::RecordBatch> RandomBatch(int64_t first_id, int64_t rows,
                                                const std::string& part,
                                                std::mt19937_64& random) {
  arrow::Int64Builder ids, xs, ys;
  arrow::StringBuilder parts;
  std::uniform_int_distribution<int64_t> value(0, 999);
  for (int64_t i = 0; i < rows; ++i) {
    EXPECT_OK(ids.Append(first_id + i));
    EXPECT_OK(parts.Append(part));
    EXPECT_OK(xs.Append(value(random)));
    EXPECT_OK(ys.Append(value(random)));
  }
  return arrow::RecordBatch::Make(kSchema, rows,
                                  {ids.Finish().ValueOrDie(), parts.Finish().ValueOrDie(),
                                   xs.Finish().ValueOrDie(), ys.Finish().ValueOrDie()});
}

// Every row of a table as text, as a multiset.
Result<std::multiset<std::string>> RowsOf(std::shared_ptr<const Snapshot> snapshot) {
  DELTACPP_ASSIGN_OR_RAISE(auto scan, ScanBuilder(std::move(snapshot)).Build());
  DELTACPP_ASSIGN_OR_RAISE(auto table, scan->ToTable());
  DELTACPP_ASSIGN_OR_RAISE(table, table->CombineChunks());
  std::multiset<std::string> rows;
  for (int64_t row = 0; row < table->num_rows(); ++row) {
    std::string text;
    for (const auto& column : table->columns()) {
      DELTACPP_ASSIGN_OR_RAISE(auto value, column->GetScalar(row));
      text += value->ToString() + "|";
    }
    rows.insert(std::move(text));
  }
  return rows;
}

std::map<std::string, const AddFile*> FilesByPath(const Snapshot& snapshot) {
  std::map<std::string, const AddFile*> files;
  for (const auto& file : snapshot.files()) files[file.path] = &file;
  return files;
}

class OptimizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    uri_ = (dir_->path() / "table").string();
  }

  void Append(const std::shared_ptr<arrow::RecordBatch>& batch,
              std::vector<std::string> partition_by = {}, StringMap configuration = {}) {
    WriteOptions options;
    options.mode = WriteMode::kAppend;
    options.partition_by = std::move(partition_by);
    options.configuration = std::move(configuration);
    auto reader = arrow::RecordBatchReader::Make({batch}, kSchema).ValueOrDie();
    ASSERT_OK(WriteTable(uri_, *reader, options).status());
  }

  // `files` appends of three rows each to an unpartitioned table: equal sizes.
  void AppendSmallFiles(int files, StringMap configuration = {}) {
    for (int i = 0; i < files; ++i) {
      auto id = [&](int row) { return std::to_string(10 * i + row); };
      Append(Batch("[{\"id\": " + id(0) + ", \"part\": \"a\", \"x\": 1, \"y\": 2}," +
                   "{\"id\": " + id(1) + ", \"part\": null, \"x\": null, \"y\": 3}," +
                   "{\"id\": " + id(2) + ", \"part\": \"b\", \"x\": 7, \"y\": null}]"),
             {}, configuration);
    }
  }

  std::shared_ptr<const Snapshot> Latest() const {
    return Table::Open(uri_).ValueOrDie().LatestSnapshot().ValueOrDie();
  }

  std::shared_ptr<const Snapshot> At(int64_t version) const {
    return Table::Open(uri_).ValueOrDie().SnapshotAt(version).ValueOrDie();
  }

  int64_t SmallestFile() const {
    int64_t smallest = std::numeric_limits<int64_t>::max();
    auto snapshot = Latest();
    for (const auto& file : snapshot->files()) smallest = std::min(smallest, file.size);
    return smallest;
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::string uri_;
};

TEST_F(OptimizeTest, CompactsSmallFilesIntoOneWithTheSameRows) {
  AppendSmallFiles(10);
  ASSERT_OK_AND_ASSIGN(auto before, RowsOf(Latest()));
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_));
  EXPECT_TRUE(result.committed);
  EXPECT_EQ(result.version, 10);
  EXPECT_EQ(result.versions, std::vector<int64_t>{10});
  EXPECT_EQ(result.target_file_size, kDefaultOptimizeTargetFileSize);
  EXPECT_EQ(result.num_files_removed, 10);
  EXPECT_EQ(result.num_files_added, 1);
  EXPECT_EQ(result.files_removed.total_files, 10);
  EXPECT_EQ(result.files_added.total_files, 1);
  EXPECT_GT(result.files_added.min, 0);
  EXPECT_EQ(result.files_added.min, result.files_added.max);
  EXPECT_DOUBLE_EQ(result.files_removed.avg,
                   static_cast<double>(result.files_removed.total_size) / 10);
  EXPECT_EQ(result.partitions_optimized, 1);
  EXPECT_EQ(result.total_considered_files, 10);
  EXPECT_EQ(result.total_files_skipped, 0);
  EXPECT_EQ(result.max_bin_files, 10);
  EXPECT_TRUE(result.preserve_insertion_order);
  EXPECT_GE(result.num_batches, 10);

  auto after = Latest();
  ASSERT_EQ(after->files().size(), 1u);
  EXPECT_FALSE(after->files()[0].data_change);
  EXPECT_TRUE(after->files()[0].stats.has_value());
  EXPECT_EQ(after->files()[0].size, result.files_added.total_size);
  ASSERT_OK_AND_ASSIGN(auto rows, RowsOf(after));
  EXPECT_EQ(rows, before);
  // Every file removed says the rows stay.
  EXPECT_EQ(after->tombstones().size(), 10u);
  for (const auto& remove : after->tombstones()) EXPECT_FALSE(remove.data_change);

  // Done: a second run finds nothing to do and commits nothing.
  ASSERT_OK_AND_ASSIGN(auto again, OptimizeTable(uri_));
  EXPECT_FALSE(again.committed);
  EXPECT_EQ(again.version, 10);
  EXPECT_EQ(again.num_files_removed, 0);
  EXPECT_EQ(again.total_considered_files, 1);
  EXPECT_EQ(again.total_files_skipped, 1);
  EXPECT_EQ(Latest()->version(), 10);
}

TEST_F(OptimizeTest, KeepsTheOrderOfRowsWithinAGroup) {
  AppendSmallFiles(4);
  ASSERT_OK(OptimizeTable(uri_).status());
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(Latest()).Select({"id"}).Build());
  ASSERT_OK_AND_ASSIGN(auto table, scan->ToTable());
  ASSERT_OK_AND_ASSIGN(table, table->CombineChunks());
  auto ids = std::static_pointer_cast<arrow::Int64Array>(table->column(0)->chunk(0));
  // Files in the log's order, newest first (as delta-rs), each file's rows in order.
  const std::vector<int64_t> expected = {30, 31, 32, 20, 21, 22, 10, 11, 12, 0, 1, 2};
  EXPECT_EQ(std::vector<int64_t>(ids->raw_values(), ids->raw_values() + ids->length()),
            expected);
}

TEST_F(OptimizeTest, GroupsFilesUpToTheTargetSize) {
  AppendSmallFiles(10);
  const int64_t size = SmallestFile();
  OptimizeOptions options;
  // Room for three files of about one size a group: 3 + 3 + 3 + 1 (left alone).
  options.target_file_size = size * 7 / 2;
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  EXPECT_EQ(result.num_files_removed, 9);
  EXPECT_EQ(result.num_files_added, 3);
  EXPECT_EQ(result.total_considered_files, 10);
  EXPECT_EQ(result.total_files_skipped, 1);
  EXPECT_EQ(result.max_bin_files, 3);
  EXPECT_EQ(Latest()->files().size(), 4u);
}

TEST_F(OptimizeTest, LeavesFilesOfTheTargetSizeAlone) {
  AppendSmallFiles(3);
  OptimizeOptions options;
  options.target_file_size = SmallestFile();
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  EXPECT_FALSE(result.committed);
  EXPECT_EQ(result.version, 2);
  EXPECT_EQ(result.total_considered_files, 3);
  EXPECT_EQ(result.total_files_skipped, 3);
  EXPECT_EQ(result.partitions_optimized, 0);
  EXPECT_EQ(result.files_added.min, 0);
  EXPECT_FALSE(fs::exists(fs::path(uri_) / "_delta_log" / "00000000000000000003.json"));
}

TEST_F(OptimizeTest, TargetSizeFromTheTableProperty) {
  AppendSmallFiles(3, {{"delta.targetFileSize", "10"}});
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_));
  EXPECT_EQ(result.target_file_size, 10);
  EXPECT_FALSE(result.committed);

  OptimizeOptions options;
  options.target_file_size = 0;
  ASSERT_RAISES_DELTA(kInvalidArgument, OptimizeTable(uri_, options).status());
}

TEST_F(OptimizeTest, BadTargetSizePropertyFails) {
  AppendSmallFiles(2, {{"delta.targetFileSize", "100mb"}});
  auto result = OptimizeTable(uri_);
  ASSERT_RAISES_DELTA(kInvalidArgument, result.status());
  EXPECT_NE(result.status().message().find("delta.targetFileSize"), std::string::npos);
}

TEST_F(OptimizeTest, PartitionsWithOneSmallFileAreLeftAlone) {
  for (int i = 0; i < 3; ++i) {
    Append(
        Batch(R"([{"id": )" + std::to_string(i) + R"(, "part": "a", "x": 1, "y": 1}])"),
        {"part"});
  }
  Append(Batch(R"([{"id": 10, "part": "b", "x": 1, "y": 1}])"), {"part"});
  Append(Batch(R"([{"id": 20, "part": null, "x": 1, "y": 1},
                   {"id": 21, "part": "c", "x": 2, "y": 2}])"),
         {"part"});
  Append(Batch(R"([{"id": 22, "part": null, "x": 1, "y": 1}])"), {"part"});
  auto before = Latest();
  ASSERT_OK_AND_ASSIGN(auto before_rows, RowsOf(before));
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_));
  EXPECT_EQ(result.partitions_optimized, 2);  // a and null
  EXPECT_EQ(result.num_files_removed, 5);
  EXPECT_EQ(result.num_files_added, 2);
  EXPECT_EQ(result.total_considered_files, 7);
  EXPECT_EQ(result.total_files_skipped, 2);  // b and c
  auto after = Latest();
  ASSERT_OK_AND_ASSIGN(auto after_rows, RowsOf(after));
  EXPECT_EQ(after_rows, before_rows);
  std::map<std::string, int> files_per_folder;
  for (const auto& file : after->files()) {
    files_per_folder[file.path.substr(0, file.path.find('/'))]++;
    if (!file.data_change) continue;
    // The files left alone are those of b and c, unchanged.
    EXPECT_TRUE(file.path.starts_with("part=b/") || file.path.starts_with("part=c/"))
        << file.path;
  }
  EXPECT_EQ(files_per_folder,
            (std::map<std::string, int>{{"part=__HIVE_DEFAULT_PARTITION__", 1},
                                        {"part=a", 1},
                                        {"part=b", 1},
                                        {"part=c", 1}}));
  for (const auto& file : after->files()) {
    if (file.path.starts_with("part=__HIVE")) {
      EXPECT_FALSE(file.partition_values.at("part").has_value());
    }
  }
}

TEST_F(OptimizeTest, PartitionFilterSelectsPartitions) {
  for (const char* part : {"a", "a", "b", "b"}) {
    Append(
        Batch(std::string(R"([{"id": 1, "part": ")") + part + R"(", "x": 1, "y": 1}])"),
        {"part"});
  }
  OptimizeOptions options;
  ASSERT_OK_AND_ASSIGN(options.partition_filter, ParsePredicate("part = 'b'"));
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  EXPECT_EQ(result.num_files_removed, 2);
  EXPECT_EQ(result.total_considered_files, 2);
  auto after = Latest();
  int a_files = 0;
  for (const auto& file : after->files()) {
    if (file.path.starts_with("part=a/")) ++a_files;
  }
  EXPECT_EQ(a_files, 2);
  const auto& info = after->latest_commit_info();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->operation_parameters.at("predicate"), R"(["part = 'b'"])");

  // A filter no partition matches: nothing to do.
  ASSERT_OK_AND_ASSIGN(options.partition_filter, ParsePredicate("part = 'z'"));
  ASSERT_OK_AND_ASSIGN(result, OptimizeTable(uri_, options));
  EXPECT_FALSE(result.committed);
  EXPECT_EQ(result.total_considered_files, 0);
}

TEST_F(OptimizeTest, PartitionFilterOfOtherColumnsFails) {
  for (int i = 0; i < 2; ++i) {
    Append(Batch(R"([{"id": 1, "part": "a", "x": 1, "y": 1}])"), {"part"});
  }
  OptimizeOptions options;
  ASSERT_OK_AND_ASSIGN(options.partition_filter, ParsePredicate("part = 'a' AND x > 1"));
  auto result = OptimizeTable(uri_, options);
  ASSERT_RAISES_DELTA(kInvalidArgument, result.status());
  EXPECT_NE(result.status().message().find("'x' is not one"), std::string::npos)
      << result.status().message();
  ASSERT_OK_AND_ASSIGN(options.partition_filter, ParsePredicate("nope = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, OptimizeTable(uri_, options).status());
  EXPECT_EQ(Latest()->version(), 1);
}

TEST_F(OptimizeTest, ZOrderSortsAndNarrowsFileRanges) {
  std::mt19937_64 random(42);
  for (int i = 0; i < 8; ++i) Append(RandomBatch(i * 1000, 1000, "a", random));
  auto before = Latest();
  ASSERT_OK_AND_ASSIGN(auto before_rows, RowsOf(before));
  int64_t total = 0;
  for (const auto& file : before->files()) total += file.size;

  // The mean overlap of the [min, max] ranges of x and y of two files, relative to the
  // whole range, read from the files' rows.
  auto overlap = [](const std::shared_ptr<const Snapshot>& snapshot) {
    auto scan = ScanBuilder(snapshot).Select({"x", "y"}).Build().ValueOrDie();
    std::vector<std::array<int64_t, 4>> ranges;  // min x, max x, min y, max y
    for (const auto& file : snapshot->files()) {
      auto table = scan->ExecuteFiles({&file}).ValueOrDie()->ToTable().ValueOrDie();
      std::array<int64_t, 4> range = {1000, -1, 1000, -1};
      for (int c = 0; c < 2; ++c) {
        for (const auto& chunk : table->column(c)->chunks()) {
          const auto& values = static_cast<const arrow::Int64Array&>(*chunk);
          for (int64_t i = 0; i < values.length(); ++i) {
            range[2 * c] = std::min(range[2 * c], values.Value(i));
            range[2 * c + 1] = std::max(range[2 * c + 1], values.Value(i));
          }
        }
      }
      ranges.push_back(range);
    }
    double sum = 0;
    int pairs = 0;
    for (size_t i = 0; i < ranges.size(); ++i) {
      for (size_t j = i + 1; j < ranges.size(); ++j, ++pairs) {
        for (int c = 0; c < 2; ++c) {
          const int64_t low = std::max(ranges[i][2 * c], ranges[j][2 * c]);
          const int64_t high = std::min(ranges[i][2 * c + 1], ranges[j][2 * c + 1]);
          sum += static_cast<double>(std::max<int64_t>(0, high - low)) / 999.0 / 2;
        }
      }
    }
    return pairs == 0 ? 0.0 : sum / pairs;
  };

  OptimizeOptions options;
  options.z_order_columns = {"x", "Y"};  // names resolve as Spark's do, ignoring case
  options.target_file_size = total / 4;
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  EXPECT_TRUE(result.committed);
  EXPECT_TRUE(result.z_order);
  EXPECT_FALSE(result.preserve_insertion_order);
  EXPECT_EQ(result.num_files_removed, 8);
  EXPECT_GE(result.num_files_added, 3);
  EXPECT_LE(result.num_files_added, 6);
  EXPECT_EQ(result.partitions_optimized, 1);
  EXPECT_EQ(result.max_bin_files, 8);

  auto after = Latest();
  ASSERT_OK_AND_ASSIGN(auto after_rows, RowsOf(after));
  EXPECT_EQ(after_rows, before_rows);
  const double overlap_before = overlap(before);
  const double overlap_after = overlap(after);
  EXPECT_GT(overlap_before, 0.9);
  EXPECT_LT(overlap_after, 0.6 * overlap_before)
      << overlap_before << " -> " << overlap_after;

  // The rows, read file by file in the order they were written, are in Z-order.
  std::vector<const AddFile*> files;
  for (const auto& file : after->files()) files.push_back(&file);
  std::sort(files.begin(), files.end(),
            [](const AddFile* a, const AddFile* b) { return a->path < b->path; });
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(after).Select({"x", "y"}).Build());
  ASSERT_OK_AND_ASSIGN(auto reader, scan->ExecuteFiles(files));
  ASSERT_OK_AND_ASSIGN(auto table, reader->ToTable());
  ASSERT_OK_AND_ASSIGN(table, table->CombineChunks());
  ASSERT_OK_AND_ASSIGN(
      auto keys, ZOrderKeys({table->column(0)->chunk(0), table->column(1)->chunk(0)}));
  for (int64_t i = 1; i < keys->length(); ++i) {
    ASSERT_LE(keys->GetView(i - 1), keys->GetView(i)) << "row " << i;
  }

  const auto& info = after->latest_commit_info();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->operation_parameters.at("zOrderBy"), R"(["x","y"])");
}

TEST_F(OptimizeTest, ZOrderRewritesEachSelectedPartition) {
  std::mt19937_64 random(7);
  Append(RandomBatch(0, 50, "a", random), {"part"});
  Append(RandomBatch(100, 50, "a", random), {"part"});
  Append(RandomBatch(200, 50, "b", random), {"part"});
  OptimizeOptions options;
  options.z_order_columns = {"x"};
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  // Even the partition of one file is sorted.
  EXPECT_EQ(result.partitions_optimized, 2);
  EXPECT_EQ(result.num_files_removed, 3);
  EXPECT_EQ(result.num_files_added, 2);
  auto after = Latest();
  for (const auto& file : after->files()) {
    auto scan = ScanBuilder(after).Select({"x"}).Build().ValueOrDie();
    auto table = scan->ExecuteFiles({&file}).ValueOrDie()->ToTable().ValueOrDie();
    table = table->CombineChunks().ValueOrDie();
    const auto& x = static_cast<const arrow::Int64Array&>(*table->column(0)->chunk(0));
    for (int64_t i = 1; i < x.length(); ++i) ASSERT_LE(x.Value(i - 1), x.Value(i));
  }
}

TEST_F(OptimizeTest, BadZOrderColumnsFail) {
  AppendSmallFiles(1);
  Append(Batch(R"([{"id": 1, "part": "a", "x": 1, "y": 1}])"));
  OptimizeOptions options;
  options.z_order_columns = {"x", "nope"};
  auto result = OptimizeTable(uri_, options);
  ASSERT_RAISES_DELTA(kInvalidArgument, result.status());
  EXPECT_NE(result.status().message().find("'nope'"), std::string::npos);
  options.z_order_columns = {"x", "x"};
  ASSERT_RAISES_DELTA(kInvalidArgument, OptimizeTable(uri_, options).status());

  const std::string partitioned = (dir_->path() / "partitioned").string();
  WriteOptions write;
  write.partition_by = {"part"};
  auto reader = arrow::RecordBatchReader::Make(
                    {Batch(R"([{"id": 1, "part": "a", "x": 1, "y": 1}])")}, kSchema)
                    .ValueOrDie();
  ASSERT_OK(WriteTable(partitioned, *reader, write).status());
  options.z_order_columns = {"part"};
  result = OptimizeTable(partitioned, options);
  ASSERT_RAISES_DELTA(kInvalidArgument, result.status());
  EXPECT_NE(result.status().message().find("partition column"), std::string::npos);
}

TEST_F(OptimizeTest, RecordsOperationAndMetricsAsDeltaSpark) {
  AppendSmallFiles(5);
  OptimizeOptions options;
  options.app_transactions.push_back({"compactor", 3, std::nullopt});
  options.commit.custom_metadata = {{"job", "nightly"}};
  ASSERT_RAISES_DELTA(kInvalidArgument, OptimizeTable(uri_, options).status());
  options.commit.custom_metadata = {{"jobName", "nightly"}};
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  auto after = Latest();
  const auto& info = after->latest_commit_info();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->operation, "OPTIMIZE");
  EXPECT_EQ(info->read_version, 4);
  EXPECT_EQ(info->is_blind_append, false);
  EXPECT_EQ(info->operation_parameters, (StringMap{{"predicate", "[]"},
                                                   {"zOrderBy", "[]"},
                                                   {"clusterBy", "[]"},
                                                   {"auto", "false"}}));
  const auto size = std::to_string(result.files_added.total_size);
  EXPECT_EQ(
      info->operation_metrics,
      (StringMap{{"numAddedFiles", "1"},
                 {"numRemovedFiles", "5"},
                 {"numAddedBytes", size},
                 {"numRemovedBytes", std::to_string(result.files_removed.total_size)},
                 {"minFileSize", size},
                 {"p25FileSize", size},
                 {"p50FileSize", size},
                 {"p75FileSize", size},
                 {"maxFileSize", size},
                 {"numDeletionVectorsRemoved", "0"}}));
  EXPECT_NE(info->json.find(R"("jobName":"nightly")"), std::string::npos);
  ASSERT_EQ(after->app_transactions().count("compactor"), 1u);
  EXPECT_EQ(after->app_transactions().at("compactor").version, 3);
}

TEST_F(OptimizeTest, TimeTravelReadsTheOldFiles) {
  AppendSmallFiles(4);
  auto before = Latest();
  ASSERT_OK_AND_ASSIGN(auto before_rows, RowsOf(before));
  ASSERT_OK(OptimizeTable(uri_).status());
  auto old = At(3);
  EXPECT_EQ(old->files().size(), 4u);
  EXPECT_EQ(FilesByPath(*old).size(), FilesByPath(*before).size());
  ASSERT_OK_AND_ASSIGN(auto old_rows, RowsOf(old));
  EXPECT_EQ(old_rows, before_rows);
}

TEST_F(OptimizeTest, ConcurrentDeleteOfARewrittenFileConflicts) {
  AppendSmallFiles(3);
  OptimizeOptions options;
  options.on_progress = [this](const OptimizeProgress&) {
    // Removes the file of the first append, which the optimize rewrites.
    ASSERT_OK_AND_ASSIGN(auto predicate, ParsePredicate("id = 0"));
    ASSERT_OK(DeleteRows(uri_, predicate, {}).status());
  };
  auto result = OptimizeTable(uri_, options);
  ASSERT_RAISES_DELTA(kConflict, result.status());
  // The delete stands; the optimize left nothing in the log.
  auto latest = Latest();
  EXPECT_EQ(latest->version(), 3);
  EXPECT_EQ(latest->latest_commit_info()->operation, "DELETE");
}

TEST_F(OptimizeTest, ConcurrentAppendDoesNotConflict) {
  AppendSmallFiles(3);
  ASSERT_OK_AND_ASSIGN(auto before_rows, RowsOf(Latest()));
  OptimizeOptions options;
  bool appended = false;
  options.on_progress = [&](const OptimizeProgress&) {
    Append(Batch(R"([{"id": 100, "part": "z", "x": 1, "y": 1}])"));
    appended = true;
  };
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  ASSERT_TRUE(appended);
  EXPECT_EQ(result.version, 4);
  auto latest = Latest();
  EXPECT_EQ(latest->files().size(), 2u);  // the compacted file and the appended one
  ASSERT_OK_AND_ASSIGN(auto rows, RowsOf(latest));
  before_rows.insert("100|z|1|1|");
  EXPECT_EQ(rows, before_rows);
}

TEST_F(OptimizeTest, CommitsAsItGoesWithAMinimumInterval) {
  for (const char* part : {"a", "a", "b", "b", "c", "c"}) {
    Append(
        Batch(std::string(R"([{"id": 1, "part": ")") + part + R"(", "x": 1, "y": 1}])"),
        {"part"});
  }
  ASSERT_OK_AND_ASSIGN(auto before_rows, RowsOf(Latest()));
  OptimizeOptions options;
  options.min_commit_interval_ms = 0;  // a commit per group
  std::vector<OptimizeProgress> reports;
  options.on_progress = [&](const OptimizeProgress& progress) {
    reports.push_back(progress);
  };
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_, options));
  EXPECT_EQ(result.versions, (std::vector<int64_t>{6, 7, 8}));
  EXPECT_EQ(result.version, 8);
  EXPECT_EQ(result.num_files_removed, 6);
  EXPECT_EQ(result.num_files_added, 3);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[2].groups_done, 3);
  EXPECT_EQ(reports[2].groups, 3);
  EXPECT_EQ(reports[2].files_removed, 6);
  EXPECT_EQ(reports[2].files_added, 3);
  ASSERT_OK_AND_ASSIGN(auto rows, RowsOf(Latest()));
  EXPECT_EQ(rows, before_rows);
  EXPECT_EQ(At(7)->latest_commit_info()->operation_metrics.at("numRemovedFiles"), "2");
}

TEST_F(OptimizeTest, ConcurrentDeleteBetweenCommitsConflicts) {
  for (const char* part : {"a", "a", "b", "b"}) {
    Append(
        Batch(std::string(R"([{"id": 1, "part": ")") + part + R"(", "x": 1, "y": 1}])"),
        {"part"});
  }
  OptimizeOptions options;
  options.min_commit_interval_ms = 0;
  int groups = 0;
  options.on_progress = [&](const OptimizeProgress&) {
    if (++groups != 1) return;
    // Partitions go in the log's order, newest first: b, then a. After b's group and
    // before its commit, a's files are deleted: b's commit stands, a's conflicts.
    ASSERT_OK_AND_ASSIGN(auto predicate, ParsePredicate("part = 'a'"));
    ASSERT_OK(DeleteRows(uri_, predicate, {}).status());
  };
  auto result = OptimizeTable(uri_, options);
  ASSERT_RAISES_DELTA(kConflict, result.status());
  EXPECT_NE(result.status().message().find("was removed concurrently"), std::string::npos)
      << result.status().message();
  auto latest = Latest();
  EXPECT_EQ(latest->version(), 5);  // the delete (4), then b's optimize (5)
  EXPECT_EQ(latest->latest_commit_info()->operation, "OPTIMIZE");
  EXPECT_EQ(latest->files().size(), 1u);
}

TEST_F(OptimizeTest, AppendOnlyAndChangeDataTablesMayBeOptimized) {
  AppendSmallFiles(
      3, {{"delta.appendOnly", "true"}, {"delta.enableChangeDataFeed", "true"}});
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(uri_));
  EXPECT_TRUE(result.committed);
  EXPECT_FALSE(fs::exists(fs::path(uri_) / "_change_data"));
}

TEST_F(OptimizeTest, DeletionVectorsArePurged) {
  const fs::path copy = dir_->path() / "dv";
  ASSERT_OK(
      testing::CopyTable(testing::TestdataPath("delta-rs/table-with-dv-small"), copy));
  auto table = Table::Open(copy.string()).ValueOrDie();
  auto before = table.LatestSnapshot().ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto before_rows, RowsOf(before));
  ASSERT_EQ(before_rows.size(), 8u);
  // One file, with a deletion vector: rewritten alone.
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(copy.string()));
  EXPECT_EQ(result.num_files_removed, 1);
  EXPECT_EQ(result.num_files_added, 1);
  EXPECT_EQ(result.num_deletion_vectors_removed, 1);
  EXPECT_EQ(result.num_deletion_vector_rows_removed, 2);
  auto after = table.LatestSnapshot().ValueOrDie();
  ASSERT_EQ(after->files().size(), 1u);
  EXPECT_FALSE(after->files()[0].deletion_vector.has_value());
  EXPECT_NE(after->files()[0].stats->find(R"("numRecords":8)"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto after_rows, RowsOf(after));
  EXPECT_EQ(after_rows, before_rows);
  // The remove names the deletion vector, so the file with it is what goes (the other
  // tombstone is the delete's, of the file before it had one).
  int with_vector = 0;
  for (const auto& remove : after->tombstones()) {
    if (!remove.deletion_vector.has_value()) continue;
    ++with_vector;
    EXPECT_FALSE(remove.data_change);
  }
  EXPECT_EQ(with_vector, 1);
  EXPECT_EQ(
      after->latest_commit_info()->operation_metrics.at("numDeletionVectorsRemoved"),
      "1");
  // The version before still reads through the deletion vector.
  ASSERT_OK_AND_ASSIGN(auto old_rows, RowsOf(table.SnapshotAt(1).ValueOrDie()));
  EXPECT_EQ(old_rows, before_rows);
}

TEST_F(OptimizeTest, PartitionedTableWithDeletionVectors) {
  const fs::path copy = dir_->path() / "dv-partitioned";
  ASSERT_OK(testing::CopyTable(
      testing::TestdataPath("golden/dv-partitioned-with-checkpoint"), copy));
  auto table = Table::Open(copy.string()).ValueOrDie();
  auto before = table.LatestSnapshot().ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto before_rows, RowsOf(before));
  // Partitions of two files, or of one with a deletion vector, are rewritten.
  std::map<PartitionValues, std::pair<int, bool>> partitions;
  int64_t vectors = 0;
  for (const auto& file : before->files()) {
    auto& [files, vector] = partitions[file.partition_values];
    ++files;
    vector |= file.deletion_vector.has_value();
    vectors += file.deletion_vector.has_value() ? 1 : 0;
  }
  int64_t rewritten = 0;
  for (const auto& [values, partition] : partitions) {
    if (partition.first > 1 || partition.second) ++rewritten;
  }
  ASSERT_GT(vectors, 0);
  ASSERT_OK_AND_ASSIGN(auto result, OptimizeTable(copy.string()));
  EXPECT_TRUE(result.committed);
  EXPECT_EQ(result.num_deletion_vectors_removed, vectors);
  auto after = table.LatestSnapshot().ValueOrDie();
  for (const auto& file : after->files()) EXPECT_FALSE(file.deletion_vector.has_value());
  ASSERT_OK_AND_ASSIGN(auto after_rows, RowsOf(after));
  EXPECT_EQ(after_rows, before_rows);
  EXPECT_EQ(result.partitions_optimized, rewritten);
  EXPECT_EQ(after->files().size(), partitions.size());
}

TEST_F(OptimizeTest, MissingTableAndColumnMappingFail) {
  ASSERT_RAISES_DELTA(kTableNotFound, OptimizeTable(uri_).status());
  const fs::path copy = dir_->path() / "mapped";
  ASSERT_OK(testing::CopyTable(
      testing::TestdataPath("delta-rs/table_with_column_mapping"), copy));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, OptimizeTable(copy.string()).status());
}

}  // namespace
}  // namespace deltacpp
