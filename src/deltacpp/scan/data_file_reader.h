#pragma once

// Internal to scan/: reading one data file as batches of table rows. Shared by the
// snapshot scan (scan.h) and the change data feed scan (change_data.h).
//
// Tested by: scan/scan_test.cc and scan/change_data_test.cc (every data file they read).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/compute/expression.h>
#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/parquet_file.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/snapshot.h"
#include "deltacpp/scan/compute_init.h"

namespace deltacpp::internal {

/// The fields of `table_schema` named by `columns`, in that order (all when nullopt).
/// Fails with kInvalidArgument for a column not in the table (naming the columns it has,
/// and `table_uri`) or one selected twice.
Result<std::shared_ptr<arrow::Schema>> SelectFields(
    const std::shared_ptr<arrow::Schema>& table_schema,
    const std::optional<std::vector<std::string>>& columns, const std::string& table_uri);

/// What every file of one scan is read with; shared by readers and background tasks,
/// which may outlive the scan's reader.
struct ScanContext {
  /// Names the table and gives the store; its files are not used here.
  std::shared_ptr<const Snapshot> snapshot;
  /// The columns read from files: those output, then those only the filter needs.
  std::shared_ptr<arrow::Schema> read_schema;
  /// The first `output_columns` of read_schema, then each file's appended constants.
  std::shared_ptr<arrow::Schema> output_schema;
  int output_columns = 0;
  /// Bound to read_schema; absent without a filter.
  std::optional<arrow::compute::Expression> row_filter;
  ColumnMappingMode mode = ColumnMappingMode::kNone;
  /// Parallel to read_schema's fields.
  std::vector<PhysicalColumn> physical_columns;
  std::vector<bool> is_partition;
  ParquetReadOptions parquet;

  /// Fills physical_columns, is_partition and parquet.columns from read_schema and the
  /// snapshot's partition columns; `extra_physical` are stored columns outside the table
  /// schema (as _change_type), found by name.
  Status Prepare(int64_t batch_size, const std::vector<std::string>& extra_physical = {});
};

/// One file to read: a data file or a change data file.
struct FileToRead {
  std::string path;  // as in the log: a relative, percent-encoded URI
  PartitionValues partition_values;
  int64_t size = 0;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  /// When set, only these rows (sorted indices from the start of the file) are read and
  /// the deletion vector is not applied.
  std::optional<std::vector<uint64_t>> only_rows;
  /// Appended to every batch after the output columns (output_schema names them).
  std::vector<std::shared_ptr<arrow::Scalar>> constants;
  /// When set, the file is read with this context instead of the reader's (whose
  /// output_schema it must share).
  std::shared_ptr<const ScanContext> context;

  static FileToRead Of(const AddFile& file);
};

class DataFileReader {
 public:
  static Result<std::unique_ptr<DataFileReader>> Open(
      std::shared_ptr<const ScanContext> context, FileToRead file);

  /// The next non-empty batch of output_schema, or nullptr at the end of the file.
  Result<std::shared_ptr<arrow::RecordBatch>> Next();

 private:
  explicit DataFileReader(std::shared_ptr<const ScanContext> context)
      : context_(std::move(context)) {}

  std::string FullPath() const;
  Status CheckListedRowsRead() const;
  Result<std::shared_ptr<arrow::RecordBatch>> SelectRows(
      std::shared_ptr<arrow::RecordBatch> batch);
  Result<std::shared_ptr<arrow::RecordBatch>> Shape(const arrow::RecordBatch& batch);
  Result<std::shared_ptr<arrow::RecordBatch>> FilterAndFinish(
      std::shared_ptr<arrow::RecordBatch> batch);

  std::shared_ptr<const ScanContext> context_;
  FileToRead file_;
  std::shared_ptr<const ObjectStore> store_;  // the table's, or an absolute path's folder
  std::string path_;                          // decoded, relative to store_
  std::shared_ptr<arrow::RecordBatchReader> batches_;
  int64_t file_row_ = 0;
  // Sorted row indices: the rows dropped, or with keep_listed_ the only rows kept.
  std::vector<uint64_t> listed_rows_;
  bool keep_listed_ = false;
  size_t listed_cursor_ = 0;
  std::vector<std::shared_ptr<arrow::Scalar>> partition_scalars_;
};

using FileBatches = std::vector<std::shared_ptr<arrow::RecordBatch>>;

/// All batches of one file.
Result<FileBatches> ReadWholeFile(std::shared_ptr<const ScanContext> context,
                                  FileToRead file);

/// Reads files in order, decoding up to `parallelism` of them at once on Arrow's CPU
/// thread pool (each file whole, so memory grows with the files in flight); with
/// parallelism 1 it streams one batch at a time in the calling thread. Stops after
/// `limit` rows.
std::shared_ptr<arrow::RecordBatchReader> MakeFilesReader(
    std::shared_ptr<const ScanContext> context, std::vector<FileToRead> files,
    std::optional<int64_t> limit, int parallelism);

}  // namespace deltacpp::internal
