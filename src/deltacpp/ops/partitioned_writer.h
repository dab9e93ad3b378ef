#pragma once

// Rows of a table written as Parquet data files in Hive-style partition folders, each
// file with its statistics, ready to be added by a transaction. Shared by the operations
// that write data (write, and those that rewrite files).
//
// Tested by: ops/write_table_test.cc (every write, partitioned or not, goes through it).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/ops/file_stats.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

/// Parquet settings of one column (a leaf column's dotted path, as Parquet names it:
/// "a.b", "tags.list.element"); unset ones keep Arrow's defaults.
struct ParquetColumnOptions {
  std::optional<bool> dictionary;
  /// Column chunk and page statistics.
  std::optional<bool> statistics;
  /// Writes a split-block Bloom filter with this false-positive probability (0 < fpp < 1)
  /// sized for `bloom_filter_ndv` distinct values (the row group's rows when unset).
  std::optional<double> bloom_filter_fpp;
  std::optional<int64_t> bloom_filter_ndv;
  /// "plain", "delta_binary_packed", "delta_length_byte_array", "delta_byte_array",
  /// "byte_stream_split", "rle" (booleans).
  std::optional<std::string> encoding;
};

struct DataFileOptions {
  /// Parquet compression: "snappy", "zstd", "gzip", "brotli", "lz4", "lz4_raw" (the same
  /// as "lz4": Arrow writes the raw LZ4 codec) or "none".
  std::string compression = "snappy";
  /// The codec's level (zstd 1-22, gzip 1-9, brotli 0-11); its default when unset.
  std::optional<int> compression_level;
  /// Page limits: bytes of a data page, bytes of a dictionary page, rows of a page.
  std::optional<int64_t> data_page_size;
  std::optional<int64_t> dictionary_page_size;
  std::optional<int64_t> data_page_row_count;
  /// Values handed to the encoder at once.
  std::optional<int64_t> write_batch_size;
  /// For every column, then per column (by Parquet path) over that.
  ParquetColumnOptions default_columns;
  std::map<std::string, ParquetColumnOptions> columns;
  /// A data file is closed once it holds this many rows...
  int64_t max_rows_per_file = 4 * 1024 * 1024;
  /// ... or at the first row group that takes it to this many bytes (0: no limit).
  int64_t target_file_size = 0;
  int64_t max_rows_per_row_group = 1024 * 1024;
  StatsColumns stats_columns;
};

/// Fails with kInvalidArgument for an unknown compression or a size below 1.
DELTACPP_EXPORT Status ValidateDataFileOptions(const DataFileOptions& options);

/// How far a write has come, reported after every batch.
struct WriteProgress {
  int64_t rows = 0;          // rows taken so far
  int64_t files_closed = 0;  // data files finished
  int64_t bytes_closed = 0;  // their size
};

class DELTACPP_EXPORT PartitionedWriter {
 public:
  /// Files go under `store`'s root; `table_schema` is the logical schema of the rows
  /// given to Write, `partition_columns` top-level columns of it.
  PartitionedWriter(std::shared_ptr<ObjectStore> store,
                    std::shared_ptr<arrow::Schema> table_schema,
                    std::vector<std::string> partition_columns, DataFileOptions options);
  ~PartitionedWriter();

  /// Writes the files under folder `prefix` of the table ("_change_data/") and names
  /// them `name_prefix`-NNNNN-... ("cdc"), instead of "part-..." at the table's root.
  /// Call before the first Write.
  void set_location(std::string prefix, std::string name_prefix) {
    folder_prefix_ = std::move(prefix);
    name_prefix_ = std::move(name_prefix);
  }

  /// Takes rows with the columns of the table schema, in its order. Partition values
  /// go to folder names (nulls and empty strings as __HIVE_DEFAULT_PARTITION__), the
  /// other columns to the open file of their partition.
  Status Write(const std::shared_ptr<arrow::RecordBatch>& batch);

  /// Finishes every open file; the add actions of all files written (dataChange true).
  Result<std::vector<AddFile>> Close();

  const WriteProgress& progress() const { return progress_; }

 private:
  struct OpenFile;
  struct PartitionKey;
  Status WriteToPartition(const PartitionKey& key,
                          const std::shared_ptr<arrow::RecordBatch>& batch);
  Status Start(OpenFile& open);
  // How many rows the next row group of `open` gets, aiming at the target file size.
  Result<int64_t> RowsTowardTarget(OpenFile& open, const arrow::RecordBatch& batch);
  Status Finish(OpenFile& open);

  std::shared_ptr<ObjectStore> store_;
  std::vector<std::string> partition_columns_;
  DataFileOptions options_;
  std::vector<int> partition_index_;  // in the table schema
  std::vector<int> file_index_;
  std::shared_ptr<arrow::Schema> file_schema_;
  double observed_bytes_per_row_ = 0;  // in the last file finished
  std::map<std::string, std::unique_ptr<OpenFile>> open_files_;  // by folder
  std::vector<AddFile> added_;
  int next_file_ = 0;
  std::string folder_prefix_;
  std::string name_prefix_ = "part";
  WriteProgress progress_;
};

}  // namespace deltacpp
