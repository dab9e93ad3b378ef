#include "deltacpp/ops/vacuum.h"

#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <set>

#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/util/uri.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/deletion_vectors/dv_reader.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/ops/write_table.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"
#include "deltacpp/txn/log_cleanup.h"

namespace deltacpp {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kHourMs = 3600 * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SetModificationTime(const fs::path& path, int64_t ms) {
  timeval times[2];
  times[0].tv_sec = ms / 1000;
  times[0].tv_usec = (ms % 1000) * 1000;
  times[1] = times[0];
  ASSERT_EQ(::utimes(path.c_str(), times), 0) << path;
}

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64(), /*nullable=*/false),
    arrow::field("part", arrow::utf8()),
});

std::shared_ptr<arrow::RecordBatchReader> Rows(const std::string& json) {
  return testing::ReaderFromJson(kSchema, json);
}

// The first column of every row of `snapshot`, as text, sorted.
Result<std::vector<std::string>> ReadFirstColumn(
    std::shared_ptr<const Snapshot> snapshot) {
  DELTACPP_ASSIGN_OR_RAISE(auto scan, ScanBuilder(std::move(snapshot)).Build());
  DELTACPP_ASSIGN_OR_RAISE(auto rows, scan->ToTable());
  std::vector<std::string> values;
  for (const auto& chunk : rows->column(0)->chunks()) {
    for (int64_t i = 0; i < chunk->length(); ++i) {
      DELTACPP_ASSIGN_OR_RAISE(auto value, chunk->GetScalar(i));
      values.push_back(value->ToString());
    }
  }
  std::sort(values.begin(), values.end());
  return values;
}

class VacuumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    root_ = dir_->path() / "table";
    ASSERT_OK_AND_ASSIGN(auto table, Table::Open(root_.string()));
    table_ = std::make_unique<Table>(std::move(table));
  }

  void Write(const std::string& json, WriteMode mode, StringMap configuration = {}) {
    WriteOptions options;
    options.mode = mode;
    options.partition_by = {"part"};
    options.configuration = std::move(configuration);
    auto rows = Rows(json);
    ASSERT_OK(WriteTable(root_.string(), *rows, options).status());
  }

  // Version 0: ids 1-3 in partitions a and b; version 1 replaces them with 4 and 5,
  // leaving tombstones (deleted now) for the files of version 0.
  void WriteAndOverwrite(StringMap configuration = {}) {
    Write(R"([{"id": 1, "part": "a"}, {"id": 2, "part": "a"}, {"id": 3, "part": "b"}])",
          WriteMode::kErrorIfExists, std::move(configuration));
    Write(R"([{"id": 4, "part": "a"}, {"id": 5, "part": "c d"}])", WriteMode::kOverwrite);
  }

  // Every file under the table root, relative to it.
  std::set<std::string> Files() const {
    std::set<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root_)) {
      if (entry.is_regular_file()) {
        files.insert(fs::relative(entry.path(), root_).generic_string());
      }
    }
    return files;
  }

  // The data files the log names at `version`, relative and decoded.
  std::set<std::string> DataFiles(int64_t version) const {
    auto snapshot = table_->SnapshotAt(version).ValueOrDie();
    std::set<std::string> files;
    for (const auto& add : snapshot->files()) {
      files.insert(arrow::util::UriUnescape(add.path));
    }
    return files;
  }

  // Sets the modification time of every file outside `_delta_log/` to `ms`.
  void AgeDataFiles(int64_t ms) {
    for (const auto& file : Files()) {
      if (!file.starts_with("_delta_log/")) SetModificationTime(root_ / file, ms);
    }
  }

  void AddFile(const std::string& relative, int64_t modified_ms) {
    ASSERT_OK(testing::WriteFile(root_ / relative, "not parquet"));
    SetModificationTime(root_ / relative, modified_ms);
  }

  int64_t LatestVersion() const {
    return table_->LatestSnapshot().ValueOrDie()->version();
  }

  std::unique_ptr<testing::TempDir> dir_;
  fs::path root_;
  std::unique_ptr<Table> table_;
};

