#include "deltacpp/kernel/log/checkpoint_reader.h"

#include <fstream>
#include <iterator>
#include <set>

#include <arrow/io/file.h>
#include <arrow/json/from_string.h>
#include <arrow/memory_pool.h>
#include <arrow/table.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include "deltacpp/kernel/log/log_replay.h"
#include "deltacpp/kernel/log/log_segment.h"
#include "deltacpp/kernel/parquet_file.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

std::set<std::string> Keys(const TableState& state) {
  std::set<std::string> keys;
  for (const auto& file : state.files) {
    keys.insert(
        file.path + "|" +
        (file.deletion_vector ? file.deletion_vector->UniqueId() : std::string()));
  }
  return keys;
}

// The segment that replays every JSON commit 0..version and no checkpoint.
LogSegment JsonOnlySegment(int64_t version) {
  LogSegment segment;
  segment.version = version;
  for (int64_t v = 0; v <= version; ++v) {
    segment.commits.push_back(LogFile{*ParseLogFileName(CommitFileName(v)), -1, 0});
  }
  return segment;
}

// Tables that keep every commit beside their checkpoints: replaying the checkpoint must
// give the same state as replaying all the JSON commits.
class CheckpointEquivalenceTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CheckpointEquivalenceTest, CheckpointReplayEqualsJsonReplay) {
  ASSERT_OK_AND_ASSIGN(auto store,
                       ObjectStore::Make(testing::TestdataPath(GetParam()).string()));
  ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*store));
  ASSERT_TRUE(segment.checkpoint_version.has_value()) << "no checkpoint used";
  ASSERT_OK_AND_ASSIGN(auto from_checkpoint, ReplayLog(*store, segment));
  ASSERT_OK_AND_ASSIGN(auto from_json,
                       ReplayLog(*store, JsonOnlySegment(segment.version)));
  EXPECT_FALSE(from_checkpoint.files.empty());
  EXPECT_EQ(Keys(from_checkpoint), Keys(from_json));
  EXPECT_EQ(from_checkpoint.protocol, from_json.protocol);
  EXPECT_EQ(from_checkpoint.metadata, from_json.metadata);
  EXPECT_EQ(from_checkpoint.app_transactions, from_json.app_transactions);
  EXPECT_EQ(from_checkpoint.domains.size(), from_json.domains.size());
  // Files keep their fields through the checkpoint (dataChange aside, which checkpoints
  // may write as false).
  for (const auto& file : from_checkpoint.files) {
    for (const auto& json_file : from_json.files) {
      if (json_file.path != file.path) continue;
      EXPECT_EQ(file.size, json_file.size) << file.path;
      EXPECT_EQ(file.partition_values, json_file.partition_values) << file.path;
      // Checkpoints written with writeStatsAsJson=false carry only stats_parsed, which
      // comes back as JSON of the same content in Arrow's text forms (timestamps with a
      // space): compare the text only where the checkpoint had JSON too.
      ASSERT_EQ(file.stats.has_value(), json_file.stats.has_value()) << file.path;
      if (file.stats && json_file.stats->find("\"timestamp\"") == std::string::npos) {
        EXPECT_EQ(file.stats, json_file.stats) << file.path;
      }
      EXPECT_EQ(file.deletion_vector, json_file.deletion_vector) << file.path;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    ReferenceTables, CheckpointEquivalenceTest,
    ::testing::Values(
        "golden/multi-part-checkpoint", "golden/v2-checkpoint-json",
        "golden/v2-checkpoint-parquet", "golden/basic-with-inserts-deletes-checkpoint",
        "golden/125-iterator-bug", "golden/dv-partitioned-with-checkpoint",
        "delta-rs/simple_table_with_checkpoint", "delta-rs/checkpoint-v2-table",
        "delta-rs/delta-1.2.1-only-struct-stats", "delta-rs/python-0.25.5-checkpoint",
        "delta-rs/table_with_deletion_logs", "delta-rs/issue_1374"));

TEST(CheckpointReaderTest, V2CheckpointReadsItsSidecars) {
  ASSERT_OK_AND_ASSIGN(
      auto store,
      ObjectStore::Make(testing::TestdataPath("golden/v2-checkpoint-parquet").string()));
  ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*store));
  ASSERT_EQ(segment.checkpoint_parts.size(), 1u);
  EXPECT_EQ(segment.checkpoint_parts[0].name.kind, LogFileKind::kUuidCheckpoint);
  ASSERT_OK_AND_ASSIGN(
      auto top_level,
      ReadParquetCheckpoint(*store, LogFilePath(segment.checkpoint_parts[0].name.name)));
  size_t sidecars = 0;
  for (const auto& action : top_level)
    sidecars += std::holds_alternative<Sidecar>(action);
  EXPECT_EQ(sidecars, 2u);
  ASSERT_OK_AND_ASSIGN(
      auto all,
      ReadCheckpointFile(*store, LogFilePath(segment.checkpoint_parts[0].name.name)));
  EXPECT_GT(all.size(), top_level.size());
}

