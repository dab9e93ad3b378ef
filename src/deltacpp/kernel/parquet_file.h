#pragma once

// The one caller of parquet::arrow in delta-cpp: opens a data file and yields its
// batches.
//
// Tested by: kernel/log/checkpoint_reader_test.cc (checkpoints, hostile pages and
// footers) and scan/scan_test.cc (data files).

#include <memory>
#include <string>
#include <vector>

#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

struct ParquetReadOptions {
  /// Top-level columns to read, by their name in the file, and by Parquet field id (for
  /// column mapping in id mode). Columns absent from the file are skipped (the caller
  /// fills them with nulls). Both empty reads no column, only the row count.
  std::vector<std::string> columns;
  std::vector<int64_t> field_ids;
  int64_t batch_size = 64 * 1024;
  /// Read pages as batches need them instead of whole column chunks up front: less
  /// memory for big row groups (checkpoints), more, smaller reads.
  bool stream_pages = false;
  /// Where decoded data is allocated (default: Arrow's default pool).
  arrow::MemoryPool* memory_pool = nullptr;
};

/// Reads the Parquet file at `relative_path` (decoded, relative to the table root).
/// INT96 timestamps come back as microseconds, so dates from year 1 to 9999 survive.
/// Batches hold the requested columns that the file has, in file order, and as many rows
/// as the file has even when no column is read. Fails with kFileNotFound when the file is
/// missing and kCorruptLog when it is not valid Parquet, naming the file.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::RecordBatchReader>> ReadParquetFile(
    const ObjectStore& store, const std::string& relative_path, int64_t size,
    const ParquetReadOptions& options);

}  // namespace deltacpp