TEST_F(VacuumTest, DeletesOldUnreferencedFilesAndKeepsTheRest) {
  WriteAndOverwrite();
  const std::set<std::string> old_files = DataFiles(0);
  const std::set<std::string> live_files = DataFiles(1);
  ASSERT_EQ(old_files.size(), 2u);
  ASSERT_EQ(live_files.size(), 2u);
  // Eight days from now the tombstones of version 1 are older than the default week.
  const int64_t now = NowMs() + 8 * kDayMs;
  AgeDataFiles(now - 30 * kDayMs);
  AddFile("orphan.parquet", now - 30 * kDayMs);              // a failed write
  AddFile("part=a/orphan.parquet", now - 30 * kDayMs);       // in a partition
  AddFile("_change_data/cdc-1.parquet", now - 30 * kDayMs);  // vacuumed too
  AddFile("young.parquet", now - kHourMs);                   // maybe uncommitted
  AddFile("part=a/young.parquet", now - 6 * kDayMs);         // within the week
  AddFile("_hidden/old.parquet", now - 30 * kDayMs);         // hidden folder
  AddFile("_other", now - 30 * kDayMs);                      // hidden file
  AddFile(".hidden.parquet", now - 30 * kDayMs);             // hidden file
  AddFile("part=a/.part-1.parquet.crc", now - 30 * kDayMs);  // hidden, in a partition
  AddFile("_delta_log/unrelated.json", now - 30 * kDayMs);   // the log is never read
  const std::set<std::string> before = Files();

  std::vector<std::string> expected(old_files.begin(), old_files.end());
  for (const char* file :
       {"orphan.parquet", "part=a/orphan.parquet", "_change_data/cdc-1.parquet"}) {
    expected.push_back(file);
  }
  std::sort(expected.begin(), expected.end());

  // A dry run lists them and changes nothing.
  VacuumOptions dry_run;
  dry_run.dry_run = true;
  ASSERT_OK_AND_ASSIGN(auto listed, Vacuum(*table_, now, dry_run));
  EXPECT_EQ(listed.deleted, expected);
  EXPECT_GT(listed.bytes, 0);
  EXPECT_EQ(listed.version, 1);
  EXPECT_EQ(listed.retention_ms, 7 * kDayMs);
  EXPECT_EQ(listed.cutoff_timestamp_ms, now - 7 * kDayMs);
  EXPECT_FALSE(listed.start_version.has_value());
  EXPECT_EQ(Files(), before);
  EXPECT_EQ(LatestVersion(), 1);

  ASSERT_OK_AND_ASSIGN(auto result, Vacuum(*table_, now));
  EXPECT_EQ(result.deleted, expected);
  EXPECT_EQ(result.bytes, listed.bytes);
  // The root, _change_data and the partitions a, b and "c d" (folders stay, even empty).
  EXPECT_EQ(result.directories_listed, 5);
  std::set<std::string> after = before;
  for (const auto& file : expected) after.erase(file);
  std::set<std::string> now_there = Files();
  // The commits are the only new files.
  now_there.erase("_delta_log/00000000000000000002.json");
  now_there.erase("_delta_log/00000000000000000003.json");
  EXPECT_EQ(now_there, after);
  for (const auto& file : live_files) EXPECT_EQ(after.count(file), 1u) << file;

  // Recorded as VACUUM START and VACUUM END, commits that change no data.
  EXPECT_EQ(result.start_version, 2);
  EXPECT_EQ(result.end_version, 3);
  ASSERT_OK_AND_ASSIGN(auto start, table_->SnapshotAt(2));
  ASSERT_TRUE(start->latest_commit_info().has_value());
  const CommitInfo& start_info = *start->latest_commit_info();
  EXPECT_EQ(start_info.operation, "VACUUM START");
  EXPECT_EQ(start_info.is_blind_append, true);
  EXPECT_EQ(start_info.operation_parameters,
            (StringMap{{"retentionCheckEnabled", "true"},
                       {"defaultRetentionMillis", std::to_string(7 * kDayMs)}}));
  EXPECT_EQ(start_info.operation_metrics,
            (StringMap{{"numFilesToDelete", "5"},
                       {"sizeOfDataToDelete", std::to_string(result.bytes)}}));
  ASSERT_OK_AND_ASSIGN(auto end, table_->SnapshotAt(3));
  const CommitInfo& end_info = *end->latest_commit_info();
  EXPECT_EQ(end_info.operation, "VACUUM END");
  EXPECT_EQ(end_info.operation_parameters, (StringMap{{"status", "COMPLETED"}}));
  EXPECT_EQ(end_info.operation_metrics,
            (StringMap{{"numDeletedFiles", "5"}, {"numVacuumedDirectories", "5"}}));
  EXPECT_EQ(end->files().size(), 2u);

  // The table reads as before, and so does every version whose files were kept.
  ASSERT_OK_AND_ASSIGN(auto rows, ReadFirstColumn(end));
  EXPECT_EQ(rows, (std::vector<std::string>{"4", "5"}));
  ASSERT_OK_AND_ASSIGN(auto version1, table_->SnapshotAt(1));
  ASSERT_OK_AND_ASSIGN(rows, ReadFirstColumn(version1));
  EXPECT_EQ(rows, (std::vector<std::string>{"4", "5"}));
  // Version 0 was older than the retention: its log is there, its files are not.
  ASSERT_OK_AND_ASSIGN(auto version0, table_->SnapshotAt(0));
  ASSERT_RAISES_DELTA(kFileNotFound, ReadFirstColumn(version0));

  // Nothing is left to delete: no files, no commits.
  ASSERT_OK_AND_ASSIGN(auto again, Vacuum(*table_, now));
  EXPECT_TRUE(again.deleted.empty());
  EXPECT_FALSE(again.start_version.has_value());
  EXPECT_EQ(LatestVersion(), 3);
}