TEST(CheckpointReaderTest, StatsParsedBecomesStatsJson) {
  // Written with delta.checkpoint.writeStatsAsJson=false: only stats_parsed is there.
  ASSERT_OK_AND_ASSIGN(
      auto store,
      ObjectStore::Make(
          testing::TestdataPath("delta-rs/delta-checkpoint-stats-optional").string()));
  ASSERT_OK_AND_ASSIGN(auto segment, LogSegment::Build(*store));
  ASSERT_EQ(segment.checkpoint_parts.size(), 1u);
  ASSERT_OK_AND_ASSIGN(
      auto actions,
      ReadCheckpointFile(*store, LogFilePath(segment.checkpoint_parts[0].name.name)));
  size_t with_stats = 0;
  for (const auto& action : actions) {
    const auto* add = std::get_if<AddFile>(&action);
    // One of the two files has null stats_parsed in this checkpoint.
    if (add == nullptr || !add->stats.has_value()) continue;
    ++with_stats;
    EXPECT_NE(add->stats->find(R"("numRecords":)"), std::string::npos) << *add->stats;
    EXPECT_NE(add->stats->find(R"("decimal":)"), std::string::npos) << *add->stats;
    EXPECT_NE(add->stats->find(R"("struct":{"struct_element":)"), std::string::npos)
        << *add->stats;
  }
  EXPECT_EQ(with_stats, 1u);
}

TEST(CheckpointReaderTest, GarbageIsCorruptNamingTheFile) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK(testing::WriteFile(
      dir.path() / "_delta_log/00000000000000000001.checkpoint.parquet",
      "not parquet at all"));
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  auto result =
      ReadParquetCheckpoint(*store, "_delta_log/00000000000000000001.checkpoint.parquet");
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("00000000000000000001.checkpoint.parquet"),
            std::string::npos)
      << result.status().message();
  ASSERT_RAISES_DELTA(kFileNotFound,
                      ReadParquetCheckpoint(*store, "_delta_log/nope.parquet"));
}

constexpr const char* kFoundCheckpointPath =
    "_delta_log/00000000000000000010.checkpoint.parquet";

// A table in `dir` whose checkpoint (kFoundCheckpointPath) is the input the checkpoint
// fuzzer found, saved as fuzz/regressions/checkpoint/`name`.
Result<std::shared_ptr<ObjectStore>> StoreWithFoundCheckpoint(const testing::TempDir& dir,
                                                              const std::string& name) {
  std::ifstream found(testing::SourcePath("fuzz/regressions/checkpoint/" + name),
                      std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(found), {}};
  if (bytes.size() < 1000)
    return Status::IOError("fuzz/regressions/checkpoint/", name, " is missing");
  DELTACPP_RETURN_NOT_OK(testing::WriteFile(dir.path() / kFoundCheckpointPath, bytes));
  return ObjectStore::Make(dir.path().string());
}

// Issue 14, the checkpoint fuzzer: a 15 KB file whose page header claims a page of
// 1.6 GB made the reader allocate (and clear) that much before reading it.
TEST(CheckpointReaderTest, PageHeadersClaimingGigabytesAreCorruptNotAllocated) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto store,
                       StoreWithFoundCheckpoint(dir, "page-header-claiming-gigabytes"));
  const std::string path = kFoundCheckpointPath;
  arrow::ProxyMemoryPool pool(arrow::system_memory_pool());
  ParquetReadOptions options;
  options.stream_pages = true;
  options.memory_pool = &pool;
  options.columns = {"add", "remove", "metaData", "protocol", "txn"};
  ASSERT_OK_AND_ASSIGN(auto batches, ReadParquetFile(*store, path, -1, options));
  Status read;
  for (std::shared_ptr<arrow::RecordBatch> batch; read.ok();) {
    read = batches->ReadNext(&batch);
    if (batch == nullptr) break;
  }
  EXPECT_NE(read.message().find("its page headers are corrupt"), std::string::npos)
      << read.ToString();
  EXPECT_LT(pool.max_memory(), 300 << 20);
  // The whole checkpoint read fails naming the file.
  auto visited = VisitParquetCheckpoint(*store, path, -1, [](Action&&) {});
  ASSERT_RAISES_DELTA(kCorruptLog, visited);
  EXPECT_NE(visited.message().find("00000000000000000010.checkpoint.parquet"),
            std::string::npos)
      << visited.message();
}

// The checkpoint fuzzer: a 15 KB file whose footer claims a million column chunks took
// 740 MB and 6 s to refuse.
TEST(CheckpointReaderTest, FootersClaimingMoreElementsThanBytesAreCorrupt) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(
      auto store, StoreWithFoundCheckpoint(dir, "footer-claiming-a-million-columns"));
  const std::string path = kFoundCheckpointPath;
  arrow::ProxyMemoryPool pool(arrow::system_memory_pool());
  ParquetReadOptions options;
  options.memory_pool = &pool;
  auto opened = ReadParquetFile(*store, path, -1, options);
  ASSERT_RAISES_DELTA(kCorruptLog, opened);
  EXPECT_NE(opened.status().message().find("00000000000000000010.checkpoint.parquet"),
            std::string::npos)
      << opened.status().message();
  // Refused at the footer's bound, before a million column chunks were made.
  EXPECT_NE(opened.status().message().find("Exceeded size limit"), std::string::npos)
      << opened.status().message();
}

TEST(CheckpointReaderTest, MistypedActionColumnIsCorrupt) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  const auto path = dir.path() / "cp.parquet";
  auto schema = arrow::schema({arrow::field("add", arrow::int64())});
  auto column = arrow::json::ArrayFromJSONString(arrow::int64(), "[1]").ValueOrDie();
  auto table = arrow::Table::Make(schema, {column});
  ASSERT_OK_AND_ASSIGN(auto out, arrow::io::FileOutputStream::Open(path.string()));
  ASSERT_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out));
  ASSERT_OK(out->Close());
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  auto result = ReadParquetCheckpoint(*store, "cp.parquet");
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("add is not a struct"), std::string::npos)
      << result.status().message();
}

}  // namespace
}  // namespace deltacpp
