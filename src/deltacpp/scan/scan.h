#pragma once

// A scan reads the rows of one Snapshot as Arrow record batches.
//
//   DELTACPP_ASSIGN_OR_RAISE(auto scan, ScanBuilder(snapshot)
//                                          .Select({"id"})
//                                          .Filter(Greater(Column("id"), Literal(10)))
//                                          .Build());
//   DELTACPP_ASSIGN_OR_RAISE(auto reader, scan->Execute());

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/record_batch.h>
#include <arrow/table.h>
#include <arrow/util/thread_pool.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/snapshot.h"

namespace deltacpp {

class DataSkipping;
namespace internal {
struct ScanContext;
}

class DELTACPP_EXPORT Scan {
 public:
  /// The schema of the batches: the selected columns of the table, in selection order.
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  const std::shared_ptr<const Snapshot>& snapshot() const { return snapshot_; }

  /// Streams the rows, file by file. Each batch has schema(): columns are found by their
  /// physical name or field id under column mapping, columns (or nested fields) a file
  /// lacks are null, columns stored with another type are cast to the table's type, and
  /// partition columns hold the file's partition value. Reading fails with kFileNotFound
  /// for a data file the log names but the store lacks, and kCorruptLog for one that
  /// cannot be decoded or cast; messages name the file.
  Result<std::shared_ptr<arrow::RecordBatchReader>> Execute() const;

  /// All rows at once.
  Result<std::shared_ptr<arrow::Table>> ToTable() const;
  /// Streams the rows of just `files` (live files of the snapshot, e.g. some of
  /// Files()), in that order, as Execute reads them: deletion vectors applied, the
  /// filter and limit too when the scan has them. For operations that rewrite files.
  Result<std::shared_ptr<arrow::RecordBatchReader>> ExecuteFiles(
      const std::vector<const AddFile*>& files) const;

  /// The filter, bound to the table schema (bind_predicate.h); null without one.
  const PredicatePtr& filter() const { return filter_; }

  /// The live files the scan reads, in log order: those whose partition values and
  /// statistics do not rule out the filter (data_skipping.h). Execute opens no others.
  std::vector<const AddFile*> Files() const;

 private:
  friend class ScanBuilder;
  Scan() = default;

  std::shared_ptr<const Snapshot> snapshot_;
  std::shared_ptr<arrow::Schema> schema_;
  std::optional<int64_t> limit_;
  int parallelism_ = 1;
  PredicatePtr filter_;
  std::shared_ptr<const DataSkipping> skipping_;
  std::shared_ptr<const internal::ScanContext> context_;
};

class DELTACPP_EXPORT ScanBuilder {
 public:
  explicit ScanBuilder(std::shared_ptr<const Snapshot> snapshot)
      : snapshot_(std::move(snapshot)) {}

  /// Reads only these top-level columns, in this order (all when never called).
  ScanBuilder& Select(std::vector<std::string> columns) {
    columns_ = std::move(columns);
    return *this;
  }

  /// Keeps only the rows where `predicate` is true (SQL semantics: not where it is
  /// null). Files that partition values or statistics prove hold no such row are never
  /// opened. Replaces an earlier filter.
  ScanBuilder& Filter(PredicatePtr predicate) {
    filter_ = std::move(predicate);
    return *this;
  }

  /// Stops after `max_rows` rows.
  ScanBuilder& Limit(int64_t max_rows) {
    limit_ = max_rows;
    return *this;
  }

  /// How many data files are decoded at once (default: Arrow's CPU thread pool
  /// capacity, arrow::SetCpuThreadPoolCapacity sets it). 1 decodes in the calling thread,
  /// streaming, with the least memory.
  ScanBuilder& Parallelism(int files_at_once) {
    parallelism_ = files_at_once;
    return *this;
  }

  /// Rows per batch, at most (default 65536).
  ScanBuilder& BatchSize(int64_t rows) {
    batch_size_ = rows;
    return *this;
  }

  /// Fails with kInvalidArgument for a column not in the table (naming the columns it
  /// has), a repeated column, a negative limit, a batch size or parallelism below 1, or
  /// a filter that does not bind to the table (BindPredicate's errors).
  Result<std::shared_ptr<Scan>> Build() const;

 private:
  std::shared_ptr<const Snapshot> snapshot_;
  std::optional<std::vector<std::string>> columns_;
  std::optional<int64_t> limit_;
  PredicatePtr filter_;
  int64_t batch_size_ = 64 * 1024;
  int parallelism_ = arrow::GetCpuThreadPoolCapacity();
};

}  // namespace deltacpp