TEST_F(VacuumTest, KeepsFilesOfTombstonesWithinTheRetention) {
  WriteAndOverwrite();
  const int64_t now = NowMs();
  AgeDataFiles(now - 30 * kDayMs);  // old files, but removed just now
  ASSERT_OK_AND_ASSIGN(auto result, Vacuum(*table_, now));
  EXPECT_TRUE(result.deleted.empty());
  EXPECT_FALSE(result.start_version.has_value());
  ASSERT_OK_AND_ASSIGN(auto version0, table_->SnapshotAt(0));
  ASSERT_OK_AND_ASSIGN(auto rows, ReadFirstColumn(version0));
  EXPECT_EQ(rows, (std::vector<std::string>{"1", "2", "3"}));

  // A retention of zero, with the check off, lets them go.
  VacuumOptions options;
  options.retention_ms = 0;
  options.enforce_retention = false;
  options.commit.custom_metadata = {{"pipeline", "nightly"}};
  ASSERT_OK_AND_ASSIGN(result, Vacuum(*table_, now + 1, options));
  const std::set<std::string> old_files = DataFiles(0);
  EXPECT_EQ(result.deleted, std::vector<std::string>(old_files.begin(), old_files.end()));
  ASSERT_OK_AND_ASSIGN(auto start, table_->SnapshotAt(*result.start_version));
  EXPECT_EQ(start->latest_commit_info()->operation_parameters,
            (StringMap{{"retentionCheckEnabled", "false"},
                       {"defaultRetentionMillis", std::to_string(7 * kDayMs)},
                       {"specifiedRetentionMillis", "0"}}));
  EXPECT_NE(start->latest_commit_info()->json.find(R"("pipeline":"nightly")"),
            std::string::npos)
      << start->latest_commit_info()->json;
  ASSERT_RAISES_DELTA(kFileNotFound, ReadFirstColumn(version0));
  ASSERT_OK_AND_ASSIGN(rows, ReadFirstColumn(table_->LatestSnapshot().ValueOrDie()));
  EXPECT_EQ(rows, (std::vector<std::string>{"4", "5"}));
}

TEST_F(VacuumTest, EnforcesTheTablesRetention) {
  WriteAndOverwrite();
  const int64_t now = NowMs();
  VacuumOptions options;
  options.retention_ms = kHourMs;
  auto refused = Vacuum(*table_, now, options);
  ASSERT_RAISES_DELTA(kInvalidArgument, refused);
  const std::string message = refused.status().message();
  EXPECT_NE(message.find(root_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("retention of 1 hour:"), std::string::npos) << message;
  EXPECT_NE(message.find("delta.deletedFileRetentionDuration) is 168 hours"),
            std::string::npos)
      << message;

  options.enforce_retention = false;
  options.dry_run = true;
  ASSERT_OK(Vacuum(*table_, now, options).status());
  options.retention_ms = -1;
  ASSERT_RAISES_DELTA(kInvalidArgument, Vacuum(*table_, now, options));
  // Longer than the time since the epoch: nothing expires.
  options.enforce_retention = true;
  options.retention_ms = std::numeric_limits<int64_t>::max();
  ASSERT_OK_AND_ASSIGN(auto forever, Vacuum(*table_, now, options));
  EXPECT_TRUE(forever.deleted.empty());
  EXPECT_LT(forever.cutoff_timestamp_ms, 0);
}

TEST_F(VacuumTest, RetentionComesFromTheTableProperty) {
  WriteAndOverwrite(
      {{std::string(table_property::kDeletedFileRetentionDuration), "interval 2 days"}});
  const int64_t now = NowMs() + 3 * kDayMs;
  AgeDataFiles(now - 30 * kDayMs);
  ASSERT_OK_AND_ASSIGN(auto result, Vacuum(*table_, now));
  EXPECT_EQ(result.retention_ms, 2 * kDayMs);
  EXPECT_EQ(result.deleted.size(), 2u);  // the tombstones are 3 days old

  VacuumOptions options;
  options.dry_run = true;
  options.retention_ms = 49 * kHourMs;
  ASSERT_OK(Vacuum(*table_, now, options).status());
  options.retention_ms = 47 * kHourMs + 30 * 60 * 1000;
  auto refused = Vacuum(*table_, now, options);
  ASSERT_RAISES_DELTA(kInvalidArgument, refused);
  EXPECT_NE(refused.status().message().find("retention of 47.5 hours"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("is 48 hours"), std::string::npos);
}

TEST_F(VacuumTest, BadRetentionPropertyFails) {
  WriteAndOverwrite(
      {{std::string(table_property::kDeletedFileRetentionDuration), "a fortnight"}});
  auto result = Vacuum(*table_, NowMs());
  ASSERT_RAISES_DELTA(kInvalidArgument, result);
  EXPECT_NE(result.status().message().find("delta.deletedFileRetentionDuration"),
            std::string::npos)
      << result.status().message();
}

TEST_F(VacuumTest, LiteModeDeletesOnlyTheFilesOfExpiredTombstones) {
  WriteAndOverwrite();
  const int64_t now = NowMs() + 8 * kDayMs;
  AgeDataFiles(now - 30 * kDayMs);
  AddFile("orphan.parquet", now - 30 * kDayMs);
  VacuumOptions options;
  options.mode = VacuumMode::kLite;
  ASSERT_OK_AND_ASSIGN(auto result, Vacuum(*table_, now, options));
  const std::set<std::string> old_files = DataFiles(0);
  EXPECT_EQ(result.deleted, std::vector<std::string>(old_files.begin(), old_files.end()));
  EXPECT_EQ(result.directories_listed, 0);
  EXPECT_EQ(Files().count("orphan.parquet"), 1u);  // lite never lists the table
  for (const auto& file : old_files) EXPECT_EQ(Files().count(file), 0u) << file;
  // The tombstones are still in the log, but their files are gone: nothing to do.
  ASSERT_OK_AND_ASSIGN(auto again, Vacuum(*table_, now, options));
  EXPECT_TRUE(again.deleted.empty());
  EXPECT_FALSE(again.start_version.has_value());
}

TEST_F(VacuumTest, KeepsTheFilesOfVersionsAskedFor) {
  WriteAndOverwrite();
  const int64_t now = NowMs() + 8 * kDayMs;
  AgeDataFiles(now - 30 * kDayMs);
  VacuumOptions options;
  options.keep_versions = {0, 1};
  ASSERT_OK_AND_ASSIGN(auto result, Vacuum(*table_, now, options));
  EXPECT_TRUE(result.deleted.empty());
  ASSERT_OK_AND_ASSIGN(auto version0, table_->SnapshotAt(0));
  ASSERT_OK_AND_ASSIGN(auto rows, ReadFirstColumn(version0));
  EXPECT_EQ(rows, (std::vector<std::string>{"1", "2", "3"}));
  options.keep_versions = {7};
  ASSERT_RAISES_DELTA(kVersionNotFound, Vacuum(*table_, now, options));
}

// A table written by hand: paths as URIs of every kind, and a partition column whose
// folders start with '_'.
TEST_F(VacuumTest, ResolvesLogPathsAndHiddenNamesAsDeltaSparkDoes) {
  const int64_t now = NowMs();
  const int64_t old = now - 30 * kDayMs;
  const std::string absolute_root = "file://" + root_.string();
  ASSERT_OK_AND_ASSIGN(auto outside_dir, testing::TempDir::Make());
  const fs::path outside = outside_dir.path() / "outside.parquet";
  ASSERT_OK(testing::WriteFile(outside, "x"));
  SetModificationTime(outside, old);
  ASSERT_OK(testing::WriteCommit(
      root_, 0,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})",
       R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"_p\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":["_p"],"configuration":{},"createdTime":1}})",
       R"({"add":{"path":"_p=1/a%20b.parquet","partitionValues":{"_p":"1"},"size":1,"modificationTime":1,"dataChange":true}})",
       R"({"add":{"path":"./_p=1/dot.parquet","partitionValues":{"_p":"1"},"size":1,"modificationTime":1,"dataChange":true}})",
       R"({"add":{"path":")" + absolute_root +
           R"(/_p=2/abs%25.parquet","partitionValues":{"_p":"2"},"size":1,"modificationTime":1,"dataChange":true}})",
       R"({"remove":{"path":"file://)" + outside.string() +
           R"(","deletionTimestamp":1,"dataChange":true}})",
       R"({"remove":{"path":"_p=1/gone.parquet","deletionTimestamp":1,"dataChange":true}})"}));
  for (const char* file : {"_p=1/a b.parquet", "_p=1/dot.parquet", "_p=2/abs%.parquet",
                           "_p=1/gone.parquet", "_p=2/orphan.parquet", "_q=1/hidden"}) {
    AddFile(file, old);
  }
  for (VacuumMode mode : {VacuumMode::kLite, VacuumMode::kFull}) {
    VacuumOptions options;
    options.dry_run = true;
    options.mode = mode;
    ASSERT_OK_AND_ASSIGN(auto result, Vacuum(*table_, now, options));
    if (mode == VacuumMode::kLite) {
      EXPECT_EQ(result.deleted, (std::vector<std::string>{"_p=1/gone.parquet"}));
    } else {
      EXPECT_EQ(result.deleted,
                (std::vector<std::string>{"_p=1/gone.parquet", "_p=2/orphan.parquet"}));
    }
  }
  ASSERT_OK(Vacuum(*table_, now).status());
  EXPECT_TRUE(fs::exists(outside));  // named by an absolute URI: never ours to delete
  EXPECT_TRUE(fs::exists(root_ / "_q=1/hidden"));
  EXPECT_TRUE(fs::exists(root_ / "_p=2/abs%.parquet"));
  EXPECT_TRUE(fs::exists(root_ / "_p=1/dot.parquet"));
  EXPECT_FALSE(fs::exists(root_ / "_p=2/orphan.parquet"));
}

// A table Delta Spark wrote with deletion vectors and change data: vacuum keeps the
// vector files live files use, deletes replaced ones, and the rows stay the same.
TEST_F(VacuumTest, KeepsDeletionVectorsOfLiveFiles) {
  ASSERT_OK(testing::CopyTable(
      testing::TestdataPath("delta-rs/cdf-table-with-cdc-and-dvs"), root_));
  const int64_t now = NowMs();
  AgeDataFiles(now - 30 * kDayMs);
  ASSERT_OK_AND_ASSIGN(auto snapshot, table_->LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto rows_before, ReadFirstColumn(snapshot));
  std::set<std::string> needed;
  for (const auto& add : snapshot->files()) {
    needed.insert(add.path);
    if (add.deletion_vector.has_value()) {
      ASSERT_OK_AND_ASSIGN(auto path, DeletionVectorPath(*add.deletion_vector));
      needed.insert(path);
    }
  }
  ASSERT_GT(needed.size(), snapshot->files().size());  // some vectors are live

  VacuumOptions lite;
  lite.mode = VacuumMode::kLite;
  lite.dry_run = true;
  ASSERT_OK_AND_ASSIGN(auto lite_result, Vacuum(*table_, now, lite));
  ASSERT_OK_AND_ASSIGN(auto result, Vacuum(*table_, now));
  auto count = [&](std::string_view prefix) {
    return std::count_if(
        result.deleted.begin(), result.deleted.end(),
        [&](const std::string& file) { return file.starts_with(prefix); });
  };
  EXPECT_GT(count("deletion_vector_"), 0);
  EXPECT_GT(count("part-"), 0);
  EXPECT_EQ(count("_change_data/"), 5);
  // Lite finds the replaced vectors and removed files, but not change data files.
  EXPECT_GT(lite_result.deleted.size(), 0u);
  for (const auto& file : lite_result.deleted) {
    EXPECT_FALSE(file.starts_with("_change_data/")) << file;
    EXPECT_NE(std::find(result.deleted.begin(), result.deleted.end(), file),
              result.deleted.end())
        << file;
  }
  for (const auto& file : needed) EXPECT_TRUE(fs::exists(root_ / file)) << file;
  ASSERT_OK_AND_ASSIGN(auto latest, table_->LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(auto rows_after, ReadFirstColumn(latest));
  EXPECT_EQ(rows_after, rows_before);
}

TEST_F(VacuumTest, RefusesTablesItMayNotWrite) {
  WriteAndOverwrite();
  ASSERT_OK(testing::WriteCommit(
      root_, 2,
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["rowTracking"]}})"}));
  VacuumOptions options;
  options.dry_run = true;
  auto refused = Vacuum(*table_, NowMs(), options);
  ASSERT_RAISES_DELTA(kUnsupportedFeature, refused);
  EXPECT_NE(refused.status().message().find("cannot vacuum table"), std::string::npos);
}

TEST_F(VacuumTest, MissingTableFails) {
  ASSERT_RAISES_DELTA(kTableNotFound, Vacuum(*table_, NowMs()));
}

}  // namespace
}  // namespace deltacpp
